"""Live cases project into facts and rollups as they are handled (through the case services)."""

import datetime as dt

from govhall.cases.models import Case
from govhall.cases.services import case_accept, case_deliver, case_pause_end, case_pause_start, case_refuse, task_complete
from govhall.cases.tests.case_steps import on, only_open_task, submit
from govhall.ratings.models import Rating
from govhall.supervision import facts, indicators, rollups
from govhall.supervision.models import CaseFact

MONDAY = dt.date(2026, 11, 2)
WEDNESDAY = dt.date(2026, 11, 4)
FRIDAY = dt.date(2026, 11, 6)
NEXT_MONDAY = dt.date(2026, 11, 9)


def _handle_to_delivery(users, case, day):
    with on(day):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合条件")
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome="approve")
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")


def test_a_draft_has_no_fact_and_a_submission_gets_one_without_counting(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
    fact = CaseFact.objects.get(case=case)
    assert fact.status == Case.STATUS_SUBMITTED
    assert fact.accepted_on is None
    assert fact.applicant_key == facts.applicant_key(person.id_number)
    assert fact.applicant_kind == CaseFact.APPLICANT_PERSON
    assert rollups.rollup_snapshot() == {}


def test_a_case_handled_through_the_services_is_counted_on_its_dates(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
    with on(WEDNESDAY):
        case_pause_start(actor=users["approver"], case=case, kind="expert", reason="专家评审")
    with on(FRIDAY):
        case_pause_end(actor=users["approver"], case=case, reason="评审通过")
    _handle_to_delivery(users, case, NEXT_MONDAY)
    with on(NEXT_MONDAY, hour=20):
        case_deliver(actor=users["clerk"], case=Case.objects.get(pk=case.pk), method="electronic")
    fact = CaseFact.objects.get(case=case)
    assert (fact.accepted_on, fact.decided_on, fact.decision, fact.status) == (MONDAY, NEXT_MONDAY, "approved", "done")
    # Tue..Mon is 5 working days; Wed..Fri (3) were 专家评审.
    assert (fact.used_days, fact.paused_days, fact.pause_count) == (2, 3, 1)
    assert fact.staff == users["clerk"]
    assert fact.decider == users["section_head"]
    assert fact.step_count == 4  # 受理, 审查, 决定, 制证
    assert fact.actor_count == 3
    assert fact.off_hours_actions >= 1  # delivered at 20:00
    assert fact.channel == "online" and not fact.instant

    accepted = indicators.totals("department", MONDAY, MONDAY, keys=[str(food.department_id)])
    assert accepted[0].counts["accepted"] == 1 and accepted[0].values["online_rate"] == 1.0
    decided = indicators.totals("department", NEXT_MONDAY, NEXT_MONDAY, keys=[str(food.department_id)])
    assert decided[0].counts["decided"] == 1
    assert decided[0].counts["used_days"] == 2 and decided[0].counts["legal_days"] == fact.legal_limit_days

    before = rollups.rollup_snapshot()
    facts.rebuild_facts()
    assert rollups.rollup_snapshot() == before


def test_a_refusal_counts_as_rejection_on_the_day_of_refusal(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
    with on(WEDNESDAY):
        case_refuse(actor=users["clerk"], case=case, reason="不属于本部门职权范围")
    fact = CaseFact.objects.get(case=case)
    assert fact.decided_on == WEDNESDAY and fact.accepted_on is None
    assert fact.staff == users["clerk"]
    row = indicators.totals("county", MONDAY, FRIDAY)[0]
    assert (row.counts["decided"], row.counts["rejected"], row.counts["accepted"]) == (1, 1, 0)
    assert row.values["rejection_rate"] == 1.0


def test_a_rating_of_the_case_moves_the_bad_rating_rate(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
    Rating.objects.create(
        kind=Rating.KIND_CASE,
        level=1,
        channel=Rating.CHANNEL_WEB,
        case=case,
        created_at=facts.timezone.make_aware(dt.datetime(2026, 11, 5, 9)),
    )
    row = indicators.totals("county", MONDAY, FRIDAY)[0]
    assert (row.counts["rated"], row.counts["bad_rated"]) == (1, 1)
    assert row.values["bad_rating_rate"] == 1.0
    before = rollups.rollup_snapshot()
    rollups.rebuild()
    assert rollups.rollup_snapshot() == before
