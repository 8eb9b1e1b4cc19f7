"""The documented column set of a history file (docs/history-import.md) and its template.

Headers are matched exactly (after trimming spaces); columns may come in any order, unknown
columns are ignored (and kept in the rejects file), a missing required column stops the import
before the first row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool
    rule: str  # what a value must look like, as the template and the docs say it
    example: str


COLUMNS: list[Column] = [
    Column("来源系统", "source", False, "来源系统代码，字母数字、-、_，至多32位；为空时用导入时选择的来源系统", "qhzw2019"),
    Column("办件编号", "external_id", True, "来源系统内唯一，至多64位", "ZW20230315000123"),
    Column("事项编码", "item", True, "事项实施编码（实施部门统一社会信用代码+基本编码），也可只填基本编码", ""),
    Column("实施部门", "department", False, "部门名称或统一社会信用代码；为空时取事项的实施主体", ""),
    Column("服务中心", "centre", False, "服务中心名称", ""),
    Column("窗口号", "window", False, "该服务中心的窗口号；填写时须同时填写服务中心", ""),
    Column("受理人", "staff", False, "用户名或姓名（姓名重名时须填用户名）", ""),
    Column("决定人", "decider", False, "用户名或姓名", ""),
    Column("申请人类型", "applicant_kind", False, "自然人 / 法人", "自然人"),
    Column("申请人证件号码", "applicant_id", False, "自然人填公民身份号码，法人填统一社会信用代码；只保存不可还原的摘要", ""),
    Column("办理渠道", "channel", True, "窗口 / 网上办 / 掌上办 / 自助终端 / 代办点 / 跨区通办", "窗口"),
    Column("申请时间", "submitted_at", False, "YYYY-MM-DD HH:MM[:SS]，北京时间", "2023-03-15 09:12:00"),
    Column("受理时间", "accepted_at", True, "同上", "2023-03-15 09:20:31"),
    Column("决定时间", "decided_at", False, "同上；有决定（准予/不予）时必填", "2023-03-17 15:02:00"),
    Column("办结时间", "finished_at", False, "同上", "2023-03-17 15:30:00"),
    Column("决定", "decision", False, "准予 / 不予 / 不予受理；为空表示尚未办结", "准予"),
    Column("承诺时限", "limit_days", False, "工作日，0 表示即办件", "5"),
    Column("法定时限", "legal_limit_days", False, "工作日", "20"),
    Column("实际用时(工作日)", "used_days", False, "工作日，不含特别程序", "2"),
    Column("特别程序天数", "paused_days", False, "工作日", "0"),
    Column("特别程序次数", "pause_count", False, "次", "0"),
    Column("延期天数", "extension_days", False, "工作日", "0"),
    Column("办理期限", "due_date", False, "YYYY-MM-DD", "2023-03-22"),
    Column("是否超期", "overdue", False, "是 / 否；为空时按实际用时是否超过承诺时限加延期判断", "否"),
    Column("跑动次数", "visits", False, "次", "1"),
    Column("办理环节数", "step_count", False, "个", "3"),
    Column("经办人数", "actor_count", False, "人", "2"),
    Column("评价等级", "rating_level", False, "1–5，或 非常不满意/不满意/基本满意/满意/非常满意", "5"),
    Column("评价时间", "rated_at", False, "YYYY-MM-DD HH:MM[:SS]；有评价等级时必填", "2023-03-17 16:00:00"),
]
BY_HEADER = {c.header: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
REQUIRED = [c.header for c in COLUMNS if c.required]
# Columns the rejects file adds after the original ones.
REJECT_ROW, REJECT_REASON = "行号", "错误原因"


def template_csv(example: dict[str, str] | None = None) -> bytes:
    """The template as UTF-8 CSV with a BOM (Excel opens it right): the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    values = {c.header: c.example for c in COLUMNS} | (example or {})
    writer.writerow([values[h] for h in HEADERS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(example: dict[str, str] | None = None) -> bytes:
    from govhall.core.http import xlsx_bytes

    values = {c.header: c.example for c in COLUMNS} | (example or {})
    rules = [(c.header, "必填" if c.required else "选填", c.rule) for c in COLUMNS]
    return xlsx_bytes(
        [
            ("办件", HEADERS, [[values[h] for h in HEADERS]], [14] * len(HEADERS)),
            ("填写说明", ["列名", "是否必填", "填写要求"], rules, [18, 10, 80]),
        ]
    )
