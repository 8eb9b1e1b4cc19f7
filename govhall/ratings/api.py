"""JSON API of 好差评 under /api/ratings/.

- `POST /tickets/{token}` rates a finished hall service by its slip's token (anonymous: the QR
  code is the credential); `POST /cases/{id}` rates the applicant's own finished case.
- `GET /mine` the signed-in user's ratings.
- `GET /followups`, `GET /followups/{id}`, `POST /followups/{id}/{verify|rectify|callback|close}`
  for the centre or department admins answerable for a 差评 (supervisors read); a follow-up
  outside the user's scope is a 404.
- `GET /figures` the published figures (no personal data).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from govhall.core.identifiers import mask_phone
from govhall.ratings import services
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.selectors import (
    followups_for_user,
    get_followup_for_user,
    period_bounds,
    rating_figures,
    ratings_for_applicant,
    remaining_days,
)
from govhall.ratings.services import RatingInput, rating_submit_for_case, rating_submit_for_ticket
from govhall.ratings.views import client_device

router = Router(tags=["好差评"])


class RatingIn(Schema):
    level: int
    tags: list[str] = []
    comment: str = ""


class TicketRatingIn(RatingIn):
    channel: Literal["qr", "web", "kiosk"] = "qr"
    rater_name: str = ""
    rater_phone: str = ""


class CaseRatingIn(RatingIn):
    channel: Literal["web", "app"] = "web"


class RatingOut(Schema):
    id: int
    kind: str
    level: int
    level_label: str
    channel: str
    tags: list[str]
    tag_labels: list[str]
    comment: str
    created_at: dt.datetime
    case_number: str | None = None
    ticket_number: str | None = None
    followup_opened: bool


def _rating_out(rating: Rating) -> dict:
    return {
        "id": rating.pk,
        "kind": rating.kind,
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "channel": rating.channel,
        "tags": rating.tags,
        "tag_labels": rating.tag_labels,
        "comment": rating.comment,
        "created_at": rating.created_at,
        "case_number": rating.case.number if rating.case_id and rating.case else None,
        "ticket_number": rating.ticket.number if rating.ticket_id and rating.ticket else None,
        "followup_opened": FollowUp.objects.filter(rating=rating).exists(),
    }


@router.post("/tickets/{token}", response={201: RatingOut}, auth=None, summary="按凭条评价一次服务（一次一评）")
def rate_ticket(request, token: str, body: TicketRatingIn):
    rating = rating_submit_for_ticket(
        actor=request.user,
        token=token,
        channel=body.channel,
        data=RatingInput(level=body.level, tags=body.tags, comment=body.comment, rater_name=body.rater_name, rater_phone=body.rater_phone),
        device=client_device(request),
    )
    return Status(201, _rating_out(rating))


@router.post("/cases/{case_id}", response={201: RatingOut}, auth=django_auth, summary="评价本人已办结的办件（一事一评）")
def rate_case(request, case_id: int, body: CaseRatingIn):
    rating = rating_submit_for_case(
        actor=request.user,
        case_id=case_id,
        channel=body.channel,
        data=RatingInput(level=body.level, tags=body.tags, comment=body.comment),
        device=client_device(request),
    )
    return Status(201, _rating_out(rating))


@router.get("/mine", response=list[RatingOut], auth=django_auth, summary="我的评价")
def my_ratings(request):
    return [_rating_out(r) for r in ratings_for_applicant(user=request.user).select_related("ticket")[:200]]


# --- follow-ups -------------------------------------------------------------------------------------


class EventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    by: str
    note: str


class FollowUpOut(Schema):
    id: int
    status: str
    status_label: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    rated_at: dt.datetime
    channel: str
    real_name: bool
    rater_name: str
    rater_phone: str
    window: str | None
    department: str | None
    opened_on: dt.date
    verify_due: dt.date | None
    due_date: dt.date | None
    due_pending: str
    remaining_working_days: int | None
    overdue: bool
    verify_overdue: bool


class FollowUpDetailOut(FollowUpOut):
    finding: str
    warranted: bool | None
    rectification: str
    callback_result: str
    callback_satisfaction: str
    close_note: str
    events: list[EventOut]


def _followup_out(f: FollowUp, remaining: int | None, *, detail: bool = False) -> dict:
    today = timezone.localdate()
    rating = f.rating
    data = {
        "id": f.pk,
        "status": f.status,
        "status_label": str(f.get_status_display()),
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "tags": rating.tags,
        "comment": rating.comment,
        "rated_at": rating.created_at,
        "channel": rating.channel,
        "real_name": rating.real_name,
        "rater_name": rating.rater_name,
        "rater_phone": mask_phone(rating.rater_phone) if rating.rater_phone else "",
        "window": rating.window.number if rating.window_id and rating.window else None,
        "department": f.department.name if f.department_id and f.department else None,
        "opened_on": f.opened_on,
        "verify_due": f.verify_due,
        "due_date": f.due_date,
        "due_pending": "" if f.due_date else f"期限待定（{f.due_pending_year}年工作日历未载入）",
        "remaining_working_days": remaining,
        "overdue": f.is_overdue(today),
        "verify_overdue": f.is_verify_overdue(today),
    }
    if detail:
        data.update(
            finding=f.finding,
            warranted=f.warranted,
            rectification=f.rectification,
            callback_result=f.callback_result,
            callback_satisfaction=f.callback_satisfaction,
            close_note=f.close_note,
            events=[
                {
                    "kind": e.kind,
                    "label": str(e.get_kind_display()),
                    "at": e.at,
                    "by": (e.by.get_full_name() or e.by.username) if e.by else "",
                    "note": e.note,
                }
                for e in f.events.select_related("by").order_by("at", "id")
            ],
        )
    return data


class FollowUpFilter(Schema):
    status: str = Field(
        "unfinished", description="unfinished（未办结，默认）、all、或一个状态：open 待核实、rectifying、verified、called_back、closed"
    )
    overdue: bool = False


@router.get("/followups", response=list[FollowUpOut], auth=django_auth, summary="差评整改列表（本中心或本部门）")
def followup_list(request, filters: Query[FollowUpFilter]):
    status = "" if filters.status == "all" else filters.status
    rows = list(followups_for_user(user=request.user, status=status, overdue=filters.overdue)[:500])
    left = remaining_days(rows)
    return [_followup_out(f, left.get(f.pk)) for f in rows]


def _detail(request, followup_id: int) -> dict:
    f = get_followup_for_user(user=request.user, followup_id=followup_id)
    return _followup_out(f, remaining_days([f]).get(f.pk), detail=True)


@router.get("/followups/{followup_id}", response=FollowUpDetailOut, auth=django_auth, summary="差评整改详情")
def followup_detail(request, followup_id: int):
    return _detail(request, followup_id)


class VerifyIn(Schema):
    finding: str
    warranted: bool


class RectifyIn(Schema):
    rectification: str


class CallBackIn(Schema):
    result: str
    satisfaction: Literal["satisfied", "basically", "unsatisfied", "unreachable"]


class CloseIn(Schema):
    note: str = ""


@router.post("/followups/{followup_id}/verify", response=FollowUpDetailOut, auth=django_auth, summary="核实差评")
def followup_verify(request, followup_id: int, body: VerifyIn):
    services.followup_verify(actor=request.user, followup_id=followup_id, finding=body.finding, warranted=body.warranted)
    return _detail(request, followup_id)


@router.post("/followups/{followup_id}/rectify", response=FollowUpDetailOut, auth=django_auth, summary="填写整改措施")
def followup_rectify(request, followup_id: int, body: RectifyIn):
    services.followup_rectify(actor=request.user, followup_id=followup_id, rectification=body.rectification)
    return _detail(request, followup_id)


@router.post("/followups/{followup_id}/callback", response=FollowUpDetailOut, auth=django_auth, summary="回访评价人")
def followup_call_back(request, followup_id: int, body: CallBackIn):
    services.followup_call_back(actor=request.user, followup_id=followup_id, result=body.result, satisfaction=body.satisfaction)
    return _detail(request, followup_id)


@router.post("/followups/{followup_id}/close", response=FollowUpDetailOut, auth=django_auth, summary="办结差评整改")
def followup_close(request, followup_id: int, body: CloseIn):
    services.followup_close(actor=request.user, followup_id=followup_id, note=body.note)
    return _detail(request, followup_id)


# --- public figures -------------------------------------------------------------------------------


class FigureOut(Schema):
    name: str
    count: int
    good_rate: float | None
    bad: int
    rectified_rate: float | None
    callback_rate: float | None
    average: float | None


class FiguresOut(Schema):
    year: int
    by: str
    date_from: dt.date
    date_to: dt.date
    rows: list[FigureOut]
    total: FigureOut


def _figure(row) -> dict:
    return {
        "name": row.name,
        "count": row.count,
        "good_rate": row.good_rate,
        "bad": row.bad,
        "rectified_rate": row.rectified_rate,
        "callback_rate": row.callback_rate,
        "average": round(row.average, 2) if row.average is not None else None,
    }


@router.get("/figures", response=FiguresOut, auth=None, summary="好差评公示数据（按部门或窗口）")
def figures(request, year: int | None = None, by: Literal["department", "window"] = "department"):
    today = timezone.localdate()
    year = year if year and 2000 <= year <= today.year else today.year
    date_from, date_to = period_bounds(year)
    date_to = min(date_to, today)
    rows, total = rating_figures(by=by, date_from=date_from, date_to=date_to)
    return {"year": year, "by": by, "date_from": date_from, "date_to": date_to, "rows": [_figure(r) for r in rows], "total": _figure(total)}
