"""Written commitments: 容缺受理 (materials to follow, no decision before, CASE-3) and 告知承诺
(approved on the commitment, verified later, a false one revokes, CASE-8); the log stays intact."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseEvent
from govhall.cases.selectors import rongque_commitments_for_staff, verifications_for_department
from govhall.cases.services import (
    case_accept,
    case_accept_rongque,
    case_material_upload,
    case_withdraw,
    commitment_fulfil,
    commitment_verify,
    task_complete,
)
from govhall.cases.tests.case_steps import COLD_STORAGE, LAYOUT, PDF, event_kinds, first_error, material, on, only_open_task, submit
from govhall.core.errors import Conflict, PermissionDenied, ValidationError

EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)
MONDAY = dt.date(2026, 11, 2)


@pytest.fixture
def users(county):
    return county.users


def _accept_rongque(case, clerk, *names, days=3):
    return case_accept_rongque(
        actor=clerk,
        case=case,
        missing_material_ids=[material(case, name).pk for name in names],
        commitment_text="本人承诺在期限内补齐所缺材料",
        days=days,
    )


@pytest.fixture
def rongque_case(applicant, clerk, food, person):
    """Accepted on 09-30 with the layout and cold-storage list to follow within 3 working days (10-10)."""
    with on(EVE_OF_NATIONAL_DAY):
        case = submit(applicant, food, person=person)
        _accept_rongque(case, clerk, LAYOUT, COLD_STORAGE)
    return case


def _upload(case, actor, name, day):
    with on(day):
        return case_material_upload(actor=actor, case=case, material=material(case, name), data=PDF, filename=f"{name}.pdf")


def _review(case, users):
    task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="材料齐全，符合条件")


# --- 容缺: no decision before the materials arrive ----------------------------------------------


def test_no_decision_before_the_rongque_materials_arrive(rongque_case, users):
    _review(rongque_case, users)
    decide = only_open_task(rongque_case)
    with pytest.raises(ValidationError) as caught:
        task_complete(actor=users["section_head"], task=decide, outcome="approve")
    assert first_error(caught) == ("commitment", "rongque_open", "容缺材料尚未补齐，不能作出决定")
    rongque_case.refresh_from_db()
    assert rongque_case.decision == ""
    assert only_open_task(rongque_case).pk == decide.pk
    assert not rongque_case.documents.filter(kind=CaseDocument.KIND_APPROVAL).exists()


def test_the_decision_step_may_still_return_the_case_to_review_while_materials_are_awaited(rongque_case, users):
    _review(rongque_case, users)
    task_complete(actor=users["section_head"], task=only_open_task(rongque_case), outcome="return", opinion="请核实布局图")
    assert only_open_task(rongque_case).name == "审查"


def test_fulfilment_needs_every_committed_material(rongque_case, applicant):
    _upload(rongque_case, applicant, LAYOUT, dt.date(2026, 10, 8))
    with on(dt.date(2026, 10, 8)), pytest.raises(ValidationError) as caught:
        commitment_fulfil(actor=applicant, case=rongque_case)
    assert [(e.field, e.rule, e.message) for e in caught.value.errors] == [("materials", "missing", "容缺材料“冷藏冷冻设施清单”尚未上传")]
    assert rongque_case.commitments.get().status == CaseCommitment.STATUS_OPEN


def test_a_file_uploaded_before_the_commitment_does_not_fulfil_it(applicant, clerk, food, person):
    with on(dt.date(2026, 9, 29)):
        case = submit(applicant, food, person=person)
        case_material_upload(actor=applicant, case=case, material=material(case, LAYOUT), data=PDF, filename="旧布局.pdf")
    with on(EVE_OF_NATIONAL_DAY):
        _accept_rongque(case, clerk, LAYOUT)
        with pytest.raises(ValidationError) as caught:
            commitment_fulfil(actor=applicant, case=case)
    assert first_error(caught) == ("materials", "missing", f"容缺材料“{LAYOUT}”尚未上传")


def test_fulfilment_with_every_material_uploaded_closes_the_commitment(rongque_case, applicant):
    _upload(rongque_case, applicant, LAYOUT, dt.date(2026, 10, 8))
    _upload(rongque_case, applicant, COLD_STORAGE, dt.date(2026, 10, 9))
    with on(dt.date(2026, 10, 9)):
        commitment = commitment_fulfil(actor=applicant, case=rongque_case)
    assert commitment.status == CaseCommitment.STATUS_FULFILLED
    assert commitment.get_status_display() == "已补齐"
    event = rongque_case.events.get(kind="rongque_fulfilled")
    assert event.after == {"materials": [LAYOUT, COLD_STORAGE], "late": False}


def test_fulfilment_after_the_deadline_is_logged_as_late(rongque_case, clerk):
    _upload(rongque_case, clerk, LAYOUT, dt.date(2026, 10, 12))
    _upload(rongque_case, clerk, COLD_STORAGE, dt.date(2026, 10, 12))
    with on(dt.date(2026, 10, 12)):
        commitment_fulfil(actor=clerk, case=rongque_case)
    assert rongque_case.events.get(kind="rongque_fulfilled").after["late"] is True


def test_once_the_materials_arrive_the_decision_can_be_made(rongque_case, applicant, users):
    _review(rongque_case, users)
    _upload(rongque_case, applicant, LAYOUT, dt.date(2026, 10, 8))
    _upload(rongque_case, applicant, COLD_STORAGE, dt.date(2026, 10, 8))
    commitment_fulfil(actor=applicant, case=rongque_case)
    task_complete(actor=users["section_head"], task=only_open_task(rongque_case), outcome="approve")
    rongque_case.refresh_from_db()
    assert rongque_case.decision == Case.DECISION_APPROVED
    assert only_open_task(rongque_case).name == "制证"


def test_fulfilling_a_case_without_an_open_commitment_is_refused(applicant, clerk, food, person):
    case = submit(applicant, food, person=person)
    case_accept(actor=clerk, case=case)
    with pytest.raises(ValidationError) as caught:
        commitment_fulfil(actor=applicant, case=case)
    assert first_error(caught) == ("commitment", "none_open", "该办件没有待补齐的容缺材料")


def test_another_applicant_cannot_fulfil_the_commitment(rongque_case, users):
    with pytest.raises(PermissionDenied):
        commitment_fulfil(actor=users["other_applicant"], case=rongque_case)
    assert rongque_case.commitments.get().status == CaseCommitment.STATUS_OPEN


# --- 容缺: the overdue list ----------------------------------------------------------------------


def test_overdue_rongque_commitments_appear_in_the_overdue_list(rongque_case, clerk, users):
    with on(dt.date(2026, 10, 12)):
        for user in (clerk, users["approver"]):
            assert [c.case for c in rongque_commitments_for_staff(user=user, overdue_only=True)] == [rongque_case]


def test_a_commitment_still_within_its_deadline_is_not_overdue(rongque_case, clerk):
    with on(dt.date(2026, 10, 10)):
        assert not rongque_commitments_for_staff(user=clerk, overdue_only=True).exists()
        assert [c.case for c in rongque_commitments_for_staff(user=clerk)] == [rongque_case]


def test_a_fulfilled_commitment_leaves_the_overdue_list(rongque_case, applicant, clerk):
    _upload(rongque_case, applicant, LAYOUT, dt.date(2026, 10, 12))
    _upload(rongque_case, applicant, COLD_STORAGE, dt.date(2026, 10, 12))
    commitment_fulfil(actor=applicant, case=rongque_case)
    with on(dt.date(2026, 10, 12)):
        assert not rongque_commitments_for_staff(user=clerk, overdue_only=True).exists()


def test_a_withdrawn_case_leaves_the_rongque_list(rongque_case, applicant, clerk):
    case_withdraw(actor=applicant, case=rongque_case, reason="不再经营")
    with on(dt.date(2026, 10, 12)):
        assert not rongque_commitments_for_staff(user=clerk, overdue_only=True).exists()
        assert not rongque_commitments_for_staff(user=clerk).exists()


def test_another_departments_staff_do_not_see_the_commitment(rongque_case, users):
    with on(dt.date(2026, 10, 12)):
        assert not rongque_commitments_for_staff(user=users["police_approver"], overdue_only=True).exists()


# --- 告知承诺 -------------------------------------------------------------------------------------


def _approve_through(case, users, *, day):
    """Review, decide (准予) on `day` and issue the licence: the case waits for delivery."""
    with on(day):
        _review(case, users)
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome="approve")
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")


@pytest.fixture
def gaozhi_case(applicant, clerk, food, person, users):
    """A 告知承诺 case accepted and approved on Monday 2026-11-02."""
    with on(MONDAY):
        case = submit(applicant, food, person=person, gaozhi=True)
        case_accept(actor=clerk, case=case)
    _approve_through(case, users, day=MONDAY)
    case.refresh_from_db()
    return case


def test_gaozhi_cannot_be_chosen_for_an_item_without_it(applicant, county, person):
    with pytest.raises(ValidationError) as caught:
        submit(applicant, county.items["id_card"], person=person, answers=[], gaozhi=True)
    assert first_error(caught) == ("gaozhi", "not_allowed", "该事项不实行告知承诺制")


def test_gaozhi_approval_opens_a_verification_due_after_the_items_verify_days(gaozhi_case):
    assert gaozhi_case.status == Case.STATUS_TO_DELIVER
    commitment = gaozhi_case.commitments.get()
    assert (commitment.kind, commitment.status) == (CaseCommitment.KIND_GAOZHI, CaseCommitment.STATUS_OPEN)
    # commitment_verify_days = 20 working days after Monday 11-02: the last is Monday 11-30.
    assert commitment.due_date == dt.date(2026, 11, 30)


def test_the_verification_is_listed_for_the_department(gaozhi_case, users):
    assert [c.case for c in verifications_for_department(user=users["approver"])] == [gaozhi_case]
    assert not verifications_for_department(user=users["police_approver"]).exists()


def test_a_denied_gaozhi_case_needs_no_verification(applicant, clerk, food, person, users):
    case = submit(applicant, food, person=person, gaozhi=True)
    case_accept(actor=clerk, case=case)
    _review(case, users)
    task_complete(actor=users["section_head"], task=only_open_task(case), outcome="reject", opinion="经营场所不符合要求")
    assert not case.commitments.exists()


def test_a_true_commitment_is_closed_and_the_result_stands(gaozhi_case, users):
    commitment = commitment_verify(actor=users["approver"], commitment=gaozhi_case.commitments.get(), passed=True, note="现场核查属实")
    gaozhi_case.refresh_from_db()
    assert commitment.status == CaseCommitment.STATUS_PASSED
    assert gaozhi_case.status == Case.STATUS_TO_DELIVER
    assert "revoked" not in event_kinds(gaozhi_case)


def test_a_false_commitment_revokes_the_case_issues_the_revocation_and_marks_credit(gaozhi_case, users, person):
    with on(dt.date(2026, 11, 20)):
        commitment_verify(actor=users["approver"], commitment=gaozhi_case.commitments.get(), passed=False, note="经营场所与承诺不符")
    gaozhi_case.refresh_from_db()
    assert gaozhi_case.status == Case.STATUS_REVOKED
    assert gaozhi_case.get_status_display() == "已撤销"
    assert gaozhi_case.closed_reason == "经营场所与承诺不符"
    assert gaozhi_case.commitments.get().status == CaseCommitment.STATUS_FAILED
    revocation = gaozhi_case.documents.get(kind=CaseDocument.KIND_REVOCATION)
    assert revocation.get_kind_display() == "撤销决定书"
    assert revocation.number == "撤字〔2026〕第00001号"
    assert event_kinds(gaozhi_case)[-4:] == ["commitment_verified", "revoked", "credit_marked", "document_issued"]
    credit = gaozhi_case.events.get(kind="credit_marked")
    assert credit.after == {"subject": person.id_number, "reason": "告知承诺不实"}


def test_verification_needs_a_note(gaozhi_case, users):
    with pytest.raises(ValidationError) as caught:
        commitment_verify(actor=users["approver"], commitment=gaozhi_case.commitments.get(), passed=False, note="")
    assert first_error(caught) == ("note", "required", "请填写核查情况")
    gaozhi_case.refresh_from_db()
    assert gaozhi_case.status == Case.STATUS_TO_DELIVER


def test_a_commitment_is_verified_once(gaozhi_case, users):
    commitment = gaozhi_case.commitments.get()
    commitment_verify(actor=users["approver"], commitment=commitment, passed=True, note="属实")
    with pytest.raises(Conflict) as caught:
        commitment_verify(actor=users["section_head"], commitment=commitment, passed=False, note="不实")
    assert "该承诺已核查" in str(caught.value)
    gaozhi_case.refresh_from_db()
    assert gaozhi_case.status == Case.STATUS_TO_DELIVER


def test_another_department_cannot_verify(gaozhi_case, users):
    with pytest.raises(PermissionDenied):
        commitment_verify(actor=users["police_approver"], commitment=gaozhi_case.commitments.get(), passed=False, note="不实")
    assert gaozhi_case.commitments.get().status == CaseCommitment.STATUS_OPEN


# --- the log --------------------------------------------------------------------------------------


def _verify_log(capsys) -> tuple[int, str]:
    try:
        call_command("verify_case_log")
    except SystemExit as exit:
        code = int(exit.code or 0)
    else:
        code = 0
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_event_chain_stays_intact_through_a_revocation(gaozhi_case, users, capsys):
    commitment_verify(actor=users["approver"], commitment=gaozhi_case.commitments.get(), passed=False, note="承诺不实")
    code, output = _verify_log(capsys)
    assert code == 0
    assert f"intact: {CaseEvent.objects.count()} events" in output


def test_a_tampered_event_is_detected(gaozhi_case, users, capsys):
    commitment_verify(actor=users["approver"], commitment=gaozhi_case.commitments.get(), passed=False, note="承诺不实")
    credit = gaozhi_case.events.get(kind="credit_marked")
    with connection.cursor() as cursor:
        # Someone erases the credit mark straight in the database.
        cursor.execute(f"UPDATE {CaseEvent._meta.db_table} SET after = %s WHERE id = %s", ['{"subject": ""}', credit.pk])
    code, output = _verify_log(capsys)
    assert code == 1
    assert f"event {credit.pk}" in output
    assert gaozhi_case.number in output
