"""Projecting live cases into their CaseFact, and keeping the rollups in step.

A case gets a fact once it has reached a department (submitted, accepted or refused); drafts get
none. `refresh_case` recomputes the fact from the case, its events, pauses, item version and
rating, and — in the caller's transaction — subtracts the old fact's contribution from the rollups
and adds the new one. Signals (see `signals.py`) call it on every save of a case, event, pause or
rating, so the rollups never wait for a nightly job; `projection_suspended()` turns that off for bulk
loads, which rebuild at the end.

Conventions shared with the importer (histimport), so that imported history and live cases are
comparable:
- `applicant_key(id_number)`: SM3 of a fixed, documented salt and the upper-cased ID number or USCC.
- `is_off_hours(at)`: a non-working day of the calendar, or outside 08:00–18:00 Asia/Shanghai.
- used_days: working days after the 受理日期 up to the 决定日期, less the days of 特别程序.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import datetime as dt
import hmac
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from govhall.cases.models import Case, CaseEvent, CasePause
from govhall.core.models import CalendarDay, CalendarYear
from govhall.ratings.models import Rating
from govhall.supervision import rollups
from govhall.supervision.models import CaseFact

logger = logging.getLogger(__name__)


# 办公时间 used by the off-hours count and the anomaly rule (local time, Asia/Shanghai).
OFFICE_START = dt.time(8, 0)
OFFICE_END = dt.time(18, 0)

# Handling steps (办理环节): acceptance or refusal, then every completed approval task (审查, 审核,
# 决定, 制证 …). 决定 is the completed decision task, so "decided" is not counted again.
STEP_KINDS = frozenset({"accepted", "rongque_accepted", "not_accepted", "task_completed"})
FACT_FIELDS = [f.attname for f in CaseFact._meta.concrete_fields if f.attname not in ("id", "imported_at", "updated_at")]

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("supervision_projection_suspended", default=False)


def applicant_key(id_number: str) -> str:
    """The HMAC-SM3 (64 hex) of an ID number or USCC under the deployment's secret
    `GOVHALL_APPLICANT_KEY`; "" for an empty one. Live cases and imported records of one deployment
    get the same key for the same applicant; without the secret a key cannot be matched to a
    guessed ID number (a county's ID numbers are few enough to try them all against a plain hash)."""
    value = (id_number or "").strip().upper()
    if not value:
        return ""
    return hmac.digest(settings.GOVHALL_APPLICANT_KEY.encode(), value.encode(), "sm3").hex()


class WorkdayCalendar:
    """The working days of the loaded years between two years, read once, for counting in Python.

    Years that are not loaded are `missing`: counts across them give None (never a guess), and
    `is_off_hours` falls back to Saturday/Sunday for them (an anomaly heuristic, not a deadline).
    """

    def __init__(self, first_year: int, last_year: int, *, first: dt.date | None = None, last: dt.date | None = None):
        """Loads the years first_year..last_year, or only the days first..last of them when given."""
        self.years = set(CalendarYear.objects.filter(year__gte=first_year, year__lte=last_year).values_list("year", flat=True))
        days = CalendarDay.objects.filter(date__gte=first or dt.date(first_year, 1, 1), date__lte=last or dt.date(last_year, 12, 31))
        self.workdays: list[dt.date] = []
        self.offdays: set[dt.date] = set()
        for day, is_workday in days.values_list("date", "is_workday"):
            (self.workdays.append(day) if is_workday else self.offdays.add(day))
        self.workdays.sort()

    def between(self, start: dt.date, end: dt.date, pauses: Sequence[tuple[dt.date, dt.date]] = ()) -> int | None:
        """Working days after `start` up to and including `end`, less paused days; None when a year
        in between is not loaded (as core.calendar.working_days_between, without its queries)."""
        if end <= start:
            return 0
        # The start day itself is not counted: its year need not be loaded.
        if any(year not in self.years for year in range((start + dt.timedelta(days=1)).year, end.year + 1)):
            return None
        lo = bisect.bisect_right(self.workdays, start)
        hi = bisect.bisect_right(self.workdays, end)
        if not pauses:
            return hi - lo
        return sum(1 for day in self.workdays[lo:hi] if not any(a <= day <= b for a, b in pauses))

    def is_off_hours(self, at: dt.datetime) -> bool:
        local = timezone.localtime(at) if timezone.is_aware(at) else at
        if not OFFICE_START <= local.time() < OFFICE_END:
            return True
        day = local.date()
        if day.year in self.years:
            return day in self.offdays
        return day.weekday() >= 5


def is_off_hours(at: dt.datetime) -> bool:
    """Outside office hours (before 08:00 or from 18:00 local time) or on a non-working day of
    the calendar. For many timestamps build one `WorkdayCalendar` and call its `is_off_hours`."""
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return WorkdayCalendar(local.year, local.year).is_off_hours(local)


def _local_date(at: dt.datetime | None) -> dt.date | None:
    if at is None:
        return None
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def qualifies(case: Case) -> bool:
    return bool(case.number) and case.status != Case.STATUS_DRAFT and case.department_id is not None


def project_case(
    case: Case,
    *,
    events: Iterable[tuple[str, int | None, dt.datetime, bool]],
    pauses: Iterable[CasePause],
    rating: tuple[int, dt.datetime] | None,
    calendar: WorkdayCalendar | None = None,
    today: dt.date | None = None,
) -> CaseFact | None:
    """The fact of a case, unsaved, from already-read data (None when the case does not qualify).

    `events` are (kind, actor id, at, actor is staff) in order; `rating` is (level, created_at) of
    the latest rating of the case. `case` needs its item_version, department, centre and applicant.
    """
    if not qualifies(case):
        return None
    today = today or timezone.localdate()
    version = case.item_version
    events = list(events)
    pauses = list(pauses)
    refused_at = None
    refuser = decider = None
    step_actors: set[int] = set()
    steps = off_hours = 0
    staff_times = []
    for kind, actor_id, at, is_staff in events:
        if kind in STEP_KINDS:
            steps += 1
            if actor_id is not None:
                step_actors.add(actor_id)
        if kind == "not_accepted":
            refused_at, refuser = at, actor_id
        if kind == "decided":
            decider = actor_id
        if is_staff:
            staff_times.append(at)

    decided_at = case.decided_at
    if decided_at is None and case.status == Case.STATUS_NOT_ACCEPTED:
        decided_at = refused_at or case.finished_at
        decider = refuser
    decided_on = _local_date(decided_at)
    accepted_on = case.accepted_on

    if calendar is None:
        dates = [d for d in (accepted_on, decided_on, today) if d] + [timezone.localtime(t).date() for t in staff_times]
        dates += [p.started_on for p in pauses]
        first, last = min(dates), max(dates)
        calendar = WorkdayCalendar(first.year, last.year, first=first, last=last)
    off_hours = sum(1 for at in staff_times if calendar.is_off_hours(at))

    pause_periods = [(p.started_on, p.ended_on or max(decided_on or today, p.started_on)) for p in pauses]
    paused_days = 0
    for first, last in pause_periods:
        paused_days += calendar.between(first - dt.timedelta(days=1), last) or 0
    used_days = None
    if accepted_on and decided_on:
        used_days = calendar.between(accepted_on, decided_on, pause_periods)
        if used_days is None:
            logger.warning("case %s: working-day calendar not loaded for %s–%s, used_days left empty", case.number, accepted_on, decided_on)

    person, enterprise = case.applicant_person, case.applicant_enterprise
    if person is not None:
        kind, key = CaseFact.APPLICANT_PERSON, applicant_key(person.id_number)
    elif enterprise is not None:
        kind, key = CaseFact.APPLICANT_ENTERPRISE, applicant_key(enterprise.uscc)
    else:
        kind, key = "", ""

    centre, department = case.centre, case.department
    assert department is not None and case.number  # qualifies()
    division_id = centre.division_id if centre is not None else department.division_id
    channel = case.channel
    full_online = (
        channel in rollups.ONLINE_CHANNELS
        and version.online_depth == "full_online"
        and case.visits == 0
        and case.delivery_method != Case.DELIVERY_WINDOW
    )
    return CaseFact(
        source=CaseFact.SOURCE_LIVE,
        external_id=case.number,
        case_id=case.pk,
        division_id=division_id,
        department_id=department.pk,
        centre_id=case.centre_id,
        window_id=case.window_id,
        item_id=case.item_id,
        staff_id=case.accepted_by_id or (refuser if case.status == Case.STATUS_NOT_ACCEPTED else None),
        decider_id=decider,
        applicant_kind=kind,
        applicant_key=key,
        channel=channel,
        status=case.status,
        decision=case.decision or "",
        instant=version.handling_type == "instant",
        full_online=full_online,
        submitted_at=case.submitted_at,
        accepted_at=case.accepted_at,
        decided_at=decided_at,
        finished_at=case.finished_at,
        accepted_on=accepted_on,
        decided_on=decided_on,
        legal_limit_days=version.legal_limit_days,
        limit_days=case.limit_days if case.limit_days is not None else version.promised_limit_days,
        used_days=used_days,
        paused_days=paused_days,
        pause_count=len(pauses),
        extension_days=case.extension_days,
        due_date=case.due_date,
        overdue=case.overdue,
        visits=case.visits,
        step_count=steps,
        actor_count=len(step_actors),
        off_hours_actions=off_hours,
        rating_level=rating[0] if rating else None,
        rated_at=rating[1] if rating else None,
        rated_on=_local_date(rating[1]) if rating else None,
    )


def _event_rows(case_ids: Iterable[int]) -> dict[int, list[tuple[str, int | None, dt.datetime, bool]]]:
    result: dict[int, list] = {}
    rows = CaseEvent.objects.filter(case_id__in=list(case_ids)).order_by("case_id", "seq")
    for case_id, kind, actor_id, at, profile in rows.values_list("case_id", "kind", "actor_id", "at", "actor__staff__id"):
        result.setdefault(case_id, []).append((kind, actor_id, at, profile is not None))
    return result


def _latest_ratings(case_ids: Iterable[int]) -> dict[int, tuple[int, dt.datetime]]:
    result: dict[int, tuple[int, dt.datetime]] = {}
    rows = Rating.objects.filter(case_id__in=list(case_ids)).order_by("case_id", "created_at", "id")
    for case_id, level, at in rows.values_list("case_id", "level", "created_at"):
        result[case_id] = (level, at)  # the last one wins
    return result


def _case_queryset():
    return Case.objects.select_related("item_version", "department", "centre", "applicant_person", "applicant_enterprise")


def _same(old: CaseFact, new: CaseFact) -> bool:
    return all(getattr(old, name) == getattr(new, name) for name in FACT_FIELDS)


def refresh_case(case: Case | int) -> CaseFact | None:
    """Bring one live case's fact and its rollup contribution up to date, in one transaction.

    Returns the fact, or None when the case does not qualify (a draft) — any old fact is then
    removed with its contribution. Nothing is written when nothing changed.
    """
    case_id = case if isinstance(case, int) else case.pk
    with transaction.atomic():
        fresh = _case_queryset().filter(pk=case_id).first()
        old = CaseFact.objects.select_for_update().filter(case_id=case_id).first()
        new = None
        if fresh is not None and qualifies(fresh):
            new = project_case(
                fresh,
                events=_event_rows([case_id]).get(case_id, []),
                pauses=CasePause.objects.filter(case_id=case_id).order_by("started_on", "id"),
                rating=_latest_ratings([case_id]).get(case_id),
            )
        if new is None:
            if old is not None:
                rollups.apply_facts([old], sign=-1)
                old.delete()
            return None
        if old is not None:
            if _same(old, new):
                return old
            new.pk, new.imported_at = old.pk, old.imported_at
            new._state.adding = False
        rollups.apply_delta(rollups.delta(old, new))
        new.save()
        return new


def forget_case(case_id: int) -> None:
    """Remove a case's fact and its contribution (before the case row is deleted)."""
    with transaction.atomic():
        old = CaseFact.objects.select_for_update().filter(case_id=case_id).first()
        if old is not None:
            rollups.apply_facts([old], sign=-1)
            old.delete()


def rebuild_facts(*, batch: int = 500, rebuild_rollups: bool = True) -> dict[str, int]:
    """Re-project every live case (facts of cases that no longer qualify are deleted), then — by
    default — rebuild the rollups from all facts. One transaction; returns counts."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    today = timezone.localdate()
    with transaction.atomic():
        first = Case.objects.exclude(submitted_at=None).aggregate(first=Min("submitted_at"))["first"]
        first_year = (_local_date(first) or today).year - 1
        calendar = WorkdayCalendar(first_year, today.year + 1)
        existing = {row.case_id: row for row in CaseFact.objects.filter(source=CaseFact.SOURCE_LIVE, case__isnull=False)}
        ids = list(Case.objects.exclude(status=Case.STATUS_DRAFT).exclude(number=None).order_by("pk").values_list("pk", flat=True))
        seen: set[int] = set()
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            cases = _case_queryset().in_bulk(chunk)
            events = _event_rows(chunk)
            ratings = _latest_ratings(chunk)
            pauses: dict[int, list[CasePause]] = {}
            for pause in CasePause.objects.filter(case_id__in=chunk).order_by("started_on", "id"):
                pauses.setdefault(pause.case_id, []).append(pause)
            creates, updates = [], []
            for case_id in chunk:
                new = project_case(
                    cases[case_id],
                    events=events.get(case_id, []),
                    pauses=pauses.get(case_id, []),
                    rating=ratings.get(case_id),
                    calendar=calendar,
                    today=today,
                )
                if new is None:
                    continue
                seen.add(case_id)
                old = existing.get(case_id)
                if old is None:
                    creates.append(new)
                elif _same(old, new):
                    counts["unchanged"] += 1
                else:
                    new.pk, new.imported_at = old.pk, old.imported_at
                    new.updated_at = timezone.now()
                    updates.append(new)
            CaseFact.objects.bulk_create(creates)
            if updates:
                CaseFact.objects.bulk_update(updates, [*[f for f in FACT_FIELDS if f != "case_id"], "updated_at"])
            counts["created"] += len(creates)
            counts["updated"] += len(updates)
        stale = [row.pk for case_id, row in existing.items() if case_id not in seen]
        if stale:
            CaseFact.objects.filter(pk__in=stale).delete()
        counts["deleted"] = len(stale)
        if rebuild_rollups:
            rollups.rebuild()
    return counts


def projection_active() -> bool:
    return not _suspended.get()


@contextlib.contextmanager
def projection_suspended(*, rebuild_after: bool = False) -> Iterator[None]:
    """Within the block, saves of cases, events, pauses and ratings do not refresh facts (bulk
    loads: the demo, data fixes). With `rebuild_after`, every fact and rollup is rebuilt at the end;
    otherwise the caller must run `rebuild_facts()` before the rollups are trusted again."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)
    if rebuild_after:
        rebuild_facts()


def signal_refresh(case_id: int | None) -> Any:
    """Refresh from a signal: skipped while projection is suspended or for cases without a fact
    and no number yet (drafts), which keeps draft saves free."""
    if case_id is None or not projection_active():
        return None
    return refresh_case(case_id)
