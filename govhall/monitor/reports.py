"""监管月报: the monthly supervision report of the county as a PDF and an Excel workbook.

Both are built from the same `ReportData` (the rollups of the month, the scorecards and the
anomaly figures), so the two never disagree. The report is kept (`MonthlyReport`): generating
a month again adds a newer version, the list shows all of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from govhall.core.http import xlsx_bytes
from govhall.core.pdf import GovDocument
from govhall.monitor.figures import (
    CORE,
    Figures,
    Period,
    Scope,
    anomaly_rows,
    department_rows,
    indicator_definition,
    indicator_label,
    month_period,
    percent,
    totals,
    worst,
)
from govhall.monitor.models import MonthlyReport
from govhall.monitor.scorecards import Scorecard, department_scorecards, township_scorecards
from govhall.supervision.models import Rollup

Progress = Callable[[int, int, str], None]


@dataclass
class ReportData:
    period: Period
    county: Figures
    departments: list[Figures]
    worst_items: list[Figures]
    worst_windows: list[Figures]
    anomalies: list[tuple[str, Any]]
    department_cards: list[Scorecard]
    township_cards: list[Scorecard]

    def headline(self) -> list[tuple[str, str]]:
        c = self.county
        pairs = [
            (_("受理办件"), str(c.count("accepted"))),
            (_("办结办件"), str(c.count("decided"))),
            (_("评价数"), str(c.count("rated"))),
        ]
        pairs += [(indicator_label(code), percent(c.rate(code), 2)) for code in CORE]
        pairs += [(indicator_label("on_time_rate"), percent(c.rate("on_time_rate"), 2))]
        return pairs


def collect(month: dt.date) -> ReportData:
    period = month_period(month)
    county = Scope(None)
    return ReportData(
        period=period,
        county=totals(county, period),
        departments=[d for d in department_rows(county, period) if d.count("accepted") or d.count("decided") or d.count("rated")],
        worst_items=worst(Rollup.DIM_ITEM, "overdue_rate", period, scope=county),
        worst_windows=worst(Rollup.DIM_WINDOW, "bad_rating_rate", period, scope=county),
        anomalies=anomaly_rows(county, period),
        department_cards=department_scorecards(period),
        township_cards=township_scorecards(period),
    )


def _issuer() -> str:
    from govhall.core.context_processors import county_name

    return county_name() + _("营商环境智慧监管平台")


def build_pdf(data: ReportData) -> bytes:
    title = _("%(period)s 政务服务监管月报") % {"period": data.period.label}
    doc = GovDocument(issuer=_issuer(), title=title)
    doc.add_page()
    doc.title_block(title, _("统计期间 %(start)s 至 %(end)s") % {"start": data.period.start, "end": data.period.end})

    doc.heading(_("一、主要数据"))
    doc.data_table(None, [[k, v] for k, v in data.headline()], col_widths=[60, doc.epw - 60], label_columns=[0])

    doc.heading(_("二、四项核心指标（分部门）"))
    headings = [_("部门"), _("受理"), _("办结"), *[indicator_label(c) for c in CORE]]
    rows = [
        [d.label, str(d.count("accepted")), str(d.count("decided")), *[percent(d.rate(c)) + (" ▲" if d.red(c) else "") for c in CORE]]
        for d in data.departments
    ]
    widths: list[float] = [54, 18, 18, 23, 23, 23, 15]
    widths[-1] = doc.epw - sum(widths[:-1])
    doc.data_table(headings, rows or [[_("本月无办件数据")]], col_widths=widths, aligns=["L"] + ["R"] * 6)
    definitions = pgettext("list separator", "；").join(
        _("%(name)s：%(definition)s") % {"name": indicator_label(c), "definition": indicator_definition(c)} for c in CORE
    )
    doc.paragraph(_("▲ 超出红线。%(definitions)s") % {"definitions": definitions}, size=8.5)

    doc.heading(_("三、超期率最高的事项"))
    _worst_table(doc, data.worst_items, "overdue_rate", _("事项"))
    doc.heading(_("四、差评率最高的窗口"))
    _worst_table(doc, data.worst_windows, "bad_rating_rate", _("窗口"))

    doc.heading(_("五、异常复核与交办整改"))
    if data.anomalies:
        doc.data_table(None, [[label, str(value)] for label, value in data.anomalies], col_widths=[80, doc.epw - 80], label_columns=[0])
    else:
        doc.paragraph(_("异常监测数据暂不可用。"))

    doc.heading(_("六、考核评价排名（部门）"))
    _card_table(doc, data.department_cards)
    doc.heading(_("七、考核评价排名（苏木镇）"))
    _card_table(doc, data.township_cards)
    return doc.to_bytes()


def _worst_table(doc: GovDocument, rows: list[Figures], code: str, what: str) -> None:
    if not rows:
        doc.paragraph(_("没有办件量达到最低要求且比率大于 0 的%(what)s。") % {"what": what})
        return
    numerator = {"overdue_rate": _("超期数"), "bad_rating_rate": _("差评数")}[code]
    volume = {"overdue_rate": _("办结数"), "bad_rating_rate": _("评价数")}[code]
    from govhall.monitor.figures import RATES

    body = [
        [str(i), r.label, str(r.extra.get("owner", "")), str(r.count(RATES[code][0])), str(r.volume(code)), percent(r.rate(code))]
        for i, r in enumerate(rows, start=1)
    ]
    widths = [10, 62, 42, 18, 18, 0.0]
    widths[-1] = doc.epw - sum(widths[:-1])
    doc.data_table(
        [_("序号"), what, _("所属"), numerator, volume, indicator_label(code)],
        body,
        col_widths=widths,
        aligns=["R", "L", "L", "R", "R", "R"],
    )


def _card_table(doc: GovDocument, cards: list[Scorecard]) -> None:
    ranked = [c for c in cards if c.score is not None]
    if not ranked:
        doc.paragraph(_("本期无考核数据。"))
        return
    body = [[str(c.rank), c.name, f"{c.score:.2f}"] for c in ranked]
    doc.data_table([_("名次"), _("单位"), _("得分")], body, col_widths=[20, doc.epw - 50, 30], aligns=["R", "L", "R"])


def build_xlsx(data: ReportData) -> bytes:
    core_labels = [indicator_label(c) for c in CORE]
    sheets: list[Any] = [
        (_("主要数据"), [_("项目"), _("数值")], data.headline(), [24, 16]),
        (
            _("分部门指标"),
            [_("部门"), _("受理数"), _("办结数"), _("评价数"), *core_labels, _("超出红线")],
            [
                [
                    d.label,
                    d.count("accepted"),
                    d.count("decided"),
                    d.count("rated"),
                    *[_rounded(d.rate(c)) for c in CORE],
                    "、".join(indicator_label(c) for c in CORE if d.red(c)),
                ]
                for d in data.departments
            ],
            [24, 10, 10, 10, 10, 10, 10, 10, 24],
        ),
        (
            _("超期事项"),
            [_("事项"), _("部门"), _("超期数"), _("办结数"), _("超期率")],
            [
                [r.label, r.extra.get("owner", ""), r.count("overdue"), r.count("decided"), round(r.rate("overdue_rate") or 0, 4)]
                for r in data.worst_items
            ],
            [40, 20, 10, 10, 10],
        ),
        (
            _("差评窗口"),
            [_("窗口"), _("服务中心"), _("差评数"), _("评价数"), _("差评率")],
            [
                [r.label, r.extra.get("owner", ""), r.count("bad_rated"), r.count("rated"), round(r.rate("bad_rating_rate") or 0, 4)]
                for r in data.worst_windows
            ],
            [30, 30, 10, 10, 10],
        ),
        (_("异常与交办"), [_("项目"), _("数值")], [[label, value] for label, value in data.anomalies], [30, 12]),
    ]
    for title, cards in ((_("部门考核"), data.department_cards), (_("苏木镇考核"), data.township_cards)):
        parts = [line.label for line in cards[0].lines] if cards else []
        sheets.append(
            (
                title,
                [_("名次"), _("单位"), _("得分"), *parts],
                [[c.rank, c.full_name or c.name, c.score, *[line.points for line in c.lines]] for c in cards],
                [6, 28, 8, *[12] * len(parts)],
            )
        )
    return xlsx_bytes(sheets)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_build(*, month: dt.date, actor=None, job=None, progress: Progress | None = None) -> MonthlyReport:
    """Collect the month's figures, write the PDF and the workbook, keep them as a MonthlyReport."""
    step = progress or (lambda done, total, message: None)
    step(0, 3, _("汇总数据"))
    data = collect(month)
    step(1, 3, _("生成 PDF"))
    pdf = build_pdf(data)
    step(2, 3, _("生成 Excel"))
    workbook = build_xlsx(data)
    stamp = f"{data.period.start:%Y%m}-{timezone.localtime():%Y%m%d%H%M%S}"
    with transaction.atomic():
        report = MonthlyReport(
            month=data.period.start,
            created_by=actor,
            job=job,
            headline={str(k): v for k, v in data.headline()},
        )
        report.pdf.save(f"jianguan-yuebao-{stamp}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"jianguan-yuebao-{stamp}.xlsx", ContentFile(workbook), save=False)
        report.save()
    step(3, 3, _("完成"))
    return report
