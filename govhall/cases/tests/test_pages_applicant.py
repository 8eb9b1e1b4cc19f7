"""The applicant's pages: sign-up, apply and submit, 我的办件, one case and its actions, tracking."""

from __future__ import annotations

import io
import re
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import person_register
from govhall.cases import views_applicant
from govhall.cases.models import Case, CaseCommitment, CaseEvent, CaseMaterial
from govhall.cases.services import (
    SupplementPoint,
    case_accept_rongque,
    case_material_upload,
    case_request_supplement,
    case_submit,
)
from govhall.catalog.models import Material

PDF = b"%PDF-1.4\n% a scanned form\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
OTHER_RIC = "15072720060101123X"
PASSWORD = "Caoyuan-2026-ok"


@pytest.fixture
def other_person(county, clerk):
    return person_register(actor=clerk, name="李四", id_number=OTHER_RIC, phone="13900005678", user=county.users["other_applicant"])


def _material(item, name: str) -> Material:
    return Material.objects.get(version=item.current, name=name)


def _submitted(user, item, person, key: str | None = None) -> Case:
    return case_submit(
        actor=user,
        item=item,
        applicant_person=person,
        channel=Case.CHANNEL_ONLINE,
        answers=["q1.a", "q2.n"],
        form={"联系电话": "13800001234", "申请事项说明": "新开一家面馆"},
        idempotency_key=key,
    )


def _application(key: str, **overrides) -> dict:
    data = {
        "idempotency_key": key,
        "applicant": "person",
        "s.q1": "b",
        "s.q2": "n",
        "contact_name": "张三",
        "contact_phone": "13800001234",
        "address": "新巴尔虎右旗阿拉坦额莫勒镇宝格德乌拉街1号",
        "description": "在阿拉坦额莫勒镇开办小型餐馆，经营热食类食品。",
        "action": "submit",
    }
    data.update(overrides)
    return data


def _key_from(response) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', response.content.decode())
    assert match, "the apply form carries an idempotency key"
    return match.group(1)


# --- sign-up ----------------------------------------------------------------------------------------


