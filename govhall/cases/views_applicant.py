"""The applicant's pages (CASE-1, CASE-3, CASE-6, CASE-7): apply online, 我的办件, one case with its
documents, materials and the actions that apply, and public tracking by number and query code.

Plain forms that work without JavaScript; htmx only refreshes the material list when a situation
answer changes. Someone else's case — or any case, signed out — is a 404 on every URL here.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.clock import remaining_days
from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseMaterial
from govhall.cases.selectors import (
    case_for_tracking,
    case_timeline,
    cases_for_applicant,
    get_case_for_user,
    supplement_notice,
    supplement_points_unanswered,
)
from govhall.cases.services import (
    case_draft_delete,
    case_draft_save,
    case_material_path,
    case_material_upload,
    case_submit,
    case_supplement_submit,
    case_withdraw,
    commitment_fulfil,
)
from govhall.catalog.form_fields import field_rows, form_values_clean, values_from_form, values_from_post, version_fields
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.catalog.selectors import applicable
from govhall.core.errors import Conflict, ErrorCollector, FieldError, PermissionDenied, ValidationError
from govhall.core.http import HtmxHttpRequest, xlsx_bytes, xlsx_download
from govhall.org.models import StaffProfile
from govhall.shareddata.services import FieldPrefill, Prefill, application_prefill, form_field_prefill

LOGIN_URL = "applicants:login"
PAGE_SIZE = 20
# Items whose 网办深度 lets the applicant submit on the website (the others are applied for at a window).
ONLINE_DEPTHS = ("online_submit", "full_online")
# The fields every application has, stored in Case.form under their Chinese names (what the staff
# pages and the exported case show), with the longest value accepted.
FORM_FIELDS = {
    "contact_name": ("联系人", 100),
    "contact_phone": ("联系电话", 20),
    "address": ("通讯地址", 200),
    "description": ("申请事项说明", 2000),
}
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
FILE_FIELD = re.compile(r"file_([0-9]{1,12})")
# Files that are no material of the item's list (a point of a 补正 notice, "其他材料"): named by
# the matching `name_extra_<n>` field.
EXTRA_FIELD = re.compile(r"file_extra_([0-9]{1,3})")
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
WITHDRAWABLE = (Case.STATUS_SUBMITTED, Case.STATUS_SUPPLEMENT, Case.STATUS_IN_PROGRESS, Case.STATUS_SUSPENDED)


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user of a `login_required` view."""
    if not isinstance(request.user, User):
        raise Http404
    return request.user


class PageErrors:
    """Messages by form field (`page` for those that belong to no field), in the order raised; a
    field may carry a label (the material a file input is for) that the summary at the top names."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}

    def add(self, field_name: str, message: str, label: str = "") -> None:
        field_name = field_name or "page"
        self.fields.setdefault(field_name, []).append(str(message))
        if label:
            self.labels[field_name] = label

    def extend(self, errors: list[FieldError], rename: dict[str, str] | None = None, label: str = "") -> None:
        for error in errors:
            self.add((rename or {}).get(error.field, error.field), error.message, label)

    @property
    def summary(self) -> list[str]:
        return [f"{self.labels[name]}：{m}" if name in self.labels else m for name, messages in self.fields.items() for m in messages]

    def __bool__(self) -> bool:
        return bool(self.fields)


# --- applying --------------------------------------------------------------------------------------


@dataclass
class Application:
    """What the apply form carries, from a POST or from a saved draft."""

    applicant: str = ""  # "person" or "enterprise-<id>"
    answers: dict[str, str] = field(default_factory=dict)  # question key → option key
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    description: str = ""
    gaozhi: bool = False
    fields: dict[str, str] = field(default_factory=dict)  # the item's own form fields, by key

    @property
    def answer_refs(self) -> list[str]:
        return [f"{q}.{o}" for q, o in self.answers.items()]

    @property
    def form(self) -> dict[str, str]:
        return {label: getattr(self, name) for name, (label, _limit) in FORM_FIELDS.items()}


@dataclass(frozen=True)
class ApplicantChoice:
    value: str
    label: str
    person: Person | None
    enterprise: Enterprise | None


def _online_item(code: str) -> Item:
    item = Item.objects.select_related("department", "current_version").filter(code=code, status=Item.STATUS_ACTIVE).first()
    if item is None or item.current_version is None:
        raise Http404
    return item


def _applicant_choices(user, version: ItemVersion) -> list[ApplicantChoice]:
    """Applying as oneself, or as an enterprise one is the legal representative of."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    choices = []
    if version.for_person:
        choices.append(ApplicantChoice("person", _("%(name)s（本人）") % {"name": person.name}, person, None))
    if version.for_enterprise:
        for enterprise in Enterprise.objects.filter(legal_representative=person).order_by("id"):
            choices.append(ApplicantChoice(f"enterprise-{enterprise.pk}", enterprise.name, None, enterprise))
    return choices


