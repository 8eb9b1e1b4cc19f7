"""Importing a catalog workbook (the format is in `excel_format`).

An import validates every row through `schema.clean_item_data` before anything is written; an
item whose data did not change gets no new version.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from govhall.catalog.excel_export import current_data
from govhall.catalog.excel_format import (
    CHILD_SHEETS,
    CODE,
    ITEM_SHEET,
    README_SHEET,
    SHEET_BY_LIST,
    SHEET_BY_NAME,
    Column,
    SheetSpec,
    cell_to_value,
    header_cell,
    safe_row,
)
from govhall.catalog.models import Item
from govhall.catalog.permissions import can_edit_department_items
from govhall.catalog.schema import FIELD_LABELS, FIELD_LABELS_ZH, clean_item_data
from govhall.catalog.services import item_create, item_update
from govhall.core.errors import DomainError, ErrorCollector, PermissionDenied

# Told how far an import got: (done, total, what it is doing); 0 of 0 while there is nothing to count.
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


# --- the report ---------------------------------------------------------------------------------


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
        where = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if not self.sheet:
            return _("文件")
        if self.row and self.column:
            return _("“%(sheet)s”表第%(row)s行【%(column)s】") % where
        if self.row:
            return _("“%(sheet)s”表第%(row)s行") % where
        if self.column:
            return _("“%(sheet)s”表【%(column)s】") % where
        return _("“%(sheet)s”表") % where

    def __str__(self) -> str:
        return _("%(location)s：%(message)s（%(rule)s）") % {"location": self.location, "message": self.message, "rule": self.rule}

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
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": len(self.errors),
        }
        if self.blocked:
            return _("导入未执行：发现%(errors)s处错误，没有保存任何事项。请按错误报告修改后重新导入。") % counts
        if self.skipped or self.errors:
            return (
                _("导入完成：新增%(created)s项，更新%(updated)s项，未变%(unchanged)s项，因错误跳过%(skipped)s项（共%(errors)s处错误）。")
                % counts
            )
        return _("导入完成：新增%(created)s项，更新%(updated)s项，未变%(unchanged)s项。") % counts

    def as_dict(self) -> dict[str, Any]:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}
        return {**counts, "blocked": self.blocked, "summary": self.summary(), "errors": [e.as_dict() for e in self.errors]}

    def errors_workbook(self) -> bytes:
        """The errors as an .xlsx for download: 工作表, 行号, 基本编码, 列, 规则, 说明."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("错误报告"))
        for letter, width in zip("ABCDEF", (12, 8, 16, 18, 20, 70), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A3"
        ws.append([self.summary()])
        ws.append([header_cell(ws, h) for h in (_("工作表"), _("行号"), _("基本编码"), _("列"), _("规则"), _("说明"))])
        for e in self.errors:
            ws.append(safe_row(ws, [e.sheet, e.row, e.code, e.column, e.rule, e.message]))
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
                self.fail(
                    spec.name,
                    1,
                    label,
                    "unknown_column",
                    _("“%(sheet)s”表没有“%(column)s”这一列（第%(index)s列），请核对列名")
                    % {"sheet": spec.name, "column": label, "index": index},
                )
            elif column is not None and label in seen:
                self.fail(spec.name, 1, label, "duplicate_column", _("“%(column)s”列重复出现") % {"column": label})
                column = None
            seen.add(label)
            columns.append(column)
        self.headers[spec.name] = {c.key for c in columns if c is not None}
        for column in spec.columns:
            if column.required and column.label not in seen:
                self.fail(
                    spec.name,
                    1,
                    column.label,
                    "missing_column",
                    _("“%(sheet)s”表缺少必填列“%(column)s”") % {"sheet": spec.name, "column": column.label},
                )
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
                        self.fail(
                            spec.name,
                            row_no,
                            get_column_letter(index + 1),
                            "unknown_column",
                            _("第%(index)s列有内容但没有列名") % {"index": index + 1},
                        )
                    continue
                record[column.key] = cell_to_value(column, value)
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


def _read(file: Any, reader: _Reader, progress: Progress) -> tuple[list[_Entry], set[str]]:
    """Assemble one entry per row of the 事项 sheet; returns the entries and the child sheets present."""
    report = reader.report
    progress(0, 0, _("正在读取工作簿"))
    try:
        wb = _open_workbook(file)
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException …)
        reader.fail("", None, "", "file", _("无法读取文件，请上传 Excel 工作簿（.xlsx）：%(error)s") % {"error": exc.__class__.__name__})
        return [], set()
    try:
        sheets: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for ws in wb.worksheets:
            name = ws.title.strip()
            spec = SHEET_BY_NAME.get(name)
            if spec is not None:
                progress(0, 0, _("正在读取工作表“%(sheet)s”") % {"sheet": name})
                sheets[name] = reader.rows(ws, spec)
            elif name != README_SHEET and any(not _blank(v) for row in ws.iter_rows(values_only=True) for v in row):
                reader.fail(
                    name,
                    None,
                    "",
                    "unknown_sheet",
                    _("不认识的工作表“%(sheet)s”，可用的工作表：%(sheets)s") % {"sheet": name, "sheets": "、".join(SHEET_BY_NAME)},
                )
    finally:
        wb.close()
    if ITEM_SHEET.name not in sheets:
        reader.fail(ITEM_SHEET.name, None, "", "missing_sheet", _("工作簿缺少“事项”表"))
        return [], set()

    entries: dict[str, _Entry] = {}
    ordered: list[_Entry] = []
    for row_no, record in sheets[ITEM_SHEET.name]:
        code = str(record.pop("code", "")).strip()
        if not code:
            report.errors.append(
                ImportIssue(ITEM_SHEET.name, row_no, CODE.label, "required", _("%(label)s不能为空") % {"label": FIELD_LABELS["code"]})
            )
            continue
        if code in entries:
            first = entries[code]
            first.errors.append(
                ImportIssue(
                    ITEM_SHEET.name,
                    row_no,
                    CODE.label,
                    "unique",
                    _("基本编码“%(code)s”在第%(row)s行已出现") % {"code": code, "row": first.row},
                    code,
                )
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
                report.errors.append(
                    ImportIssue(spec.name, row_no, CODE.label, "required", _("%(label)s不能为空") % {"label": FIELD_LABELS["code"]})
                )
            elif code not in entries:
                report.errors.append(
                    ImportIssue(spec.name, row_no, CODE.label, "unknown_item", _("基本编码“%(code)s”不在“事项”表中") % {"code": code}, code)
                )
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
                    ImportIssue(
                        spec.name, row_no, "问题", "inconsistent", _("问题编号“%(key)s”的问题与前面的行不一致") % {"key": key}, entry.code
                    )
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
            data["checklist"] = [record.get("text") for _row_no, record in rows]
        else:
            data[spec.list_key] = [record for _row_no, record in rows]
        entry.locations[spec.list_key] = [row_no for row_no, _record in rows]
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
    if name in FIELD_LABELS_ZH:
        return ITEM_SHEET.name, entry.row, FIELD_LABELS_ZH[name]
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


def catalog_import(
    *, actor, file: Any, valid_only: bool = False, reason: str = "Excel导入", progress: Progress | None = None
) -> ImportReport:
    """Import a catalog workbook. Every row is checked first; with any error nothing is saved,
    unless `valid_only`, which saves the items without errors and skips the rest.
    `file` is a path, bytes or an uploaded file; `actor=None` is a system import (command line).
    `progress` hears each phase: reading the sheets, checking item N of M, saving item N of M."""
    if actor is not None and not actor.has_perm("catalog.import_catalog"):
        raise PermissionDenied(_("无权导入事项清单"))
    reason = (reason or "").strip() or "Excel导入"
    report = ImportReport(valid_only=valid_only)
    reader = _Reader(report)
    progress = progress or _no_progress
    entries, present = _read(file, reader, progress)
    if reader.structural:
        report.blocked = True
        return report

    item_columns = reader.headers[ITEM_SHEET.name]
    items, existing = _existing([e.code for e in entries])
    to_save: list[_Entry] = []
    checking = _("正在校验事项")
    for done, entry in enumerate(entries):
        progress(done, len(entries), checking)
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
    progress(len(entries), len(entries), checking)

    if report.errors and not valid_only:
        report.blocked = True
        report.unchanged_codes.clear()
        report.skipped_codes.clear()
        return report
    try:
        saving = _("正在保存事项")
        with transaction.atomic():
            for done, entry in enumerate(to_save):
                progress(done, len(to_save), saving)
                _save(actor, entry, reason, report)
            progress(len(to_save), len(to_save), saving)
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
            entry.errors.append(
                _issue(entry, "department", "permission", _("无权维护“%(department)s”的事项") % {"department": department.name})
            )
            return
    if entry.item is not None and entry.item.status == Item.STATUS_CANCELLED:
        entry.errors.append(_issue(entry, "code", "cancelled", _("该事项已取消，不能再修改")))


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
