"""Demo 帮办代办 (ONE-4): the consents behind the agent-point cases and their hand-over chains.

Two entry points:
- `consent_before_agent_submit` is called by the case scripts just before an agent submits a
  resident's application (under the scripts' clock): the agent records the resident's consent on
  the spot (现场签字) unless one in force already covers the item, as `case_submit` requires.
- `load_agents_demo` runs after the cases phase: it links any agent-point case that still has no
  consent (a county loaded before this app existed) to one given just before its submission, writes
  each case's hand-over chain in the state the case is in today, and adds a dozen more consents
  (every scope and way of giving, one revoked, one expired, one waiting for its phone code).
Hand-over rows are written with bulk_create; idempotent: nothing happens once hand-overs exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import struct
import zlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.agents.models import AgentCase, AgentConsent, HandOver
from govhall.agents.services import CONSENT_TEXT_VERSION, consent_record, consents_covering
from govhall.applicants.models import Enterprise, Person
from govhall.cases.models import Case, CaseMaterial
from govhall.cases.services.submission import private_root
from govhall.catalog.models import Item
from govhall.org.models import ServiceCentre, StaffProfile

SIGNATURE_PATH = "agents/demo/signature.png"


def _signature_png() -> bytes:
    """A small grey-on-white scribble standing for a resident's signature (a real PNG)."""
    width, height = 120, 40
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            on = abs((y - 20) - int(12 * math.sin(x / 9))) <= 1 and 8 < x < 112
            row += b"\x40" if on else b"\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def _office(moment: dt.datetime) -> dt.datetime:
    """The next moment within office hours (8:30–17:30 China time): agents and clerks hand papers
    over during the day."""
    local = timezone.localtime(moment)
    if local.hour * 60 + local.minute > 17 * 60 + 30:
        local = (local + dt.timedelta(days=1)).replace(hour=8, minute=30 + local.minute % 30)
    elif local.hour * 60 + local.minute < 8 * 60 + 30:
        local = local.replace(hour=8, minute=30 + local.minute % 30)
    return local


def consent_before_agent_submit(*, agent: User, person: Person | None, enterprise: Enterprise | None, item: Item) -> None:
    resident = person or (enterprise.legal_representative if enterprise is not None else None)
    if resident is None or consents_covering(agent=agent, resident=resident, item=item).exists():
        return
    consent_record(
        actor=agent,
        resident=resident,
        scope=AgentConsent.SCOPE_ITEMS,
        items=[item],
        method=AgentConsent.METHOD_SIGNATURE,
        file_data=_signature_png(),
        note="演示数据：居民在代办点现场签字",
    )


def _clerk_of(centre_id: int | None, clerks: dict[int, User]) -> User | None:
    return clerks.get(centre_id) if centre_id else None


def _papers(case: Case, materials: dict[int, list[str]]) -> list[str]:
    names = materials.get(case.pk) or []
    return (["居民身份证（原件核验）"] + names)[:8]


