"""The self-service kiosk (HALL-3, 适老化): large print, big touch buttons, few choices per screen,
返回首页 on every screen and back to the home screen when left idle.

取号 (take a ticket and print it with its QR code), 预约签到 (check in by code → priority ticket),
办件查询 (number + query code → status and steps, the same selector as /track) and 打印结果
(number + query code + the applicant's 公民身份号码 or 统一社会信用代码 → the case's documents).
The kiosk is shared by everyone: a print-result check is refused the same way for every mismatch,
a client IP and a case number get a few failed attempts (govhall.hall.limits), and what it unlocked is forgotten on the home screen or after a few
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
from govhall.hall import limits, selectors, services
from govhall.hall.models import BusinessType, Ticket
from govhall.org.models import ServiceCentre

# 打印结果 and 办件查询 failures are limited in govhall.hall.limits (per client IP and case number).
# How long the documents unlocked by a successful check stay printable.
PRINT_UNLOCK_SECONDS = 5 * 60
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
            try:
                limits.ticket_allowed(request)  # security review #9: per-IP ticket limit
            except DomainError as exc:
                rows = selectors.waiting_counts(centre_id=centre.pk)
                return _render(request, "hall/kiosk/take.html", centre, status=exc.status_code, rows=rows, error=exc.errors[0].message)
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
    error, status = "", 400
    code = request.POST.get("code", "").strip()[:8]
    if request.method == "POST":
        # Security review #8: failures counted per client IP in the database; one message for all.
        keys = limits.keys_for(request)
        if limits.is_blocked(limits.KIND_CHECK_IN, keys):
            error, status = services.check_in_failed().errors[0].message, 429
        else:
            try:
                issued = services.appointment_check_in(code=code, centre=centre)
            except DomainError as exc:
                limits.record(limits.KIND_CHECK_IN, keys)
                error = exc.errors[0].message
            else:
                return redirect("hall:kiosk-ticket", centre.pk, issued.token)
    return _render(request, "hall/kiosk/check_in.html", centre, status=status if error else 200, code=code, error=error)


@require_GET
def track(request: HttpRequest, centre_id: int) -> HttpResponse:
    """办件查询 with the number and query code printed on the acceptance notice."""
    centre = _centre(centre_id)
    number = request.GET.get("number", "").strip()[:64]
    code = request.GET.get("code", "").strip()[:6]
    context: dict[str, Any] = {"number": number, "code": code, "case": None, "error": ""}
    if number or code:
        # Security review #7: failures counted per client IP and per case number in the database;
        # refused while blocked with the same message as a mismatch.
        keys = limits.keys_for(request, case_number=number)
        case = None
        blocked = limits.is_blocked(limits.KIND_TRACK, keys)
        if not blocked:
            try:
                case = case_for_tracking(number=number, code=code)
            except Http404:
                limits.record(limits.KIND_TRACK, keys)
        if case is None:
            context["error"] = _("没有找到该办件，请核对办件编号和查询码；多次不符请稍后再试，或到窗口咨询")
        else:
            context.update(case=case, steps=case_timeline(case=case))
    status = (429 if blocked else 404) if context["error"] else 200
    return _render(request, "hall/kiosk/track.html", centre, status=status, **context)


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
        number = request.POST.get("number", "").strip()[:64]
        code = request.POST.get("code", "").strip()[:6]
        identity = request.POST.get("identity", "").strip().upper()[:18]
        # Security review #7: failures counted per client IP and per case number in the database
        # (not the session, which a client drops); while blocked, the same message as a mismatch.
        keys = limits.keys_for(request, case_number=number)
        case = None
        blocked = limits.is_blocked(limits.KIND_PRINT, keys)
        if not blocked:
            try:
                case = case_for_tracking(number=number, code=code)
            except Http404:
                case = None
            if case is not None and not _identity_matches(case, identity):
                case = None
            if case is None:
                limits.record(limits.KIND_PRINT, keys)
        if case is None:
            context["error"] = _("信息不匹配，无法打印。请核对办件编号、查询码和证件号码；多次不符请稍后再试，或到窗口请工作人员帮助")
            return _render(request, "hall/kiosk/print.html", centre, status=429 if blocked else 400, **context)
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
