"""One import of a history file from another system (SUP-4), and where it got to.

An `ImportRun` is the file (kept under MEDIA_ROOT/histimport/), its sha256, the source system and
the counts. Each batch of rows commits together with the run's checkpoint (`rows_done`, the counts
and the size of the rejects file so far), so an import killed half-way continues at the first row
not yet committed and ends with the same facts and rollups as an import that never stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    STATUS_QUEUED, STATUS_RUNNING, STATUS_DONE, STATUS_FAILED = "queued", "running", "done", "failed"
    STATUS_CHOICES = [
        (STATUS_QUEUED, _("排队中")),
        (STATUS_RUNNING, _("导入中")),
        (STATUS_DONE, _("已完成")),
        (STATUS_FAILED, _("失败")),
    ]

    source = models.CharField("来源系统", max_length=32, help_text="文件未填“来源系统”列时的来源系统代码")
    file_name = models.CharField("文件名", max_length=200)
    file_path = models.CharField("文件位置", max_length=500, help_text="MEDIA_ROOT 下的路径，或命令行导入时的绝对路径")
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    file_size = models.BigIntegerField("文件大小（字节）", default=0)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_QUEUED)
    # The checkpoint: committed with every batch.
    rows_done = models.PositiveBigIntegerField("已处理行数", default=0, help_text="已提交的数据行数（不含表头）")
    rows_total = models.PositiveBigIntegerField("总行数", default=0, help_text="估计值，用于进度条")
    imported = models.PositiveBigIntegerField("新增数", default=0)
    duplicates = models.PositiveBigIntegerField("重复数", default=0, help_text="来源系统+办件编号已存在，跳过")
    rejected = models.PositiveBigIntegerField("拒收数", default=0)
    rejects_path = models.CharField("拒收文件位置", max_length=500, blank=True)
    rejects_bytes = models.PositiveBigIntegerField("拒收文件已提交字节数", default=0)
    rejects_deleted_at = models.DateTimeField(
        "拒收文件删除时间", null=True, blank=True, help_text="导入完成后保留 GOVHALL_HISTIMPORT_REJECTS_DAYS 天，到期删除"
    )
    error = models.TextField("错误", blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="后台任务")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发起人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        verbose_name = "历史办件导入"
        verbose_name_plural = "历史办件导入"
        ordering = ["-created_at", "-id"]
        permissions = [("import_history", "导入其他系统的历史办件")]
        indexes = [models.Index(fields=["source", "file_sha256"], name="importrun_resume_lookup")]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.get_status_display()})"

    @property
    def rows_read(self) -> int:
        return self.rows_done

    @property
    def percent(self) -> int:
        if self.status == self.STATUS_DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
