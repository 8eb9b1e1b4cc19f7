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
