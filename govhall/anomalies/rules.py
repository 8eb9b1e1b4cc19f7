"""The anomaly rules (SUP-2): what each looks for, how bad a hit is, and its parameters.

Three kinds of rules:

- row rules look at one `CaseFact` at a time. Each gives a `condition` (a Q object) that the
  engine ORs into one query per id chunk, so the database returns only suspicious rows, and a
  `confirm` that checks a returned row exactly and describes the hit;
- the applicant rule (`repeated_rejections`) groups rejections of one applicant over time;
- the rating rule (`rating_burst`) groups ratings of one device over time.

Parameters have defaults here; a deployment overrides them with the setting
`GOVHALL_ANOMALY_PARAMS = {"too_fast": {"minutes_per_step": 5}}`, and a supervisor overrides both,
or stops a rule, on the rules page (`RuleSetting`, each change logged with its reason; see
services.rule_setting_update).
The rules and their parameters are documented for staff in docs/anomalies.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.anomalies.models import SEVERITY_HIGH, SEVERITY_LOW, SEVERITY_MEDIUM

KIND_ROW, KIND_APPLICANT, KIND_RATING = "row", "applicant", "rating"

# Fields of CaseFact the row rules read (the engine fetches only these for suspicious rows).
FACT_FIELDS = (
    "id",
    "source",
    "external_id",
    "case_id",
    "division_id",
    "department_id",
    "centre_id",
    "window_id",
    "item_id",
    "staff_id",
    "decider_id",
    "instant",
    "status",
    "decision",
    "submitted_at",
    "accepted_at",
    "decided_at",
    "finished_at",
    "accepted_on",
    "decided_on",
    "limit_days",
    "used_days",
    "due_date",
    "overdue",
    "pause_count",
    "extension_days",
    "step_count",
    "actor_count",
    "off_hours_actions",
)


# `Rule.values(stored=UNREAD)`: the rule's stored setting has not been looked up yet.
UNREAD: Any = object()


@dataclass(frozen=True)
class Param:
    """A whole-number parameter and the range a supervisor may set it to on the rules page."""

    name: str
    label: Any
    default: int
    help: Any = ""
    minimum: int = 0
    maximum: int = 1000


@dataclass
class Context:
    """What the row rules need besides the row: the number of steps of each item's current version."""

    item_steps: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    name: Any  # Chinese name (lazy translation)
    description: Any
    severity: str
    kind: str
    params: tuple[Param, ...] = ()
    condition: Callable[[Mapping[str, Any]], Q] | None = None
    confirm: Callable[[dict[str, Any], Mapping[str, Any], Context], tuple[str, dict[str, Any]] | None] | None = None

    def deployed(self) -> dict[str, Any]:
        """The deployment's values: the defaults, overridden by the setting GOVHALL_ANOMALY_PARAMS."""
        overrides = getattr(settings, "GOVHALL_ANOMALY_PARAMS", {}).get(self.code, {})
        return {p.name: overrides.get(p.name, p.default) for p in self.params}

    def values(self, stored: Any = UNREAD) -> dict[str, Any]:
        """The parameters in force: the deployment's values, overridden by what a supervisor set on
        the rules page (`stored`: the rule's `RuleSetting` or None when already looked up, else it
        is read here)."""
        if stored is UNREAD:
            stored = stored_setting(self.code)
        values = self.deployed()
        if stored is not None:
            values.update({k: v for k, v in stored.params.items() if k in values})
        return values

    def enabled(self, stored: Any = UNREAD) -> bool:
        if stored is UNREAD:
            stored = stored_setting(self.code)
        return stored is None or stored.enabled

    def as_dict(self, stored: Any = UNREAD) -> dict[str, Any]:
        if stored is UNREAD:
            stored = stored_setting(self.code)
        values, deployed = self.values(stored), self.deployed()
        return {
            "code": self.code,
            "name": str(self.name),
            "description": str(self.description),
            "severity": self.severity,
            "severity_label": severity_label(self.severity),
            "kind": self.kind,
            "enabled": self.enabled(stored),
            "params": [
                {
                    "name": p.name,
                    "label": str(p.label),
                    "default": deployed[p.name],
                    "value": values[p.name],
                    "help": str(p.help),
                    "minimum": p.minimum,
                    "maximum": p.maximum,
                }
                for p in self.params
            ],
        }


