"""The resident's side of 帮办代办: 我的代办授权 (see and revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.agents import selectors, services
from govhall.agents.models import AgentConsent
from govhall.core.errors import DomainError


@login_required
@require_GET
def my_consents(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    consents = list(selectors.consents_for_resident(user=request.user))
    rows = [{"c": c, "status": c.status_on(today), "cases": list(c.cases.select_related("case", "case__item_version"))} for c in consents]
    return render(
        request, "agents/my_consents.html", {"rows": rows, "valid": AgentConsent.STATUS_VALID, "pending": AgentConsent.STATUS_PENDING}
    )


@login_required
@require_POST
def my_consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.resident.user_id != request.user.pk:
        raise Http404
    try:
        services.consent_revoke(actor=request.user, consent=consent, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, "；".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("已撤销对 %(point)s 代办员的授权") % {"point": consent.point.name})
    return redirect("agents:my-consents")


@login_required
@require_POST
def my_consent_confirm(request: HttpRequest, consent_id: int) -> HttpResponse:
    """The resident confirms a pending 手机确认 consent with their own login (security review #2)."""
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.resident.user_id != request.user.pk:
        raise Http404
    try:
        services.consent_resident_confirm(actor=request.user, consent=consent)
    except DomainError as exc:
        messages.error(request, "；".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("已确认对 %(point)s 代办员的授权，授权生效") % {"point": consent.point.name})
    return redirect("agents:my-consents")
