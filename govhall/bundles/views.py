"""Pages of 一件事一次办: the bundle list, a bundle's page (questionnaire, one form, one set of
materials, submit), the applicant's bundle cases, and the staff's queue and bundle case page.

Someone else's bundle case — or one outside a staff member's centre or department — is a 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.applicants.models import Enterprise, Person
from govhall.bundles import selectors
from govhall.bundles.models import Bundle, BundleCase
from govhall.bundles.services import (
    Upload,
    bundle_case_accept,
    bundle_case_deliver,
    bundle_case_refuse,
    bundle_case_request_supplement,
    bundle_case_submit,
    bundle_case_sync,
)
from govhall.cases.models import Case
from govhall.catalog.form_fields import field_rows, values_from_post
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.http import local_time, xlsx_response
from govhall.core.identifiers import mask_ric

LOGIN_URL = "applicants:login"
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class PageErrors:
    """Messages by field, in order; `summary` for the box at the top."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add_all(self, exc: ValidationError | PermissionDenied | Conflict) -> None:
        for error in exc.errors:
            self.fields.setdefault(error.field or "page", []).append(str(error.message))

    @property
    def summary(self) -> list[str]:
        return [m for messages_ in self.fields.values() for m in messages_]

    def __bool__(self) -> bool:
        return bool(self.fields)


# --- public -------------------------------------------------------------------------------------------


@require_GET
def bundle_list(request: HttpRequest) -> HttpResponse:
    bundles = list(selectors.public_bundles())
    groups = [
        (_("个人一件事"), [b for b in bundles if b.audience == Bundle.AUDIENCE_PERSON]),
        (_("企业一件事"), [b for b in bundles if b.audience == Bundle.AUDIENCE_ENTERPRISE]),
    ]
    return render(request, "bundles/list.html", {"groups": groups, "count": len(bundles)})


def _applicant_choices(user, bundle: Bundle) -> list[tuple[str, str, Person | None, Enterprise | None]]:
    if not user.is_authenticated:
        return []
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    if bundle.audience == Bundle.AUDIENCE_PERSON:
        return [("person", _("%(name)s（本人）") % {"name": person.name}, person, None)]
    return [(f"enterprise-{e.pk}", e.name, None, e) for e in Enterprise.objects.filter(legal_representative=person).order_by("id")]


def _answers(params, bundle: Bundle) -> list[str]:
    return [
        f"{q.key}.{params.get(f's.{q.key}')}"
        for q in selectors.bundle_questions(bundle)
        if params.get(f"s.{q.key}") in {o.key for o in q.options.all()}
    ]


