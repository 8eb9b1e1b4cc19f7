"""The case API for departments: my tasks by days left, completing steps, special procedures,
extension, termination, 告知承诺 verification, and the process binding of an item — with the
refusals for other departments, applicants and anonymous callers."""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from govhall.cases.models import Case, CaseCommitment, CaseEvent, CaseExtension, CaseTask, ProcessBinding, ProcessDefinition
from govhall.cases.services import case_accept, case_extension_request, case_submit, task_complete
from govhall.cases.workflows import engine


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(response):
    return response.json()["detail"][0]


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _accepted(county, person, food, **changes):
    args = {
        "actor": county.users["applicant"],
        "item": food,
        "applicant_person": person,
        "channel": Case.CHANNEL_ONLINE,
        "answers": ["q1.a", "q2.n"],
        "form": {},
        "idempotency_key": None,
    }
    args.update(changes)
    case = case_submit(**args)
    case_accept(actor=county.users["clerk"], case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def case(county, person, food):
    return _accepted(county, person, food)


@pytest.fixture
def review(case):
    return CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN)


@pytest.fixture
def staff(county):
    """Logged-in clients for the cast, by role name."""
    return {name: _client(user) for name, user in county.users.items()}


def _case_state(case):
    case.refresh_from_db()
    return (
        case.status,
        case.updated_at,
        case.extension_days,
        CaseEvent.objects.filter(case=case).count(),
        list(CaseTask.objects.filter(case=case).values_list("status", flat=True)),
    )


# --- my tasks ------------------------------------------------------------------------------------


def test_my_tasks_are_sorted_by_remaining_working_days(county, person, food, staff):
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 9, 30))):
        later = _accepted(county, person, food)
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 9, 21))):
        sooner = _accepted(county, person, food)
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 10, 9))):
        response = staff["approver"].get("/api/cases/tasks")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [t["case"]["id"] for t in body["items"]] == [sooner.pk, later.pk]
    assert body["items"][0]["case"]["remaining_days"] < 0 and body["items"][0]["case"]["overdue"] is False
    assert body["items"][1]["case"]["remaining_days"] == 3
    assert body["items"][0]["name"] == "审查" and body["items"][0]["role"]["code"] == "approver"
    assert body["items"][0]["case"]["applicant"]["id_number"] == "150727********1232"
    assert "150727200501011232" not in response.content.decode()


@pytest.mark.parametrize("who", ["police_approver", "applicant", "other_applicant"])
def test_tasks_of_another_department_are_not_listed(staff, review, who):
    assert staff[who].get("/api/cases/tasks").json()["count"] == 0


def test_tasks_need_a_login(client, review):
    assert client.get("/api/cases/tasks").status_code == 401
    assert client.get(f"/api/cases/tasks/{review.pk}").status_code == 401


def test_task_detail_shows_the_case_and_whether_i_may_do_it(staff, review, case):
    response = staff["approver"].get(f"/api/cases/tasks/{review.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "审查" and body["can_do"] is True
    assert body["case"]["id"] == case.pk and body["case"]["documents"][0]["kind"]["code"] == "acceptance"
    assert staff["supervisor"].get(f"/api/cases/tasks/{review.pk}").json()["can_do"] is False


@pytest.mark.parametrize("who", ["police_approver", "police_head", "applicant", "other_applicant"])
def test_task_detail_is_404_for_other_departments_and_applicants(staff, review, who):
    response = staff[who].get(f"/api/cases/tasks/{review.pk}")
    assert response.status_code == 404
    assert _detail(response)["rule"] == "not_found"


# --- completing a step ---------------------------------------------------------------------------


def test_approver_completes_the_review_and_the_decision_step_opens(staff, review, case):
    response = staff["approver"].post(
        f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve", "opinion": "材料齐全"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"]["code"] == "done" and body["outcome"]["code"] == "approve" and body["can_do"] is False
    assert CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN).name == "决定"


