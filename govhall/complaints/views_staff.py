"""Staff pages, mounted at /staff/complaints/: work orders (lists, overdue, one order with its step
forms), the knowledge base (list, edit, Excel) and 办不成事 (list with root-cause counts, one problem).

Every view: parse → call one service or selector → render. People without a complaints role get a
403 before anything is looked up; an order or problem outside the user's scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.complaints import permissions, services
from govhall.complaints.forms import (
    CallbackForm,
    CloseForm,
    ComplaintRegisterForm,
    DispatchForm,
    EntryForm,
    EscalateForm,
    FinishForm,
    ProblemForm,
    ReplyForm,
    ReturnForm,
)
from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry
from govhall.complaints.selectors import (
    ComplaintFilters,
    complaint_counts,
    complaints_filtered,
    complaints_for_staff,
    entries_for_staff,
    get_complaint_for_user,
    get_problem_for_user,
    knowledge_search,
    problems_for_staff,
    remaining_days_for,
    root_cause_counts,
)
from govhall.complaints.services.cant_do import leader_choices
from govhall.core.errors import DomainError
from govhall.core.http import local_time, remaining_label, xlsx_response
from govhall.org.models import Department

PAGE_SIZE = 30
COMPLAINT_PERMS = (
    "complaints.register_complaint",
    "complaints.dispatch_complaint",
    "complaints.reply_complaint",
    "complaints.callback_complaint",
    "complaints.view_all_complaints",
)
CANT_DO_PERMS = ("complaints.log_cant_do", "complaints.solve_cant_do", "complaints.view_all_cant_do")


def _require(user, *perms: str) -> None:
    if permissions.staff_profile(user) is None or not any(user.has_perm(p) for p in perms):
        raise DjangoPermissionDenied


def apply_errors(form: Form, exc: DomainError) -> None:
    for error in exc.errors:
        if error.field and error.field in form.fields:
            form.add_error(error.field, str(error.message))
        else:
            form.add_error(None, str(error.message))


def urgency_class(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return "red"
    if days <= 1:
        return "amber"
    return "green"


def _rows(complaints: list[Complaint]) -> list[dict[str, Any]]:
    left = remaining_days_for(complaints)
    return [
        {
            "c": c,
            "left": left.get(c.pk),
            "label": remaining_label(left.get(c.pk)),
            "urgency": urgency_class(left.get(c.pk)),
        }
        for c in complaints
    ]


def _filters(request: HttpRequest) -> ComplaintFilters:
    department = request.GET.get("department") or ""
    return ComplaintFilters(
        q=request.GET.get("q", "").strip(),
        status=request.GET.get("status", ""),
        source=request.GET.get("source", ""),
        kind=request.GET.get("kind", ""),
        department=int(department) if department.isdigit() else None,
        overdue=request.GET.get("overdue") == "1",
    )


# --- work orders -----------------------------------------------------------------------------------


COMPLAINT_HEADER = [
    "工单编号",
    "12345工单号",
    "来源",
    "类型",
    "领域",
    "标题",
    "诉求人",
    "联系电话",
    "紧急程度",
    "状态",
    "承办部门",
    "答复期限",
    "剩余工作日",
    "答复时间",
    "满意度",
    "重办次数",
    "登记时间",
]


def _export(rows: list[dict[str, Any]], filename: str) -> HttpResponse:
    return xlsx_response(
        filename,
        [_(h) for h in COMPLAINT_HEADER],
        (
            [
                r["c"].number,
                r["c"].hotline_number,
                str(r["c"].get_source_display()),
                str(r["c"].get_kind_display()),
                str(r["c"].get_area_display()),
                r["c"].title,
                r["c"].shown_name,
                r["c"].phone_masked,
                str(r["c"].get_urgency_display()),
                str(r["c"].get_status_display()),
                r["c"].department.name if r["c"].department else "",
                r["c"].due_date.isoformat() if r["c"].due_date else (_("期限待定") if r["c"].due_pending else ""),
                r["label"],
                local_time(r["c"].replied_at),
                str(r["c"].get_satisfaction_display()) if r["c"].satisfaction else "",
                r["c"].reopen_count,
                local_time(r["c"].registered_at),
            ]
            for r in rows
        ),
        [18, 18, 10, 8, 12, 36, 10, 14, 8, 14, 24, 12, 16, 17, 10, 8, 17],
    )


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    return _complaint_list(request, overdue_only=False)


@login_required
@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Orders not replied by their due date, the most overdue first."""
    return _complaint_list(request, overdue_only=True)


