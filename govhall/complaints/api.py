"""JSON API of complaints under /api/complaints/: work orders (including the 12345 platform's push),
the knowledge base (public search) and 办不成事.

Everything but the knowledge base needs a staff session (django_auth, CSRF token for writes). An
order or a problem the user may not see is a 404; a role that may not take a step gets 403.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from govhall.catalog.models import Item
from govhall.complaints import permissions, services
from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry
from govhall.complaints.selectors import (
    ComplaintFilters,
    complaints_filtered,
    complaints_for_staff,
    get_complaint_for_user,
    get_entry_public,
    get_problem_for_user,
    knowledge_search,
    problems_for_staff,
)
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.org.models import Department

router = Router(tags=["投诉与12345工单"], auth=django_auth)

PAGE_SIZE = 20


def _require_staff(request) -> None:
    if permissions.staff_profile(request.user) is None:
        raise PermissionDenied(_("仅限工作人员"))


# --- schemas ---------------------------------------------------------------------------------------


class ComplaintIn(Schema):
    source: str = Complaint.SOURCE_WINDOW
    hotline_number: str = ""
    kind: str = Complaint.KIND_COMPLAINT
    area: str = "service"
    title: str
    content: str
    urgency: str = Complaint.URGENCY_NORMAL
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: str = ""
    complainant_id_number: str = ""
    related_department: int | None = None
    related_item: int | None = None


class HotlineOrderIn(Schema):
    """A work order as the 12345 platform sends it."""

    hotline_number: str = Field(..., description="12345工单号")
    kind: str = Complaint.KIND_COMPLAINT
    area: str = "service"
    title: str
    content: str
    urgency: str = Complaint.URGENCY_NORMAL
    anonymous: bool = False
    caller_name: str = ""
    caller_phone: str = ""


class ComplaintOut(Schema):
    id: int
    number: str
    hotline_number: str
    source: str
    kind: str
    area: str
    title: str
    content: str
    urgency: str
    complainant: str
    phone: str = Field(..., description="脱敏")
    status: str
    status_label: str
    department: str
    due_date: date | None
    due_pending: bool
    reply: str
    satisfaction: str
    reopen_count: int
    registered_at: datetime


class ComplaintPage(Schema):
    count: int
    page: int
    results: list[ComplaintOut]


class DispatchIn(Schema):
    department: int
    note: str = ""


class ReplyIn(Schema):
    reply: str


class ReasonIn(Schema):
    reason: str


class CallbackIn(Schema):
    satisfaction: str
    note: str = ""


class CloseIn(Schema):
    note: str = ""


class EntryOut(Schema):
    id: int
    question: str
    answer: str
    topic: str
    keywords: str
    items: list[dict]
    view_count: int


class EntryPage(Schema):
    count: int
    page: int
    results: list[EntryOut]


class ProblemIn(Schema):
    reporter_name: str
    reporter_phone: str = ""
    wanted: str
    description: str
    item: int | None = None


class EscalateIn(Schema):
    leader: int
    note: str = ""


class FinishIn(Schema):
    solved: bool = True
    solution: str
    root_causes: list[str]


class ProblemOut(Schema):
    id: int
    number: str
    reporter_name: str
    phone: str
    wanted: str
    description: str
    status: str
    status_label: str
    leader: str
    due_date: date | None
    solution: str
    root_causes: list[str]


def _complaint_out(c: Complaint) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "hotline_number": c.hotline_number,
        "source": c.source,
        "kind": c.kind,
        "area": c.area,
        "title": c.title,
        "content": c.content,
        "urgency": c.urgency,
        "complainant": c.shown_name,
        "phone": c.phone_masked,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "department": c.department.name if c.department else "",
        "due_date": c.due_date,
        "due_pending": c.due_pending,
        "reply": c.reply,
        "satisfaction": c.satisfaction,
        "reopen_count": c.reopen_count,
        "registered_at": c.registered_at,
    }


def _entry_out(e: KnowledgeEntry) -> dict:
    return {
        "id": e.pk,
        "question": e.question,
        "answer": e.answer,
        "topic": e.topic,
        "keywords": e.keywords,
        "items": [{"id": i.pk, "name": i.name} for i in e.items.all()],
        "view_count": e.view_count,
    }


def _problem_out(p: CantDoProblem) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "reporter_name": p.reporter_name,
        "phone": p.phone_masked,
        "wanted": p.wanted,
        "description": p.description,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "leader": (p.leader.get_full_name() or p.leader.username) if p.leader else "",
        "due_date": p.due_date,
        "solution": p.solution,
        "root_causes": p.root_causes,
    }


def _department(pk: int | None, field: str) -> Department | None:
    if pk is None:
        return None
    department = Department.objects.filter(pk=pk, is_active=True).first()
    if department is None:
        raise ValidationError(field, "not_found", _("部门不存在"))
    return department


def _item(pk: int | None, field: str) -> Item | None:
    if pk is None:
        return None
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        raise ValidationError(field, "not_found", _("事项不存在"))
    return item


# --- work orders -----------------------------------------------------------------------------------


@router.get("/workorders", response=ComplaintPage, summary="我可见的工单（可按状态、来源筛选，overdue=true 为超期工单）")
def workorder_list(request, status: str = "", source: str = "", overdue: bool = False, page: int = 1):
    _require_staff(request)
    qs = complaints_filtered(complaints_for_staff(user=request.user), ComplaintFilters(status=status, source=source, overdue=overdue))
    pages = Paginator(qs, PAGE_SIZE)
    current = pages.get_page(page)
    return {"count": pages.count, "page": current.number, "results": [_complaint_out(c) for c in current]}


@router.post("/workorders", response={201: ComplaintOut}, summary="登记工单（投诉窗口人员、中心管理员）")
def workorder_create(request, body: ComplaintIn):
    data = body.dict(exclude={"source", "hotline_number", "related_department", "related_item"})
    data["related_department"] = _department(body.related_department, "related_department")
    data["related_item"] = _item(body.related_item, "related_item")
    complaint = services.complaint_register(actor=request.user, source=body.source, hotline_number=body.hotline_number, **data)
    return Status(201, _complaint_out(complaint))


@router.post(
    "/workorders/import-12345",
    response={200: ComplaintOut, 201: ComplaintOut},
    summary="接收12345平台推送的工单（同一工单号重复推送返回已登记的工单）",
)
def workorder_import(request, body: HotlineOrderIn):
    order = body.dict()
    order["complainant_name"] = order.pop("caller_name")
    order["complainant_phone"] = order.pop("caller_phone")
    complaint, created = services.complaint_import_hotline(actor=request.user, order=order)
    return Status(201 if created else 200, _complaint_out(complaint))


@router.get("/workorders/{complaint_id}", response=ComplaintOut, summary="一张工单")
def workorder_detail(request, complaint_id: int):
    return _complaint_out(get_complaint_for_user(user=request.user, complaint_id=complaint_id))


@router.post("/workorders/{complaint_id}/dispatch", response=ComplaintOut, summary="分派到承办部门（计算答复期限）")
def workorder_dispatch(request, complaint_id: int, body: DispatchIn):
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    department = _department(body.department, "department")
    assert department is not None
    return _complaint_out(services.complaint_dispatch(actor=request.user, complaint=complaint, department=department, note=body.note))


@router.post("/workorders/{complaint_id}/reply", response=ComplaintOut, summary="承办部门答复")
def workorder_reply(request, complaint_id: int, body: ReplyIn):
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    return _complaint_out(services.complaint_reply(actor=request.user, complaint=complaint, reply=body.reply))


@router.post("/workorders/{complaint_id}/return", response=ComplaintOut, summary="承办部门退回（非本部门职责）")
def workorder_return(request, complaint_id: int, body: ReasonIn):
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    return _complaint_out(services.complaint_return(actor=request.user, complaint=complaint, reason=body.reason))


@router.post("/workorders/{complaint_id}/callback", response=ComplaintOut, summary="回访（满意度；不满意则重办）")
def workorder_callback(request, complaint_id: int, body: CallbackIn):
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    return _complaint_out(
        services.complaint_call_back(actor=request.user, complaint=complaint, satisfaction=body.satisfaction, note=body.note)
    )


@router.post("/workorders/{complaint_id}/close", response=ComplaintOut, summary="办结（中心管理员）")
def workorder_close(request, complaint_id: int, body: CloseIn):
    complaint = get_complaint_for_user(user=request.user, complaint_id=complaint_id)
    return _complaint_out(services.complaint_close(actor=request.user, complaint=complaint, note=body.note))


# --- knowledge (public) -----------------------------------------------------------------------------


@router.get("/knowledge", response=EntryPage, auth=None, summary="检索知识库（中文、全拼或首字母）")
def knowledge_list(request, q: str = "", topic: str = "", page: int = 1):
    pages = Paginator(knowledge_search(query=q, topic=topic).prefetch_related("items"), PAGE_SIZE)
    current = pages.get_page(page)
    return {"count": pages.count, "page": current.number, "results": [_entry_out(e) for e in current]}


@router.get("/knowledge/{entry_id}", response=EntryOut, auth=None, summary="知识库条目")
def knowledge_detail(request, entry_id: int):
    return _entry_out(get_entry_public(entry_id=entry_id))


# --- 办不成事 -------------------------------------------------------------------------------------------


@router.get("/cant-do", response=list[ProblemOut], summary="我可见的办不成事反映")
def problem_list(request, status: str = ""):
    _require_staff(request)
    qs = problems_for_staff(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return [_problem_out(p) for p in qs[:200]]


@router.post("/cant-do", response={201: ProblemOut}, summary="登记办不成事反映")
def problem_create(request, body: ProblemIn):
    problem = services.problem_log(
        actor=request.user,
        reporter_name=body.reporter_name,
        reporter_phone=body.reporter_phone,
        wanted=body.wanted,
        description=body.description,
        item=_item(body.item, "item"),
    )
    return Status(201, _problem_out(problem))


@router.post("/cant-do/{problem_id}/escalate", response=ProblemOut, summary="报送包案领导")
def problem_escalate(request, problem_id: int, body: EscalateIn):
    from django.contrib.auth import get_user_model

    problem = get_problem_for_user(user=request.user, problem_id=problem_id)
    leader = get_user_model().objects.filter(pk=body.leader).first()
    return _problem_out(services.problem_escalate(actor=request.user, problem=problem, leader=leader, note=body.note))


@router.post("/cant-do/{problem_id}/solve", response=ProblemOut, summary="办结：已解决或无法解决（含问题根源）")
def problem_solve(request, problem_id: int, body: FinishIn):
    problem = get_problem_for_user(user=request.user, problem_id=problem_id)
    return _problem_out(
        services.problem_finish(
            actor=request.user, problem=problem, solved=body.solved, solution=body.solution, root_causes=body.root_causes
        )
    )
