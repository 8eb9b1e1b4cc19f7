"""跨区通办 actions (ONE-2): agreements and peers, accepting for another region, forwarding a case
to a peer deployment, and applying what a peer sends back.

Within one deployment a case of region B's item accepted at region A's window is accepted with
the ordinary `case_accept` (the agreement is what lets the clerk do it, see `agreement_covering`)
and handled by the item's department; its result is handed out where the applicant chose.
Between deployments, A's clerk forwards the application; B creates its own case and both sides
exchange signed messages (protocol.py), each applied once per message id.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.models import Case, CaseDocument, CaseMaterial
from govhall.cases.services.events import case_event_append, case_lock
from govhall.cases.services.submission import case_number_allocate, private_root, query_code_new, sniff_content_type
from govhall.catalog.choices import TONGBAN_SCOPES
from govhall.catalog.models import Item, Material, SituationOption
from govhall.core.errors import ErrorCollector, PermissionDenied, ValidationError
from govhall.crossregion import protocol
from govhall.crossregion.models import CaseRoute, Message, Peer, RemoteItem, TongbanAgreement
from govhall.licences import crypto
from govhall.org.models import Division, ServiceCentre, Window

# A wider 通办 scope includes the narrower ones: a 跨省通办 item may also be handled county-wide.
SCOPE_RANK = {key: rank for rank, (key, _label) in enumerate(TONGBAN_SCOPES)}
ACCEPTING_WINDOW_KINDS = (Window.KIND_CROSS_REGION, Window.KIND_COMPREHENSIVE)


# --- which region an item belongs to, and which agreement covers it ------------------------------


def item_outside_region(*, centre: ServiceCentre, item: Item) -> bool:
    """Whether the item's implementing body lies outside the centre's region: neither in the
    centre's division (a county hall covers its townships) nor above it (a township centre and
    its agent points take county items, as they always have). Codes nest: 150727 ⊃ 150727100."""
    dept_code = item.department.division_id
    centre_code = centre.division_id
    return not (dept_code.startswith(centre_code) or centre_code.startswith(dept_code))


def _valid_on(qs, today: date):
    return qs.filter(is_active=True, valid_from__lte=today).exclude(valid_until__lt=today)


def _accepting(qs, centre: ServiceCentre):
    # A centre accepts when it is named, or when it lies in the agreement's accepting division.
    prefixes = [centre.division_id[:n] for n in (2, 4, 6, 9, 12) if len(centre.division_id) >= n]
    from django.db.models import Q

    return qs.filter(Q(accepting_centres=centre) | Q(accepting_division_id__in=prefixes)).distinct()


def agreement_covering(*, centre: ServiceCentre, item: Item, today: date | None = None) -> TongbanAgreement | None:
    """The agreement under which `centre` accepts `item` of another region of this deployment."""
    today = today or timezone.localdate()
    dept_code = item.department.division_id
    prefixes = [dept_code[:n] for n in (2, 4, 6, 9, 12) if len(dept_code) >= n]
    qs = _accepting(_valid_on(TongbanAgreement.objects.filter(handling_division_id__in=prefixes), today), centre)
    scope = getattr(item.current_version, "tongban_scope", "none") if item.current_version_id else "none"
    for agreement in qs.order_by("id"):
        if agreement.items.filter(pk=item.pk).exists():
            return agreement
        if agreement.tongban_scope and scope != "none" and SCOPE_RANK.get(scope, 0) >= SCOPE_RANK[agreement.tongban_scope]:
            return agreement
    return None


def window_may_accept_for_other_region(*, window: Window, item: Item) -> bool:
    """The cross-region rule of `cases.permissions.can_accept_at_window`: a 跨区通办 or
    comprehensive window of region A accepts region B's item only under a valid agreement."""
    return window.kind in ACCEPTING_WINDOW_KINDS and agreement_covering(centre=window.centre, item=item) is not None


def remote_agreement_covering(*, centre: ServiceCentre, remote_item: RemoteItem, today: date | None = None) -> TongbanAgreement | None:
    today = today or timezone.localdate()
    qs = _accepting(_valid_on(TongbanAgreement.objects.filter(handling_peer=remote_item.peer, handling_peer__enabled=True), today), centre)
    return qs.filter(remote_items=remote_item).order_by("id").first()


def handling_centre_for(item: Item) -> ServiceCentre | None:
    """The centre of the item's own region where its result can be collected: the centre in the
    department's division, else the nearest one above it."""
    code = item.department.division_id
    for n in (12, 9, 6, 4):
        if len(code) >= n:
            centre = ServiceCentre.objects.filter(division_id=code[:n]).exclude(level=ServiceCentre.LEVEL_VILLAGE).order_by("id").first()
            if centre is not None:
                return centre
    return None


# --- agreements and peers ------------------------------------------------------------------------


