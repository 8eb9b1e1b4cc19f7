"""一次一评 and 一事一评: who may rate what, once, with reasons that fit the level."""

from __future__ import annotations

import pytest
from django.http import Http404

from govhall.cases.models import Case
from govhall.cases.tests.case_steps import first_error, on
from govhall.core.errors import ValidationError
from govhall.hall.models import Ticket
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.services import RatingInput, rating_submit_for_case, rating_submit_for_ticket
from govhall.ratings.tests.conftest import DAY

GOOD = RatingInput(level=5, tags=["efficient", "done_once"], comment="一次就办好了")
BAD = RatingInput(level=1, tags=["bad_attitude"], comment="窗口人员不耐烦", rater_name="王五", rater_phone="13900001111")


def rate(ticket: Ticket, data: RatingInput = GOOD, *, actor=None, channel: str = Rating.CHANNEL_QR) -> Rating:
    with on(DAY, 11):
        return rating_submit_for_ticket(actor=actor, token=ticket.token, channel=channel, data=data, device="web:abc")


def test_qr_rating_of_a_finished_ticket_is_tied_to_its_window_staff_and_centre(make_ticket, county, clerk):
    ticket = make_ticket()

    rating = rate(ticket)

    assert (rating.kind, rating.level, rating.channel) == (Rating.KIND_SERVICE, 5, Rating.CHANNEL_QR)
    assert (rating.window, rating.staff, rating.centre) == (county.windows["综合1"], clerk, county.centre)
    assert rating.tag_labels == ["办事效率高", "一次办好"]
    assert rating.real_name is False


def test_a_ticket_can_be_rated_only_once(make_ticket):
    ticket = make_ticket()
    rate(ticket)

    with pytest.raises(ValidationError) as caught:
        rate(ticket, RatingInput(level=1, tags=["long_wait"]))

    assert first_error(caught) == ("ticket", "once", "该次服务已经评价过，每次服务只能评价一次")
    assert Rating.objects.filter(ticket=ticket).count() == 1


def test_a_ticket_still_being_served_cannot_be_rated(make_ticket):
    ticket = make_ticket(status=Ticket.STATUS_SERVING)

    with pytest.raises(ValidationError) as caught:
        rate(ticket)

    assert first_error(caught)[1] == "not_finished"
    assert not Rating.objects.exists()


def test_an_unknown_token_is_not_found(make_ticket):
    make_ticket()
    with pytest.raises(Http404), on(DAY):
        rating_submit_for_ticket(actor=None, token="no-such-token", channel=Rating.CHANNEL_QR, data=GOOD)


def test_bad_rating_requires_a_bad_reason(make_ticket):
    ticket = make_ticket()

    with pytest.raises(ValidationError) as caught:
        rate(ticket, RatingInput(level=2, tags=["efficient"]))
    assert first_error(caught) == ("tags", "bad_tag_required", "差评请至少选择一项不满意的原因")

    with pytest.raises(ValidationError):
        rate(ticket, RatingInput(level=1, tags=[]))
    assert not Rating.objects.exists()


def test_a_good_rating_cannot_carry_a_bad_reason_and_level_must_be_one_of_five(make_ticket):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as caught:
        rate(ticket, RatingInput(level=5, tags=["bad_attitude"]))
    assert first_error(caught)[1] == "mixed"
    with pytest.raises(ValidationError) as caught:
        rate(ticket, RatingInput(level=6, tags=[]))
    assert first_error(caught)[0] == "level"


def test_bad_rating_with_name_and_phone_is_real_name_and_opens_a_follow_up(make_ticket, county):
    ticket = make_ticket()

    rating = rate(ticket, BAD)

    assert rating.real_name is True
    followup = FollowUp.objects.get(rating=rating)
    assert followup.status == FollowUp.STATUS_OPEN
    assert followup.centre == county.centre
    assert list(followup.events.values_list("kind", flat=True)) == ["opened"]


def test_good_rating_opens_nothing(make_ticket):
    rate(make_ticket(), RatingInput(level=3, tags=["short_wait", "long_wait"]))
    rate(make_ticket(), GOOD)
    assert not FollowUp.objects.exists()


