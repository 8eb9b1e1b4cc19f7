"""Staff pages of 跨区通办: the agreements, the peer registry and the message log (each exportable)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.applicants.models import Person
from govhall.cases import permissions
from govhall.cases.forms_staff import apply_errors
from govhall.cases.models import Case
from govhall.catalog.models import Item
from govhall.core.errors import DomainError
from govhall.core.http import local_time, xlsx_response
from govhall.crossregion import protocol, selectors, services
from govhall.crossregion.forms import AgreementForm, CrossAcceptForm, LookupForm, PeerForm

LIMIT = 200
# The window page lists this many cross-region items; the clerk narrows the rest by name or code.
OPTIONS_SHOWN = 30


@login_required
@require_GET
def agreements(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("crossregion.view_tongbanagreement"):
        raise PermissionDenied
    rows = [selectors.agreement_row(a) for a in selectors.agreements_for_user(user=request.user)]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            _("通办协议"),
            [_("协议名称"), _("受理地"), _("办理地"), _("通办事项"), _("通办范围"), _("生效日期"), _("截止日期"), _("有效")],
            (
                [
                    r["name"],
                    "、".join(r["accepting"]),
                    r["handling"],
                    "、".join(r["items"]),
                    r["tongban_scope"],
                    r["valid_from"],
                    r["valid_until"],
                    _("是") if r["is_active"] else _("否"),
                ]
                for r in rows
            ),
            [30, 36, 24, 50, 12, 12, 12, 6],
        )
    return render(request, "crossregion/agreements.html", {"rows": rows[:LIMIT], "count": len(rows)})


@login_required
@require_GET
def peers(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("crossregion.manage_peers"):
        raise PermissionDenied
    key = protocol.node_key()
    return render(request, "crossregion/peers.html", {"peers": list(selectors.peers_for_user(user=request.user)), "node": key})


@login_required
@require_GET
def message_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("crossregion.view_message"):
        raise PermissionDenied
    qs = selectors.messages_for_user(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            _("跨区通办报文"),
            [_("时间"), _("方向"), _("对端"), _("类型"), _("办件编号"), _("消息标识"), _("状态"), _("尝试次数"), _("错误")],
            (
                [
                    local_time(m.created_at),
                    m.get_direction_display(),
                    m.peer_node_id,
                    m.get_kind_display(),
                    m.case.number if m.case else "",
                    m.message_id,
                    m.get_status_display(),
                    m.attempts,
                    m.last_error,
                ]
                for m in qs
            ),
            [18, 6, 10, 10, 44, 34, 8, 8, 40],
        )
    return render(request, "crossregion/messages.html", {"messages_log": list(qs[:LIMIT]), "count": qs.count()})


# --- editing agreements and peers ------------------------------------------------------------------


def _agreement_form(request: HttpRequest, agreement=None, data=None) -> AgreementForm:
    from govhall.crossregion.models import Peer
    from govhall.org.selectors import centres_for_user

    peers = Peer.objects.all() if request.user.has_perm("crossregion.manage_peers") else Peer.objects.none()
    initial = {}
    if agreement is not None:
        initial = {
            "name": agreement.name,
            "accepting_division": agreement.accepting_division_id or "",
            "accepting_centres": list(agreement.accepting_centres.all()),
            "handling_division": agreement.handling_division_id or "",
            "handling_peer": agreement.handling_peer,
            "item_codes": "\n".join(agreement.items.values_list("code", flat=True)),
            "remote_items": list(agreement.remote_items.all()),
            "tongban_scope": agreement.tongban_scope,
            "valid_from": agreement.valid_from,
            "valid_until": agreement.valid_until,
            "is_active": agreement.is_active,
        }
    return AgreementForm(data, initial=initial, centres=centres_for_user(user=request.user), peers=peers)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: int | None = None) -> HttpResponse:
    if not request.user.has_perm("crossregion.manage_agreements"):
        raise PermissionDenied
    agreement = selectors.get_agreement_for_user(user=request.user, agreement_id=agreement_id) if agreement_id else None
    read_only = agreement is not None and not services.agreement_editable_by(request.user, agreement)
    if read_only and request.method == "POST":
        raise Http404
    form = _agreement_form(request, agreement, request.POST if request.method == "POST" else None)
    if read_only:
        for field in form.fields.values():
            field.disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.agreement_save(
                    actor=request.user,
                    agreement=agreement,
                    data=services.AgreementData(
                        name=d["name"],
                        valid_from=d["valid_from"],
                        valid_until=d.get("valid_until"),
                        accepting_division=d["accepting_division_obj"],
                        accepting_centres=tuple(d["accepting_centres"]),
                        handling_division=d["handling_division_obj"],
                        handling_peer=d.get("handling_peer"),
                        items=tuple(d["items"]),
                        remote_items=tuple(d["remote_items"]),
                        tongban_scope=d.get("tongban_scope") or "",
                        is_active=bool(d.get("is_active")),
                    ),
                )
            except DomainError as exc:
                apply_errors(form, exc, {"accepting": "accepting_centres", "handling": "handling_division", "items": "item_codes"})
                status = exc.status_code
            else:
                messages.success(request, _("通办协议已保存"))
                return redirect("crossregion_staff:agreements")
    return render(request, "crossregion/agreement_edit.html", {"form": form, "agreement": agreement, "read_only": read_only}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, peer_id: int | None = None) -> HttpResponse:
    from govhall.crossregion.models import Peer

    if not request.user.has_perm("crossregion.manage_peers"):
        raise PermissionDenied
    peer = get_object_or_404(Peer, pk=peer_id) if peer_id else None
    initial = {}
    if peer is not None:
        initial = {
            "node_id": peer.node_id,
            "name": peer.name,
            "base_url": peer.base_url,
            "public_key": peer.public_key,
            "enabled": peer.enabled,
            "remote_items": "\n".join(f"{r.code} {r.name}" for r in peer.items.all()),
            "inbound_item_codes": "\n".join(peer.inbound_items.values_list("code", flat=True)),
        }
    form = PeerForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                with transaction.atomic():
                    saved = services.peer_save(
                        actor=request.user,
                        node_id=d["node_id"],
                        name=d["name"],
                        base_url=d["base_url"],
                        public_key=d["public_key"],
                        enabled=bool(d.get("enabled")),
                        peer=peer,
                    )
                    for line in (d.get("remote_items") or "").splitlines():
                        code, _sep, name = line.strip().partition(" ")
                        if code:
                            services.remote_item_save(actor=request.user, peer=saved, code=code, name=name or code)
                    codes = [c.strip() for c in (d.get("inbound_item_codes") or "").split() if c.strip()]
                    services.peer_inbound_items_set(actor=request.user, peer=saved, codes=codes)
            except DomainError as exc:
                apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("对端节点已保存"))
                return redirect("crossregion_staff:peers")
    return render(request, "crossregion/peer_edit.html", {"form": form, "peer": peer}, status=status)


# --- 跨区通办 at the window ---------------------------------------------------------------------------


def _window_clerk(request: HttpRequest):
    profile = permissions.staff_profile(request.user)
    if profile is None or profile.window is None or not request.user.has_perm("cases.submit_on_behalf"):
        raise PermissionDenied
    if profile.window.kind not in services.ACCEPTING_WINDOW_KINDS:
        raise PermissionDenied
    return profile.window


def _options(window, applicant) -> list[dict]:
    """What this window may accept for other regions: local items under agreements ("由 部门 办理")
    and peers' items ("由 对端 办理")."""
    from govhall.catalog.models import Item
    from govhall.crossregion.models import RemoteItem, TongbanAgreement

    centre, today = window.centre, timezone.localdate()
    audience = {"current_version__for_person": True} if isinstance(applicant, Person) else {"current_version__for_enterprise": True}
    options: list[dict] = []
    agreements = services._accepting(services._valid_on(TongbanAgreement.objects.all(), today), centre)
    local_ids: set[int] = set()
    for agreement in agreements.filter(handling_division__isnull=False):
        qs = Item.objects.filter(status=Item.STATUS_ACTIVE, **audience).select_related("department")
        if agreement.tongban_scope:
            wider = [k for k, r in services.SCOPE_RANK.items() if r >= services.SCOPE_RANK[agreement.tongban_scope]]
            qs = qs.filter(Q(pk__in=agreement.items.all()) | Q(current_version__tongban_scope__in=wider))
        else:
            qs = qs.filter(pk__in=agreement.items.all())
        qs = qs.filter(department__division__code__startswith=agreement.handling_division_id)
        for item in qs.order_by("code")[:300]:
            if item.pk in local_ids or not services.item_outside_region(centre=centre, item=item):
                continue
            local_ids.add(item.pk)
            options.append(
                {
                    "value": f"l:{item.pk}",
                    "name": item.name,
                    "code": item.code,
                    "handler": item.department.name,
                    "agreement": agreement.name,
                }
            )
    for remote in (
        RemoteItem.objects.filter(agreements__in=agreements, peer__enabled=True, local_item__isnull=False).select_related("peer").distinct()
    ):
        options.append(
            {
                "value": f"r:{remote.pk}",
                "name": remote.name,
                "code": remote.code,
                "handler": remote.peer.name,
                "remote": True,
                "item": remote.local_item_id,
            }
        )
    return options