@dataclass
class AgreementData:
    name: str
    valid_from: date
    valid_until: date | None = None
    accepting_division: Division | None = None
    accepting_centres: tuple[ServiceCentre, ...] = ()
    handling_division: Division | None = None
    handling_peer: Peer | None = None
    items: tuple[Item, ...] = ()
    remote_items: tuple[RemoteItem, ...] = ()
    tongban_scope: str = ""
    is_active: bool = True


def _may_manage_agreement(actor, data: AgreementData) -> bool:
    if actor.has_perm("crossregion.manage_peers"):
        return True
    if not actor.has_perm("crossregion.manage_agreements"):
        return False
    profile = permissions.staff_profile(actor)
    if profile is None or profile.centre_id is None:
        return False
    # A centre admin signs for their own centre only, and names no peer (that is the system admin's).
    return data.handling_peer is None and data.accepting_division is None and [c.pk for c in data.accepting_centres] == [profile.centre_id]


def agreement_editable_by(actor, agreement: TongbanAgreement) -> bool:
    """Whether `actor` may change the stored `agreement`: a system admin any; a centre admin only
    one that is their own centre's alone (no accepting division, no peer, accepting centres exactly
    their centre). A county-wide or peer agreement they can see stays read-only to them."""
    if actor.has_perm("crossregion.manage_peers"):
        return True
    if not actor.has_perm("crossregion.manage_agreements"):
        return False
    profile = permissions.staff_profile(actor)
    if profile is None or profile.centre_id is None:
        return False
    return (
        agreement.handling_peer_id is None
        and agreement.accepting_division_id is None
        and sorted(agreement.accepting_centres.values_list("pk", flat=True)) == [profile.centre_id]
    )


def agreement_save(*, actor, data: AgreementData, agreement: TongbanAgreement | None = None) -> TongbanAgreement:
    """Create or change a 通办 agreement."""
    if not _may_manage_agreement(actor, data):
        raise PermissionDenied(_("无权设置该通办协议"))
    errors = ErrorCollector()
    if not data.name.strip():
        errors.add("name", "required", _("请填写协议名称"))
    if data.accepting_division is None and not data.accepting_centres:
        errors.add("accepting", "required", _("请选择受理地（区划或服务中心）"))
    if (data.handling_division is None) == (data.handling_peer is None):
        errors.add("handling", "exactly_one", _("办理地须为本系统的一个区划或一个对端节点"))
    if data.handling_peer is not None and not data.remote_items:
        errors.add("remote_items", "required", _("请选择对端节点的通办事项"))
    if data.handling_peer is None and not data.items and not data.tongban_scope:
        errors.add("items", "required", _("请选择通办事项或通办范围"))
    if data.tongban_scope and data.tongban_scope not in SCOPE_RANK:
        errors.add("tongban_scope", "choice", _("通办范围无效"))
    if data.valid_until is not None and data.valid_until < data.valid_from:
        errors.add("valid_until", "range", _("截止日期不能早于生效日期"))
    if data.handling_peer is not None and any(r.peer_id != data.handling_peer.pk for r in data.remote_items):
        errors.add("remote_items", "peer", _("对端事项须属于所选对端节点"))
    errors.raise_if_any()
    with transaction.atomic():
        if agreement is None:
            agreement = TongbanAgreement(created_by=actor)
        else:
            agreement = TongbanAgreement.objects.select_for_update().get(pk=agreement.pk)
            # The stored row must be the actor's to change too, not only the new data: otherwise a
            # centre admin could take over a county-wide or peer agreement that covers their centre.
            if not agreement_editable_by(actor, agreement):
                raise Http404
        agreement.name = data.name.strip()[:100]
        agreement.valid_from, agreement.valid_until = data.valid_from, data.valid_until
        agreement.accepting_division, agreement.handling_division = data.accepting_division, data.handling_division
        agreement.handling_peer, agreement.tongban_scope, agreement.is_active = data.handling_peer, data.tongban_scope, data.is_active
        agreement.save()
        agreement.accepting_centres.set(data.accepting_centres)
        agreement.items.set(data.items)
        agreement.remote_items.set(data.remote_items)
        return agreement


def peer_save(*, actor, node_id: str, name: str, base_url: str, public_key: str, enabled: bool = True, peer: Peer | None = None) -> Peer:
    """Register or change a peer deployment (system admin)."""
    if not actor.has_perm("crossregion.manage_peers"):
        raise PermissionDenied(_("无权管理对端节点"))
    errors = ErrorCollector()
    node_id, public_key = node_id.strip(), public_key.strip().lower()
    if not node_id.isdigit() or len(node_id) not in (6, 9):
        errors.add("node_id", "format", _("节点编码应为 6 位（旗县）或 9 位区划代码"))
    if node_id == protocol.node_id():
        errors.add("node_id", "self", _("不能把本节点登记为对端"))
    if not name.strip():
        errors.add("name", "required", _("请填写名称"))
    if not base_url.startswith(("http://", "https://")):
        errors.add("base_url", "format", _("接口地址须以 http:// 或 https:// 开头"))
    if len(public_key) != 130 or not public_key.startswith("04") or public_key.strip("0123456789abcdef"):
        errors.add("public_key", "format", _("公钥须为 04 开头的 130 位十六进制（SM2 未压缩点）"))
    others = Peer.objects.filter(node_id=node_id)
    if peer is not None:
        others = others.exclude(pk=peer.pk)
    if others.exists():
        errors.add("node_id", "unique", _("该节点已登记"))
    errors.raise_if_any()
    with transaction.atomic():
        peer = peer or Peer()
        peer.node_id, peer.name, peer.base_url, peer.public_key, peer.enabled = (
            node_id,
            name.strip(),
            base_url.rstrip("/"),
            public_key,
            enabled,
        )
        peer.save()
        return peer


