"""The pieces every case action shares: the event chain, documents, visits, the case row lock."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.chain import chain_hash, event_fields
from govhall.cases.models import Case, CaseDocument, CaseEvent, CaseLogHead, DocumentCounter
from govhall.core.errors import Conflict


def case_event_append(*, case: Case, kind: str, actor, before: dict | None = None, after: dict | None = None) -> CaseEvent:
    """Append one event to the global chain. Must run inside the action's transaction. Drafts have
    no number and no events: the log starts at submission."""
    if not case.number:
        raise ValueError("events are appended to submitted cases only")
    with transaction.atomic():
        # One query on every event but the very first, which creates the head row.
        head = CaseLogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            CaseLogHead.objects.get_or_create(pk=1)
            head = CaseLogHead.objects.select_for_update().get(pk=1)
        last_seq = CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first() or 0
        event = CaseEvent(
            case=case,
            seq=last_seq + 1,
            kind=kind,
            actor=actor,
            at=timezone.now(),
            before=before or {},
            after=after or {},
            prev_hash=head.last_hash,
        )
        fields = event_fields(
            case_number=case.number or "",
            seq=event.seq,
            kind=kind,
            actor_id=getattr(actor, "pk", None),
            at=event.at,
            before=event.before,
            after=event.after,
        )
        event.hash = chain_hash(head.last_hash, fields)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
        return event


def case_lock(case: Case, *, statuses: tuple[str, ...]) -> Case:
    """Lock the case row for the rest of the transaction and check it is still in one of
    `statuses`: the second of two clerks acting on one submission gets "已被他人处理"."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in statuses:
        raise Conflict(_("该办件已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
    return locked


def document_number_allocate(*, kind: str, year: int) -> str:
    """文号: the kind's word, 〔year〕 and a yearly sequence, e.g. 受字〔2026〕第00001号."""
    DocumentCounter.objects.get_or_create(kind=kind, year=year)
    counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{CaseDocument.NUMBER_WORDS[kind]}字〔{year}〕第{counter.last:05d}号"


def case_document_issue(*, case: Case, kind: str, actor, body: dict) -> CaseDocument:
    """Number and record a statutory document. Its PDF is rendered from `body` when first
    downloaded (documents.document_pdf), so an action never waits for a PDF."""
    now = timezone.now()
    number = document_number_allocate(kind=kind, year=timezone.localdate(now).year)
    document = CaseDocument.objects.create(case=case, kind=kind, number=number, body=body, issued_by=actor, issued_at=now)
    case_event_append(case=case, kind="document_issued", actor=actor, after={"document": number, "kind": kind})
    return document


def case_visit_record(*, case: Case, actor, on: date | None = None) -> bool:
    """最多跑一次: count the applicant's visit to the hall for this case, at most one per day.
    The caller saves the case. Returns whether a new visit was counted."""
    day = on or timezone.localdate()
    if case.last_visit_on == day:
        return False
    case.visits += 1
    case.last_visit_on = day
    case_event_append(case=case, kind="visit", actor=actor, after={"visits": case.visits, "on": day.isoformat()})
    return True
