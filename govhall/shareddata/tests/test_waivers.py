"""免提交: materials the government already holds are replaced by shared data or an e-licence."""

import datetime as dt

import pytest
from django.urls import reverse

from govhall.cases.tests.case_steps import on, submit
from govhall.shareddata.models import CaseDataUse, LookupLog

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 15)
LEGAL_REP_ID = "法定代表人身份证明"


def uses(case):
    return {u.material_name: u for u in CaseDataUse.objects.filter(case=case).select_related("source")}


def test_material_held_in_shared_data_is_waived_and_recorded_on_the_case(applicant, food, enterprise, household, registration):
    with on(DAY):
        case = submit(applicant, food, enterprise=enterprise, answers=["q1.a", "q2.n"])

    waived = uses(case)
    assert waived["营业执照"].kind == CaseDataUse.KIND_SHARED
    assert waived["营业执照"].source.name == "企业登记"
    assert waived[LEGAL_REP_ID].source.name == "户籍"
    assert "食品经营许可申请书" not in waived
    logs = LookupLog.objects.filter(case=case)
    assert {(log.source.code, log.subject_id, log.purpose) for log in logs} == {
        ("enterprise_registration", enterprise.uscc, "申请材料免提交"),
        ("household", household.subject_id, "申请材料免提交"),
    }
    assert waived[LEGAL_REP_ID].lookup.case_id == case.pk


def test_a_material_uploaded_anyway_is_not_marked_waived(applicant, food, enterprise, household, registration):
    from govhall.cases.services import case_draft_save, case_material_upload, case_submit
    from govhall.cases.tests.case_steps import PDF, material

    with on(DAY):
        draft = case_draft_save(
            actor=applicant, item=food, applicant_enterprise=enterprise, channel="online", answers=["q1.a", "q2.n"], form={}
        )
        case_material_upload(actor=applicant, case=draft, material=material(draft, "营业执照"), data=PDF, filename="yyzz.pdf")
        case = case_submit(
            actor=applicant,
            item=food,
            applicant_enterprise=enterprise,
            channel="online",
            answers=["q1.a", "q2.n"],
            form={},
            idempotency_key=None,
            draft=draft,
        )
    assert set(uses(case)) == {LEGAL_REP_ID}


def test_nothing_is_waived_without_shared_records(applicant, food, enterprise):
    with on(DAY):
        case = submit(applicant, food, enterprise=enterprise, answers=["q1.a", "q2.n"])
    assert uses(case) == {}


def test_material_replaced_by_a_valid_e_licence_shows_the_licence(applicant, food, enterprise, county, client):
    licences = pytest.importorskip("govhall.licences.services", reason="the licences app (govhall/licences) is not there yet")
    from govhall.licences.models import LicenceType

    with on(DAY):
        licence = licences.licence_issue(
            actor=None,
            licence_type=LicenceType.objects.get(name="营业执照"),
            department=county.departments["市场监管局"],
            holder=enterprise,
            data={"名称": enterprise.name, "法定代表人": "张三"},
        )
        client.force_login(applicant)
        page = client.get(reverse("cases_applicant:apply", args=[food.code]) + f"?applicant=enterprise-{enterprise.pk}")
        case = submit(applicant, food, enterprise=enterprise, answers=["q1.a", "q2.n"])

    assert f"已关联电子证照：营业执照 {licence.number}" in page.content.decode()
    use = uses(case)["营业执照"]
    assert use.kind == CaseDataUse.KIND_LICENCE
    assert (use.licence_identifier, use.licence_number, use.licence_name) == (licence.identifier, licence.number, "营业执照")


def test_apply_page_shows_waived_materials_and_prefills_contact_from_the_household_register(applicant, food, household, client):
    client.force_login(applicant)
    with on(DAY):
        page = client.get(reverse("cases_applicant:apply", args=[food.code])).content.decode()

    assert "免提交：已从户籍获取" in page
    assert 'name="file_' + str(food.current.materials.get(name="经营者身份证").pk) + '"' not in page
    assert 'name="file_' + str(food.current.materials.get(name="食品经营许可申请书").pk) + '"' in page
    assert 'value="新巴尔虎右旗阿拉坦额莫勒镇呼伦路8号"' in page
    assert "已从政府共享数据（户籍）预填" in page


def test_showing_the_apply_page_again_logs_the_own_lookup_once(applicant, food, household, client):
    client.force_login(applicant)
    with on(DAY):
        client.get(reverse("cases_applicant:apply", args=[food.code]))
        client.get(reverse("cases_applicant:apply", args=[food.code]))
    logs = LookupLog.objects.filter(source__code="household")
    assert [(log.role, log.purpose, log.actor_id) for log in logs] == [("申请人本人", "本人申请预填", applicant.pk)]


def test_staff_case_page_and_accept_page_show_the_waiver_and_its_source(
    applicant, food, enterprise, household, registration, approver, clerk, client
):
    with on(DAY):
        case = submit(applicant, food, enterprise=enterprise, answers=["q1.a", "q2.n"])
    client.force_login(approver)
    page = client.get(reverse("cases_staff:case", args=[case.pk])).content.decode()
    assert "免提交材料（共享数据、电子证照）" in page
    assert "企业登记" in page and LEGAL_REP_ID in page
    # The record itself is not on the page: only through a logged look-up.
    assert "50万元" not in page
    assert reverse("shareddata_staff:case-lookup", args=[case.pk]) in page
    client.force_login(clerk)
    accept = client.get(reverse("cases_staff:accept", args=[case.pk])).content.decode()
    assert "免提交：企业登记" in accept


def test_applicant_case_page_shows_what_replaced_the_materials(applicant, food, enterprise, household, registration, client):
    with on(DAY):
        case = submit(applicant, food, enterprise=enterprise, answers=["q1.a", "q2.n"])
    client.force_login(applicant)
    page = client.get(reverse("cases_applicant:case", args=[case.pk])).content.decode()
    assert "这些材料由政府部门通过数据共享或电子证照获取" in page
    assert "企业登记" in page


def test_choosing_the_enterprise_refills_contact_details_from_its_registration(
    applicant, food, enterprise, household, registration, client
):
    client.force_login(applicant)
    with on(DAY):
        partial = client.get(
            reverse("cases_applicant:apply-materials", args=[food.code]), {"applicant": f"enterprise-{enterprise.pk}", "contact": "1"}
        ).content.decode()
    assert 'id="id_address" name="address" value="新巴尔虎右旗阿拉坦额莫勒镇巴尔虎大街28号"' in partial
    assert "免提交：已从企业登记获取" in partial
