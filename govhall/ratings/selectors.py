"""Read paths of 好差评: whose ratings and follow-ups a user sees, the window pad's ticket, and the
published figures (no personal data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.calendar import CalendarError, working_days_signed_many
from govhall.hall.models import Ticket
from govhall.org.models import StaffProfile
from govhall.ratings.models import BAD_LEVELS, FollowUp, Rating
from govhall.ratings.services import can_handle_followup


def _profile(user) -> StaffProfile | None:
    if not user or not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def _scope(user) -> Q | None:
    """The ratings and follow-ups a staff member sees: all (supervision), their centre's (centre
    admin), their department's (department admin); None when none at all."""
    if not user or not user.is_authenticated:
        return None
    if user.has_perm("ratings.view_all_ratings"):
        return Q()
    profile = _profile(user)
    if profile is None:
        return None
    scope = Q(pk__in=[])
    if profile.centre_id and user.has_perm("ratings.handle_centre_followups"):
        scope |= Q(centre_id=profile.centre_id)
    if profile.department_id and user.has_perm("ratings.handle_department_followups"):
        scope |= Q(department_id=profile.department_id)
    return scope


def can_see_ratings(user) -> bool:
    return _scope(user) is not None and (
        user.has_perm("ratings.view_all_ratings")
        or user.has_perm("ratings.handle_centre_followups")
        or user.has_perm("ratings.handle_department_followups")
    )


def followups_for_user(*, user, status: str = "", overdue: bool = False) -> QuerySet[FollowUp]:
    scope = _scope(user)
    if scope is None or not can_see_ratings(user):
        raise Http404
    rows = FollowUp.objects.filter(scope).select_related("rating", "rating__window", "centre", "department")
    if status == "unfinished":
        rows = rows.exclude(status=FollowUp.STATUS_CLOSED)
    elif status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.exclude(status=FollowUp.STATUS_CLOSED).filter(due_date__lt=timezone.localdate())
    return rows.order_by("due_date", "id")


def get_followup_for_user(*, user, followup_id: int) -> FollowUp:
    followup = (
        FollowUp.objects.select_related(
            "rating",
            "rating__window",
            "rating__staff",
            "rating__case",
            "rating__ticket",
            "centre",
            "department",
            "verified_by",
            "rectified_by",
            "called_back_by",
            "closed_by",
        )
        .filter(pk=followup_id)
        .first()
    )
    if followup is None:
        raise Http404
    if can_handle_followup(user, followup) or (user.is_authenticated and user.has_perm("ratings.view_all_ratings")):
        return followup
    raise Http404


def remaining_days(followups: list[FollowUp], today: dt.date | None = None) -> dict[int, int | None]:
    """Working days left until each open follow-up's due date (negative: days late)."""
    today = today or timezone.localdate()
    spans = {(today, f.due_date) for f in followups if f.due_date and f.status != FollowUp.STATUS_CLOSED}
    try:
        counted = working_days_signed_many(spans)
    except CalendarError:
        counted = {}
    return {f.pk: counted.get((today, f.due_date)) if f.due_date else None for f in followups}