def test_decision_approves_the_case(staff, review, case):
    staff["approver"].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    decide = CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN)
    response = staff["section_head"].post(f"/api/cases/tasks/{decide.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["case"]["decision"]["code"] == "approved"
    assert "approval" in [d["kind"]["code"] for d in response.json()["case"]["documents"]]


def test_completing_a_step_twice_is_a_conflict(staff, review, case):
    first = staff["approver"].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    before = _case_state(case)
    again = staff["section_head"].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (200, 409)
    assert "已被他人办理" in _detail(again)["message"]
    assert _case_state(case) == before


def test_rejecting_without_an_opinion_names_the_field(staff, review, case):
    before = _case_state(case)
    response = staff["approver"].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "reject"}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response) == {"field": "opinion", "rule": "required", "message": "不同意或退回时须填写意见"}
    english = staff["approver"].post(
        f"/api/cases/tasks/{review.pk}/complete", {"outcome": "reject"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (_detail(english)["field"], _detail(english)["rule"]) == ("opinion", "required")
    assert _case_state(case) == before


def test_unknown_outcome_names_the_field(staff, review):
    response = staff["approver"].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "maybe"}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "outcome" and _detail(response)["rule"] == "choice"


@pytest.mark.parametrize(
    "who, status",
    [("police_approver", 404), ("applicant", 404), ("other_applicant", 404), ("supervisor", 403), ("clerk", 403), ("dept_admin", 403)],
)
def test_only_the_department_does_its_steps(staff, review, case, who, status):
    before = _case_state(case)
    response = staff[who].post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    assert response.status_code == status
    assert _case_state(case) == before


# --- special procedures --------------------------------------------------------------------------


def test_expert_review_pauses_the_clock_and_ending_it_resumes(staff, case):
    started = staff["approver"].post(
        f"/api/cases/{case.pk}/pause/start", {"kind": "expert", "reason": "组织专家评审"}, content_type="application/json"
    )
    assert started.status_code == 200, started.content
    assert started.json()["status"]["code"] == "suspended"
    assert started.json()["pauses"][0]["kind"] == {"code": "expert", "label": "专家评审"}
    ended = staff["approver"].post(f"/api/cases/{case.pk}/pause/end", {"reason": "评审通过"}, content_type="application/json")
    assert ended.status_code == 200
    assert ended.json()["status"]["code"] == "in_progress"
    assert ended.json()["pauses"][0]["ended_on"] is not None


def test_unknown_special_procedure_names_the_field(staff, case):
    before = _case_state(case)
    response = staff["approver"].post(f"/api/cases/{case.pk}/pause/start", {"kind": "nap", "reason": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "kind"
    assert _case_state(case) == before


@pytest.mark.parametrize("who, status", [("police_approver", 404), ("other_applicant", 404), ("applicant", 403), ("clerk", 403)])
def test_only_the_department_pauses_the_clock(staff, case, who, status):
    before = _case_state(case)
    response = staff[who].post(f"/api/cases/{case.pk}/pause/start", {"kind": "expert", "reason": "x"}, content_type="application/json")
    assert response.status_code == status
    assert _case_state(case) == before and not case.pauses.exists()


# --- extension -----------------------------------------------------------------------------------


def test_extension_is_asked_for_and_approved_by_the_section_head(staff, case):
    due_before = case.due_date
    asked = staff["approver"].post(f"/api/cases/{case.pk}/extensions", {"days": 3, "reason": "需现场核查"}, content_type="application/json")
    assert asked.status_code == 201, asked.content
    extension = asked.json()
    assert extension["status"]["code"] == "pending" and extension["days"] == 3
    pending = staff["section_head"].get("/api/cases/extensions").json()
    assert [e["id"] for e in pending["items"]] == [extension["id"]]
    decided = staff["section_head"].post(
        f"/api/cases/extensions/{extension['id']}/decide", {"approve": True, "note": "同意"}, content_type="application/json"
    )
    assert decided.status_code == 200
    assert decided.json()["status"]["code"] == "approved"
    case.refresh_from_db()
    assert case.extension_days == 3 and case.due_date > due_before
    assert case.documents.filter(kind="extension").exists()


def test_more_than_ten_days_of_extension_names_the_field(staff, case):
    response = staff["approver"].post(f"/api/cases/{case.pk}/extensions", {"days": 11, "reason": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "days" and _detail(response)["rule"] == "range"
    assert not CaseExtension.objects.exists()


@pytest.mark.parametrize("who, status", [("police_approver", 404), ("other_applicant", 404), ("applicant", 403)])
def test_only_the_department_asks_for_an_extension(staff, case, who, status):
    response = staff[who].post(f"/api/cases/{case.pk}/extensions", {"days": 3, "reason": "x"}, content_type="application/json")
    assert response.status_code == status
    assert not CaseExtension.objects.exists()


@pytest.mark.parametrize("who, status", [("approver", 403), ("police_head", 404), ("applicant", 403), ("other_applicant", 404)])
def test_only_another_section_head_of_the_department_decides_an_extension(county, staff, case, who, status):
    extension = case_extension_request(actor=county.users["approver"], case=case, days=3, reason="需现场核查")
    before = _case_state(case)
    response = staff[who].post(f"/api/cases/extensions/{extension.pk}/decide", {"approve": True}, content_type="application/json")
    assert response.status_code == status
    extension.refresh_from_db()
    assert extension.status == CaseExtension.STATUS_PENDING and _case_state(case) == before


def test_refusing_an_extension_needs_a_note(county, staff, case):
    extension = case_extension_request(actor=county.users["approver"], case=case, days=3, reason="需现场核查")
    response = staff["section_head"].post(
        f"/api/cases/extensions/{extension.pk}/decide", {"approve": False}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _detail(response)["field"] == "note"


def test_pending_extensions_are_only_listed_for_section_heads_of_the_department(county, staff, case):
    case_extension_request(actor=county.users["approver"], case=case, days=3, reason="需现场核查")
    assert staff["section_head"].get("/api/cases/extensions").json()["count"] == 1
    for who in ("approver", "police_head", "applicant"):
        assert staff[who].get("/api/cases/extensions").json()["count"] == 0, who


# --- termination ---------------------------------------------------------------------------------


def test_section_head_terminates_with_a_reason(staff, case):
    response = staff["section_head"].post(
        f"/api/cases/{case.pk}/terminate", {"reason": "申请人营业执照已注销"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["code"] == "terminated" and body["closed_reason"] == "申请人营业执照已注销"
    assert "termination" in [d["kind"]["code"] for d in body["documents"]]
    assert not CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).exists()


def test_termination_needs_a_reason(staff, case):
    before = _case_state(case)
    response = staff["section_head"].post(f"/api/cases/{case.pk}/terminate", {"reason": " "}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "reason"
    assert _case_state(case) == before


@pytest.mark.parametrize("who, status", [("approver", 403), ("police_head", 404), ("applicant", 403), ("other_applicant", 404)])
def test_only_a_section_head_of_the_department_terminates(staff, case, who, status):
    before = _case_state(case)
    response = staff[who].post(f"/api/cases/{case.pk}/terminate", {"reason": "终止"}, content_type="application/json")
    assert response.status_code == status
    assert _case_state(case) == before


# --- 告知承诺 verification ------------------------------------------------------------------------


@pytest.fixture
def gaozhi_commitment(county, person, food):
    case = _accepted(county, person, food, gaozhi=True)
    for actor in ("approver", "section_head", "approver"):
        task = CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN)
        task_complete(actor=county.users[actor], task=task, outcome="approve")
    return CaseCommitment.objects.get(case=case, kind=CaseCommitment.KIND_GAOZHI)


def test_department_lists_and_verifies_a_true_commitment(staff, gaozhi_commitment):
    listed = staff["approver"].get("/api/cases/verifications").json()
    assert [c["id"] for c in listed["items"]] == [gaozhi_commitment.pk]
    assert listed["items"][0]["case"]["applicant"]["id_number"] == "150727********1232"
    response = staff["approver"].post(
        f"/api/cases/commitments/{gaozhi_commitment.pk}/verify", {"passed": True, "note": "现场核查属实"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "passed" and response.json()["case"]["status"]["code"] == "to_deliver"
    assert staff["approver"].get("/api/cases/verifications").json()["count"] == 0


def test_a_false_commitment_revokes_the_result(staff, gaozhi_commitment):
    response = staff["approver"].post(
        f"/api/cases/commitments/{gaozhi_commitment.pk}/verify",
        {"passed": False, "note": "经营场所不存在"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "failed" and response.json()["case"]["status"]["code"] == "revoked"
    assert gaozhi_commitment.case.documents.filter(kind="revocation").exists()


def test_verification_needs_a_note(staff, gaozhi_commitment):
    response = staff["approver"].post(
        f"/api/cases/commitments/{gaozhi_commitment.pk}/verify", {"passed": True, "note": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _detail(response) == {"field": "note", "rule": "required", "message": "请填写核查情况"}


@pytest.mark.parametrize("who, status", [("police_approver", 404), ("other_applicant", 404), ("applicant", 403), ("clerk", 403)])
def test_only_the_department_verifies(staff, gaozhi_commitment, who, status):
    case = gaozhi_commitment.case
    before = _case_state(case)
    response = staff[who].post(
        f"/api/cases/commitments/{gaozhi_commitment.pk}/verify", {"passed": False, "note": "不实"}, content_type="application/json"
    )
    assert response.status_code == status
    gaozhi_commitment.refresh_from_db()
    assert gaozhi_commitment.status == CaseCommitment.STATUS_OPEN and _case_state(case) == before
    assert staff[who].get("/api/cases/verifications").json()["count"] == 0


# --- process binding -----------------------------------------------------------------------------


def _bpmn(data: bytes, name: str = "流程.bpmn"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_department_admin_uploads_a_bpmn_model_for_an_item(staff, food):
    xml = engine.builtin_xml("promised").encode()
    response = staff["dept_admin"].post("/api/cases/process-bindings", {"item": food.id, "reason": "简化流程", "bpmn": _bpmn(xml)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["item_id"] == food.id and body["from_version"] == 1 and body["reason"] == "简化流程"
    assert body["definition"]["process_id"] == "promised" and body["definition"]["builtin"] == ""
    assert ProcessDefinition.objects.get(pk=body["definition"]["id"]).uploaded_by.username == "dept_admin"


def test_department_admin_binds_a_builtin_joint_review_with_another_department(county, staff, food):
    police = county.departments["公安局"]
    response = staff["dept_admin"].post(
        "/api/cases/process-bindings", {"item": food.id, "reason": "会商联审", "builtin": "joint_review", "co_departments": [police.id]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["definition"]["builtin"] == "joint_review"
    assert response.json()["co_departments"] == [{"id": police.id, "name": "新巴尔虎右旗公安局"}]


def test_a_broken_bpmn_is_refused_with_the_engines_reason(staff, food):
    response = staff["dept_admin"].post(
        "/api/cases/process-bindings", {"item": food.id, "reason": "试试", "bpmn": _bpmn(b"<bpmn:definitions")}
    )
    assert response.status_code == 400
    error = _detail(response)
    assert error["field"] == "bpmn" and error["rule"] == "xml" and error["message"].startswith("不是有效的 XML")
    english = staff["dept_admin"].post(
        "/api/cases/process-bindings", {"item": food.id, "reason": "试试", "bpmn": _bpmn(b"<bpmn:definitions")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (_detail(english)["field"], _detail(english)["rule"]) == ("bpmn", "xml")
    assert not ProcessBinding.objects.exists() and not ProcessDefinition.objects.exists()


def test_a_bpmn_model_without_a_decision_step_is_refused(staff, food):
    xml = engine.builtin_xml("promised").replace("decide", "sign").encode()
    response = staff["dept_admin"].post("/api/cases/process-bindings", {"item": food.id, "reason": "试试", "bpmn": _bpmn(xml)})
    assert response.status_code == 400
    assert _detail(response)["field"] == "bpmn" and "决定环节" in _detail(response)["message"]
    assert not ProcessBinding.objects.exists()


def test_binding_without_a_reason_names_the_field(staff, food):
    response = staff["dept_admin"].post("/api/cases/process-bindings", {"item": food.id, "builtin": "promised"})
    assert response.status_code == 400
    assert _detail(response)["field"] == "reason"
    assert not ProcessBinding.objects.exists()


def test_an_unknown_co_department_names_the_field(staff, food):
    response = staff["dept_admin"].post("/api/cases/process-bindings", {"item": food.id, "reason": "会商", "co_departments": [987654]})
    assert response.status_code == 400
    assert _detail(response)["field"] == "co_departments" and _detail(response)["rule"] == "unknown"
    assert not ProcessBinding.objects.exists()


@pytest.mark.parametrize("who", ["other_dept_admin", "approver", "section_head", "applicant"])
def test_only_the_items_department_admin_binds_its_process(staff, food, who):
    response = staff[who].post("/api/cases/process-bindings", {"item": food.id, "reason": "改流程", "builtin": "promised"})
    assert response.status_code == 403
    assert not ProcessBinding.objects.exists()


def test_binding_needs_a_login(client, food):
    response = client.post("/api/cases/process-bindings", {"item": food.id, "reason": "改流程", "builtin": "promised"})
    assert response.status_code == 401
    assert not ProcessBinding.objects.exists()


def test_completing_a_step_without_the_csrf_token_is_refused(county, review, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.users["approver"])
    before = _case_state(case)
    response = client.post(f"/api/cases/tasks/{review.pk}/complete", {"outcome": "approve"}, content_type="application/json")
    assert response.status_code == 403
    assert _case_state(case) == before


def test_binding_without_the_csrf_token_is_refused(dept_admin, food):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dept_admin)
    response = client.post("/api/cases/process-bindings", {"item": food.id, "reason": "改流程", "builtin": "promised"})
    assert response.status_code == 403
    assert not ProcessBinding.objects.exists()