# Files sent with a peer's item: one row each, named by the clerk (CaseMaterial with no material).
FILE_ROWS = 6


def _material_names(options: list[dict]) -> list[str]:
    """Suggestions for naming the files of a peer's item: the material names of the mapped local items."""
    from govhall.catalog.models import Material

    ids = [o["item"] for o in options if o.get("remote")][:OPTIONS_SHOWN]
    versions = Item.objects.filter(pk__in=ids).values("current_version")
    names = Material.objects.filter(version__in=versions).values_list("name", flat=True)
    return sorted(set(names))


def _file_rows(request: HttpRequest) -> list[dict]:
    rows = []
    for index in range(FILE_ROWS):
        rows.append(
            {"index": index, "name": request.POST.get(f"material_name_{index}", "").strip(), "file": request.FILES.get(f"file_{index}")}
        )
    return rows


def _check_files(form: CrossAcceptForm, rows: list[dict]) -> list[dict]:
    """Every file needs the clerk's material name, and every name a file; the rows with both."""
    chosen = []
    for row in rows:
        if row["file"] is not None and not row["name"]:
            form.add_error(None, _("第 %(n)d 份材料请填写材料名称") % {"n": row["index"] + 1})
        elif row["name"] and row["file"] is None:
            form.add_error(None, _("请选择“%(name)s”的文件") % {"name": row["name"]})
        elif row["file"] is not None:
            chosen.append(row)
    return chosen