def _complaint_list(request: HttpRequest, *, overdue_only: bool) -> HttpResponse:
    _require(request.user, *COMPLAINT_PERMS)
    scope = complaints_for_staff(user=request.user)
    filters = _filters(request)
    if overdue_only:
        filters.overdue, filters.status = True, ""
    qs = complaints_filtered(scope, filters)
    if request.GET.get("export") == "xlsx":
        return _export(_rows(list(qs)), _("投诉工单") if not filters.overdue else _("超期工单"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/staff/list.html",
        {
            "rows": _rows(list(page)),
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "counts": complaint_counts(scope),
            "statuses": Complaint.STATUS_CHOICES,
            "sources": Complaint.SOURCE_CHOICES,
            "kinds": Complaint.KIND_CHOICES,
            "departments": Department.objects.filter(is_active=True).order_by("id"),
            "can_register": permissions.complaint_desk_centre_id(request.user) is not None,
            "overdue_page": filters.overdue,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    _require(request.user, "complaints.register_complaint")
    if permissions.complaint_desk_centre_id(request.user) is None:
        raise DjangoPermissionDenied
    form = ComplaintRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        source, hotline = data.pop("source"), data.pop("hotline_number")
        try:
            complaint = services.complaint_register(actor=request.user, source=source, hotline_number=hotline, **data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("工单 %(n)s 已登记，请分派承办部门") % {"n": complaint.number})
            return redirect("complaints_staff:detail", complaint.pk)
    return render(request, "complaints/staff/new.html", {"form": form})


def _detail_context(request: HttpRequest, complaint: Complaint, **forms: Form) -> dict[str, Any]:
    user = request.user
    left = remaining_days_for([complaint]).get(complaint.pk)
    status = complaint.status
    can = {
        "dispatch": permissions.can_dispatch(user, complaint) and status in (Complaint.STATUS_REGISTERED, Complaint.STATUS_RETURNED),
        "reply": permissions.can_reply(user, complaint) and status == Complaint.STATUS_DISPATCHED,
        "callback": permissions.can_call_back(user, complaint) and status == Complaint.STATUS_REPLIED,
        "close": permissions.can_call_back(user, complaint) and status == Complaint.STATUS_CALLED_BACK,
    }
    return {
        "c": complaint,
        "left": left,
        "left_label": remaining_label(left),
        "urgency": urgency_class(left),
        "events": complaint.events.select_related("actor").all(),
        "can": can,
        "dispatch_form": forms.get("dispatch_form") or DispatchForm(initial={"department": complaint.related_department_id}),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "callback_form": forms.get("callback_form") or CallbackForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "show_id_number": permissions.can_dispatch(user, complaint),
    }


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    _require(request.user, *COMPLAINT_PERMS)
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    return render(request, "complaints/staff/detail.html", _detail_context(request, complaint))


STEPS = {
    "dispatch": (DispatchForm, "dispatch_form", _("已分派")),
    "reply": (ReplyForm, "reply_form", _("已答复")),
    "return": (ReturnForm, "return_form", _("已退回分派人")),
    "callback": (CallbackForm, "callback_form", _("回访已记录")),
    "close": (CloseForm, "close_form", _("工单已办结")),
}


@login_required
@require_POST
def complaint_step(request: HttpRequest, complaint_id: int, step: str) -> HttpResponse:
    _require(request.user, *COMPLAINT_PERMS)
    if step not in STEPS:
        raise Http404
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    form_class, name, done = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "dispatch":
                services.complaint_dispatch(actor=request.user, complaint=complaint, department=data["department"], note=data["note"])
            elif step == "reply":
                services.complaint_reply(actor=request.user, complaint=complaint, reply=data["reply"])
            elif step == "return":
                services.complaint_return(actor=request.user, complaint=complaint, reason=data["reason"])
            elif step == "callback":
                services.complaint_call_back(actor=request.user, complaint=complaint, satisfaction=data["satisfaction"], note=data["note"])
            else:
                services.complaint_close(actor=request.user, complaint=complaint, note=data["note"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            # A department that returned the order no longer sees it.
            if step == "return":
                return redirect("complaints_staff:list")
            return redirect("complaints_staff:detail", complaint.pk)
    return render(request, "complaints/staff/detail.html", _detail_context(request, complaint, **{name: form}), status=400)


# --- knowledge -----------------------------------------------------------------------------------


@login_required
@require_GET
def knowledge_list(request: HttpRequest) -> HttpResponse:
    if permissions.staff_profile(request.user) is None:
        raise DjangoPermissionDenied
    q = request.GET.get("q", "")
    status = request.GET.get("status", "")
    qs = knowledge_search(query=q, topic=request.GET.get("topic", ""), published_only=False, qs=entries_for_staff(user=request.user))
    if status:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        entries = qs.prefetch_related("items")
        return xlsx_response(
            _("知识库"),
            [
                _("编号"),
                _("问题"),
                _("解答"),
                _("主题"),
                _("关键词"),
                _("关联事项"),
                _("状态"),
                _("维护部门"),
                _("浏览次数"),
                _("更新人"),
                _("更新时间"),
            ],
            (
                [
                    e.pk,
                    e.question,
                    e.answer,
                    e.topic,
                    e.keywords,
                    "、".join(i.name for i in e.items.all()),
                    str(e.get_status_display()),
                    e.department.name if e.department else "",
                    e.view_count,
                    (e.updated_by.get_full_name() or e.updated_by.username) if e.updated_by else "",
                    local_time(e.updated_at),
                ]
                for e in entries
            ),
            [8, 36, 60, 12, 20, 30, 8, 24, 8, 10, 17],
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shown = list(page)
    return render(
        request,
        "complaints/staff/knowledge_list.html",
        {
            "entries": [{"e": e, "editable": permissions.can_edit_entry(request.user, e)} for e in shown],
            "page": page,
            "q": q,
            "status": status,
            "query": query.urlencode(),
            "can_manage": permissions.can_manage_knowledge(request.user),
            "total": page.paginator.count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_edit(request: HttpRequest, entry_id: int | None = None) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_knowledge(user):
        raise DjangoPermissionDenied
    entry = None
    if entry_id is not None:
        entry = KnowledgeEntry.objects.filter(pk=entry_id).first()
        if entry is None or not permissions.can_edit_entry(user, entry):
            raise Http404
    profile = permissions.staff_profile(user)
    centre_admin = user.has_perm("complaints.callback_complaint")
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            "question": entry.question,
            "answer": entry.answer,
            "topic": entry.topic,
            "keywords": entry.keywords,
            "status": entry.status,
            "items": list(entry.items.all()),
            "department": entry.department,
        }
    form = EntryForm(request.POST or None, initial=initial, department=profile.department if profile else None, centre_admin=centre_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.entry_save(
                actor=user,
                entry=entry,
                question=data["question"],
                answer=data["answer"],
                topic=data["topic"],
                keywords=data["keywords"],
                status=data["status"],
                items=data["items"],
                department=data.get("department"),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("知识库条目已保存"))
            return redirect("complaints_staff:knowledge-edit", saved.pk)
    return render(request, "complaints/staff/knowledge_edit.html", {"form": form, "entry": entry})


# --- 办不成事 ------------------------------------------------------------------------------------------


CAUSE_HEADER = [
    "编号",
    "反映人",
    "联系电话",
    "想办的事",
    "问题描述",
    "接待人",
    "包案领导",
    "状态",
    "解决期限",
    "剩余工作日",
    "问题根源",
    "解决情况",
    "登记时间",
]


def _problem_cells(p: CantDoProblem, label: str) -> list[Any]:
    return [
        p.number,
        p.reporter_name,
        p.phone_masked,
        p.wanted,
        p.description,
        p.received_by.get_full_name() if p.received_by else "",
        p.leader.get_full_name() if p.leader else "",
        str(p.get_status_display()),
        p.due_date.isoformat() if p.due_date else "",
        label,
        "、".join(p.root_cause_labels()),
        p.solution,
        local_time(p.received_at),
    ]


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, *CANT_DO_PERMS)
    scope = problems_for_staff(user=request.user)
    qs = scope
    status, cause = request.GET.get("status", ""), request.GET.get("cause", "")
    if status == "open":
        qs = qs.filter(status__in=CantDoProblem.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    problems = list(qs)
    if cause:
        problems = [p for p in problems if cause in (p.root_causes or [])]
    left = remaining_days_for(problems)
    rows = [
        {"p": p, "left": left.get(p.pk), "label": remaining_label(left.get(p.pk)), "urgency": urgency_class(left.get(p.pk))}
        for p in problems
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            _("办不成事反映"),
            [_(h) for h in CAUSE_HEADER],
            (_problem_cells(p, remaining_label(left.get(p.pk))) for p in problems),
            [16, 10, 14, 24, 40, 10, 10, 10, 12, 16, 20, 40, 17],
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/staff/problem_list.html",
        {
            "rows": page,
            "page": page,
            "status": status,
            "cause": cause,
            "statuses": CantDoProblem.STATUS_CHOICES,
            "causes": root_cause_counts(scope),
            "open_count": scope.filter(status__in=CantDoProblem.OPEN_STATUSES).count(),
            "total": scope.count(),
            "query": query.urlencode(),
            "can_log": permissions.cant_do_desk_centre_id(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest) -> HttpResponse:
    if permissions.cant_do_desk_centre_id(request.user) is None:
        raise DjangoPermissionDenied
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_log(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记，请报送包案领导"))
            return redirect("complaints_staff:problem", problem.pk)
    return render(request, "complaints/staff/problem_new.html", {"form": form})


def _problem_context(request: HttpRequest, problem: CantDoProblem, **forms: Form) -> dict[str, Any]:
    user = request.user
    left = remaining_days_for([problem]).get(problem.pk)
    return {
        "p": problem,
        "left_label": remaining_label(left),
        "urgency": urgency_class(left),
        "events": problem.events.select_related("actor").all(),
        "can_escalate": permissions.can_log_problem(user, problem)
        and problem.status in (CantDoProblem.STATUS_LOGGED, CantDoProblem.STATUS_ESCALATED),
        "can_start": permissions.can_solve_problem(user, problem) and problem.status == CantDoProblem.STATUS_ESCALATED,
        "can_finish": permissions.can_solve_problem(user, problem)
        and problem.status in (CantDoProblem.STATUS_ESCALATED, CantDoProblem.STATUS_SOLVING),
        "escalate_form": forms.get("escalate_form") or EscalateForm(leaders=leader_choices(), initial={"leader": problem.leader_id}),
        "finish_form": forms.get("finish_form") or FinishForm(),
    }


@login_required
@require_GET
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    _require(request.user, *CANT_DO_PERMS)
    problem = get_problem_for_user(user=request.user, problem_id=problem_id)
    return render(request, "complaints/staff/problem.html", _problem_context(request, problem))


@login_required
@require_POST
def problem_step(request: HttpRequest, problem_id: int, step: str) -> HttpResponse:
    _require(request.user, *CANT_DO_PERMS)
    problem = get_problem_for_user(user=request.user, problem_id=problem_id)
    form: Form
    name = ""
    if step == "escalate":
        form, name = EscalateForm(request.POST, leaders=leader_choices()), "escalate_form"
    elif step == "finish":
        form, name = FinishForm(request.POST), "finish_form"
    elif step == "start":
        form = Form(request.POST)
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "escalate":
                services.problem_escalate(actor=request.user, problem=problem, leader=data["leader"], note=data["note"])
            elif step == "start":
                services.problem_start(actor=request.user, problem=problem)
            else:
                services.problem_finish(
                    actor=request.user, problem=problem, solved=data["solved"], solution=data["solution"], root_causes=data["root_causes"]
                )
        except DomainError as exc:
            apply_errors(form, exc)
            if not name:
                messages.error(request, "；".join(str(e.message) for e in exc.errors))
                return redirect("complaints_staff:problem", problem.pk)
        else:
            messages.success(request, _("已保存"))
            return redirect("complaints_staff:problem", problem.pk)
    return render(
        request, "complaints/staff/problem.html", _problem_context(request, problem, **({name: form} if name else {})), status=400
    )
