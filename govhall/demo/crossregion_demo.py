"""Demo 跨区通办 (ONE-2): 全旗通办 agreements between the demo county's township centres and the
county hall, and a 跨旗通办 agreement with the neighbouring 新巴尔虎左旗 (150726) as a peer node.
No network call is made: the peer's public key is a demo key generated here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from govhall.catalog.models import Item
from govhall.crossregion.models import Peer, RemoteItem, TongbanAgreement
from govhall.licences import crypto
from govhall.org.models import ServiceCentre

PEER_NODE, PEER_NAME = "150726", "新巴尔虎左旗"
# Items the neighbour handles for its own residents, by the national 基本编码 both catalogs share.
PEER_ITEM_LIMIT = 6


def load_crossregion_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    if TongbanAgreement.objects.exists():
        return
    county = ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_COUNTY).order_by("id").first()
    if county is None:
        return
    county_division = county.division
    start = dt.date(2025, 1, 1)
    townships = list(ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_TOWNSHIP).order_by("id"))
    # 全旗通办: every township centre and the county hall accept each other's 全旗通办 items.
    whole = TongbanAgreement.objects.create(
        name=f"{county_division.name}全旗通办协议", handling_division=county_division, tongban_scope="county", valid_from=start
    )
    whole.accepting_centres.set([county, *townships])
    report.created["crossregion agreements"] += 1
    # Each 便民服务中心 also takes the other 苏木镇's own items (listed one by one, whatever their scope).
    township_items = list(
        Item.objects.filter(department__kind="township", status=Item.STATUS_ACTIVE)
        .exclude(current_version=None)
        .select_related("department")
    )
    for centre in townships:
        others = [i for i in township_items if not i.department.division_id.startswith(centre.division_id)][:30]
        if not others:
            continue
        agreement = TongbanAgreement.objects.create(
            name=f"{centre.name}代收其他苏木镇事项", handling_division=county_division, valid_from=start
        )
        agreement.accepting_centres.set([centre])
        agreement.items.set(others)
        report.created["crossregion agreements"] += 1
    _private, public = crypto.keypair_generate()
    peer, _created = Peer.objects.get_or_create(
        node_id=PEER_NODE,
        defaults={"name": PEER_NAME, "base_url": "https://zwfw.xbehzq.example.gov.cn", "public_key": public, "enabled": True},
    )
    report.created["crossregion peers"] += 1
    remote = []
    for item in (
        Item.objects.exclude(current_version=None)
        .filter(current_version__tongban_scope__in=("province", "cross_province"))
        .order_by("code")[:PEER_ITEM_LIMIT]
    ):
        row, _c = RemoteItem.objects.get_or_create(
            peer=peer,
            code=item.code,
            defaults={"name": item.name, "department_name": f"{PEER_NAME}{item.department.short_name or ''}", "local_item": item},
        )
        remote.append(row)
    cross = TongbanAgreement.objects.create(name=f"{county_division.name}—{PEER_NAME}跨旗通办协议", handling_peer=peer, valid_from=start)
    cross.accepting_centres.set([county])
    cross.remote_items.set(remote)
    report.created["crossregion agreements"] += 1
    log(f"crossregion: {TongbanAgreement.objects.count()} agreements, peer {PEER_NAME} with {len(remote)} items")
    _demo_cases(report=report, log=log, peer=peer, remote=remote)


def _demo_cases(*, report: Any, log: Callable[[str], None], peer: Peer, remote: list[RemoteItem]) -> None:
    """A few cross-region cases: two 全旗通办 cases accepted at one 苏木镇 for another's item, and
    two forwarded to 新巴尔虎左旗 (the exchange recorded as it would have happened, no network)."""
    import uuid

    from django.contrib.auth.models import User
    from django.utils import timezone

    from govhall.applicants.models import Person
    from govhall.cases.models import Case
    from govhall.cases.services import case_accept, case_submit
    from govhall.cases.services.events import case_event_append
    from govhall.crossregion.models import CaseRoute, Message
    from govhall.crossregion.services import case_route_local, item_outside_region

    people = list(Person.objects.order_by("id")[:4])
    clerks = list(User.objects.filter(username__startswith="clerk_", staff__window__isnull=False).select_related("staff__window__centre"))
    if len(people) < 4 or len(clerks) < 2:
        return
    made = 0
    for clerk, person in zip(clerks[:2], people[:2], strict=True):
        clerk_window = clerk.staff.window
        assert clerk_window is not None
        centre = clerk_window.centre
        item = next(
            (
                i
                for i in Item.objects.filter(
                    current_version__tongban_scope="county", current_version__for_person=True, status=Item.STATUS_ACTIVE
                )
                .select_related("department")
                .order_by("code")
                if item_outside_region(centre=centre, item=i)
            ),
            None,
        )
        if item is None:
            continue
        case = case_submit(
            actor=clerk, item=item, applicant_person=person, channel=Case.CHANNEL_CROSS_REGION, answers=[], form={}, idempotency_key=None,
            window=clerk_window,
        )  # fmt: skip
        case_route_local(actor=clerk, case=case, delivery_choice=CaseRoute.DELIVER_HANDLING if made else CaseRoute.DELIVER_ACCEPTING)
        case_accept(actor=clerk, case=case)
        made += 1
    k01 = User.objects.filter(staff__window__number="K01", staff__window__centre__level=ServiceCentre.LEVEL_COUNTY).first()
    for index, (row, person) in enumerate(zip(remote[:2], people[2:4], strict=False)):
        if k01 is None or row.local_item is None:
            break
        window = k01.staff.window
        assert window is not None
        case = case_submit(
            actor=k01, item=row.local_item, applicant_person=person, channel=Case.CHANNEL_CROSS_REGION, answers=[], form={},
            idempotency_key=None, window=window,
        )  # fmt: skip
        now = timezone.now()
        Case.objects.filter(pk=case.pk).update(
            status=Case.STATUS_TO_DELIVER if index else Case.STATUS_IN_PROGRESS,
            accepted_at=now, accepted_on=timezone.localdate(now), accepted_by=k01,
            decision=Case.DECISION_APPROVED if index else "", decided_at=now if index else None,
        )  # fmt: skip
        case.refresh_from_db()
        remote_number = f"11150726MB12345681{row.code}{timezone.localdate(now):%Y%m%d}{index + 1:04d}"
        agreement = row.agreements.first()
        CaseRoute.objects.create(
            case=case, direction=CaseRoute.DIRECTION_OUTBOUND, agreement=agreement, accepting_centre=window.centre,
            accepting_name=window.centre.name, handling_name=peer.name, peer=peer, remote_item=row, remote_number=remote_number,
            remote_status=Case.STATUS_TO_DELIVER if index else Case.STATUS_IN_PROGRESS,
            remote_status_label="对端已作出决定" if index else "对端已受理", delivery_centre=window.centre, forwarded_at=now,
        )  # fmt: skip
        case_event_append(case=case, kind="crossregion_forwarded", actor=k01, after={"peer": peer.name, "remote_item": row.name})
        case_event_append(case=case, kind="crossregion_received", actor=None, after={"peer": peer.name, "remote_number": remote_number})
        labels = ["对端已受理"] + (["对端已作出决定"] if index else [])
        for label in labels:
            case_event_append(
                case=case, kind="crossregion_status", actor=None, after={"peer": peer.name, "label": label, "remote_number": remote_number}
            )
        Message.objects.create(
            direction=Message.OUT, message_id=uuid.uuid4().hex, peer=peer, peer_node_id=peer.node_id, kind=Message.KIND_FORWARD,
            case=case, body={"number": case.number, "remote_item": row.code}, status=Message.STATUS_SENT, attempts=1,
            response={"number": remote_number, "status": "submitted"}, done_at=now,
        )  # fmt: skip
        for label in labels:
            Message.objects.create(
                direction=Message.IN, message_id=uuid.uuid4().hex, peer=peer, peer_node_id=peer.node_id, kind=Message.KIND_STATUS,
                case=case, body={"origin_number": case.number, "number": remote_number, "label": label}, status=Message.STATUS_APPLIED,
                attempts=1, done_at=now,
            )  # fmt: skip
        made += 1
    report.created["crossregion cases"] += made
    log(f"crossregion: {made} demo cases")
