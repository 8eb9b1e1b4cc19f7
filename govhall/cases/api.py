"""The case API under /api/cases/: public tracking by number and query code (CASE-7, no personal
data), and the applicant, window, approval and process-setting endpoints of the sub-routers.

Everything but tracking needs a session (django_auth, with the CSRF token for writes)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Router, Schema

from govhall.cases.api_applicant import router as applicant_router
from govhall.cases.api_approval import admin_router as process_admin_router
from govhall.cases.api_approval import router as approval_router
from govhall.cases.api_window import router as window_router
from govhall.cases.models import EVENT_KIND_LABELS
from govhall.cases.selectors import case_for_tracking

router = Router(tags=["办件查询"])


class StatusOut(Schema):
    code: str
    label: str


class StepOut(Schema):
    kind: str
    label: str
    date: date


class TrackOut(Schema):
    number: str
    item_name: str
    status: StatusOut
    submitted_on: date | None
    accepted_on: date | None
    steps: list[StepOut]


def _day(value) -> date | None:
    return timezone.localdate(value) if value else None


@router.get("/track", response=TrackOut, auth=None, summary="按办件编号和查询码查询办理进度")
def track(request, number: str, code: str):
    case = case_for_tracking(number=number, code=code)
    return {
        "number": case.number,
        "item_name": case.item_version.name,
        "status": {"code": case.status, "label": str(case.get_status_display())},
        "submitted_on": _day(case.submitted_at),
        "accepted_on": _day(case.accepted_at),
        "steps": [
            {"kind": e.kind, "label": str(EVENT_KIND_LABELS.get(e.kind, e.kind)), "date": timezone.localdate(e.at)}
            for e in case.events.order_by("seq")
        ],
    }


# The sub-routers share the /api/cases/ prefix; their ids are `{int:...}` path converters, so the
# fixed paths (/track, /mine, /tasks …) never reach a `{case_id}` view.
router.add_router("", applicant_router)
router.add_router("", window_router)
router.add_router("", approval_router)
router.add_router("", process_admin_router)
