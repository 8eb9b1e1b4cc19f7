"""Staff pages of 帮办代办 (ONE-4): the agent's workbench, recording a consent, the hand-over steps,
the 代办回执; and for a clerk of the receiving centre, the papers to confirm and results to return.

Every view: parse → call one service or selector → render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.agents import selectors, services
from govhall.agents.forms import ConsentForm, HandOverForm, RevokeForm
from govhall.agents.models import AgentConsent, HandOver
from govhall.applicants.models import Person
from govhall.cases import permissions
from govhall.cases.forms_staff import apply_errors
from govhall.cases.models import Case
from govhall.catalog.models import Item
from govhall.core.errors import DomainError
from govhall.core.http import local_time, xlsx_response
from govhall.org.selectors import items_for_window

LIST_LIMIT = 200


def mask_name(name: str) -> str:
    """张* / 张*明 / 阿**尔: the first character (and the last, from three on) stay readable."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _require_agent(request: HttpRequest):
    point = services.agent_point(request.user)
    if point is None:
        raise DjangoPermissionDenied
    return point


def _case_rows(user) -> list[dict[str, Any]]:
    rows = []
    for link in selectors.cases_for_agent(user=user)[:LIST_LIMIT]:
        handovers = list(link.case.handovers.all())
        rows.append({"link": link, "case": link.case, "handovers": handovers, "next": selectors.next_step(link.case, handovers)})
    return rows


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    point = services.agent_point(request.user)
    clerk = request.user.has_perm("cases.accept_case")
    if point is None and not clerk:
        raise DjangoPermissionDenied
    context: dict[str, Any] = {"point": point}
    if point is not None:
        today = timezone.localdate()
        consents = list(selectors.consents_for_agent(user=request.user)[:LIST_LIMIT])
        rows = _case_rows(request.user)
        context.update(
            consents=[{"c": c, "status": c.status_on(today)} for c in consents],
            in_progress=[r for r in rows if r["next"] is not None and r["next"].step != HandOver.STEP_DELIVERED],
            to_deliver=[r for r in rows if r["next"] is not None and r["next"].step == HandOver.STEP_DELIVERED],
            finished=[r for r in rows if r["next"] is None][:20],
        )
    else:
        context.update(
            receipts=list(selectors.receipts_pending_for_clerk(user=request.user)[:LIST_LIMIT]),
            to_return=list(selectors.results_to_return_for_clerk(user=request.user)[:LIST_LIMIT]),
        )
    return render(request, "agents/workbench.html", context)


@login_required
@require_GET
def workbench_export(request: HttpRequest, which: str) -> HttpResponse:
    today = timezone.localdate()
    if which == "consents":
        _require_agent(request)
        rows = [
            [
                c.resident.name,
                c.resident.id_number_masked,
                c.get_scope_display(),
                "、".join(i.name for i in c.items.all()) or _("全部事项"),
                c.get_method_display(),
                local_time(c.given_at),
                f"{c.valid_until:%Y-%m-%d}",
                str(AgentConsent.STATUS_LABELS[c.status_on(today)]),
                c.text_version,
            ]
            for c in selectors.consents_for_agent(user=request.user)
        ]
        header = [
            _("委托人"),
            _("公民身份号码"),
            _("授权范围"),
            _("授权事项"),
            _("授权方式"),
            _("授权时间"),
            _("有效期至"),
            _("状态"),
            _("文本版本"),
        ]
        return xlsx_response(f"代办授权_{today:%Y%m%d}.xlsx", header, rows, [10, 22, 14, 40, 16, 18, 12, 8, 10])
    if which == "cases":
        _require_agent(request)
        case_rows = []
        for row in _case_rows(request.user):
            case: Case = row["case"]
            done = "、".join(f"{h.get_step_display()} {local_time(h.at)}" for h in row["handovers"])
            nxt = row["next"]
            case_rows.append(
                [
                    case.number,
                    case.item_version.name,
                    case.applicant.name,
                    case.get_status_display(),
                    local_time(case.submitted_at),
                    done,
                    nxt.label if nxt else _("已送达"),
                ]
            )
        header = [_("办件编号"), _("事项"), _("申请人"), _("状态"), _("提交时间"), _("已完成交接"), _("下一步")]
        return xlsx_response(f"代办办件_{today:%Y%m%d}.xlsx", header, case_rows, [30, 36, 10, 10, 18, 60, 10])
    if which == "receipts" and request.user.has_perm("cases.accept_case"):
        rows = [
            [h.case.number or "", h.case.item_version.name, h.by.get_full_name() or h.by.username, local_time(h.at), "、".join(h.papers)]
            for h in selectors.receipts_pending_for_clerk(user=request.user)
        ]
        header = [_("办件编号"), _("事项"), _("代办员"), _("递交时间"), _("材料")]
        return xlsx_response(f"待确认代办材料_{today:%Y%m%d}.xlsx", header, rows, [30, 36, 10, 18, 60])
    raise Http404