def test_a_service_at_a_departments_own_window_is_answerable_to_that_department(make_ticket, county, clerk2):
    rating = rate(make_ticket(window=county.windows["专窗"], served_by=clerk2), BAD)
    assert rating.department == county.departments["市场监管局"]
    assert rating.followup.department == county.departments["市场监管局"]


def test_window_pad_rates_only_a_ticket_of_the_clerks_own_window(make_ticket, county, clerk, clerk2):
    mine = make_ticket()
    theirs = make_ticket(window=county.windows["专窗"], served_by=clerk2)

    with on(DAY, 11):
        rating = rating_submit_for_ticket(actor=clerk, token="", ticket_id=mine.pk, channel=Rating.CHANNEL_WINDOW_DEVICE, data=GOOD)
        with pytest.raises(Http404):
            rating_submit_for_ticket(actor=clerk, token="", ticket_id=theirs.pk, channel=Rating.CHANNEL_WINDOW_DEVICE, data=GOOD)

    assert rating.channel == Rating.CHANNEL_WINDOW_DEVICE
    assert rating.device == f"window:{county.windows['综合1'].pk}"
    assert rating.rater is None
    assert not Rating.objects.filter(ticket=theirs).exists()


def test_case_is_rated_once_by_its_applicant_after_it_is_done(done_case, applicant, county):
    with on(DAY):
        rating = rating_submit_for_case(actor=applicant, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)
        with pytest.raises(ValidationError) as caught:
            rating_submit_for_case(actor=applicant, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)

    assert (rating.kind, rating.case, rating.rater, rating.real_name) == (Rating.KIND_CASE, done_case, applicant, True)
    assert rating.department == done_case.department
    assert first_error(caught) == ("case", "once", "该办件已经评价过，每个办件只能评价一次")


def test_case_not_yet_done_cannot_be_rated(done_case, applicant):
    Case.objects.filter(pk=done_case.pk).update(status=Case.STATUS_IN_PROGRESS)
    with pytest.raises(ValidationError) as caught, on(DAY):
        rating_submit_for_case(actor=applicant, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)
    assert first_error(caught)[1] == "not_finished"


def test_applicant_cannot_rate_someone_elses_case(done_case, other_applicant, clerk):
    for actor in (other_applicant, clerk):
        with pytest.raises(Http404), on(DAY):
            rating_submit_for_case(actor=actor, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)
    assert not Rating.objects.exists()


def test_the_case_rating_does_not_stop_its_window_visit_from_being_rated(done_case, applicant, make_ticket):
    ticket = make_ticket(case=done_case)
    with on(DAY):
        rating_submit_for_case(actor=applicant, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)
    rate(ticket, GOOD)
    assert Rating.objects.filter(case=done_case).count() == 2


def test_a_clerk_who_submitted_a_walk_in_case_cannot_give_the_applicants_case_rating(done_case, clerk, applicant):
    Case.objects.filter(pk=done_case.pk).update(submitted_by=clerk)
    with pytest.raises(Http404), on(DAY):
        rating_submit_for_case(actor=clerk, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD)
    assert not Rating.objects.exists()
    with on(DAY):
        assert rating_submit_for_case(actor=applicant, case_id=done_case.pk, channel=Rating.CHANNEL_WEB, data=GOOD).rater == applicant


def test_window_pad_rates_only_the_ticket_it_offers_now_not_an_older_one(make_ticket, clerk):
    older = make_ticket(hour=9)
    latest = make_ticket(hour=10)
    with on(DAY, 11):
        with pytest.raises(Http404):
            rating_submit_for_ticket(actor=clerk, token="", ticket_id=older.pk, channel=Rating.CHANNEL_WINDOW_DEVICE, data=GOOD)
        rating_submit_for_ticket(actor=clerk, token="", ticket_id=latest.pk, channel=Rating.CHANNEL_WINDOW_DEVICE, data=GOOD)
    assert list(Rating.objects.values_list("ticket", flat=True)) == [latest.pk]


def test_window_pad_cannot_rate_a_ticket_finished_on_an_earlier_day(make_ticket, clerk):
    import datetime as dt

    old = make_ticket(day=DAY - dt.timedelta(days=1))
    with pytest.raises(Http404), on(DAY, 11):
        rating_submit_for_ticket(actor=clerk, token="", ticket_id=old.pk, channel=Rating.CHANNEL_WINDOW_DEVICE, data=GOOD)
    assert not Rating.objects.exists()
