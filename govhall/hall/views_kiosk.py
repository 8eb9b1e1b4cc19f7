"""The self-service kiosk (HALL-3, 适老化): large print, big touch buttons, few choices per screen,
返回首页 on every screen and back to the home screen when left idle.

取号 (take a ticket and print it with its QR code), 预约签到 (check in by code → priority ticket),
办件查询 (number + query code → status and steps, the same selector as /track) and 打印结果
(number + query code + the applicant's 公民身份号码 or 统一社会信用代码 → the case's documents).
The kiosk is shared by everyone: a print-result check is refused the same way for every mismatch,
a session gets a few attempts, and what it unlocked is forgotten on the home screen or after a few
minutes.
"""

from __future__ import annotations

import io
import secrets
import time
from typing import Any

import segno
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.cases.selectors import case_for_tracking, case_timeline
from govhall.core.errors import DomainError
from govhall.hall import selectors, services
from govhall.hall.models import BusinessType, Ticket
from govhall.org.models import ServiceCentre

# 打印结果: failed checks a kiosk session may make within PRINT_LOCK_SECONDS, then it waits.
PRINT_ATTEMPTS = 5
PRINT_LOCK_SECONDS = 15 * 60
# How long the documents unlocked by a successful check stay printable.
PRINT_UNLOCK_SECONDS = 5 * 60
FAILS_KEY = "hall_kiosk_print_fails"
UNLOCK_KEY = "hall_kiosk_print_case"


def _centre(centre_id: int) -> ServiceCentre:
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    if not BusinessType.objects.filter(centre=centre, is_active=True).exists():
        raise Http404
    return centre


def _render(request: HttpRequest, template: str, centre: ServiceCentre, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, template, {"centre": centre, **context}, status=status)


@require_GET
def home(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = _centre(centre_id)
    request.session.pop(UNLOCK_KEY, None)  # whatever the last person unlocked is gone
    return _render(request, "hall/kiosk/home.html", centre)


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, centre_id: int) -> HttpResponse:
    """取号: one big button per business type, with how many wait."""
    centre = _centre(centre_id)
    if request.method == "POST":
        business_type = BusinessType.objects.filter(pk=request.POST.get("type", "0") or 0, centre=centre, is_active=True).first()
        if business_type is not None:
            ticket = services.ticket_issue(business_type=business_type, source=Ticket.SOURCE_KIOSK)
            return redirect("hall:kiosk-ticket", centre.pk, ticket.token)
    return _render(request, "hall/kiosk/take.html", centre, rows=selectors.waiting_counts(centre_id=centre.pk))


def ticket_qr_svg(ticket: Ticket) -> str:
    url = f"{settings.GOVHALL_PUBLIC_URL}{reverse('hall:ticket', args=[ticket.token])}"
    return segno.make(url, error="m", micro=False).svg_inline(scale=6, border=2, omitsize=True, title=_("扫码查看排队进度"))


@require_GET
def ticket(request: HttpRequest, centre_id: int, token: str) -> HttpResponse:
    """The printable ticket: number, business type, how many are ahead, QR code to the ticket page."""
    centre = _centre(centre_id)
    found = selectors.get_ticket_by_token(token=token)
    if found.centre_id != centre.pk:
        raise Http404
    return _render(request, "hall/kiosk/ticket.html", centre, ticket=found, ahead=selectors.tickets_ahead(found), qr=ticket_qr_svg(found))


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, centre_id: int) -> HttpResponse:
    """预约签到: the six-digit code from the booking → a priority ticket."""
    centre = _centre(centre_id)
    error = ""
    code = request.POST.get("code", "").strip()[:8]
    if request.method == "POST":
        try:
            issued = services.appointment_check_in(code=code, centre=centre)
        except DomainError as exc:
            error = exc.errors[0].message
        else:
            return redirect("hall:kiosk-ticket", centre.pk, issued.token)
    return _render(request, "hall/kiosk/check_in.html", centre, status=400 if error else 200, code=code, error=error)


@require_GET
def track(request: HttpRequest, centre_id: int) -> HttpResponse:
    """办件查询 with the number and query code printed on the acceptance notice."""
    centre = _centre(centre_id)
    number = request.GET.get("number", "").strip()[:64]
    code = request.GET.get("code", "").strip()[:6]
    context: dict[str, Any] = {"number": number, "code": code, "case": None, "error": ""}
    if number or code:
        try:
            case = case_for_tracking(number=number, code=code)
        except Http404:
            context["error"] = _("没有找到该办件，请核对办件编号和查询码")
        else:
            context.update(case=case, steps=case_timeline(case=case))
    return _render(request, "hall/kiosk/track.html", centre, status=404 if context["error"] else 200, **context)


def _fails(request: HttpRequest) -> list[float]:
    now = time.time()
    return [t for t in request.session.get(FAILS_KEY, []) if now - t < PRINT_LOCK_SECONDS]


def _identity_matches(case, identity: str) -> bool:
    expected = ""
    if case.applicant_person is not None:
        expected = case.applicant_person.id_number
    elif case.applicant_enterprise is not None:
        expected = case.applicant_enterprise.uscc
    return bool(expected) and secrets.compare_digest(identity.encode(), expected.upper().encode())


def _unlocked_case_id(request: HttpRequest) -> int | None:
    unlocked = request.session.get(UNLOCK_KEY)
    if not isinstance(unlocked, dict) or time.time() > unlocked.get("until", 0):
        return None
    return int(unlocked["case"])


@require_http_methods(["GET", "POST"])
def print_result(request: HttpRequest, centre_id: int) -> HttpResponse:
    """打印结果: the case's documents once number, query code and the applicant's identity number
    all match; otherwise the same message whatever was wrong."""
    centre = _centre(centre_id)
    context: dict[str, Any] = {"error": "", "case": None, "documents": []}
    status = 200
    if request.method == "POST":
        fails = _fails(request)
        if len(fails) >= PRINT_ATTEMPTS:
            context["error"] = _("尝试次数过多，请15分钟后再试，或到窗口请工作人员帮助")
            return _render(request, "hall/kiosk/print.html", centre, status=429, **context)
        number = request.POST.get("number", "").strip()[:64]
        code = request.POST.get("code", "").strip()[:6]
        identity = request.POST.get("identity", "").strip().upper()[:18]
        case = None
        try:
            case = case_for_tracking(number=number, code=code)
        except Http404:
            case = None
        if case is None or not _identity_matches(case, identity):
            request.session[FAILS_KEY] = [*fails, time.time()]
            context["error"] = _("信息不匹配，无法打印。请核对办件编号、查询码和证件号码")
            return _render(request, "hall/kiosk/print.html", centre, status=400, **context)
        request.session.pop(FAILS_KEY, None)
        request.session[UNLOCK_KEY] = {"case": case.pk, "until": time.time() + PRINT_UNLOCK_SECONDS}
        context.update(case=case, documents=list(case.documents.order_by("issued_at", "id")))
    return _render(request, "hall/kiosk/print.html", centre, status=status, **context)


@require_GET
def print_document(request: HttpRequest, centre_id: int, document_id: int) -> FileResponse:
    """The PDF of a document of the case this kiosk session has just unlocked."""
    _centre(centre_id)
    case_id = _unlocked_case_id(request)
    from govhall.cases.models import CaseDocument

    document = CaseDocument.objects.filter(pk=document_id, case_id=case_id).first() if case_id else None
    if document is None:
        raise Http404
    from govhall.cases.documents import document_filename, document_pdf

    return FileResponse(io.BytesIO(document_pdf(document)), content_type="application/pdf", filename=document_filename(document))
