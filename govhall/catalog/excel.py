"""The catalog as an Excel workbook (CAT-4): export the current versions, import a county's own list.

One sheet per table — 事项 (one row per item) and 申请材料, 收费, 办理环节, 审核要点, 中介服务, 情形
(rows keyed by 基本编码, in order) — plus a 说明 sheet. Headers are the Chinese labels of
`schema`; choices are written as their labels and read back from label or code. The format is
documented for other counties in docs/catalog-excel-format.md.

An import validates every row through `schema.clean_item_data` before anything is written; an
item whose data did not change gets no new version.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from govhall.catalog import choices
from govhall.catalog.models import (
    ChecklistPoint,
    Fee,
    Intermediary,
    Item,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
    Step,
)
from govhall.catalog.schema import FEE_FIELDS, FIELD_LABELS, INTERMEDIARY_FIELDS, MATERIAL_FIELDS, STEP_FIELDS, clean_item_data
from govhall.catalog.services import VERSION_SCALARS, can_edit_department_items, item_create, item_update
from govhall.core.errors import DomainError, ErrorCollector, PermissionDenied

# --- the format ---------------------------------------------------------------------------------

TEXT, INT, BOOL, CHOICE, MULTI, LIST = "text", "int", "bool", "choice", "multi", "list"
BOOL_LABELS = [(True, "是"), (False, "否")]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    options: list[tuple[str, str]] | None = None
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


CODE = Column("code", FIELD_LABELS["code"], required=True, width=16, note="4–40位字母、数字或连字符；同一事项在各表中用它对应")
REFS = "适用情形，格式“问题编号.选项编号”，多个用“；”分隔；空白表示任何情形都适用"

ITEM_SHEET = SheetSpec(
    "事项",
    "",
    [
        CODE,
        Column("name", FIELD_LABELS["name"], required=True, width=30, note="不超过200字"),
        Column("name_en", FIELD_LABELS["name_en"], width=24),
        Column("item_type", FIELD_LABELS["item_type"], CHOICE, True, choices.ITEM_TYPES, 12),
        Column("department", FIELD_LABELS["department"], required=True, width=28, note="已登记部门的全称或统一社会信用代码"),
        Column("level", FIELD_LABELS["level"], CHOICE, False, choices.LEVELS, 10, "空白为县级"),
        Column("legal_basis", FIELD_LABELS["legal_basis"], required=True, width=48),
        Column("conditions", FIELD_LABELS["conditions"], width=40),
        Column("audience", FIELD_LABELS["audience"], MULTI, True, choices.AUDIENCES, 12, "个人、法人，或两者用“；”分隔"),
        Column("topics", FIELD_LABELS["topics"], LIST, width=16, note="多个用“；”分隔，每个不超过40字"),
        Column("handling_type", FIELD_LABELS["handling_type"], CHOICE, True, choices.HANDLING_TYPES, 10, "即办件的承诺办结时限为0"),
        Column("legal_limit_days", FIELD_LABELS["legal_limit_days"], INT, True, width=10, note="工作日，0–3650"),
        Column("promised_limit_days", FIELD_LABELS["promised_limit_days"], INT, True, width=10, note="工作日；承诺件至少1，即办件为0"),
        Column("visits", FIELD_LABELS["visits"], INT, True, width=8, note="0、1或2"),
        Column("online_depth", FIELD_LABELS["online_depth"], CHOICE, True, choices.ONLINE_DEPTHS, 16),
        Column("tongban_scope", FIELD_LABELS["tongban_scope"], CHOICE, False, choices.TONGBAN_SCOPES, 10, "空白为不通办"),
        Column("commitment_allowed", FIELD_LABELS["commitment_allowed"], BOOL, options=BOOL_LABELS, width=8),
        Column("commitment_verify_days", FIELD_LABELS["commitment_verify_days"], INT, width=10, note="工作日；实行告知承诺时必填，1–3650"),
        Column("rongque", FIELD_LABELS["rongque"], BOOL, options=BOOL_LABELS, width=8, note="为“是”时须至少一项材料可容缺"),
        Column("result_name", FIELD_LABELS["result_name"], width=20),
        Column("result_type", FIELD_LABELS["result_type"], CHOICE, False, choices.RESULT_TYPES, 8, "空白为其他"),
        Column("licence_type", FIELD_LABELS["licence_type"], width=16, note="结果类型为证照时必填"),
        Column("accountability", FIELD_LABELS["accountability"], width=30),
        Column("random_check", FIELD_LABELS["random_check"], BOOL, options=BOOL_LABELS, width=8),
        Column("proof_item", FIELD_LABELS["proof_item"], BOOL, options=BOOL_LABELS, width=8),
        Column("enterprise_permit", FIELD_LABELS["enterprise_permit"], BOOL, options=BOOL_LABELS, width=8),
        Column("supervision_item", FIELD_LABELS["supervision_item"], BOOL, options=BOOL_LABELS, width=8),
        Column("location", FIELD_LABELS["location"], width=24),
        Column("office_hours", FIELD_LABELS["office_hours"], width=20),
        Column("phone", FIELD_LABELS["phone"], width=14),
        Column("complaint_phone", FIELD_LABELS["complaint_phone"], width=14),
    ],
    "每行一个事项",
)

CHILD_SHEETS = [
    SheetSpec(
        "申请材料",
        "materials",
        [
            CODE,
            Column("name", MATERIAL_FIELDS["name"], required=True, width=30),
            Column("source", MATERIAL_FIELDS["source"], CHOICE, False, choices.MATERIAL_SOURCES, 14, "空白为申请人自备"),
            Column("source_note", MATERIAL_FIELDS["source_note"], width=16),
            Column("originals", MATERIAL_FIELDS["originals"], INT, width=8, note="0–99，空白为0"),
            Column("copies", MATERIAL_FIELDS["copies"], INT, width=8, note="0–99，空白为0"),
            Column("form", MATERIAL_FIELDS["form"], CHOICE, False, choices.MATERIAL_FORMS, 10, "空白为纸质或电子"),
            Column("required", MATERIAL_FIELDS["required"], BOOL, options=BOOL_LABELS, width=6, note="空白为“是”"),
            Column("blank_form", MATERIAL_FIELDS["blank_form"], width=16),
            Column("sample", MATERIAL_FIELDS["sample"], width=16),
            Column("spec", MATERIAL_FIELDS["spec"], width=20),
            Column("rongque_allowed", MATERIAL_FIELDS["rongque_allowed"], BOOL, options=BOOL_LABELS, width=8),
            Column("shared_source", MATERIAL_FIELDS["shared_source"], width=16),
            Column("licence_type", MATERIAL_FIELDS["licence_type"], width=16),
            Column("options", MATERIAL_FIELDS["options"], LIST, width=12, note=REFS),
        ],
        "每行一项申请材料，按行的先后排序",
    ),
    SheetSpec(
        "收费",
        "fees",
        [
            CODE,
            Column("name", FEE_FIELDS["name"], required=True, width=24),
            Column("standard", FEE_FIELDS["standard"], required=True, width=20),
            Column("amount_fen", FEE_FIELDS["amount_fen"], INT, width=10, note="按件定额时填写，单位为分（20元填2000）"),
            Column("basis", FEE_FIELDS["basis"], required=True, width=40),
        ],
        "每行一项收费；不收费的事项不填",
    ),
    SheetSpec(
        "办理环节",
        "steps",
        [
            CODE,
            Column("name", STEP_FIELDS["name"], required=True, width=16),
            Column("role", STEP_FIELDS["role"], CHOICE, True, choices.STEP_ROLES, 10),
            Column(
                "limit_days", STEP_FIELDS["limit_days"], INT, True, width=10, note="工作日；不带适用情形的各环节时限之和不超过承诺办结时限"
            ),
            Column("options", STEP_FIELDS["options"], LIST, width=12, note=REFS),
        ],
        "每行一个办理环节，按办理先后排序",
    ),
    SheetSpec("审核要点", "checklist", [CODE, Column("text", FIELD_LABELS["checklist"], required=True, width=50)], "每行一条审核要点"),
    SheetSpec(
        "中介服务",
        "intermediaries",
        [
            CODE,
            Column("name", INTERMEDIARY_FIELDS["name"], required=True, width=24),
            Column("basis", INTERMEDIARY_FIELDS["basis"], required=True, width=40),
            Column("provider", INTERMEDIARY_FIELDS["provider"], width=20),
            Column("fee_basis", INTERMEDIARY_FIELDS["fee_basis"], width=16),
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
CHUNK = 200


# --- reading current versions in bulk -----------------------------------------------------------


def _rows_by_version(queryset, *fields: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in queryset.order_by("version_id", "seq").values("version_id", "id", *fields):
        grouped[row.pop("version_id")].append(row)
    return grouped


def _chunk_data(ids: list[int]) -> Iterator[dict[str, Any]]:
    """`services.version_to_data` for many versions at once: one query per table, not per row."""
    scalars = [f for f in VERSION_SCALARS if f != "department"]
    versions = {
        v["id"]: v
        for v in ItemVersion.objects.filter(id__in=ids).values(
            "id", "item__code", "department__name", "for_person", "for_enterprise", *scalars
        )
    }
    topics: dict[int, list[str]] = defaultdict(list)
    for version_id, name in (
        ItemVersion.topics.through.objects.filter(itemversion_id__in=ids).order_by("topic_id").values_list("itemversion_id", "topic__name")
    ):
        topics[version_id].append(name)
    questions = _rows_by_version(SituationQuestion.objects.filter(version_id__in=ids), "key", "text", "seq")
    options: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for option in (
        SituationOption.objects.filter(question__version_id__in=ids)
        .order_by("question_id", "seq")
        .values("id", "question_id", "key", "label", "seq")
    ):
        options[option["question_id"]].append(option)
    option_refs = {
        o["id"]: ((q["seq"], o["seq"]), f"{q['key']}.{o['key']}") for rows in questions.values() for q in rows for o in options[q["id"]]
    }

    def links(model, owner: str) -> dict[int, list[str]]:
        chosen: dict[int, list[tuple]] = defaultdict(list)
        through = model.options.through.objects.filter(**{f"{owner}__version_id__in": ids})
        for owner_id, option_id in through.values_list(f"{owner}_id", "situationoption_id"):
            chosen[owner_id].append(option_refs[option_id])
        return {owner_id: [ref for _, ref in sorted(refs)] for owner_id, refs in chosen.items()}

    material_fields = [k for k in MATERIAL_FIELDS if k != "options"]
    materials = _rows_by_version(Material.objects.filter(version_id__in=ids), *material_fields)
    material_options = links(Material, "material")
    steps = _rows_by_version(Step.objects.filter(version_id__in=ids), "name", "role", "limit_days")
    step_options = links(Step, "step")
    fees = _rows_by_version(Fee.objects.filter(version_id__in=ids), *FEE_FIELDS)
    checklist = _rows_by_version(ChecklistPoint.objects.filter(version_id__in=ids), "text")
    intermediaries = _rows_by_version(Intermediary.objects.filter(version_id__in=ids), *INTERMEDIARY_FIELDS)

    for version_id in ids:
        v = versions.get(version_id)
        if v is None:
            continue
        data: dict[str, Any] = {"code": v["item__code"]}
        for name in VERSION_SCALARS:
            data[name] = v["department__name"] if name == "department" else v[name]
        data["audience"] = [a for a, flag in (("person", v["for_person"]), ("enterprise", v["for_enterprise"])) if flag]
        data["topics"] = topics[version_id]
        data["situations"] = [
            {"key": q["key"], "text": q["text"], "options": [{"key": o["key"], "label": o["label"]} for o in options[q["id"]]]}
            for q in questions[version_id]
        ]
        data["materials"] = [
            {**{k: m[k] for k in material_fields}, "options": material_options.get(m["id"], [])} for m in materials[version_id]
        ]
        data["fees"] = [{k: f[k] for k in FEE_FIELDS} for f in fees[version_id]]
        data["steps"] = [
            {"name": s["name"], "role": s["role"], "limit_days": s["limit_days"], "options": step_options.get(s["id"], [])}
            for s in steps[version_id]
        ]
        data["checklist"] = [c["text"] for c in checklist[version_id]]
        data["intermediaries"] = [{k: i[k] for k in INTERMEDIARY_FIELDS} for i in intermediaries[version_id]]
        yield data


def current_data(version_ids: list[int]) -> Iterator[dict[str, Any]]:
    """The data dicts of these versions, in this order, fetched CHUNK versions at a time."""
    for start in range(0, len(version_ids), CHUNK):
        yield from _chunk_data(version_ids[start : start + CHUNK])


# --- export -------------------------------------------------------------------------------------


def _show(column: Column, value: Any) -> Any:
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
    ws.append([_header_cell(ws, c.label, c.required) for c in spec.columns])
    return ws


def _header_cell(ws, label: str, required: bool = True) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=label)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if required else HEADER_FILL
    return cell


def _row(ws, values: list[Any]) -> list[Any]:
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
        item_ws.append(_row(item_ws, [_show(c, data.get(c.key)) for c in ITEM_SHEET.columns]))
        for spec in CHILD_SHEETS:
            ws = child_ws[spec.list_key]
            for entry in _child_rows(spec, data):
                ws.append(_row(ws, [code, *(_show(c, entry.get(c.key)) for c in spec.columns[1:])]))
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
    ws.append([_header_cell(ws, h) for h in ("工作表", "列", "必填", "说明")])
    for spec in SHEETS:
        ws.append([spec.name, "", "", spec.purpose])
        for column in spec.columns:
            allowed = "、".join(label for _, label in column.options or [])
            note = "；".join(part for part in (f"可选：{allowed}" if allowed else "", column.note) if part)
            ws.append(["", column.label, "是" if column.required else "", note])
    ws.append([])
    ws.append([_header_cell(ws, h) for h in ("列", "代码", "", "名称")])
    for spec in SHEETS:
        for column in spec.columns:
            if column.kind in (CHOICE, MULTI):
                for code, label in column.options or []:
                    ws.append([column.label, code, "", label])


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in the workbook, located as a person would find it in Excel."""

    sheet: str
    row: int | None
    column: str
    rule: str
    message: str
    code: str = ""

    @property
    def location(self) -> str:
        where = f"“{self.sheet}”表" if self.sheet else "文件"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"【{self.column}】"
        return where

    def __str__(self) -> str:
        return f"{self.location}：{self.message}（{self.rule}）"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "rule": self.rule, "message": self.message, "code": self.code}


