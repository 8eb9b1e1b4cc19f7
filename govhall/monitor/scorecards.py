"""考核评价 (SUP-5): department and township (苏木镇) scorecards for a month, quarter or year.

A scorecard is out of 100: each part below scores `weight × fraction`, where the fraction comes
from the unit's indicator, survey or follow-up rate by the part's rule. A part without data in the period
(its denominator is 0: no cases decided, no ratings, no follow-ups due) is left out and the other
parts are scaled up to 100, so that a unit is neither rewarded nor punished for what it did not
have. Units rank by score (equal scores share a rank; units without any data are not ranked).

| 考核项          | 权重 | 计分规则                                         |
|-----------------|-----:|--------------------------------------------------|
| 按期办结率      |   20 | 权重 × 按期办结率                                |
| 差评率          |   15 | 差评率 0 得满分，≥ 2% 得 0 分，其间线性           |
| 网办率          |   15 | 网办率 ≥ 90% 得满分，其下按 网办率 ÷ 90%          |
| 驳回率          |   10 | 驳回率 0 得满分，≥ 20% 得 0 分，其间线性          |
| 满意率          |   10 | 权重 × 满意率                                    |
| 满意度调查      |   10 | 权重 × 满意度（考核期内截止的调查，满意及以上的回答 ÷ 满意度题回答） |
| 差评整改按时率  |   10 | 期限在考核期内的差评整改，按期办结的比例          |
| 工单按时答复率  |    5 | 答复期限在考核期内的投诉/12345 工单，按期答复的比例 |
| 督办任务按时反馈率 | 5 | 期限在考核期内的交办任务，按期反馈的比例          |
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.monitor.figures import COUNTERS, RATES, Figures, Period, counts_by_key, county_townships, department_label, ratio
from govhall.org.models import Department
from govhall.supervision.models import Rollup


@dataclass(frozen=True)
class Part:
    code: str
    label: Any
    weight: int
    rule: Any
    fraction: Callable[[float], float]


def _linear_down(limit: float) -> Callable[[float], float]:
    return lambda rate: max(0.0, 1.0 - rate / limit)


PARTS: list[Part] = [
    Part("on_time_rate", _("按期办结率"), 20, _("权重 × 按期办结率"), lambda r: r),
    Part("bad_rating_rate", _("差评率"), 15, _("差评率 0 得满分，≥ 2% 得 0 分，其间线性"), _linear_down(0.02)),
    Part("online_rate", _("网办率"), 15, _("网办率 ≥ 90% 得满分，其下按 网办率 ÷ 90%"), lambda r: min(1.0, r / 0.9)),
    Part("rejection_rate", _("驳回率"), 10, _("驳回率 0 得满分，≥ 20% 得 0 分，其间线性"), _linear_down(0.20)),
    Part("satisfaction_rate", _("满意率"), 10, _("权重 × 满意率"), lambda r: r),
    Part(
        "survey_satisfaction",
        _("满意度调查"),
        10,
        _("权重 × 满意度：考核期内截止的满意度调查中，选择满意或非常满意的回答占满意度题回答的比例"),
        lambda r: r,
    ),
    Part("followup_on_time", _("差评整改按时率"), 10, _("期限在考核期内的差评整改中按期办结的比例"), lambda r: r),
    Part("complaint_on_time", _("工单按时答复率"), 5, _("答复期限在考核期内的投诉、12345 工单中按期答复的比例"), lambda r: r),
    Part("task_on_time", _("督办任务按时反馈率"), 5, _("期限在考核期内的交办任务中按期反馈的比例"), lambda r: r),
]
FOLLOW_UP_PARTS = ("followup_on_time", "complaint_on_time", "task_on_time")
SURVEY_PART = "survey_satisfaction"

KIND_DEPARTMENT, KIND_TOWNSHIP = "department", "township"


@dataclass
class Line:
    code: str
    label: str
    weight: int
    rule: str
    numerator: int
    denominator: int
    rate: float | None
    points: float | None  # None: no data, left out


@dataclass
class Scorecard:
    key: str
    name: str  # short (简称) for the pages and the PDF
    lines: list[Line] = field(default_factory=list)
    score: float | None = None
    rank: int | None = None
    department_id: int | None = None
    full_name: str = ""

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.code == code)


def score_lines(lines: list[Line]) -> float | None:
    """Points of the parts with data, scaled to 100 over their weights; None without any data."""
    weights = sum(line.weight for line in lines if line.points is not None)
    if not weights:
        return None
    return round(sum(line.points or 0 for line in lines) * 100 / weights, 2)


def build_lines(figures: Figures, follow_ups: dict[str, tuple[int, int]]) -> list[Line]:
    """The card's lines: the indicator parts from the figures, the others (follow-ups and the
    survey) from `follow_ups` as {part code: (numerator, denominator)}."""
    lines = []
    for part in PARTS:
        if part.code in RATES:
            numerator_name, denominator_name = RATES[part.code]
            numerator, denominator = figures.count(numerator_name), figures.count(denominator_name)
        else:
            numerator, denominator = follow_ups.get(part.code, (0, 0))
        rate = ratio(numerator, denominator)
        points = None if rate is None else round(part.weight * part.fraction(rate), 2)
        lines.append(Line(part.code, str(part.label), part.weight, str(part.rule), numerator, denominator, rate, points))
    return lines


def rank(cards: list[Scorecard]) -> list[Scorecard]:
    """Best first; equal scores share a rank (1, 1, 3); cards without a score last, unranked."""
    scored = sorted((c for c in cards if c.score is not None), key=lambda c: (-(c.score or 0), c.name))
    previous: float | None = None
    for position, card in enumerate(scored, start=1):
        card.rank = position if card.score != previous else scored[position - 2].rank
        previous = card.score
    return scored + [c for c in cards if c.score is None]


# --- follow-ups ------------------------------------------------------------------------------------


def _on_time_counts(rows: Iterable[tuple[Any, dt.date | None, dt.datetime | None]], today: dt.date) -> dict[Any, tuple[int, int]]:
    """(owner, due date, done at) → owner: (done by the due date, due). An item still open whose
    due date has not passed yet is not counted."""
    out: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for owner, due, done_at in rows:
        if due is None:
            continue
        done_on = timezone.localdate(done_at) if done_at else None
        if done_on is None and due >= today:
            continue
        out[owner][1] += 1
        if done_on is not None and done_on <= due:
            out[owner][0] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def followup_counts(period: Period, today: dt.date | None = None) -> dict[str, dict[int, tuple[int, int]]]:
    """Per department id: (on time, due) for 差评整改, work orders and supervision tasks."""
    from govhall.complaints.models import Complaint
    from govhall.ratings.models import FollowUp

    today = today or timezone.localdate()
    in_period = Q(due_date__gte=period.start, due_date__lte=period.end)
    followups = FollowUp.objects.filter(in_period, department__isnull=False).values_list("department_id", "due_date", "closed_at")
    complaints = Complaint.objects.filter(in_period, department__isnull=False).values_list("department_id", "due_date", "replied_at")
    return {
        "followup_on_time": _on_time_counts(followups, today),
        "complaint_on_time": _on_time_counts(complaints, today),
        "task_on_time": _on_time_counts(task_rows(period), today),
    }


def task_rows(period: Period) -> list[tuple[int, dt.date | None, dt.datetime | None]]:
    """(department id, due date, answered at) of the supervision tasks (交办) to a department due in
    the period (a task to a window belongs to its centre, not to a department); an answer marked
    late (超期答复) counts as answered after the due date."""
    try:
        from govhall.anomalies.models import SupervisionTask
    except ImportError:
        return []
    rows = SupervisionTask.objects.filter(
        due_date__gte=period.start, due_date__lte=period.end, target_kind=SupervisionTask.TARGET_DEPARTMENT, department__isnull=False
    )
    out: list[tuple[int, dt.date | None, dt.datetime | None]] = []
    tz = timezone.get_current_timezone()
    for department_id, due, answered_at, late in rows.values_list("department_id", "due_date", "answered_at", "answered_late"):
        if answered_at is not None and late:
            answered_at = max(answered_at, dt.datetime.combine(due + dt.timedelta(days=1), dt.time(12), tzinfo=tz))
        out.append((department_id, due, answered_at))
    return out


def survey_counts(kind: str, period: Period) -> dict[str, tuple[int, int]]:
    """Per unit key: (satisfied answers, rating answers) of the 满意度调查 of that kind (department
    or township) closing in the period (`govhall.surveys.selectors.satisfaction_counts`)."""
    from govhall.surveys.selectors import satisfaction_counts

    return satisfaction_counts(kind, period.start, period.end)


# --- the cards ------------------------------------------------------------------------------------


def department_scorecards(period: Period, *, department_ids: Iterable[int] | None = None, today: dt.date | None = None) -> list[Scorecard]:
    """The scorecard of every active department (ranked among all of them), or of the given ones
    (with their rank among all)."""
    departments = list(Department.objects.filter(is_active=True).order_by("id"))
    counts = counts_by_key(Rollup.DIM_DEPARTMENT, period)
    follow = followup_counts(period, today)
    surveys = survey_counts(KIND_DEPARTMENT, period)
    cards = []
    for d in departments:
        figures = Figures(str(d.pk), department_label(d), counts.get(str(d.pk), {}))
        others = {code: follow[code].get(d.pk, (0, 0)) for code in FOLLOW_UP_PARTS}
        others[SURVEY_PART] = surveys.get(str(d.pk), (0, 0))
        lines = build_lines(figures, others)
        cards.append(Scorecard(str(d.pk), department_label(d), lines, score_lines(lines), department_id=d.pk, full_name=d.name))
    ranked = rank(cards)
    if department_ids is not None:
        wanted = set(department_ids)
        ranked = [c for c in ranked if c.department_id in wanted]
    return ranked


def township_scorecards(period: Period, today: dt.date | None = None) -> list[Scorecard]:
    """The scorecard of every 苏木镇 (township division) of the county: the indicators of the cases
    handled in its area, the follow-ups of its township government (and of any department seated
    there)."""
    townships = county_townships()
    by_prefix: dict[str, dict[str, int]] = {t.code: dict.fromkeys(COUNTERS, 0) for t in townships}
    for code, counts in counts_by_key(Rollup.DIM_DIVISION, period).items():
        target = by_prefix.get(code[:9])
        if target is None:
            continue
        for name in COUNTERS:
            target[name] += counts.get(name, 0)
    seat: dict[int, str] = {d.pk: d.division_id[:9] for d in Department.objects.all() if len(d.division_id) >= 9}
    follow = followup_counts(period, today)
    surveys = survey_counts(KIND_TOWNSHIP, period)
    cards = []
    for t in townships:
        follow_ups = {SURVEY_PART: surveys.get(t.code, (0, 0))}
        for code in FOLLOW_UP_PARTS:
            done = due = 0
            for department_id, (on_time, total) in follow[code].items():
                if seat.get(department_id) == t.code:
                    done, due = done + on_time, due + total
            follow_ups[code] = (done, due)
        lines = build_lines(Figures(t.code, t.name, by_prefix[t.code]), follow_ups)
        cards.append(Scorecard(t.code, t.name, lines, score_lines(lines), full_name=t.name))
    return rank(cards)


def scorecard_period(kind: str, value: str, today: dt.date | None = None) -> Period:
    """'month' + '2026-03', 'quarter' + '2026-1', 'year' + '2026'; the last full month by default."""
    from govhall.monitor.figures import add_months, month_period, month_start, parse_month, quarter_period, year_period

    today = today or timezone.localdate()
    if kind == "quarter":
        year, _dash, quarter = value.partition("-")
        if year.isdigit() and quarter in {"1", "2", "3", "4"} and 2000 <= int(year) <= 2100:
            return quarter_period(int(year), int(quarter))
    elif kind == "year":
        if value.isdigit() and 2000 <= int(value) <= 2100:
            return year_period(int(value))
    else:
        month = parse_month(value)
        if month:
            return month_period(month)
    return month_period(add_months(month_start(today), -1))
