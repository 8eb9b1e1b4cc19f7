"""一个窗口出件 and 办结 (CASE-2, CASE-6): the result goes out at the window, by post or
electronically; delivery closes the case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.models import Case
from govhall.cases.services.events import case_event_append, case_lock, case_visit_record
from govhall.core.errors import ErrorCollector, PermissionDenied


def case_deliver(*, actor, case: Case, method: str, address: str = "", note: str = "") -> Case:
    """Deliver the decision (准予 or 不予) and close the case (办结). Collecting at the window is a
    visit; post needs the address; electronic delivery goes to the applicant's account."""
    if not permissions.can_deliver(actor, case):
        raise PermissionDenied(_("无权送达该办件"))
    errors = ErrorCollector()
    if method not in dict(Case.DELIVERY_CHOICES):
        errors.add("method", "choice", _("送达方式无效"))
    if method == Case.DELIVERY_POST and not (address or "").strip():
        errors.add("address", "required", _("邮寄送达须填写邮寄地址"))
    errors.raise_if_any()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_TO_DELIVER,))
        now = timezone.now()
        case.delivery_method = method
        case.delivery_address = (address or "").strip()[:300]
        case.delivery_note = (note or "").strip()[:300]
        case.delivered_at = now
        case.finished_at = now
        case.status = Case.STATUS_DONE
        if method == Case.DELIVERY_WINDOW:
            case_visit_record(case=case, actor=actor)
        case.save()
        case_event_append(
            case=case,
            kind="delivered",
            actor=actor,
            after={"method": method, "address": case.delivery_address, "note": case.delivery_note},
        )
        case_event_append(
            case=case,
            kind="done",
            actor=actor,
            before={"status": Case.STATUS_TO_DELIVER},
            after={"status": case.status, "decision": case.decision, "visits": case.visits},
        )
        return case
