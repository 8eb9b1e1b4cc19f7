"""Exporting the catalog as an Excel workbook (the format is in `excel_format`)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from govhall.catalog.excel_format import (
    BOOL,
    CHILD_SHEETS,
    CHOICE,
    ITEM_SHEET,
    MULTI,
    README_SHEET,
    SHEETS,
    SheetSpec,
    header_cell,
    safe_row,
    value_to_cell,
)
from govhall.catalog.models import Item
from govhall.catalog.selectors import versions_data as current_data

# --- export -------------------------------------------------------------------------------------


def _add_sheet(wb: Workbook, spec: SheetSpec, freeze: str):
    ws = wb.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if column.kind in (CHOICE, BOOL):
            allowed = ",".join(label for _, label in column.options or [])
            validation = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True, showErrorMessage=False)
            validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}1048576")
            ws.data_validations.append(validation)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}1"
    ws.append([header_cell(ws, c.label, c.required) for c in spec.columns])
    return ws


def catalog_export(*, items: QuerySet[Item] | Iterable[Item]) -> bytes:
    """The current versions of these items as an .xlsx workbook (bytes)."""
    if isinstance(items, QuerySet):
        version_ids = list(items.exclude(current_version=None).values_list("current_version_id", flat=True))
    else:
        version_ids = [i.current_version_id for i in items if i.current_version_id]
    wb = Workbook(write_only=True)
    item_ws = _add_sheet(wb, ITEM_SHEET, "C2")
    child_ws = {spec.list_key: _add_sheet(wb, spec, "B2") for spec in CHILD_SHEETS}
    for data in current_data(version_ids):
        code = data["code"]
        item_ws.append(safe_row(item_ws, [value_to_cell(c, data.get(c.key)) for c in ITEM_SHEET.columns]))
        for spec in CHILD_SHEETS:
            ws = child_ws[spec.list_key]
            for entry in _child_rows(spec, data):
                ws.append(safe_row(ws, [code, *(value_to_cell(c, entry.get(c.key)) for c in spec.columns[1:])]))
    _write_readme(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _child_rows(spec: SheetSpec, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if spec.list_key == "checklist":
        yield from ({"text": text} for text in data["checklist"])
    elif spec.list_key == "situations":
        for q in data["situations"]:
            for o in q["options"]:
                yield {"question_key": q["key"], "question": q["text"], "option_key": o["key"], "option": o["label"]}
    else:
        yield from data[spec.list_key]


README_LINES = [
    "本工作簿是政务服务事项清单，可修改后在“事项清单导入”或 manage.py import_catalog 中导入。完整格式见 docs/catalog-excel-format.md。",
    "“事项”表每行一个事项；其余各表每行一条记录，用第一列“基本编码”对应到事项，行的先后就是顺序。",
    "黄色表头为必填列。选项列可填名称或代码（见下方代码表）；是否列填“是”或“否”（空白为否，申请材料的“必要”空白为是）。",
    "适用情形写作“问题编号.选项编号”，例如 q1.a，多个用“；”分隔。",
    "导入时先校验全部行：有任何错误则不保存任何事项（或选择“只导入无误的事项”）；未改动的事项不产生新版本。",
    "对已有事项：缺少的表或“事项”表中缺少的非必填列保留原值；表中存在但为空的内容按空白处理。",
]


def _write_readme(wb: Workbook) -> None:
    ws = wb.create_sheet(README_SHEET)
    for letter, width in zip("ABCD", (14, 22, 8, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for line in README_LINES:
        ws.append([line])
    ws.append([])
    ws.append([header_cell(ws, h) for h in ("工作表", "列", "必填", "说明")])
    for spec in SHEETS:
        ws.append([spec.name, "", "", spec.purpose])
        for column in spec.columns:
            allowed = "、".join(label for _, label in column.options or [])
            note = "；".join(part for part in (f"可选：{allowed}" if allowed else "", column.note) if part)
            ws.append(["", column.label, "是" if column.required else "", note])
    ws.append([])
    ws.append([header_cell(ws, h) for h in ("列", "代码", "", "名称")])
    for spec in SHEETS:
        for column in spec.columns:
            if column.kind in (CHOICE, MULTI):
                for code, label in column.options or []:
                    ws.append([column.label, code, "", label])