def stored_setting(code: str) -> Any:
    """The rule's `RuleSetting` row, or None when nobody has changed it on the page."""
    from govhall.anomalies.models import RuleSetting

    return RuleSetting.objects.filter(rule=code).first()


def enabled_rules(rules: list[Rule] | None = None) -> list[Rule]:
    """The rules that run (all of them unless a supervisor stopped some), read in one query."""
    from govhall.anomalies.models import RuleSetting

    stopped = set(RuleSetting.objects.filter(enabled=False).values_list("rule", flat=True))
    return [rule for rule in (list(RULES.values()) if rules is None else rules) if rule.code not in stopped]


def severity_label(code: str) -> str:
    return {SEVERITY_HIGH: _("高"), SEVERITY_MEDIUM: _("中"), SEVERITY_LOW: _("低")}.get(code, code)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _span(minutes: int) -> str:
    minutes = abs(minutes)
    if minutes >= 1440:
        return _("%(d)d 天 %(h)d 小时") % {"d": minutes // 1440, "h": minutes % 1440 // 60}
    if minutes >= 60:
        return _("%(h)d 小时 %(m)d 分钟") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)d 分钟") % {"m": minutes}


def _iso(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _times(row: dict[str, Any]) -> dict[str, str]:
    return {k: _iso(row[k]) for k in ("submitted_at", "accepted_at", "decided_at", "finished_at")}


# --- 时间顺序倒置 ---------------------------------------------------------------------------------


def _out_of_order_condition(p: Mapping[str, Any]) -> Q:
    slack = dt.timedelta(minutes=p["tolerance_minutes"])
    return (
        Q(accepted_at__isnull=False, decided_at__lt=F("accepted_at") - slack)
        | Q(accepted_at__isnull=False, finished_at__lt=F("accepted_at") - slack)
        | Q(submitted_at__isnull=False, accepted_at__lt=F("submitted_at") - slack)
    )


def _out_of_order_confirm(row: dict[str, Any], p: Mapping[str, Any], ctx: Context) -> tuple[str, dict[str, Any]] | None:
    slack = dt.timedelta(minutes=p["tolerance_minutes"])
    problems = []
    accepted, submitted = row["accepted_at"], row["submitted_at"]
    if accepted and row["decided_at"] and row["decided_at"] < accepted - slack:
        problems.append(_("决定时间早于受理时间 %(span)s") % {"span": _span(_minutes(accepted - row["decided_at"]))})
    if accepted and row["finished_at"] and row["finished_at"] < accepted - slack:
        problems.append(_("办结时间早于受理时间 %(span)s") % {"span": _span(_minutes(accepted - row["finished_at"]))})
    if submitted and accepted and accepted < submitted - slack:
        problems.append(_("受理时间早于申请时间 %(span)s") % {"span": _span(_minutes(submitted - accepted))})
    if not problems:
        return None
    return "；".join(problems), {"problems": problems, **_times(row)}


# --- 办理过快 -------------------------------------------------------------------------------------


def _too_fast_condition(p: Mapping[str, Any]) -> Q:
    # A coarse filter the database can apply; `confirm` checks against the item's own steps.
    ceiling = dt.timedelta(minutes=p["minutes_per_step"] * (p["max_steps"] - 1))
    return Q(
        instant=False,
        accepted_at__isnull=False,
        decided_at__gte=F("accepted_at"),
        decided_at__lt=F("accepted_at") + ceiling,
    )


def _too_fast_confirm(row: dict[str, Any], p: Mapping[str, Any], ctx: Context) -> tuple[str, dict[str, Any]] | None:
    steps = row["step_count"] or ctx.item_steps.get(row["item_id"], 0)
    if steps < p["min_steps"]:
        return None
    needed = p["minutes_per_step"] * (min(steps, p["max_steps"]) - 1)
    took = _minutes(row["decided_at"] - row["accepted_at"])
    if took >= needed:
        return None
    summary = _("受理后 %(took)s即作出决定，该事项有 %(steps)d 个办理环节，至少需要 %(needed)d 分钟") % {
        "took": _span(took),
        "steps": steps,
        "needed": needed,
    }
    return summary, {"minutes": took, "steps": steps, "minimum_minutes": needed, **_times(row)}


# --- 超期无特别程序 -----------------------------------------------------------------------------


def _overdue_condition(p: Mapping[str, Any]) -> Q:
    return Q(overdue=True, pause_count=0, extension_days=0)


def _overdue_confirm(row: dict[str, Any], p: Mapping[str, Any], ctx: Context) -> tuple[str, dict[str, Any]] | None:
    used, limit = row["used_days"], row["limit_days"]
    if used is not None and limit is not None and used - limit < p["min_days_over"]:
        return None
    if used is not None and limit is not None:
        summary = _("超期办理且无特别程序、延期记录：承诺 %(limit)d 个工作日，实际用时 %(used)d 个工作日") % {"limit": limit, "used": used}
    else:
        summary = _("超期办理且无特别程序、延期记录（办理期限 %(due)s）") % {"due": row["due_date"] or "—"}
    return summary, {"limit_days": limit, "used_days": used, "due_date": str(row["due_date"] or ""), **_times(row)}


# --- 一人包办 -------------------------------------------------------------------------------------


def _single_actor_condition(p: Mapping[str, Any]) -> Q:
    # A 即办件 is meant to be done by the window clerk alone: only other items count.
    return Q(instant=False) & (Q(actor_count=1, step_count__gte=p["min_steps"]) | Q(staff_id__isnull=False, decider_id=F("staff_id")))


def _single_actor_confirm(row: dict[str, Any], p: Mapping[str, Any], ctx: Context) -> tuple[str, dict[str, Any]] | None:
    if row["instant"]:
        return None
    if row["actor_count"] == 1 and row["step_count"] >= p["min_steps"]:
        summary = _("同一人办理了全部 %(n)d 个环节") % {"n": row["step_count"]}
    elif row["staff_id"] and row["staff_id"] == row["decider_id"]:
        summary = _("受理人与决定人为同一人（非即办件）")
    else:
        return None
    return summary, {"staff_id": row["staff_id"], "decider_id": row["decider_id"], "steps": row["step_count"], "actors": row["actor_count"]}


# --- 非工作时间办理 -------------------------------------------------------------------------------


def _off_hours_condition(p: Mapping[str, Any]) -> Q:
    return Q(off_hours_actions__gte=p["min_actions"])


def _off_hours_confirm(row: dict[str, Any], p: Mapping[str, Any], ctx: Context) -> tuple[str, dict[str, Any]] | None:
    summary = _("在非工作时间（夜间、休息日或法定节假日）操作 %(n)d 次") % {"n": row["off_hours_actions"]}
    return summary, {"off_hours_actions": row["off_hours_actions"], **_times(row)}


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            code="out_of_order",
            name=gettext_lazy("时间顺序倒置"),
            description=gettext_lazy("决定或办结时间早于受理时间，或受理时间早于申请时间：多为补录、倒签或系统时间被改动。"),
            severity=SEVERITY_HIGH,
            kind=KIND_ROW,
            params=(
                Param(
                    "tolerance_minutes",
                    gettext_lazy("容差（分钟）"),
                    0,
                    gettext_lazy("不同系统时钟误差在此范围内的不计"),
                    minimum=0,
                    maximum=1440,
                ),
            ),
            condition=_out_of_order_condition,
            confirm=_out_of_order_confirm,
        ),
        Rule(
            code="too_fast",
            name=gettext_lazy("办理过快"),
            description=gettext_lazy(
                "非即办件受理后极短时间内即作出决定，短于该事项办理环节所需的最少时间（受理之后每个环节按最少分钟数计）：可能未经审查、决定环节。"
            ),
            severity=SEVERITY_HIGH,
            kind=KIND_ROW,
            params=(
                Param("minutes_per_step", gettext_lazy("每个环节最少分钟数"), 10, minimum=1, maximum=1440),
                Param("min_steps", gettext_lazy("最少环节数"), 2, gettext_lazy("环节少于此数的事项不检查"), minimum=1, maximum=50),
                Param("max_steps", gettext_lazy("计入的环节数上限"), 8, minimum=1, maximum=50),
            ),
            condition=_too_fast_condition,
            confirm=_too_fast_confirm,
        ),
        Rule(
            code="overdue_no_pause",
            name=gettext_lazy("超期无特别程序"),
            description=gettext_lazy("办件超期，但没有任何特别程序（补正、听证、检验检测等）或延期审批记录：超期没有合法理由。"),
            severity=SEVERITY_MEDIUM,
            kind=KIND_ROW,
            params=(Param("min_days_over", gettext_lazy("超出承诺时限的最少工作日"), 1, minimum=1, maximum=365),),
            condition=_overdue_condition,
            confirm=_overdue_confirm,
        ),
        Rule(
            code="single_actor",
            name=gettext_lazy("一人包办"),
            description=gettext_lazy(
                "非即办件的全部环节由同一人办理，或受理人与决定人为同一人：审批权缺少制衡。即办件由窗口人员当场办结，不在此列。"
            ),
            severity=SEVERITY_MEDIUM,
            kind=KIND_ROW,
            params=(Param("min_steps", gettext_lazy("最少环节数"), 2, minimum=1, maximum=50),),
            condition=_single_actor_condition,
            confirm=_single_actor_confirm,
        ),
        Rule(
            code="repeated_rejections",
            name=gettext_lazy("同一申请人反复被驳回"),
            description=gettext_lazy("同一申请人在规定天数内被不予受理或不予许可达到规定次数：可能一次性告知不到位或刁难申请人。"),
            severity=SEVERITY_MEDIUM,
            kind=KIND_APPLICANT,
            params=(
                Param("min_rejections", gettext_lazy("驳回次数"), 3, minimum=2, maximum=50),
                Param("within_days", gettext_lazy("统计天数"), 90, minimum=1, maximum=3650),
            ),
        ),
        Rule(
            code="off_hours",
            name=gettext_lazy("非工作时间办理"),
            description=gettext_lazy("在夜间、休息日或法定节假日受理、审查或决定：可能为代他人操作或补录。"),
            severity=SEVERITY_LOW,
            kind=KIND_ROW,
            params=(Param("min_actions", gettext_lazy("非工作时间操作的最少次数"), 1, minimum=1, maximum=20),),
            condition=_off_hours_condition,
            confirm=_off_hours_confirm,
        ),
        Rule(
            code="rating_burst",
            name=gettext_lazy("评价集中刷评"),
            description=gettext_lazy(
                "同一评价设备在短时间内提交大量评价，或扫码、网上评价中某一设备一天内占某窗口评价的大部分：可能为工作人员代评、刷好评。"
            ),
            severity=SEVERITY_HIGH,
            kind=KIND_RATING,
            params=(
                Param("burst_count", gettext_lazy("评价条数"), 10, minimum=2, maximum=1000),
                Param("burst_minutes", gettext_lazy("时间窗（分钟）"), 10, minimum=1, maximum=1440),
                Param(
                    "share_percent",
                    gettext_lazy("一天内同一设备占窗口评价的比例（%）"),
                    50,
                    gettext_lazy("只看扫码、网上、移动端评价"),
                    minimum=1,
                    maximum=100,
                ),
                Param("share_min_count", gettext_lazy("计算占比时该设备的最少评价条数"), 5, minimum=1, maximum=1000),
            ),
        ),
    ]
}

ROW_RULES = [rule for rule in RULES.values() if rule.kind == KIND_ROW]


def rule_choices() -> list[tuple[str, str]]:
    return [(rule.code, str(rule.name)) for rule in RULES.values()]
