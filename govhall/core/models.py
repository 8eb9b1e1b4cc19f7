from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose working-day arrangement is known. Dates outside these years are an error."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=200)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = "日历年份"
        verbose_name_plural = "日历年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDay(models.Model):
    """One calendar day: working day or not, with the holiday or 调休 it belongs to.

    Every day of a loaded year has a row, so "the N-th working day after" is one indexed query.
    """

    KIND_WORKDAY = "workday"
    KIND_WEEKEND = "weekend"
    KIND_HOLIDAY = "holiday"
    KIND_MAKEUP = "makeup"  # 调休上班: a Saturday or Sunday that is a working day
    KIND_CHOICES = [
        (KIND_WORKDAY, _("工作日")),
        (KIND_WEEKEND, _("周末")),
        (KIND_HOLIDAY, _("法定节假日")),
        (KIND_MAKEUP, _("调休上班")),
    ]

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    name = models.CharField("节日", max_length=40, blank=True)
    source = models.CharField("来源", max_length=40, default="chinesecalendar")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "日历日"
        verbose_name_plural = "工作日历"
        ordering = ["date"]
        indexes = [models.Index(fields=["is_workday", "date"], name="calday_workday_after_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class LoginFailure(models.Model):
    """A failed sign-in, kept for lock-out (X-1: 等保 requires limiting repeated failures)."""

    username = models.CharField("用户名", max_length=150, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


def job_file_path(job: "Job", filename: str) -> str:
    """A job's files live in MEDIA_ROOT/jobs/<id>/, which no URL serves: the job page hands them
    out through a view that checks who asks."""
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    """A long piece of work that a user starts and the background worker does (an Excel import):
    its status, how far it got, and its result, so the page that started it can follow it.

    The services that move a job along and the selector that shows it are in `core.jobs`.
    """

    STATUS_QUEUED = "queued"
    STATUS_RUNNING = "running"
    STATUS_SUCCEEDED = "succeeded"
    STATUS_FAILED = "failed"
    STATUS_CHOICES = [
        (STATUS_QUEUED, _("排队中")),
        (STATUS_RUNNING, _("进行中")),
        (STATUS_SUCCEEDED, _("已完成")),
        (STATUS_FAILED, _("失败")),
    ]

    kind = models.CharField("类型", max_length=40)  # "<app>.<what>", e.g. "catalog.import"
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_QUEUED)
    done = models.PositiveIntegerField("已完成数", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    # The page's language when the job was started: the worker writes messages and reports in it.
    language = models.CharField("语言", max_length=10, blank=True)
    upload = models.FileField("上传文件", upload_to=job_file_path, max_length=200, blank=True)
    upload_name = models.CharField("上传文件名", max_length=200, blank=True)
    output = models.FileField("结果文件", upload_to=job_file_path, max_length=200, blank=True)
    output_name = models.CharField("结果文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发起人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(done__lte=models.F("total")), name="job_done_within_total")]
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"], name="job_recent_for_user_kind")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.STATUS_SUCCEEDED, self.STATUS_FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.STATUS_SUCCEEDED:
            return 100
        return self.done * 100 // self.total if self.total else 0


class ScheduledRun(models.Model):
    """When each periodic job last ran. The scheduler locks the row before enqueuing, so several
    scheduler processes on several machines enqueue each run once."""

    key = models.CharField("任务", max_length=60, unique=True)
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"

    def __str__(self) -> str:
        return self.key