def peer_inbound_items_set(*, actor, peer: Peer, codes: list[str]) -> None:
    """The local items `peer` may forward cases for (the inbound allow-list)."""
    if not actor.has_perm("crossregion.manage_peers"):
        raise PermissionDenied(_("无权管理对端节点"))
    items = list(Item.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {i.code for i in items})
    if unknown:
        raise ValidationError("inbound_item_codes", "unknown", _("本节点没有这些事项：%(codes)s") % {"codes": "、".join(unknown)[:200]})
    peer.inbound_items.set(items)


def remote_item_save(*, actor, peer: Peer, code: str, name: str, department_name: str = "") -> RemoteItem:
    if not actor.has_perm("crossregion.manage_peers"):
        raise PermissionDenied(_("无权管理对端节点"))
    if not code.strip() or not name.strip():
        raise ValidationError("code", "required", _("请填写对端事项编码和名称"))
    local = Item.objects.filter(code=code.strip()).first()
    row, _created = RemoteItem.objects.update_or_create(
        peer=peer, code=code.strip(), defaults={"name": name.strip(), "department_name": department_name.strip(), "local_item": local}
    )
    return row


# --- routing a case within this deployment -------------------------------------------------------


def _delivery_centre(choice: str, *, accepting: ServiceCentre, handling: ServiceCentre | None) -> ServiceCentre:
    if choice == CaseRoute.DELIVER_HANDLING and handling is not None:
        return handling
    # Post and electronic results go out from the accepting centre, which took the application.
    return accepting


def delivery_check(choice: str, address: str) -> None:
    """Where the result goes: a known choice, and an address for post."""
    errors = ErrorCollector()
    if choice not in dict(CaseRoute.DELIVERY_CHOICES):
        errors.add("delivery_choice", "choice", _("送达方式无效"))
    if choice == CaseRoute.DELIVER_POST and not address.strip():
        errors.add("delivery_address", "required", _("邮寄送达须填写邮寄地址"))
    errors.raise_if_any()


def case_route_local(*, actor, case: Case, delivery_choice: str, delivery_address: str = "") -> CaseRoute:
    """Record that a case submitted at this clerk's window is for another region's item under an
    agreement, and where the applicant wants the result. Acceptance then goes the usual way."""
    profile = permissions.staff_profile(actor)
    if profile is None or profile.window is None or not permissions.can_accept_at_window(actor, case):
        raise PermissionDenied(_("您所在的窗口不能受理该事项"))
    centre = profile.window.centre
    agreement = agreement_covering(centre=centre, item=case.item)
    if agreement is None or not item_outside_region(centre=centre, item=case.item):
        raise ValidationError("item", "no_agreement", _("没有覆盖该事项的有效通办协议"))
    delivery_check(delivery_choice, delivery_address)
    handling = handling_centre_for(case.item)
    with transaction.atomic():
        route, _created = CaseRoute.objects.update_or_create(
            case=case,
            defaults={
                "direction": CaseRoute.DIRECTION_LOCAL,
                "agreement": agreement,
                "accepting_centre": centre,
                "accepting_name": centre.name,
                "handling_name": case.item.department.name,
                "delivery_choice": delivery_choice,
                "delivery_centre": _delivery_centre(delivery_choice, accepting=centre, handling=handling),
                "delivery_address": delivery_address.strip()[:300],
            },
        )
        case_event_append(
            case=case,
            kind="crossregion_routed",
            actor=actor,
            after={"agreement": agreement.name, "handling": route.handling_name, "delivery": route.get_delivery_choice_display()},
        )
        return route


# --- forwarding to a peer deployment -------------------------------------------------------------


def _applicant_payload(case: Case) -> dict[str, Any]:
    if case.applicant_person is not None:
        p = case.applicant_person
        return {"kind": "person", "name": p.name, "id_number": p.id_number, "phone": p.phone, "address": p.address}
    e = case.applicant_enterprise
    assert e is not None
    return {
        "kind": "enterprise",
        "name": e.name,
        "uscc": e.uscc,
        "legal_representative_name": e.legal_representative_name,
        "phone": e.phone,
        "address": e.address,
    }


# Room left in a forward for the applicant, the form and the JSON around the materials.
FORWARD_OVERHEAD_BYTES = 64 * 1024


