"""Staff case pages: the window workbench and acceptance, 现场申请, the approval workbench and task
page, extension and process settings — who gets in, what the lists show, and that each form does
its one action (or says next to the field why not)."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseExtension, CasePause, CaseTask, ProcessBinding
from govhall.cases.services import case_accept, case_submit, task_complete
from govhall.catalog.models import Material
from govhall.catalog.selectors import applicable
from govhall.org import roles
from govhall.org.models import StaffProfile, Window

from .conftest import RIC

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% scanned at the window\n"
NEW_RIC = "150727200303070020"


def _submit(actor, item, person, *, answers=("q1.a", "q2.n"), channel=Case.CHANNEL_ONLINE):
    return case_submit(
        actor=actor,
        item=item,
        applicant_person=person,
        channel=channel,
        answers=list(answers),
        form={"经营场所": "宝格德乌拉街1号"},
        idempotency_key=None,
    )


def _materials(case: Case) -> list[Material]:
    materials, _steps = applicable(case.item_version, set(case.answers))
    return materials


def _all_ok(case: Case, **extra) -> dict:
    data = {f"m-{m.pk}-result": "ok" for m in _materials(case)}
    data.update(extra)
    return data


def _at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def submitted(applicant, person, food):
    return _submit(applicant, food, person)


@pytest.fixture
def second_clerk(county):
    window = Window.objects.create(
        centre=county.centre, number="A02", name="综合受理窗口", kind=Window.KIND_COMPREHENSIVE, accepts_all_items=True
    )
    user = User.objects.create_user(username="clerk2", password="govhall-test-pw", first_name="朝鲁")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=county.centre, window=window)
    return user


@pytest.fixture
def accepted(submitted, clerk):
    case_accept(actor=clerk, case=submitted)
    submitted.refresh_from_db()
    return submitted


def _open_task(case: Case) -> CaseTask:
    return CaseTask.objects.get(case=case, status=CaseTask.STATUS_OPEN)


# --- the window workbench ------------------------------------------------------------------------


def test_window_workbench_lists_the_submission_with_the_applicant_masked(client, clerk, submitted):
    client.force_login(clerk)

    page = client.get(reverse("cases_staff:window")).content.decode()

    assert submitted.number in page
    assert "食品经营许可证核发" in page
    assert "150727********1232" in page
    assert RIC not in page
    assert "网上办" in page
    assert reverse("cases_staff:accept", args=[submitted.pk]) in page


def test_window_workbench_is_closed_to_applicants_and_approvers(client, applicant, approver, submitted):
    for user in (applicant, approver):
        client.force_login(user)
        assert client.get(reverse("cases_staff:window")).status_code == 403
        assert client.get(reverse("cases_staff:window-export", args=["queue"])).status_code == 403


def test_window_queue_exports_to_excel(client, clerk, submitted):
    client.force_login(clerk)

    response = client.get(reverse("cases_staff:window-export", args=["queue"]))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("办件编号", "事项", "申请人")
    assert rows[1][0] == submitted.number
    assert RIC not in str(rows[1])


def test_overdue_rongque_commitment_shows_on_the_workbench(client, clerk, submitted):
    client.force_login(clerk)
    rongque = next(m for m in _materials(submitted) if m.rongque_allowed)
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 3, 2))):
        client.post(
            reverse("cases_staff:accept", args=[submitted.pk]),
            {
                **_all_ok(submitted),
                f"m-{rongque.pk}-result": "missing",
                "decision": "rongque",
                "rongque_missing": [rongque.pk],
                "commitment_text": "10个工作日内补齐",
                "days": "3",
            },
        )
    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 3, 12))):
        page = client.get(reverse("cases_staff:window")).content.decode()

    assert CaseCommitment.objects.filter(case=submitted, kind="rongque").exists()
    section = page.split('id="rongque"')[1]
    assert submitted.number in section
    assert rongque.name in section


# --- 现场申请 --------------------------------------------------------------------------------------


def test_walk_in_finds_a_registered_person_by_id_number(client, clerk, person):
    client.force_login(clerk)

    page = client.get(reverse("cases_staff:walk-in"), {"id": RIC.lower()}).content.decode()

    assert "张三" in page and "150727********1232" in page
    assert f"?applicant=p%3A{person.pk}" in page


def test_walk_in_registers_a_new_person_and_submits_at_the_window(client, clerk, food):
    client.force_login(clerk)
    page = client.get(reverse("cases_staff:walk-in"), {"id": NEW_RIC}).content.decode()
    assert "该申请人尚未登记" in page

    registered = client.post(
        reverse("cases_staff:walk-in-register"), {"kind": "person", "name": "王五", "id_number": NEW_RIC, "phone": "13900001111"}
    )
    assert registered.status_code == 302
    ref = registered["Location"].split("applicant=")[1]
    chosen = client.get(reverse("cases_staff:walk-in"), {"applicant": ref.replace("%3A", ":"), "item": food.pk}).content.decode()
    assert "提交并预审" in chosen

    response = client.post(
        reverse("cases_staff:walk-in"),
        {
            "applicant": ref.replace("%3A", ":"),
            "item": food.pk,
            "idempotency_key": "walk-1",
            "q-q1": "q1.b",
            "q-q2": "q2.n",
            "contact_phone": "13900001111",
        },
    )

    case = Case.objects.get(idempotency_key="walk-1")
    assert response.status_code == 302 and response["Location"] == reverse("cases_staff:accept", args=[case.pk])
    assert case.channel == Case.CHANNEL_WINDOW and case.on_behalf and case.visits == 1
    assert case.applicant_person.name == "王五"
    assert case.answers == ["q1.b", "q2.n"]
    assert case.status == Case.STATUS_SUBMITTED


def test_walk_in_needs_every_situation_answered(client, clerk, person, food):
    client.force_login(clerk)

    response = client.post(
        reverse("cases_staff:walk-in"), {"applicant": f"p:{person.pk}", "item": food.pk, "idempotency_key": "walk-2", "q-q1": "q1.a"}
    )

    assert response.status_code == 400
    assert "请选择“是否经营冷藏冷冻食品”" in response.content.decode()
    assert not Case.objects.exists()


def test_walk_in_registration_shows_a_bad_id_number_next_to_the_field(client, clerk):
    client.force_login(clerk)

    response = client.post(reverse("cases_staff:walk-in-register"), {"kind": "person", "name": "王五", "id_number": "150727200303070021"})

    assert response.status_code == 400
    assert "公民身份号码校验位不正确" in response.content.decode()


# --- acceptance -----------------------------------------------------------------------------------


def test_acceptance_page_shows_the_material_list_and_checklist(client, clerk, submitted):
    client.force_login(clerk)

    page = client.get(reverse("cases_staff:accept", args=[submitted.pk])).content.decode()

    for material in _materials(submitted):
        assert material.name in page
    assert "冷藏冷冻设施清单" not in page  # not for the answers given (q2.n)
    assert "设备布局满足生熟分开要求" in page
    assert "宝格德乌拉街1号" in page
    assert 'value="rongque"' in page


def test_accept_via_the_page_issues_the_notice_and_starts_the_review(client, clerk, submitted):
    client.force_login(clerk)

    response = client.post(reverse("cases_staff:accept", args=[submitted.pk]), {**_all_ok(submitted), "decision": "accept"})

    document = CaseDocument.objects.get(case=submitted)
    assert response.status_code == 302 and response["Location"] == reverse("cases_staff:document", args=[document.pk])
    submitted.refresh_from_db()
    assert submitted.status == Case.STATUS_IN_PROGRESS and submitted.due_date is not None
    assert document.kind == CaseDocument.KIND_ACCEPTANCE
    assert _open_task(submitted).role == "approver"
    page = client.get(response["Location"]).content.decode()
    assert "受理通知书" in page and document.number in page
    assert reverse("cases_staff:document-pdf", args=[document.pk]) in page


def test_accepting_needs_a_finding_on_every_required_material(client, clerk, submitted):
    client.force_login(clerk)

    response = client.post(reverse("cases_staff:accept", args=[submitted.pk]), {"decision": "accept"})

    assert response.status_code == 400
    assert "请选择审核结果" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Case.STATUS_SUBMITTED and not CaseDocument.objects.exists()


def test_supplement_notice_lists_every_flagged_material_and_the_extra_points(client, clerk, submitted):
    client.force_login(clerk)
    first, second = _materials(submitted)[:2]
    data = _all_ok(submitted)
    data.update({f"m-{first.pk}-result": "missing", f"m-{second.pk}-result": "defective", f"m-{second.pk}-note": "复印件不清晰"})

    client.post(
        reverse("cases_staff:accept", args=[submitted.pk]),
        {**data, "extra-0-name": "经营场所租赁合同", "extra-0-problem": "请提供租赁合同复印件", "decision": "supplement"},
    )

    submitted.refresh_from_db()
    assert submitted.status == Case.STATUS_SUPPLEMENT
    document = CaseDocument.objects.get(case=submitted, kind=CaseDocument.KIND_SUPPLEMENT)
    points = {p["name"]: p["problem"] for p in document.body["points"]}
    assert points == {first.name: "未提交该材料，请补交", second.name: "复印件不清晰", "经营场所租赁合同": "请提供租赁合同复印件"}


def test_a_defective_material_needs_its_problem_written_before_the_notice(client, clerk, submitted):
    client.force_login(clerk)
    material = _materials(submitted)[0]

    response = client.post(
        reverse("cases_staff:accept", args=[submitted.pk]),
        {**_all_ok(submitted), f"m-{material.pk}-result": "defective", "decision": "supplement"},
    )

    assert response.status_code == 400
    assert "请写明该材料存在的问题" in response.content.decode()
    assert Case.objects.get(pk=submitted.pk).status == Case.STATUS_SUBMITTED


def test_refusing_without_a_reason_says_so_next_to_the_field(client, clerk, submitted):
    client.force_login(clerk)

    response = client.post(reverse("cases_staff:accept", args=[submitted.pk]), {"decision": "refuse", "reason": " "})

    assert response.status_code == 400
    assert "请填写不予受理的理由" in response.content.decode()
    assert Case.objects.get(pk=submitted.pk).status == Case.STATUS_SUBMITTED


def test_rongque_option_is_absent_for_items_not_on_the_rongque_list(client, county, clerk, applicant, person):
    case = _submit(applicant, county.items["id_card"], person, answers=())
    client.force_login(clerk)

    page = client.get(reverse("cases_staff:accept", args=[case.pk])).content.decode()
    response = client.post(
        reverse("cases_staff:accept", args=[case.pk]), {**_all_ok(case), "decision": "rongque", "commitment_text": "承诺补齐"}
    )

    assert "容缺受理" not in page and 'value="rongque"' not in page
    assert response.status_code == 400
    assert "该事项不在容缺受理清单内" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.STATUS_SUBMITTED


def test_rongque_acceptance_via_the_page_records_the_commitment(client, clerk, submitted):
    client.force_login(clerk)
    rongque = next(m for m in _materials(submitted) if m.rongque_allowed)

    response = client.post(
        reverse("cases_staff:accept", args=[submitted.pk]),
        {
            **_all_ok(submitted),
            f"m-{rongque.pk}-result": "missing",
            "decision": "rongque",
            "rongque_missing": [rongque.pk],
            "commitment_text": "本人承诺10个工作日内补齐",
            "days": "10",
        },
    )

    assert response.status_code == 302
    commitment = CaseCommitment.objects.get(case=submitted)
    assert commitment.materials == [{"id": rongque.pk, "name": rongque.name}]
    assert CaseDocument.objects.get(case=submitted).kind == CaseDocument.KIND_RONGQUE


def test_second_clerk_on_the_same_submission_is_told_it_was_handled(client, clerk, second_clerk, submitted):
    client.force_login(second_clerk)
    page = client.get(reverse("cases_staff:accept", args=[submitted.pk])).content.decode()
    assert "受理并出具受理通知书" in page
    # Meanwhile the first clerk accepts it.
    case_accept(actor=clerk, case=submitted)

    response = client.post(
        reverse("cases_staff:accept", args=[submitted.pk]), {**_all_ok(submitted), "decision": "refuse", "reason": "不属于本机关职权"}
    )

    assert response.status_code == 409
    assert "已被他人处理" in response.content.decode()
    assert list(CaseDocument.objects.filter(case=submitted).values_list("kind", flat=True)) == [CaseDocument.KIND_ACCEPTANCE]
    assert Case.objects.get(pk=submitted.pk).status == Case.STATUS_IN_PROGRESS


def test_acceptance_page_is_closed_to_applicants_and_approvers(client, applicant, approver, submitted):
    for user in (applicant, approver):
        client.force_login(user)
        assert client.get(reverse("cases_staff:accept", args=[submitted.pk])).status_code == 403
        assert (
            client.post(reverse("cases_staff:accept", args=[submitted.pk]), {**_all_ok(submitted), "decision": "accept"}).status_code == 403
        )
    assert Case.objects.get(pk=submitted.pk).status == Case.STATUS_SUBMITTED


def test_clerk_uploads_a_scanned_material_on_the_acceptance_page(client, clerk, submitted):
    client.force_login(clerk)
    material = _materials(submitted)[0]
    upload = io.BytesIO(PDF)
    upload.name = "申请书.pdf"

    response = client.post(reverse("cases_staff:upload", args=[submitted.pk]), {"material": material.pk, "file": upload, "next": "accept"})

    assert response.status_code == 302 and response["Location"] == reverse("cases_staff:accept", args=[submitted.pk])
    row = submitted.materials.get()
    assert client.get(reverse("cases_staff:material", args=[row.pk])).getvalue() == PDF


def test_uploaded_files_are_served_only_to_staff_who_see_the_case(client, applicant, police_approver, submitted):
    from govhall.cases.services import case_material_upload

    row = case_material_upload(actor=applicant, case=submitted, material=_materials(submitted)[0], data=PDF, filename="a.pdf")
    client.force_login(applicant)
    assert client.get(reverse("cases_staff:material", args=[row.pk])).status_code == 403
    client.force_login(police_approver)
    assert client.get(reverse("cases_staff:material", args=[row.pk])).status_code == 404


# --- approval -------------------------------------------------------------------------------------


def test_approval_tasks_are_ordered_by_remaining_working_days(client, clerk, applicant, approver, person, food):
    cases = {}
    # 5 working days: accepted 03-09 → due 03-16; 03-02 → due 03-09; 03-05 → due 03-12.
    for label, day in (("later", dt.date(2026, 3, 9)), ("overdue", dt.date(2026, 3, 2)), ("soon", dt.date(2026, 3, 5))):
        with mock.patch("django.utils.timezone.now", return_value=_at(day)):
            case = _submit(applicant, food, person)
            case_accept(actor=clerk, case=case)
        cases[label] = Case.objects.get(pk=case.pk)
    client.force_login(approver)

    with mock.patch("django.utils.timezone.now", return_value=_at(dt.date(2026, 3, 10))):
        page = client.get(reverse("cases_staff:approval")).content.decode()

    section = page.split('id="tasks"')[1].split("</section>")[0]
    positions = [section.index(cases[label].number) for label in ("overdue", "soon", "later")]
    assert positions == sorted(positions)
    assert "已超期 1 个工作日" in section and "badge red" in section
    assert "剩余 2 个工作日" in section and "badge amber" in section
    assert "剩余 4 个工作日" in section


def test_approval_workbench_is_closed_to_applicants_and_clerks(client, applicant, clerk):
    for user in (applicant, clerk):
        client.force_login(user)
        assert client.get(reverse("cases_staff:approval")).status_code == 403


def test_task_page_shows_the_case_history_with_staff_names_and_masked_applicant(client, approver, accepted):
    client.force_login(approver)

    page = client.get(reverse("cases_staff:task", args=[_open_task(accepted).pk])).content.decode()

    assert "150727********1232" in page and RIC not in page
    assert "李窗口" in page  # the clerk who accepted, by name
    assert "受理通知书" in page
    assert 'value="return"' not in page  # 退回 only at decision steps


def test_complete_a_task_via_the_page(client, approver, section_head, accepted):
    task = _open_task(accepted)
    client.force_login(approver)

    response = client.post(reverse("cases_staff:task-complete", args=[task.pk]), {"outcome": "approve", "opinion": "材料齐全，符合条件"})

    assert response.status_code == 302 and response["Location"] == reverse("cases_staff:approval")
    task.refresh_from_db()
    assert task.status == CaseTask.STATUS_DONE and task.opinion == "材料齐全，符合条件" and task.completed_by == approver
    decide = _open_task(accepted)
    assert decide.is_decision
    client.force_login(section_head)
    page = client.get(reverse("cases_staff:task", args=[decide.pk])).content.decode()
    assert "材料齐全，符合条件" in page and "王审批" in page
    assert 'value="return"' in page


def test_refusing_a_step_without_an_opinion_is_shown_next_to_the_field(client, approver, accepted):
    task = _open_task(accepted)
    client.force_login(approver)

    response = client.post(reverse("cases_staff:task-complete", args=[task.pk]), {"outcome": "reject", "opinion": ""})

    assert response.status_code == 400
    assert "不同意或退回时须填写意见" in response.content.decode()
    assert CaseTask.objects.get(pk=task.pk).status == CaseTask.STATUS_OPEN


def test_other_departments_cannot_see_or_do_the_task(client, applicant, police_approver, accepted):
    task = _open_task(accepted)
    client.force_login(police_approver)
    assert client.get(reverse("cases_staff:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("cases_staff:task-complete", args=[task.pk]), {"outcome": "approve"}).status_code == 404
    assert client.post(reverse("cases_staff:pause-start", args=[accepted.pk]), {"kind": "testing", "reason": "x"}).status_code == 404
    client.force_login(applicant)
    assert client.get(reverse("cases_staff:task", args=[task.pk])).status_code == 403
    assert client.get(reverse("cases_staff:case", args=[accepted.pk])).status_code == 403
    assert CaseTask.objects.get(pk=task.pk).status == CaseTask.STATUS_OPEN
    assert Case.objects.get(pk=accepted.pk).status == Case.STATUS_IN_PROGRESS


def test_pause_and_extension_via_the_task_page(client, approver, section_head, accepted):
    task = _open_task(accepted)
    client.force_login(approver)

    paused = client.post(reverse("cases_staff:pause-start", args=[accepted.pk]), {"kind": "testing", "reason": "送检样品", "task": task.pk})
    asked = client.post(
        reverse("cases_staff:extension-request", args=[accepted.pk]), {"days": "5", "reason": "检验周期较长", "task": task.pk}
    )

    assert paused.status_code == 302 and paused["Location"] == reverse("cases_staff:task", args=[task.pk])
    assert asked.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Case.STATUS_SUSPENDED
    assert CasePause.objects.get(case=accepted).kind == "testing"
    extension = CaseExtension.objects.get(case=accepted)
    assert extension.status == CaseExtension.STATUS_PENDING and extension.days == 5

    client.force_login(section_head)
    workbench = client.get(reverse("cases_staff:approval")).content.decode()
    assert "检验周期较长" in workbench
    decided = client.post(reverse("cases_staff:extension", args=[extension.pk]), {"approve": "1", "note": "同意"})

    assert decided.status_code == 302
    accepted.refresh_from_db()
    assert accepted.extension_days == 5
    assert CaseDocument.objects.filter(case=accepted, kind=CaseDocument.KIND_EXTENSION).exists()


def test_extension_over_the_legal_maximum_is_refused_next_to_the_days_field(client, approver, accepted):
    client.force_login(approver)

    response = client.post(reverse("cases_staff:extension-request", args=[accepted.pk]), {"days": "15", "reason": "检验周期较长"})

    assert response.status_code == 400
    assert "延期须为 1 至 10 个工作日" in response.content.decode()
    assert not CaseExtension.objects.exists()


def test_decided_case_is_delivered_at_the_window_via_the_case_page(client, clerk, approver, section_head, accepted):
    task_complete(actor=approver, task=_open_task(accepted), outcome="approve", opinion="符合条件")
    task_complete(actor=section_head, task=_open_task(accepted), outcome="approve")
    task_complete(actor=approver, task=_open_task(accepted), outcome="approve")  # 制证
    client.force_login(clerk)
    assert accepted.number in client.get(reverse("cases_staff:window")).content.decode().split('id="deliveries"')[1]

    response = client.post(reverse("cases_staff:deliver", args=[accepted.pk]), {"method": "window", "note": "申请人本人领取"})

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Case.STATUS_DONE and accepted.delivery_method == "window"


def test_delivery_by_post_needs_the_address(client, clerk, approver, section_head, accepted):
    task_complete(actor=approver, task=_open_task(accepted), outcome="approve", opinion="符合条件")
    task_complete(actor=section_head, task=_open_task(accepted), outcome="approve")
    task_complete(actor=approver, task=_open_task(accepted), outcome="approve")
    client.force_login(clerk)

    response = client.post(reverse("cases_staff:deliver", args=[accepted.pk]), {"method": "post"})

    assert response.status_code == 400
    assert "邮寄送达须填写邮寄地址" in response.content.decode()
    assert Case.objects.get(pk=accepted.pk).status == Case.STATUS_TO_DELIVER


# --- process settings -------------------------------------------------------------------------------


def test_process_settings_are_closed_to_other_roles_and_departments(client, clerk, other_dept_admin, food):
    client.force_login(clerk)
    assert client.get(reverse("cases_staff:processes")).status_code == 403
    client.force_login(other_dept_admin)
    assert client.get(reverse("cases_staff:process", args=[food.pk])).status_code == 404
    assert (
        client.post(reverse("cases_staff:process", args=[food.pk]), {"source": "builtin", "builtin": "promised", "reason": "x"}).status_code
        == 404
    )
    assert not ProcessBinding.objects.exists()


def test_process_page_shows_the_default_process_of_the_item(client, dept_admin, food):
    client.force_login(dept_admin)

    page = client.get(reverse("cases_staff:process", args=[food.pk])).content.decode()

    assert "承诺件（审查→决定→制证）" in page
    assert "制证" in page


def test_bind_a_builtin_template_with_a_joint_review_department(client, county, dept_admin, food):
    client.force_login(dept_admin)
    police = county.departments["公安局"]

    response = client.post(
        reverse("cases_staff:process", args=[food.pk]),
        {"source": "builtin", "builtin": "joint_review", "co_departments": [police.pk], "reason": "涉及消防安全，需公安会商"},
    )

    assert response.status_code == 302
    binding = ProcessBinding.objects.get(item=food)
    assert binding.definition.builtin == "joint_review"
    assert list(binding.co_departments.all()) == [police]
    assert "多部门会商联审" in client.get(response["Location"]).content.decode()


def test_a_broken_bpmn_upload_shows_the_engine_reason_next_to_the_file_field(client, dept_admin, food):
    client.force_login(dept_admin)
    upload = io.BytesIO(b"<definitions><process></definitions>")
    upload.name = "broken.bpmn"

    response = client.post(reverse("cases_staff:process", args=[food.pk]), {"source": "upload", "bpmn": upload, "reason": "自定义流程"})

    assert response.status_code == 400
    page = response.content.decode()
    field = page.split('id="id_bpmn"')[1].split("</div>")[0]
    assert "不是有效的 XML" in field
    assert not ProcessBinding.objects.exists()


# --- documents --------------------------------------------------------------------------------------


def test_document_pdf_is_served_to_staff_who_see_the_case(client, clerk, police_approver, accepted):
    pytest.importorskip("govhall.cases.documents")
    document = CaseDocument.objects.get(case=accepted)
    client.force_login(clerk)

    response = client.get(reverse("cases_staff:document-pdf", args=[document.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(police_approver)
    assert client.get(reverse("cases_staff:document-pdf", args=[document.pk])).status_code == 404


def test_the_queue_refreshes_as_a_partial_for_htmx(client, clerk, submitted):
    client.force_login(clerk)

    response = client.get(reverse("cases_staff:window"), {"part": "queue"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="queue"')
    assert submitted.number in body and "<html" not in body


def test_gaozhi_commitment_is_verified_via_the_page(client, clerk, applicant, approver, section_head, person, food):
    case = case_submit(
        actor=applicant,
        item=food,
        applicant_person=person,
        channel="online",
        answers=["q1.a", "q2.n"],
        form={},
        idempotency_key=None,
        gaozhi=True,
    )
    case_accept(actor=clerk, case=case)
    task_complete(actor=approver, task=_open_task(case), outcome="approve", opinion="符合条件")
    task_complete(actor=section_head, task=_open_task(case), outcome="approve")
    task_complete(actor=approver, task=_open_task(case), outcome="approve")
    commitment = CaseCommitment.objects.get(case=case, kind="gaozhi")
    client.force_login(approver)
    assert reverse("cases_staff:verify", args=[commitment.pk]) in client.get(reverse("cases_staff:approval")).content.decode()

    empty = client.post(reverse("cases_staff:verify", args=[commitment.pk]), {"passed": "1", "note": ""})
    done = client.post(reverse("cases_staff:verify", args=[commitment.pk]), {"passed": "1", "note": "现场核查，承诺属实"})

    assert empty.status_code == 400 and "请填写核查情况" in empty.content.decode()
    assert done.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CaseCommitment.STATUS_PASSED
