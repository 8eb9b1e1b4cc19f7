"""One row of a history file → the values of a CaseFact, or the problems that keep it out.

The column set is in columns.py (docs/history-import.md). Departments, items, centres, windows
and staff are looked up in dicts loaded once per import (`References`); an applicant's ID number
is checked with python-stdnum's rules and kept only as `supervision.facts.applicant_key`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError
from govhall.histimport import columns as cols
from govhall.supervision.facts import applicant_key
from govhall.supervision.models import CaseFact

TZ = ZoneInfo("Asia/Shanghai")
# Beijing time has had no daylight saving since 1991: a fixed +08:00 is the same and much cheaper.
CST = dt.timezone(dt.timedelta(hours=8), "CST")
ONLINE = ("online", "mobile")
BATCH = 5000
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
EARLIEST_TEXT = "2000-01-01 00:00:00"
SOURCE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_SMALL = 32767  # PositiveSmallIntegerField
SMALL_NUMBERS = {str(n): n for n in range(1000)}  # most counts and limits: a lookup, not int()

CHANNELS = {
    "窗口": "window",
    "综合窗口": "window",
    "大厅窗口": "window",
    "网上办": "online",
    "网上": "online",
    "网办": "online",
    "在线": "online",
    "掌上办": "mobile",
    "移动端": "mobile",
    "自助终端": "kiosk",
    "自助": "kiosk",
    "代办点": "agent_point",
    "跨区通办": "cross_region",
}
CHANNELS |= {code: code for code in set(CHANNELS.values())}
APPLICANT_KINDS = {
    "自然人": CaseFact.APPLICANT_PERSON,
    "个人": CaseFact.APPLICANT_PERSON,
    "法人": CaseFact.APPLICANT_ENTERPRISE,
    "企业": CaseFact.APPLICANT_ENTERPRISE,
    "法人或其他组织": CaseFact.APPLICANT_ENTERPRISE,
    "person": CaseFact.APPLICANT_PERSON,
    "enterprise": CaseFact.APPLICANT_ENTERPRISE,
}
# 决定 → (status, decision)
DECISIONS = {
    "准予": ("done", "approved"),
    "准予许可": ("done", "approved"),
    "同意": ("done", "approved"),
    "不予": ("done", "denied"),
    "不予许可": ("done", "denied"),
    "不同意": ("done", "denied"),
    "不予受理": ("not_accepted", ""),
}
YES_NO = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False, "true": True, "false": False}
RATING_WORDS = {"非常不满意": 1, "不满意": 2, "基本满意": 3, "满意": 4, "非常满意": 5}

# The CaseFact columns this importer fills; other columns get the field's default.
FACT_COLUMNS = [
    "source",
    "external_id",
    "division_id",
    "department_id",
    "centre_id",
    "window_id",
    "item_id",
    "staff_id",
    "decider_id",
    "applicant_kind",
    "applicant_key",
    "channel",
    "status",
    "decision",
    "instant",
    "full_online",
    "submitted_at",
    "accepted_at",
    "decided_at",
    "finished_at",
    "accepted_on",
    "decided_on",
    "legal_limit_days",
    "limit_days",
    "used_days",
    "paused_days",
    "pause_count",
    "extension_days",
    "due_date",
    "overdue",
    "visits",
    "step_count",
    "actor_count",
    "off_hours_actions",
    "rating_level",
    "rated_at",
    "rated_on",
]
_POS = {name: i for i, name in enumerate(FACT_COLUMNS)}
_DATETIME_COLUMNS = {"submitted_at", "accepted_at", "decided_at", "finished_at", "rated_at"}


# --- references, loaded once per import --------------------------------------------------------


AMBIGUOUS = -1


class References:
    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from govhall.catalog.models import Item, ItemVersion
        from govhall.org.models import Department, ServiceCentre, Window

        departments = list(Department.objects.values_list("id", "name", "uscc", "division_id"))
        self.department_division = {d[0]: d[3] for d in departments}
        self.departments: dict[str, int] = {}
        for pk, name, uscc, _division in departments:
            self.departments[name] = pk
            self.departments[uscc] = pk
        uscc_of = {d[0]: d[2] for d in departments}
        versions = dict(ItemVersion.objects.filter(pk__in=Item.objects.values("current_version_id")).values_list("id", "legal_limit_days"))
        promised = dict(
            ItemVersion.objects.filter(pk__in=Item.objects.values("current_version_id")).values_list("id", "promised_limit_days")
        )
        # 实施编码 and 基本编码 → (item id, department id, legal limit, promised limit)
        self.items: dict[str, tuple[int, int, int | None, int | None]] = {}
        for pk, code, department_id, version_id in Item.objects.values_list("id", "code", "department_id", "current_version_id"):
            ref = (pk, department_id, versions.get(version_id), promised.get(version_id))
            self.items[code] = ref
            self.items[f"{uscc_of.get(department_id, '')}{code}"] = ref
        centres = list(ServiceCentre.objects.values_list("id", "name", "division_id"))
        self.centres = {name: pk for pk, name, _d in centres}
        self.centre_division = {pk: division for pk, _n, division in centres}
        self.windows = {(centre_id, number): pk for pk, centre_id, number in Window.objects.values_list("id", "centre_id", "number")}
        self.users: dict[str, int] = {}
        names: dict[str, int] = {}
        staff = get_user_model().objects.filter(is_staff=True) | get_user_model().objects.filter(staff__isnull=False)
        for pk, username, last, first in staff.distinct().values_list("id", "username", "last_name", "first_name"):
            self.users[username] = pk
            for name in {f"{last}{first}".strip(), f"{first}{last}".strip()} - {""}:
                names[name] = AMBIGUOUS if names.get(name, pk) != pk else pk
        for name, pk in names.items():
            self.users.setdefault(name, pk)


# --- ID numbers and the applicant key ----------------------------------------------------------


@lru_cache(maxsize=4096)
def _ric_region_ok(prefix: str, year: str) -> bool:
    from stdnum.cn import ric

    try:
        ric.get_birth_place(f"{prefix}{year}0101001")
    except Exception:  # noqa: BLE001 - stdnum raises its own ValidationError kinds
        return False
    return True


def ric_problem(number: str) -> str:
    """Why a 公民身份号码 is invalid ("" when valid): length, birth date, region, check digit
    (stdnum.cn.ric's rules; the region lookup is cached, the rest is done per number)."""
    from stdnum.cn import ric

    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "length"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if not _ric_region_ok(number[:6], number[6:10]):
        return "region"
    if ric.calc_check_digit(number) != number[17]:
        return "checksum"
    return ""


def uscc_problem(number: str) -> str:
    from stdnum.cn import uscc
    from stdnum.exceptions import InvalidChecksum
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        uscc.validate(number)
    except InvalidChecksum:
        return "checksum"
    except StdnumError:
        return "format"
    return ""


def _off_hours_function(now: dt.datetime) -> Callable[[dt.datetime], int]:
    """supervision.facts' rule (before OFFICE_START, from OFFICE_END, or a day off of the calendar;
    Saturday/Sunday for a year not loaded), with the calendar read once for the whole import and
    the times already in Beijing time."""
    from govhall.supervision.facts import OFFICE_END, OFFICE_START, WorkdayCalendar

    calendar = WorkdayCalendar(EARLIEST.year, now.year)
    years, offdays = calendar.years, calendar.offdays

    def off_hours(moment: dt.datetime) -> int:
        local = moment if moment.tzinfo == CST else moment.astimezone(CST)
        if not OFFICE_START <= local.time() < OFFICE_END:
            return 1
        day = local.date()
        return int(day in offdays) if day.year in years else int(day.weekday() >= 5)

    return off_hours


# --- one row -----------------------------------------------------------------------------------


class RowParser:
    """Turns a row (strings by header) into the fact's values, or the list of problems."""

    def __init__(self, header: list[str], default_source: str, refs: References, now: dt.datetime):
        self.refs = refs
        self.default_source = default_source
        self.now = now
        self.now_text = now.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")
        self.index = {h.strip().lstrip("\ufeff"): i for i, h in enumerate(header)}
        missing = [h for h in cols.REQUIRED if h not in self.index]
        if missing:
            raise ValidationError("file", "missing_columns", _("文件缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
        self.width = len(header)
        self.positions = [self.index.get(h) for h in cols.HEADERS]
        # The template's own column order (the usual case): the cells are taken as they come.
        self.in_order = self.positions == list(range(len(cols.HEADERS)))
        self.applicant_key = lru_cache(maxsize=200_000)(self._applicant_key)
        self.key_of = applicant_key
        self.off_hours = _off_hours_function(now)
        self.messages = {
            "required": _("必填"),
            "datetime": _("不是有效的时间（应为 YYYY-MM-DD HH:MM:SS）"),
            "date": _("不是有效的日期（应为 YYYY-MM-DD）"),
            "future": _("晚于导入时间"),
            "too_early": _("早于2000年"),
            "number": _("应为0到32767之间的整数"),
            "enum": _("取值不在允许范围：%(values)s"),
            "unknown_item": _("事项不存在"),
            "unknown_department": _("部门不存在"),
            "unknown_centre": _("服务中心不存在"),
            "unknown_window": _("该服务中心没有此窗口号"),
            "window_needs_centre": _("填写窗口号时须填写服务中心"),
            "unknown_user": _("用户不存在"),
            "ambiguous_user": _("姓名重名，请填写用户名"),
            "too_long": _("超过%(n)d个字符"),
            "source": _("应为字母、数字、-、_，至多32位，且不能为 govhall"),
            "kind_needed": _("填写证件号码时须填写申请人类型"),
            "ric_length": _("公民身份号码应为18位"),
            "ric_birth_date": _("公民身份号码中的出生日期无效"),
            "ric_region": _("公民身份号码中的地区码无效"),
            "ric_checksum": _("公民身份号码校验位错误"),
            "uscc_format": _("统一社会信用代码格式错误"),
            "uscc_checksum": _("统一社会信用代码校验位错误"),
            "decided_needed": _("有决定时必填"),
            "rated_needed": _("有评价等级时必填"),
            "rating": _("应为1–5或非常不满意/不满意/基本满意/满意/非常满意"),
        }

    def _applicant_key(self, kind: str, number: str) -> tuple[str, str]:
        """(key, problem) of an ID number, cached: an applicant comes back often."""
        if kind == CaseFact.APPLICANT_PERSON:
            problem = ric_problem(number)
            if problem:
                return "", "ric_" + problem
        else:
            problem = uscc_problem(number)
            if problem:
                return "", "uscc_" + problem
        return self.key_of(number), ""

    def _moment(self, text: str, header: str, errors: list[str]) -> dt.datetime | None:
        if len(text) == 19 and text[4] == "-" and text[10] == " " and text[13] == ":" and text[16] == ":":
            # The usual “YYYY-MM-DD HH:MM:SS”, Beijing time: compared as text with the bounds in
            # the same form (the same order as the moments', and several times cheaper).
            try:
                value = dt.datetime.fromisoformat(text + "+08:00")
            except ValueError:
                errors.append(f"{header}：{self.messages['datetime']}")
                return None
            if text > self.now_text:
                errors.append(f"{header}：{self.messages['future']}")
            elif text < EARLIEST_TEXT:
                errors.append(f"{header}：{self.messages['too_early']}")
            return value
        else:
            try:
                value = dt.datetime.fromisoformat(text.replace("/", "-"))
            except ValueError:
                value = None
            if value is not None:
                value = value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)
        if value is None:
            errors.append(f"{header}：{self.messages['datetime']}")
        elif value > self.now:
            errors.append(f"{header}：{self.messages['future']}")
        elif value < EARLIEST:
            errors.append(f"{header}：{self.messages['too_early']}")
        return value

    def _number(self, text: str, header: str, errors: list[str]) -> int | None:
        value = SMALL_NUMBERS.get(text)
        if value is not None:
            return value
        if text.isdigit() and len(text) < 6 and int(text) <= MAX_SMALL:
            return int(text)
        errors.append(f"{header}：{self.messages['number']}")
        return None

    def _user(self, text: str, header: str, errors: list[str]) -> int | None:
        pk = self.refs.users.get(text)
        if pk is None:
            errors.append(f"{header}：{self.messages['unknown_user']}")
        elif pk == AMBIGUOUS:
            errors.append(f"{header}：{self.messages['ambiguous_user']}")
            return None
        return pk

    def parse(self, row: list[str]) -> tuple[list[Any] | None, list[str]]:
        """(values in FACT_COLUMNS order, []) or (None, ["列名：规则", …])."""
        messages, refs = self.messages, self.refs
        errors: list[str] = []
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        if self.in_order:
            c = list(map(str.strip, row[: len(self.positions)]))
        else:
            c = [row[i].strip() if i is not None else "" for i in self.positions]
        (
            source_text, external_id, item_code, department_text, centre_text, window_text, staff_text, decider_text,
            kind_text, id_text, channel_text, submitted_text, accepted_text, decided_text, finished_text, decision_text,
            limit_text, legal_text, used_text, paused_text, pause_count_text, extension_text, due_text, overdue_text,
            visits_text, steps_text, actors_text, rating_text, rated_text,
        ) = c  # fmt: skip

        def fail(header: str, rule: str, **kw: Any) -> None:
            errors.append(f"{header}：{messages[rule] % kw if kw else messages[rule]}")

        source = source_text or self.default_source
        if source != self.default_source and (not SOURCE_RE.match(source) or source == CaseFact.SOURCE_LIVE):
            fail("来源系统", "source")
        if not external_id:
            fail("办件编号", "required")
        elif len(external_id) > 64:
            fail("办件编号", "too_long", n=64)

        item = refs.items.get(item_code) if item_code else None
        if not item_code:
            fail("事项编码", "required")
        elif item is None:
            fail("事项编码", "unknown_item")
        department_id = item[1] if item else None
        if department_text:
            department_id = refs.departments.get(department_text)
            if department_id is None:
                fail("实施部门", "unknown_department")
        centre_id = window_id = None
        if centre_text:
            centre_id = refs.centres.get(centre_text)
            if centre_id is None:
                fail("服务中心", "unknown_centre")
        if window_text:
            if not centre_text:
                fail("窗口号", "window_needs_centre")
            elif centre_id is not None:
                window_id = refs.windows.get((centre_id, window_text))
                if window_id is None:
                    fail("窗口号", "unknown_window")
        staff_id = self._user(staff_text, "受理人", errors) if staff_text else None
        decider_id = self._user(decider_text, "决定人", errors) if decider_text else None

        kind = APPLICANT_KINDS.get(kind_text, "") if kind_text else ""
        if kind_text and not kind:
            fail("申请人类型", "enum", values="自然人/法人")
        applicant_key = ""
        if id_text:
            if not kind_text:
                fail("申请人证件号码", "kind_needed")
            elif kind:
                applicant_key, problem = self.applicant_key(kind, id_text.upper())
                if problem:
                    fail("申请人证件号码", problem)

        channel = CHANNELS.get(channel_text)
        if not channel_text:
            fail("办理渠道", "required")
        elif channel is None:
            fail("办理渠道", "enum", values="窗口/网上办/掌上办/自助终端/代办点/跨区通办")

        moment = self._moment
        submitted_at = moment(submitted_text, "申请时间", errors) if submitted_text else None
        if accepted_text:
            accepted_at = moment(accepted_text, "受理时间", errors)
        else:
            accepted_at = None
            fail("受理时间", "required")
        decided_at = moment(decided_text, "决定时间", errors) if decided_text else None
        finished_at = moment(finished_text, "办结时间", errors) if finished_text else None
        rated_at = moment(rated_text, "评价时间", errors) if rated_text else None

        status, decision = "", ""
        if decision_text:
            outcome = DECISIONS.get(decision_text)
            if outcome is None:
                fail("决定", "enum", values="准予/不予/不予受理")
            else:
                status, decision = outcome
                if not decided_text:
                    fail("决定时间", "decided_needed")
        else:
            status = "done" if finished_at else "in_progress"

        number = self._number
        limit_days = number(limit_text, "承诺时限", errors) if limit_text else None
        legal_limit_days = number(legal_text, "法定时限", errors) if legal_text else None
        if item is not None:
            legal_limit_days = item[2] if legal_limit_days is None else legal_limit_days
            limit_days = item[3] if limit_days is None else limit_days
        used_days = number(used_text, "实际用时(工作日)", errors) if used_text else None
        paused_days = number(paused_text, "特别程序天数", errors) if paused_text else 0
        pause_count = number(pause_count_text, "特别程序次数", errors) if pause_count_text else 0
        extension_days = number(extension_text, "延期天数", errors) if extension_text else 0
        visits = number(visits_text, "跑动次数", errors) if visits_text else 0
        step_count = number(steps_text, "办理环节数", errors) if steps_text else 0
        actor_count = number(actors_text, "经办人数", errors) if actors_text else 0
        due_date = None
        if due_text:
            try:
                due_date = dt.date.fromisoformat(due_text.replace("/", "-")[:10])
            except ValueError:
                fail("办理期限", "date")
        overdue = YES_NO.get(overdue_text.lower()) if overdue_text else None
        if overdue_text and overdue is None:
            fail("是否超期", "enum", values="是/否")
        rating_level = None
        if rating_text:
            rating_level = RATING_WORDS.get(rating_text) or (int(rating_text) if rating_text in ("1", "2", "3", "4", "5") else None)
            if rating_level is None:
                fail("评价等级", "rating")
            elif not rated_text:
                fail("评价时间", "rated_needed")

        if errors:
            return None, errors

        assert item is not None and accepted_at is not None and channel is not None and department_id is not None
        if overdue is None:
            overdue = bool(decision and used_days is not None and limit_days is not None and used_days > limit_days + (extension_days or 0))
        off_hours = self.off_hours(accepted_at) + (self.off_hours(decided_at) if decided_at else 0)
        division_id = refs.centre_division[centre_id] if centre_id else refs.department_division[department_id]
        return [
            source,
            external_id,
            division_id,
            department_id,
            centre_id,
            window_id,
            item[0],
            staff_id,
            decider_id,
            kind,
            applicant_key,
            channel,
            status,
            decision,
            limit_days == 0,
            channel in ONLINE and visits == 0,
            submitted_at,
            accepted_at,
            decided_at,
            finished_at,
            accepted_at.date(),
            decided_at.date() if decided_at and status != "in_progress" else None,
            legal_limit_days,
            limit_days,
            used_days,
            paused_days or 0,
            pause_count or 0,
            extension_days or 0,
            due_date,
            overdue,
            visits or 0,
            step_count or 0,
            actor_count or 0,
            off_hours,
            rating_level,
            rated_at if rating_level else None,
            rated_at.date() if rating_level and rated_at else None,
        ], []
