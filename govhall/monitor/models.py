"""Models of monitor (SUP-4, SUP-5): the monthly supervision reports (监管月报) kept for download.

The dashboard and the scorecards are computed from the supervision rollups on every request; only
the monthly report is stored, because it is a document: once generated it does not change when
late data arrives (generate it again to get a new version)."""

from django.conf import settings
from django.db import models


class MonthlyReport(models.Model):
    """监管月报 of one month: a PDF and an Excel workbook, built by a background job."""

    month = models.DateField("月份", help_text="该月第一天")
    pdf = models.FileField("PDF", upload_to="monitor/reports/", blank=True)
    xlsx = models.FileField("Excel", upload_to="monitor/reports/", blank=True)
    headline = models.JSONField("主要数据", default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="后台任务")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="生成人"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "监管月报"
        verbose_name_plural = "监管月报"
        ordering = ["-month", "-created_at", "-id"]
        indexes = [models.Index(fields=["month", "created_at"], name="monitor_report_month")]
        permissions = [
            ("view_dashboard", "查看监管大屏（部门管理员仅本部门）"),
            ("view_county", "查看全县监管数据、考核评价和监管月报"),
            ("generate_report", "生成监管月报"),
        ]

    def __str__(self) -> str:
        return f"监管月报 {self.month:%Y-%m}"
