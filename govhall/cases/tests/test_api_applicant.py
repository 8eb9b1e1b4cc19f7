"""The case API for applicants: drafts, the idempotent submission, materials, my cases, the case
page's data (clock, timeline, documents), supplementing, withdrawal, 容缺 materials — and that
nobody else gets at any of it."""

import datetime as dt
from unittest import mock
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from govhall.cases.models import Case, CaseCommitment, CaseEvent, CaseMaterial
from govhall.cases.services import (
    SupplementPoint,
    case_accept,
    case_accept_rongque,
    case_material_upload,
    case_request_supplement,
    case_submit,
)
from govhall.catalog.models import Material

PDF = b"%PDF-1.4\n% a scanned page\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def api(client, applicant, person):
    client.force_login(applicant)
    return client


@pytest.fixture
def intruder(county):
    """Another applicant, logged in on their own client."""
    other = Client()
    other.force_login(county.users["other_applicant"])
    return other


def _application(food, **changes):
    body = {"item": food.id, "answers": ["q1.a", "q2.n"], "form": {"经营场所": "宝格德乌拉街1号"}}
    body.update(changes)
    return body


def _submitted(applicant, person, food, **changes):
    args = {
        "actor": applicant,
        "item": food,
        "applicant_person": person,
        "channel": Case.CHANNEL_ONLINE,
        "answers": ["q1.a", "q2.y"],
        "form": {},
        "idempotency_key": None,
    }
    args.update(changes)
    return case_submit(**args)


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _snapshot(case):
    case.refresh_from_db()
    return (case.status, case.updated_at, CaseEvent.objects.filter(case=case).count(), CaseMaterial.objects.filter(case=case).count())


def _detail(response):
    return response.json()["detail"][0]


# --- drafts --------------------------------------------------------------------------------------