def _answers(params, questions: list) -> dict[str, str]:
    """`s.<question>=<option>` radio values; anything that names no option is dropped."""
    answers = {}
    for question in questions:
        value = params.get(f"s.{question.key}", "")
        if value in {o.key for o in question.options.all()}:
            answers[question.key] = value
    return answers


def _application_from_post(post, questions: list, version: ItemVersion | None = None) -> Application:
    return Application(
        applicant=post.get("applicant", ""),
        answers=_answers(post, questions),
        gaozhi=post.get("gaozhi") == "1",
        fields=values_from_post(version_fields(version), post) if version is not None else {},
        **{name: post.get(name, "").strip() for name in FORM_FIELDS},
    )


def _item_form(
    version: ItemVersion, application: Application, errors: PageErrors | None = None, *, submitting: bool = False
) -> dict[str, str]:
    """The whole Case.form: the generic fields and the item's own (一次录入、大家共用), by label.
    With `errors`, each invalid item field is reported under `form.<key>`."""
    collector = ErrorCollector()
    own = form_values_clean(version_fields(version), application.fields, submitting=submitting, errors=collector)
    if errors is not None:
        # Kind and limits are checked again (and reported) by the case service on saving; here
        # only what a draft may leave empty.
        errors.extend([e for e in collector.errors if e.rule == "required"])
    return {**application.form, **own}


def _application_from_draft(case: Case) -> Application:
    value = "person" if case.applicant_person_id else f"enterprise-{case.applicant_enterprise_id}"
    answers = dict(ref.split(".", 1) for ref in case.answers if "." in ref)
    form = case.form if isinstance(case.form, dict) else {}
    return Application(
        applicant=value,
        answers=answers,
        gaozhi=case.gaozhi,
        fields=values_from_form(version_fields(case.item_version), form),
        **{name: str(form.get(label, "")) for name, (label, _limit) in FORM_FIELDS.items()},
    )


def _application_new(choices: list[ApplicantChoice]) -> Application:
    """A new form, filled in from the applicant's registration where we know it."""
    person = next((c.person for c in choices if c.person), None) or next(
        (c.enterprise.legal_representative for c in choices if c.enterprise), None
    )
    return Application(
        applicant=choices[0].value if len(choices) == 1 else "",
        contact_name=person.name if person else "",
        contact_phone=person.phone if person else "",
        address=person.address if person else "",
    )


def _check_form(application: Application, errors: PageErrors, *, submitting: bool) -> None:
    """The form fields: lengths always, required fields and the phone's form only on submission (a
    draft may be incomplete)."""
    for name, (label, limit) in FORM_FIELDS.items():
        if len(getattr(application, name)) > limit:
            errors.add(name, _("%(label)s不能超过%(n)d个字") % {"label": _(label), "n": limit})
    if not submitting:
        return
    if not application.contact_name:
        errors.add("contact_name", _("请填写联系人"))
    if not application.contact_phone:
        errors.add("contact_phone", _("请填写联系电话"))
    elif not PHONE.fullmatch(application.contact_phone):
        errors.add("contact_phone", _("联系电话应为11位手机号码或带区号的固定电话"))
    if not application.address:
        errors.add("address", _("请填写通讯地址"))
    if not application.description:
        errors.add("description", _("请填写申请事项说明"))