@dataclass
class ImportReport:
    valid_only: bool = False
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)
    unchanged_codes: list[str] = field(default_factory=list)
    skipped_codes: list[str] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    blocked: bool = False  # errors stopped the import: nothing was saved

    @property
    def created(self) -> int:
        return len(self.created_codes)

    @property
    def updated(self) -> int:
        return len(self.updated_codes)

    @property
    def unchanged(self) -> int:
        return len(self.unchanged_codes)

    @property
    def skipped(self) -> int:
        return len(self.skipped_codes)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.blocked:
            return f"导入未执行：发现{len(self.errors)}处错误，没有保存任何事项。请按错误报告修改后重新导入。"
        text = f"导入完成：新增{self.created}项，更新{self.updated}项，未变{self.unchanged}项"
        if self.skipped or self.errors:
            text += f"，因错误跳过{self.skipped}项（共{len(self.errors)}处错误）"
        return text + "。"

    def as_dict(self) -> dict[str, Any]:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}
        return {**counts, "blocked": self.blocked, "summary": self.summary(), "errors": [e.as_dict() for e in self.errors]}

    def errors_workbook(self) -> bytes:
        """The errors as an .xlsx for download: 工作表, 行号, 基本编码, 列, 规则, 说明."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("错误报告")
        for letter, width in zip("ABCDEF", (12, 8, 16, 18, 20, 70), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A3"
        ws.append([self.summary()])
        ws.append([_header_cell(ws, h) for h in ("工作表", "行号", "基本编码", "列", "规则", "说明")])
        for e in self.errors:
            ws.append(_row(ws, [e.sheet, e.row, e.code, e.column, e.rule, e.message]))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


class _Abort(Exception):
    """Raised inside the import transaction to roll every write back."""


@dataclass
class _Entry:
    """One item assembled from the workbook, with where each part came from."""

    code: str
    row: int
    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    locations: dict[str, list[int | None]] = field(default_factory=dict)
    question_rows: list[list[int | None]] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    item: Item | None = None
    cleaned: dict[str, Any] | None = None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(column: Column, value: Any) -> Any:
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


class _Reader:
    def __init__(self, report: ImportReport):
        self.report = report
        self.structural = False
        self.headers: dict[str, set[str]] = {}  # sheet name -> keys of the columns it has

    def fail(self, sheet: str, row: int | None, column: str, rule: str, message: str) -> None:
        self.structural = True
        self.report.errors.append(ImportIssue(sheet, row, column, rule, message))

    def rows(self, ws, spec: SheetSpec) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {key: value}) for every non-blank row; header problems are structural."""
        ws.reset_dimensions()
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, ())
        by_label = {c.label: c for c in spec.columns}
        columns: list[Column | None] = []
        seen: set[str] = set()
        for index, raw in enumerate(header, start=1):
            label = "" if raw is None else str(raw).strip().rstrip("*＊").strip()
            column = by_label.get(label)
            if label and column is None:
                self.fail(spec.name, 1, label, "unknown_column", f"“{spec.name}”表没有“{label}”这一列（第{index}列），请核对列名")
            elif column is not None and label in seen:
                self.fail(spec.name, 1, label, "duplicate_column", f"“{label}”列重复出现")
                column = None
            seen.add(label)
            columns.append(column)
        self.headers[spec.name] = {c.key for c in columns if c is not None}
        for column in spec.columns:
            if column.required and column.label not in seen:
                self.fail(spec.name, 1, column.label, "missing_column", f"“{spec.name}”表缺少必填列“{column.label}”")
        result = []
        unlabelled_reported = False
        for row_no, values in enumerate(rows_iter, start=2):
            record: dict[str, Any] = {}
            for index, value in enumerate(values):
                if _blank(value):
                    continue
                column = columns[index] if index < len(columns) else None
                if column is None:
                    if (index >= len(header) or _blank(header[index])) and not unlabelled_reported:
                        unlabelled_reported = True
                        self.fail(spec.name, row_no, get_column_letter(index + 1), "unknown_column", f"第{index + 1}列有内容但没有列名")
                    continue
                record[column.key] = _cell(column, value)
            if record:
                result.append((row_no, record))
        return result