def test_applicant_saves_a_draft_and_changes_it(api, food):
    created = api.post("/api/cases/drafts", _application(food), content_type="application/json")
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == {"code": "draft", "label": "草稿"}
    assert draft["number"] is None and draft["channel"]["code"] == "online"
    changed = api.put(f"/api/cases/drafts/{draft['id']}", _application(food, answers=["q1.b"]), content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["answers"] == ["q1.b"]
    assert Case.objects.get(pk=draft["id"]).answers == ["q1.b"]


def test_another_applicant_cannot_change_or_delete_a_draft(api, intruder, food):
    draft_id = api.post("/api/cases/drafts", _application(food), content_type="application/json").json()["id"]
    changed = intruder.put(f"/api/cases/drafts/{draft_id}", _application(food, answers=["q1.b"]), content_type="application/json")
    deleted = intruder.delete(f"/api/cases/drafts/{draft_id}")
    assert changed.status_code == deleted.status_code == 404
    assert Case.objects.get(pk=draft_id).answers == ["q1.a", "q2.n"]


def test_applicant_deletes_their_draft(api, food):
    draft_id = api.post("/api/cases/drafts", _application(food), content_type="application/json").json()["id"]
    assert api.delete(f"/api/cases/drafts/{draft_id}").status_code == 204
    assert not Case.objects.filter(pk=draft_id).exists()


# --- submission ----------------------------------------------------------------------------------


def test_submission_creates_a_numbered_case(api, food):
    response = api.post("/api/cases/submit", _application(food), content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == {"code": "submitted", "label": "待预审"}
    assert body["number"].startswith(food.implementation_code)
    assert len(body["query_code"]) == 6
    assert [step["kind"] for step in body["timeline"]] == ["submitted"]


def test_a_retried_submission_returns_the_same_case(api, food):
    first = api.post("/api/cases/submit", _application(food), content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post("/api/cases/submit", _application(food), content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_the_idempotency_key_may_come_in_the_body(api, food):
    body = _application(food, idempotency_key="body-key")
    first = api.post("/api/cases/submit", body, content_type="application/json")
    again = api.post("/api/cases/submit", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Case.objects.count() == 1


def test_different_keys_in_header_and_body_are_refused(api, food):
    response = api.post(
        "/api/cases/submit", _application(food, idempotency_key="b"), content_type="application/json", HTTP_IDEMPOTENCY_KEY="a"
    )
    assert response.status_code == 400
    assert _detail(response)["field"] == "idempotency_key"
    assert not Case.objects.exists()


def test_submitting_a_draft_keeps_its_answers(api, food):
    draft_id = api.post("/api/cases/drafts", _application(food, answers=["q1.b"]), content_type="application/json").json()["id"]
    response = api.post("/api/cases/submit", {"draft": draft_id}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["id"] == draft_id
    case = Case.objects.get(pk=draft_id)
    assert case.status == Case.STATUS_SUBMITTED and case.answers == ["q1.b"] and case.number


def test_another_applicant_cannot_submit_someone_elses_draft(api, intruder, county, food):
    from govhall.applicants.services import person_register

    person_register(actor=None, name="李四", id_number="150727200603150022", user=county.users["other_applicant"])
    draft_id = api.post("/api/cases/drafts", _application(food), content_type="application/json").json()["id"]
    response = intruder.post("/api/cases/submit", {"draft": draft_id}, content_type="application/json")
    assert response.status_code == 404
    assert Case.objects.get(pk=draft_id).status == Case.STATUS_DRAFT


def test_unknown_situation_option_is_a_400_naming_the_field(api, food):
    response = api.post("/api/cases/submit", _application(food, answers=["q9.z"]), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response) == {"field": "answers", "rule": "unknown_option", "message": "情形选项“q9.z”不属于该事项"}
    assert not Case.objects.exists()


def test_unknown_situation_option_in_english_names_field_and_rule(api, food):
    response = api.post(
        "/api/cases/submit", _application(food, answers=["q9.z"]), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert (_detail(response)["field"], _detail(response)["rule"]) == ("answers", "unknown_option")


def test_missing_item_is_a_400_naming_the_field(api):
    response = api.post("/api/cases/submit", {"answers": []}, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "item" and _detail(response)["rule"] == "unknown"


def test_wrong_type_is_a_400_naming_the_field(api, food):
    response = api.post("/api/cases/drafts", _application(food, answers="q1.a"), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "answers"


def test_applicant_cannot_claim_the_window_channel(api, food):
    response = api.post("/api/cases/submit", _application(food, channel="window"), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "channel"
    assert not Case.objects.exists()


def test_applicant_without_registration_is_told_to_register(intruder, food):
    response = intruder.post("/api/cases/submit", _application(food), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "applicant" and "实名登记" in _detail(response)["message"]


def test_applicant_applies_for_the_enterprise_they_represent(api, food, enterprise):
    response = api.post("/api/cases/submit", _application(food, enterprise=enterprise.id), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["applicant"] == {
        "kind": "enterprise",
        "name": "呼伦贝尔草原餐饮有限公司",
        "id_number": "91150727MA0N12345X",
        "phone": "",
    }


def test_applicant_cannot_apply_for_an_enterprise_they_do_not_represent(intruder, county, food, enterprise):
    from govhall.applicants.services import person_register

    person_register(actor=None, name="李四", id_number="150727200603150022", user=county.users["other_applicant"])
    response = intruder.post("/api/cases/submit", _application(food, enterprise=enterprise.id), content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)["field"] == "enterprise"
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/cases/drafts"),
        ("post", "/api/cases/submit"),
        ("get", "/api/cases/mine"),
        ("get", "/api/cases/{id}"),
        ("get", "/api/cases/{id}/materials"),
        ("post", "/api/cases/{id}/withdraw"),
        ("post", "/api/cases/{id}/supplement"),
    ],
)
def test_anonymous_is_asked_to_log_in(client, applicant, person, food, method, path):
    case = _submitted(applicant, person, food)
    before = _snapshot(case)
    response = getattr(client, method)(path.format(id=case.pk), _application(food, reason="x"), content_type="application/json")
    assert response.status_code == 401
    assert _detail(response)["rule"] == "authentication"
    assert _snapshot(case) == before and Case.objects.count() == 1


def test_submission_without_the_csrf_token_is_refused(applicant, person, food):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post("/api/cases/submit", _application(food), content_type="application/json")
    assert response.status_code == 403
    assert not Case.objects.exists()


# --- my cases ------------------------------------------------------------------------------------


def test_my_cases_are_paginated_newest_first_with_masked_numbers(api, applicant, person, food):
    cases = [_submitted(applicant, person, food) for _ in range(21)]
    page1 = api.get("/api/cases/mine").json()
    page2 = api.get("/api/cases/mine", {"page": 2}).json()
    assert page1["count"] == 21 and len(page1["items"]) == 20 and len(page2["items"]) == 1
    assert page1["items"][0]["id"] == cases[-1].pk and page2["items"][0]["id"] == cases[0].pk
    assert page1["items"][0]["applicant"] == {"kind": "person", "name": "张三", "id_number": "150727********1232", "phone": "138****1234"}
    body = api.get("/api/cases/mine").content.decode()
    assert "150727200501011232" not in body and "13800001234" not in body


def test_my_cases_filter_by_status(api, applicant, person, food, clerk):
    waiting = _submitted(applicant, person, food)
    accepted = _submitted(applicant, person, food)
    case_accept(actor=clerk, case=accepted)
    body = api.get("/api/cases/mine", {"status": "in_progress"}).json()
    assert [c["id"] for c in body["items"]] == [accepted.pk]
    assert body["items"][0]["status"] == {"code": "in_progress", "label": "办理中"}
    assert [c["id"] for c in api.get("/api/cases/mine", {"status": "submitted"}).json()["items"]] == [waiting.pk]


def test_unknown_status_filter_is_a_400_naming_the_field(api):
    response = api.get("/api/cases/mine", {"status": "lost"})
    assert response.status_code == 400
    assert _detail(response)["field"] == "status" and _detail(response)["rule"] == "choice"
    english = api.get("/api/cases/mine", {"status": "lost"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (_detail(english)["field"], _detail(english)["rule"]) == ("status", "choice")


def test_others_do_not_see_my_cases(intruder, applicant, person, food):
    _submitted(applicant, person, food)
    assert intruder.get("/api/cases/mine").json() == {"count": 0, "page": 1, "items": []}


# --- the case page's data ------------------------------------------------------------------------


def test_case_detail_shows_clock_timeline_documents_and_the_open_commitment(api, applicant, person, food, clerk):
    # Accepted on Wednesday 2026-09-30 with a 5 working-day limit: 国庆 is skipped and Saturday
    # 10-10 is a make-up workday, so it is due on 10-13; on Friday 10-09 three working days remain.
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 9, 30))):
        case = _submitted(applicant, person, food)
        missing = Material.objects.get(version=case.item_version, name="冷藏冷冻设施清单")
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[missing.pk], commitment_text="本人承诺10个工作日内补齐")
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 10, 9))):
        response = api.get(f"/api/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["code"] == "in_progress"
    assert body["accepted_on"] == "2026-09-30" and body["due_date"] == "2026-10-13"
    assert body["remaining_days"] == 3 and body["overdue"] is False
    kinds = [step["kind"] for step in body["timeline"]]
    assert kinds[:2] == ["submitted", "rongque_accepted"] and "document_issued" in kinds
    assert body["timeline"][1]["label"] == "容缺受理"
    [document] = body["documents"]
    assert document["kind"] == {"code": "rongque", "label": "容缺受理通知书"}
    assert document["number"].startswith("容字〔2026〕")
    assert document["url"] == f"/api/cases/{case.pk}/documents/{document['id']}/pdf"
    assert body["open_commitment"]["kind"]["code"] == "rongque"
    assert body["open_commitment"]["materials"] == ["冷藏冷冻设施清单"]


def test_case_detail_of_someone_elses_case_is_404(intruder, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = intruder.get(f"/api/cases/{case.pk}")
    assert response.status_code == 404
    assert _detail(response)["rule"] == "not_found"
    assert intruder.get("/api/cases/999999").json() == response.json()


def test_staff_of_another_department_do_not_see_the_case(county, applicant, person, food):
    case = _submitted(applicant, person, food)
    police = Client()
    police.force_login(county.users["police_approver"])
    assert police.get(f"/api/cases/{case.pk}").status_code == 404


# --- materials -----------------------------------------------------------------------------------


def test_applicant_uploads_a_material_and_downloads_it(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    material = Material.objects.get(version=case.item_version, name="食品经营许可申请书")
    response = api.post(f"/api/cases/{case.pk}/materials", {"material": material.pk, "file": _file("申请书.pdf", PDF)})
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["name"] == "食品经营许可申请书" and row["content_type"] == "application/pdf" and row["size"] == len(PDF)
    listed = api.get(f"/api/cases/{case.pk}/materials").json()
    assert [m["id"] for m in listed] == [row["id"]]
    download = api.get(row["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_material_may_be_named_instead_of_chosen_from_the_list(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = api.post(f"/api/cases/{case.pk}/materials", {"name": "店面照片", "file": _file("shop.png", PNG)})
    assert response.status_code == 201
    assert response.json()["name"] == "店面照片" and response.json()["content_type"] == "image/png"


def test_a_file_that_is_not_pdf_or_image_is_refused_by_its_content(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = api.post(f"/api/cases/{case.pk}/materials", {"name": "申请书", "file": _file("申请书.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert _detail(response)["field"] == "file" and _detail(response)["rule"] == "content_type"
    assert not CaseMaterial.objects.exists()


def test_upload_without_a_file_names_the_file_field(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = api.post(f"/api/cases/{case.pk}/materials", {"name": "申请书"})
    assert response.status_code == 400
    assert _detail(response)["field"] == "file"


def test_upload_of_a_material_of_another_item_is_refused(api, applicant, person, food, county):
    case = _submitted(applicant, person, food)
    other = Material.objects.filter(version=county.items["id_card"].current).first()
    response = api.post(f"/api/cases/{case.pk}/materials", {"material": other.pk, "file": _file("a.pdf", PDF)})
    assert response.status_code == 400
    assert _detail(response)["field"] == "material"


def test_another_applicant_cannot_upload_list_or_download_materials(api, intruder, applicant, person, food, media_root):
    case = _submitted(applicant, person, food)
    row = case_material_upload(actor=applicant, case=case, material=None, data=PDF, filename="a.pdf", name="申请书")
    files_before = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    before = _snapshot(case)
    upload = intruder.post(f"/api/cases/{case.pk}/materials", {"name": "伪造", "file": _file("x.pdf", PDF)})
    listing = intruder.get(f"/api/cases/{case.pk}/materials")
    download = intruder.get(f"/api/cases/{case.pk}/materials/{row.pk}/file")
    assert upload.status_code == listing.status_code == download.status_code == 404
    assert _snapshot(case) == before
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == files_before


def test_a_material_is_only_downloaded_through_its_own_case(api, applicant, person, food):
    first = _submitted(applicant, person, food)
    second = _submitted(applicant, person, food)
    row = case_material_upload(actor=applicant, case=first, material=None, data=PDF, filename="a.pdf", name="申请书")
    assert api.get(f"/api/cases/{second.pk}/materials/{row.pk}/file").status_code == 404


# --- supplementing, withdrawing, 容缺 -------------------------------------------------------------


def test_applicant_supplements_after_the_notice(api, applicant, person, food, clerk):
    case = _submitted(applicant, person, food)
    case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", name="申请书")])
    refused = api.post(f"/api/cases/{case.pk}/supplement")
    assert refused.status_code == 400
    assert _detail(refused)["field"] == "points.0"
    api.post(f"/api/cases/{case.pk}/materials", {"name": "申请书", "file": _file("a.pdf", PDF)})
    response = api.post(f"/api/cases/{case.pk}/supplement")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "submitted"
    assert response.json()["timeline"][-1]["kind"] == "supplemented"


def test_supplementing_a_case_that_was_not_sent_back_is_a_conflict(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = api.post(f"/api/cases/{case.pk}/supplement")
    assert response.status_code == 409
    assert _detail(response)["rule"] == "conflict"
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_applicant_withdraws_with_a_reason(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    response = api.post(f"/api/cases/{case.pk}/withdraw", {"reason": "不再经营"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "withdrawn" and response.json()["closed_reason"] == "不再经营"


def test_withdrawal_without_a_reason_names_the_field(api, applicant, person, food):
    case = _submitted(applicant, person, food)
    blank = api.post(f"/api/cases/{case.pk}/withdraw", {"reason": "  "}, content_type="application/json")
    missing = api.post(f"/api/cases/{case.pk}/withdraw", {}, content_type="application/json")
    assert blank.status_code == missing.status_code == 400
    assert _detail(blank) == {"field": "reason", "rule": "required", "message": "请填写撤回理由"}
    assert _detail(missing)["field"] == "reason"
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_applicant_reports_the_rongque_materials_complete(api, applicant, person, food, clerk):
    case = _submitted(applicant, person, food)
    missing = Material.objects.get(version=case.item_version, name="冷藏冷冻设施清单")
    case_accept_rongque(actor=clerk, case=case, missing_material_ids=[missing.pk], commitment_text="本人承诺补齐")
    too_early = api.post(f"/api/cases/{case.pk}/rongque/fulfil")
    assert too_early.status_code == 400
    assert _detail(too_early)["field"] == "materials" and "冷藏冷冻设施清单" in _detail(too_early)["message"]
    api.post(f"/api/cases/{case.pk}/materials", {"material": missing.pk, "file": _file("清单.pdf", PDF)})
    response = api.post(f"/api/cases/{case.pk}/rongque/fulfil")
    assert response.status_code == 200
    assert response.json()["open_commitment"] is None
    assert CaseCommitment.objects.get(case=case).status == CaseCommitment.STATUS_FULFILLED


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/cases/{id}/withdraw", {"reason": "恶意撤回"}),
        ("/api/cases/{id}/supplement", {}),
        ("/api/cases/{id}/rongque/fulfil", {}),
    ],
)
def test_another_applicant_cannot_act_on_the_case(intruder, applicant, person, food, clerk, path, body):
    case = _submitted(applicant, person, food)
    case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", name="申请书")])
    before = _snapshot(case)
    response = intruder.post(path.format(id=case.pk), body, content_type="application/json")
    assert response.status_code == 404
    assert _snapshot(case) == before


# --- documents -----------------------------------------------------------------------------------


def test_applicant_downloads_the_acceptance_notice_as_pdf(api, applicant, person, food, clerk):
    from govhall.core.pdf import pdf_text

    case = _submitted(applicant, person, food)
    document = case_accept(actor=clerk, case=case)
    response = api.get(f"/api/cases/{case.pk}/documents/{document.pk}/pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and data.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    # The Chinese file name travels RFC 5987-encoded: 受理通知书-<办件编号>.pdf
    assert quote(f"受理通知书-{case.number}.pdf") in response["Content-Disposition"]
    text = "\n".join(pdf_text(data))
    assert "受理通知书" in text and document.number in text


def test_another_applicant_cannot_download_the_documents(intruder, applicant, person, food, clerk):
    case = _submitted(applicant, person, food)
    document = case_accept(actor=clerk, case=case)
    assert intruder.get(f"/api/cases/{case.pk}/documents/{document.pk}/pdf").status_code == 404


# --- the schema ----------------------------------------------------------------------------------


def test_openapi_schema_lists_the_case_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        "/api/cases/track": {"get"},
        "/api/cases/drafts": {"post"},
        "/api/cases/drafts/{case_id}": {"put", "delete"},
        "/api/cases/submit": {"post"},
        "/api/cases/mine": {"get"},
        "/api/cases/{case_id}": {"get"},
        "/api/cases/{case_id}/materials": {"get", "post"},
        "/api/cases/{case_id}/materials/{material_id}/file": {"get"},
        "/api/cases/{case_id}/supplement": {"post"},
        "/api/cases/{case_id}/withdraw": {"post"},
        "/api/cases/{case_id}/rongque/fulfil": {"post"},
        "/api/cases/{case_id}/documents/{document_id}/pdf": {"get"},
        "/api/cases/window/submit": {"post"},
        "/api/cases/window/queue": {"get"},
        "/api/cases/window/deliveries": {"get"},
        "/api/cases/window/rongque-overdue": {"get"},
        "/api/cases/{case_id}/accept": {"post"},
        "/api/cases/{case_id}/accept-rongque": {"post"},
        "/api/cases/{case_id}/refuse": {"post"},
        "/api/cases/{case_id}/request-supplement": {"post"},
        "/api/cases/{case_id}/deliver": {"post"},
        "/api/cases/tasks": {"get"},
        "/api/cases/tasks/{task_id}": {"get"},
        "/api/cases/tasks/{task_id}/complete": {"post"},
        "/api/cases/{case_id}/pause/start": {"post"},
        "/api/cases/{case_id}/pause/end": {"post"},
        "/api/cases/{case_id}/extensions": {"post"},
        "/api/cases/extensions": {"get"},
        "/api/cases/extensions/{extension_id}/decide": {"post"},
        "/api/cases/{case_id}/terminate": {"post"},
        "/api/cases/verifications": {"get"},
        "/api/cases/commitments/{commitment_id}/verify": {"post"},
        "/api/cases/process-bindings": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) >= methods, path
    submit = paths["/api/cases/submit"]["post"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= submit["parameters"][0].items()
    assert "multipart/form-data" in paths["/api/cases/process-bindings"]["post"]["requestBody"]["content"]
    assert "security" not in paths["/api/cases/track"]["get"]


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
