"""Rebuild equals incremental: after batches of facts, changed and removed facts, and case changes."""

import datetime as dt

from govhall.cases.models import Case
from govhall.cases.services import case_accept, case_terminate, case_withdraw, task_complete
from govhall.cases.tests.case_steps import on, only_open_task, submit
from govhall.ratings.models import Rating
from govhall.supervision import facts, rollups
from govhall.supervision.models import CaseFact, Rollup, RollupMonth
from govhall.supervision.tests.factories import day, fact


def _rebuilt_equals_incremental() -> None:
    incremental = rollups.rollup_snapshot(), rollups.month_snapshot()
    rollups.rebuild()
    assert (rollups.rollup_snapshot(), rollups.month_snapshot()) == incremental


def _batch(county, n=30):
    rows = []
    for i in range(n):
        decided = i % 3 != 0
        rows.append(
            fact(
                county,
                save=False,
                item=county.items["food" if i % 2 else "id_card"],
                staff=county.users["clerk" if i % 4 else "clerk2"],
                window=county.windows["综合1" if i % 5 else "专窗"],
                centre=None if i == 7 else county.centre,
                channel=["window", "online", "mobile", "kiosk"][i % 4],
                full_online=i % 6 == 1,
                instant=i % 7 == 0,
                visits=i % 3,
                accepted_on=None if i == 11 else day(10, 1 + i % 28),
                decided_on=day(11, 1 + i % 20) if decided else None,
                decision=("approved" if i % 5 else "denied") if decided else "",
                status="done" if decided else "in_progress",
                overdue=i % 9 == 0,
                used_days=i % 11 if decided else None,
                legal_limit_days=[20, 0, 5][i % 3],
                rating_level=(i % 5) + 1 if i % 2 else None,
                rated_on=day(12, 1 + i % 9) if i % 2 else None,
            )
        )
    CaseFact.objects.bulk_create(rows)
    return rows


def test_apply_facts_of_a_batch_equals_the_rebuild(county):
    rows = _batch(county)
    touched = rollups.apply_facts(rows)
    assert touched > 0
    assert Rollup.objects.filter(dim="county").count() > 0
    _rebuilt_equals_incremental()


def test_a_changed_and_a_removed_fact_keep_incremental_equal_to_rebuild(county):
    rows = _batch(county)
    rollups.apply_facts(rows)
    changed = CaseFact.objects.get(pk=rows[4].pk)
    old = CaseFact.objects.get(pk=changed.pk)
    changed.decided_on, changed.overdue, changed.rating_level, changed.rated_on = day(11, 28), True, 1, day(12, 20)
    changed.save()
    rollups.apply_delta(rollups.delta(old, changed))
    _rebuilt_equals_incremental()
    removed = CaseFact.objects.get(pk=rows[5].pk)
    rollups.apply_facts([removed], sign=-1)
    removed.delete()
    _rebuilt_equals_incremental()


def test_removing_every_fact_leaves_no_rollup_rows(county):
    rows = _batch(county, n=10)
    rollups.apply_facts(rows)
    rollups.apply_facts(rows, sign=-1)
    assert not Rollup.objects.exists() and not RollupMonth.objects.exists()


def test_applying_stored_facts_in_sql_equals_applying_them_in_python(county):
    rows = _batch(county)
    rollups.apply_facts(rows)
    expected = rollups.rollup_snapshot(), rollups.month_snapshot()
    Rollup.objects.all().delete()
    RollupMonth.objects.all().delete()
    ids = sorted(r.pk for r in CaseFact.objects.all())
    rollups.apply_stored(first_id=ids[0], last_id=ids[14])
    rollups.apply_stored(first_id=ids[15], last_id=ids[-1])
    assert (rollups.rollup_snapshot(), rollups.month_snapshot()) == expected
    rollups.apply_stored(first_id=ids[0], last_id=ids[-1], sign=-1)
    assert not Rollup.objects.exists() and not RollupMonth.objects.exists()


def test_apply_facts_twice_doubles_the_counts(county):
    row = fact(county, save=False, accepted_on=day(11, 2), visits=2)
    rollups.apply_facts([row])
    rollups.apply_facts([row])
    county_row = Rollup.objects.get(dim="county", day=day(11, 2))
    assert (county_row.accepted, county_row.visits) == (2, 4)


def test_a_fact_without_a_centre_window_or_staff_has_no_row_in_those_dimensions(county):
    fact(county, centre=None, window=None, staff=None, accepted_on=day(11, 2))
    dims = set(Rollup.objects.values_list("dim", flat=True))
    assert dims == {"county", "division", "department", "item"}