def _forward_size_check(case: Case) -> None:
    """The forward must fit the peer's DATA_UPLOAD_MAX_MEMORY_SIZE (Django's request body limit,
    assumed equal on both sides): materials travel base64-encoded, 4 bytes for every 3."""
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return
    total = sum(case.materials.filter(replaced=False).values_list("size", flat=True))
    if (total + 2) // 3 * 4 + FORWARD_OVERHEAD_BYTES > limit:
        raise ValidationError(
            "materials",
            "too_large",
            _("材料合计 %(size)s MB，超过跨系统转送上限（约 %(limit)s MB），请压缩或减少材料后再转送")
            % {"size": f"{total / 1048576:.1f}", "limit": f"{(limit - FORWARD_OVERHEAD_BYTES) * 3 / 4 / 1048576:.1f}"},
        )


def case_forward(
    *, actor, case: Case, remote_item: RemoteItem, delivery_choice: str = CaseRoute.DELIVER_ACCEPTING, delivery_address: str = ""
) -> CaseRoute:
    """A's clerk accepts the application for B's item and forwards it to B: the case is 已转出 and
    waits for B's status; the forward itself is a queued, retried message."""
    profile = permissions.staff_profile(actor)
    if profile is None or profile.window is None or not actor.has_perm("cases.accept_case"):
        raise PermissionDenied(_("您所在的窗口不能受理该事项"))
    window = profile.window
    if window.kind not in ACCEPTING_WINDOW_KINDS:
        raise PermissionDenied(_("只有跨区通办窗口或综合受理窗口可以跨区受理"))
    agreement = remote_agreement_covering(centre=window.centre, remote_item=remote_item)
    if agreement is None:
        raise ValidationError("remote_item", "no_agreement", _("没有覆盖该事项的有效通办协议"))
    if remote_item.local_item_id != case.item_id:
        raise ValidationError("remote_item", "mismatch", _("对端事项与本办件的事项不一致"))
    if delivery_choice == CaseRoute.DELIVER_HANDLING:
        raise ValidationError("delivery_choice", "remote", _("对端窗口领取请在对端办理；跨系统转办的结果在受理地窗口、邮寄或电子送达"))
    delivery_check(delivery_choice, delivery_address)
    _forward_size_check(case)
    peer = remote_item.peer
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUBMITTED,))
        now = timezone.now()
        case.status = Case.STATUS_IN_PROGRESS
        case.accepted_at, case.accepted_on, case.accepted_by = now, today, actor
        case.window, case.centre = window, window.centre
        case.channel = Case.CHANNEL_CROSS_REGION
        case.save()
        route = CaseRoute.objects.create(
            case=case,
            direction=CaseRoute.DIRECTION_OUTBOUND,
            agreement=agreement,
            accepting_centre=window.centre,
            accepting_name=window.centre.name,
            handling_name=peer.name,
            peer=peer,
            remote_item=remote_item,
            remote_status="forwarding",
            remote_status_label=_("转送中"),
            delivery_choice=delivery_choice,
            delivery_centre=window.centre,
            delivery_address=delivery_address.strip()[:300],
            forwarded_at=now,
        )
        case_event_append(
            case=case,
            kind="crossregion_forwarded",
            actor=actor,
            before={"status": Case.STATUS_SUBMITTED},
            after={"status": case.status, "peer": peer.name, "remote_item": remote_item.name, "agreement": agreement.name},
        )
        message = Message.objects.create(
            direction=Message.OUT,
            message_id=uuid.uuid4().hex,
            peer=peer,
            peer_node_id=peer.node_id,
            kind=Message.KIND_FORWARD,
            case=case,
            body={"number": case.number, "remote_item": remote_item.code},
        )
        transaction.on_commit(lambda: _enqueue(message.pk))
        return route


def _enqueue(message_pk: int) -> None:
    from govhall.crossregion.tasks import message_send

    message_send.enqueue(message_pk)


def forward_payload(case: Case, route: CaseRoute, message: Message) -> dict[str, Any]:
    """What B needs to create its own case: the applicant's identity, the form, the answers and
    every current material (base64 with its SM3 digest)."""
    materials = []
    for row in case.materials.filter(replaced=False).order_by("id"):
        data = (private_root() / row.path).read_bytes()
        materials.append(
            {"name": row.name, "filename": row.original_name, "sm3": crypto.sm3_hex(data), "content": base64.b64encode(data).decode()}
        )
    return {
        "message_id": message.message_id,
        "origin_number": case.number,
        "origin_centre": route.accepting_name,
        "item_code": route.remote_item.code if route.remote_item else case.item.code,
        "applicant": _applicant_payload(case),
        "form": case.form,
        "answers": case.answers,
        "delivery": {"choice": route.delivery_choice, "address": route.delivery_address},
        "materials": materials,
    }


