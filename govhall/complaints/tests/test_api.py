"""The complaints API: every endpoint lets in only the roles that may use it; the others get
401/403/404 and nothing changes."""

import json

import pytest
from django.test import Client

from govhall.complaints.models import CantDoProblem, Complaint
from govhall.complaints.services import complaint_reply, problem_escalate, problem_log
from govhall.complaints.tests.conftest import at, client_for

ORDER = {
    "hotline_number": "HL2026061500123",
    "kind": "complaint",
    "area": "realestate",
    "title": "不动产证迟迟不发",
    "content": "5月交的材料，一个多月了还没拿到不动产权证书。",
    "caller_name": "刘建国",
    "caller_phone": "13704705678",
}


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _snapshot(complaint):
    complaint.refresh_from_db()
    return (complaint.status, complaint.department_id, complaint.reply, complaint.satisfaction, complaint.due_date)


def test_the_complaint_desk_registers_an_order(desk_clerk):
    response = _post(
        client_for(desk_clerk),
        "/api/complaints/workorders",
        {"title": "窗口态度差", "content": "工作人员不耐烦", "complainant_name": "赵", "complainant_phone": "13900000000"},
    )
    assert response.status_code == 201
    assert response.json()["phone"] == "139****0000"


@pytest.mark.parametrize("who", ["applicant", "clerk", "dept_admin", "supervisor"])
def test_others_cannot_register_an_order(who, county):
    before = Complaint.objects.count()
    response = _post(client_for(county.users[who]), "/api/complaints/workorders", {"title": "t", "content": "c", "anonymous": True})
    assert response.status_code == 403
    assert Complaint.objects.count() == before


def test_anonymous_visitors_get_401(county):
    assert Client().get("/api/complaints/workorders").status_code == 401
    assert _post(Client(), "/api/complaints/workorders/import-12345", ORDER).status_code == 401


def test_the_12345_import_is_idempotent_on_the_work_order_number(desk_clerk):
    client = client_for(desk_clerk)
    first = _post(client, "/api/complaints/workorders/import-12345", ORDER)
    again = _post(client, "/api/complaints/workorders/import-12345", ORDER)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    order = Complaint.objects.get(hotline_number=ORDER["hotline_number"])
    assert order.source == Complaint.SOURCE_HOTLINE and order.complainant_name == "刘建国"


@pytest.mark.parametrize("who", ["applicant", "dept_admin", "clerk"])
def test_the_12345_import_is_staff_desk_only(who, county):
    response = _post(client_for(county.users[who]), "/api/complaints/workorders/import-12345", ORDER)
    assert response.status_code == 403
    assert not Complaint.objects.filter(hotline_number=ORDER["hotline_number"]).exists()


def test_dispatch_by_api_sets_the_due_date(complaint, desk_clerk, market):
    with at(2026, 9, 29):
        response = _post(client_for(desk_clerk), f"/api/complaints/workorders/{complaint.pk}/dispatch", {"department": market.pk})
    assert response.status_code == 200
    assert response.json()["due_date"] == "2026-10-12"


@pytest.mark.parametrize(("who", "code"), [("dept_admin", 404), ("clerk", 404), ("applicant", 404), ("supervisor", 403)])
def test_others_cannot_dispatch(who, code, complaint, county, market):
    before = _snapshot(complaint)
    response = _post(client_for(county.users[who]), f"/api/complaints/workorders/{complaint.pk}/dispatch", {"department": market.pk})
    assert response.status_code == code
    assert _snapshot(complaint) == before


def test_the_dispatched_department_replies_by_api(dispatched, dept_admin):
    response = _post(client_for(dept_admin), f"/api/complaints/workorders/{dispatched.pk}/reply", {"reply": "已处理"})
    assert response.status_code == 200
    assert response.json()["status"] == "replied"


@pytest.mark.parametrize(("who", "code"), [("other_dept_admin", 404), ("approver", 404), ("supervisor", 403), ("centre_admin", 403)])
def test_others_cannot_reply_or_return(who, code, dispatched, county):
    before = _snapshot(dispatched)
    client = client_for(county.users[who])
    assert _post(client, f"/api/complaints/workorders/{dispatched.pk}/reply", {"reply": "x"}).status_code == code
    assert _post(client, f"/api/complaints/workorders/{dispatched.pk}/return", {"reason": "x"}).status_code == code
    assert _snapshot(dispatched) == before