@dataclass
class RatingFilters:
    level: str = ""
    channel: str = ""
    window: str = ""
    department: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_query(self) -> dict[str, str]:
        values = {
            "level": self.level,
            "channel": self.channel,
            "window": self.window,
            "department": self.department,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def ratings_for_user(*, user, filters: RatingFilters | None = None) -> QuerySet[Rating]:
    scope = _scope(user)
    if scope is None or not can_see_ratings(user):
        raise Http404
    rows = Rating.objects.filter(scope).select_related("window", "department", "staff", "case", "ticket", "followup")
    f = filters or RatingFilters()
    if f.level == "bad":
        rows = rows.filter(level__in=BAD_LEVELS)
    elif f.level.isdigit():
        rows = rows.filter(level=int(f.level))
    if f.channel:
        rows = rows.filter(channel=f.channel)
    if f.window.isdigit():
        rows = rows.filter(window_id=int(f.window))
    if f.department.isdigit():
        rows = rows.filter(department_id=int(f.department))
    if f.date_from:
        rows = rows.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        rows = rows.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    return rows.order_by("-created_at", "-id")


def ratings_for_applicant(*, user) -> QuerySet[Rating]:
    if not user.is_authenticated:
        raise Http404
    return Rating.objects.filter(rater=user).select_related("case", "window", "department").order_by("-created_at")


def case_rating(*, case) -> Rating | None:
    return Rating.objects.filter(kind=Rating.KIND_CASE, case=case).first()


def ticket_for_window_pad(*, user) -> Ticket | None:
    """The ticket the clerk finished most recently at their window today that is not rated yet."""
    profile = _profile(user)
    if profile is None or profile.window_id is None:
        return None
    today = timezone.localdate()
    return (
        Ticket.objects.filter(window_id=profile.window_id, served_by=user, status=Ticket.STATUS_DONE, day=today, rating__isnull=True)
        .select_related("business_type", "window")
        .order_by("-finished_at", "-id")
        .first()
    )


# --- published figures ------------------------------------------------------------------------------


@dataclass
class FigureRow:
    key: Any
    name: str
    count: int = 0
    good: int = 0
    bad: int = 0
    average: float | None = None
    bad_handled: int = 0
    real_name_bad: int = 0
    called_back: int = 0

    @property
    def good_rate(self) -> float | None:
        return self.good / self.count if self.count else None

    @property
    def rectified_rate(self) -> float | None:
        return self.bad_handled / self.bad if self.bad else None

    @property
    def callback_rate(self) -> float | None:
        return self.called_back / self.real_name_bad if self.real_name_bad else None


# A 差评 counts as 整改 done once it is verified (and rectified where warranted).
HANDLED = (FollowUp.STATUS_VERIFIED, FollowUp.STATUS_CALLED_BACK, FollowUp.STATUS_CLOSED)


def period_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def rating_figures(*, by: str, date_from: dt.date, date_to: dt.date) -> tuple[list[FigureRow], FigureRow]:
    """Count, 好评率 (基本满意 and better), 差评数, 差评整改率, 实名差评回访率 and average level for each
    department (by="department") or window (by="window") over a period; and the total."""
    group = {"department": ("department_id", "department__name"), "window": ("window_id", "window__number")}[by]
    rows = Rating.objects.filter(created_at__gte=_day_start(date_from), created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    bad = Q(level__in=BAD_LEVELS)
    aggregates = {
        "count": Count("id"),
        "good": Count("id", filter=~bad),
        "bad": Count("id", filter=bad),
        "average": Avg("level"),
        "bad_handled": Count("id", filter=bad & Q(followup__status__in=HANDLED)),
        "real_name_bad": Count("id", filter=bad & Q(real_name=True)),
        "called_back": Count("id", filter=bad & Q(real_name=True, followup__called_back_at__isnull=False)),
    }
    result: list[FigureRow] = []
    extra = ("window__name", "window__centre__name", "window__centre__level") if by == "window" else ()
    for values in rows.values(group[0], group[1], *extra).annotate(**aggregates).order_by(group[1]):
        if values[group[0]] is None:
            # Services at the 无差别综合受理 windows belong to no one department.
            name = str(_("综合窗口（不区分部门）")) if by == "department" else str(_("（无窗口）"))
        elif by == "window":
            name = f"{values['window__number']} {values['window__name']}"
            # Township and village windows share numbers (01, 02 …): name their centre too.
            if values["window__centre__level"] != "county":
                name += f"（{values['window__centre__name']}）"
        else:
            name = values[group[1]]
        result.append(
            FigureRow(
                key=values[group[0]],
                name=name,
                count=values["count"],
                good=values["good"],
                bad=values["bad"],
                average=values["average"],
                bad_handled=values["bad_handled"],
                real_name_bad=values["real_name_bad"],
                called_back=values["called_back"],
            )
        )
    result.sort(key=lambda r: (r.key is None, -r.count, r.name))
    total_values = rows.aggregate(**aggregates)
    counts = {k: int(total_values[k] or 0) for k in aggregates if k != "average"}
    total = FigureRow(
        key=None,
        name="合计",
        count=counts["count"],
        good=counts["good"],
        bad=counts["bad"],
        average=total_values["average"],
        bad_handled=counts["bad_handled"],
        real_name_bad=counts["real_name_bad"],
        called_back=counts["called_back"],
    )
    return result, total