def _open_workbook(file: Any):
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif isinstance(file, str | Path):
        file = str(file)
    elif hasattr(file, "seek"):
        file.seek(0)
    return load_workbook(file, read_only=True, data_only=True)


def _read(file: Any, reader: _Reader) -> tuple[list[_Entry], set[str]]:
    """Assemble one entry per row of the 事项 sheet; returns the entries and the child sheets present."""
    report = reader.report
    try:
        wb = _open_workbook(file)
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException …)
        reader.fail("", None, "", "file", f"无法读取文件，请上传 Excel 工作簿（.xlsx）：{exc.__class__.__name__}")
        return [], set()
    try:
        sheets: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for ws in wb.worksheets:
            name = ws.title.strip()
            spec = SHEET_BY_NAME.get(name)
            if spec is not None:
                sheets[name] = reader.rows(ws, spec)
            elif name != README_SHEET and any(not _blank(v) for row in ws.iter_rows(values_only=True) for v in row):
                reader.fail(name, None, "", "unknown_sheet", f"不认识的工作表“{name}”，可用的工作表：{'、'.join(SHEET_BY_NAME)}")
    finally:
        wb.close()
    if ITEM_SHEET.name not in sheets:
        reader.fail(ITEM_SHEET.name, None, "", "missing_sheet", "工作簿缺少“事项”表")
        return [], set()

    entries: dict[str, _Entry] = {}
    ordered: list[_Entry] = []
    for row_no, record in sheets[ITEM_SHEET.name]:
        code = str(record.pop("code", "")).strip()
        if not code:
            report.errors.append(ImportIssue(ITEM_SHEET.name, row_no, CODE.label, "required", "基本编码不能为空"))
            continue
        if code in entries:
            first = entries[code]
            first.errors.append(
                ImportIssue(ITEM_SHEET.name, row_no, CODE.label, "unique", f"基本编码“{code}”在第{first.row}行已出现", code)
            )
            continue
        entry = _Entry(code=code, row=row_no, scalars=record)
        entries[code] = entry
        ordered.append(entry)

    present = {name for name in sheets if name != ITEM_SHEET.name}
    for spec in CHILD_SHEETS:
        for row_no, record in sheets.get(spec.name, []):
            code = str(record.pop("code", "")).strip()
            if not code:
                report.errors.append(ImportIssue(spec.name, row_no, CODE.label, "required", "基本编码不能为空"))
            elif code not in entries:
                report.errors.append(ImportIssue(spec.name, row_no, CODE.label, "unknown_item", f"基本编码“{code}”不在“事项”表中", code))
            else:
                entries[code].lists.setdefault(spec.list_key, []).append((row_no, record))
    return ordered, present


