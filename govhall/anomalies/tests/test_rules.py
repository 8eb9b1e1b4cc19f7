"""Each rule finds its planted case and not a clean one; scanning again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.anomalies.engine import scan, scan_changed
from govhall.anomalies.models import AnomalyHit
from govhall.anomalies.rules import RULES
from govhall.anomalies.tests.conftest import DAY, at
from govhall.ratings.models import Rating

pytestmark = pytest.mark.django_db


def hits_of(rule: str) -> list[AnomalyHit]:
    return list(AnomalyHit.objects.filter(rule=rule).order_by("id"))


def test_a_clean_case_raises_no_anomaly(make_fact):
    make_fact()
    result = scan()
    assert result.records == 1
    assert result.hits_created == 0
    assert not AnomalyHit.objects.exists()


def test_decision_before_acceptance_is_out_of_order(make_fact):
    make_fact()
    planted = make_fact(decided_at=at(DAY, 9, 0), accepted_at=at(DAY, 11, 0))
    scan()
    (hit,) = hits_of("out_of_order")
    assert hit.fact_id == planted.pk
    assert hit.severity == "high"
    assert "决定时间早于受理时间 2 小时" in hit.summary
    assert hit.department_id == planted.department_id and hit.window_id == planted.window_id


def test_acceptance_before_application_is_out_of_order(make_fact):
    planted = make_fact(submitted_at=at(DAY, 12, 0))
    scan()
    (hit,) = hits_of("out_of_order")
    assert hit.fact_id == planted.pk
    assert "受理时间早于申请时间" in hit.summary


def test_decision_minutes_after_acceptance_of_a_four_step_item_is_too_fast(make_fact):
    make_fact()
    planted = make_fact(decided_at=at(DAY, 9, 35))  # 5 minutes; 4 steps need 30
    make_fact(decided_at=at(DAY, 9, 35), instant=True)  # 即办件: decided on the spot is normal
    make_fact(decided_at=at(DAY, 10, 10))  # 40 minutes: plausible
    scan()
    (hit,) = hits_of("too_fast")
    assert hit.fact_id == planted.pk
    assert hit.detail["minimum_minutes"] == 30 and hit.detail["minutes"] == 5


def test_too_fast_counts_the_item_steps_when_the_fact_has_none(make_fact):
    # The food item's current version has 5 steps: 40 minutes at least.
    planted = make_fact(step_count=0, decided_at=at(DAY, 10, 5))
    scan()
    (hit,) = hits_of("too_fast")
    assert hit.fact_id == planted.pk
    assert hit.detail["steps"] == 5


def test_overdue_without_pause_or_extension_is_flagged_but_not_with_a_pause(make_fact):
    planted = make_fact(overdue=True, used_days=8)
    make_fact(overdue=True, used_days=8, pause_count=1, paused_days=5)
    make_fact(overdue=True, used_days=8, extension_days=5)
    scan()
    (hit,) = hits_of("overdue_no_pause")
    assert hit.fact_id == planted.pk
    assert "承诺 5 个工作日，实际用时 8 个工作日" in hit.summary


def test_one_person_doing_every_step_is_flagged(make_fact, county):
    all_steps = make_fact(actor_count=1, staff=county.users["approver"], decider=county.users["approver"])
    accepted_and_decided = make_fact(decider=county.users["clerk"])
    make_fact(instant=True, decider=county.users["clerk"], actor_count=1, step_count=1)  # 即办件 at the window
    scan()
    assert [h.fact_id for h in hits_of("single_actor")] == [all_steps.pk, accepted_and_decided.pk]
    assert "同一人办理了全部 4 个环节" in hits_of("single_actor")[0].summary


def test_three_rejections_of_one_applicant_within_90_days_name_the_key_and_cases_not_the_id_number(make_fact):
    key = "a1b2c3d4" * 8
    planted = [make_fact(applicant_key=key, decision="denied", decided_at=at(DAY + dt.timedelta(days=d))) for d in (0, 30, 80)]
    make_fact(applicant_key="f" * 64, decision="denied")  # another applicant, once
    for d in (0, 100, 200):  # rejected three times, but months apart
        make_fact(applicant_key="e" * 64, decision="denied", decided_at=at(DAY + dt.timedelta(days=d)))
    scan()
    (hit,) = hits_of("repeated_rejections")
    assert hit.detail["applicant_key"] == key
    assert [f["id"] for f in hit.detail["facts"]] == [f.pk for f in planted]
    assert "3 次" in hit.summary and key[:10] in hit.summary
    assert "150727" not in hit.summary + str(hit.detail)


def test_a_later_rejection_does_not_duplicate_the_applicant_hit(make_fact):
    key = "b" * 64
    for d in (0, 10, 20):
        make_fact(applicant_key=key, decision="denied", decided_at=at(DAY + dt.timedelta(days=d)))
    scan()
    make_fact(applicant_key=key, decision="denied", decided_at=at(DAY + dt.timedelta(days=30)))
    assert scan().hits_created == 0
    assert len(hits_of("repeated_rejections")) == 1


def test_work_outside_office_hours_is_flagged(make_fact):
    make_fact()
    planted = make_fact(off_hours_actions=2)
    scan()
    (hit,) = hits_of("off_hours")
    assert hit.fact_id == planted.pk and hit.severity == "low"


def test_a_burst_of_ratings_from_one_device_is_flagged(make_rating):
    start = at(DAY, 10)
    burst = [make_rating(device="PAD-A01", created_at=start + dt.timedelta(seconds=40 * i)) for i in range(10)]
    for i in range(10):  # the same pad over a normal morning: one rating every 20 minutes
        make_rating(device="PAD-A01", created_at=at(DAY + dt.timedelta(days=1), 9) + dt.timedelta(minutes=20 * i))
    scan()
    (hit,) = hits_of("rating_burst")
    assert hit.rating_id == burst[0].pk
    assert hit.detail["ratings"] == [r.pk for r in burst]
    assert hit.window_id == burst[0].window_id


def test_one_phone_giving_most_of_a_windows_qr_ratings_in_a_day_is_flagged(make_rating):
    for i in range(6):
        make_rating(device="phone-x", channel=Rating.CHANNEL_QR, created_at=at(DAY, 9) + dt.timedelta(minutes=50 * i))
    for i in range(3):
        make_rating(device=f"phone-{i}", channel=Rating.CHANNEL_QR, created_at=at(DAY, 9) + dt.timedelta(minutes=30 * i))
    scan()
    (hit,) = hits_of("rating_burst")
    assert hit.detail["count"] == 6 and hit.detail["window_total"] == 9


def test_scanning_again_adds_nothing(make_fact, make_rating):
    make_fact(off_hours_actions=1)
    make_fact(overdue=True, used_days=9)
    for i in range(10):
        make_rating(device="PAD-A01", created_at=at(DAY, 10) + dt.timedelta(seconds=30 * i))
    first = scan()
    assert first.hits_created == 3
    second = scan()
    assert second.hits_created == 0
    assert AnomalyHit.objects.count() == 3


def test_scan_since_an_id_looks_only_at_newer_facts(make_fact):
    old = make_fact(off_hours_actions=1)
    make_fact(off_hours_actions=1)
    result = scan(since_id=old.pk)
    assert result.hits_created == 1
    assert AnomalyHit.objects.get().fact_id != old.pk


def test_the_scan_reports_progress_over_small_chunks(make_fact):
    for _ in range(5):
        make_fact()
    seen = []
    scan(progress=lambda done, total, message: seen.append((done, total)), chunk_size=2)
    assert seen[0][1] == 5 and (5, 5) in seen


def test_the_periodic_scan_looks_at_facts_changed_since_the_last_run(make_fact):
    fact = make_fact()
    scan_changed()
    assert not AnomalyHit.objects.exists()
    fact.overdue, fact.used_days = True, 9
    fact.save()
    assert scan_changed().hits_created == 1
    assert scan_changed().hits_created == 0


def test_parameters_can_be_overridden_in_settings(make_fact, settings):
    make_fact(decided_at=at(DAY, 10, 5))  # 35 minutes, 4 steps
    settings.GOVHALL_ANOMALY_PARAMS = {"too_fast": {"minutes_per_step": 20}}
    assert RULES["too_fast"].values()["minutes_per_step"] == 20
    scan()
    assert len(hits_of("too_fast")) == 1