def _walk_in_url(applicant, item: Item, delivery_choice: str, delivery_address: str) -> str:
    """The ordinary 现场申请 for another region's item: situations, form, then per-material upload
    at acceptance; `cross=1` makes it a 跨区通办 case with this delivery choice."""
    ref = f"{'p' if isinstance(applicant, Person) else 'e'}:{applicant.pk}"
    query = {"applicant": ref, "item": str(item.pk), "cross": "1", "delivery_choice": delivery_choice}
    if delivery_address:
        query["delivery_address"] = delivery_address
    return f"{reverse('cases_staff:walk-in')}?{urlencode(query)}"


@login_required
@require_http_methods(["GET", "POST"])
def window_accept(request: HttpRequest) -> HttpResponse:
    """跨区通办受理: find the applicant, choose "跨区通办：由 … 办理", choose where the result goes.
    A local item goes on to the ordinary 现场申请 (situations, form, materials per item); a peer's
    item is filled in here and forwarded to the peer with its named files."""
    from govhall.applicants.models import Enterprise
    from govhall.cases.services import case_material_upload, case_submit
    from govhall.crossregion.models import CaseRoute, RemoteItem

    window = _window_clerk(request)
    source = request.POST if request.method == "POST" else request.GET
    lookup = LookupForm(source if "id" in source else None)
    applicant: Person | Enterprise | None = None
    if lookup.is_bound and lookup.is_valid():
        number = lookup.cleaned_data["id"].strip().upper()
        applicant = Person.objects.filter(id_number=number).first() or Enterprise.objects.filter(uscc=number).first()
        if applicant is None:
            lookup.add_error("id", _("该申请人尚未登记，请先在“现场申请”中登记"))
    options = _options(window, applicant) if applicant is not None else []
    form = CrossAcceptForm(request.POST if request.method == "POST" else None, initial={"delivery_choice": CaseRoute.DELIVER_ACCEPTING})
    file_rows = _file_rows(request) if request.method == "POST" else [{"index": i, "name": "", "file": None} for i in range(FILE_ROWS)]
    status = 200
    if request.method == "POST" and applicant is not None:
        status = 400
        chosen = {o["value"]: o for o in options}
        if form.is_valid() and form.cleaned_data["choice"] in chosen:
            d = form.cleaned_data
            kind, _sep, pk = d["choice"].partition(":")
            delivery_address = (d.get("delivery_address") or "").strip()
            if kind == "l":
                try:
                    services.delivery_check(d["delivery_choice"], delivery_address)
                except DomainError as exc:
                    apply_errors(form, exc)
                    status = exc.status_code
                else:
                    return redirect(_walk_in_url(applicant, Item.objects.get(pk=int(pk)), d["delivery_choice"], delivery_address))
            else:
                remote = RemoteItem.objects.select_related("local_item", "peer").get(pk=int(pk))
                item = remote.local_item
                assert item is not None
                files = _check_files(form, file_rows)
                if not form.errors:
                    try:
                        with transaction.atomic():
                            case = case_submit(
                                actor=request.user,
                                item=item,
                                applicant_person=applicant if isinstance(applicant, Person) else None,
                                applicant_enterprise=applicant if isinstance(applicant, Enterprise) else None,
                                channel=Case.CHANNEL_CROSS_REGION,
                                answers=[],
                                form=form.application(),
                                idempotency_key=d["idempotency_key"],
                                window=window,
                            )
                            for row in files:
                                # An extra material named by the clerk: B matches it to its own list by name.
                                case_material_upload(
                                    actor=request.user,
                                    case=case,
                                    material=None,
                                    data=row["file"].read(),
                                    filename=row["file"].name or "",
                                    name=row["name"],
                                )
                            services.case_forward(
                                actor=request.user,
                                case=case,
                                remote_item=remote,
                                delivery_choice=d["delivery_choice"],
                                delivery_address=delivery_address,
                            )
                    except DomainError as exc:
                        apply_errors(form, exc)
                        status = exc.status_code
                    else:
                        messages.success(request, _("已受理并转至 %(peer)s") % {"peer": remote.peer.name})
                        return redirect("cases_staff:case", case_id=case.pk)
        elif form.is_valid():
            form.add_error(None, _("请选择一个跨区通办事项"))
    q = request.GET.get("q", "").strip()
    listed = [o for o in options if q in o["name"] or q in o["code"] or (form.is_bound and form.data.get("choice") == o["value"])]
    context = {
        "window": window,
        "lookup": lookup,
        "applicant": applicant,
        "options": listed[:OPTIONS_SHOWN],
        "total": len(options),
        "more": len(listed) > OPTIONS_SHOWN,
        "q": q,
        "form": form,
        "file_rows": file_rows,
        "has_remote": any(o.get("remote") for o in listed),
        "material_names": _material_names(listed) if any(o.get("remote") for o in listed) else [],
    }
    return render(request, "crossregion/window_accept.html", context, status=status)
