"""Issuing with the case (制证), one licence per case, revocation with the case, the holder's
valid licences, rotation of the seal and expiry."""

import datetime as dt

import pytest
from django.conf import settings

from govhall.cases.models import Case
from govhall.cases.services import case_accept, commitment_verify, task_complete
from govhall.cases.tests.case_steps import on, only_open_task, submit
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.licences import crypto
from govhall.licences.models import Licence, LicenceType, Seal
from govhall.licences.selectors import licence_verify, licences_for_holder
from govhall.licences.services import licence_issue_for_case, licence_revoke, licence_type_for_name, seal_rotate

MONDAY = dt.date(2026, 11, 2)


def _approve(case, users, *, decision="approve", opinion=""):
    with on(MONDAY):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合条件")
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome=decision, opinion=opinion)
        if decision == "approve":
            task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")
    case.refresh_from_db()
    return case


@pytest.fixture
def users(county):
    return county.users


@pytest.fixture
def accepted(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
    case.refresh_from_db()
    return case


def test_certifying_an_approved_licence_case_issues_a_signed_e_licence(accepted, users, person):
    case = _approve(accepted, users)
    assert case.status == Case.STATUS_TO_DELIVER
    licence = case.licence
    assert licence.licence_type.name == "食品经营许可证"
    assert licence.holder_person == person
    assert licence.department.short_name == "市场监管局"
    assert licence.valid_from == MONDAY
    assert licence.valid_until == dt.date(2031, 11, 1)  # 食品经营许可管理办法: 5 years
    assert licence.number.startswith("JY1507272026")
    assert crypto.identifier_is_valid(licence.identifier)
    assert licence.signed["data"]["经营场所"] == "宝格德乌拉街1号"
    assert licence.signed["data"]["办件编号"] == case.number
    with on(MONDAY):
        result = licence_verify(identifier=licence.identifier)
    assert result.valid and result.message == "签名有效，内容未被篡改，证照在有效期内"


def test_a_case_gets_one_licence_however_often_issuing_is_asked(accepted, users):
    case = _approve(accepted, users)
    again = licence_issue_for_case(case=case, actor=users["approver"])
    assert again == case.licence
    assert Licence.objects.filter(case=case).count() == 1


def test_a_denied_case_gets_no_licence(accepted, users):
    case = _approve(accepted, users, decision="reject", opinion="场所不符合要求")
    assert case.decision == Case.DECISION_DENIED
    assert not Licence.objects.filter(case=case).exists()


def test_a_false_commitment_revokes_the_cases_licence(users, food, person):
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person, gaozhi=True)
        case_accept(actor=users["clerk"], case=case)
    case = _approve(case, users)
    with on(MONDAY + dt.timedelta(days=3)):
        commitment_verify(actor=users["approver"], commitment=case.commitments.get(), passed=False, note="现场核查无冷藏设施")
        result = licence_verify(identifier=case.licence.identifier)
    assert result.status == "revoked"
    assert result.signature_valid and not result.valid
    assert result.message == "证照已撤销，不能作为有效证照使用"
    assert result.as_dict()["revoked_reason"] == "现场核查无冷藏设施"


def test_identity_cards_are_not_issued_here_and_unknown_types_are_registered(db):
    assert not LicenceType.objects.get(name="居民身份证").issued_here
    new = licence_type_for_name("渔业捕捞许可证")
    assert new.code == "YYBLXKZ" and new.issued_here


def test_licences_for_holder_lists_only_valid_licences_of_that_holder_and_type(
    food_licence, marriage_licence, enterprise, person, dept_admin
):
    with on(dt.date(2026, 7, 1)):
        assert list(licences_for_holder(enterprise=enterprise)) == [food_licence]
        assert list(licences_for_holder(enterprise=enterprise, licence_type="营业执照")) == []
        assert list(licences_for_holder(person=person, licence_type="结婚证")) == [marriage_licence]
        licence_revoke(actor=dept_admin, licence=food_licence, reason="经营者申请注销")
        assert list(licences_for_holder(enterprise=enterprise)) == []


def test_a_licence_past_its_validity_verifies_as_expired(food_licence):
    with on(dt.date(2031, 6, 14)):
        assert licence_verify(identifier=food_licence.identifier).status == "valid"
    with on(dt.date(2031, 6, 15)):
        result = licence_verify(identifier=food_licence.identifier)
        assert result.status == "expired" and result.message == "证照已过期，不能作为有效证照使用"
        assert result.signature_valid and not result.valid
        assert list(licences_for_holder(enterprise=food_licence.holder_enterprise)) == []


def test_a_changed_row_in_the_register_fails_verification(food_licence):
    signed = dict(food_licence.signed)
    signed["valid_until"] = "2036-06-14"
    Licence.objects.filter(pk=food_licence.pk).update(signed=signed)
    result = licence_verify(identifier=food_licence.identifier)
    assert not result.signature_valid and not result.valid
    assert result.message == "证照内容与 SM3 摘要不符，证照内容已被篡改"


def test_only_the_issuing_department_revokes_and_only_once(food_licence, other_dept_admin, dept_admin, applicant):
    for outsider in (other_dept_admin, applicant):
        with pytest.raises(PermissionDenied):
            licence_revoke(actor=outsider, licence=food_licence, reason="x")
    with pytest.raises(ValidationError):
        licence_revoke(actor=dept_admin, licence=food_licence, reason=" ")
    licence_revoke(actor=dept_admin, licence=food_licence, reason="以欺骗手段取得许可")
    with pytest.raises(Conflict):
        licence_revoke(actor=dept_admin, licence=food_licence, reason="再次撤销")
    food_licence.refresh_from_db()
    assert food_licence.status == "revoked" and food_licence.revoked_by == dept_admin


