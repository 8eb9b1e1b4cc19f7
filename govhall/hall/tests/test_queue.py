"""Tickets and calling (HALL-2): numbers per business type, the queue order, one open ticket per
clerk, recall, skip, transfer, and the waiting and service times the statistics are made of."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.core.errors import Conflict, ValidationError
from govhall.hall import services
from govhall.hall.models import Appointment, AppointmentSlot, Ticket, TicketCall
from govhall.hall.selectors import hall_stats, tickets_ahead
from govhall.hall.tests.conftest import MONDAY, TUESDAY, on


def _issue(business_type, hour=9, minute=0, day=MONDAY) -> Ticket:
    with on(day, hour, minute):
        return services.ticket_issue(business_type=business_type)


def _priority_ticket(hall, applicant, hour=9, minute=30) -> Ticket:
    with on(MONDAY - dt.timedelta(days=3), 10):
        slot = AppointmentSlot.objects.create(
            business_type=hall.general, day=MONDAY, start=dt.time(hour, minute), end=dt.time(hour, minute + 29), capacity=2
        )
        appointment = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
    with on(MONDAY, hour, minute - 10):
        return services.appointment_check_in(code=appointment.code, centre=hall.centre)


def test_numbers_run_per_business_type_and_day_with_the_prefix(hall):
    assert [_issue(hall.general).number for _n in range(3)] == ["A001", "A002", "A003"]
    assert _issue(hall.business).number == "B001"
    assert _issue(hall.general, day=TUESDAY).number == "A001"


def test_the_next_call_takes_appointment_tickets_first_then_by_number(hall, clerk, applicant):
    first, second = _issue(hall.general, 9, 0), _issue(hall.general, 9, 5)
    booked = _priority_ticket(hall, applicant, 9, 30)
    assert booked.priority and booked.number == "A003"
    called = []
    for minute in (30, 40, 50):
        with on(MONDAY, 9, minute):
            ticket = services.ticket_call_next(actor=clerk)
            called.append(ticket.number)
            services.ticket_skip(actor=clerk, ticket=ticket)
    assert called == [booked.number, first.number, second.number]


def test_a_ticket_transferred_to_a_window_is_called_there_before_its_own_queue(hall, clerk, clerk2):
    _issue(hall.business, 9, 0)
    sent = _issue(hall.general, 9, 1)
    with on(MONDAY, 9, 10):
        assert services.ticket_call_next(actor=clerk).pk == sent.pk
        services.ticket_transfer(actor=clerk, ticket=sent, window=hall.b01, note="需企业开办专窗办理")
    sent.refresh_from_db()
    assert (sent.status, sent.target_window, sent.transfers) == (Ticket.STATUS_WAITING, hall.b01, 1)
    assert TicketCall.objects.filter(ticket=sent, kind=TicketCall.KIND_TRANSFER).count() == 1
    # A01 no longer sees it; B01 calls it before its own B001.
    with on(MONDAY, 9, 12):
        assert services.ticket_call_next(actor=clerk) is None
        assert services.ticket_call_next(actor=clerk2).pk == sent.pk


def test_a_ticket_transferred_to_another_business_type_keeps_its_place_by_time_taken(hall, clerk, clerk2):
    moved = _issue(hall.general, 9, 0)
    _issue(hall.business, 9, 5)
    with on(MONDAY, 9, 10):
        services.ticket_call_next(actor=clerk)
        services.ticket_transfer(actor=clerk, ticket=moved, business_type=hall.business)
        assert services.ticket_call_next(actor=clerk2).pk == moved.pk


def test_transfer_needs_exactly_one_target_of_the_same_centre(hall, clerk):
    ticket = _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        with pytest.raises(ValidationError) as caught:
            services.ticket_transfer(actor=clerk, ticket=ticket)
        assert caught.value.errors[0].field == "target"
        with pytest.raises(ValidationError, match="自己的窗口"):
            services.ticket_transfer(actor=clerk, ticket=ticket, window=hall.a01)


def test_a_clerk_has_only_one_open_ticket(hall, clerk):
    _issue(hall.general)
    _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        with pytest.raises(ValidationError, match="请先办结、过号或转出当前的号"):
            services.ticket_call_next(actor=clerk)


def test_call_recall_and_transfer_each_write_a_call_record(hall, clerk):
    ticket = _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        services.ticket_recall(actor=clerk, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.call_count == 2
    assert list(TicketCall.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True)) == ["call", "recall"]


def test_another_clerk_cannot_act_on_my_ticket(hall, clerk, clerk2):
    ticket = _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        with pytest.raises(Conflict):
            services.ticket_skip(actor=clerk2, ticket=ticket)


def test_finishing_links_the_case_served_by_number(hall, clerk):
    ticket = _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        services.ticket_start(actor=clerk, ticket=ticket)
        with pytest.raises(ValidationError) as caught:
            services.ticket_finish(actor=clerk, ticket=ticket, case_number="NO-SUCH-CASE")
    assert caught.value.errors[0].field == "case_number"


def test_how_many_are_ahead_counts_appointments_first(hall, applicant):
    first = _issue(hall.general, 9, 0)
    later = _issue(hall.general, 9, 10)
    _priority_ticket(hall, applicant, 9, 30)
    assert tickets_ahead(first) == 1
    assert tickets_ahead(later) == 2


def test_waiting_and_service_times_per_type_and_window(hall, clerk):
    quick, slow = _issue(hall.general, 9, 0), _issue(hall.general, 9, 0)
    with on(MONDAY, 9, 4):
        services.ticket_call_next(actor=clerk)
    with on(MONDAY, 9, 5):
        services.ticket_start(actor=clerk, ticket=quick)
    with on(MONDAY, 9, 15):
        services.ticket_finish(actor=clerk, ticket=quick)
    with on(MONDAY, 9, 20):
        services.ticket_call_next(actor=clerk)
    with on(MONDAY, 9, 22):
        services.ticket_skip(actor=clerk, ticket=slow)
    with on(MONDAY, 16):
        stats = hall_stats(centre=hall.centre, first=MONDAY, last=MONDAY)
    general = next(f for f in stats["by_type"] if f.label.startswith("A "))
    assert (general.tickets, general.served, general.skipped) == (2, 1, 1)
    assert general.wait_avg == 12.0  # (4 + 20) / 2
    assert general.wait_p90 == 20.0
    assert general.service_avg == 10.0
    window = stats["by_window"][0]
    assert window.label.startswith("A01") and window.served == 1


def test_the_sweep_closes_tickets_left_open_on_earlier_days(hall):
    ticket = _issue(hall.general)
    with on(TUESDAY, 8):
        report = services.hall_sweep()
        again = services.hall_sweep()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.STATUS_CANCELLED
    assert (report.tickets_closed, again.tickets_closed) == (1, 0)
    assert Appointment.objects.count() == 0


def test_calling_next_first_locks_the_clerks_own_profile_row(hall, clerk):
    from unittest import mock

    from django.db.models.query import QuerySet

    _issue(hall.general)
    locked: list[str] = []
    real = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model.__name__)
        return real(self, *args, **kwargs)

    with on(MONDAY, 9, 5), mock.patch.object(QuerySet, "select_for_update", spy):
        services.ticket_call_next(actor=clerk)
    assert locked and locked[0] == "StaffProfile"


def test_finishing_cannot_link_a_case_of_another_centre(hall, clerk, applicant, person, food):
    from govhall.cases.models import Case
    from govhall.cases.tests.case_steps import submit
    from govhall.org.models import ServiceCentre

    case = submit(applicant, food, person=person)
    elsewhere = ServiceCentre.objects.create(name="陈巴尔虎旗政务服务中心", level=ServiceCentre.LEVEL_COUNTY, division=hall.centre.division)
    Case.objects.filter(pk=case.pk).update(centre=elsewhere, number="TEST-ELSEWHERE-1")
    ticket = _issue(hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        with pytest.raises(ValidationError) as caught:
            services.ticket_finish(actor=clerk, ticket=ticket, case_number="TEST-ELSEWHERE-1")
    assert caught.value.errors[0].field == "case_number"
    ticket.refresh_from_db()
    assert ticket.case_id is None and ticket.status == Ticket.STATUS_CALLED