def load_agents_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    if HandOver.objects.exists():
        return
    rng = random.Random(4)
    now = timezone.now()
    signature = _signature_png()
    target = private_root() / SIGNATURE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(signature)
    signature_sha = hashlib.sha256(signature).hexdigest()

    cases = list(
        Case.objects.filter(channel=Case.CHANNEL_AGENT_POINT, on_behalf=True)
        .select_related("submitted_by__staff__centre", "applicant_person", "applicant_enterprise__legal_representative", "item")
        .order_by("submitted_at")
    )
    # 1. Cases without a consent link: a consent given at the point shortly before submission.
    linked = set(AgentCase.objects.values_list("case_id", flat=True))
    new_links = []
    for case in cases:
        if case.pk in linked or case.submitted_at is None:
            continue
        profile = getattr(case.submitted_by, "staff", None)
        resident = case.applicant_person or (case.applicant_enterprise.legal_representative if case.applicant_enterprise else None)
        if profile is None or profile.centre is None or resident is None or case.submitted_by is None:
            continue
        given = case.submitted_at - dt.timedelta(minutes=rng.randint(5, 40))
        consent = AgentConsent.objects.create(
            resident=resident,
            agent=case.submitted_by,
            point=profile.centre,
            scope=AgentConsent.SCOPE_ITEMS,
            method=AgentConsent.METHOD_SIGNATURE,
            text_version=CONSENT_TEXT_VERSION,
            file_path=SIGNATURE_PATH,
            file_content_type="image/png",
            file_size=len(signature),
            file_sha256=signature_sha,
            given_at=given,
            valid_until=timezone.localdate(given) + dt.timedelta(days=90),
            note="演示数据：居民在代办点现场签字",
        )
        AgentConsent.objects.filter(pk=consent.pk).update(created_at=given)
        consent.items.set([case.item])
        new_links.append(AgentCase(case=case, consent=consent, agent=case.submitted_by, point=profile.centre))
    AgentCase.objects.bulk_create(new_links)
    report.created["agent_consents"] += len(new_links)

    # 2. Hand-over chains in the state each case is in.
    links = list(AgentCase.objects.select_related("case", "point", "agent").order_by("-case__submitted_at"))
    unconfirmed_left = 2
    clerks: dict[int, User] = {}
    for profile in StaffProfile.objects.filter(window__isnull=False, centre__level=ServiceCentre.LEVEL_TOWNSHIP).select_related("user"):
        clerks.setdefault(profile.centre_id, profile.user)  # type: ignore[arg-type]
    materials: dict[int, list[str]] = {}
    for case_id, name in CaseMaterial.objects.filter(case__in=[lk.case for lk in links], replaced=False).values_list("case_id", "name"):
        materials.setdefault(case_id, []).append(name)
    rows: list[HandOver] = []
    for link in links:
        case = link.case
        if case.submitted_at is None:
            continue
        centre_id = link.point.parent_id
        clerk = _clerk_of(centre_id, clerks) or case.accepted_by
        papers = _papers(case, materials)
        received_at = min(_office(case.submitted_at - dt.timedelta(minutes=rng.randint(20, 90))), case.submitted_at)
        rows.append(
            HandOver(
                case=case, step=HandOver.STEP_RECEIVED, papers=papers, note="材料齐全，已向居民出具代办回执", by=link.agent, at=received_at
            )
        )
        forwarded_at = _office(case.submitted_at + dt.timedelta(hours=rng.randint(2, 20)))
        if case.accepted_at is not None and case.accepted_at > case.submitted_at:
            # The papers reach the centre before it accepts (or the same hour).
            forwarded_at = max(min(forwarded_at, case.accepted_at - dt.timedelta(minutes=40)), case.submitted_at)
        if forwarded_at > now:
            continue
        # The newest papers handed in are still on their way to the window: the clerks confirm them.
        in_transit = case.status in (Case.STATUS_SUBMITTED, Case.STATUS_IN_PROGRESS) and unconfirmed_left > 0
        unconfirmed_left -= 1 if in_transit else 0
        received = None if in_transit else min(forwarded_at + dt.timedelta(minutes=rng.randint(10, 35)), now)
        rows.append(
            HandOver(
                case=case,
                step=HandOver.STEP_FORWARDED,
                papers=papers[1:] or papers,
                note="送至便民服务中心综合受理窗口",
                by=link.agent,
                at=forwarded_at,
                centre_id=centre_id,
                received_by=clerk if received else None,
                received_at=received,
            )
        )
        outcome_at = case.delivered_at or case.finished_at or case.decided_at
        if not received or outcome_at is None or not (case.decision or case.status in Case.FINAL_STATUSES):
            continue
        returned_at = _office(outcome_at + dt.timedelta(hours=rng.randint(1, 30)))
        if returned_at > now or (case.status == Case.STATUS_TO_DELIVER and rng.random() < 0.6):
            continue
        result = [case.get_decision_display() + "决定书"] if case.decision else [case.get_status_display() + "通知书"]
        if case.decision == Case.DECISION_APPROVED and case.item_version.result_name:
            result = [case.item_version.result_name]
        rows.append(
            HandOver(
                case=case,
                step=HandOver.STEP_RETURNED,
                papers=result,
                note="中心窗口交代办员带回",
                by=clerk or link.agent,
                at=returned_at,
                centre_id=centre_id,
            )
        )
        delivered_at = _office(returned_at + dt.timedelta(hours=rng.randint(3, 48)))
        if delivered_at > now or rng.random() < 0.25:
            continue  # waiting to be taken to the resident
        rows.append(
            HandOver(
                case=case,
                step=HandOver.STEP_DELIVERED,
                papers=result,
                note="入户送达，居民签收",
                by=link.agent,
                at=delivered_at,
                signature_path=SIGNATURE_PATH,
                signature_sha256=signature_sha,
            )
        )
    HandOver.objects.bulk_create(rows, batch_size=500)
    report.created["agent_handovers"] += len(rows)

    # 3. More consents at each point: general ones, several items, one revoked, one expired, one pending.
    extra = 0
    agents = {lk.point_id: lk.agent for lk in links}
    for point in ServiceCentre.objects.filter(pk__in=list(agents)).order_by("id"):
        agent = agents[point.pk]
        residents = list(Person.objects.filter(cases__agent_link__point=point).distinct().order_by("id")[:6])
        if not residents:
            continue
        items = list({lk.case.item for lk in links if lk.point_id == point.pk})[:3]
        today = timezone.localdate()
        plans = [
            (AgentConsent.SCOPE_ALL, AgentConsent.METHOD_WRITTEN, 20, None),
            (AgentConsent.SCOPE_ITEMS, AgentConsent.METHOD_CODE, 8, None),
            (AgentConsent.SCOPE_ALL, AgentConsent.METHOD_SIGNATURE, 120, "expired"),
            (AgentConsent.SCOPE_ITEMS, AgentConsent.METHOD_SIGNATURE, 30, "revoked"),
        ]
        for n, (scope, method, days_ago, state) in enumerate(plans):
            resident = residents[n % len(residents)]
            given = min(_office(now - dt.timedelta(days=days_ago, hours=rng.randint(0, 5))), now)
            consent = AgentConsent.objects.create(
                resident=resident,
                agent=agent,
                point=point,
                scope=scope,
                method=method,
                text_version=CONSENT_TEXT_VERSION,
                file_path="" if method == AgentConsent.METHOD_CODE else SIGNATURE_PATH,
                file_content_type="" if method == AgentConsent.METHOD_CODE else "image/png",
                file_size=0 if method == AgentConsent.METHOD_CODE else len(signature),
                file_sha256="" if method == AgentConsent.METHOD_CODE else signature_sha,
                phone=resident.phone if method == AgentConsent.METHOD_CODE else "",
                code_sent_at=given if method == AgentConsent.METHOD_CODE else None,
                code_confirmed_at=given + dt.timedelta(minutes=2) if method == AgentConsent.METHOD_CODE else None,
                given_at=given,
                valid_until=timezone.localdate(given) + dt.timedelta(days=90),
                revoked_at=given + dt.timedelta(days=3) if state == "revoked" else None,
                revoked_by=resident.user or agent if state == "revoked" else None,
                revoke_reason="居民自行到中心办理，不再委托" if state == "revoked" else "",
                note="演示数据",
            )
            if scope == AgentConsent.SCOPE_ITEMS and items:
                consent.items.set(items[: 1 + n % len(items)])
            extra += 1
        # One code consent still waiting for the resident's code today.
        AgentConsent.objects.create(
            resident=residents[-1],
            agent=agent,
            point=point,
            scope=AgentConsent.SCOPE_ALL,
            method=AgentConsent.METHOD_CODE,
            text_version=CONSENT_TEXT_VERSION,
            phone=residents[-1].phone,
            valid_until=today + dt.timedelta(days=90),
            note="演示数据：等待居民提供验证码",
        )
        extra += 1
    report.created["agent_consents"] += extra
    log(f"  代办授权 {report.created['agent_consents']} 份，交接记录 {len(rows)} 条")