# --- consent --------------------------------------------------------------------------------------


def _consent_items(user):
    """The items the agent's window may take in for a person (those a consent can be for)."""
    profile = permissions.staff_profile(user)
    qs = items_for_window(window=profile.window) if profile is not None and profile.window is not None else Item.objects.none()
    return (
        qs.filter(status=Item.STATUS_ACTIVE, current_version__for_person=True)
        .select_related("department")
        .order_by("name", "department__name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest) -> HttpResponse:
    point = _require_agent(request)
    back = _safe_next(request, "")
    if request.method == "POST":
        form = ConsentForm(request.POST, request.FILES, items_queryset=_consent_items(request.user))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            resident = Person.objects.filter(id_number=data["id_number"].strip().upper()).first()
            if resident is None:
                form.add_error("id_number", _("该居民尚未登记，请先在“现场申请”页核对身份证件后登记"))
            else:
                upload = data.get("file")
                try:
                    consent = services.consent_record(
                        actor=request.user,
                        resident=resident,
                        scope=data["scope"],
                        items=list(data["items"]),
                        method=data["method"],
                        valid_until=data.get("valid_until"),
                        file_data=upload.read() if upload else b"",
                        phone=data.get("phone", ""),
                        note=data.get("note", ""),
                    )
                except DomainError as exc:
                    apply_errors(form, exc)
                    status = exc.status_code
                else:
                    messages.success(request, _("已登记“%(name)s”的代办授权") % {"name": resident.name})
                    target = reverse("agents_staff:consent", args=[consent.pk])
                    if back and consent.method != AgentConsent.METHOD_CODE:
                        return redirect(back)
                    return redirect(f"{target}?{urlencode({'next': back})}" if back else target)
        return render(
            request,
            "agents/consent_form.html",
            {"form": form, "point": point, "next": back, "text": _text_sample(point, request.user)},
            status=status,
        )
    # Security review #1: never pre-fill a resident's ID number from ?resident=<pk> — any agent could
    # enumerate residents' numbers. The agent types the full number read from the resident's card.
    initial: dict[str, Any] = {}
    item_id = request.GET.get("item", "")
    if item_id.isdigit():
        initial["items"] = [int(item_id)]
    form = ConsentForm(initial=initial, items_queryset=_consent_items(request.user))
    return render(
        request, "agents/consent_form.html", {"form": form, "point": point, "next": back, "text": _text_sample(point, request.user)}
    )


def _text_sample(point, agent) -> str:
    until = timezone.localdate() + timedelta(days=services.ALL_ITEMS_DAYS)
    return services.consent_text(
        agent_name=agent.get_full_name() or agent.username, point_name=point.name, scope=_("（所选事项）"), until=until
    )


def _consent_context(request: HttpRequest, consent: AgentConsent) -> dict[str, Any]:
    items = list(consent.items.all())
    scope = "、".join(i.name for i in items) if consent.scope == AgentConsent.SCOPE_ITEMS else _("全部政务服务事项")
    return {
        "consent": consent,
        "items": items,
        "status": consent.status,
        "text": services.consent_text(
            agent_name=consent.agent.get_full_name() or consent.agent.username,
            point_name=consent.point.name,
            scope=scope,
            until=consent.valid_until,
        ),
        "cases": list(consent.cases.select_related("case", "case__item_version").order_by("-case_id")[:50]),
        "revoke_form": RevokeForm(),
        "next": _safe_next(request, ""),
    }


@login_required
@require_GET
def consent_detail(request: HttpRequest, consent_id: int) -> HttpResponse:
    _require_agent(request)
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.agent_id != request.user.pk:
        raise Http404
    return render(request, "agents/consent.html", _consent_context(request, consent))


@login_required
@require_POST
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    _require_agent(request)
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.agent_id != request.user.pk:
        raise Http404
    try:
        services.consent_revoke(actor=request.user, consent=consent, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, "；".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("授权已撤销"))
    return redirect("agents_staff:consent", consent_id=consent.pk)


@login_required
@require_GET
def consent_file(request: HttpRequest, consent_id: int) -> FileResponse:
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if not consent.file_path:
        raise Http404
    path = services.consent_file_path(consent)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type=consent.file_content_type, filename=f"授权-{consent.pk}{path.suffix}")


# --- hand-over ------------------------------------------------------------------------------------


@login_required
@require_POST
def handover_add(request: HttpRequest, case_id: int) -> HttpResponse:
    link = selectors.agent_case_for_user(user=request.user, case_id=case_id)
    back = _safe_next(request, reverse("cases_staff:case", args=[link.case_id]))
    form = HandOverForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("交接信息无效"))
        return redirect(back)
    upload = form.cleaned_data.get("signature")
    try:
        handover = services.handover_record(
            actor=request.user,
            case=link.case,
            step=form.cleaned_data["step"],
            papers=form.paper_list(),
            note=form.cleaned_data.get("note", ""),
            signature=upload.read() if upload else b"",
        )
    except DomainError as exc:
        messages.error(request, "；".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("已登记“%(step)s”") % {"step": handover.get_step_display()})
    return redirect(back)


