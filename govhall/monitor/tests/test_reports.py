"""监管月报: the background job builds a PDF and an Excel workbook with the month's figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from govhall.core.models import Job
from govhall.core.pdf import pdf_text
from govhall.monitor import services
from govhall.monitor.models import MonthlyReport
from govhall.monitor.tasks import ensure_last_month_report

pytestmark = pytest.mark.django_db


def test_supervisor_generates_a_monthly_report_with_pdf_and_excel(client, supervisor, facts, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/monitor/reports/", {"month": "2026-03"})
    job = Job.objects.get(kind=services.REPORT_JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/staff/jobs/{job.pk}/"
    assert job.status == Job.STATUS_SUCCEEDED
    report = MonthlyReport.objects.get()
    assert report.month == dt.date(2026, 3, 1) and report.created_by == supervisor
    text = "".join(pdf_text(report.pdf.read()))
    for figure in ["2026年3月 政务服务监管月报", "受理办件", "20", "市场监管局", "10.0% ▲", "网办率", "50.00%", "考核评价排名", "94.76"]:
        assert figure in text, figure
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames == ["主要数据", "分部门指标", "超期事项", "差评窗口", "异常与交办", "部门考核", "苏木镇考核"]
    departments = {row[0].value: [c.value for c in row] for row in book["分部门指标"].iter_rows(min_row=2)}
    assert departments["市场监管局"][1:5] == [10, 10, 10, 0]
    assert departments["市场监管局"][-1] == "超期率"
    page = client.get(f"/staff/jobs/{job.pk}/")
    assert "下载 PDF" in page.content.decode()
    listing = client.get("/staff/monitor/reports/")
    assert "2026年3月" in listing.content.decode()
    pdf = client.get(f"/staff/monitor/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_month_to_come_is_refused(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/staff/monitor/reports/", {"month": "2099-01"})
    assert response.status_code == 400
    assert "尚未开始的月份" in response.content.decode()
    assert not Job.objects.exists()


def test_scheduler_builds_last_months_report_once_on_the_first_days(facts):
    assert ensure_last_month_report(dt.date(2026, 4, 20)) is None  # not in the first days
    report = ensure_last_month_report(dt.date(2026, 4, 2))
    assert report is not None and report.month == dt.date(2026, 3, 1) and report.created_by is None
    assert ensure_last_month_report(dt.date(2026, 4, 3)) is None  # already there
    assert MonthlyReport.objects.count() == 1


def test_report_api_starts_and_reports_status(client, supervisor, facts, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/monitor/reports", {"month": "2026-03"}, content_type="application/json")
    assert response.status_code == 202
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "succeeded" and status["report"]["month"] == "2026-03"
    assert [r["month"] for r in client.get("/api/monitor/reports").json()] == ["2026-03"]
    bad = client.post("/api/monitor/reports", {"month": "March"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "month"


def test_a_second_report_job_is_refused_while_one_is_running_unless_it_stalled(supervisor):
    from django.utils import timezone

    from govhall.core.errors import ValidationError

    first = services.report_start(actor=supervisor, month="2026-03")
    Job.objects.filter(pk=first.pk).update(status=Job.STATUS_RUNNING, started_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.report_start(actor=supervisor, month="2026-02")
    assert error.value.errors[0].rule == "already_running"
    Job.objects.filter(pk=first.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))  # silent: its worker is gone
    assert services.report_start(actor=supervisor, month="2026-02").pk != first.pk