def test_signup_with_a_bad_id_number_names_the_field_and_creates_nothing(client, db):
    response = client.post(
        "/account/signup/",
        {
            "kind": "person",
            "name": "王五",
            "id_number": "150727200501011231",
            "phone": "13800001111",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "公民身份号码校验位不正确" in response.content.decode()
    assert not User.objects.filter(first_name="王五").exists()
    assert not Person.objects.exists()


def test_signup_reports_every_field_at_once(client, db):
    response = client.post(
        "/account/signup/", {"kind": "person", "name": "", "id_number": "", "phone": "138", "password": "x", "password2": "y"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("请填写姓名", "请填写公民身份号码", "手机号码应为11位数字", "两次输入的密码不一致"):
        assert message in page


def test_person_signs_up_is_signed_in_and_lands_on_my_cases(client, db):
    response = client.post(
        "/account/signup/",
        {
            "kind": "person",
            "name": "王五",
            "id_number": OTHER_RIC.lower(),
            "phone": "13800001111",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/my/cases/"
    person = Person.objects.get(id_number=OTHER_RIC)
    assert person.user.username == OTHER_RIC and person.user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == person.user_id


def test_enterprise_sign_up_with_a_bad_uscc_names_the_field_and_writes_nothing(client, db):
    response = client.post(
        "/account/signup/",
        {
            "kind": "enterprise",
            "enterprise_name": "呼伦贝尔草原餐饮有限公司",
            "uscc": "91150727MA0N12345Y",
            "name": "王五",
            "id_number": OTHER_RIC,
            "phone": "13800001111",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Person.objects.exists() and not Enterprise.objects.exists() and not User.objects.filter(username=OTHER_RIC).exists()


def test_enterprise_sign_up_registers_the_legal_representative_and_the_enterprise(client, db):
    response = client.post(
        "/account/signup/",
        {
            "kind": "enterprise",
            "enterprise_name": "呼伦贝尔草原餐饮有限公司",
            "uscc": "91150727MA0N12345X",
            "name": "王五",
            "id_number": OTHER_RIC,
            "phone": "13800001111",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc="91150727MA0N12345X")
    assert enterprise.legal_representative.id_number == OTHER_RIC
    assert enterprise.legal_representative_name == "王五"


def test_applicant_login_page_signs_in_with_the_id_number(client, db):
    client.post(
        "/account/signup/",
        {"kind": "person", "name": "王五", "id_number": OTHER_RIC, "phone": "13800001111", "password": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    response = client.post("/account/login/", {"username": OTHER_RIC, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/my/cases/"


# --- applying ---------------------------------------------------------------------------------------


def test_item_page_offers_online_application_only_where_the_item_allows_it(client, county):
    food, id_card = county.items["food"], county.items["id_card"]
    assert f"/apply/{food.code}/" in client.get(f"/catalog/items/{food.pk}/").content.decode()
    assert "/apply/" not in client.get(f"/catalog/items/{id_card.pk}/").content.decode()
    client.force_login(county.users["applicant"])
    assert "暂不支持网上提交申请" in client.get(f"/apply/{id_card.code}/").content.decode()


def test_material_list_follows_the_situation_answers(client, applicant, person, food):
    client.force_login(applicant)
    page = client.get(f"/apply/{food.code}/materials/", {"s.q1": "b", "s.q2": "n"}).content.decode()
    assert "经营者身份证" in page
    assert "法定代表人身份证明" not in page
    assert "冷藏冷冻设施清单" not in page


def test_submitting_the_form_twice_with_the_same_key_makes_one_case(client, applicant, person, food):
    client.force_login(applicant)
    key = _key_from(client.get(f"/apply/{food.code}/"))
    form_material = _material(food, "食品经营许可申请书")
    data = _application(key, **{f"file_{form_material.pk}": SimpleUploadedFile("申请书.pdf", PDF, "application/pdf")})
    first = client.post(f"/apply/{food.code}/", data)
    again = client.post(f"/apply/{food.code}/", _application(key))
    case = Case.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/my/cases/{case.pk}/submitted/"
    assert case.status == Case.STATUS_SUBMITTED and case.channel == Case.CHANNEL_ONLINE
    assert case.answers == ["q1.b", "q2.n"]
    assert case.form["联系电话"] == "13800001234"
    assert case.materials.get().name == "食品经营许可申请书"
    confirmation = client.get(first["Location"]).content.decode()
    assert case.number in confirmation and case.query_code in confirmation


def test_a_duplicate_that_raced_past_the_first_leaves_no_stray_draft(client, applicant, person, food):
    """The second request of a double click passed the early key check before the first committed,
    so it made a draft of its own; when it submits, the key is taken. Its draft is removed and the
    answer is the first request's case."""
    client.force_login(applicant)
    real_submit = views_applicant.case_submit
    first: list[Case] = []

    def first_request_commits_meanwhile(**kwargs):
        first.append(_submitted(applicant, food, person, key=kwargs["idempotency_key"]))
        return real_submit(**kwargs)

    material = _material(food, "食品经营许可申请书")
    data = _application("k-race", **{f"file_{material.pk}": SimpleUploadedFile("申请书.pdf", PDF)})
    with mock.patch.object(views_applicant, "case_submit", side_effect=first_request_commits_meanwhile):
        response = client.post(f"/apply/{food.code}/", data)
    assert response["Location"] == f"/my/cases/{first[0].pk}/submitted/"
    assert list(Case.objects.values_list("pk", flat=True)) == [first[0].pk]
    assert not CaseMaterial.objects.exists()


def test_submitting_requires_the_contact_phone_and_names_it(client, applicant, person, food):
    client.force_login(applicant)
    response = client.post(f"/apply/{food.code}/", _application("k1", contact_phone=""))
    assert response.status_code == 400
    assert "请填写联系电话" in response.content.decode()
    assert not Case.objects.exclude(status=Case.STATUS_DRAFT).exists()


def test_upload_refuses_an_exe_renamed_to_pdf_beside_its_field(client, applicant, person, food):
    client.force_login(applicant)
    material = _material(food, "食品经营许可申请书")
    response = client.post(
        f"/apply/{food.code}/",
        _application("k1", action="save", **{f"file_{material.pk}": SimpleUploadedFile("申请书.pdf", EXE, "application/pdf")}),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）" in page
    assert 'aria-invalid="true"' in page
    assert not CaseMaterial.objects.exists()


def test_saved_draft_comes_back_with_its_answers_and_files(client, applicant, person, food):
    client.force_login(applicant)
    material = _material(food, "食品经营许可申请书")
    response = client.post(
        f"/apply/{food.code}/",
        _application("k1", action="save", **{f"file_{material.pk}": SimpleUploadedFile("申请书.pdf", PDF, "application/pdf")}),
    )
    draft = Case.objects.get()
    assert draft.status == Case.STATUS_DRAFT and draft.number is None
    assert response["Location"] == f"/apply/{food.code}/?draft={draft.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "宝格德乌拉街1号" in page and "申请书.pdf" in page
    assert 'value="b" checked' in page


# --- my cases -------------------------------------------------------------------------------------------


def test_my_cases_lists_only_my_own(client, county, applicant, person, other_person, food):
    mine = _submitted(applicant, food, person)
    theirs = _submitted(county.users["other_applicant"], food, other_person)
    client.force_login(applicant)
    page = client.get("/my/cases/").content.decode()
    assert mine.number in page
    assert theirs.number not in page


def test_my_cases_filters_by_status(client, applicant, person, food, clerk):
    open_case = _submitted(applicant, food, person)
    to_supplement = _submitted(applicant, food, person)
    case_request_supplement(actor=clerk, case=to_supplement, points=[SupplementPoint(problem="未签字", name="申请书")])
    client.force_login(applicant)
    page = client.get("/my/cases/", {"status": "supplement"}).content.decode()
    assert to_supplement.number in page and open_case.number not in page


def test_export_is_an_xlsx_of_my_cases(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    client.force_login(applicant)
    response = client.get("/my/cases/export/")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("办件编号", "事项名称", "申请人", "状态")
    assert rows[1][0] == case.number and rows[1][3] == "待预审"
    assert len(rows) == 2


# --- one case -------------------------------------------------------------------------------------------


def test_someone_else_gets_404_on_my_case_material_and_document(client, county, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    row = case_material_upload(actor=applicant, case=case, material=None, data=PDF, filename="a.pdf", name="补充说明")
    document = case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", name="申请书")])
    urls = [f"/my/cases/{case.pk}/", f"/my/cases/{case.pk}/materials/{row.pk}/", f"/my/cases/{case.pk}/documents/{document.pk}/"]
    client.force_login(county.users["other_applicant"])
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    response = client.post(f"/my/cases/{case.pk}/withdraw/", {"reason": "不办了"})
    assert response.status_code == 404
    client.logout()
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUPPLEMENT


def test_my_material_downloads_from_private_storage(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    row = case_material_upload(actor=applicant, case=case, material=None, data=PDF, filename="说明.pdf", name="补充说明")
    client.force_login(applicant)
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert f"/my/cases/{case.pk}/materials/{row.pk}/" in page
    # The stored path (under MEDIA_ROOT/private) never reaches the page.
    assert row.path not in page and "private" not in page
    response = client.get(f"/my/cases/{case.pk}/materials/{row.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_my_document_downloads_as_pdf(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    document = case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", name="申请书")])
    client.force_login(applicant)
    response = client.get(f"/my/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_supplement_notice_shows_every_point_and_supplementing_sends_the_case_back(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    form_material = _material(food, "食品经营许可申请书")
    case_request_supplement(
        actor=clerk,
        case=case,
        points=[
            SupplementPoint(problem="申请书未签字", material_id=form_material.pk),
            SupplementPoint(problem="缺少房屋租赁合同", name="租赁合同"),
        ],
    )
    client.force_login(applicant)
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "申请书未签字" in page and "缺少房屋租赁合同" in page
    response = client.post(
        f"/my/cases/{case.pk}/upload/",
        {
            f"file_{form_material.pk}": SimpleUploadedFile("申请书-签字.pdf", PDF),
            "name_extra_0": "租赁合同",
            "file_extra_0": SimpleUploadedFile("租赁合同.pdf", PDF),
            "action": "supplement",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED
    assert sorted(case.materials.values_list("name", flat=True)) == ["租赁合同", "食品经营许可申请书"]
    assert case.events.filter(kind="supplemented").count() == 1


def test_a_refused_file_stops_the_supplement(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    form_material = _material(food, "食品经营许可申请书")
    case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", material_id=form_material.pk)])
    client.force_login(applicant)
    response = client.post(
        f"/my/cases/{case.pk}/upload/", {f"file_{form_material.pk}": SimpleUploadedFile("申请书.pdf", EXE), "action": "supplement"}
    )
    assert response.status_code == 400
    assert "只接受 PDF、JPEG 或 PNG 文件" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUPPLEMENT


def test_rongque_materials_are_uploaded_and_confirmed(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    missing = _material(food, "与食品经营相适应的主要设备设施布局、操作流程等文件")
    case_accept_rongque(actor=clerk, case=case, missing_material_ids=[missing.pk], commitment_text="10个工作日内补齐")
    client.force_login(applicant)
    assert missing.name in client.get(f"/my/cases/{case.pk}/").content.decode()
    response = client.post(f"/my/cases/{case.pk}/upload/", {f"file_{missing.pk}": SimpleUploadedFile("布局.pdf", PDF), "action": "fulfil"})
    assert response.status_code == 302
    assert case.commitments.get().status == CaseCommitment.STATUS_FULFILLED


def test_confirming_rongque_without_the_file_says_which_is_missing(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    missing = _material(food, "与食品经营相适应的主要设备设施布局、操作流程等文件")
    case_accept_rongque(actor=clerk, case=case, missing_material_ids=[missing.pk], commitment_text="10个工作日内补齐")
    client.force_login(applicant)
    response = client.post(f"/my/cases/{case.pk}/upload/", {"action": "fulfil"})
    assert response.status_code == 400
    assert f"容缺材料“{missing.name}”尚未上传" in response.content.decode()
    assert case.commitments.get().status == CaseCommitment.STATUS_OPEN


def test_withdrawing_needs_a_reason_then_ends_the_case(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    client.force_login(applicant)
    refused = client.post(f"/my/cases/{case.pk}/withdraw/", {"reason": " "})
    assert refused.status_code == 400 and "请填写撤回理由" in refused.content.decode()
    response = client.post(f"/my/cases/{case.pk}/withdraw/", {"reason": "经营场所另有安排"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.STATUS_WITHDRAWN and case.closed_reason == "经营场所另有安排"
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "已撤回" in page and "确认撤回" not in page


def test_timeline_names_the_window_not_the_clerk(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="未签字", name="申请书")])
    client.force_login(applicant)
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "A01 综合受理窗口" in page
    assert clerk.first_name not in page


# --- tracking ---------------------------------------------------------------------------------------------


def test_tracking_shows_the_status_and_nothing_personal(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    response = client.get("/track", {"number": case.number, "code": case.query_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "待预审" in page and food.name in page and "提交申请" in page
    for personal in (person.name, person.id_number, person.id_number_masked, person.phone, "新开一家面馆"):
        assert personal not in page


def test_tracking_with_a_wrong_code_finds_nothing(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    response = client.get("/track", {"number": case.number, "code": "AAAAAA"})
    assert response.status_code == 404
    assert "没有找到该办件" in response.content.decode()
    assert food.name not in response.content.decode().split("没有找到该办件")[1]


def test_every_case_page_action_leaves_one_event_each(client, applicant, person, food):
    case = _submitted(applicant, food, person)
    client.force_login(applicant)
    client.post(
        f"/my/cases/{case.pk}/upload/", {"name_extra_0": "补充说明", "file_extra_0": SimpleUploadedFile("说明.png", b"\x89PNG\r\n\x1a\n")}
    )
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["submitted", "material_uploaded"]


def test_supplementing_needs_a_new_file_for_every_point_of_the_notice(client, applicant, person, food, clerk):
    case = _submitted(applicant, food, person)
    form_material = _material(food, "食品经营许可申请书")
    case_request_supplement(
        actor=clerk,
        case=case,
        points=[
            SupplementPoint(problem="申请书未签字", material_id=form_material.pk),
            SupplementPoint(problem="缺少租赁合同", name="租赁合同"),
        ],
    )
    client.force_login(applicant)
    response = client.post(
        f"/my/cases/{case.pk}/upload/", {f"file_{form_material.pk}": SimpleUploadedFile("申请书.pdf", PDF), "action": "supplement"}
    )
    assert response.status_code == 400
    assert "租赁合同：请上传补正后的材料" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUPPLEMENT
    # The file that was chosen is kept: only the missing point is asked for again.
    assert case.materials.filter(material=form_material).exists()


# --- in the browser -------------------------------------------------------------------------------


@pytest.mark.browser
def test_new_applicant_signs_up_applies_online_and_tracks_the_case(browser_page, live_county, tmp_path):
    from playwright.sync_api import expect

    page = browser_page
    food = live_county.items["food"]
    scan = tmp_path / "申请书.pdf"
    scan.write_bytes(PDF)

    page.goto(f"/catalog/items/{food.pk}/")
    page.get_by_role("link", name="在线申请").click()
    expect(page.get_by_role("heading", name="申请人登录")).to_be_visible()
    page.get_by_role("link", name="注册个人账号").click()
    page.get_by_label("姓名").fill("王五")
    page.get_by_label("公民身份号码").fill(OTHER_RIC)
    page.get_by_label("手机号码").fill("13800001111")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    # Back on the application, signed in; answering a question narrows the materials in place.
    expect(page.get_by_role("heading", name="在线申请：食品经营许可证核发")).to_be_visible()
    expect(page.get_by_label("王五（本人）")).to_be_checked()
    materials = page.locator("#apply-materials")
    page.locator("fieldset", has_text="申请人类型").get_by_label("个体工商户").check()
    expect(materials).not_to_contain_text("法定代表人身份证明")
    expect(materials).to_contain_text("经营者身份证")
    page.locator("fieldset", has_text="是否经营冷藏冷冻食品").get_by_label("否").check()
    expect(materials).not_to_contain_text("冷藏冷冻设施清单")
    page.get_by_label("食品经营许可申请书").set_input_files(str(scan))
    page.get_by_label("通讯地址").fill("新巴尔虎右旗阿拉坦额莫勒镇宝格德乌拉街1号")
    page.get_by_label("申请事项说明").fill("开办小型餐馆，经营热食类食品。")
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator(".confirm-codes dd").nth(0).inner_text()
    code = page.locator(".confirm-codes dd").nth(1).inner_text()
    page.get_by_role("link", name="我的办件", exact=True).last.click()
    expect(page.locator(".case-table tbody tr")).to_have_count(1)
    expect(page.locator(".case-table")).to_contain_text(number)

    page.goto("/track")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".track-result")).to_contain_text("待预审")
    expect(page.locator("main")).not_to_contain_text("王五")