@login_required
@require_POST
def handover_confirm(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = HandOver.objects.select_related("case").filter(pk=handover_id).first()
    if handover is None:
        raise Http404
    selectors.agent_case_for_user(user=request.user, case_id=handover.case_id)
    try:
        services.handover_confirm_receipt(actor=request.user, handover=handover)
    except DomainError as exc:
        messages.error(request, "；".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("已确认接收办件 %(number)s 的代办材料") % {"number": handover.case.number})
    return redirect(_safe_next(request, reverse("agents_staff:workbench")))


@login_required
@require_GET
def handover_signature(request: HttpRequest, handover_id: int) -> FileResponse:
    handover = HandOver.objects.filter(pk=handover_id).exclude(signature_path="").first()
    if handover is None:
        raise Http404
    selectors.agent_case_for_user(user=request.user, case_id=handover.case_id)
    path = services.handover_signature_path(handover)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png" if path.suffix == ".png" else "image/jpeg")


def track_url(case: Case) -> str:
    return f"{settings.GOVHALL_PUBLIC_URL}{reverse('cases_applicant:track')}?{urlencode({'number': case.number or '', 'code': case.query_code})}"


@login_required
@require_GET
def receipt(request: HttpRequest, case_id: int) -> HttpResponse:
    """代办回执: what the agent leaves with the resident to follow the case at /track."""
    link = selectors.agent_case_for_user(user=request.user, case_id=case_id)
    case = link.case
    url = track_url(case)
    qr = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True, title=_("扫码查询办件进度"))
    return render(
        request,
        "agents/receipt.html",
        {
            "link": link,
            "case": case,
            "resident_name": mask_name(case.applicant.name),
            "handovers": selectors.handovers_for_case(case=case),
            "qr": qr,
            "track_url": url,
            "printed_at": timezone.localtime(),
        },
    )
