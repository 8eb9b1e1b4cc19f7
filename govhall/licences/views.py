"""Pages of electronic licences (DATA-3): the public verify page (from the QR code) and
verify-by-upload, the published keys, the holder's 证照夹, and the staff pages (the issuing
department's list with revoke, seals for the system admin)."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.core.errors import DomainError
from govhall.core.http import attachment_disposition, local_time, xlsx_response
from govhall.licences import selectors, services
from govhall.licences.models import Licence, Seal
from govhall.licences.pdf import licence_pdf
from govhall.org.models import Department

LOGIN_URL = "applicants:login"
MAX_FILE_BYTES = 256 * 1024
PAGE_SIZE = 30


def _filename(licence: Licence, ext: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{licence.licence_type.name}-{licence.number}")
    return f"{name}.{ext}"


def pdf_response(licence: Licence) -> HttpResponse:
    response = HttpResponse(licence_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(_filename(licence, "pdf"))
    return response


def file_response(licence: Licence) -> HttpResponse:
    body = json.dumps(selectors.licence_file(licence), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(_filename(licence, "json"))
    return response


# --- public --------------------------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest, identifier: str) -> HttpResponse:
    result = selectors.licence_verify(identifier=identifier)
    return render(request, "licences/verify.html", {"result": result, "identifier": identifier, "by_file": False})


@require_http_methods(["GET", "POST"])
def verify_form(request: HttpRequest) -> HttpResponse:
    """Enter an identifier, or upload a licence file."""
    if request.method == "GET":
        identifier = (request.GET.get("identifier") or "").strip()
        if identifier:
            return redirect("licences:verify", identifier=identifier)
        return render(request, "licences/verify_form.html", {})
    upload = request.FILES.get("file")
    error = ""
    document = None
    if upload is None:
        error = _("请选择要验证的证照文件")
    elif upload.size and upload.size > MAX_FILE_BYTES:
        error = _("文件过大，证照文件不超过 256 KB")
    else:
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            error = _("文件不是有效的电子证照文件")
    if error:
        return render(request, "licences/verify_form.html", {"error": error}, status=400)
    result = selectors.licence_verify(document=document)
    return render(request, "licences/verify.html", {"result": result, "by_file": True, "filename": upload.name if upload else ""})


@require_GET
def keys_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.published_keys(), json_dumps_params={"ensure_ascii": False, "indent": 2})


# --- the holder's wallet -------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    # Licences in force first, each group newest validity first.
    licences = sorted(
        selectors.licences_for_user(user=request.user),
        key=lambda lic: (lic.effective_status() != Licence.STATUS_VALID, -lic.valid_from.toordinal()),
    )
    rows = [{"licence": lic, "status": lic.effective_status(), "label": lic.effective_status_label()} for lic in licences]
    return render(request, "licences/wallet.html", {"rows": rows})


@login_required(login_url=LOGIN_URL)
@require_GET
def wallet_pdf(request: HttpRequest, licence_id: int) -> HttpResponse:
    return pdf_response(selectors.get_licence_for_holder_user(user=request.user, licence_id=licence_id))


@login_required(login_url=LOGIN_URL)
@require_GET
def wallet_file(request: HttpRequest, licence_id: int) -> HttpResponse:
    return file_response(selectors.get_licence_for_holder_user(user=request.user, licence_id=licence_id))


# --- staff ---------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    user = request.user
    if not (user.has_perm("licences.view_department_licences") or user.has_perm("licences.view_all_licences")):
        raise DjangoPermissionDenied


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    qs = selectors.licences_for_staff(user=request.user)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(holder_name__icontains=q) | qs.filter(identifier__icontains=q)
    status = request.GET.get("status") or ""
    if status in dict(Licence.STATUS_CHOICES):
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        rows = [
            (
                lic.licence_type.name,
                lic.number,
                lic.holder_name,
                lic.department.name,
                lic.valid_from.isoformat(),
                lic.valid_until.isoformat() if lic.valid_until else _("长期"),
                lic.effective_status_label(),
                local_time(lic.issued_at),
                lic.identifier,
            )
            for lic in qs
        ]
        header = [
            _("证照类型"),
            _("证号"),
            _("持证主体"),
            _("发证机关"),
            _("有效期起"),
            _("有效期至"),
            _("状态"),
            _("签发时间"),
            _("证照标识"),
        ]
        return xlsx_response("电子证照.xlsx", header, rows, [18, 24, 28, 24, 12, 12, 8, 17, 60])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [
            {"licence": lic, "can_revoke": services.can_revoke(request.user, lic) and lic.status == Licence.STATUS_VALID} for lic in page
        ],
        "q": q,
        "status": status,
        "statuses": Licence.STATUS_CHOICES,
        "can_manage_seals": request.user.has_perm("licences.manage_seals"),
    }
    return render(request, "licences/staff/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_revoke(request: HttpRequest, licence_id: int) -> HttpResponse:
    _staff(request)
    licence = selectors.get_licence_for_staff(user=request.user, licence_id=licence_id)
    if not services.can_revoke(request.user, licence):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.licence_revoke(actor=request.user, licence=licence, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            error = "；".join(e["message"] for e in exc.as_list())
        else:
            messages.success(request, _("证照 %(number)s 已撤销") % {"number": licence.number})
            return redirect("licences_staff:list")
    return render(request, "licences/staff/revoke.html", {"licence": licence, "error": error}, status=400 if error else 200)


@login_required
@require_GET
def staff_pdf(request: HttpRequest, licence_id: int) -> HttpResponse:
    _staff(request)
    return pdf_response(selectors.get_licence_for_staff(user=request.user, licence_id=licence_id))


def _sysadmin(request: HttpRequest) -> None:
    if not request.user.has_perm("licences.manage_seals"):
        raise DjangoPermissionDenied


@login_required
@require_GET
def seals(request: HttpRequest) -> HttpResponse:
    _sysadmin(request)
    departments = Department.objects.filter(is_active=True).order_by("name")
    by_department: dict[int, list[Seal]] = {}
    for seal in Seal.objects.select_related("department").order_by("-created_at"):
        by_department.setdefault(seal.department_id, []).append(seal)
    rows = [{"department": d, "seals": by_department.get(d.pk, [])} for d in departments]
    return render(request, "licences/staff/seals.html", {"rows": rows})


@login_required
@require_POST
def seal_rotate(request: HttpRequest, department_id: int) -> HttpResponse:
    _sysadmin(request)
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise Http404
    seal = services.seal_rotate(actor=request.user, department=department)
    messages.success(request, _("%(name)s 的电子印章已启用新密钥 %(key)s") % {"name": department.name, "key": seal.key_id})
    return redirect(reverse("licences_staff:seals") + f"#dept-{department.pk}")
