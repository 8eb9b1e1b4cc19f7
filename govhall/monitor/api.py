"""JSON API of monitor under /api/monitor/.

- `GET /dashboard?month=YYYY-MM` the 监管大屏's figures (what the charts draw), for the county or
  the department admin's own department; without `month` the last 12 months.
- `GET /departments/{id}?month=` one department's indicators with their definitions.
- `GET /scorecards?level=department|township&kind=month|quarter|year&value=` the ranked scorecards.
- `GET /reports`, `POST /reports` {"month": "YYYY-MM"} (starts the background job),
  `GET /reports/jobs/{job_id}` the job's status and, when done, the report's downloads.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from govhall.core.jobs import get_job_for_user
from govhall.monitor import services
from govhall.monitor.dashboard import HEADLINE_RATES, build_dashboard
from govhall.monitor.figures import (
    RATES,
    Scope,
    department_rows,
    get_department_for_user,
    indicator_definition,
    indicator_label,
    period_from_query,
    require_county,
    scope_for_user,
    threshold_text,
)
from govhall.monitor.models import MonthlyReport
from govhall.monitor.scorecards import KIND_TOWNSHIP, PARTS, department_scorecards, scorecard_period, township_scorecards

router = Router(tags=["监管大屏与考核"], auth=django_auth)


@router.get("/dashboard")
def dashboard(request, month: str = "") -> dict[str, Any]:
    scope = scope_for_user(request.user)
    return build_dashboard(scope, period_from_query(month)).as_json()


@router.get("/departments/{department_id}")
def department(request, department_id: int, month: str = "") -> dict[str, Any]:
    dept = get_department_for_user(user=request.user, department_id=department_id)
    period = period_from_query(month)
    row = department_rows(Scope(dept), period)[0]
    return {
        "id": dept.pk,
        "name": dept.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "indicators": [
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
            for c in HEADLINE_RATES
        ],
    }


@router.get("/scorecards")
def scorecards(request, level: str = "department", kind: str = "month", value: str = "") -> dict[str, Any]:
    scope = scope_for_user(request.user)
    period = scorecard_period(kind, value)
    if level == KIND_TOWNSHIP:
        require_county(request.user)
        cards = township_scorecards(period)
    else:
        cards = department_scorecards(period, department_ids=None if scope.department is None else [scope.department.pk])
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "rules": [{"code": p.code, "label": str(p.label), "weight": p.weight, "rule": str(p.rule)} for p in PARTS],
        "cards": [
            {
                "key": c.key,
                "name": c.name,
                "score": c.score,
                "rank": c.rank,
                "lines": [
                    {
                        "code": x.code,
                        "numerator": x.numerator,
                        "denominator": x.denominator,
                        "rate": x.rate,
                        "points": x.points,
                        "weight": x.weight,
                    }
                    for x in c.lines
                ],
            }
            for c in cards
        ],
    }


def _report(r: MonthlyReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "month": f"{r.month:%Y-%m}",
        "created_at": r.created_at.isoformat(),
        "pdf": reverse("monitor_staff:report-file", args=[r.pk, "pdf"]),
        "xlsx": reverse("monitor_staff:report-file", args=[r.pk, "xlsx"]),
        "headline": r.headline,
    }


@router.get("/reports")
def reports(request) -> list[dict[str, Any]]:
    require_county(request.user)
    return [_report(r) for r in MonthlyReport.objects.order_by("-month", "-created_at", "-id")[:100]]


class ReportIn(Schema):
    month: str


@router.post("/reports", response={202: dict})
def report_start(request, payload: ReportIn):
    require_county(request.user)
    job = services.report_start(actor=request.user, month=payload.month)
    return Status(
        202,
        {
            "job": job.pk,
            "status": job.status,
            "status_url": f"/api/monitor/reports/jobs/{job.pk}",
            "page": reverse("staff-job", args=[job.pk]),
        },
    )


@router.get("/reports/jobs/{job_id}")
def report_status(request, job_id: int) -> dict[str, Any]:
    job = get_job_for_user(user=request.user, job_id=job_id)
    if job.kind != services.REPORT_JOB_KIND:
        from django.http import Http404

        raise Http404
    out: dict[str, Any] = {
        "job": job.pk,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "error": job.error,
    }
    report = MonthlyReport.objects.filter(job_id=job.pk).first()
    if report is not None:
        out["report"] = _report(report)
    return out
