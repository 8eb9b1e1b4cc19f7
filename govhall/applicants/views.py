"""Applicants' sign-up and sign-in pages (plain forms; the sign-in is the staff login view with
its lock-out, under the applicants' heading and landing on 我的办件)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.applicants.accounts import applicant_account_register, applicant_enterprise_add
from govhall.applicants.models import Enterprise, Person
from govhall.core.auth import LockoutAuthenticationForm
from govhall.core.errors import FieldError, PermissionDenied, ValidationError

KINDS = ("person", "enterprise")


def errors_by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    """Service errors keyed by form field, for showing each message beside its field."""
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(error.field or "__all__", []).append(str(error.message))
    return out


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("cases_applicant:my-cases")


class ApplicantLoginView(LoginView):
    template_name = "applicants/login.html"
    authentication_form = LockoutAuthenticationForm
    next_page = "cases_applicant:my-cases"  # resolve_url takes a URL name


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind") or "person"
    if kind not in KINDS:
        kind = "person"
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in ("name", "id_number", "phone", "enterprise_name", "uscc")}
        try:
            account = applicant_account_register(
                name=values["name"],
                id_number=values["id_number"],
                phone=values["phone"],
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
                with_enterprise=kind == "enterprise",
                enterprise_name=values["enterprise_name"],
                uscc=values["uscc"],
            )
        except ValidationError as exc:
            errors, status = errors_by_field(exc.errors), 400
        else:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功。今后请使用公民身份号码和密码登录。"))
            return redirect(_safe_next(request))
    context = {"kind": kind, "values": values, "errors": errors, "next": request.GET.get("next", request.POST.get("next", ""))}
    return render(request, "applicants/signup.html", context, status=status)


@login_required(login_url="applicants:login")
@require_http_methods(["GET", "POST"])
def enterprise_add(request: HttpRequest) -> HttpResponse:
    """A signed-up person registers an enterprise they are the legal representative of."""
    user = request.user
    person = Person.objects.filter(user=user).first() if isinstance(user, User) else None
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and person is not None:
        values = {key: request.POST.get(key, "") for key in ("enterprise_name", "uscc")}
        try:
            enterprise = applicant_enterprise_add(actor=request.user, person=person, name=values["enterprise_name"], uscc=values["uscc"])
        except (ValidationError, PermissionDenied) as exc:
            errors, status = errors_by_field(exc.errors), 400
        else:
            messages.success(request, _("已登记企业“%(name)s”，现在可以以企业名义申请。") % {"name": enterprise.name})
            return redirect(_safe_next(request))
    context = {
        "person": person,
        "enterprises": Enterprise.objects.filter(legal_representative=person) if person else [],
        "values": values,
        "errors": errors,
        "next": request.GET.get("next", request.POST.get("next", "")),
    }
    return render(request, "applicants/enterprise_add.html", context, status=status)


@login_required(login_url="applicants:login")
def account_home(request: HttpRequest) -> HttpResponse:
    """我的政务服务: every page that is about the signed-in applicant, in one place."""
    user = request.user
    person = Person.objects.filter(user=user).first() if isinstance(user, User) else None
    enterprises = list(Enterprise.objects.filter(legal_representative=person)) if person else []
    return render(request, "applicants/account_home.html", {"person": person, "enterprises": enterprises})
