"""The hall API: public reads and kiosk writes, the applicant's appointments, the clerk's desk and
the statistics — each with the roles that must not get in, and nothing changed when refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from govhall.hall import services
from govhall.hall.models import Appointment, AppointmentSlot, Ticket
from govhall.hall.tests.conftest import MONDAY, TUESDAY, on

API = "/api/hall"


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def slot(hall):
    return AppointmentSlot.objects.create(business_type=hall.general, day=TUESDAY, start=dt.time(9), end=dt.time(9, 30), capacity=1)


def test_business_types_and_slots_are_public(client, hall, slot):
    with on(MONDAY):
        types = client.get(f"{API}/centres/{hall.centre.pk}/business-types").json()
        slots = client.get(f"{API}/business-types/{hall.general.pk}/slots", {"day": "2026-06-16"}).json()
    assert [t["prefix"] for t in types] == ["A", "B"]
    assert types[0]["windows"] == ["A01"]
    assert slots == [{"id": slot.pk, "day": "2026-06-16", "start": "09:00", "end": "09:30", "capacity": 1, "booked": 0, "available": 1}]


def test_a_kiosk_takes_a_ticket_without_signing_in_and_reads_it_by_token(client, hall):
    with on(MONDAY, 9):
        response = _post(client, f"{API}/tickets", {"business_type": hall.general.pk})
        assert response.status_code == 201
        token = response.json()["token"]
        status = client.get(f"{API}/tickets/{token}").json()
    assert (status["number"], status["status"], status["ahead"]) == ("A001", "waiting", 0)


def test_booking_through_the_api_names_the_full_slot(client, hall, slot, applicant, other_applicant):
    with on(MONDAY):
        client.force_login(applicant)
        first = _post(client, f"{API}/appointments", {"slot": slot.pk, "name": "张三", "phone": "13800001234"})
        client.force_login(other_applicant)
        second = _post(client, f"{API}/appointments", {"slot": slot.pk, "name": "李四", "phone": "13800001235"})
    assert first.status_code == 201 and len(first.json()["code"]) == 6
    assert second.status_code == 400
    assert second.json()["detail"][0]["field"] == "slot"


def test_appointments_need_a_session(client, hall, slot):
    assert client.get(f"{API}/appointments").status_code == 401
    assert _post(client, f"{API}/appointments", {"slot": slot.pk}).status_code == 401
    assert not Appointment.objects.exists()


def test_someone_elses_appointment_cannot_be_cancelled(client, hall, slot, applicant, other_applicant):
    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
        client.force_login(other_applicant)
        assert _post(client, f"{API}/appointments/{mine.pk}/cancel").status_code == 404
        assert client.get(f"{API}/appointments").json() == []
        client.force_login(applicant)
        assert _post(client, f"{API}/appointments/{mine.pk}/cancel").json()["status"] == "cancelled"


def test_the_desk_api_calls_and_finishes(client, hall, clerk):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    client.force_login(clerk)
    with on(MONDAY, 9, 5):
        called = _post(client, f"{API}/desk/call-next")
        assert called.status_code == 200 and called.json()["window"] == "A01"
        assert _post(client, f"{API}/desk/tickets/{ticket.pk}/recall").status_code == 200
        assert _post(client, f"{API}/desk/tickets/{ticket.pk}/start").json()["status"] == "serving"
        assert _post(client, f"{API}/desk/tickets/{ticket.pk}/finish", {"case_number": ""}).json()["status"] == "done"
        assert _post(client, f"{API}/desk/call-next").status_code == 204


@pytest.mark.parametrize("who", ["applicant", "dept_admin", "supervisor", "approver"])
def test_the_desk_api_refuses_who_cannot_call(client, hall, county, who):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    client.force_login(county.users[who])
    with on(MONDAY, 9, 5):
        assert _post(client, f"{API}/desk/call-next").status_code == 403
        for action in ("recall", "skip", "start", "finish", "transfer"):
            assert _post(client, f"{API}/desk/tickets/{ticket.pk}/{action}").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.STATUS_WAITING and ticket.call_count == 0


def test_the_desk_api_needs_a_session(client, hall):
    assert _post(client, f"{API}/desk/call-next").status_code == 401


def test_another_clerks_ticket_is_a_conflict(client, hall, clerk, clerk2):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        client.force_login(clerk2)
        assert _post(client, f"{API}/desk/tickets/{ticket.pk}/skip").status_code == 409
    ticket.refresh_from_db()
    assert ticket.status == Ticket.STATUS_CALLED


def test_transfer_through_the_api(client, hall, clerk):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    client.force_login(clerk)
    with on(MONDAY, 9, 5):
        _post(client, f"{API}/desk/call-next")
        response = _post(client, f"{API}/desk/tickets/{ticket.pk}/transfer", {"business_type": hall.business.pk})
    assert response.status_code == 200 and response.json()["status"] == "waiting"


def test_the_board_feed_has_the_latest_call(client, hall, clerk):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general)
        services.ticket_issue(business_type=hall.business)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        feed = client.get(f"{API}/board/{hall.centre.pk}").json()
    assert feed["calls"][0]["number"] == "A001" and feed["calls"][0]["window"] == "A01"
    assert {w["prefix"]: w["waiting"] for w in feed["waiting"]} == {"A": 0, "B": 1}


def test_statistics_for_the_centre_admin_only(client, hall, centre_admin, clerk, supervisor):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general)
    assert client.get(f"{API}/stats").status_code == 401
    for user in (clerk, supervisor):
        client.force_login(user)
        assert client.get(f"{API}/stats").status_code == 403
    client.force_login(centre_admin)
    with on(MONDAY, 12):
        data = client.get(f"{API}/stats", {"first": "2026-06-15", "last": "2026-06-15"}).json()
    assert data["total"]["tickets"] == 1


def test_check_in_through_the_api(client, hall, slot, applicant):
    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
    with on(TUESDAY, 8, 40):
        response = _post(client, f"{API}/check-in", {"code": mine.code, "centre": hall.centre.pk})
        wrong = _post(client, f"{API}/check-in", {"code": "999999" if mine.code != "999999" else "111111", "centre": hall.centre.pk})
    assert response.status_code == 201 and response.json()["priority"] is True
    assert wrong.status_code == 400


def test_api_check_in_needs_the_centre_and_stops_after_too_many_failures(client, hall, slot, applicant):
    from govhall.hall.limits import FAIL_LIMIT

    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
    wrong = "999999" if mine.code != "999999" else "111111"
    with on(TUESDAY, 8, 40):
        assert _post(client, f"{API}/check-in", {"code": mine.code}).status_code in (400, 422)
        messages = {
            _post(client, f"{API}/check-in", {"code": wrong, "centre": hall.centre.pk}).json()["detail"][0]["message"]
            for _n in range(FAIL_LIMIT)
        }
        blocked = _post(client, f"{API}/check-in", {"code": mine.code, "centre": hall.centre.pk})
    assert len(messages) == 1 and "签到失败" in messages.pop()
    assert blocked.status_code == 429 and "签到失败" in blocked.json()["detail"][0]["message"]
    assert not Ticket.objects.exists()


def test_api_refuses_tickets_beyond_the_per_ip_limit(client, hall):
    from govhall.hall.limits import TICKET_LIMIT

    with on(MONDAY, 9):
        for _n in range(TICKET_LIMIT):
            assert _post(client, f"{API}/tickets", {"business_type": hall.general.pk}).status_code == 201
        refused = _post(client, f"{API}/tickets", {"business_type": hall.general.pk})
    assert refused.status_code == 429
    assert Ticket.objects.count() == TICKET_LIMIT
