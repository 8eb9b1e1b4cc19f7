"""The catalog's Excel format (CAT-4), shared by the export and the import.

One sheet per table — 事项 (one row per item) and 申请材料, 收费, 办理环节, 审核要点, 中介服务, 情形
(rows keyed by 基本编码, in order) — plus a 说明 sheet. Headers are the Chinese field names of
`schema` and choices are written as their Chinese names (read back from name or code), whatever
language the page is in: the workbook is a format other counties read. The format is
documented for other counties in docs/catalog-excel-format.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from govhall.catalog import choices
from govhall.catalog.schema import FEE_FIELDS_ZH, FIELD_LABELS_ZH, INTERMEDIARY_FIELDS_ZH, MATERIAL_FIELDS_ZH, STEP_FIELDS_ZH

# --- the format ---------------------------------------------------------------------------------

TEXT, INT, BOOL, CHOICE, MULTI, LIST = "text", "int", "bool", "choice", "multi", "list"
BOOL_LABELS = [(True, "是"), (False, "否")]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    options: Sequence[tuple[str | bool, str]] | None = None  # (code, Chinese name); codes are True/False for BOOL
    width: int = 14
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    list_key: str  # "" for the 事项 sheet, else the key of the list in the item data dict
    columns: list[Column]
    purpose: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


CODE = Column("code", FIELD_LABELS_ZH["code"], required=True, width=16, note="4–40位字母、数字或连字符；同一事项在各表中用它对应")
REFS = "适用情形，格式“问题编号.选项编号”，多个用“；”分隔；空白表示任何情形都适用"

ITEM_SHEET = SheetSpec(
    "事项",
    "",
    [
        CODE,
        Column("name", FIELD_LABELS_ZH["name"], required=True, width=30, note="不超过200字"),
        Column("name_en", FIELD_LABELS_ZH["name_en"], width=24),
        Column("item_type", FIELD_LABELS_ZH["item_type"], CHOICE, True, choices.ITEM_TYPES, 12),
        Column("department", FIELD_LABELS_ZH["department"], required=True, width=28, note="已登记部门的全称或统一社会信用代码"),
        Column("level", FIELD_LABELS_ZH["level"], CHOICE, False, choices.LEVELS, 10, "空白为县级"),
        Column("legal_basis", FIELD_LABELS_ZH["legal_basis"], required=True, width=48),
        Column("conditions", FIELD_LABELS_ZH["conditions"], width=40),
        Column("audience", FIELD_LABELS_ZH["audience"], MULTI, True, choices.AUDIENCES, 12, "个人、法人，或两者用“；”分隔"),
        Column("topics", FIELD_LABELS_ZH["topics"], LIST, width=16, note="多个用“；”分隔，每个不超过40字"),
        Column("handling_type", FIELD_LABELS_ZH["handling_type"], CHOICE, True, choices.HANDLING_TYPES, 10, "即办件的承诺办结时限为0"),
        Column("legal_limit_days", FIELD_LABELS_ZH["legal_limit_days"], INT, True, width=10, note="工作日，0–3650"),
        Column("promised_limit_days", FIELD_LABELS_ZH["promised_limit_days"], INT, True, width=10, note="工作日；承诺件至少1，即办件为0"),
        Column("visits", FIELD_LABELS_ZH["visits"], INT, True, width=8, note="0、1或2"),
        Column("online_depth", FIELD_LABELS_ZH["online_depth"], CHOICE, True, choices.ONLINE_DEPTHS, 16),
        Column("tongban_scope", FIELD_LABELS_ZH["tongban_scope"], CHOICE, False, choices.TONGBAN_SCOPES, 10, "空白为不通办"),
        Column("commitment_allowed", FIELD_LABELS_ZH["commitment_allowed"], BOOL, options=BOOL_LABELS, width=8),
        Column(
            "commitment_verify_days", FIELD_LABELS_ZH["commitment_verify_days"], INT, width=10, note="工作日；实行告知承诺时必填，1–3650"
        ),
        Column("rongque", FIELD_LABELS_ZH["rongque"], BOOL, options=BOOL_LABELS, width=8, note="为“是”时须至少一项材料可容缺"),
        Column("result_name", FIELD_LABELS_ZH["result_name"], width=20),
        Column("result_type", FIELD_LABELS_ZH["result_type"], CHOICE, False, choices.RESULT_TYPES, 8, "空白为其他"),
        Column("licence_type", FIELD_LABELS_ZH["licence_type"], width=16, note="结果类型为证照时必填"),
        Column("accountability", FIELD_LABELS_ZH["accountability"], width=30),
        Column("random_check", FIELD_LABELS_ZH["random_check"], BOOL, options=BOOL_LABELS, width=8),
        Column("proof_item", FIELD_LABELS_ZH["proof_item"], BOOL, options=BOOL_LABELS, width=8),
        Column("enterprise_permit", FIELD_LABELS_ZH["enterprise_permit"], BOOL, options=BOOL_LABELS, width=8),
        Column("supervision_item", FIELD_LABELS_ZH["supervision_item"], BOOL, options=BOOL_LABELS, width=8),
        Column("location", FIELD_LABELS_ZH["location"], width=24),
        Column("office_hours", FIELD_LABELS_ZH["office_hours"], width=20),
        Column("phone", FIELD_LABELS_ZH["phone"], width=14),
        Column("complaint_phone", FIELD_LABELS_ZH["complaint_phone"], width=14),
    ],
    "每行一个事项",
)

CHILD_SHEETS = [
    SheetSpec(
        "申请材料",
        "materials",
        [
            CODE,
            Column("name", MATERIAL_FIELDS_ZH["name"], required=True, width=30),
            Column("source", MATERIAL_FIELDS_ZH["source"], CHOICE, False, choices.MATERIAL_SOURCES, 14, "空白为申请人自备"),
            Column("source_note", MATERIAL_FIELDS_ZH["source_note"], width=16),
            Column("originals", MATERIAL_FIELDS_ZH["originals"], INT, width=8, note="0–99，空白为0"),
            Column("copies", MATERIAL_FIELDS_ZH["copies"], INT, width=8, note="0–99，空白为0"),
            Column("form", MATERIAL_FIELDS_ZH["form"], CHOICE, False, choices.MATERIAL_FORMS, 10, "空白为纸质或电子"),
            Column("required", MATERIAL_FIELDS_ZH["required"], BOOL, options=BOOL_LABELS, width=6, note="空白为“是”"),
            Column("blank_form", MATERIAL_FIELDS_ZH["blank_form"], width=16),
            Column("sample", MATERIAL_FIELDS_ZH["sample"], width=16),
            Column("spec", MATERIAL_FIELDS_ZH["spec"], width=20),
            Column("rongque_allowed", MATERIAL_FIELDS_ZH["rongque_allowed"], BOOL, options=BOOL_LABELS, width=8),
            Column("shared_source", MATERIAL_FIELDS_ZH["shared_source"], width=16),
            Column("licence_type", MATERIAL_FIELDS_ZH["licence_type"], width=16),
            Column("options", MATERIAL_FIELDS_ZH["options"], LIST, width=12, note=REFS),
        ],
        "每行一项申请材料，按行的先后排序",
    ),
    SheetSpec(
        "收费",
        "fees",
        [
            CODE,
            Column("name", FEE_FIELDS_ZH["name"], required=True, width=24),
            Column("standard", FEE_FIELDS_ZH["standard"], required=True, width=20),
            Column("amount_fen", FEE_FIELDS_ZH["amount_fen"], INT, width=10, note="按件定额时填写，单位为分（20元填2000）"),
            Column("basis", FEE_FIELDS_ZH["basis"], required=True, width=40),
        ],
        "每行一项收费；不收费的事项不填",
    ),
    SheetSpec(
        "办理环节",
        "steps",
        [
            CODE,
            Column("name", STEP_FIELDS_ZH["name"], required=True, width=16),
            Column("role", STEP_FIELDS_ZH["role"], CHOICE, True, choices.STEP_ROLES, 10),
            Column(
                "limit_days",
                STEP_FIELDS_ZH["limit_days"],
                INT,
                True,
                width=10,
                note="工作日；不带适用情形的各环节时限之和不超过承诺办结时限",
            ),
            Column("options", STEP_FIELDS_ZH["options"], LIST, width=12, note=REFS),
        ],
        "每行一个办理环节，按办理先后排序",
    ),
    SheetSpec("审核要点", "checklist", [CODE, Column("text", FIELD_LABELS_ZH["checklist"], required=True, width=50)], "每行一条审核要点"),
    SheetSpec(
        "中介服务",
        "intermediaries",
        [
            CODE,
            Column("name", INTERMEDIARY_FIELDS_ZH["name"], required=True, width=24),
            Column("basis", INTERMEDIARY_FIELDS_ZH["basis"], required=True, width=40),
            Column("provider", INTERMEDIARY_FIELDS_ZH["provider"], width=20),
            Column("fee_basis", INTERMEDIARY_FIELDS_ZH["fee_basis"], width=16),
        ],
        "每行一项中介服务",
    ),
    SheetSpec(
        "情形",
        "situations",
        [
            CODE,
            Column("question_key", "问题编号", required=True, width=10, note="字母、数字或下划线，事项内不重复"),
            Column("question", "问题", required=True, width=24, note="同一问题的各行须一致，可只在第一行填写"),
            Column("option_key", "选项编号", required=True, width=10, note="字母、数字或下划线，问题内不重复"),
            Column("option", "选项", required=True, width=24),
        ],
        "每行一个选项；每个问题至少两个选项",
    ),
]
SHEETS = [ITEM_SHEET, *CHILD_SHEETS]
SHEET_BY_NAME = {s.name: s for s in SHEETS}
SHEET_BY_LIST = {s.list_key: s for s in CHILD_SHEETS}
README_SHEET = "说明"

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")


# --- cells: codes to labels and back ------------------------------------------------------------


def value_to_cell(column: Column, value: Any) -> Any:
    """A data value as written to the workbook: labels for choices, 是/否, lists joined by "；"."""
    if value is None or value == "":
        return None
    if column.kind == BOOL:
        return "是" if value else "否"
    if column.kind == CHOICE:
        return dict(column.options or []).get(value, value)
    if column.kind == MULTI:
        labels = dict(column.options or [])
        return "；".join(labels.get(v, v) for v in value) or None
    if column.kind == LIST:
        return "；".join(value) or None
    return value


def cell_to_value(column: Column, value: Any) -> Any:
    """A cell's value as the data dict expects it (the schema does the checking)."""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column.kind in (TEXT, LIST, MULTI) and not isinstance(value, str):
        return str(value)
    if column.kind == CHOICE and not isinstance(value, str):
        codes = {code for code, _ in column.options or []}
        value = str(value)
        return value.zfill(2) if value not in codes and value.zfill(2) in codes else value  # 1 typed for 01
    return value


def header_cell(ws, label: str, required: bool = True) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=label)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if required else HEADER_FILL
    return cell


def safe_row(ws, values: list[Any]) -> list[Any]:
    """A row to append: characters Excel refuses removed, text starting with "=" kept as text."""
    row = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text that looks like a formula stays text
            value = cell
        row.append(value)
    return row