def _situations(entry: _Entry) -> list[dict[str, Any]]:
    spec = SHEET_BY_LIST["situations"]
    questions: dict[str, dict[str, Any]] = {}
    entry.question_rows = []
    for row_no, record in entry.lists.get("situations", []):
        key = str(record.get("question_key", "")).strip()
        question = questions.get(key)
        if question is None:
            question = questions[key] = {"key": key, "text": record.get("question"), "options": []}
            entry.question_rows.append([row_no])
        elif not _blank(record.get("question")) and str(record["question"]).strip() != str(question["text"] or "").strip():
            if _blank(question["text"]):
                question["text"] = record["question"]
            else:
                entry.errors.append(
                    ImportIssue(spec.name, row_no, "问题", "inconsistent", f"问题编号“{key}”的问题与前面的行不一致", entry.code)
                )
        rows = entry.question_rows[list(questions).index(key)]
        rows.append(row_no)
        question["options"].append({"key": record.get("option_key"), "label": record.get("option")})
    return list(questions.values())


def _assemble(entry: _Entry, existing: dict[str, Any] | None, item_columns: set[str], present: set[str]) -> dict[str, Any]:
    """The item's data: the workbook's rows, and for an existing item what the workbook leaves out
    (a child sheet that is missing, a column of 事项 that is missing)."""
    data: dict[str, Any] = dict(existing or {})
    for key in item_columns:
        data.pop(key, None)  # a blank cell takes the schema's default
    data.update(entry.scalars)
    data["code"] = entry.code
    for spec in CHILD_SHEETS:
        if spec.name not in present:
            entry.locations[spec.list_key] = [None] * len((existing or {}).get(spec.list_key) or [])
            continue
        rows = entry.lists.get(spec.list_key, [])
        if spec.list_key == "situations":
            data["situations"] = _situations(entry)
        elif spec.list_key == "checklist":
            data["checklist"] = [record.get("text") for _, record in rows]
        else:
            data[spec.list_key] = [record for _, record in rows]
        entry.locations[spec.list_key] = [row_no for row_no, _ in rows]
    if "情形" not in present:
        entry.question_rows = [[None] * (len(q["options"]) + 1) for q in data.get("situations") or []]
    return data