def test_the_department_returns_by_api(dispatched, dept_admin):
    response = _post(client_for(dept_admin), f"/api/complaints/workorders/{dispatched.pk}/return", {"reason": "非本部门职责"})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


@pytest.mark.parametrize(("who", "code"), [("dept_admin", 403), ("applicant", 404), ("other_dept_admin", 404)])
def test_only_the_centre_admin_calls_back_and_closes(who, code, dispatched, dept_admin, county):
    complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
    before = _snapshot(dispatched)
    client = client_for(county.users[who])
    assert _post(client, f"/api/complaints/workorders/{dispatched.pk}/callback", {"satisfaction": "satisfied"}).status_code == code
    assert _post(client, f"/api/complaints/workorders/{dispatched.pk}/close", {}).status_code == code
    assert _snapshot(dispatched) == before


def test_the_centre_admin_calls_back_and_closes(dispatched, dept_admin, centre_admin):
    complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
    client = client_for(centre_admin)
    assert (
        _post(client, f"/api/complaints/workorders/{dispatched.pk}/callback", {"satisfaction": "basically"}).json()["status"]
        == "called_back"
    )
    assert _post(client, f"/api/complaints/workorders/{dispatched.pk}/close", {}).json()["status"] == "closed"


def test_a_department_lists_only_its_own_orders(dispatched, dept_admin, other_dept_admin):
    assert client_for(dept_admin).get("/api/complaints/workorders").json()["count"] == 1
    assert client_for(other_dept_admin).get("/api/complaints/workorders").json()["count"] == 0
    assert client_for(other_dept_admin).get(f"/api/complaints/workorders/{dispatched.pk}").status_code == 404


def test_applicants_cannot_list_work_orders(dispatched, applicant):
    assert client_for(applicant).get("/api/complaints/workorders").status_code == 403


def test_knowledge_search_is_public(county):
    assert Client().get("/api/complaints/knowledge?q=bdc").status_code == 200


@pytest.fixture
def problem(cant_do_clerk):
    return problem_log(actor=cant_do_clerk, reporter_name="甲", wanted="办事", description="办不成")


def test_the_cant_do_desk_logs_and_escalates_by_api(cant_do_clerk, centre_admin):
    client = client_for(cant_do_clerk)
    created = _post(client, "/api/complaints/cant-do", {"reporter_name": "乙", "wanted": "迁户口", "description": "跑了三趟"})
    assert created.status_code == 201
    with at(2026, 6, 15):
        escalated = _post(client, f"/api/complaints/cant-do/{created.json()['id']}/escalate", {"leader": centre_admin.pk})
    assert escalated.json()["status"] == "escalated"
    assert escalated.json()["leader"] == centre_admin.get_full_name()


@pytest.mark.parametrize("who", ["clerk", "applicant", "dept_admin"])
def test_others_cannot_log_a_problem(who, county):
    response = _post(client_for(county.users[who]), "/api/complaints/cant-do", {"reporter_name": "乙", "wanted": "x", "description": "y"})
    assert response.status_code == 403
    assert not CantDoProblem.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "applicant", "other_dept_admin"])
def test_others_cannot_escalate_or_solve(who, problem, cant_do_clerk, dept_admin, county):
    with at(2026, 6, 15):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=dept_admin)
    client = client_for(county.users[who])
    assert _post(client, f"/api/complaints/cant-do/{problem.pk}/escalate", {"leader": county.users["centre_admin"].pk}).status_code == 404
    assert _post(client, f"/api/complaints/cant-do/{problem.pk}/solve", {"solution": "x", "root_causes": ["staff"]}).status_code == 404
    problem.refresh_from_db()
    assert problem.status == CantDoProblem.STATUS_ESCALATED and problem.leader == dept_admin


def test_the_named_leader_solves_by_api(problem, cant_do_clerk, dept_admin):
    with at(2026, 6, 15):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=dept_admin)
    response = _post(
        client_for(dept_admin), f"/api/complaints/cant-do/{problem.pk}/solve", {"solution": "已协调", "root_causes": ["process"]}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "solved"
