"""Staff pages of monitor under /staff/monitor/: the 监管大屏, a department's drill page and its
cases, the 考核评价 scorecards and the 监管月报. Anything out of the user's reach is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.core.errors import DomainError
from govhall.core.http import capped_rows, xlsx_bytes, xlsx_download, xlsx_response
from govhall.monitor import services
from govhall.monitor.dashboard import anomalies_url, build_dashboard
from govhall.monitor.figures import (
    CORE,
    DRILL_DATE,
    DRILL_DENOMINATOR,
    DRILL_NUMERATOR,
    DRILL_REST,
    RATES,
    Period,
    Scope,
    anomaly_rows,
    department_rows,
    drill_facts,
    get_department_for_user,
    indicator_definition,
    indicator_label,
    period_from_query,
    recent_months,
    require_county,
    scope_for_user,
    threshold_text,
    worst,
    worst_counts,
)
from govhall.monitor.models import MonthlyReport
from govhall.monitor.scorecards import KIND_TOWNSHIP, PARTS, Scorecard, department_scorecards, scorecard_period, township_scorecards
from govhall.supervision.models import Rollup

PAGE_SIZE = 50


def _month_choices() -> list[tuple[str, str]]:
    return [(f"{m:%Y-%m}", f"{m.year}年{m.month}月") for m in recent_months()]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for_user(request.user)
    period = period_from_query(request.GET.get("month"))
    board = build_dashboard(scope, period)
    return render(
        request,
        "monitor/dashboard.html",
        {
            "board": board,
            "scope": scope,
            "period": period,
            "months": _month_choices(),
            "core": [(c, indicator_label(c)) for c in CORE],
            "chart_data": board.chart_data(),
            "anomalies_url": anomalies_url(scope.department.pk if scope.department else None, user=request.user),
            "anomalies_tasks_only": not request.user.has_perm("anomalies.view_all_anomalies"),
        },
    )


@login_required
@require_GET
def department(request: HttpRequest, department_id: int) -> HttpResponse:
    dept = get_department_for_user(user=request.user, department_id=department_id)
    scope = Scope(dept)
    period = period_from_query(request.GET.get("month"))
    row = department_rows(scope, period)[0]
    items = worst_counts(Rollup.DIM_ITEM, period, scope=scope)
    indicators = [
        {
            "code": c,
            "name": indicator_label(c),
            "definition": indicator_definition(c),
            "threshold": threshold_text(c),
            "value": row.rate(c),
            "red": row.red(c),
            "numerator": row.count(RATES[c][0]),
            "denominator": row.count(RATES[c][1]),
        }
        for c in [*CORE, "on_time_rate", "satisfaction_rate"]
    ]
    return render(
        request,
        "monitor/department.html",
        {
            "department": dept,
            "period": period,
            "months": _month_choices(),
            "row": row,
            "indicators": indicators,
            "worst_items_overdue": worst(Rollup.DIM_ITEM, "overdue_rate", period, scope=scope, counts=items),
            "worst_items_bad": worst(Rollup.DIM_ITEM, "bad_rating_rate", period, scope=scope, counts=items),
            "anomalies": anomaly_rows(scope, period),
            "anomalies_url": anomalies_url(dept.pk, user=request.user),
            "anomalies_tasks_only": not request.user.has_perm("anomalies.view_all_anomalies"),
        },
    )


# Rows in one Excel export at most; past it the sheet ends with a line asking to narrow the filter.
EXPORT_LIMIT = 50_000


def _case_url(fact) -> str:
    return reverse("cases_staff:case", args=[fact.case_id]) if fact.case_id else ""


@login_required
@require_GET
def department_cases(request: HttpRequest, department_id: int) -> HttpResponse:
    """The department's cases behind one indicator in one period (e.g. 超期 in 2026-03)."""
    dept = get_department_for_user(user=request.user, department_id=department_id)
    code = request.GET.get("indicator", "overdue_rate")
    if code not in RATES:
        code = "overdue_rate"
    which = request.GET.get("which", DRILL_NUMERATOR)
    if which not in (DRILL_NUMERATOR, DRILL_DENOMINATOR, DRILL_REST):
        which = DRILL_NUMERATOR
    period = period_from_query(request.GET.get("month"))
    facts = drill_facts(department=dept, code=code, period=period, which=which)
    if request.GET.get("format") == "xlsx":
        header = [
            "办件编号",
            "来源",
            "事项",
            "窗口",
            "渠道",
            "状态",
            "受理日期",
            "决定日期",
            "办理期限",
            "超期",
            "实际用时（工作日）",
            "评价等级",
        ]
        data = (
            [
                f.external_id,
                f.source,
                f.item.name,
                f.window.number if f.window else "",
                f.channel,
                f.status,
                f.accepted_on,
                f.decided_on,
                f.due_date,
                "是" if f.overdue else "否",
                f.used_days,
                f.rating_level,
            ]
            for f in facts[: EXPORT_LIMIT + 1].iterator(chunk_size=500)
        )
        return xlsx_response(
            f"{dept.short_name or dept.name}-{indicator_label(code)}办件",
            header,
            capped_rows(data, EXPORT_LIMIT),
            [26, 10, 36, 8, 10, 12, 12, 12, 12, 6, 10, 8],
        )
    page = Paginator(facts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = f"indicator={code}&which={which}" + (f"&{period.query}" if period.query else "")
    return render(
        request,
        "monitor/department_cases.html",
        {
            "department": dept,
            "period": period,
            "months": _month_choices(),
            "code": code,
            "which": which,
            "indicator_name": indicator_label(code),
            "definition": indicator_definition(code),
            "date_field": DRILL_DATE[code],
            "indicator_choices": [(c, indicator_label(c)) for c in RATES],
            "page": page,
            "rows": [(f, _case_url(f)) for f in page],
            "query": query,
        },
    )


# --- scorecards -----------------------------------------------------------------------------------


def _scorecard_request(request: HttpRequest) -> tuple[str, str, Period, str]:
    kind = request.GET.get("kind", "month")
    if kind not in ("month", "quarter", "year"):
        kind = "month"
    value = request.GET.get("value", "")
    level = request.GET.get("level", "department")
    if level != KIND_TOWNSHIP:
        level = "department"
    return kind, value, scorecard_period(kind, value), level


@login_required
@require_GET
def scorecards(request: HttpRequest) -> HttpResponse:
    """考核评价: every department (or 苏木镇) ranked; a department admin sees their own card."""
    scope = scope_for_user(request.user)
    kind, value, period, level = _scorecard_request(request)
    if level == KIND_TOWNSHIP:
        require_county(request.user)
        cards: list[Scorecard] = township_scorecards(period)
    else:
        cards = department_scorecards(period, department_ids=None if scope.county else [scope.department.pk] if scope.department else [])
    if request.GET.get("format") == "xlsx":
        parts = [str(p.label) for p in PARTS]
        header = ["名次", "单位", "得分", *[f"{p}（得分）" for p in parts], *[f"{p}（比率）" for p in parts]]
        rows = [
            [
                c.rank,
                c.full_name or c.name,
                c.score,
                *[line.points for line in c.lines],
                *[round(line.rate, 4) if line.rate is not None else None for line in c.lines],
            ]
            for c in cards
        ]
        title = ("苏木镇考核" if level == KIND_TOWNSHIP else "部门考核") + f"-{period.label}"
        rules = [[str(p.label), p.weight, str(p.rule)] for p in PARTS]
        content = xlsx_bytes(
            [(title, header, rows, [6, 28, 8, *[12] * (2 * len(parts))]), ("计分规则", ["考核项", "权重", "计分规则"], rules, [18, 8, 60])]
        )
        return xlsx_download(content, f"{title}.xlsx")
    today_year = recent_months()[0].year
    return render(
        request,
        "monitor/scorecards.html",
        {
            "cards": cards,
            "parts": PARTS,
            "period": period,
            "kind": kind,
            "value": value,
            "level": level,
            "county": scope.county,
            "months": _month_choices(),
            "quarters": [(f"{y}-{q}", f"{y}年第{q}季度") for y in (today_year, today_year - 1) for q in (4, 3, 2, 1)],
            "years": [str(y) for y in range(today_year, today_year - 4, -1)],
        },
    )


# --- monthly reports --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    require_county(request.user)
    error = ""
    if request.method == "POST":
        try:
            job = services.report_start(actor=request.user, month=request.POST.get("month", ""))
        except DomainError as exc:
            error = "；".join(e.message for e in exc.errors)
        else:
            messages.success(request, _("月报已开始生成。"))
            return redirect("staff-job", job.pk)
    rows = MonthlyReport.objects.select_related("created_by").order_by("-month", "-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitor/reports.html",
        {
            "page": page,
            "months": _month_choices(),
            "default_month": _month_choices()[1][0],
            "can_generate": request.user.has_perm("monitor.generate_report"),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def report_file(request: HttpRequest, report_id: int, fmt: str) -> FileResponse:
    require_county(request.user)
    report = MonthlyReport.objects.filter(pk=report_id).first()
    if report is None or fmt not in ("pdf", "xlsx"):
        raise Http404
    stored = report.pdf if fmt == "pdf" else report.xlsx
    if not stored:
        raise Http404
    name = f"监管月报-{report.month:%Y-%m}.{fmt}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)
