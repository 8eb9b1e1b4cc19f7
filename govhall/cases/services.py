"""Case actions. Each is one transaction that writes the case and appends its event."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.cases.chain import chain_hash, event_fields
from govhall.cases.models import KIND_SUBMITTED, Case, CaseEvent, CaseLogHead, CaseNumberCounter
from govhall.catalog.models import Item, ItemVersion, SituationOption
from govhall.core.errors import ErrorCollector, PermissionDenied, ValidationError

# Digits and capitals without the look-alikes (0/O, 1/I/L) an applicant would misread.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def query_code_new() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))


def case_number_allocate(*, implementation_code: str, day: date) -> str:
    """办件编号 (SPEC appendix): 实施编码 + yyyyMMdd + 4-digit daily sequence per code and day.

    The counter row is locked for the rest of the caller's transaction, so two submissions of the
    same item on the same day queue here; the unique case number is the backstop.
    """
    CaseNumberCounter.objects.get_or_create(implementation_code=implementation_code, day=day)
    counter = CaseNumberCounter.objects.select_for_update().get(implementation_code=implementation_code, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{implementation_code}{day:%Y%m%d}{counter.last:04d}"


def case_event_append(*, case: Case, kind: str, actor, before: dict | None = None, after: dict | None = None) -> CaseEvent:
    """Append one event to the global chain. Must run inside the action's transaction."""
    with transaction.atomic():
        head, _created = CaseLogHead.objects.get_or_create(pk=1)
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
            case_number=case.number,
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


def _may_submit_for(actor, person: Person | None, enterprise: Enterprise | None) -> tuple[bool, bool]:
    """(allowed, on_behalf): applicants submit for themselves or their enterprise; staff with the
    permission submit for anyone (window, agent point)."""
    if actor is None or not actor.is_authenticated:
        return False, False
    if person is not None and person.user_id == actor.pk:
        return True, False
    if enterprise is not None and enterprise.legal_representative is not None and enterprise.legal_representative.user_id == actor.pk:
        return True, False
    if actor.has_perm("cases.submit_on_behalf"):
        return True, True
    return False, False


def _check_answers(version: ItemVersion, answers: list[str], errors: ErrorCollector) -> list[str]:
    options = SituationOption.objects.filter(question__version=version).values_list("question__key", "key")
    known = {f"{q}.{o}" for q, o in options}
    seen: set[str] = set()
    clean: list[str] = []
    for ref in answers:
        if not isinstance(ref, str) or ref not in known:
            errors.add("answers", "unknown_option", _("情形选项“%(ref)s”不属于该事项") % {"ref": ref})
            continue
        question = ref.split(".", 1)[0]
        if question in seen:
            errors.add("answers", "one_per_question", _("情形问题“%(question)s”只能选择一个选项") % {"question": question})
            continue
        seen.add(question)
        clean.append(ref)
    return sorted(clean)


def case_submit(
    *,
    actor,
    item: Item,
    applicant_person: Person | None = None,
    applicant_enterprise: Enterprise | None = None,
    channel: str,
    answers: list[str],
    form: dict[str, Any],
    idempotency_key: str | None,
) -> Case:
    """Submit an application. The same idempotency key returns the case already submitted, so a
    double click or a retried request never makes a second case."""
    key = (idempotency_key or "").strip() or None
    if key is not None:
        existing = _existing_for_key(actor, key)
        if existing is not None:
            return existing
    allowed, on_behalf = _may_submit_for(actor, applicant_person, applicant_enterprise)
    if not allowed:
        raise PermissionDenied(_("无权为该申请人提交申请"))
    errors = ErrorCollector()
    if (applicant_person is None) == (applicant_enterprise is None):
        errors.add("applicant", "exactly_one", _("申请人须为一个自然人或一个法人"))
    if channel not in dict(Case.CHANNEL_CHOICES):
        errors.add("channel", "choice", _("办理渠道无效"))
    if item.status != Item.STATUS_ACTIVE:
        errors.add("item", "inactive", _("该事项当前不可申请"))
    version = item.current
    if applicant_person is not None and not version.for_person:
        errors.add("applicant", "audience", _("该事项不面向个人办理"))
    if applicant_enterprise is not None and not version.for_enterprise:
        errors.add("applicant", "audience", _("该事项不面向法人办理"))
    if not isinstance(form, dict):
        errors.add("form", "type", _("申请表格式无效"))
    clean_answers = _check_answers(version, list(answers or []), errors)
    errors.raise_if_any()

    try:
        with transaction.atomic():
            now = timezone.now()
            number = case_number_allocate(implementation_code=item.implementation_code, day=timezone.localdate(now))
            case = Case.objects.create(
                number=number,
                query_code=query_code_new(),
                item=item,
                item_version=version,
                applicant_person=applicant_person,
                applicant_enterprise=applicant_enterprise,
                submitted_by=actor,
                on_behalf=on_behalf,
                channel=channel,
                answers=clean_answers,
                form=form,
                status=Case.STATUS_SUBMITTED,
                idempotency_key=key,
                submitted_at=now,
            )
            case_event_append(
                case=case,
                kind=KIND_SUBMITTED,
                actor=actor,
                before={"status": Case.STATUS_DRAFT},
                after={"status": case.status, "channel": channel, "item_version": version.number, "answers": clean_answers},
            )
            return case
    except IntegrityError:
        # A retry with the same key committed while this one was validating.
        existing = _existing_for_key(actor, key) if key is not None else None
        if existing is None:
            raise
        return existing


def _existing_for_key(actor, key: str) -> Case | None:
    case = Case.objects.filter(idempotency_key=key).first()
    if case is None:
        return None
    if case.submitted_by_id != getattr(actor, "pk", None):
        # Someone else's key: answer as for a bad request, without revealing their case.
        raise ValidationError("idempotency_key", "conflict", _("请求标识已被使用，请刷新后重试"))
    return case
