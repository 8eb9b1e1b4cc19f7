"""The hall's pages: who gets in (staff pages by permission and centre, applicant pages signed in),
what the board and the ticket page show, the desk's buttons, and the kiosk (取号, 签到, 办件查询, 打印结果
that refuses every mismatch the same way)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from govhall.cases.models import Case
from govhall.cases.services import case_accept
from govhall.cases.tests.case_steps import submit
from govhall.cases.tests.conftest import RIC
from govhall.hall import services
from govhall.hall.limits import FAIL_LIMIT
from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket, TicketCall
from govhall.hall.tests.conftest import MONDAY, TUESDAY, on
from govhall.org.models import ServiceCentre

MISMATCH = "信息不匹配，无法打印"


def _login(client, user):
    client.force_login(user)
    return client


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hall_staff:desk", "hall_staff:types", "hall_staff:type-new", "hall_staff:stats"])
def test_staff_pages_send_anonymous_visitors_to_login(client, hall, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("name", ["hall_staff:types", "hall_staff:type-new", "hall_staff:stats"])
def test_admin_pages_refuse_clerks_applicants_and_department_admins(client, hall, clerk, applicant, dept_admin, name):
    for user in (clerk, applicant, dept_admin):
        assert _login(client, user).get(reverse(name)).status_code == 403


def test_the_desk_refuses_who_cannot_call_tickets(client, hall, applicant, dept_admin, supervisor):
    for user in (applicant, dept_admin, supervisor):
        assert _login(client, user).get(reverse("hall_staff:desk")).status_code == 403


def test_another_centres_business_type_is_not_found(client, hall, centre_admin, county):
    other = ServiceCentre.objects.create(
        name="阿拉坦额莫勒镇便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=county.centre.division
    )
    theirs = BusinessType.objects.create(centre=other, name="综合受理", prefix="A")
    _login(client, centre_admin)
    assert client.get(reverse("hall_staff:type-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("hall_staff:type-edit", args=[theirs.pk]), {"name": "改", "prefix": "Z"}).status_code == 404
    assert client.get(reverse("hall_staff:slots", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "综合受理"


def test_appointments_need_signing_in(client, hall):
    response = client.get(reverse("hall:appointments"))
    assert response.status_code == 302


# --- centre admin ---------------------------------------------------------------------------------------


def test_the_admin_creates_a_business_type_and_sees_errors_by_field(client, hall, centre_admin):
    _login(client, centre_admin)
    response = client.post(
        reverse("hall_staff:type-new"), {"name": "不动产登记", "prefix": "1x", "windows": [hall.a01.pk], "is_active": "1"}
    )
    assert response.status_code == 400
    assert "号码前缀应为一至两个大写英文字母" in response.content.decode()
    response = client.post(
        reverse("hall_staff:type-new"), {"name": "不动产登记", "prefix": "d", "windows": [hall.a01.pk], "is_active": "1"}
    )
    assert response.status_code == 302
    assert BusinessType.objects.get(prefix="D").windows.get() == hall.a01


def test_the_admin_generates_slots_and_lowers_a_capacity_no_further_than_booked(client, hall, centre_admin, applicant):
    _login(client, centre_admin)
    with on(MONDAY):
        response = client.post(
            reverse("hall_staff:slots", args=[hall.general.pk]),
            {
                "first_day": "2026-06-16",
                "last_day": "2026-06-16",
                "am_start": "09:00",
                "am_end": "12:00",
                "pm_start": "",
                "pm_end": "",
                "minutes": "30",
                "capacity": "2",
            },
        )
        assert response.status_code == 302
        slot = AppointmentSlot.objects.filter(day=TUESDAY).order_by("start").first()
        services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
        response = client.post(reverse("hall_staff:slot-capacity", args=[slot.pk]), {"capacity": "0"}, headers={"HX-Request": "true"})
    assert AppointmentSlot.objects.filter(day=TUESDAY).count() == 6
    assert response.status_code == 400 and "可预约人数不能少于1" in response.content.decode()
    slot.refresh_from_db()
    assert slot.capacity == 2


def test_statistics_page_and_excel_exports(client, hall, centre_admin, clerk):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general)
    with on(MONDAY, 9, 10):
        services.ticket_call_next(actor=clerk)
    _login(client, centre_admin)
    with on(MONDAY, 12):
        page = client.get(reverse("hall_staff:stats"), {"first": "2026-06-15", "last": "2026-06-15"})
        assert page.status_code == 200 and "A001" in page.content.decode()
        for kind in ("types", "windows", "tickets"):
            export = client.get(reverse("hall_staff:stats-export", args=[kind]), {"first": "2026-06-15", "last": "2026-06-15"})
            assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


# --- the desk -----------------------------------------------------------------------------------------


def test_the_clerk_calls_starts_and_finishes_at_the_desk(client, hall, clerk):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general)
    _login(client, clerk)
    with on(MONDAY, 9, 5):
        client.post(reverse("hall_staff:desk-call"))
        page = client.get(reverse("hall_staff:desk")).content.decode()
    ticket = Ticket.objects.get()
    assert "A001" in page and "开始办理" in page
    with on(MONDAY, 9, 6):
        client.post(reverse("hall_staff:desk-action", args=[ticket.pk, "start"]))
    with on(MONDAY, 9, 16):
        client.post(reverse("hall_staff:desk-action", args=[ticket.pk, "finish"]), {"case_number": ""})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.STATUS_DONE and ticket.service_seconds == 600


def test_the_desk_transfers_to_another_window(client, hall, clerk):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    _login(client, clerk)
    with on(MONDAY, 9, 5):
        client.post(reverse("hall_staff:desk-call"))
        client.post(reverse("hall_staff:desk-action", args=[ticket.pk, "transfer"]), {"target": f"w-{hall.b01.pk}", "note": "企业事项"})
    ticket.refresh_from_db()
    assert ticket.target_window == hall.b01 and ticket.status == Ticket.STATUS_WAITING


def test_a_clerk_cannot_act_on_another_centres_ticket(client, hall, clerk, county):
    other = ServiceCentre.objects.create(name="呼伦镇便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=county.centre.division)
    theirs = BusinessType.objects.create(centre=other, name="综合受理", prefix="A")
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=theirs)
    _login(client, clerk)
    assert client.post(reverse("hall_staff:desk-action", args=[ticket.pk, "skip"])).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Ticket.STATUS_WAITING


# --- board and ticket page ----------------------------------------------------------------------------


def test_the_board_shows_the_latest_call_and_no_personal_data(client, hall, clerk, applicant):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general, holder=applicant, phone="13800001234")
        services.ticket_issue(business_type=hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        page = client.get(reverse("hall:board", args=[hall.centre.pk]), {"part": "1"}).content.decode()
    text = " ".join(page.split())
    assert "请 <strong>A001</strong> 号到 <strong>A01</strong> 窗口办理" in text
    assert "13800001234" not in page and "张三" not in page
    assert TicketCall.objects.count() == 1


def test_the_board_page_polls_every_three_seconds(client, hall):
    page = client.get(reverse("hall:board", args=[hall.centre.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page


def test_the_ticket_page_shows_how_many_are_ahead(client, hall):
    with on(MONDAY, 9):
        services.ticket_issue(business_type=hall.general)
        mine = services.ticket_issue(business_type=hall.general)
        page = client.get(reverse("hall:ticket", args=[mine.token])).content.decode()
    assert "A002" in page and "综合受理" in page and "<strong>1</strong>" in page


def test_a_served_ticket_links_to_rating_the_service(client, hall, clerk):
    with on(MONDAY, 9):
        ticket = services.ticket_issue(business_type=hall.general)
    with on(MONDAY, 9, 5):
        services.ticket_call_next(actor=clerk)
        services.ticket_finish(actor=clerk, ticket=ticket)
    page = client.get(reverse("hall:ticket", args=[ticket.token])).content.decode()
    assert "已办结" in page
    try:
        rate_url = reverse("ratings:rate-ticket", kwargs={"token": ticket.token})
    except NoReverseMatch:
        return  # the ratings app is not wired here: the page simply has no link
    assert rate_url in page and "评价本次服务" in page


def test_an_unknown_ticket_token_is_not_found(client, hall):
    assert client.get(reverse("hall:ticket", args=["nope"])).status_code == 404


# --- applicant ----------------------------------------------------------------------------------------


def test_the_applicant_books_and_a_full_slot_is_named(client, hall, applicant, other_applicant):
    slot = AppointmentSlot.objects.create(business_type=hall.general, day=TUESDAY, start=dt.time(9), end=dt.time(9, 30), capacity=1)
    params = {
        "centre": hall.centre.pk,
        "type": hall.general.pk,
        "day": "2026-06-16",
        "slot": slot.pk,
        "name": "张三",
        "phone": "13800001234",
    }
    with on(MONDAY):
        picker = _login(client, applicant).get(
            reverse("hall:appointments"),
            {"centre": hall.centre.pk, "type": hall.general.pk, "day": "2026-06-16"},
            headers={"HX-Request": "true"},
        )
        assert "09:00–09:30" in picker.content.decode()
        assert client.post(reverse("hall:appointments"), params).status_code == 302
        response = _login(client, other_applicant).post(reverse("hall:appointments"), {**params, "name": "李四"})
    assert response.status_code == 400
    assert "该时段已约满" in response.content.decode()
    assert Appointment.objects.get().user == applicant


def test_the_applicant_cancels_only_their_own_appointment(client, hall, applicant, other_applicant):
    slot = AppointmentSlot.objects.create(business_type=hall.general, day=TUESDAY, start=dt.time(9), end=dt.time(9, 30), capacity=1)
    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
        assert _login(client, other_applicant).post(reverse("hall:appointment-cancel", args=[mine.pk])).status_code == 404
        mine.refresh_from_db()
        assert mine.status == Appointment.STATUS_BOOKED
        _login(client, applicant).post(reverse("hall:appointment-cancel", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Appointment.STATUS_CANCELLED


# --- kiosk --------------------------------------------------------------------------------------------


def test_the_kiosk_issues_a_ticket_and_shows_it_with_a_qr_code(client, hall):
    with on(MONDAY, 9):
        response = client.post(reverse("hall:kiosk-take", args=[hall.centre.pk]), {"type": hall.general.pk})
        page = client.get(response["Location"]).content.decode()
    assert "A001" in page and "<svg" in page and "返回首页" in page and "打印号票" in page


def test_the_kiosk_checks_in_an_appointment(client, hall, applicant):
    slot = AppointmentSlot.objects.create(business_type=hall.general, day=TUESDAY, start=dt.time(9), end=dt.time(9, 30), capacity=1)
    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
    with on(TUESDAY, 7):
        early = client.post(reverse("hall:kiosk-check-in", args=[hall.centre.pk]), {"code": mine.code})
    assert early.status_code == 400 and "签到失败" in early.content.decode()
    with on(TUESDAY, 8, 45):
        response = client.post(reverse("hall:kiosk-check-in", args=[hall.centre.pk]), {"code": mine.code})
    assert response.status_code == 302
    assert Ticket.objects.get().priority


@pytest.fixture
def decided_case(county, person, applicant, clerk):
    with on(MONDAY, 9):
        case = submit(applicant, county.items["food"], person=person)
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    return case


def _print(client, hall, case: Case, **overrides):
    data = {"number": case.number, "code": case.query_code, "identity": RIC, **overrides}
    return client.post(reverse("hall:kiosk-print", args=[hall.centre.pk]), data)


def test_print_result_lists_the_documents_when_everything_matches(client, hall, decided_case):
    response = _print(client, hall, decided_case)
    page = response.content.decode()
    assert response.status_code == 200 and "受理通知书" in page
    document = decided_case.documents.first()
    pdf = client.get(reverse("hall:kiosk-print-document", args=[hall.centre.pk, document.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("wrong", [{"number": "NO-SUCH"}, {"code": "000000"}, {"identity": "150727200501011240"}, {"identity": ""}])
def test_print_result_refuses_every_mismatch_the_same_way(client, hall, decided_case, wrong):
    response = _print(client, hall, decided_case, **wrong)
    page = response.content.decode()
    assert response.status_code == 400 and MISMATCH in page
    assert "受理通知书" not in page
    document = decided_case.documents.first()
    assert client.get(reverse("hall:kiosk-print-document", args=[hall.centre.pk, document.pk])).status_code == 404


def test_print_result_stops_after_too_many_attempts(client, hall, decided_case):
    for _n in range(FAIL_LIMIT):
        _print(client, hall, decided_case, code="000000")
    response = _print(client, hall, decided_case)
    assert response.status_code == 429 and "受理通知书" not in response.content.decode()


def test_going_home_forgets_the_unlocked_documents(client, hall, decided_case):
    _print(client, hall, decided_case)
    client.get(reverse("hall:kiosk", args=[hall.centre.pk]))
    document = decided_case.documents.first()
    assert client.get(reverse("hall:kiosk-print-document", args=[hall.centre.pk, document.pk])).status_code == 404


def test_kiosk_tracking_shows_status_and_steps(client, hall, decided_case):
    response = client.get(
        reverse("hall:kiosk-track", args=[hall.centre.pk]), {"number": decided_case.number, "code": decided_case.query_code}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "办理中" in page and "张三" not in page
    wrong = client.get(reverse("hall:kiosk-track", args=[hall.centre.pk]), {"number": decided_case.number, "code": "000000"})
    assert wrong.status_code == 404


def test_print_result_limit_holds_across_sessions_of_one_client(hall, decided_case):
    from django.test import Client

    for _n in range(FAIL_LIMIT):
        _print(Client(), hall, decided_case, code="000000")  # a new session (cookie dropped) each time
    response = _print(Client(), hall, decided_case)
    assert response.status_code == 429 and MISMATCH in response.content.decode()
    assert "受理通知书" not in response.content.decode()


def test_print_result_limit_holds_per_case_number_across_client_ips(hall, decided_case):
    from django.test import Client

    for n in range(FAIL_LIMIT):
        _print(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), hall, decided_case, code="000000")
    response = _print(Client(REMOTE_ADDR="10.0.1.1"), hall, decided_case)
    assert response.status_code == 429 and "受理通知书" not in response.content.decode()


def test_kiosk_tracking_stops_after_too_many_failures_even_with_the_right_code(hall, decided_case):
    from django.test import Client

    url = reverse("hall:kiosk-track", args=[hall.centre.pk])
    for _n in range(FAIL_LIMIT):
        assert Client().get(url, {"number": decided_case.number, "code": "000000"}).status_code == 404
    response = Client().get(url, {"number": decided_case.number, "code": decided_case.query_code})
    assert response.status_code == 429 and "办理中" not in response.content.decode()


def test_kiosk_check_in_stops_after_too_many_failures_from_one_client(hall, applicant):
    from django.test import Client

    slot = AppointmentSlot.objects.create(business_type=hall.general, day=TUESDAY, start=dt.time(9), end=dt.time(9, 30), capacity=1)
    with on(MONDAY):
        mine = services.appointment_book(actor=applicant, slot=slot, name="张三", phone="13800001234")
    url = reverse("hall:kiosk-check-in", args=[hall.centre.pk])
    wrong = "000000" if mine.code != "000000" else "111111"
    with on(TUESDAY, 8, 45):
        for _n in range(FAIL_LIMIT):
            assert Client().post(url, {"code": wrong}).status_code == 400
        response = Client().post(url, {"code": mine.code})
    assert response.status_code == 429 and "签到失败" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_kiosk_refuses_tickets_beyond_the_per_ip_limit(client, hall):
    from govhall.hall.limits import TICKET_LIMIT

    url = reverse("hall:kiosk-take", args=[hall.centre.pk])
    with on(MONDAY, 9):
        for _n in range(TICKET_LIMIT):
            assert client.post(url, {"type": hall.general.pk}).status_code == 302
        refused = client.post(url, {"type": hall.general.pk})
    assert refused.status_code == 429 and "取号过于频繁" in refused.content.decode()
    assert Ticket.objects.count() == TICKET_LIMIT