def _applicant_prefill(user, version: ItemVersion, choices: list[ApplicantChoice], applicant: str) -> Prefill:
    """一次录入、大家共用 (DATA-2): what the government already holds about the chosen applicant (the
    first one until a choice is made) — form values and the materials it replaces."""
    chosen = next((c for c in choices if c.value == applicant), None) or (choices[0] if choices else None)
    if chosen is None:
        return Prefill()
    return application_prefill(actor=user, item_version=version, person=chosen.person, enterprise=chosen.enterprise)


def _field_prefill(user, fields: list, choices: list[ApplicantChoice], applicant: str) -> dict[str, FieldPrefill]:
    """The item's own fields the government already holds for the chosen applicant (logged look-ups)."""
    chosen = next((c for c in choices if c.value == applicant), None) or (choices[0] if choices else None)
    if chosen is None or not fields:
        return {}
    return form_field_prefill(actor=user, fields=[spec for spec, _r in fields], person=chosen.person, enterprise=chosen.enterprise)


def _material_rows(
    version: ItemVersion, answers: dict[str, str], case: Case | None, errors: PageErrors, prefill: Prefill | None = None
) -> dict[str, Any]:
    """The materials that apply for these answers (a material of an unanswered question is kept,
    marked 视情形), each with what is already uploaded to the draft or case, and what replaces it
    when the government already holds it (免提交)."""
    questions = list(version.questions.prefetch_related("options"))
    selected = {f"{q}.{o}" for q, o in answers.items()}
    possible = selected | {f"{q.key}.{o.key}" for q in questions if q.key not in answers for o in q.options.all()}
    materials, _steps = applicable(version, possible)
    uploads: dict[int, CaseMaterial] = {}
    others: list[CaseMaterial] = []
    if case is not None:
        for row in case.materials.filter(replaced=False).order_by("id"):
            if row.material_id is not None and row.material_id not in uploads:
                uploads[row.material_id] = row
            else:
                others.append(row)
    shown = {m.pk for m in materials}
    others += [row for mid, row in uploads.items() if mid not in shown]
    rows = []
    for material in materials:
        refs = {f"{o.question.key}.{o.key}" for o in material.options.all()}
        rows.append(
            {
                "material": material,
                "field": f"file_{material.pk}",
                "upload": uploads.get(material.pk),
                "depends": bool(refs) and not (refs & selected),
                "errors": errors.fields.get(f"file_{material.pk}", []),
                "waiver": prefill.waivers.get(material.pk) if prefill else None,
            }
        )
    return {
        "material_rows": rows,
        "other_uploads": others,
        "extra_errors": errors.fields.get("file_extra_0", []),
        "accept": ACCEPT,
        "max_mb": settings.GOVHALL_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


def _upload_posted_files(request: HttpRequest, case: Case, errors: PageErrors, *, materials: dict[int, Material]) -> int:
    """Attach every file in the POST: `file_<material id>`, and `file_extra_<n>` named by
    `name_extra_<n>`. Returns how many were stored; each refusal is reported beside its file field."""
    stored = 0
    # One byte over the limit is enough for the service to refuse it as too large.
    limit = settings.GOVHALL_UPLOAD_MAX_BYTES + 1
    for key in list(request.FILES):
        upload = request.FILES.get(key)
        if upload is None:
            continue
        match, extra = FILE_FIELD.fullmatch(key), EXTRA_FIELD.fullmatch(key)
        if match:
            material = materials.get(int(match.group(1)))
            if material is None:
                errors.add(key, _("该材料不属于本事项"), upload.name or "")
                continue
            name, rename = "", {"file": key, "material": key}
        elif extra:
            name_field = f"name_extra_{extra.group(1)}"
            material, name = None, request.POST.get(name_field, "")
            # A name the applicant typed is reported beside the file it names.
            rename = {"file": key, "name": key}
        else:
            continue
        label = material.name if material is not None else (name.strip() or _("其他材料"))
        try:
            case_material_upload(
                actor=request.user, case=case, material=material, data=upload.read(limit), filename=upload.name or "", name=name
            )
        except ValidationError as exc:
            errors.extend(exc.errors, rename, label)
        except (PermissionDenied, Conflict) as exc:
            errors.extend(exc.errors, {"": key}, label)
        else:
            stored += 1
    return stored


def _own_case_for_item(user, item: Item, case_id: str) -> Case:
    if not case_id.isdigit():
        raise Http404
    case = Case.objects.filter(pk=int(case_id), submitted_by=user, item=item).first()
    if case is None:
        raise Http404
    return case


def _render_apply(
    request: HttpRequest,
    *,
    item: Item,
    choices: list[ApplicantChoice],
    application: Application,
    draft: Case | None,
    errors: PageErrors,
    key: str = "",
    status: int = 200,
) -> HttpResponse:
    version = item.current
    questions = list(version.questions.prefetch_related("options"))
    prefill = _applicant_prefill(request.user, version, choices, application.applicant)
    fields = version_fields(version)
    field_prefill = _field_prefill(request.user, fields, choices, application.applicant)
    if draft is None and request.method == "GET":
        for name, value in prefill.form.items():
            setattr(application, name, value)
        for key, filled in field_prefill.items():
            application.fields.setdefault(key, filled.value)
    context = {
        "item_fields": field_rows(fields, application.fields, errors.fields, field_prefill),
        "item": item,
        "version": version,
        "choices": choices,
        "application": application,
        "draft": draft,
        "errors": errors,
        "idempotency_key": key or uuid.uuid4().hex,
        "questions": [(q, [(o, application.answers.get(q.key) == o.key) for o in q.options.all()]) for q in questions],
        "prefilled_from": prefill.filled_from,
        **_material_rows(version, application.answers, draft, errors, prefill),
    }
    return render(request, "cases/applicant/apply.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply for an item: applicant, situation, form, 告知承诺, materials; save a draft or submit."""
    item = _online_item(code)
    version = item.current
    if version.online_depth not in ONLINE_DEPTHS:
        return render(request, "cases/applicant/apply_unavailable.html", {"item": item, "version": version})
    choices = _applicant_choices(request.user, version)
    draft_id = request.POST.get("draft") or request.GET.get("draft") or ""
    draft = _own_case_for_item(request.user, item, draft_id) if draft_id else None
    key = (request.POST.get("idempotency_key") or "").strip()[:100]
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "submit" and key:
        # The same form sent twice (a double click, a retry): show the case the first one made.
        done = Case.objects.filter(idempotency_key=key, submitted_by_id=request.user.pk).first()
        if done is not None:
            return redirect("cases_applicant:submitted", done.pk)
    if draft is not None and draft.status != Case.STATUS_DRAFT:
        messages.info(request, _("该申请已经提交。"))
        return redirect("cases_applicant:case", draft.pk)
    if request.method == "GET":
        application = _application_from_draft(draft) if draft else _application_new(choices)
        if draft is None and request.GET.get("applicant") in {c.value for c in choices}:
            application.applicant = request.GET["applicant"]
        return _render_apply(request, item=item, choices=choices, application=application, draft=draft, errors=PageErrors())
    questions = list(version.questions.prefetch_related("options"))
    application = _application_from_post(request.POST, questions, version)
    errors = PageErrors()
    if action not in ("save", "submit"):
        # The no-JS "更新材料清单" button: show the materials for the answers, store nothing.
        return _render_apply(request, item=item, choices=choices, application=application, draft=draft, errors=errors, key=key)
    submitting = action == "submit"
    _check_form(application, errors, submitting=submitting)
    form = _item_form(version, application, errors, submitting=submitting)
    chosen = next((c for c in choices if c.value == application.applicant), None)
    if chosen is None:
        errors.add("applicant", _("请选择以谁的名义申请"))
    case = draft
    if chosen is not None:
        try:
            case = case_draft_save(
                actor=request.user,
                item=item,
                applicant_person=chosen.person,
                applicant_enterprise=chosen.enterprise,
                channel=Case.CHANNEL_ONLINE,
                answers=application.answer_refs,
                form=form,
                gaozhi=application.gaozhi,
                case=draft,
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            errors.extend(exc.errors, {"item": "", "channel": "", "form": ""})
    if case is not None:
        _upload_posted_files(request, case, errors, materials={m.pk: m for m in version.materials.all()})
    elif request.FILES:
        errors.add("page", _("所选文件尚未上传：请先改正上面的错误，再重新选择文件"))
    if not errors and submitting and case is not None and chosen is not None:
        try:
            submitted = case_submit(
                actor=request.user,
                item=item,
                applicant_person=chosen.person,
                applicant_enterprise=chosen.enterprise,
                channel=Case.CHANNEL_ONLINE,
                answers=application.answer_refs,
                form=form,
                idempotency_key=key or None,
                gaozhi=application.gaozhi,
                draft=case,
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            errors.extend(exc.errors, {"item": "", "channel": "", "form": "", "idempotency_key": ""})
        else:
            if submitted.pk != case.pk:
                # Another request with this form's key got there first: one case, not two.
                case_draft_delete(actor=request.user, case=case)
            return redirect("cases_applicant:submitted", submitted.pk)
    if errors:
        return _render_apply(request, item=item, choices=choices, application=application, draft=case, errors=errors, key=key, status=400)
    assert case is not None
    messages.success(request, _("草稿已保存。可以随时回来继续填写，在“我的办件”中找到它。"))
    return redirect(f"{reverse('cases_applicant:apply', args=[item.code])}?draft={case.pk}")


@login_required(login_url=LOGIN_URL)
@require_GET
def apply_materials(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The material list for the answers chosen so far (htmx swaps it in as the answers change)."""
    item = _online_item(code)
    version = item.current
    draft_id = request.GET.get("draft", "")
    draft = _own_case_for_item(request.user, item, draft_id) if draft_id else None
    answers = _answers(request.GET, list(version.questions.prefetch_related("options")))
    prefill = _applicant_prefill(request.user, version, _applicant_choices(request.user, version), request.GET.get("applicant", ""))
    context = {"item": item, "version": version, **_material_rows(version, answers, draft, PageErrors(), prefill)}
    if request.GET.get("contact") == "1":
        # The applicant changed: their contact details replace the form's (swapped out of band),
        # and so do the item's own fields the government holds for them.
        context["contact_prefill"] = prefill.form
        fields = version_fields(version)
        choices = _applicant_choices(request.user, version)
        field_prefill = _field_prefill(request.user, fields, choices, request.GET.get("applicant", ""))
        if fields:
            values = {key: filled.value for key, filled in field_prefill.items()}
            context["item_fields_prefill"] = field_rows(fields, values, {}, field_prefill)
    return render(request, "cases/applicant/_apply_materials.html", context)


@login_required(login_url=LOGIN_URL)
@require_POST
def draft_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _applicant_case(request, case_id)
    try:
        case_draft_delete(actor=request.user, case=case)
    except (PermissionDenied, Conflict) as exc:
        messages.error(request, exc.errors[0].message)
        return redirect("cases_applicant:case", case.pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("cases_applicant:my-cases")


# --- my cases ---------------------------------------------------------------------------------------

STATUS_LABELS = dict(Case.STATUS_CHOICES)


def _status_param(request: HttpRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in STATUS_LABELS else ""


def _overdue(remaining: int | None) -> int:
    """Working days past the due date (the remaining days are negative then)."""
    return -remaining if remaining is not None and remaining < 0 else 0


def _applicant_name(case: Case) -> str:
    applicant = case.applicant_person or case.applicant_enterprise
    return applicant.name if applicant is not None else ""


@login_required(login_url=LOGIN_URL)
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    status = _status_param(request)
    qs = cases_for_applicant(user=request.user, status=status).select_related("applicant_person", "applicant_enterprise")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    left = remaining_days(cases)
    rows = [{"case": c, "remaining": left[c.pk], "overdue": _overdue(left[c.pk]), "applicant": _applicant_name(c)} for c in cases]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": Case.STATUS_CHOICES,
        "query": f"status={status}&" if status else "",
        "has_person": Person.objects.filter(user=_signed_in(request)).exists(),
    }
    return render(request, "cases/applicant/my_cases.html", context)


@login_required(login_url=LOGIN_URL)
@require_GET
def my_cases_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered (every page of it) as an Excel file."""
    status = _status_param(request)
    cases = list(cases_for_applicant(user=request.user, status=status).select_related("applicant_person", "applicant_enterprise"))
    left = remaining_days(cases)
    headers = [_("办件编号"), _("事项名称"), _("申请人"), _("状态"), _("提交日期"), _("办理期限"), _("剩余工作日")]
    rows = (
        [
            case.number or _("草稿"),
            case.item_version.name,
            _applicant_name(case),
            str(STATUS_LABELS[case.status]),
            timezone.localdate(case.submitted_at) if case.submitted_at else None,
            case.due_date,
            left[case.pk],
        ]
        for case in cases
    )
    name = _("我的办件")
    content = xlsx_bytes([(name, headers, rows, (34, 36, 24, 12, 13, 13, 12))])
    if status:
        name = f"{name}-{STATUS_LABELS[status]}"
    return xlsx_download(content, f"{name}.xlsx")


# --- one case -----------------------------------------------------------------------------------------


def _applicant_case(request: HttpRequest, case_id: int) -> Case:
    """The case if this user is its applicant (or submitted it for them); 404 for everyone else,
    staff included — they have their own pages."""
    case = get_case_for_user(user=request.user, case_id=case_id)
    if not permissions.is_applicant_side(request.user, case):
        raise Http404
    return case


EVENT_DETAIL_TASK = ("task_opened", "task_completed")


def _place(profile: StaffProfile) -> str:
    if profile.window is not None:
        window = profile.window
        return f"{window.centre.name} {window.number} {window.name}"
    if profile.department is not None:
        return profile.department.name
    if profile.centre is not None:
        return profile.centre.name
    return ""


def _steps(case: Case) -> list[dict[str, Any]]:
    """The case's timeline for the applicant and the public: what happened, when, and where (the
    department or window, never a staff member's name)."""
    rows = case_timeline(case=case)
    actor_ids = {r["actor_id"] for r in rows if r["actor_id"]}
    profiles = {
        p.user_id: p
        for p in StaffProfile.objects.filter(user_id__in=actor_ids).select_related("department", "centre", "window", "window__centre")
    }
    applicant_users = {
        getattr(case.applicant_person, "user_id", None),
        getattr(getattr(case.applicant_enterprise, "legal_representative", None), "user_id", None),
    }
    if not case.on_behalf:
        applicant_users.add(case.submitted_by_id)
    documents = dict(CaseDocument.KIND_CHOICES)
    decisions = dict(Case.DECISION_CHOICES)
    steps = []
    for row in rows:
        after = row["after"] if isinstance(row["after"], dict) else {}
        actor_id = row["actor_id"]
        if row["kind"] in EVENT_DETAIL_TASK and after.get("department"):
            place = str(after["department"])
        elif actor_id is None:
            place = _("系统")
        elif actor_id in profiles:
            place = _place(profiles[actor_id])
        elif actor_id in applicant_users:
            place = _("申请人")
        else:
            place = ""
        detail = ""
        if row["kind"] in EVENT_DETAIL_TASK:
            detail = str(after.get("task", ""))
        elif row["kind"] == "document_issued":
            detail = str(documents.get(after.get("kind", ""), ""))
        elif row["kind"] == "material_uploaded":
            detail = str(after.get("material", ""))
        elif row["kind"] == "decided":
            detail = str(decisions.get(after.get("decision", ""), ""))
        steps.append({"label": row["label"], "detail": detail, "at": row["at"], "place": place})
    return steps


def _answer_labels(case: Case) -> list[str]:
    labels = {}
    for question in case.item_version.questions.prefetch_related("options"):
        for option in question.options.all():
            labels[f"{question.key}.{option.key}"] = f"{question.text}：{option.label}"
    return [labels[ref] for ref in case.answers if ref in labels]


def _supplement_notice(case: Case) -> CaseDocument | None:
    return supplement_notice(case=case)


def _supplement_rows(notice: CaseDocument | None) -> list[dict[str, Any]]:
    """Every point of the 补正 notice with the file field that answers it: the material's own, or a
    named extra file for a point that is no material of the list."""
    rows: list[dict[str, Any]] = []
    extra = 0
    for point in notice.body.get("points", []) if notice is not None else []:
        mid = point.get("material_id")
        row = {"material_id": mid, "name": point.get("name", ""), "problem": point.get("problem", "")}
        if mid:
            row["field"] = f"file_{mid}"
        else:
            row["field"], row["name_field"] = f"file_extra_{extra}", f"name_extra_{extra}"
            extra += 1
        rows.append(row)
    return rows


def _supplemented_fields(case: Case, notice: CaseDocument | None) -> set[str]:
    """The points of the notice (by file field) answered with a file uploaded after it was issued."""
    if notice is None:
        return set()
    unanswered = set(supplement_points_unanswered(case=case, notice=notice))
    return {row["field"] for index, row in enumerate(_supplement_rows(notice)) if index not in unanswered}


def _check_supplemented(case: Case, notice: CaseDocument | None, errors: PageErrors) -> None:
    """Each point of the notice needs a file uploaded after it was issued."""
    done = _supplemented_fields(case, notice)
    for row in _supplement_rows(notice):
        if row["field"] not in done:
            errors.add(row["field"], _("请上传补正后的材料"), row["name"])


def _case_context(request: HttpRequest, case: Case, errors: PageErrors | None = None) -> dict[str, Any]:
    user = request.user
    notice = _supplement_notice(case) if case.status == Case.STATUS_SUPPLEMENT else None
    supplement_rows = _supplement_rows(notice)
    rongque = case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).first()
    gaozhi = case.commitments.filter(kind=CaseCommitment.KIND_GAOZHI).order_by("-id").first()
    materials = list(case.materials.order_by("id"))
    errors = errors or PageErrors()
    # What the upload form offers: every point of the 补正 notice, or the committed 容缺 materials,
    # or (while waiting for pre-review) the item's materials for the case's answers.
    upload_rows: list[dict[str, Any]] = []
    extra = 0
    if case.status == Case.STATUS_SUPPLEMENT:
        done_fields = _supplemented_fields(case, notice)
        upload_rows = [{**row, "done": row["field"] in done_fields} for row in supplement_rows]
        extra = sum(1 for row in supplement_rows if not row["material_id"])
    elif rongque is not None:
        for entry in rongque.materials:
            done = any(m.material_id == entry["id"] and not m.replaced and m.uploaded_at >= rongque.created_at for m in materials)
            upload_rows.append({"field": f"file_{entry['id']}", "name": entry["name"], "problem": "", "done": done})
    elif case.status == Case.STATUS_SUBMITTED:
        answers = dict(ref.split(".", 1) for ref in case.answers if "." in ref)
        for row in _material_rows(case.item_version, answers, case, errors)["material_rows"]:
            upload_rows.append({"field": row["field"], "name": row["material"].name, "problem": "", "done": row["upload"] is not None})
    for row in upload_rows:
        row["errors"] = errors.fields.get(row["field"], [])
    extra_field = f"file_extra_{extra}"
    form = case.form if isinstance(case.form, dict) else {}
    left = remaining_days([case])[case.pk]
    return {
        "case": case,
        "remaining": left,
        "overdue": _overdue(left),
        "applicant": case.applicant_person or case.applicant_enterprise,
        "form_rows": [(label, form.get(label, "")) for label, _limit in FORM_FIELDS.values() if form.get(label)],
        "answers": _answer_labels(case),
        "documents": list(case.documents.order_by("issued_at", "id")),
        "materials": [m for m in materials if not m.replaced],
        "replaced_materials": [m for m in materials if m.replaced],
        "steps": _steps(case),
        "supplement_points": supplement_rows,
        "rongque": rongque,
        "gaozhi": gaozhi,
        "upload_rows": upload_rows,
        "extra_field": extra_field,
        "extra_name_field": f"name_extra_{extra}",
        "extra_errors": errors.fields.get(extra_field, []),
        "can_withdraw": case.status in WITHDRAWABLE
        and (permissions.is_case_owner(user, case) or (case.on_behalf and case.submitted_by_id == user.pk)),
        "errors": errors,
        "accept": ACCEPT,
        "max_mb": settings.GOVHALL_UPLOAD_MAX_BYTES // (1024 * 1024),
        "track_url": f"{reverse('cases_applicant:track')}?number={case.number}&code={case.query_code}" if case.number else "",
    }


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _applicant_case(request, case_id)
    if case.status == Case.STATUS_DRAFT:
        return redirect(f"{reverse('cases_applicant:apply', args=[case.item.code])}?draft={case.pk}")
    return render(request, "cases/applicant/case.html", _case_context(request, case))


@require_GET
def case_submitted(request: HttpRequest, case_id: int) -> HttpResponse:
    """The confirmation after submitting: the case number and the query code to keep."""
    case = _applicant_case(request, case_id)
    if case.status == Case.STATUS_DRAFT:
        raise Http404
    return render(request, "cases/applicant/submitted.html", _case_context(request, case))


@require_POST
def case_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """Upload materials to a case (after a 补正 notice, for a 容缺 commitment, or while waiting for
    pre-review); `action` may go on to 提交补正 (supplement) or confirm the 容缺 materials (fulfil)."""
    case = _applicant_case(request, case_id)
    action = request.POST.get("action", "upload")
    errors = PageErrors()
    stored = _upload_posted_files(request, case, errors, materials={m.pk: m for m in case.item_version.materials.all()})
    if not errors and action == "supplement":
        _check_supplemented(case, _supplement_notice(case), errors)
    if not errors and action == "supplement":
        try:
            case_supplement_submit(actor=request.user, case=case)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            errors.extend(exc.errors)
        else:
            messages.success(request, _("补正材料已提交，窗口将重新预审。"))
            return redirect("cases_applicant:case", case.pk)
    if not errors and action == "fulfil":
        try:
            commitment_fulfil(actor=request.user, case=case)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            errors.extend(exc.errors, {"materials": "page", "commitment": "page"})
        else:
            messages.success(request, _("容缺材料已补齐，审批部门可以作出决定。"))
            return redirect("cases_applicant:case", case.pk)
    if errors:
        case.refresh_from_db()
        return render(request, "cases/applicant/case.html", _case_context(request, case, errors), status=400)
    if stored:
        messages.success(request, _("已上传%(n)d份材料。") % {"n": stored})
    else:
        messages.info(request, _("没有选择要上传的文件。"))
    return redirect("cases_applicant:case", case.pk)


@require_POST
def case_withdraw_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _applicant_case(request, case_id)
    try:
        case_withdraw(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied, Conflict) as exc:
        errors = PageErrors()
        errors.extend(exc.errors, {"": "withdraw"})
        case.refresh_from_db()
        return render(request, "cases/applicant/case.html", _case_context(request, case, errors), status=400)
    messages.success(request, _("申请已撤回。"))
    return redirect("cases_applicant:case", case.pk)


@require_GET
def material_download(request: HttpRequest, case_id: int, material_id: int) -> FileResponse:
    """A material of my case, read from private storage (never a MEDIA_URL link)."""
    case = _applicant_case(request, case_id)
    row = case.materials.filter(pk=material_id).first()
    if row is None:
        raise Http404
    path = case_material_path(row)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type=row.content_type, as_attachment=True, filename=row.original_name)


@require_GET
def document_download(request: HttpRequest, case_id: int, document_id: int) -> FileResponse:
    case = _applicant_case(request, case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    from govhall.cases.documents import document_filename, document_pdf

    return FileResponse(
        io.BytesIO(document_pdf(document)), content_type="application/pdf", as_attachment=True, filename=document_filename(document)
    )


# --- public tracking ----------------------------------------------------------------------------------


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """办件查询 (CASE-7) by number and query code — what the QR code on every document opens. Shows
    the item, the status, the dates and the steps; no name, number or contact of the applicant."""
    number = request.GET.get("number", "").strip()[:64]
    code = request.GET.get("code", "").strip()[:6]
    context: dict[str, Any] = {"number": number, "code": code, "case": None, "error": ""}
    status = 200
    if number or code:
        if not (number and code):
            context["error"] = _("请同时填写办件编号和查询码")
            status = 400
        else:
            try:
                case = case_for_tracking(number=number, code=code)
            except Http404:
                context["error"] = _("没有找到该办件：请核对办件编号和查询码")
                status = 404
            else:
                left = remaining_days([case])[case.pk]
                context.update(
                    case=case,
                    remaining=left,
                    overdue=_overdue(left),
                    submitted_on=timezone.localdate(case.submitted_at) if case.submitted_at else None,
                    steps=_steps(case),
                )
    return render(request, "cases/applicant/track.html", context, status=status)
