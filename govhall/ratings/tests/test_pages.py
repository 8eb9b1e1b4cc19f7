"""The 好差评 pages: the QR rating page, the window pad, the case rating, the staff lists."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases.tests.case_steps import on
from govhall.core.http import XLSX
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.services import RatingInput, rating_submit_for_ticket
from govhall.ratings.tests.conftest import DAY


def test_qr_page_offers_five_levels_and_both_reason_lists_without_javascript(client, make_ticket):
    ticket = make_ticket()
    html = client.get(f"/rate/t/{ticket.token}/").content.decode()
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "服务态度好", "多次跑动", "材料要求不合理"):
        assert label in html
    assert ticket.number in html


def test_rating_by_qr_thanks_and_then_shows_it_was_rated(client, make_ticket):
    ticket = make_ticket()
    with on(DAY, 11):
        response = client.post(f"/rate/t/{ticket.token}/", {"level": "4", "tags": ["efficient"], "comment": "很快"})
    assert response.status_code == 302 and response["Location"] == f"/rate/t/{ticket.token}/thanks/"
    assert "感谢您的评价" in client.get(response["Location"]).content.decode()
    assert "本次服务已评价" in client.get(f"/rate/t/{ticket.token}/").content.decode()
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.level, rating.channel, rating.comment) == (4, "qr", "很快")
    assert rating.device.startswith("web:")


def test_bad_rating_without_a_reason_shows_the_error_and_keeps_what_was_typed(client, make_ticket):
    ticket = make_ticket()
    response = client.post(f"/rate/t/{ticket.token}/", {"level": "1", "comment": "等了两个小时", "rater_phone": "123"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "差评请至少选择一项不满意的原因" in html and "联系电话应为11位手机号码" in html
    assert "等了两个小时" in html
    assert not Rating.objects.exists()


def test_unknown_ticket_page_is_404(client, db):
    assert client.get("/rate/t/nothing-here/").status_code == 404


def test_ticket_not_finished_shows_it_cannot_be_rated_yet(client, make_ticket):
    ticket = make_ticket(status="serving")
    html = client.get(f"/rate/t/{ticket.token}/").content.decode()
    assert "服务尚未结束" in html and 'name="level"' not in html


def test_window_pad_shows_the_clerks_last_finished_ticket_and_takes_the_rating(client, make_ticket, clerk, county, clerk2):
    make_ticket(day=DAY, hour=9)
    last = make_ticket(day=DAY, hour=11)
    make_ticket(day=DAY, hour=12, window=county.windows["专窗"], served_by=clerk2)
    client.force_login(clerk)
    with on(DAY, 12):
        html = client.get("/staff/ratings/device/").content.decode()
        assert last.number in html
        response = client.post("/staff/ratings/device/", {"ticket": last.pk, "level": "5", "tags": ["good_attitude"]})
    assert response.status_code == 302
    assert Rating.objects.get(ticket=last).channel == Rating.CHANNEL_WINDOW_DEVICE


def test_window_pad_is_not_for_applicants_or_admins(client, applicant, centre_admin, db):
    for user in (applicant, centre_admin):
        client.force_login(user)
        assert client.get("/staff/ratings/device/").status_code == 404


def test_finished_case_page_invites_a_rating_then_shows_it(client, applicant, done_case):
    client.force_login(applicant)
    page = client.get(f"/my/cases/{done_case.pk}/").content.decode()
    assert "评价本办件" in page
    with on(DAY):
        response = client.post(f"/rate/case/{done_case.pk}/", {"level": "5", "tags": ["done_once"]})
    assert response.status_code == 302
    assert "您已于 2026-06-15 评价本办件：非常满意" in client.get(f"/my/cases/{done_case.pk}/").content.decode()


def test_other_applicant_cannot_open_the_case_rating(client, other_applicant, done_case):
    client.force_login(other_applicant)
    assert client.get(f"/rate/case/{done_case.pk}/").status_code == 404
    assert client.post(f"/rate/case/{done_case.pk}/", {"level": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_case_rating_needs_sign_in(client, done_case):
    response = client.get(f"/rate/case/{done_case.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def followup(make_ticket) -> FollowUp:
    ticket = make_ticket()
    with on(DAY, 16):
        rating = rating_submit_for_ticket(
            actor=None,
            token=ticket.token,
            channel=Rating.CHANNEL_QR,
            data=RatingInput(level=1, tags=["bad_attitude"], comment="态度生硬", rater_name="王五", rater_phone="13900001111"),
        )
    return rating.followup


def test_centre_admin_follow_up_list_shows_due_date_remaining_days_and_overdue_in_red(client, centre_admin, followup):
    client.force_login(centre_admin)
    with on(dt.date(2026, 7, 8)):
        html = client.get("/staff/ratings/followups/").content.decode()
    assert "2026-07-07" in html and "超期 1 个工作日" in html
    assert 'class="overdue"' in html and "核实超期" in html
    assert "139****1111" not in html  # no phone on the list at all


def test_follow_up_list_exports_to_excel_with_the_phone_masked(client, centre_admin, followup):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(centre_admin)
    with on(dt.date(2026, 6, 16)):
        response = client.get("/staff/ratings/followups/?status=unfinished&format=xlsx")
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    assert "139****1111" in row and "13900001111" not in row and "待核实" in row


def test_follow_up_steps_through_the_detail_page(client, centre_admin, followup):
    client.force_login(centre_admin)
    url = f"/staff/ratings/followups/{followup.pk}/"
    with on(DAY, 17):
        assert "提交核实结果" in client.get(url).content.decode()
        client.post(url + "verify/", {"finding": "调取录像，属实", "warranted": "yes"})
        client.post(url + "rectify/", {"rectification": "对该窗口人员批评教育并培训"})
        response = client.post(url + "close/", {})
        assert response.status_code == 400
        assert "差评属实" not in response.content.decode()
        assert "实名差评必须回访后才能办结" in response.content.decode()
        client.post(url + "callback/", {"callback_result": "电话告知整改情况", "callback_satisfaction": "satisfied"})
        client.post(url + "close/", {"close_note": "办结"})
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_CLOSED
    assert "差评整改已办结" in client.get(url).content.decode() or "已办结" in client.get(url).content.decode()


def test_other_department_and_clerk_get_404_on_the_follow_up_pages(client, other_dept_admin, clerk, followup):
    for user in (other_dept_admin, clerk):
        client.force_login(user)
        assert client.get(f"/staff/ratings/followups/{followup.pk}/").status_code == 404
        assert client.post(f"/staff/ratings/followups/{followup.pk}/verify/", {"finding": "x", "warranted": "no"}).status_code == 404
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_OPEN
    client.force_login(other_dept_admin)
    assert followup.rating.comment not in client.get("/staff/ratings/followups/").content.decode()


def test_supervisor_reads_the_follow_up_without_step_forms(client, supervisor, followup):
    client.force_login(supervisor)
    html = client.get(f"/staff/ratings/followups/{followup.pk}/").content.decode()
    assert "态度生硬" in html and "提交核实结果" not in html
    assert client.post(f"/staff/ratings/followups/{followup.pk}/verify/", {"finding": "x", "warranted": "no"}).status_code == 403


def test_ratings_list_filters_and_masks_phones(client, centre_admin, followup, make_ticket):
    ticket = make_ticket()
    with on(DAY, 11):
        rating_submit_for_ticket(actor=None, token=ticket.token, channel="qr", data=RatingInput(level=5, tags=[]))
    client.force_login(centre_admin)
    html = client.get("/staff/ratings/?level=bad").content.decode()
    assert "态度生硬" in html and "139****1111" in html and "13900001111" not in html
    assert "共 1 条" in html
    assert "共 2 条" in client.get("/staff/ratings/").content.decode()
    assert "共 0 条" in client.get("/staff/ratings/?from=2026-06-16").content.decode()
    assert client.get("/staff/ratings/?format=xlsx")["Content-Type"] == XLSX


def test_ratings_list_is_not_for_clerks_or_applicants(client, clerk, applicant, db):
    for user in (clerk, applicant):
        client.force_login(user)
        assert client.get("/staff/ratings/").status_code == 404


def test_qr_page_never_shows_the_clerks_login_name(client, make_ticket, clerk):
    clerk.first_name = clerk.last_name = ""
    clerk.save()
    ticket = make_ticket()
    html = client.get(f"/rate/t/{ticket.token}/").content.decode()
    assert clerk.username not in html
    assert "A01窗口" in html