PATH_RE = re.compile(r"^(?P<field>\w+)(?:\[(?P<i>\d+)\])?(?:\.(?P<sub>\w+)(?:\[(?P<j>\d+)\])?(?:\.(?P<leaf>\w+))?)?$")
SITUATION_COLUMNS = {"key": "问题编号", "text": "问题", "options": "选项编号"}
OPTION_COLUMNS = {"key": "选项编号", "label": "选项"}


def _locate(entry: _Entry, path: str) -> tuple[str, int | None, str]:
    """Turn a schema field path (`materials[2].copies`) into sheet, row and column label."""
    match = PATH_RE.match(path)
    if not match:
        return ITEM_SHEET.name, entry.row, CODE.label
    name, i, sub, j, leaf = match["field"], match["i"], match["sub"], match["j"], match["leaf"]
    if name == "situations" and i is not None:
        rows = entry.question_rows[int(i)] if int(i) < len(entry.question_rows) else [None]
        if j is not None:
            row = rows[int(j) + 1] if int(j) + 1 < len(rows) else None
            return "情形", row, OPTION_COLUMNS.get(leaf or "", "选项编号")
        return "情形", rows[0], SITUATION_COLUMNS.get(sub or "", "问题编号")
    if name in SHEET_BY_LIST:
        spec = SHEET_BY_LIST[name]
        rows = entry.locations.get(name) or []
        if i is None:  # a rule about the whole list: 各环节时限之和
            return spec.name, next((r for r in rows if r), None), spec.column("limit_days").label if name == "steps" else CODE.label
        row = rows[int(i)] if int(i) < len(rows) else None
        column = spec.column(sub).label if sub and any(c.key == sub for c in spec.columns) else spec.columns[1].label
        return spec.name, row, column
    if name in FIELD_LABELS:
        return ITEM_SHEET.name, entry.row, FIELD_LABELS[name]
    return ITEM_SHEET.name, entry.row, CODE.label


