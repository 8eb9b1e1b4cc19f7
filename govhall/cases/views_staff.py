"""Staff pages of one case: the case page (details, history, documents and the actions the user may
take on it), file and document downloads, the issued-document page, and what the window,
approval and process pages share (access, Excel lists, how a case is summarised).

Every view: parse → call one service or selector → render. A case the user may not see is a 404
(`get_case_for_user`), so a page never confirms that a case exists; people without any case
role get a 403 before anything is looked up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.cases import permissions, services
from govhall.cases.clock import remaining_days
from govhall.cases.forms_staff import (
    FORM_LABELS,
    DeliverForm,
    ExtensionRequestForm,
    PauseEndForm,
    PauseStartForm,
    TaskForm,
    TerminateForm,
    UploadForm,
    apply_errors,
)
from govhall.cases.models import (
    Case,
    CaseCommitment,
    CaseDocument,
    CaseExtension,
    CaseMaterial,
    CasePause,
    CaseTask,
)
from govhall.cases.selectors import case_timeline, get_case_for_user
from govhall.catalog.models import Material, SituationOption
from govhall.core.errors import DomainError
from govhall.core.http import XLSX, attachment_disposition, local_time, remaining_label, xlsx_response  # noqa: F401 (re-exported to the case views)

# A workbench list shows this many rows; the Excel export has them all.
LIST_LIMIT = 100
CASE_STAFF_PERMS = ("cases.accept_case", "cases.review_case", "cases.decide_case", "cases.view_all_cases", "cases.manage_processes")


# --- access -----------------------------------------------------------------------------------


def require_perm(user, *perms: str) -> None:
    """403 unless the user has one of the permissions (the role, not yet the object)."""
    if not any(user.has_perm(perm) for perm in perms):
        raise DjangoPermissionDenied


def staff_case(request: HttpRequest, case_id: int) -> Case:
    """The case for a staff page: 403 for people without a case role (applicants use their own
    pages), 404 for a case this staff member may not see."""
    require_perm(request.user, *CASE_STAFF_PERMS)
    return get_case_for_user(user=request.user, case_id=case_id)


# --- Excel ------------------------------------------------------------------------------------


# --- how a case is shown ------------------------------------------------------------------------


def applicant_summary(case: Case) -> dict[str, str]:
    """The applicant as lists and pages show them: numbers and phones masked."""
    person = case.applicant_person
    if person is not None:
        return {"kind": _("自然人"), "name": person.name, "number": person.id_number_masked, "phone": person.phone_masked}
    enterprise = case.applicant_enterprise
    assert enterprise is not None
    return {
        "kind": _("法人"),
        "name": enterprise.name,
        # 统一社会信用代码 is public (营业执照); only people's numbers are masked.
        "number": enterprise.uscc,
        "phone": enterprise.phone_masked,
        "representative": enterprise.legal_representative_name,
    }


def applicant_line(case: Case) -> str:
    summary = applicant_summary(case)
    return f"{summary['name']} {summary['number']}"


def urgency(days: int | None) -> str:
    """The colour of a remaining-days figure: red when due today or overdue, amber within two days."""
    if days is None:
        return ""
    if days <= 0:
        return "red"
    if days <= 2:
        return "amber"
    return "green"


def answer_rows(case: Case) -> list[tuple[str, str]]:
    options = SituationOption.objects.filter(question__version=case.item_version).select_related("question")
    labels = {f"{o.question.key}.{o.key}": (o.question.text, o.label) for o in options}
    return [labels.get(ref, (ref, "")) for ref in case.answers or []]


def form_rows(case: Case) -> list[tuple[str, str]]:
    rows = []
    for key, value in (case.form if isinstance(case.form, dict) else {}).items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
        rows.append((str(FORM_LABELS.get(key, key)), shown))
    return rows


def _labels(choices) -> dict[str, str]:
    return {code: str(label) for code, label in choices}


def _event_detail(kind: str, after: dict) -> str:
    """One line on what an event changed, from what the service recorded."""
    outcomes = _labels(CaseTask.OUTCOME_CHOICES)
    if kind == "submitted":
        return _labels(Case.CHANNEL_CHOICES).get(after.get("channel", ""), "") + (_("（代为提交）") if after.get("on_behalf") else "")
    if kind in ("accepted", "rongque_accepted") and after.get("due_date"):
        return _("办理期限 %(due)s（%(days)s 个工作日）") % {"due": after["due_date"], "days": after.get("limit_days")}
    if kind == "supplement_requested":
        return "；".join(f"{p.get('name')}：{p.get('problem')}" for p in after.get("points", []))
    if kind in ("not_accepted", "withdrawn", "terminated", "revoked"):
        return str(after.get("reason", ""))
    if kind.startswith("crossregion_"):  # 跨区通办: what the other deployment reported
        return str(after.get("label") or after.get("peer", ""))
    if kind == "decided":
        label = _labels(Case.DECISION_CHOICES).get(after.get("decision", ""), "")
        return f"{label}：{after['reason']}" if after.get("reason") else label
    if kind == "task_opened":
        return f"{after.get('task', '')}" + (f"（{after['department']}）" if after.get("department") else "")
    if kind == "task_completed":
        text = f"{after.get('task', '')}" + (f"（{after['department']}）" if after.get("department") else "")
        text += "：" + outcomes.get(after.get("outcome", ""), "")
        return text + (f"。{after['opinion']}" if after.get("opinion") else "")
    if kind == "pause_started":
        return f"{_labels(CasePause.KIND_CHOICES).get(after.get('kind', ''), '')}：{after.get('reason', '')}"
    if kind == "pause_ended":
        due = after.get("due_date")
        return _labels(CasePause.KIND_CHOICES).get(after.get("kind", ""), "") + (
            _("，办理期限顺延至 %(due)s") % {"due": due} if due else ""
        )
    if kind == "extension_requested":
        return _("延长 %(days)s 个工作日：%(reason)s") % {"days": after.get("days"), "reason": after.get("reason", "")}
    if kind == "extension_decided":
        verdict = _("批准") if after.get("approved") else _("不批准")
        return f"{verdict}（{after.get('days')}）" + (f"。{after['note']}" if after.get("note") else "")
    if kind == "document_issued":
        return f"{_labels(CaseDocument.KIND_CHOICES).get(after.get('kind', ''), '')} {after.get('document', '')}"
    if kind == "delivered":
        return _labels(Case.DELIVERY_CHOICES).get(after.get("method", ""), "") + (f"。{after['note']}" if after.get("note") else "")
    if kind == "material_uploaded":
        return str(after.get("material", ""))
    if kind == "visit":
        return _("第 %(n)s 次到场") % {"n": after.get("visits")}
    if kind == "commitment_verified":
        return (_("属实") if after.get("passed") else _("不实")) + (f"。{after['note']}" if after.get("note") else "")
    return ""


def timeline_rows(case: Case) -> list[dict[str, Any]]:
    """The whole history with the names of the staff who acted (staff may see them)."""
    rows = case_timeline(case=case)
    ids = {row["actor_id"] for row in rows if row["actor_id"]}
    users = {u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=ids)}
    for row in rows:
        row["actor"] = users.get(row["actor_id"], "") if row["actor_id"] else _("系统")
        row["detail"] = _event_detail(row["kind"], row["after"] or {})
    return rows


def _document_rows(documents: Iterable[CaseDocument]) -> list[dict[str, Any]]:
    return [{"document": d, "label": d.get_kind_display()} for d in documents]


# --- the case page ------------------------------------------------------------------------------


def _task_from(request: HttpRequest, case: Case) -> CaseTask | None:
    raw = request.POST.get("task", "")
    return CaseTask.objects.filter(pk=int(raw), case=case).select_related("department").first() if raw.isdigit() else None


def case_actions(user, case: Case) -> dict[str, bool]:
    """Which action forms the page offers; the services check again on POST."""
    handles = permissions.can_handle(user, case)
    clock = case.status in Case.CLOCK_STATUSES
    extension_open = clock and case.extensions.filter(status__in=[CaseExtension.STATUS_PENDING, CaseExtension.STATUS_APPROVED]).exists()
    rongque = case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).first()
    receives = permissions.can_accept_at_window(user, case) or handles
    return {
        "accept": case.status == Case.STATUS_SUBMITTED and permissions.can_accept_at_window(user, case),
        "pause_start": handles and case.status == Case.STATUS_IN_PROGRESS,
        "pause_end": handles and case.status == Case.STATUS_SUSPENDED,
        "extension": handles and clock and not extension_open,
        "terminate": handles and clock and user.has_perm("cases.decide_case"),
        "deliver": case.status == Case.STATUS_TO_DELIVER and permissions.can_deliver(user, case),
        "rongque": bool(rongque) and receives and case.status == Case.STATUS_IN_PROGRESS,
    }


def case_context(request: HttpRequest, case: Case, *, task: CaseTask | None = None, bound: dict[str, Form] | None = None) -> dict[str, Any]:
    user = request.user
    bound = bound or {}
    actions = case_actions(user, case)
    materials = list(case.materials.filter(replaced=False).select_related("material", "uploaded_by"))
    rongque = case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).first()
    rongque_materials = list(Material.objects.filter(pk__in=[m.get("id") for m in rongque.materials])) if rongque else []
    days = remaining_days([case])[case.pk]
    tasks = list(case.tasks.select_related("department", "completed_by").order_by("id"))
    profile = permissions.staff_profile(user)
    my_department = profile.department_id if profile else None
    forms: dict[str, Form] = {
        "pause_start": PauseStartForm(),
        "pause_end": PauseEndForm(),
        "extension": ExtensionRequestForm(),
        "terminate": TerminateForm(),
        "deliver": DeliverForm(initial={"method": Case.DELIVERY_WINDOW}),
        "upload": UploadForm(materials=rongque_materials, initial={"next": "case"}),
    }
    forms.update({k: v for k, v in bound.items() if k in forms})
    context: dict[str, Any] = {
        "case": case,
        "task": task,
        "applicant": applicant_summary(case),
        "answers": answer_rows(case),
        "form_rows": form_rows(case),
        "materials": materials,
        "documents": _document_rows(case.documents.select_related("issued_by").order_by("id")),
        "commitments": list(case.commitments.order_by("id")),
        "pauses": list(case.pauses.select_related("started_by", "ended_by").order_by("id")),
        "extensions": list(case.extensions.select_related("requested_by", "decided_by").order_by("id")),
        "opinions": [t for t in tasks if t.status == CaseTask.STATUS_DONE],
        "open_tasks": [t for t in tasks if t.status == CaseTask.STATUS_OPEN],
        "my_department": my_department,
        "timeline": timeline_rows(case),
        "remaining": days,
        "remaining_label": remaining_label(days),
        "urgency": urgency(days),
        "actions": actions,
        "rongque": rongque,
        "forms": forms,
        "page_errors": [e for form in bound.values() for e in form.non_field_errors()],
    }
    if task is not None:
        can_do = permissions.can_do_task(user, task)
        context["task_form"] = bound.get("task") or TaskForm(task=task)
        context["can_do_task"] = can_do
        context["task_blocked"] = _task_blocked(case, task) if can_do else ""
    return context


def _task_blocked(case: Case, task: CaseTask) -> str:
    """Why the decision cannot be made yet (the service refuses it too), to say it up front."""
    if not task.is_decision:
        return ""
    if case.status == Case.STATUS_SUSPENDED:
        return _("办件处于特别程序中，结束后才能作出决定（可以退回）")
    if case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).exists():
        return _("容缺材料尚未补齐，不能作出决定（可以退回）")
    return ""


def render_case_page(
    request: HttpRequest, case: Case, *, task: CaseTask | None = None, bound: dict[str, Form] | None = None, status: int = 200
):
    return render(request, "cases/staff/case.html", case_context(request, case, task=task, bound=bound), status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = staff_case(request, case_id)
    return render_case_page(request, case)


def _back(case: Case, task: CaseTask | None) -> HttpResponse:
    if task is not None and CaseTask.objects.filter(pk=task.pk, status=CaseTask.STATUS_OPEN).exists():
        return redirect("cases_staff:task", task_id=task.pk)
    return redirect("cases_staff:case", case_id=case.pk)


def _case_action(
    request: HttpRequest, case_id: int, *, key: str, form: Form, run: Callable[[Case, dict[str, Any]], str], field_map=None
) -> HttpResponse:
    """A POST from the case or task page: one service call; on success back to the page with a
    message, else the same page with the errors next to the fields of this form."""
    case = staff_case(request, case_id)
    task = _task_from(request, case)
    status = 400
    if form.is_valid():
        try:
            done = run(case, form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc, field_map)
            status = exc.status_code
        else:
            messages.success(request, done)
            return _back(case, task)
    return render_case_page(request, case, task=task, bound={key: form}, status=status)


@login_required
@require_POST
def pause_start(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        pause = services.case_pause_start(actor=request.user, case=case, kind=data["kind"], reason=data["reason"])
        return _("已启动特别程序“%(kind)s”，办理时限暂停计算") % {"kind": pause.get_kind_display()}

    return _case_action(request, case_id, key="pause_start", form=PauseStartForm(request.POST), run=run)


@login_required
@require_POST
def pause_end(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        pause = services.case_pause_end(actor=request.user, case=case, reason=data["reason"])
        return _("特别程序“%(kind)s”已结束，办理时限恢复计算") % {"kind": pause.get_kind_display()}

    return _case_action(request, case_id, key="pause_end", form=PauseEndForm(request.POST), run=run)


@login_required
@require_POST
def extension_request(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        extension = services.case_extension_request(actor=request.user, case=case, days=data["days"], reason=data["reason"])
        return _("已申请延期 %(days)d 个工作日，待科室负责人审批") % {"days": extension.days}

    return _case_action(request, case_id, key="extension", form=ExtensionRequestForm(request.POST), run=run)


@login_required
@require_POST
def terminate(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        services.case_terminate(actor=request.user, case=case, reason=data["reason"])
        return _("已终止办理，已出具终止办理告知书")

    return _case_action(request, case_id, key="terminate", form=TerminateForm(request.POST), run=run)


@login_required
@require_POST
def deliver(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        done = services.case_deliver(actor=request.user, case=case, method=data["method"], address=data["address"], note=data["note"])
        return _("已送达（%(method)s），办件已办结") % {"method": done.get_delivery_method_display()}

    return _case_action(request, case_id, key="deliver", form=DeliverForm(request.POST), run=run)


@login_required
@require_POST
def rongque_fulfil(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        services.commitment_fulfil(actor=request.user, case=case)
        return _("容缺材料已补齐，可以作出决定")

    # The form has no fields of its own: the errors (a material not yet uploaded) go on top.
    return _case_action(request, case_id, key="rongque_fulfil", form=Form(request.POST), run=run)


@login_required
@require_POST
def material_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """A file handed over at the window: before acceptance (from the acceptance page) or a 容缺
    material afterwards (from the case page)."""
    case = staff_case(request, case_id)
    on_accept_page = request.POST.get("next") == "accept"
    if on_accept_page:
        from govhall.catalog.selectors import applicable

        choices, _steps = applicable(case.item_version, set(case.answers or []))
    else:
        commitment = case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).first()
        choices = list(Material.objects.filter(pk__in=[m.get("id") for m in commitment.materials])) if commitment else []
    form = UploadForm(request.POST, request.FILES, materials=choices)
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        material = next(m for m in choices if m.pk == form.cleaned_data["material"])
        try:
            row = services.case_material_upload(
                actor=request.user, case=case, material=material, data=upload.read(), filename=upload.name or ""
            )
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已上传“%(name)s”") % {"name": row.name})
            return redirect("cases_staff:accept" if on_accept_page else "cases_staff:case", case_id=case.pk)
    if on_accept_page:
        from govhall.cases.views_window import render_acceptance

        return render_acceptance(request, case, upload_form=form, status=status)
    return render_case_page(request, case, bound={"upload": form}, status=status)


# --- files and documents ------------------------------------------------------------------------


@login_required
@require_GET
def material_file(request: HttpRequest, material_id: int) -> FileResponse:
    """An uploaded material, shown in the browser (PDF, image) or downloaded with ?download=1."""
    require_perm(request.user, *CASE_STAFF_PERMS)
    row = CaseMaterial.objects.filter(pk=material_id).first()
    if row is None:
        raise Http404
    get_case_for_user(user=request.user, case_id=row.case_id)
    path = services.case_material_path(row)
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), content_type=row.content_type, as_attachment=request.GET.get("download") == "1", filename=row.original_name
    )


def _staff_document(request: HttpRequest, document_id: int) -> CaseDocument:
    require_perm(request.user, *CASE_STAFF_PERMS)
    document = CaseDocument.objects.select_related("case", "issued_by").filter(pk=document_id).first()
    if document is None:
        raise Http404
    get_case_for_user(user=request.user, case_id=document.case_id)
    return document


@login_required
@require_GET
def document_page(request: HttpRequest, document_id: int) -> HttpResponse:
    """The document just issued (or any of the case's): what it says, and its PDF."""
    document = _staff_document(request, document_id)
    case = get_case_for_user(user=request.user, case_id=document.case_id)
    body = document.body or {}
    context = {
        "document": document,
        "case": case,
        "applicant": applicant_summary(case),
        "body": body,
        "points": body.get("points", []),
        "missing": body.get("missing", []),
        "back": reverse("cases_staff:window") if request.user.has_perm("cases.accept_case") else reverse("cases_staff:approval"),
    }
    return render(request, "cases/staff/document.html", context)


@login_required
@require_GET
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    from govhall.cases import documents

    document = _staff_document(request, document_id)
    content = documents.document_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(documents.document_filename(document))
    return response