def test_a_sequence_of_case_changes_keeps_incremental_equal_to_rebuild(users, food, person):
    monday = dt.date(2026, 11, 2)
    with on(monday):
        first = submit(users["applicant"], food, person=person, key="a")
        second = submit(users["applicant"], food, person=person, key="b", channel=Case.CHANNEL_WINDOW)
        third = submit(users["applicant"], food, person=person, key="c")
        case_accept(actor=users["clerk"], case=first)
        case_accept(actor=users["clerk"], case=second)
        case_accept(actor=users["clerk"], case=third)
    with on(monday + dt.timedelta(days=1)):
        task_complete(actor=users["approver"], task=only_open_task(first), outcome="approve", opinion="符合条件")
        task_complete(actor=users["section_head"], task=only_open_task(first), outcome="reject", opinion="条件不符")
        case_withdraw(actor=users["applicant"], case=second, reason="不再经营")
        case_terminate(actor=users["section_head"], case=third, reason="申请人死亡")
    Rating.objects.create(kind=Rating.KIND_CASE, level=4, channel=Rating.CHANNEL_WEB, case=first)
    assert CaseFact.objects.get(case=first).decision == "denied"
    assert CaseFact.objects.get(case=second).status == "withdrawn"
    _rebuilt_equals_incremental()
    snapshot = rollups.rollup_snapshot()
    facts.rebuild_facts()
    assert rollups.rollup_snapshot() == snapshot


def test_suspended_projection_writes_nothing_until_the_rebuild(users, food, person):
    with facts.projection_suspended():
        with on(dt.date(2026, 11, 2)):
            case = submit(users["applicant"], food, person=person)
            case_accept(actor=users["clerk"], case=case)
    assert not CaseFact.objects.exists() and not Rollup.objects.exists()
    facts.rebuild_facts()
    assert CaseFact.objects.get(case=case).accepted_on == dt.date(2026, 11, 2)
    assert Rollup.objects.get(dim="county").accepted == 1


def test_the_rebuild_command_recomputes_rollups(county, capsys):
    from django.core.management import call_command

    rows = _batch(county, n=8)
    rollups.apply_facts(rows)
    before = rollups.rollup_snapshot()
    Rollup.objects.all().delete()
    call_command("rebuild_rollups")
    assert rollups.rollup_snapshot() == before
    call_command("rebuild_rollups", "--facts")
    assert "办件事实" in capsys.readouterr().out
    assert rollups.rollup_snapshot() == before  # no live cases: imported facts stay


def test_applicant_keys_are_stable_and_do_not_reveal_the_number():
    key = facts.applicant_key("150727200501011232")
    assert key == facts.applicant_key(" 150727200501011232 ".lower())
    assert len(key) == 64 and "150727" not in key
    assert facts.applicant_key("") == ""


def test_off_hours_are_outside_eight_to_six_or_on_a_non_working_day(db):
    from django.utils import timezone

    def at(d, h, m=0):
        return timezone.make_aware(dt.datetime(2026, d.month, d.day, h, m))

    assert not facts.is_off_hours(at(day(11, 2), 8))
    assert facts.is_off_hours(at(day(11, 2), 7, 59))
    assert facts.is_off_hours(at(day(11, 2), 18))
    assert facts.is_off_hours(at(day(11, 7), 10))  # Saturday
    assert facts.is_off_hours(at(day(10, 1), 10))  # 国庆
    assert not facts.is_off_hours(at(day(10, 10), 10))  # 调休 Saturday workday


def test_the_demo_phase_projects_cases_loaded_with_projection_suspended_and_is_idempotent(users, food, person):
    from govhall.demo.loader import LoadReport
    from govhall.demo.supervision_demo import load_supervision_demo

    with facts.projection_suspended(), on(dt.date(2026, 11, 2)):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
    report = LoadReport()
    load_supervision_demo(report=report, log=lambda message: None)
    assert report.created["supervision_facts"] == 1
    assert Rollup.objects.get(dim="county").accepted == 1
    again = LoadReport()
    load_supervision_demo(report=again, log=lambda message: None)
    assert not again.changed
    assert Rollup.objects.get(dim="county").accepted == 1


def test_adding_stored_facts_of_a_relation_with_parameters_equals_applying_them_in_python(county):
    rows = _batch(county)
    rollups.apply_facts(rows)
    expected = rollups.rollup_snapshot(), rollups.month_snapshot()
    Rollup.objects.all().delete()
    RollupMonth.objects.all().delete()
    ids = sorted(r.pk for r in CaseFact.objects.all())
    table = CaseFact._meta.db_table
    rollups.add_stored(table, "id BETWEEN %s AND %s", [ids[0], ids[14]])
    rollups.add_stored(table, "id BETWEEN %s AND %s", [ids[15], ids[-1]])
    assert (rollups.rollup_snapshot(), rollups.month_snapshot()) == expected
