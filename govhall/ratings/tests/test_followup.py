"""差评整改: the working-day clock (国办发〔2019〕51号, default 15 working days, verify in 3), the
steps verify → rectify where warranted → call back → close, and who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from govhall.cases.tests.case_steps import first_error, on
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.models import CalendarDay, CalendarYear
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.selectors import followups_for_user, get_followup_for_user, remaining_days
from govhall.ratings.services import (
    RatingInput,
    followup_call_back,
    followup_close,
    followup_due_sweep,
    followup_rectify,
    followup_verify,
    rating_submit_for_ticket,
)
from govhall.ratings.tests.conftest import DAY

REAL_NAME_BAD = RatingInput(level=2, tags=["long_wait", "multiple_trips"], rater_name="王五", rater_phone="13900001111")
ANONYMOUS_BAD = RatingInput(level=1, tags=["bad_attitude"])


def bad_rating(make_ticket, day: dt.date = DAY, data: RatingInput = REAL_NAME_BAD, **ticket) -> FollowUp:
    t = make_ticket(day=day, **ticket)
    with on(day, 16):
        rating = rating_submit_for_ticket(actor=None, token=t.token, channel=Rating.CHANNEL_QR, data=data)
    return FollowUp.objects.get(rating=rating)


def test_follow_up_is_due_15_working_days_after_the_rating_day_skipping_national_day(make_ticket):
    # Rated on 2026-09-30, the eve of 国庆 (10-01..10-07 off, Saturday 10-10 a make-up working day).
    followup = bad_rating(make_ticket, dt.date(2026, 9, 30))

    assert followup.opened_on == dt.date(2026, 9, 30)
    assert followup.verify_due == dt.date(2026, 10, 10)  # 10-08, 10-09, 10-10 (调休上班)
    assert followup.due_date == dt.date(2026, 10, 27)


def test_limits_come_from_settings(make_ticket, settings):
    settings.GOVHALL_RATING_VERIFY_DAYS = 1
    settings.GOVHALL_RATING_FOLLOWUP_DAYS = 5
    followup = bad_rating(make_ticket)  # Monday 2026-06-15
    assert (followup.verify_due, followup.due_date) == (dt.date(2026, 6, 16), dt.date(2026, 6, 23))  # 06-19 端午


def test_verify_overdue_then_overdue_show_as_the_days_pass(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)  # verify by 06-18, close by 07-07 (06-19 端午 off)

    with on(dt.date(2026, 6, 18)):
        assert not followup.verify_overdue
        assert remaining_days([followup])[followup.pk] == 12
    with on(dt.date(2026, 6, 19)):
        assert followup.verify_overdue and not followup.overdue
        assert [f.pk for f in followups_for_user(user=centre_admin, overdue=True)] == []
    with on(dt.date(2026, 7, 8)):
        assert followup.overdue
        assert remaining_days([followup])[followup.pk] == -1
        assert [f.pk for f in followups_for_user(user=centre_admin, overdue=True)] == [followup.pk]
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="情况属实", warranted=False)
        followup.refresh_from_db()
        assert not followup.verify_overdue and followup.overdue


def test_warranted_bad_rating_is_rectified_called_back_and_closed(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)

    with on(dt.date(2026, 6, 16)):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="调取监控，当日等候超过1小时", warranted=True)
        with pytest.raises(ValidationError) as caught:
            followup_call_back(actor=centre_admin, followup_id=followup.pk, result="已电话联系", satisfaction="satisfied")
        assert first_error(caught)[2] == "差评属实，请先填写整改措施再回访"
        followup_rectify(actor=centre_admin, followup_id=followup.pk, rectification="高峰时段增开两个综合窗口")
        followup_call_back(actor=centre_admin, followup_id=followup.pk, result="已电话告知整改情况", satisfaction="satisfied")
        followup = followup_close(actor=centre_admin, followup_id=followup.pk, note="")

    assert followup.status == FollowUp.STATUS_CLOSED
    assert list(followup.events.values_list("kind", flat=True)) == ["opened", "verified", "rectified", "called_back", "closed"]
    assert followup.verified_by == centre_admin and followup.called_back_at is not None


def test_rectification_text_is_needed_only_when_warranted(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)
    with on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="经核实，窗口按规定要求补正材料", warranted=False)
        with pytest.raises(Conflict):
            followup_rectify(actor=centre_admin, followup_id=followup.pk, rectification="无")
        followup_call_back(actor=centre_admin, followup_id=followup.pk, result="已解释政策", satisfaction="basically")
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_CALLED_BACK and followup.rectification == ""


def test_real_name_bad_rating_closes_only_after_the_call_back(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)
    with on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="不属实", warranted=False)
        with pytest.raises(ValidationError) as caught:
            followup_close(actor=centre_admin, followup_id=followup.pk)
    assert first_error(caught) == ("callback", "required", "实名差评必须回访后才能办结（实名差评回访率100%）")
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_VERIFIED


def test_anonymous_bad_rating_may_close_without_call_back(make_ticket, centre_admin):
    followup = bad_rating(make_ticket, data=ANONYMOUS_BAD)
    with on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="已提醒窗口人员注意服务用语", warranted=False)
        followup = followup_close(actor=centre_admin, followup_id=followup.pk, note="匿名评价，无法回访")
    assert followup.status == FollowUp.STATUS_CLOSED


def test_steps_need_their_text(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)
    with pytest.raises(ValidationError) as caught, on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding=" ", warranted=None)
    assert [e.field for e in caught.value.errors] == ["finding", "warranted"]


def test_second_verification_is_a_conflict(make_ticket, centre_admin):
    followup = bad_rating(make_ticket)
    with on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="属实", warranted=True)
        with pytest.raises(Conflict):
            followup_verify(actor=centre_admin, followup_id=followup.pk, finding="不属实", warranted=False)


def test_department_admin_handles_their_departments_follow_up_only(make_ticket, county, clerk2, dept_admin, other_dept_admin):
    own = bad_rating(make_ticket, window=county.windows["专窗"], served_by=clerk2)
    centre_only = bad_rating(make_ticket)  # A01 has no department: the centre answers for it

    with on(DAY):
        followup_verify(actor=dept_admin, followup_id=own.pk, finding="属实", warranted=True)
        for user, followup in ((dept_admin, centre_only), (other_dept_admin, own)):
            with pytest.raises(Http404):
                followup_verify(actor=user, followup_id=followup.pk, finding="x", warranted=False)
    assert [f.pk for f in followups_for_user(user=dept_admin, status="")] == [own.pk]
    with pytest.raises(Http404):
        get_followup_for_user(user=other_dept_admin, followup_id=own.pk)


def test_another_centres_admin_gets_404(make_ticket, county, centre_admin):
    from govhall.org.models import ServiceCentre

    followup = bad_rating(make_ticket)
    other = ServiceCentre.objects.create(
        name="宝格德乌拉苏木便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=county.centre.division
    )
    centre_admin.staff.centre = other
    centre_admin.staff.save()
    with pytest.raises(Http404), on(DAY):
        followup_verify(actor=centre_admin, followup_id=followup.pk, finding="x", warranted=False)
    assert followups_for_user(user=centre_admin).count() == 0


def test_supervisor_sees_every_follow_up_but_cannot_act(make_ticket, supervisor):
    followup = bad_rating(make_ticket)
    assert get_followup_for_user(user=supervisor, followup_id=followup.pk) == followup
    with pytest.raises(PermissionDenied), on(DAY):
        followup_verify(actor=supervisor, followup_id=followup.pk, finding="x", warranted=False)


def test_clerk_and_applicant_see_no_follow_ups(make_ticket, clerk, applicant):
    followup = bad_rating(make_ticket)
    for user in (clerk, applicant):
        with pytest.raises(Http404):
            get_followup_for_user(user=user, followup_id=followup.pk)
        with pytest.raises(Http404):
            followups_for_user(user=user)


def test_rating_in_a_year_without_calendar_is_kept_with_due_date_pending_then_filled(make_ticket):
    followup = bad_rating(make_ticket, dt.date(2027, 1, 5))
    assert (followup.due_date, followup.due_pending_year) == (None, 2027)
    assert followup_due_sweep() == 0

    CalendarYear.objects.create(year=2027, source="test")
    start = dt.date(2027, 1, 1)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=start + dt.timedelta(days=i), is_workday=(start + dt.timedelta(days=i)).weekday() < 5, kind="workday")
        for i in range(365)
    )
    assert followup_due_sweep() == 1
    followup.refresh_from_db()
    assert (followup.verify_due, followup.due_date, followup.due_pending_year) == (dt.date(2027, 1, 8), dt.date(2027, 1, 26), None)
    assert list(followup.events.order_by("id").values_list("kind", flat=True)) == ["opened", "due_set"]
