"""The case API at the window: submitting for the person at the counter, the pre-review queue, the
acceptance decisions (受理, 容缺受理, 不予受理, 一次性告知补正), delivery and the overdue 容缺
commitments — and the refusals for everyone who is not the clerk."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from govhall.applicants.models import Person
from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseEvent, CaseTask
from govhall.cases.services import case_accept, case_accept_rongque, case_submit, task_complete
from govhall.catalog.models import Material
from govhall.org import roles
from govhall.org.models import StaffProfile

NEW_RIC = "150727201001011230"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def window(clerk):
    return _client(clerk)


@pytest.fixture
def second_clerk(county):
    user = User.objects.create_user(username="clerk2", password="govhall-test-pw", first_name="周窗口")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=county.centre, window=county.windows["综合1"])
    return user


@pytest.fixture
def case(applicant, person, food):
    return case_submit(
        actor=applicant,
        item=food,
        applicant_person=person,
        channel=Case.CHANNEL_ONLINE,
        answers=["q1.a", "q2.y"],
        form={},
        idempotency_key=None,
    )


def _detail(response):
    return response.json()["detail"][0]


def _snapshot(case):
    case.refresh_from_db()
    return (case.status, case.updated_at, CaseEvent.objects.filter(case=case).count(), case.documents.count())


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _material(case, name):
    return Material.objects.get(version=case.item_version, name=name)


def _decided(case, county):
    """Take an accepted 承诺件 with 制证 through review, decision and certification."""
    users = county.users
    case_accept(actor=users["clerk"], case=case)
    for actor in (users["approver"], users["section_head"], users["approver"]):
        task = CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN)
        task_complete(actor=actor, task=task, outcome="approve", opinion="符合条件")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    return case


# --- submitting at the window --------------------------------------------------------------------


def _window_application(food, **changes):
    body = {
        "item": food.id,
        "person": {"id_number": NEW_RIC, "name": "巴特尔", "phone": "13947000001"},
        "answers": ["q1.b", "q2.n"],
        "form": {"经营场所": "呼伦大街8号"},
    }
    body.update(changes)
    return body


def test_clerk_submits_for_a_new_person_who_is_registered_on_the_way(window, food, clerk, county):
    response = window.post("/api/cases/window/submit", _window_application(food), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == {"code": "window", "label": "综合窗口"}
    assert body["on_behalf"] is True and body["visits"] == 1
    assert body["applicant"] == {"kind": "person", "name": "巴特尔", "id_number": "150727********1230", "phone": "139****0001"}
    person = Person.objects.get(id_number=NEW_RIC)
    case = Case.objects.get(pk=body["id"])
    assert case.applicant_person == person and case.submitted_by == clerk and case.window == county.windows["综合1"]


def test_clerk_submits_for_a_registered_person_found_by_id_number(window, food, person):
    body = _window_application(food, person={"id_number": person.id_number.lower()})
    response = window.post("/api/cases/window/submit", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).applicant_person == person
    assert Person.objects.count() == 1


def test_a_retried_window_submission_returns_the_same_case(window, food):
    first = window.post("/api/cases/window/submit", _window_application(food), content_type="application/json", HTTP_IDEMPOTENCY_KEY="w-1")
    again = window.post("/api/cases/window/submit", _window_application(food), content_type="application/json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1 and Person.objects.filter(id_number=NEW_RIC).count() == 1


def test_a_wrong_id_number_is_a_400_naming_the_field_and_registers_no_one(window, food):
    body = _window_application(food, person={"id_number": "150727201001011231", "name": "巴特尔"})
    response = window.post("/api/cases/window/submit", body, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response) == {"field": "person.id_number", "rule": "check_digit", "message": "公民身份号码校验位不正确"}
    english = window.post("/api/cases/window/submit", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (_detail(english)["field"], _detail(english)["rule"]) == ("person.id_number", "check_digit")
    assert not Person.objects.exists() and not Case.objects.exists()


def test_a_refused_application_registers_no_one(window, food):
    response = window.post("/api/cases/window/submit", _window_application(food, answers=["q9.z"]), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "answers"
    assert not Person.objects.filter(id_number=NEW_RIC).exists()


def test_a_name_that_does_not_match_the_registered_person_is_refused(window, food, person):
    body = _window_application(food, person={"id_number": person.id_number, "name": "王五"})
    response = window.post("/api/cases/window/submit", body, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "person.name" and _detail(response)["rule"] == "mismatch"
    assert not Case.objects.exists()


def test_clerk_submits_for_a_registered_enterprise(window, food, enterprise):
    body = _window_application(food, person=None, enterprise_uscc=enterprise.uscc)
    response = window.post("/api/cases/window/submit", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["applicant"]["kind"] == "enterprise"


def test_an_unregistered_enterprise_is_a_400_naming_the_field(window, food):
    body = _window_application(food, person=None, enterprise_uscc="91150727MA0N12345X")
    response = window.post("/api/cases/window/submit", body, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "enterprise_uscc"


@pytest.mark.parametrize("who", ["applicant", "approver", "supervisor"])
def test_only_window_staff_submit_for_others(county, food, who):
    response = _client(county.users[who]).post("/api/cases/window/submit", _window_application(food), content_type="application/json")
    assert response.status_code == 403
    assert not Person.objects.exists() and not Case.objects.exists()


def test_anonymous_cannot_submit_at_the_window(client, food):
    response = client.post("/api/cases/window/submit", _window_application(food), content_type="application/json")
    assert response.status_code == 401
    assert not Person.objects.exists() and not Case.objects.exists()


# --- the pre-review queue ------------------------------------------------------------------------


def test_queue_lists_submissions_waiting_for_pre_review_with_masked_numbers(window, case):
    response = window.get("/api/cases/window/queue")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["id"] == case.pk
    assert body["items"][0]["applicant"]["id_number"] == "150727********1232"
    assert body["items"][0]["applicant"]["phone"] == "138****1234"
    assert "150727200501011232" not in response.content.decode() and "13800001234" not in response.content.decode()


@pytest.mark.parametrize("who", ["applicant", "approver", "police_approver"])
def test_queue_is_empty_for_those_who_do_not_accept(county, case, who):
    assert _client(county.users[who]).get("/api/cases/window/queue").json()["count"] == 0


def test_queue_needs_a_login(client, case):
    assert client.get("/api/cases/window/queue").status_code == 401


def test_queue_page_must_be_positive(window):
    response = window.get("/api/cases/window/queue", {"page": 0})
    assert response.status_code == 400
    assert _detail(response)["field"] == "page"


# --- 受理 ----------------------------------------------------------------------------------------


def test_clerk_accepts_with_findings_and_the_clock_starts(window, case):
    findings = [{"material": _material(case, "食品经营许可申请书").pk, "result": "ok", "note": "签字齐全"}]
    response = window.post(f"/api/cases/{case.pk}/accept", {"findings": findings}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"]["code"] == "in_progress"
    assert body["due_date"] is not None and body["limit_days"] == 5
    assert [d["kind"]["code"] for d in body["documents"]] == ["acceptance"]
    assert CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN, name="审查").exists()


def test_second_clerk_accepting_the_same_submission_is_told_it_was_handled(window, second_clerk, case):
    assert window.post(f"/api/cases/{case.pk}/accept", {}, content_type="application/json").status_code == 200
    before = _snapshot(case)
    response = _client(second_clerk).post(f"/api/cases/{case.pk}/accept", {}, content_type="application/json")
    assert response.status_code == 409
    assert "已被他人处理" in _detail(response)["message"]
    assert _snapshot(case) == before
    assert CaseDocument.objects.filter(case=case, kind="acceptance").count() == 1


def test_a_missing_required_material_cannot_be_accepted(window, case):
    findings = [{"material": _material(case, "食品经营许可申请书").pk, "result": "missing"}]
    before = _snapshot(case)
    response = window.post(f"/api/cases/{case.pk}/accept", {"findings": findings}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "findings" and _detail(response)["rule"] == "incomplete"
    assert "食品经营许可申请书" in _detail(response)["message"]
    assert _snapshot(case) == before


def test_a_finding_without_its_material_names_the_field(window, case):
    response = window.post(f"/api/cases/{case.pk}/accept", {"findings": [{"result": "ok"}]}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "findings.0.material"


@pytest.mark.parametrize(
    "who, status",
    [("applicant", 403), ("other_applicant", 404), ("approver", 403), ("police_approver", 404), ("supervisor", 403)],
)
def test_only_a_clerk_accepts(county, case, who, status):
    before = _snapshot(case)
    response = _client(county.users[who]).post(f"/api/cases/{case.pk}/accept", {}, content_type="application/json")
    assert response.status_code == status
    assert _snapshot(case) == before


# --- 容缺受理, 不予受理, 补正 ---------------------------------------------------------------------


def test_clerk_accepts_on_a_rongque_commitment(window, case):
    missing = _material(case, "冷藏冷冻设施清单")
    body = {"missing_materials": [missing.pk], "commitment_text": "本人承诺5个工作日内补齐", "days": 5}
    response = window.post(f"/api/cases/{case.pk}/accept-rongque", body, content_type="application/json")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"]["code"] == "in_progress"
    assert detail["open_commitment"]["kind"]["code"] == "rongque"
    assert detail["open_commitment"]["materials"] == ["冷藏冷冻设施清单"]
    assert [d["kind"]["code"] for d in detail["documents"]] == ["rongque"]


def test_a_material_that_may_not_be_missing_is_refused_for_rongque(window, case):
    body = {"missing_materials": [_material(case, "食品经营许可申请书").pk], "commitment_text": "承诺补齐"}
    before = _snapshot(case)
    response = window.post(f"/api/cases/{case.pk}/accept-rongque", body, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "missing_materials" and _detail(response)["rule"] == "not_rongque"
    assert _snapshot(case) == before and not CaseCommitment.objects.exists()


def test_rongque_by_someone_else_changes_nothing(county, case):
    body = {"missing_materials": [_material(case, "冷藏冷冻设施清单").pk], "commitment_text": "承诺补齐"}
    before = _snapshot(case)
    path = f"/api/cases/{case.pk}/accept-rongque"
    assert _client(county.users["other_applicant"]).post(path, body, content_type="application/json").status_code == 404
    assert _client(county.users["applicant"]).post(path, body, content_type="application/json").status_code == 403
    assert _snapshot(case) == before and not CaseCommitment.objects.exists()


def test_clerk_refuses_with_a_reason(window, case):
    response = window.post(f"/api/cases/{case.pk}/refuse", {"reason": "不属于本机关职权范围"}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["code"] == "not_accepted" and body["closed_reason"] == "不属于本机关职权范围"
    assert [d["kind"]["code"] for d in body["documents"]] == ["not_accepted"]


def test_refusal_needs_a_reason(window, case):
    before = _snapshot(case)
    response = window.post(f"/api/cases/{case.pk}/refuse", {"reason": ""}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response) == {"field": "reason", "rule": "required", "message": "请填写不予受理的理由"}
    english = window.post(f"/api/cases/{case.pk}/refuse", {"reason": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (_detail(english)["field"], _detail(english)["rule"]) == ("reason", "required")
    assert _snapshot(case) == before


@pytest.mark.parametrize("who, status", [("other_applicant", 404), ("applicant", 403), ("police_approver", 404)])
def test_only_a_clerk_refuses(county, case, who, status):
    before = _snapshot(case)
    response = _client(county.users[who]).post(f"/api/cases/{case.pk}/refuse", {"reason": "恶意"}, content_type="application/json")
    assert response.status_code == status
    assert _snapshot(case) == before


def test_clerk_lists_every_point_to_supplement_at_once(window, case):
    points = [
        {"material": _material(case, "食品经营许可申请书").pk, "problem": "未签字"},
        {"name": "租赁合同", "problem": "请提供经营场所租赁合同"},
    ]
    response = window.post(f"/api/cases/{case.pk}/request-supplement", {"points": points}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "supplement"
    document = CaseDocument.objects.get(case=case, kind="supplement")
    assert [p["name"] for p in document.body["points"]] == ["食品经营许可申请书", "租赁合同"]


def test_a_supplement_notice_without_points_names_the_field(window, case):
    before = _snapshot(case)
    response = window.post(f"/api/cases/{case.pk}/request-supplement", {"points": []}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "points"
    assert _snapshot(case) == before


@pytest.mark.parametrize("who, status", [("other_applicant", 404), ("applicant", 403)])
def test_only_a_clerk_asks_for_supplements(county, case, who, status):
    before = _snapshot(case)
    body = {"points": [{"name": "租赁合同", "problem": "缺"}]}
    response = _client(county.users[who]).post(f"/api/cases/{case.pk}/request-supplement", body, content_type="application/json")
    assert response.status_code == status
    assert _snapshot(case) == before


# --- delivery ------------------------------------------------------------------------------------


def test_decided_case_waits_for_delivery_and_is_delivered_by_post(window, case, county):
    _decided(case, county)
    listed = window.get("/api/cases/window/deliveries").json()
    assert [c["id"] for c in listed["items"]] == [case.pk]
    assert listed["items"][0]["applicant"]["id_number"] == "150727********1232"
    body = {"method": "post", "address": "新巴尔虎右旗阿拉坦额莫勒镇呼伦街1号", "note": "EMS 1234567890"}
    response = window.post(f"/api/cases/{case.pk}/deliver", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "done"
    assert response.json()["delivery_method"]["code"] == "post"
    assert window.get("/api/cases/window/deliveries").json()["count"] == 0


def test_delivery_by_post_needs_the_address(window, case, county):
    _decided(case, county)
    before = _snapshot(case)
    response = window.post(f"/api/cases/{case.pk}/deliver", {"method": "post"}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response) == {"field": "address", "rule": "required", "message": "邮寄送达须填写邮寄地址"}
    assert _snapshot(case) == before


@pytest.mark.parametrize("who, status", [("other_applicant", 404), ("applicant", 403), ("police_approver", 404)])
def test_only_the_window_or_the_department_delivers(county, case, who, status):
    _decided(case, county)
    before = _snapshot(case)
    response = _client(county.users[who]).post(f"/api/cases/{case.pk}/deliver", {"method": "electronic"}, content_type="application/json")
    assert response.status_code == status
    assert _snapshot(case) == before


def test_deliveries_of_another_centre_are_not_listed(county, case):
    _decided(case, county)
    assert _client(county.users["applicant"]).get("/api/cases/window/deliveries").json()["count"] == 0


# --- overdue 容缺 commitments --------------------------------------------------------------------


def test_overdue_rongque_commitments_are_listed_for_the_window(window, case, clerk, county):
    missing = _material(case, "冷藏冷冻设施清单")
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 9, 30))):
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[missing.pk], commitment_text="承诺补齐", days=1)
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 10, 8))):
        on_time = window.get("/api/cases/window/rongque-overdue").json()
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 10, 9))):
        late = window.get("/api/cases/window/rongque-overdue").json()
    assert on_time["count"] == 0
    assert late["count"] == 1
    [item] = late["items"]
    assert item["due_date"] == "2026-10-08" and item["materials"] == ["冷藏冷冻设施清单"]
    assert item["case"]["id"] == case.pk and item["case"]["applicant"]["id_number"] == "150727********1232"
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 10, 9))):
        assert _client(county.users["police_approver"]).get("/api/cases/window/rongque-overdue").json()["count"] == 0
        assert _client(county.users["other_applicant"]).get("/api/cases/window/rongque-overdue").json()["count"] == 0


def test_acceptance_without_the_csrf_token_is_refused(clerk, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    before = _snapshot(case)
    response = client.post(f"/api/cases/{case.pk}/accept", {}, content_type="application/json")
    assert response.status_code == 403
    assert _snapshot(case) == before