def message_deliver(message: Message) -> None:
    """Send one outbound message; record the answer. Raises PeerCallError to be retried."""
    assert message.peer is not None
    if message.kind == Message.KIND_FORWARD:
        assert message.case is not None
        route = message.case.crossregion
        payload = forward_payload(message.case, route, message)
        path = "/api/crossregion/inbox/cases"
    else:
        payload = {**message.body, "message_id": message.message_id, "documents": _documents_with_content(message)}
        path = "/api/crossregion/inbox/status"
    Message.objects.filter(pk=message.pk).update(attempts=message.attempts + 1)
    try:
        answer = protocol.call_peer(message.peer, path, payload)
    except protocol.PeerCallError as exc:
        if exc.refused:
            _message_refused(message, exc.reason or str(exc))
        elif message.attempts + 1 >= MAX_ATTEMPTS:
            _message_given_up(message, str(exc))
        else:
            Message.objects.filter(pk=message.pk).update(status=Message.STATUS_FAILED, last_error=str(exc)[:500])
        raise
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=Message.STATUS_SENT, response=answer, last_error="", done_at=timezone.now())
        if message.kind == Message.KIND_FORWARD and message.case is not None:
            _forward_confirmed(message.case, answer)
        elif message.kind == Message.KIND_STATUS and message.case is not None:
            _status_confirmed(message.case, message.body)


# A message the peer cannot take (network, 5xx) is retried this many times, then left `failed`
# for the administrator (the message log) and the clerk (the case page) to see.
MAX_ATTEMPTS = 20


def _message_stopped(message: Message, *, status: str, label: str, reason: str) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=status, last_error=reason[:500], done_at=timezone.now())
        if message.case_id is None:
            return
        route = CaseRoute.objects.select_for_update().filter(case_id=message.case_id).first()
        if route is not None and route.direction == CaseRoute.DIRECTION_OUTBOUND:
            route.remote_status, route.remote_status_label = status, label
            route.save(update_fields=["remote_status", "remote_status_label", "updated_at"])
        case = Case.objects.get(pk=message.case_id)
        case_event_append(
            case=case,
            kind="crossregion_status",
            actor=None,
            after={"peer": message.peer.name if message.peer else message.peer_node_id, "label": label, "reason": reason[:400]},
        )


def _message_refused(message: Message, reason: str) -> None:
    """The peer refused the message with a signed 4xx: final, never retried; the clerk sees why."""
    _message_stopped(message, status=Message.STATUS_REFUSED, label=_("对端拒收，请联系对端或按理由处理"), reason=reason)


def _message_given_up(message: Message, reason: str) -> None:
    _message_stopped(
        message,
        status=Message.STATUS_FAILED,
        label=_("多次发送失败（%(count)d 次），已停止重试，请联系系统管理员") % {"count": MAX_ATTEMPTS},
        reason=reason,
    )


def _documents_with_content(message: Message) -> list[dict[str, Any]]:
    """The logged documents with their PDF bytes again (the log keeps only number and digest)."""
    from govhall.cases.documents import document_pdf

    documents = []
    for entry in message.body.get("documents", []):
        document = CaseDocument.objects.filter(case=message.case, number=entry.get("number")).first()
        if document is not None:
            data = document_pdf(document)
            documents.append({**entry, "sm3": crypto.sm3_hex(data), "content": base64.b64encode(data).decode()})
    return documents


def _forward_confirmed(case: Case, answer: dict[str, Any]) -> None:
    route = CaseRoute.objects.select_for_update().get(case=case)
    if route.remote_number:
        return
    route.remote_number = str(answer.get("number", ""))[:64]
    route.remote_status, route.remote_status_label = "submitted", _("对端已接收，待预审")
    route.save(update_fields=["remote_number", "remote_status", "remote_status_label", "updated_at"])
    case_event_append(
        case=case, kind="crossregion_received", actor=None, after={"peer": route.handling_name, "remote_number": route.remote_number}
    )


def _status_confirmed(case: Case, body: dict[str, Any]) -> None:
    """B's side: once A has the decision and will hand the result out itself, B's case is done
    (送达 at the accepting region)."""
    if body.get("status") != Case.STATUS_TO_DELIVER:
        return
    route = getattr(case, "crossregion", None)
    if route is None or route.delivery_choice == CaseRoute.DELIVER_HANDLING:
        return
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.STATUS_TO_DELIVER:
        return
    now = timezone.now()
    case.status, case.delivered_at, case.finished_at = Case.STATUS_DONE, now, now
    case.delivery_method = Case.DELIVERY_POST if route.delivery_choice == CaseRoute.DELIVER_POST else Case.DELIVERY_ELECTRONIC
    case.delivery_note = (_("结果已交受理地 %(name)s 送达") % {"name": route.accepting_name})[:300]
    case.save()
    case_event_append(case=case, kind="delivered", actor=None, after={"method": case.delivery_method, "note": case.delivery_note})
    case_event_append(
        case=case,
        kind="done",
        actor=None,
        before={"status": Case.STATUS_TO_DELIVER},
        after={"status": case.status, "decision": case.decision},
    )