def test_rotating_a_seal_keeps_old_licences_verifying_and_signs_new_ones_with_the_new_key(food_licence, market, sysadmin, enterprise):
    old = food_licence.seal
    new = seal_rotate(actor=sysadmin, department=market)
    old.refresh_from_db()
    assert old.retired_at is not None and new.is_current
    assert licence_verify(identifier=food_licence.identifier).signature_valid
    with on(dt.date(2026, 7, 1)):
        from govhall.licences.services import licence_issue

        second = licence_issue(actor=None, licence_type=food_licence.licence_type, department=market, holder=enterprise, data={})
    assert second.seal == new and second.signed["key_id"] == new.key_id
    assert licence_verify(identifier=second.identifier).valid


def test_only_a_sysadmin_rotates_seals(market, dept_admin):
    with pytest.raises(PermissionDenied):
        seal_rotate(actor=dept_admin, department=market)
    assert not Seal.objects.filter(department=market).exists()


def test_the_private_key_is_stored_encrypted_under_the_seal_key(food_licence):
    seal = food_licence.seal
    private = crypto.private_key_decrypt(seal.private_key_encrypted, seal_key_hex=settings.GOVHALL_SEAL_KEY)
    assert private not in seal.private_key_encrypted
    assert len(private) == 64


def test_a_new_business_licence_for_the_same_enterprise_supersedes_the_old_one(market, enterprise):
    business = LicenceType.objects.get(name="营业执照")
    from govhall.licences.services import licence_issue

    with on(dt.date(2026, 6, 1)):
        first = licence_issue(actor=None, licence_type=business, department=market, holder=enterprise, data={"住所": "旧址"})
    with on(dt.date(2026, 7, 1)):
        second = licence_issue(actor=None, licence_type=business, department=market, holder=enterprise, data={"住所": "新址"})
        first.refresh_from_db()
        assert first.status == "changed"
        assert licence_verify(identifier=first.identifier).message == "证照已变更，请以变更后的证照为准"
        assert list(licences_for_holder(enterprise=enterprise, licence_type="营业执照")) == [second]
    assert second.number == first.number == enterprise.uscc
    assert second.version == 2 and second.replaces == first
    assert first.identifier.split(".")[:-2] == second.identifier.split(".")[:-2]
    assert crypto.identifier_is_valid(second.identifier)


def test_the_applicants_case_page_shows_the_issued_licence(client, accepted, users):
    from django.urls import reverse

    case = _approve(accepted, users)
    client.force_login(users["applicant"])
    page = client.get(reverse("cases_applicant:case", args=[case.pk])).content.decode()
    assert "电子证照" in page and case.licence.number in page
    assert reverse("licences:verify", args=[case.licence.identifier]) in page


def test_registering_a_new_company_licenses_the_new_company_with_its_own_credit_code(users, county, person):
    from govhall.catalog.services import item_create
    from govhall.core.identifiers import check
    from govhall.licences.services import licence_issue_for_case
    from govhall.tests_support import item_payload

    registration = item_create(
        actor=None,
        data=item_payload(code="000111001000", name="有限责任公司设立登记", result_name="营业执照", licence_type="营业执照", rongque=False),
    )
    with on(MONDAY):
        case = submit(users["applicant"], registration, person=person)
    Case.objects.filter(pk=case.pk).update(
        form={"企业名称": "新巴尔虎右旗草原云商贸有限公司", "法定代表人": person.name, "住所": "呼伦大街18号"}, decision="approved"
    )
    case.refresh_from_db()

    with on(MONDAY):
        licence = licence_issue_for_case(case=case, actor=users["approver"])

    company = licence.holder_enterprise
    assert company is not None and licence.holder_person is None
    assert company.name == "新巴尔虎右旗草原云商贸有限公司"
    assert company.uscc.startswith("91150727") and check("uscc", company.uscc).valid
    assert licence.number == company.uscc
    assert company.legal_representative == person  # the new company is in its founder's wallet
    assert list(licences_for_holder(enterprise=company)) == [licence]


def _registration_case(users, person, form):
    from govhall.catalog.services import item_create
    from govhall.tests_support import item_payload

    registration = item_create(
        actor=None,
        data=item_payload(code="000111001000", name="有限责任公司设立登记", result_name="营业执照", licence_type="营业执照", rongque=False),
    )
    with on(MONDAY):
        case = submit(users["applicant"], registration, person=person)
    Case.objects.filter(pk=case.pk).update(form=form, decision="approved")
    case.refresh_from_db()
    return case


def test_a_namesake_representative_with_another_id_number_is_not_linked(users, county, person):
    case = _registration_case(
        users,
        person,
        {"企业名称": "新巴尔虎右旗同名商贸有限公司", "法定代表人": person.name, "法定代表人身份证号": "150727199001011234"},
    )
    with on(MONDAY):
        licence = licence_issue_for_case(case=case, actor=users["approver"])
    company = licence.holder_enterprise
    assert company is not None and company.legal_representative is None
    assert company.legal_representative_name == person.name


def test_registering_a_name_already_taken_does_not_take_over_that_enterprise(users, county, person):
    from govhall.applicants.models import Enterprise

    taken = Enterprise.objects.create(name="新巴尔虎右旗老字号有限公司", uscc="91150727MA0000001X", legal_representative_name=person.name)
    case = _registration_case(users, person, {"企业名称": taken.name, "法定代表人": person.name})
    with on(MONDAY):
        licence = licence_issue_for_case(case=case, actor=users["approver"])
    assert licence.holder_enterprise_id != taken.pk
    assert licence.holder_person == person
    assert Enterprise.objects.filter(name=taken.name).count() == 1
