"""窗口综合受理 pages (CASE-1, CASE-2, CASE-3): the clerk's workbench (the pre-review queue, results
to hand out, overdue 容缺 commitments, 即办件 decisions), 现场申请 for the person at the counter,
and the acceptance page with its four decisions.

Every view: parse → call one service or selector → render. Of two clerks deciding on one
submission the service lets exactly one through; the other sees "已被他人处理".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.agents.walk_in import walk_in_consent, walk_in_consent_context
from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import enterprise_register, person_register
from govhall.cases import permissions, services
from govhall.cases.clock import remaining_days
from govhall.cases.forms_staff import (
    DECISION_ACCEPT,
    DECISION_REFUSE,
    DECISION_RONGQUE,
    DECISION_SUPPLEMENT,
    DECISIONS,
    AcceptanceForm,
    EnterpriseRegisterForm,
    LookupForm,
    PersonRegisterForm,
    UploadForm,
    WalkInForm,
    apply_errors,
)
from govhall.cases.models import Case, CaseDocument, CaseMaterial, CaseTask, MaterialReview
from govhall.cases.selectors import deliveries_for_clerk, prereview_queue_for_clerk, rongque_commitments_for_staff, tasks_for_staff
from govhall.cases.views_staff import (
    LIST_LIMIT,
    answer_rows,
    applicant_line,
    applicant_summary,
    form_rows,
    local_time,
    remaining_label,
    require_perm,
    staff_case,
    urgency,
    xlsx_response,
)
from govhall.catalog.form_fields import field_rows, form_values_clean, values_from_post, version_fields
from govhall.catalog.models import Item
from govhall.catalog.selectors import applicable, items_matching
from govhall.core.errors import DomainError, ErrorCollector
from govhall.core.http import HtmxHttpRequest
from govhall.core.identifiers import check
from govhall.org.selectors import items_for_window

ITEM_RESULTS = 20


def _require_clerk(request: HttpRequest) -> None:
    require_perm(request.user, "cases.accept_case")


def _waiting(since: datetime | None, now: datetime) -> tuple[str, bool]:
    """How long a submission has waited, and whether that is more than a day."""
    if since is None:
        return "", False
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(m)d 分钟") % {"m": minutes}, False
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d 小时 %(m)d 分") % {"h": hours, "m": minutes}, False
    days, hours = divmod(hours, 24)
    return _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}, True


# --- the workbench ------------------------------------------------------------------------------


def _queue_rows(queue: QuerySet[Case]) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for case in queue:
        waited, long = _waiting(case.submitted_at, now)
        rows.append({"case": case, "applicant": applicant_summary(case), "waited": waited, "long": long})
    return rows


def _clerk_tasks(user) -> QuerySet[CaseTask]:
    return tasks_for_staff(user=user).filter(role="clerk").select_related("case__applicant_person", "case__applicant_enterprise")


@login_required
@require_GET
def workbench(request: HtmxHttpRequest) -> HttpResponse:
    _require_clerk(request)
    user = request.user
    queue = prereview_queue_for_clerk(user=user)
    deliveries = deliveries_for_clerk(user=user)
    overdue = rongque_commitments_for_staff(user=user, overdue_only=True)
    tasks = _clerk_tasks(user)
    today = timezone.localdate()
    task_list = list(tasks[:LIST_LIMIT])
    days = remaining_days([t.case for t in task_list])
    context = {
        "profile": permissions.staff_profile(user),
        "queue": _queue_rows(queue[:LIST_LIMIT]),
        "queue_count": queue.count(),
        "deliveries": [{"case": c, "applicant": applicant_summary(c)} for c in deliveries[:LIST_LIMIT]],
        "delivery_count": deliveries.count(),
        "overdue": [{"commitment": c, "late": (today - c.due_date).days} for c in overdue[:LIST_LIMIT]],
        "overdue_count": overdue.count(),
        "tasks": [
            {"task": t, "days": days[t.case_id], "label": remaining_label(days[t.case_id]), "urgency": urgency(days[t.case_id])}
            for t in task_list
        ],
        "task_count": tasks.count(),
        "limit": LIST_LIMIT,
        "can_walk_in": _can_walk_in(user),
    }
    if request.htmx and request.GET.get("part") == "queue":
        return render(request, "cases/staff/_queue.html", context)
    return render(request, "cases/staff/window.html", context)


@login_required
@require_GET
def workbench_export(request: HttpRequest, which: str) -> HttpResponse:
    _require_clerk(request)
    user = request.user
    if which == "queue":
        now = timezone.now()
        return xlsx_response(
            _("待预审"),
            [_("办件编号"), _("事项"), _("申请人"), _("办理渠道"), _("提交时间"), _("已等待")],
            (
                [
                    c.number,
                    c.item_version.name,
                    applicant_line(c),
                    c.get_channel_display(),
                    local_time(c.submitted_at),
                    _waiting(c.submitted_at, now)[0],
                ]
                for c in prereview_queue_for_clerk(user=user)
            ),
            [26, 36, 36, 12, 18, 14],
        )
    if which == "deliveries":
        return xlsx_response(
            _("待送达"),
            [_("办件编号"), _("事项"), _("申请人"), _("决定"), _("决定时间")],
            (
                [c.number, c.item_version.name, applicant_line(c), c.get_decision_display(), local_time(c.decided_at)]
                for c in deliveries_for_clerk(user=user)
            ),
            [26, 36, 36, 10, 18],
        )
    if which == "rongque":
        return xlsx_response(
            _("容缺材料逾期未补齐"),
            [_("办件编号"), _("事项"), _("容缺材料"), _("承诺内容"), _("补齐期限")],
            (
                [c.case.number, c.case.item_version.name, "、".join(m.get("name", "") for m in c.materials), c.text, c.due_date]
                for c in rongque_commitments_for_staff(user=user, overdue_only=True)
            ),
            [26, 36, 36, 40, 12],
        )
    if which == "tasks":
        tasks = list(_clerk_tasks(user))
        days = remaining_days([t.case for t in tasks])
        return xlsx_response(
            _("即办件待决定"),
            [_("办件编号"), _("事项"), _("环节"), _("到达时间"), _("办理期限"), _("剩余工作日")],
            ([t.case.number, t.case.item_version.name, t.name, local_time(t.opened_at), t.case.due_date, days[t.case_id]] for t in tasks),
            [26, 36, 14, 18, 12, 12],
        )
    raise Http404


# --- 现场申请: the person at the counter ----------------------------------------------------------


def _can_walk_in(user) -> bool:
    profile = permissions.staff_profile(user)
    return bool(profile and profile.window_id and user.has_perm("cases.submit_on_behalf"))


def _parse_applicant(raw: str) -> Person | Enterprise | None:
    kind, _sep, pk = (raw or "").partition(":")
    if not pk.isdigit():
        return None
    model = Person if kind == "p" else Enterprise if kind == "e" else None
    return model.objects.filter(pk=int(pk)).first() if model else None


def _applicant_ref(applicant: Person | Enterprise) -> str:
    return f"{'p' if isinstance(applicant, Person) else 'e'}:{applicant.pk}"


def _applicant_card(applicant: Person | Enterprise) -> dict[str, str]:
    if isinstance(applicant, Person):
        return {"kind": _("自然人"), "name": applicant.name, "number": applicant.id_number_masked, "phone": applicant.phone_masked}
    return {
        "kind": _("法人"),
        "name": applicant.name,
        "number": applicant.uscc,
        "phone": applicant.phone_masked,
        "representative": applicant.legal_representative_name,
    }


def _lookup(number: str) -> tuple[Person | Enterprise | None, str]:
    """The registered applicant with this number, else which kind of number it is ("ric",
    "uscc") so the page offers the right registration form, else "" (not a valid number)."""
    person = Person.objects.filter(id_number=number).first()
    if person is not None:
        return person, "ric"
    enterprise = Enterprise.objects.filter(uscc=number).first()
    if enterprise is not None:
        return enterprise, "uscc"
    for kind in ("ric", "uscc"):
        if check(kind, number).valid:
            return None, kind
    return None, ""


def _walk_in_items(user, applicant: Person | Enterprise, q: str) -> QuerySet[Item]:
    profile = permissions.staff_profile(user)
    assert profile is not None and profile.window is not None
    qs = items_for_window(window=profile.window).select_related("department", "current_version").exclude(current_version=None)
    audience = {"current_version__for_person": True} if isinstance(applicant, Person) else {"current_version__for_enterprise": True}
    return items_matching(qs.filter(**audience), q)


def _cross_region_item(user, applicant: Person | Enterprise, item_id: str) -> Item | None:
    """跨区通办 (ONE-2): another region's item, only when a valid agreement lets this clerk's window
    accept it (the same rule as `permissions.can_accept_at_window`)."""
    from govhall.crossregion.services import item_outside_region, window_may_accept_for_other_region

    profile = permissions.staff_profile(user)
    if not item_id.isdigit() or profile is None or profile.window is None:
        return None
    audience = {"current_version__for_person": True} if isinstance(applicant, Person) else {"current_version__for_enterprise": True}
    item = (
        Item.objects.filter(pk=int(item_id), status=Item.STATUS_ACTIVE, **audience)
        .exclude(current_version=None)
        .select_related("department", "current_version")
        .first()
    )
    window = profile.window
    if item is None or not item_outside_region(centre=window.centre, item=item):
        return None
    return item if window_may_accept_for_other_region(window=window, item=item) else None


def _cross_region(source, applicant: Person | Enterprise | None) -> dict[str, str] | None:
    """The 跨区通办 page sends the clerk here with `cross=1` and the applicant's delivery choice."""
    if source.get("cross") != "1":
        return None
    from govhall.crossregion.models import CaseRoute

    choice = source.get("delivery_choice", "")
    return {
        "delivery_choice": choice,
        "delivery_label": str(dict(CaseRoute.DELIVERY_CHOICES).get(choice, "")),
        "delivery_address": source.get("delivery_address", "").strip(),
        "back": f"{reverse('crossregion_staff:accept')}?{urlencode({'id': _applicant_number(applicant)})}" if applicant else "",
    }


