"""网上预约 (HALL-1): capacity per slot, cancelling until the slot starts, no-shows counted by the
sweep and the block after too many, the check-in window at the kiosk, and slot generation."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.core.errors import PermissionDenied, ValidationError
from govhall.hall import services
from govhall.hall.models import Appointment, AppointmentSlot, Ticket
from govhall.hall.tests.conftest import MONDAY, TUESDAY, on


def _slot(hall, day=TUESDAY, start=dt.time(9, 0), end=dt.time(9, 30), capacity=1) -> AppointmentSlot:
    return AppointmentSlot.objects.create(business_type=hall.general, day=day, start=start, end=end, capacity=capacity)


def _book(user, slot, name="张三") -> Appointment:
    return services.appointment_book(actor=user, slot=slot, name=name, phone="13800001234")


def test_booking_beyond_capacity_is_refused_naming_the_slot(hall, applicant, other_applicant):
    slot = _slot(hall)
    with on(MONDAY):
        _book(applicant, slot)
        with pytest.raises(ValidationError) as caught:
            _book(other_applicant, slot, name="李四")
    error = caught.value.errors[0]
    assert (error.field, error.rule) == ("slot", "full")
    assert "已约满" in error.message
    slot.refresh_from_db()
    assert slot.booked == 1 and Appointment.objects.count() == 1


def test_cancelling_frees_the_place_for_someone_else(hall, applicant, other_applicant):
    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
        services.appointment_cancel(actor=applicant, appointment=mine)
        _book(other_applicant, slot, name="李四")
    slot.refresh_from_db()
    mine.refresh_from_db()
    assert mine.status == Appointment.STATUS_CANCELLED
    assert slot.booked == 1


def test_an_appointment_cannot_be_cancelled_once_its_slot_started(hall, applicant):
    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
    with on(TUESDAY, 9, 1), pytest.raises(ValidationError, match="已经开始"):
        services.appointment_cancel(actor=applicant, appointment=mine)


def test_only_the_applicant_cancels_their_appointment(hall, applicant, other_applicant):
    slot = _slot(hall, capacity=2)
    with on(MONDAY):
        mine = _book(applicant, slot)
        with pytest.raises(PermissionDenied):
            services.appointment_cancel(actor=other_applicant, appointment=mine)
    mine.refresh_from_db()
    assert mine.status == Appointment.STATUS_BOOKED


def test_booking_checks_name_and_phone(hall, applicant):
    slot = _slot(hall)
    with on(MONDAY), pytest.raises(ValidationError) as caught:
        services.appointment_book(actor=applicant, slot=slot, name="", phone="12")
    assert {e.field for e in caught.value.errors} == {"name", "phone"}


def test_a_slot_that_ended_without_check_in_becomes_a_no_show_once(hall, applicant):
    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
    with on(TUESDAY, 9, 20):
        assert services.hall_sweep().no_shows == 0  # the slot has not ended
    with on(TUESDAY, 9, 31):
        assert services.hall_sweep().no_shows == 1
        assert services.hall_sweep().no_shows == 0
    mine.refresh_from_db()
    assert mine.status == Appointment.STATUS_NO_SHOW


def test_three_no_shows_in_thirty_days_block_booking_for_thirty_days(hall, applicant):
    days = [dt.date(2026, 6, 1), dt.date(2026, 6, 8), dt.date(2026, 6, 15)]
    for day in days:
        slot = _slot(hall, day=day)
        with on(day - dt.timedelta(days=3)):
            _book(applicant, slot)
    with on(dt.date(2026, 6, 15), 12):
        services.hall_sweep()
    later = _slot(hall, day=dt.date(2026, 6, 30))
    with on(dt.date(2026, 6, 16)), pytest.raises(ValidationError) as caught:
        _book(applicant, later)
    error = caught.value.errors[0]
    assert (error.field, error.rule) == ("slot", "noshow_blocked")
    assert "2026-07-15" in error.message
    # The block ends 30 days after the third no-show.
    with on(dt.date(2026, 7, 16)):
        assert services.noshow_blocked_until(user=applicant) is None


def test_the_no_show_limit_is_a_setting(hall, applicant, settings):
    settings.GOVHALL_NOSHOW_LIMIT = 1
    slot = _slot(hall, day=MONDAY)
    with on(MONDAY - dt.timedelta(days=3)):
        _book(applicant, slot)
    with on(MONDAY, 12):
        services.hall_sweep()
        assert services.noshow_blocked_until(user=applicant) == MONDAY + dt.timedelta(days=30)


def test_check_in_opens_thirty_minutes_before_the_slot_and_gives_a_priority_ticket(hall, applicant):
    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
    with on(TUESDAY, 8, 29), pytest.raises(ValidationError) as caught:
        services.appointment_check_in(code=mine.code, centre=hall.centre)
    assert caught.value.errors[0].rule == "invalid"
    with on(TUESDAY, 8, 30):
        ticket = services.appointment_check_in(code=mine.code, centre=hall.centre)
    assert (ticket.number, ticket.priority, ticket.source) == ("A001", True, Ticket.SOURCE_APPOINTMENT)
    mine.refresh_from_db()
    assert mine.status == Appointment.STATUS_CHECKED_IN and ticket.appointment == mine
    with on(TUESDAY, 8, 31), pytest.raises(ValidationError, match="签到失败"):
        services.appointment_check_in(code=mine.code, centre=hall.centre)


def test_check_in_closes_when_the_slot_ends(hall, applicant):
    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
    with on(TUESDAY, 9, 31), pytest.raises(ValidationError) as caught:
        services.appointment_check_in(code=mine.code, centre=hall.centre)
    assert caught.value.errors[0].rule == "invalid"
    assert not Ticket.objects.exists()


def test_slots_are_made_on_working_days_only(hall, centre_admin):
    # 2026-06-19 is 端午节 (a Friday holiday), 06-20/21 a weekend.
    pattern = services.SlotPattern(periods=[(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17))], minutes=30, capacity=4)
    with on(MONDAY):
        made = services.slots_generate(
            actor=centre_admin, business_type=hall.general, first_day=dt.date(2026, 6, 18), last_day=dt.date(2026, 6, 22), pattern=pattern
        )
        again = services.slots_generate(
            actor=centre_admin, business_type=hall.general, first_day=dt.date(2026, 6, 18), last_day=dt.date(2026, 6, 22), pattern=pattern
        )
    days = sorted(set(AppointmentSlot.objects.values_list("day", flat=True)))
    assert days == [dt.date(2026, 6, 18), dt.date(2026, 6, 22)]
    assert made == 2 * 13 and again == 0  # 6 in the morning, 7 in the afternoon


def test_capacity_never_goes_below_what_is_booked(hall, applicant, centre_admin):
    slot = _slot(hall, capacity=3)
    with on(MONDAY):
        _book(applicant, slot)
    with pytest.raises(ValidationError) as caught:
        services.slot_capacity_set(actor=centre_admin, slot=slot, capacity=0)
    assert caught.value.errors[0].field == "capacity"
    assert services.slot_capacity_set(actor=centre_admin, slot=slot, capacity=1).capacity == 1


def test_a_business_type_prefix_is_one_or_two_capital_letters_unique_in_the_centre(hall, centre_admin):
    with pytest.raises(ValidationError) as caught:
        services.business_type_save(actor=centre_admin, centre=hall.centre, data=services.BusinessTypeData(name="不动产", prefix="d1"))
    assert caught.value.errors[0].field == "prefix"
    with pytest.raises(ValidationError, match="已有前缀为 A"):
        services.business_type_save(actor=centre_admin, centre=hall.centre, data=services.BusinessTypeData(name="不动产", prefix="a"))
    saved = services.business_type_save(
        actor=centre_admin, centre=hall.centre, data=services.BusinessTypeData(name="不动产登记", prefix="d", window_ids=[hall.a01.pk])
    )
    assert saved.prefix == "D" and list(saved.windows.all()) == [hall.a01]


def test_only_the_centres_hall_admin_manages_business_types(hall, clerk, dept_admin):
    for user in (clerk, dept_admin):
        with pytest.raises(PermissionDenied):
            services.business_type_save(actor=user, centre=hall.centre, data=services.BusinessTypeData(name="不动产", prefix="D"))


def test_one_account_books_one_slot_per_business_type_and_day(hall, applicant):
    first = _slot(hall, start=dt.time(9, 0), end=dt.time(9, 30), capacity=5)
    second = _slot(hall, start=dt.time(9, 30), end=dt.time(10, 0), capacity=5)
    with on(MONDAY):
        _book(applicant, first)
        with pytest.raises(ValidationError) as caught:
            _book(applicant, second)
    error = caught.value.errors[0]
    assert (error.field, error.rule) == ("slot", "same_day")
    assert "同一业务每天只能预约一个时段" in error.message
    assert Appointment.objects.filter(user=applicant).count() == 1


def test_one_account_holds_at_most_three_booked_appointments(hall, applicant):
    days = [TUESDAY + dt.timedelta(days=n) for n in range(4)]
    slots = [_slot(hall, day=day, capacity=5) for day in days]
    with on(MONDAY):
        for slot in slots[:3]:
            _book(applicant, slot)
        with pytest.raises(ValidationError) as caught:
            _book(applicant, slots[3])
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("slot", "too_many")
    assert Appointment.objects.filter(user=applicant, status=Appointment.STATUS_BOOKED).count() == 3


def test_every_check_in_failure_gives_the_same_message(hall, applicant, county):
    from govhall.org.models import ServiceCentre

    slot = _slot(hall)
    with on(MONDAY):
        mine = _book(applicant, slot)
    elsewhere = ServiceCentre.objects.create(name="陈巴尔虎旗政务服务中心", level=ServiceCentre.LEVEL_COUNTY, division=hall.centre.division)
    messages = set()
    for when, code, centre in (
        ((TUESDAY, 8, 0), mine.code, hall.centre),  # too early
        ((TUESDAY, 10, 0), mine.code, hall.centre),  # too late
        ((TUESDAY, 9, 0), "000000" if mine.code != "000000" else "111111", hall.centre),  # unknown
        ((TUESDAY, 9, 0), mine.code, elsewhere),  # another centre's kiosk
        ((TUESDAY, 9, 0), "abc", hall.centre),  # not a code
    ):
        with on(*when), pytest.raises(ValidationError) as caught:
            services.appointment_check_in(code=code, centre=centre)
        messages.add((caught.value.errors[0].rule, caught.value.errors[0].message))
    assert len(messages) == 1
    assert not Ticket.objects.exists()
