"""The website: an applicant files a complaint, follows it and gives their satisfaction."""

import pytest

from govhall.complaints.models import Complaint
from govhall.complaints.services import complaint_dispatch, complaint_file_online, complaint_reply
from govhall.complaints.tests.conftest import at, client_for


@pytest.fixture
def filed(applicant):
    with at(2026, 6, 15):
        return complaint_file_online(
            actor=applicant,
            title="网上办事卡顿",
            content="上传材料时页面一直转圈。",
            complainant_name="张三",
            complainant_phone="13800001234",
        )


def test_an_applicant_files_a_complaint_on_the_website(applicant, county):
    response = client_for(applicant).post(
        "/complaints/new/",
        {
            "kind": "complaint",
            "area": "online",
            "title": "网上办事卡顿",
            "content": "页面一直转圈",
            "complainant_name": "张三",
            "complainant_phone": "13800001234",
        },
    )
    assert response.status_code == 302
    order = Complaint.objects.get()
    assert order.source == Complaint.SOURCE_WEB and order.filed_by == applicant and order.centre == county.centre
    page = client_for(applicant).get("/my/complaints/").content.decode()
    assert order.number in page


def test_anonymous_visitors_are_sent_to_log_in(county):
    from django.test import Client

    assert Client().get("/complaints/new/").status_code == 302


def test_another_applicant_gets_404(filed, other_applicant):
    assert client_for(other_applicant).get(f"/my/complaints/{filed.pk}/").status_code == 404
    assert filed.number not in client_for(other_applicant).get("/my/complaints/").content.decode()


def test_the_applicant_sees_the_reply_and_reopens_it_when_unsatisfied(filed, applicant, desk_clerk, dept_admin, market):
    with at(2026, 6, 15):
        complaint_dispatch(actor=desk_clerk, complaint=filed, department=market)
        complaint_reply(actor=dept_admin, complaint=filed, reply="系统已扩容，请再试。")
    client = client_for(applicant)
    assert "系统已扩容，请再试。" in client.get(f"/my/complaints/{filed.pk}/").content.decode()
    with at(2026, 6, 16):
        response = client.post(f"/my/complaints/{filed.pk}/rate/", {"satisfaction": "unsatisfied", "note": "还是卡"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Complaint.STATUS_DISPATCHED and filed.reopen_count == 1


def test_another_applicant_cannot_rate(filed, other_applicant, desk_clerk, dept_admin, market):
    with at(2026, 6, 15):
        complaint_dispatch(actor=desk_clerk, complaint=filed, department=market)
        complaint_reply(actor=dept_admin, complaint=filed, reply="已处理")
    response = client_for(other_applicant).post(f"/my/complaints/{filed.pk}/rate/", {"satisfaction": "satisfied"})
    assert response.status_code == 404
    filed.refresh_from_db()
    assert filed.status == Complaint.STATUS_REPLIED and filed.satisfaction == ""


def test_the_department_admin_sees_the_order_and_its_reply_form(filed, desk_clerk, dept_admin, market):
    with at(2026, 6, 15):
        complaint_dispatch(actor=desk_clerk, complaint=filed, department=market)
        page = client_for(dept_admin).get(f"/staff/complaints/{filed.pk}/").content.decode()
    assert "答复诉求人" in page and "退回分派人" in page
    assert "138****1234" in page


def test_people_without_a_complaints_role_get_403_on_staff_pages(approver):
    assert client_for(approver).get("/staff/complaints/").status_code == 403
    assert client_for(approver).get("/staff/complaints/cant-do/").status_code == 403


def test_the_desk_clerk_registers_a_12345_order_on_the_page(desk_clerk):
    response = client_for(desk_clerk).post(
        "/staff/complaints/new/",
        {
            "source": "hotline",
            "hotline_number": "HLBE202606150001",
            "kind": "complaint",
            "area": "service",
            "urgency": "normal",
            "title": "大厅办事排队时间太长",
            "content": "等了两个小时",
            "complainant_name": "孙",
            "complainant_phone": "13900001111",
        },
    )
    assert response.status_code == 302
    order = Complaint.objects.get(hotline_number="HLBE202606150001")
    assert order.registered_by == desk_clerk


def test_the_register_page_shows_the_errors_next_to_the_fields(desk_clerk):
    response = client_for(desk_clerk).post(
        "/staff/complaints/new/", {"source": "hotline", "kind": "complaint", "area": "service", "urgency": "normal"}
    )
    page = response.content.decode()
    assert "12345热线工单请填写12345工单号" in page
    assert not Complaint.objects.exists()


def test_the_centre_admin_writes_a_knowledge_entry_on_the_page(centre_admin, county):
    response = client_for(centre_admin).post(
        "/staff/complaints/kb/new/",
        {
            "question": "怎样网上预约？",
            "answer": "登录政务服务网预约。",
            "topic": "大厅服务",
            "keywords": "预约",
            "status": "published",
            "items": [county.items["food"].pk],
        },
    )
    assert response.status_code == 302
    page = client_for(centre_admin).get("/kb/?q=wsyy").content.decode()
    assert "怎样网上预约？" in page


def test_the_knowledge_search_answers_htmx_with_the_results_only(centre_admin):
    from django.test import Client

    from govhall.complaints.services import entry_save

    entry_save(actor=centre_admin, question="怎样取号？", answer="自助机取号。")
    page = Client().get("/kb/?q=quhao", headers={"HX-Request": "true"}).content.decode()
    assert "怎样取号？" in page
    assert "<html" not in page
