"""The whole path of a 承诺件 through the services: apply online, 容缺受理, supplement, parallel
review by two departments, decision, delivery."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from govhall.cases.models import Case, CaseDocument, CaseTask
from govhall.cases.services import (
    case_accept_rongque,
    case_deliver,
    case_material_upload,
    case_submit,
    commitment_fulfil,
    process_bind,
    task_complete,
)
from govhall.catalog.models import Material

PDF = b"%PDF-1.4\n% test\n"


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def test_joint_review_case_runs_from_application_to_delivery(county, person, food):
    users = county.users
    process_bind(actor=users["sysadmin"], item=food, reason="会商联审", co_departments=[county.departments["公安局"]])
    # Accepted on Wednesday 2026-09-30: 国庆 (10-01..10-07) is skipped and Saturday 10-10 is a
    # make-up workday (调休), so 5 working days end on 10-13, not on the weekday count's 10-07.
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 9, 30))):
        case = case_submit(
            actor=users["applicant"],
            item=food,
            applicant_person=person,
            channel="online",
            answers=["q1.a", "q2.y"],
            form={},
            idempotency_key="k1",
        )
        missing = Material.objects.filter(version=case.item_version, rongque_allowed=True).first()
        doc = case_accept_rongque(
            actor=users["clerk"], case=case, missing_material_ids=[missing.pk], commitment_text="本人承诺10个工作日内补齐"
        )
    case.refresh_from_db()
    assert doc.kind == CaseDocument.KIND_RONGQUE
    assert case.status == Case.STATUS_IN_PROGRESS
    assert case.due_date == dt.date(2026, 10, 13)
    tasks = list(CaseTask.objects.filter(case=case, status="open"))
    assert sorted(t.department.short_name for t in tasks) == ["公安局", "市场监管局"]
    for task in tasks:
        approver = users["approver"] if task.department.short_name == "市场监管局" else users["police_approver"]
        task_complete(actor=approver, task=task, outcome="approve", opinion="符合条件")
    decide = CaseTask.objects.get(case=case, status="open")
    assert decide.is_decision
    try:
        task_complete(actor=users["section_head"], task=decide, outcome="approve")
        raise AssertionError("decided before the 容缺 materials arrived")
    except Exception as exc:
        assert "容缺材料尚未补齐" in str(exc)
    case_material_upload(actor=users["applicant"], case=case, material=missing, data=PDF, filename="布局.pdf")
    commitment_fulfil(actor=users["applicant"], case=case)
    task_complete(actor=users["section_head"], task=decide, outcome="approve")
    certify = CaseTask.objects.get(case=case, status="open")
    assert certify.name == "制证"
    task_complete(actor=users["approver"], task=certify, outcome="approve")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER and case.decision == Case.DECISION_APPROVED
    case_deliver(actor=users["clerk"], case=case, method="electronic")
    case.refresh_from_db()
    assert case.status == Case.STATUS_DONE
    assert case.visits == 0
    assert set(case.documents.values_list("kind", flat=True)) == {"rongque", "approval"}
