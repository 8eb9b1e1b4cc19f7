"""审批工作台 (CASE-4, CASE-5, CASE-6, CASE-8): the department's open tasks by the working days left,
extension requests for section heads, 告知承诺 verifications due, results to deliver; the task page
(the case with its history and the other departments' opinions, and the step's decision); the
extension and verification decisions.

Every view: parse → call one service or selector → render. A task or case the user may not see is
a 404; a step of another role or department can be read by those who see the case, not done.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases import permissions, services
from govhall.cases.clock import remaining_days
from govhall.cases.forms_staff import ExtensionDecideForm, TaskForm, VerifyForm, apply_errors
from govhall.cases.models import Case, CaseCommitment, CaseExtension, CaseTask
from govhall.cases.selectors import (
    deliveries_for_department,
    extensions_pending_for_head,
    get_case_for_user,
    get_task_for_user,
    tasks_for_staff,
    verifications_for_department,
)
from govhall.cases.views_staff import (
    LIST_LIMIT,
    applicant_line,
    applicant_summary,
    local_time,
    remaining_label,
    render_case_page,
    require_perm,
    urgency,
    xlsx_response,
)
from govhall.core.errors import DomainError

APPROVAL_PERMS = ("cases.review_case", "cases.decide_case")


# --- the workbench ------------------------------------------------------------------------------


def _task_rows(user) -> list[dict[str, Any]]:
    """The department's open tasks for this user's roles, the fewest working days left first
    (overdue at the top); a case whose clock is stopped (特别程序) goes after the running ones."""
    tasks = list(
        tasks_for_staff(user=user)
        .exclude(role="clerk")
        .select_related("case__applicant_person", "case__applicant_enterprise", "case__department")
    )
    days = remaining_days([t.case for t in tasks])
    tasks.sort(key=lambda t: (days[t.case_id] is None, days[t.case_id] or 0, t.opened_at, t.pk))
    return [
        {"task": t, "days": days[t.case_id], "label": remaining_label(days[t.case_id]), "urgency": urgency(days[t.case_id])} for t in tasks
    ]


def _days_left(due, today) -> int:
    return (due - today).days


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, *APPROVAL_PERMS)
    user = request.user
    today = timezone.localdate()
    rows = _task_rows(user)
    extensions = extensions_pending_for_head(user=user)
    verifications = verifications_for_department(user=user)
    deliveries = deliveries_for_department(user=user)
    context = {
        "profile": permissions.staff_profile(user),
        "tasks": rows[:LIST_LIMIT],
        "task_count": len(rows),
        "overdue_count": sum(1 for r in rows if r["days"] is not None and r["days"] < 0),
        "urgent_count": sum(1 for r in rows if r["urgency"] in ("red", "amber")),
        "extensions": list(extensions[:LIST_LIMIT]),
        "extension_count": extensions.count(),
        "is_head": user.has_perm("cases.decide_case"),
        "verifications": [{"commitment": c, "left": _days_left(c.due_date, today)} for c in verifications[:LIST_LIMIT]],
        "verification_count": verifications.count(),
        "deliveries": [{"case": c, "applicant": applicant_summary(c)} for c in deliveries[:LIST_LIMIT]],
        "delivery_count": deliveries.count(),
        "limit": LIST_LIMIT,
    }
    return render(request, "cases/staff/approval.html", context)


@login_required
@require_GET
def workbench_export(request: HttpRequest, which: str) -> HttpResponse:
    require_perm(request.user, *APPROVAL_PERMS)
    user = request.user
    if which == "tasks":
        return xlsx_response(
            _("我的待办"),
            [_("办件编号"), _("事项"), _("申请人"), _("环节"), _("办理部门"), _("到达时间"), _("办理期限"), _("剩余工作日"), _("状态")],
            (
                [
                    r["task"].case.number,
                    r["task"].case.item_version.name,
                    applicant_line(r["task"].case),
                    r["task"].name,
                    r["task"].department.name if r["task"].department else "",
                    local_time(r["task"].opened_at),
                    r["task"].case.due_date,
                    r["days"],
                    r["task"].case.get_status_display(),
                ]
                for r in _task_rows(user)
            ),
            [26, 36, 32, 12, 28, 18, 12, 12, 12],
        )
    if which == "extensions":
        return xlsx_response(
            _("待审批的延期申请"),
            [_("办件编号"), _("事项"), _("延长工作日"), _("延期理由"), _("申请人"), _("申请时间")],
            (
                [e.case.number, e.case.item_version.name, e.days, e.reason, e.requested_by.get_full_name(), local_time(e.requested_at)]
                for e in extensions_pending_for_head(user=user)
            ),
            [26, 36, 10, 40, 12, 18],
        )
    if which == "verifications":
        return xlsx_response(
            _("告知承诺待核查"),
            [_("办件编号"), _("事项"), _("承诺内容"), _("核查期限")],
            ([c.case.number, c.case.item_version.name, c.text, c.due_date] for c in verifications_for_department(user=user)),
            [26, 36, 40, 12],
        )
    if which == "deliveries":
        return xlsx_response(
            _("待送达"),
            [_("办件编号"), _("事项"), _("申请人"), _("决定"), _("决定时间")],
            (
                [c.number, c.item_version.name, applicant_line(c), c.get_decision_display(), local_time(c.decided_at)]
                for c in deliveries_for_department(user=user)
            ),
            [26, 36, 32, 10, 18],
        )
    raise Http404


# --- one task -----------------------------------------------------------------------------------


def _staff_task(request: HttpRequest, task_id: int) -> CaseTask:
    require_perm(request.user, "cases.accept_case", "cases.review_case", "cases.decide_case", "cases.view_all_cases")
    task = get_task_for_user(user=request.user, task_id=task_id)
    # The case with everything the page shows, through the same check.
    task.case = get_case_for_user(user=request.user, case_id=task.case_id)
    return task


@login_required
@require_GET
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _staff_task(request, task_id)
    return render_case_page(request, task.case, task=task)


@login_required
@require_POST
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _staff_task(request, task_id)
    form = TaskForm(request.POST, task=task)
    status = 400
    if form.is_valid():
        outcome, opinion = form.cleaned_data["outcome"], form.cleaned_data["opinion"]
        try:
            services.task_complete(actor=request.user, task=task, outcome=outcome, opinion=opinion)
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status_code
        else:
            case = Case.objects.get(pk=task.case_id)
            text = _("已办理“%(task)s”：%(outcome)s") % {"task": task.name, "outcome": dict(CaseTask.OUTCOME_CHOICES)[outcome]}
            if case.status == Case.STATUS_TO_DELIVER:
                text += _("。审批已完成，已出具%(decision)s决定书，待送达") % {"decision": case.get_decision_display()}
            messages.success(request, text)
            return redirect("cases_staff:window" if task.role == "clerk" else "cases_staff:approval")
    task.case.refresh_from_db()
    return render_case_page(request, task.case, task=task, bound={"task": form}, status=status)


# --- extension and verification decisions ----------------------------------------------------------


def _decision_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    case = context["case"]
    context.update(applicant=applicant_summary(case), remaining_label=remaining_label(remaining_days([case])[case.pk]))
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def extension_decide(request: HttpRequest, extension_id: int) -> HttpResponse:
    require_perm(request.user, "cases.decide_case")
    extension = CaseExtension.objects.select_related("requested_by", "decided_by").filter(pk=extension_id).first()
    if extension is None:
        raise Http404
    case = get_case_for_user(user=request.user, case_id=extension.case_id)
    extension.case = case
    form = ExtensionDecideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            approve = form.cleaned_data["approve"]
            try:
                services.case_extension_decide(actor=request.user, extension=extension, approve=approve, note=form.cleaned_data["note"])
            except DomainError as exc:
                apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已批准延期，已出具延期办理告知书") if approve else _("已决定不批准延期"))
                return redirect("cases_staff:approval")
    context = {"case": case, "extension": extension, "form": form, "pending": extension.status == CaseExtension.STATUS_PENDING}
    return _decision_page(request, "cases/staff/extension.html", context, status)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_verify(request: HttpRequest, commitment_id: int) -> HttpResponse:
    require_perm(request.user, *APPROVAL_PERMS)
    commitment = CaseCommitment.objects.filter(pk=commitment_id, kind=CaseCommitment.KIND_GAOZHI).first()
    if commitment is None:
        raise Http404
    case = get_case_for_user(user=request.user, case_id=commitment.case_id)
    commitment.case = case
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            passed = form.cleaned_data["passed"]
            try:
                services.commitment_verify(actor=request.user, commitment=commitment, passed=passed, note=form.cleaned_data["note"])
            except DomainError as exc:
                apply_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("核查属实，承诺已办结") if passed else _("核查不实：许可已撤销，已记入信用记录"))
                return redirect("cases_staff:approval")
    context = {
        "case": case,
        "commitment": commitment,
        "form": form,
        "pending": commitment.status == CaseCommitment.STATUS_OPEN,
        "left": _days_left(commitment.due_date, timezone.localdate()),
    }
    return _decision_page(request, "cases/staff/verify.html", context, status)
