"""一窗综合受理 (CASE-3): every decision a clerk takes on a submission, with its document.

Dates are real: 2026-09-30 is the Wednesday before 国庆 (10-01..10-07), and Saturday 10-10 is a
make-up workday (调休); the week of 2026-11-02 has no holiday.
"""

import datetime as dt

import pytest

from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseMaterial, MaterialReview
from govhall.cases.selectors import prereview_queue_for_clerk
from govhall.cases.services import (
    MaterialFinding,
    SupplementPoint,
    case_accept,
    case_accept_rongque,
    case_material_upload,
    case_refuse,
    case_request_supplement,
    case_supplement_submit,
)
from govhall.cases.tests.case_steps import (
    APPLICATION_FORM,
    COLD_STORAGE,
    LAYOUT,
    PDF,
    event_kinds,
    first_error,
    material,
    on,
    only_open_task,
    submit,
)
from govhall.core.errors import Conflict, ValidationError

EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)
MONDAY = dt.date(2026, 11, 2)


@pytest.fixture
def users(county):
    return county.users


@pytest.fixture
def case(applicant, food, person):
    with on(EVE_OF_NATIONAL_DAY, hour=9):
        return submit(applicant, food, person=person)


# --- 受理 -----------------------------------------------------------------------------------------


def test_accepting_issues_the_acceptance_notice_numbered_by_year(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        document = case_accept(actor=clerk, case=case)
    assert document.kind == CaseDocument.KIND_ACCEPTANCE
    assert document.get_kind_display() == "受理通知书"
    assert document.number == "受字〔2026〕第00001号"
    assert document.body["due_date"] == "2026-10-13"


def test_accepting_starts_the_clock_on_the_acceptance_day(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    assert case.get_status_display() == "办理中"
    assert case.accepted_on == EVE_OF_NATIONAL_DAY
    assert case.accepted_by == clerk
    assert case.limit_days == 5
    # 国庆 is skipped and Saturday 10-10 is a 调休 workday: 10-08, 10-09, 10-10, 10-12, 10-13.
    assert case.due_date == dt.date(2026, 10, 13)


def test_the_acceptance_day_itself_is_not_counted(applicant, clerk, food, person):
    with on(MONDAY):
        case = submit(applicant, food, person=person)
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    # Tuesday is the first of the five days, so they end on the next Monday, not on Friday.
    assert case.due_date == dt.date(2026, 11, 9)


def test_acceptance_is_logged_and_the_first_review_step_opens(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        case_accept(actor=clerk, case=case)
    assert event_kinds(case) == ["submitted", "accepted", "document_issued", "task_opened"]
    accepted = case.events.get(kind="accepted")
    assert accepted.actor == clerk
    assert accepted.before == {"status": "submitted"}
    assert accepted.after["due_date"] == "2026-10-13"
    review = only_open_task(case)
    assert (review.name, review.role, review.department.short_name) == ("审查", "approver", "市场监管局")


def test_accepting_records_the_clerks_findings_on_each_material(case, clerk):
    form = material(case, APPLICATION_FORM)
    with on(EVE_OF_NATIONAL_DAY):
        case_accept(actor=clerk, case=case, findings=[MaterialFinding(form.pk, CaseMaterial.REVIEW_OK, "签字齐全")])
    review = MaterialReview.objects.get(case=case, material=form)
    assert (review.result, review.note, review.reviewed_by) == ("ok", "签字齐全", clerk)


def test_a_required_material_found_missing_cannot_be_accepted_outright(case, clerk):
    form = material(case, APPLICATION_FORM)
    with on(EVE_OF_NATIONAL_DAY), pytest.raises(ValidationError) as caught:
        case_accept(actor=clerk, case=case, findings=[MaterialFinding(form.pk, CaseMaterial.REVIEW_MISSING)])
    field, rule, message = first_error(caught)
    assert (field, rule) == ("findings", "incomplete")
    assert "食品经营许可申请书" in message and "补正" in message
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED
    assert not case.documents.exists()


def test_a_case_already_accepted_cannot_be_accepted_again(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        case_accept(actor=clerk, case=case)
        with pytest.raises(Conflict) as caught:
            case_accept(actor=clerk, case=case)
    assert "已被他人处理" in str(caught.value) and "办理中" in str(caught.value)
    assert case.documents.count() == 1


# --- 不予受理 -------------------------------------------------------------------------------------


def test_refusing_needs_a_reason(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_refuse(actor=clerk, case=case, reason="  ")
    assert first_error(caught) == ("reason", "required", "请填写不予受理的理由")
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED
    assert not case.documents.exists()


def test_refusing_ends_the_case_with_the_not_accepted_notice_and_its_reason(case, clerk):
    reason = "申请事项依法不需要取得行政许可"
    with on(EVE_OF_NATIONAL_DAY):
        document = case_refuse(actor=clerk, case=case, reason=reason)
    case.refresh_from_db()
    assert case.status == Case.STATUS_NOT_ACCEPTED
    assert case.get_status_display() == "不予受理"
    assert case.closed_reason == reason
    assert document.kind == CaseDocument.KIND_NOT_ACCEPTED
    assert document.number == "不受字〔2026〕第00001号"
    assert document.body == {"reason": reason}
    assert event_kinds(case)[-2:] == ["not_accepted", "document_issued"]
    assert case.events.get(kind="not_accepted").after["reason"] == reason


def test_a_refused_case_has_no_clock_and_no_process(case, clerk):
    case_refuse(actor=clerk, case=case, reason="不属于本部门职权范围")
    case.refresh_from_db()
    assert (case.accepted_on, case.due_date) == (None, None)
    assert not case.tasks.exists()


# --- 补正 -----------------------------------------------------------------------------------------


def _request_supplement(case, clerk):
    layout, cold = material(case, LAYOUT), material(case, COLD_STORAGE)
    return case_request_supplement(
        actor=clerk,
        case=case,
        points=[
            SupplementPoint("布局图未标明生熟分区", material_id=layout.pk),
            SupplementPoint("缺少冷库温度记录", material_id=cold.pk),
            SupplementPoint("未加盖公章", name="委托书"),
        ],
    )


def _answer_every_point(case, applicant):
    for name in (LAYOUT, COLD_STORAGE):
        case_material_upload(actor=applicant, case=case, material=material(case, name), data=PDF, filename=f"{name}.pdf")
    case_material_upload(actor=applicant, case=case, material=None, name="委托书", data=PDF, filename="委托书.pdf")


def test_supplement_notice_lists_every_point_at_once(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        document = _request_supplement(case, clerk)
    assert document.kind == CaseDocument.KIND_SUPPLEMENT
    assert document.get_kind_display() == "补正材料一次性告知书"
    assert document.number == "补字〔2026〕第00001号"
    assert [(p["name"], p["problem"]) for p in document.body["points"]] == [
        (LAYOUT, "布局图未标明生熟分区"),
        (COLD_STORAGE, "缺少冷库温度记录"),
        ("委托书", "未加盖公章"),
    ]


def test_supplement_notice_marks_the_listed_materials_defective_and_waits_for_the_applicant(case, clerk):
    _request_supplement(case, clerk)
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUPPLEMENT
    assert case.get_status_display() == "待补正"
    results = dict(MaterialReview.objects.filter(case=case).values_list("material__name", "result"))
    assert results == {LAYOUT: "defective", COLD_STORAGE: "defective"}
    assert case.events.get(kind="supplement_requested").after["points"][2]["name"] == "委托书"


def test_supplement_notice_needs_at_least_one_point(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_request_supplement(actor=clerk, case=case, points=[])
    assert first_error(caught) == ("points", "required", "请列出需要补正的全部材料")


def test_every_supplement_point_needs_the_problem_written_out(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(" ", material_id=material(case, LAYOUT).pk)])
    assert first_error(caught) == ("points", "problem_required", "请写明每项材料需要补正的内容")
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_the_supplement_clock_has_not_started(case, clerk):
    _request_supplement(case, clerk)
    case.refresh_from_db()
    assert (case.accepted_on, case.limit_days, case.due_date) == (None, None, None)
    assert not case.tasks.exists()


def test_applicants_supplement_returns_the_case_to_the_prereview_queue(case, applicant, clerk):
    _request_supplement(case, clerk)
    assert case not in prereview_queue_for_clerk(user=clerk)
    _answer_every_point(case, applicant)
    case_supplement_submit(actor=applicant, case=case)
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED
    assert case in prereview_queue_for_clerk(user=clerk)
    assert event_kinds(case)[-2:] == ["material_uploaded", "supplemented"]


def test_supplement_is_refused_until_every_point_of_the_notice_is_answered(case, applicant, clerk):
    _request_supplement(case, clerk)
    case_material_upload(actor=applicant, case=case, material=material(case, LAYOUT), data=PDF, filename="布局图.pdf")
    with pytest.raises(ValidationError) as refused:
        case_supplement_submit(actor=applicant, case=case)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("points.1", "not_supplemented"), ("points.2", "not_supplemented")]
    assert "冷藏冷冻设施清单" in refused.value.errors[0].message
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUPPLEMENT


def test_after_a_supplement_the_clock_starts_on_the_day_of_acceptance(applicant, clerk, food, person):
    with on(dt.date(2026, 9, 24)):
        case = submit(applicant, food, person=person)
        _request_supplement(case, clerk)
    with on(EVE_OF_NATIONAL_DAY):
        _answer_every_point(case, applicant)
        case_supplement_submit(actor=applicant, case=case)
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    assert case.accepted_on == EVE_OF_NATIONAL_DAY
    assert case.due_date == dt.date(2026, 10, 13)


def test_a_case_waiting_for_supplement_cannot_be_accepted(case, clerk):
    _request_supplement(case, clerk)
    with pytest.raises(Conflict) as caught:
        case_accept(actor=clerk, case=case)
    assert "待补正" in str(caught.value)


# --- 容缺受理 -------------------------------------------------------------------------------------


def test_rongque_acceptance_issues_its_notice_with_the_commitment_and_deadline(case, clerk):
    layout = material(case, LAYOUT)
    with on(EVE_OF_NATIONAL_DAY):
        document = case_accept_rongque(
            actor=clerk, case=case, missing_material_ids=[layout.pk], commitment_text="本人承诺3个工作日内补齐", days=3
        )
    assert document.kind == CaseDocument.KIND_RONGQUE
    assert document.number == "容字〔2026〕第00001号"
    # Three working days after 09-30: 10-08, 10-09 and the 调休 Saturday 10-10.
    assert document.body["supplement_due"] == "2026-10-10"
    assert document.body["missing"] == [LAYOUT]
    assert document.body["commitment"] == "本人承诺3个工作日内补齐"
    commitment = case.commitments.get()
    assert (commitment.kind, commitment.status, commitment.due_date) == ("rongque", "open", dt.date(2026, 10, 10))
    assert commitment.materials == [{"id": layout.pk, "name": LAYOUT}]


def test_rongque_acceptance_starts_the_clock_like_an_ordinary_acceptance(case, clerk):
    with on(EVE_OF_NATIONAL_DAY):
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[material(case, LAYOUT).pk], commitment_text="承诺补齐")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    assert case.due_date == dt.date(2026, 10, 13)
    assert "rongque_accepted" in event_kinds(case)
    assert case.commitments.get().due_date == dt.date(2026, 10, 20)  # GOVHALL_RONGQUE_DAYS = 10


def test_rongque_is_refused_for_an_item_not_on_the_rongque_list(applicant, clerk, county, person):
    id_card = county.items["id_card"]
    case = submit(applicant, id_card, person=person, answers=[])
    household = case.item_version.materials.get()
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[household.pk], commitment_text="承诺补齐")
    assert ("rongque", "not_listed", "该事项不在容缺受理清单内") in [(e.field, e.rule, e.message) for e in caught.value.errors]
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_rongque_is_refused_for_a_material_not_allowed_to_be_missing(case, clerk):
    form = material(case, APPLICATION_FORM)
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[form.pk], commitment_text="承诺补齐")
    assert first_error(caught) == ("missing_materials", "not_rongque", "材料“食品经营许可申请书”不可容缺，须补正后受理")
    assert not CaseCommitment.objects.exists()


def test_rongque_needs_the_missing_materials_named(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[], commitment_text="承诺补齐")
    assert first_error(caught) == ("missing_materials", "required", "请选择容缺的材料")


def test_rongque_needs_the_applicants_written_commitment(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[material(case, LAYOUT).pk], commitment_text=" ")
    assert first_error(caught) == ("commitment_text", "required", "请填写申请人的书面承诺")


def test_rongque_deadline_is_between_1_and_30_working_days(case, clerk):
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(actor=clerk, case=case, missing_material_ids=[material(case, LAYOUT).pk], commitment_text="承诺", days=31)
    assert first_error(caught) == ("days", "range", "补齐期限须为 1 至 30 个工作日")


def test_rongque_refuses_a_material_that_is_defective_and_may_not_be_missing(case, clerk):
    form = material(case, APPLICATION_FORM)
    with pytest.raises(ValidationError) as caught:
        case_accept_rongque(
            actor=clerk,
            case=case,
            missing_material_ids=[material(case, LAYOUT).pk],
            commitment_text="承诺补齐",
            findings=[MaterialFinding(form.pk, CaseMaterial.REVIEW_DEFECTIVE, "未签字")],
        )
    field, rule, message = first_error(caught)
    assert (field, rule) == ("findings", "incomplete")
    assert "食品经营许可申请书" in message


def test_files_can_be_added_after_acceptance_only_to_a_rongque_case(case, applicant, clerk):
    case_accept(actor=clerk, case=case)
    with pytest.raises(Conflict) as caught:
        case_material_upload(actor=applicant, case=case, material=material(case, LAYOUT), data=PDF, filename="布局.pdf")
    assert "只有容缺受理的办件可以补交材料" in str(caught.value)