def _applicant_number(applicant: Person | Enterprise) -> str:
    return applicant.id_number if isinstance(applicant, Person) else applicant.uscc


def _walk_in_item(user, applicant: Person | Enterprise, item_id: str, cross: dict[str, str] | None) -> Item | None:
    if cross is not None:
        return _cross_region_item(user, applicant, item_id)
    return _walk_in_items(user, applicant, "").filter(pk=int(item_id)).first() if item_id.isdigit() else None


def _item_fields(item: Item, values: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The item's own application-form fields (catalog/form_fields.py), drawn as on the applicant's page."""
    return field_rows(version_fields(item.current), values or {}, errors or {})


def _walk_in_context(request: HttpRequest) -> dict[str, Any]:
    """The page's state from its query: the number looked up, the applicant chosen, the item
    search, the item chosen."""
    params = request.GET
    context: dict[str, Any] = {"lookup": LookupForm(params if "id" in params else None)}
    applicant = _parse_applicant(params.get("applicant", ""))
    if applicant is None and context["lookup"].is_bound and context["lookup"].is_valid():
        number = context["lookup"].cleaned_data["id"]
        found, kind = _lookup(number)
        context["looked_up"] = number
        if found is not None:
            context["found"] = found
            context["found_card"] = _applicant_card(found)
            context["found_ref"] = _applicant_ref(found)
        elif kind == "ric":
            context["register"] = PersonRegisterForm(initial={"id_number": number})
        elif kind == "uscc":
            context["register"] = EnterpriseRegisterForm(initial={"uscc": number})
        else:
            context["lookup"].add_error(
                "id", _("不是有效的公民身份号码或统一社会信用代码：%(reason)s") % {"reason": check("ric", number).message}
            )
    if applicant is not None:
        context["applicant"] = applicant
        context["applicant_card"] = _applicant_card(applicant)
        context["applicant_ref"] = _applicant_ref(applicant)
        q = params.get("q", "").strip()
        cross = _cross_region(params, applicant)
        item = _walk_in_item(request.user, applicant, params.get("item", ""), cross)
        context["q"] = q
        if cross is not None:
            if item is None:
                # Not (or no longer) covered by an agreement at this window.
                raise Http404
            context["cross"] = cross
        if item is None:
            context["items"] = list(_walk_in_items(request.user, applicant, q)[:ITEM_RESULTS])
        else:
            context["item"] = item
            context["item_fields"] = _item_fields(item)
    return context


def _agent_consents(request: HttpRequest, applicant: Person | Enterprise, item: Item) -> dict[str, Any]:
    """A village agent chooses (or first records) the resident's consent (ONE-4)."""
    back = f"{reverse('cases_staff:walk-in')}?{urlencode({'applicant': _applicant_ref(applicant), 'item': str(item.pk)})}"
    return walk_in_consent_context(user=request.user, applicant=applicant, item=item, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest) -> HttpResponse:
    """GET: find the applicant, choose the item. POST: submit at the window (channel 综合窗口)
    on the applicant's behalf, then straight to the acceptance page."""
    _require_clerk(request)
    if not _can_walk_in(request.user):
        raise DjangoPermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    applicant = _parse_applicant(source.get("applicant", ""))
    context = _walk_in_context(request) if request.method == "GET" else {"lookup": LookupForm()}
    item = context.get("item")
    if request.method == "POST":
        cross = _cross_region(request.POST, applicant)
        item = _walk_in_item(request.user, applicant, request.POST.get("item", ""), cross) if applicant is not None else None
        if applicant is None or item is None:
            raise Http404
        context.update(
            applicant=applicant, applicant_card=_applicant_card(applicant), applicant_ref=_applicant_ref(applicant), item=item, cross=cross
        )
        form = WalkInForm(request.POST, version=item.current)
        context.update(_agent_consents(request, applicant, item))
        fields = version_fields(item.current)
        values = values_from_post(fields, request.POST)
        collector = ErrorCollector()
        item_form = form_values_clean(fields, values, submitting=True, errors=collector)
        field_errors: dict[str, list[str]] = {}
        for error in collector.errors:
            field_errors.setdefault(error.field, []).append(str(error.message))
        context["item_fields"] = _item_fields(item, values, field_errors)
        if form.is_valid() and not field_errors:
            try:
                case = _walk_in_submit(request, form, applicant, item, {**form.application(), **item_form}, cross)
            except DomainError as exc:
                apply_errors(form, exc, {"answers": "__all__", "applicant": "__all__", "consent": "__all__"})
                context["form"] = form
                return render(request, "cases/staff/walk_in.html", context, status=exc.status_code)
            if permissions.can_accept_at_window(request.user, case):
                messages.success(request, _("已提交，办件编号 %(number)s，请继续预审受理") % {"number": case.number})
                return redirect("cases_staff:accept", case_id=case.pk)
            # A village agent hands the application on: the township or county window accepts it.
            messages.success(request, _("已代为提交，办件编号 %(number)s，等待窗口预审受理") % {"number": case.number})
            return redirect("cases_staff:case", case_id=case.pk)
        context["form"] = form
        return render(request, "cases/staff/walk_in.html", context, status=400)
    if item is not None:
        context["form"] = WalkInForm(version=item.current, initial={"idempotency_key": uuid.uuid4().hex})
        context.update(_agent_consents(request, context["applicant"], item))
    return render(request, "cases/staff/walk_in.html", context)


def _walk_in_submit(
    request: HttpRequest,
    form: WalkInForm,
    applicant: Person | Enterprise,
    item: Item,
    application: dict[str, Any],
    cross: dict[str, str] | None,
) -> Case:
    """Submit at the window; a 跨区通办 case also records its route and where the result goes
    (crossregion.services.case_route_local) in the same transaction."""
    profile = permissions.staff_profile(request.user)
    with transaction.atomic():
        case = services.case_submit(
            actor=request.user,
            item=item,
            applicant_person=applicant if isinstance(applicant, Person) else None,
            applicant_enterprise=applicant if isinstance(applicant, Enterprise) else None,
            channel=Case.CHANNEL_CROSS_REGION if cross is not None else Case.CHANNEL_WINDOW,
            answers=form.answers(),
            form=application,
            gaozhi=bool(form.cleaned_data.get("gaozhi")),
            idempotency_key=form.cleaned_data["idempotency_key"],
            consent=walk_in_consent(user=request.user, raw=request.POST.get("consent", "")),
            window=profile.window if cross is not None and profile is not None else None,
        )
        if cross is not None:
            from govhall.crossregion.services import case_route_local

            case_route_local(
                actor=request.user, case=case, delivery_choice=cross["delivery_choice"], delivery_address=cross["delivery_address"]
            )
        return case


@login_required
@require_POST
def walk_in_register(request: HttpRequest) -> HttpResponse:
    """Register the person (or enterprise) at the counter, then go on to choose the item."""
    _require_clerk(request)
    if not _can_walk_in(request.user):
        raise DjangoPermissionDenied
    enterprise = request.POST.get("kind") == "enterprise"
    form = EnterpriseRegisterForm(request.POST) if enterprise else PersonRegisterForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if enterprise:
                applicant: Person | Enterprise = enterprise_register(
                    actor=request.user,
                    name=data["name"],
                    uscc=data["uscc"],
                    legal_representative_name=data["legal_representative_name"],
                    phone=data["phone"],
                    address=data["address"],
                )
            else:
                applicant = person_register(
                    actor=request.user, name=data["name"], id_number=data["id_number"], phone=data["phone"], address=data["address"]
                )
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已登记申请人“%(name)s”") % {"name": applicant.name})
            return redirect(f"{reverse('cases_staff:walk-in')}?{urlencode({'applicant': _applicant_ref(applicant)})}")
    number = request.POST.get("uscc" if enterprise else "id_number", "")
    context = {"lookup": LookupForm(initial={"id": number}), "looked_up": number, "register": form}
    return render(request, "cases/staff/walk_in.html", context, status=status)


# --- acceptance -----------------------------------------------------------------------------------


def _acceptance_form(case: Case, data=None) -> AcceptanceForm:
    materials, _steps = applicable(case.item_version, set(case.answers or []))
    uploaded: dict[int, list[CaseMaterial]] = {}
    for row in case.materials.filter(replaced=False, material__isnull=False):
        assert row.material_id is not None
        uploaded.setdefault(row.material_id, []).append(row)
    reviews = {r.material_id: r for r in MaterialReview.objects.filter(case=case)}
    return AcceptanceForm(data, materials=materials, uploaded=uploaded, reviews=reviews)


def render_acceptance(
    request: HttpRequest, case: Case, *, form: AcceptanceForm | None = None, upload_form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or _acceptance_form(case)
    may_accept = permissions.can_accept_at_window(request.user, case)
    context = {
        "case": case,
        "applicant": applicant_summary(case),
        "answers": answer_rows(case),
        "form_rows": form_rows(case),
        "version": case.item_version,
        "checklist": list(case.item_version.checklist.order_by("seq")),
        "extra_files": list(case.materials.filter(replaced=False, material__isnull=True)),
        "form": form,
        "upload_form": upload_form or UploadForm(materials=form.materials, initial={"next": "accept"}),
        "open": case.status == Case.STATUS_SUBMITTED and may_accept,
        "may_accept": may_accept,
        "rongque": case.item_version.rongque,
        "decided_documents": list(case.documents.order_by("-id")[:1]) if case.status != Case.STATUS_SUBMITTED else [],
        "decision": request.POST.get("decision", "") if request.method == "POST" else "",
    }
    return render(request, "cases/staff/accept.html", context, status=status)


def _decide(request: HttpRequest, case: Case, form: AcceptanceForm, decision: str) -> CaseDocument | None:
    """Exactly one service call for the decision; None when the page's own checks failed."""
    data = form.cleaned_data
    if decision == DECISION_ACCEPT:
        if not form.require_every_finding():
            return None
        return services.case_accept(actor=request.user, case=case, findings=form.findings())
    if decision == DECISION_REFUSE:
        return services.case_refuse(actor=request.user, case=case, reason=data.get("reason") or "")
    if decision == DECISION_SUPPLEMENT:
        points = form.supplement_points()
        if points is None:
            return None
        return services.case_request_supplement(actor=request.user, case=case, points=points)
    if not form.require_every_finding():
        return None
    return services.case_accept_rongque(
        actor=request.user,
        case=case,
        missing_material_ids=form.rongque_ids(),
        commitment_text=data.get("commitment_text") or "",
        days=data.get("days"),
        findings=form.findings(),
    )


DONE_MESSAGES = {
    DECISION_ACCEPT: gettext_lazy("已受理，办理时限开始计算"),
    DECISION_REFUSE: gettext_lazy("已决定不予受理"),
    DECISION_SUPPLEMENT: gettext_lazy("已一次性告知补正，办件待申请人补正"),
    DECISION_RONGQUE: gettext_lazy("已容缺受理，申请人须在期限内补齐材料"),
}
ERROR_FIELDS = {"findings": "__all__", "missing_materials": "rongque_missing", "rongque": "rongque_missing", "points": "__all__"}
# Without the 容缺 section on the page its errors go on top, where they are seen.
ERROR_FIELDS_NO_RONGQUE = {
    **ERROR_FIELDS,
    "missing_materials": "__all__",
    "rongque": "__all__",
    "commitment_text": "__all__",
    "days": "__all__",
}


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, case_id: int) -> HttpResponse:
    _require_clerk(request)
    case = staff_case(request, case_id)
    if request.method == "GET":
        return render_acceptance(request, case)
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        raise Http404
    form = _acceptance_form(case, request.POST)
    status = 400
    if form.is_valid():
        try:
            document = _decide(request, case, form, decision)
        except DomainError as exc:
            apply_errors(form, exc, ERROR_FIELDS if case.item_version.rongque else ERROR_FIELDS_NO_RONGQUE)
            status = exc.status_code
            if status == 409:
                case.refresh_from_db()
        else:
            if document is not None:
                messages.success(request, DONE_MESSAGES[decision])
                return redirect("cases_staff:document", document_id=document.pk)
    return render_acceptance(request, case, form=form, status=status)