def _issue(entry: _Entry, path: str, rule: str, message: str) -> ImportIssue:
    sheet, row, column = _locate(entry, path)
    return ImportIssue(sheet, row, column, rule, message, entry.code)


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Order-insensitive parts in one order: option references by situation, topics without repeats."""
    order = {f"{q['key']}.{o['key']}": (qi, oi) for qi, q in enumerate(data["situations"]) for oi, o in enumerate(q["options"])}
    for name in ("materials", "steps"):
        data[name] = [
            {**row, "options": sorted(dict.fromkeys(row["options"]), key=lambda r: order.get(r, (9999, 0)))} for row in data[name]
        ]
    data["topics"] = list(dict.fromkeys(data["topics"]))
    return data


def _same(cleaned: dict[str, Any], existing: dict[str, Any]) -> bool:
    a = {**cleaned, "department": cleaned["department"].name, "topics": sorted(cleaned["topics"])}
    b = {**_normalise(dict(existing)), "topics": sorted(set(existing["topics"]))}
    return a == b


def _existing(codes: list[str]) -> tuple[dict[str, Item], dict[str, dict[str, Any]]]:
    items: dict[str, Item] = {}
    for start in range(0, len(codes), 500):
        items.update({i.code: i for i in Item.objects.filter(code__in=codes[start : start + 500]).select_related("department")})
    version_ids = [i.current_version_id for i in items.values() if i.current_version_id]
    return items, {data["code"]: data for data in current_data(version_ids)}


def catalog_import(*, actor, file: Any, valid_only: bool = False, reason: str = "Excel导入") -> ImportReport:
    """Import a catalog workbook. Every row is checked first; with any error nothing is saved,
    unless `valid_only`, which saves the items without errors and skips the rest.
    `file` is a path, bytes or an uploaded file; `actor=None` is a system import (command line)."""
    if actor is not None and not actor.has_perm("catalog.import_catalog"):
        raise PermissionDenied("无权导入事项清单")
    reason = (reason or "").strip() or "Excel导入"
    report = ImportReport(valid_only=valid_only)
    reader = _Reader(report)
    entries, present = _read(file, reader)
    if reader.structural:
        report.blocked = True
        return report

    item_columns = reader.headers[ITEM_SHEET.name]
    items, existing = _existing([e.code for e in entries])
    to_save: list[_Entry] = []
    for entry in entries:
        entry.item = items.get(entry.code)
        data = _assemble(entry, existing.get(entry.code), item_columns, present)
        errors = ErrorCollector()
        cleaned = clean_item_data(data, errors, prefix="")
        entry.errors.extend(_issue(entry, e.field, e.rule, e.message) for e in errors.errors)
        if not entry.errors:
            entry.cleaned = _normalise(cleaned)
            if entry.item is not None and entry.code in existing and _same(entry.cleaned, existing[entry.code]):
                report.unchanged_codes.append(entry.code)
                continue
            _check_allowed(actor, entry)
        if entry.errors:
            report.errors.extend(entry.errors)
            report.skipped_codes.append(entry.code)
        else:
            to_save.append(entry)

    if report.errors and not valid_only:
        report.blocked = True
        report.unchanged_codes.clear()
        report.skipped_codes.clear()
        return report
    try:
        with transaction.atomic():
            for entry in to_save:
                _save(actor, entry, reason, report)
            if report.skipped_codes and not valid_only:
                raise _Abort
    except _Abort:
        report.blocked = True
        report.created_codes.clear()
        report.updated_codes.clear()
        report.unchanged_codes.clear()
        report.skipped_codes.clear()
    return report


def _check_allowed(actor, entry: _Entry) -> None:
    assert entry.cleaned is not None
    departments = [entry.cleaned["department"]] + ([entry.item.department] if entry.item else [])
    for department in departments:
        if not can_edit_department_items(actor, department):
            entry.errors.append(_issue(entry, "department", "permission", f"无权维护“{department.name}”的事项"))
            return
    if entry.item is not None and entry.item.status == Item.STATUS_CANCELLED:
        entry.errors.append(_issue(entry, "code", "cancelled", "该事项已取消，不能再修改"))


def _save(actor, entry: _Entry, reason: str, report: ImportReport) -> None:
    assert entry.cleaned is not None
    try:
        if entry.item is None:
            item_create(actor=actor, data=entry.cleaned, reason=reason)
            report.created_codes.append(entry.code)
        else:
            item_update(actor=actor, item=entry.item, data=entry.cleaned, reason=reason)
            report.updated_codes.append(entry.code)
    except DomainError as exc:
        for error in getattr(exc, "errors", []):
            if error.rule == "unchanged":
                report.unchanged_codes.append(entry.code)
                return
        report.errors.extend(_issue(entry, e.field, e.rule, e.message) for e in getattr(exc, "errors", []))
        report.skipped_codes.append(entry.code)