# --- receiving (B's side): a forwarded case --------------------------------------------------------


def _inbound_once(peer: Peer, payload: dict[str, Any], kind: str) -> tuple[Message, bool]:
    """The inbound message row for this message id; (row, already_applied)."""
    message_id = str(payload.get("message_id", ""))[:40]
    if not message_id:
        raise ValidationError("message_id", "required", _("缺少消息标识"))
    stored = {k: v for k, v in payload.items() if k != "materials"}
    stored["materials"] = [
        {k: v for k, v in m.items() if k != "content"} for m in payload.get("materials", []) or [] if isinstance(m, dict)
    ]
    try:
        with transaction.atomic():
            row = Message.objects.create(
                direction=Message.IN, message_id=message_id, peer=peer, peer_node_id=peer.node_id, kind=kind, body=stored, attempts=1
            )
        return row, False
    except IntegrityError:
        row = Message.objects.get(direction=Message.IN, peer_node_id=peer.node_id, message_id=message_id)
        if row.status == Message.STATUS_APPLIED:
            return row, True
        Message.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        return row, False


def receiving_centre() -> ServiceCentre:
    from django.conf import settings

    configured = getattr(settings, "GOVHALL_CROSSREGION_RECEIVING_CENTRE", "")
    centre = ServiceCentre.objects.filter(name=configured).first() if configured else None
    centre = centre or ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_COUNTY).order_by("id").first()
    if centre is None:
        raise ValidationError("centre", "none", _("本节点尚未设置政务服务中心"))
    return centre


def _inbound_applicant(data: dict[str, Any]) -> tuple[Person | None, Enterprise | None]:
    from govhall.core.identifiers import check

    errors = ErrorCollector()
    if data.get("kind") == "person":
        number = str(data.get("id_number", "")).strip().upper()
        if not check("ric", number).valid:
            errors.add("applicant.id_number", "invalid", _("公民身份号码无效"))
        errors.raise_if_any()
        person, _c = Person.objects.get_or_create(
            id_number=number,
            defaults={
                "name": str(data.get("name", ""))[:50],
                "phone": str(data.get("phone", ""))[:20],
                "address": str(data.get("address", ""))[:200],
            },
        )
        # A peer names the applicant; it may not attach a case to someone else's record here.
        if person.name != str(data.get("name", "")).strip()[:50]:
            raise ValidationError("applicant.name", "mismatch", _("申请人姓名与本节点登记的该身份证号码的姓名不符"))
        return person, None
    uscc = str(data.get("uscc", "")).strip().upper()
    if not check("uscc", uscc).valid:
        errors.add("applicant.uscc", "invalid", _("统一社会信用代码无效"))
    errors.raise_if_any()
    enterprise, _c = Enterprise.objects.get_or_create(
        uscc=uscc,
        defaults={
            "name": str(data.get("name", ""))[:200],
            "legal_representative_name": str(data.get("legal_representative_name", ""))[:50],
            "phone": str(data.get("phone", ""))[:20],
            "address": str(data.get("address", ""))[:200],
        },
    )
    if enterprise.name != str(data.get("name", "")).strip()[:200]:
        raise ValidationError("applicant.name", "mismatch", _("企业名称与本节点登记的该统一社会信用代码的名称不符"))
    return None, enterprise