@require_http_methods(["GET", "POST"])
def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One bundle: what it joins, its questionnaire; signed in, the one form and materials to apply."""
    bundle = selectors.get_public_bundle(code)
    params = request.POST if request.method == "POST" else request.GET
    answers = _answers(params, bundle)
    plan = selectors.bundle_plan(bundle, answers)
    choices = _applicant_choices(request.user, bundle)
    chosen_value = params.get("applicant") or (choices[0][0] if len(choices) == 1 else "")
    chosen = next((c for c in choices if c[0] == chosen_value), None)
    errors = PageErrors()
    values = values_from_post(plan.fields, params)
    contact = {k: str(params.get(k, "")).strip() for k in ("contact_name", "contact_phone", "address")}
    key = (params.get("idempotency_key") or "").strip()[:90] or uuid.uuid4().hex
    status = 200
    if request.method == "POST" and params.get("action") == "submit":
        if not request.user.is_authenticated:
            return redirect(f"{reverse(LOGIN_URL)}?next={request.path}")
        uploads = {}
        for pm in plan.materials:
            upload = request.FILES.get(pm.field)
            if upload is not None:
                uploads[pm.identity] = Upload(upload.read(settings.GOVHALL_UPLOAD_MAX_BYTES + 1), upload.name or "")
        if chosen is None:
            errors.fields.setdefault("applicant", []).append(_("请选择以谁的名义申请"))
        else:
            try:
                bundle_case = bundle_case_submit(
                    actor=request.user,
                    bundle=bundle,
                    applicant_person=chosen[2],
                    applicant_enterprise=chosen[3],
                    channel=Case.CHANNEL_ONLINE,
                    answers=answers,
                    values=values,
                    contact=contact,
                    uploads=uploads,
                    idempotency_key=key,
                )
            except (ValidationError, PermissionDenied, Conflict) as exc:
                errors.add_all(exc)
            else:
                messages.success(
                    request,
                    _("已提交。一件事办件编号 %(number)s，查询码 %(code)s。")
                    % {"number": bundle_case.number, "code": bundle_case.query_code},
                )
                return redirect("bundles:case", bundle_case.pk)
        status = 400
    field_prefill: dict[str, Any] = {}
    if chosen is not None:
        from govhall.shareddata.services import form_field_prefill

        field_prefill = form_field_prefill(actor=request.user, fields=[s for s, _r in plan.fields], person=chosen[2], enterprise=chosen[3])
        selectors.plan_waivers(plan, actor=request.user, person=chosen[2], enterprise=chosen[3])
        if request.method == "GET" and "ff_filled" not in params:
            for k, filled in field_prefill.items():
                values[k] = values.get(k) or filled.value
            person = chosen[2] or (chosen[3].legal_representative if chosen[3] else None)
            if person is not None and not any(contact.values()):
                contact = {"contact_name": person.name, "contact_phone": person.phone, "address": person.address}
    context = {
        "bundle": bundle,
        "plan": plan,
        "questions": [(q, [(o, f"{q.key}.{o.key}" in plan.answers) for o in q.options.all()]) for q in plan.questions],
        "choices": choices,
        "chosen_value": chosen_value,
        "field_rows": field_rows(plan.fields, values, errors.fields, field_prefill),
        "contact": contact,
        "errors": errors,
        "idempotency_key": key,
        "accept": ACCEPT,
        "max_mb": settings.GOVHALL_UPLOAD_MAX_BYTES // (1024 * 1024),
        "saved": sum(len(pm.item_names) for pm in plan.materials) - len(plan.materials),
    }
    return render(request, "bundles/detail.html", context, status=status)


# --- the applicant's bundle cases ---------------------------------------------------------------------


def _case_context(request: HttpRequest, bundle_case: BundleCase) -> dict[str, Any]:
    bundle_case_sync(bundle_case)
    return {
        "bc": bundle_case,
        "parts": selectors.part_progress(bundle_case),
        "remaining": selectors.remaining_days(bundle_case),
        "applicant_number": bundle_case.applicant_enterprise.uscc
        if bundle_case.applicant_enterprise
        else mask_ric(bundle_case.applicant_person.id_number if bundle_case.applicant_person else ""),
    }


@login_required(login_url=LOGIN_URL)
@require_GET
def my_bundle_cases(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.bundle_cases_for_applicant(user=request.user)[:100])
    for row in rows:
        bundle_case_sync(row)
    return render(request, "bundles/my_cases.html", {"rows": rows})


@login_required(login_url=LOGIN_URL)
@require_GET
def bundle_case_page(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    bundle_case = selectors.get_bundle_case_for_user(user=request.user, bundle_case_id=bundle_case_id)
    return render(request, "bundles/case.html", {**_case_context(request, bundle_case), "staff": False})


# --- staff --------------------------------------------------------------------------------------------


def _staff_required(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not request.user.has_perm("cases.accept_case"):
        from django.core.exceptions import PermissionDenied as DjangoDenied

        raise DjangoDenied


@login_required
@require_GET
def staff_queue(request: HttpRequest) -> HttpResponse:
    """The clerk's bundle queue: each bundle once, waiting for the one acceptance, and the bundles
    whose items are all decided, waiting for the one delivery."""
    _staff_required(request)
    for bc in selectors.bundle_queue_for_clerk(user=request.user, status=BundleCase.STATUS_IN_PROGRESS):
        bundle_case_sync(bc)
    queue = list(selectors.bundle_queue_for_clerk(user=request.user))
    for bc in queue:
        bundle_case_sync(bc)
    queue = [bc for bc in queue if bc.status == BundleCase.STATUS_SUBMITTED]
    context = {
        "queue": queue,
        "supplement": list(selectors.bundle_queue_for_clerk(user=request.user, status=BundleCase.STATUS_SUPPLEMENT)),
        "in_progress": list(selectors.bundle_queue_for_clerk(user=request.user, status=BundleCase.STATUS_IN_PROGRESS)),
        "deliveries": list(selectors.bundle_queue_for_clerk(user=request.user, status=BundleCase.STATUS_TO_DELIVER)),
        "now": timezone.now(),
    }
    return render(request, "bundles/staff/queue.html", context)


@login_required
@require_GET
def staff_queue_export(request: HttpRequest) -> HttpResponse:
    _staff_required(request)
    rows = []
    for status in (BundleCase.STATUS_SUBMITTED, BundleCase.STATUS_IN_PROGRESS, BundleCase.STATUS_TO_DELIVER):
        for bc in selectors.bundle_queue_for_clerk(user=request.user, status=status):
            rows.append(
                [
                    bc.number,
                    bc.bundle.name,
                    bc.applicant.name if bc.applicant else "",
                    bc.get_status_display(),
                    len(bc.parts.all()),
                    local_time(bc.submitted_at),
                    bc.due_date.isoformat() if bc.due_date else bc.due_note,
                ]
            )
    header = [_("一件事办件编号"), _("套餐"), _("申请人"), _("状态"), _("事项数"), _("提交时间"), _("整体办理期限")]
    return xlsx_response("bundle-cases.xlsx", header, rows, [28, 20, 28, 12, 8, 18, 16])


@login_required
@require_http_methods(["GET", "POST"])
def staff_case(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    bundle_case = selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id)
    errors = PageErrors()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                bundle_case_accept(actor=request.user, bundle_case=bundle_case)
                messages.success(request, _("已一次受理该套餐的全部事项，各事项进入部门并联办理。"))
            elif action == "refuse":
                bundle_case_refuse(actor=request.user, bundle_case=bundle_case, reason=request.POST.get("reason", ""))
                messages.success(request, _("已对该套餐作出不予受理决定。"))
            elif action == "supplement":
                points = [{"identity": "", "name": request.POST.get("name", ""), "problem": request.POST.get("problem", "")}]
                identity = request.POST.get("identity", "")
                if identity:
                    points[0]["identity"] = identity
                bundle_case_request_supplement(actor=request.user, bundle_case=bundle_case, points=points)
                messages.success(request, _("已一次性告知补正。"))
            elif action == "deliver":
                bundle_case_deliver(
                    actor=request.user,
                    bundle_case=bundle_case,
                    method=request.POST.get("method", ""),
                    address=request.POST.get("address", ""),
                )
                messages.success(request, _("已一次出件，套餐办结。"))
            else:
                raise ValidationError("action", "choice", _("无效的操作"))
        except (ValidationError, PermissionDenied, Conflict) as exc:
            errors.add_all(exc)
        else:
            return redirect("bundles_staff:case", bundle_case.pk)
        bundle_case = selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id)
    context = {
        **_case_context(request, bundle_case),
        "staff": True,
        "errors": errors,
        "can_accept": selectors.can_accept(request.user, bundle_case),
        "materials": selectors.bundle_plan(bundle_case.bundle, bundle_case.answers).materials,
        "delivery_choices": Case.DELIVERY_CHOICES,
    }
    return render(request, "bundles/case.html", context, status=400 if errors else 200)