def inbox_case(*, peer: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """B receives A's application: its own applicant records, its own case (channel 跨区通办)
    waiting in the pre-review queue of its receiving centre, the materials stored after their SM3
    digests check. A retried message returns the same case number."""
    message, applied = _inbound_once(peer, payload, Message.KIND_FORWARD)
    if applied:
        return message.response
    errors = ErrorCollector()
    item = Item.objects.filter(code=str(payload.get("item_code", ""))).select_related("current_version").first()
    if item is None or item.status != Item.STATUS_ACTIVE or item.current_version_id is None:
        raise ValidationError("item_code", "unknown", _("本节点没有该事项：%(code)s") % {"code": str(payload.get("item_code", ""))[:40]})
    # Only the items this node agreed to handle for this peer (Peer.inbound_items, docs/cross-region.md).
    if not peer.inbound_items.filter(pk=item.pk).exists():
        raise ValidationError("item_code", "not_agreed", _("本节点未同意为该对端办理此事项：%(code)s") % {"code": item.code})
    version = item.current_version
    assert version is not None
    materials = []
    for index, entry in enumerate(payload.get("materials") or []):
        try:
            data = base64.b64decode(str(entry.get("content", "")), validate=True)
        except ValueError:
            errors.add(f"materials.{index}", "base64", _("材料“%(name)s”编码无效") % {"name": entry.get("name", "")})
            continue
        if crypto.sm3_hex(data) != entry.get("sm3"):
            errors.add(f"materials.{index}", "digest", _("材料“%(name)s”的 SM3 摘要不符") % {"name": entry.get("name", "")})
            continue
        if sniff_content_type(data[:16]) is None:
            errors.add(f"materials.{index}", "content_type", _("材料“%(name)s”不是 PDF、JPEG 或 PNG") % {"name": entry.get("name", "")})
            continue
        materials.append((str(entry.get("name", ""))[:200], str(entry.get("filename", "upload"))[:200], data))
    form = payload.get("form") if isinstance(payload.get("form"), dict) else {}
    origin_number = str(payload.get("origin_number", ""))[:64]
    if not origin_number:
        errors.add("origin_number", "required", _("缺少受理地办件编号"))
    errors.raise_if_any()
    person, enterprise = _inbound_applicant(payload.get("applicant") or {})
    known = {f"{q}.{o}" for q, o in SituationOption.objects.filter(question__version=version).values_list("question__key", "key")}
    answers = sorted(a for a in payload.get("answers") or [] if isinstance(a, str) and a in known)
    delivery = payload.get("delivery") or {}
    choice = str(delivery.get("choice")) if delivery.get("choice") in dict(CaseRoute.DELIVERY_CHOICES) else CaseRoute.DELIVER_ACCEPTING
    centre = receiving_centre()
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            item=item,
            item_version=version,
            department=version.department,
            applicant_person=person,
            applicant_enterprise=enterprise,
            on_behalf=True,
            channel=Case.CHANNEL_CROSS_REGION,
            answers=answers,
            form=form,
            status=Case.STATUS_SUBMITTED,
            number=case_number_allocate(implementation_code=item.implementation_code, day=timezone.localdate(now)),
            query_code=query_code_new(),
            submitted_at=now,
            centre=centre,
        )
        case_event_append(
            case=case,
            kind="submitted",
            actor=None,
            before={"status": Case.STATUS_DRAFT},
            after={"status": case.status, "channel": case.channel, "item_version": version.number, "answers": answers, "on_behalf": True},
        )
        by_name = {m.name: m for m in Material.objects.filter(version=version)}
        for name, filename, data in materials:
            content_type, extension = sniff_content_type(data[:16])  # type: ignore[misc]
            relative = Path("cases") / str(case.pk) / f"{uuid.uuid4().hex}.{extension}"
            target = private_root() / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            CaseMaterial.objects.create(
                case=case,
                material=by_name.get(name),
                name=name,
                path=str(relative),
                original_name=Path(filename).name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        CaseRoute.objects.create(
            case=case,
            direction=CaseRoute.DIRECTION_INBOUND,
            accepting_name=f"{peer.name} {str(payload.get('origin_centre', ''))[:60]}".strip(),
            handling_name=centre.name,
            peer=peer,
            remote_number=origin_number,
            delivery_choice=choice,
            delivery_centre=centre if choice == CaseRoute.DELIVER_HANDLING else None,
            delivery_address=str(delivery.get("address", ""))[:300],
        )
        case_event_append(case=case, kind="crossregion_inbound", actor=None, after={"peer": peer.name, "origin_number": origin_number})
        response = {"number": case.number, "status": case.status}
        Message.objects.filter(pk=message.pk).update(case=case, status=Message.STATUS_APPLIED, response=response, done_at=now)
        return response


# --- status back (B → A) -------------------------------------------------------------------------

# B's events that A hears about, and how A's applicant reads them.
STATUS_EVENTS = {
    "accepted": _("对端已受理"),
    "rongque_accepted": _("对端已容缺受理"),
    "supplement_requested": _("对端要求补正材料"),
    "not_accepted": _("对端不予受理"),
    "decided": _("对端已作出决定"),
    "delivered": _("对端已送达"),
    "terminated": _("对端已终止办理"),
}


def status_payload(case: Case, kind: str, event_after: dict[str, Any]) -> dict[str, Any]:
    route = case.crossregion
    body: dict[str, Any] = {
        "origin_number": route.remote_number,
        "number": case.number,
        "event": kind,
        "status": case.status,
        "label": str(STATUS_EVENTS.get(kind, kind)),
    }
    if kind == "supplement_requested":
        body["points"] = [{"name": p.get("name", ""), "problem": p.get("problem", "")} for p in event_after.get("points", [])]
    if kind in ("not_accepted", "terminated"):
        body["reason"] = case.closed_reason
    if kind == "decided":
        body["decision"] = case.decision
        body["reason"] = case.decision_reason
        body["documents"] = []
        for document in case.documents.filter(kind__in=(CaseDocument.KIND_APPROVAL, CaseDocument.KIND_DENIAL)).order_by("id"):
            # The PDF bytes and their SM3 digest are added when the message is sent.
            body["documents"].append({"kind": document.kind, "number": document.number})
        licence = getattr(case, "licence", None) if hasattr(case, "licence") else None
        body["licence_identifier"] = getattr(licence, "identifier", "") or ""
    if kind == "delivered":
        body["method"] = case.delivery_method
    return body


def status_enqueue(*, case_id: int, kind: str, event_after: dict[str, Any]) -> None:
    """Queue a status message to the peer that forwarded this case (called after B's commit)."""
    case = Case.objects.select_related("crossregion__peer").get(pk=case_id)
    route = case.crossregion
    if route.peer is None:
        return
    body = status_payload(case, kind, event_after)
    message = Message.objects.create(
        direction=Message.OUT,
        message_id=uuid.uuid4().hex,
        peer=route.peer,
        peer_node_id=route.peer.node_id,
        kind=Message.KIND_STATUS,
        case=case,
        body=body,
    )
    _enqueue(message.pk)


def inbox_status(*, peer: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """A hears from B: the change becomes an event on A's case (the applicant sees it), a decision
    makes the case ready to hand out at A, B's delivery closes it."""
    message, applied = _inbound_once(peer, payload, Message.KIND_STATUS)
    if applied:
        return message.response
    number = str(payload.get("origin_number", ""))
    route = CaseRoute.objects.filter(peer=peer, direction=CaseRoute.DIRECTION_OUTBOUND, case__number=number).select_related("case").first()
    if route is None:
        raise ValidationError("origin_number", "unknown", _("没有转至该节点的办件：%(number)s") % {"number": number[:64]})
    event = str(payload.get("event", ""))[:40]
    documents = []
    for entry in payload.get("documents") or []:
        try:
            data = base64.b64decode(str(entry.get("content", "")), validate=True)
        except ValueError:
            raise ValidationError("documents", "base64", _("文书编码无效")) from None
        if crypto.sm3_hex(data) != entry.get("sm3") or not data.startswith(b"%PDF-"):
            raise ValidationError("documents", "digest", _("文书的 SM3 摘要不符或不是 PDF"))
        documents.append((entry, data))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=route.case_id)
        route = CaseRoute.objects.select_for_update().get(pk=route.pk)
        now = timezone.now()
        route.remote_number = route.remote_number or str(payload.get("number", ""))[:64]
        route.remote_status = str(payload.get("status", ""))[:20]
        route.remote_status_label = str(payload.get("label", ""))[:100]
        route.save()
        after = {
            "peer": peer.name,
            "remote_number": route.remote_number,
            "event": event,
            "label": route.remote_status_label,
            "points": payload.get("points", []),
            "reason": str(payload.get("reason", ""))[:1000],
        }
        before = {"status": case.status}
        # A late "decided" never reopens a case already closed here (Case.FINAL_STATUSES).
        if event == "decided" and not case.decision and case.status not in Case.FINAL_STATUSES:
            case.decision = str(payload.get("decision")) if payload.get("decision") in dict(Case.DECISION_CHOICES) else ""
            case.decision_reason = str(payload.get("reason", ""))[:1000]
            case.decided_at = now
            case.status = Case.STATUS_TO_DELIVER
            after["decision"] = case.decision
            after["licence_identifier"] = str(payload.get("licence_identifier", ""))[:120]
        elif event in ("not_accepted", "terminated") and case.status not in Case.FINAL_STATUSES:
            case.status = Case.STATUS_NOT_ACCEPTED if event == "not_accepted" else Case.STATUS_TERMINATED
            case.closed_reason = after["reason"]
            case.finished_at = now
        elif event == "delivered" and case.status not in Case.FINAL_STATUSES:
            case.status = Case.STATUS_DONE
            case.delivered_at = case.finished_at = now
            case.delivery_method = str(payload.get("method", ""))[:12]
            case.delivery_note = (_("由 %(name)s 送达") % {"name": peer.name})[:300]
        after["status"] = case.status
        case.save()
        case_event_append(case=case, kind="crossregion_status", actor=None, before=before, after=after)
        for entry, data in documents:
            kind = entry.get("kind") if entry.get("kind") in dict(CaseDocument.KIND_CHOICES) else CaseDocument.KIND_APPROVAL
            document = CaseDocument.objects.create(
                case=case,
                kind=kind,
                number=f"{str(entry.get('number', ''))[:40]}（{peer.node_id}）",
                body={"remote": True, "peer": peer.name, "number": entry.get("number", "")},
                issued_at=now,
            )
            relative = Path("cases") / str(case.pk) / "docs" / f"{document.pk}.pdf"
            target = private_root() / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            CaseDocument.objects.filter(pk=document.pk).update(path=str(relative), sha256=hashlib.sha256(data).hexdigest())
            case_event_append(
                case=case, kind="document_issued", actor=None, after={"document": document.number, "kind": kind, "peer": peer.name}
            )
        response = {"number": case.number, "status": case.status}
        Message.objects.filter(pk=message.pk).update(case=case, status=Message.STATUS_APPLIED, response=response, done_at=now)
        return response


def messages_retry(*, limit: int = 100) -> int:
    """Queue every failed or stuck outbound message again (the periodic retry)."""
    pending = list(
        Message.objects.filter(direction=Message.OUT, status__in=(Message.STATUS_FAILED, Message.STATUS_PENDING), attempts__lt=MAX_ATTEMPTS)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pending:
        _enqueue(pk)
    return len(pending)
