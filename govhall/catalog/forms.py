"""Staff forms for the catalog: the item's scalar elements as a Django form, its child tables as
editable rows, and the small reason forms of the status actions.

The forms only shape the input into the item data dict (`govhall.catalog.schema`); the rules live
in `validate_item_data` and the services, whose errors come back with field paths such as
`materials[2].copies` and are put next to the field they name (`ItemEditor.apply_errors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from govhall.catalog import choices
from govhall.catalog.schema import FIELD_LABELS
from govhall.core.errors import FieldError
from govhall.core.i18n import translated_choices
from govhall.org.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _number_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": 0, "step": 1, "class": "num"})


class ItemForm(forms.Form):
    """The scalar elements of an item version. Numbers stay text so the schema names the rule."""

    code = forms.CharField(label=FIELD_LABELS["code"], max_length=40, required=False)
    department = forms.ModelChoiceField(label=FIELD_LABELS["department"], queryset=Department.objects.none(), required=False)
    name = forms.CharField(label=FIELD_LABELS["name"], required=False, widget=forms.TextInput(attrs={"size": 40}))
    name_en = forms.CharField(label=FIELD_LABELS["name_en"], required=False, widget=forms.TextInput(attrs={"size": 40}))
    item_type = forms.ChoiceField(label=FIELD_LABELS["item_type"], choices=translated_choices(choices.ITEM_TYPES))
    level = forms.ChoiceField(label=FIELD_LABELS["level"], choices=translated_choices(choices.LEVELS))
    legal_basis = forms.CharField(label=FIELD_LABELS["legal_basis"], required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=FIELD_LABELS["conditions"], required=False, widget=forms.Textarea(attrs={"rows": 3}))
    audience = forms.MultipleChoiceField(
        label=FIELD_LABELS["audience"], choices=translated_choices(choices.AUDIENCES), required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.CharField(label=FIELD_LABELS["topics"], required=False, help_text=_("多个主题用顿号“、”分隔"))
    handling_type = forms.ChoiceField(label=FIELD_LABELS["handling_type"], choices=translated_choices(choices.HANDLING_TYPES))
    legal_limit_days = forms.CharField(label=_("法定办结时限（工作日）"), required=False, widget=_number_input())
    promised_limit_days = forms.CharField(label=_("承诺办结时限（工作日）"), required=False, widget=_number_input())
    visits = forms.ChoiceField(label=FIELD_LABELS["visits"], choices=[("0", _("0 次")), ("1", _("1 次")), ("2", _("2 次"))])
    online_depth = forms.ChoiceField(label=FIELD_LABELS["online_depth"], choices=translated_choices(choices.ONLINE_DEPTHS))
    tongban_scope = forms.ChoiceField(label=FIELD_LABELS["tongban_scope"], choices=translated_choices(choices.TONGBAN_SCOPES))
    commitment_allowed = forms.BooleanField(label=_("实行告知承诺"), required=False)
    commitment_verify_days = forms.CharField(label=_("承诺核查期限（工作日）"), required=False, widget=_number_input())
    rongque = forms.BooleanField(label=_("列入容缺受理"), required=False)
    result_name = forms.CharField(label=FIELD_LABELS["result_name"], required=False)
    result_type = forms.ChoiceField(label=FIELD_LABELS["result_type"], choices=translated_choices(choices.RESULT_TYPES))
    licence_type = forms.CharField(label=FIELD_LABELS["licence_type"], required=False)
    accountability = forms.CharField(label=FIELD_LABELS["accountability"], required=False, widget=forms.Textarea(attrs={"rows": 2}))
    random_check = forms.BooleanField(label=FIELD_LABELS["random_check"], required=False)
    proof_item = forms.BooleanField(label=FIELD_LABELS["proof_item"], required=False)
    enterprise_permit = forms.BooleanField(label=FIELD_LABELS["enterprise_permit"], required=False)
    supervision_item = forms.BooleanField(label=FIELD_LABELS["supervision_item"], required=False)
    location = forms.CharField(label=FIELD_LABELS["location"], required=False, widget=forms.TextInput(attrs={"size": 40}))
    office_hours = forms.CharField(label=FIELD_LABELS["office_hours"], required=False, widget=forms.TextInput(attrs={"size": 40}))
    phone = forms.CharField(label=FIELD_LABELS["phone"], required=False)
    complaint_phone = forms.CharField(label=FIELD_LABELS["complaint_phone"], required=False)
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=500,
        widget=forms.TextInput(attrs={"size": 60, "placeholder": _("如：依据某某文件调整承诺时限")}),
        error_messages={"required": _("请填写修改原因")},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = [
        (_("基本信息"), ["code", "name", "name_en", "item_type", "department", "level", "audience", "topics"]),
        (_("设定依据与受理条件"), ["legal_basis", "conditions", "accountability"]),
        (
            _("办理要求"),
            [
                "handling_type",
                "legal_limit_days",
                "promised_limit_days",
                "visits",
                "online_depth",
                "tongban_scope",
                "commitment_allowed",
                "commitment_verify_days",
                "rongque",
            ],
        ),
        (
            _("办理结果与清单属性"),
            ["result_name", "result_type", "licence_type", "random_check", "proof_item", "enterprise_permit", "supervision_item"],
        ),
        (_("办理地点与咨询"), ["location", "office_hours", "phone", "complaint_phone"]),
    ]

    def __init__(self, *args, creating: bool = False, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = _("%(label)s不能为空") % {"label": FIELD_LABELS["code"]}
            self.fields["department"].required = True
            self.fields["department"].error_messages["required"] = _("%(label)s不能为空") % {"label": FIELD_LABELS["department"]}
            department = cast(forms.ModelChoiceField, self.fields["department"])
            department.queryset = departments if departments is not None else Department.objects.none()
            department.empty_label = _("请选择实施主体")
            self.fields["reason"].required = False
            self.fields["reason"].label = _("新增说明")
            self.fields["reason"].widget.attrs["placeholder"] = _("默认为“新增事项”")
            del self.fields["expected_version"]
        else:
            # The implementing body changes only through 下放/划转, which keep their own events (ORG-4).
            del self.fields["code"]
            del self.fields["department"]

    def sections(self):
        for title, names in self.SECTIONS:
            yield title, [self[name] for name in names if name in self.fields]

    @staticmethod
    def initial_from_data(data: dict[str, Any]) -> dict[str, Any]:
        initial = {name: data.get(name) for name in data if not isinstance(data.get(name), list) or name == "audience"}
        initial["topics"] = "、".join(data.get("topics") or [])
        initial["visits"] = str(data.get("visits") or 0)
        for name in ("legal_limit_days", "promised_limit_days", "commitment_verify_days"):
            initial[name] = "" if data.get(name) is None else str(data[name])
        return initial

    def to_data(self) -> dict[str, Any]:
        """The scalar part of the item data dict, from cleaned (or, for invalid fields, raw) input."""
        cleaned = getattr(self, "cleaned_data", {})
        data: dict[str, Any] = {}
        for name in self.fields:
            if name in ("reason", "expected_version"):
                continue
            if name in cleaned:
                value = cleaned[name]
            else:
                value = self[name].value()
            if name == "department" and isinstance(value, Department):
                value = value.name
            elif name == "department" and value:
                value = Department.objects.filter(pk=value).values_list("name", flat=True).first() or value
            data[name] = value
        return data


# --- child tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: StrOrPromise
    kind: str = "text"  # text, number, select, checkbox, textarea
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    default: Any = ""
    wide: bool = False
    help: StrOrPromise = ""


@dataclass(frozen=True)
class RowTable:
    key: str  # the prefix of the inputs: materials-3-copies
    label: StrOrPromise
    columns: tuple[Column, ...]
    help: StrOrPromise = ""

    def blank_row(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.columns}


OPTIONS_HELP = _("填写情形选项编号，如 q1.a；多个用顿号分隔；留空表示所有情形都适用")

TABLES: tuple[RowTable, ...] = (
    RowTable(
        "questions",
        _("情形问题"),
        (Column("key", _("问题编号"), default=""), Column("text", _("情形问题"), wide=True)),
        help=_("情形化梳理：申请人回答这些问题后只看到与自己有关的材料和环节"),
    ),
    RowTable(
        "options",
        _("情形选项"),
        (Column("question", _("所属问题编号")), Column("key", _("选项编号")), Column("label", _("选项"), wide=True)),
        help=_("每个问题至少两个选项；材料和环节用“问题编号.选项编号”引用，如 q1.a"),
    ),
    RowTable(
        "materials",
        _("申请材料"),
        (
            Column("name", _("材料名称"), wide=True),
            Column("source", _("来源渠道"), "select", tuple(translated_choices(choices.MATERIAL_SOURCES)), "applicant"),
            Column("source_note", _("来源说明")),
            Column("originals", _("原件份数"), "number", default="0"),
            Column("copies", _("复印件份数"), "number", default="0"),
            Column("form", _("材料形式"), "select", tuple(translated_choices(choices.MATERIAL_FORMS)), "both"),
            Column("required", _("必要"), "checkbox", default=True),
            Column("rongque_allowed", _("可容缺"), "checkbox", default=False),
            Column("blank_form", _("空白表格")),
            Column("sample", _("示例样表")),
            Column("spec", _("填报要求"), wide=True),
            Column("shared_source", _("可由共享数据替代")),
            Column("licence_type", _("可由电子证照替代")),
            Column("options", _("适用情形"), help=OPTIONS_HELP),
        ),
    ),
    RowTable(
        "fees",
        _("收费"),
        (
            Column("name", _("收费项目"), wide=True),
            Column("standard", _("收费标准")),
            Column("amount_fen", _("金额（分）"), "number", help=_("按件定额时填写，不收费填0")),
            Column("basis", _("收费依据"), wide=True),
        ),
    ),
    RowTable(
        "steps",
        _("办理环节"),
        (
            Column("name", _("环节名称")),
            Column("role", _("办理人员"), "select", tuple(translated_choices(choices.STEP_ROLES)), "approver"),
            Column("limit_days", _("环节时限（工作日）"), "number", default="0"),
            Column("options", _("适用情形"), help=OPTIONS_HELP),
        ),
        help=_("不限情形的各环节时限之和不能超过承诺办结时限"),
    ),
    RowTable("checklist", _("审核要点"), (Column("text", _("审核要点"), wide=True),)),
    RowTable(
        "intermediaries",
        _("中介服务"),
        (
            Column("name", _("中介服务事项"), wide=True),
            Column("basis", _("设定依据"), wide=True),
            Column("provider", _("服务机构")),
            Column("fee_basis", _("收费方式")),
        ),
    ),
)
TABLES_BY_KEY = {t.key: t for t in TABLES}
# Where a table's errors come from in the item data (the schema's paths).
DATA_KEY = {"questions": "situations", "options": "situations"}


@dataclass
class Row:
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: list[str] = field(default_factory=list)


def row_context(table: RowTable, index: int, row: Row) -> dict[str, Any]:
    """What `_row.html` needs: the row's inputs with their values and errors."""
    cells = [
        {
            "column": c,
            "name": f"{table.key}-{index}-{c.name}",
            "value": row.values.get(c.name, c.default),
            "errors": row.errors.get(c.name, []),
        }
        for c in table.columns
    ]
    return {"table": table, "index": index, "row": row, "cells": cells}


def _show_list(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def rows_from_data(data: dict[str, Any]) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {t.key: [] for t in TABLES}
    for question in data.get("situations") or []:
        rows["questions"].append(Row({"key": question["key"], "text": question["text"]}))
        for option in question.get("options") or []:
            rows["options"].append(Row({"question": question["key"], "key": option["key"], "label": option["label"]}))
    for key in ("materials", "fees", "steps", "intermediaries"):
        for entry in data.get(key) or []:
            values: dict[str, Any] = {}
            for column in TABLES_BY_KEY[key].columns:
                value = entry.get(column.name, column.default)
                if column.kind == "checkbox":
                    values[column.name] = bool(value)
                else:
                    values[column.name] = _show_list(value)
            rows[key].append(Row(values))
    for text in data.get("checklist") or []:
        rows["checklist"].append(Row({"text": text}))
    return rows


ROW_INPUT = re.compile(r"^(?P<table>[a-z]+)-(?P<index>\d{1,6})-(?P<column>[a-z_]+)$")


def rows_from_post(post, *, remove: str = "") -> dict[str, list[Row]]:
    """The rows as submitted. Each row carries a hidden `<table>-<n>-row` marker so a row whose
    checkboxes are all unticked is still seen; `remove` ("materials-3") drops one row (no-JS)."""
    found: dict[str, dict[int, dict[str, Any]]] = {t.key: {} for t in TABLES}
    for name in post:
        match = ROW_INPUT.match(name)
        if not match or match["table"] not in found:
            continue
        table = TABLES_BY_KEY[match["table"]]
        index = int(match["index"])
        if f"{table.key}-{index}" == remove:
            continue
        found[table.key].setdefault(index, {})
        if match["column"] in {c.name for c in table.columns}:
            found[table.key][index][match["column"]] = post.get(name)
    rows: dict[str, list[Row]] = {}
    for table in TABLES:
        rows[table.key] = []
        for index in sorted(found[table.key]):
            submitted = found[table.key][index]
            if f"{table.key}-{index}-row" not in post:
                continue
            values: dict[str, Any] = {}
            for column in table.columns:
                if column.kind == "checkbox":
                    values[column.name] = column.name in submitted and submitted[column.name] not in ("", "0", "off", "false")
                else:
                    values[column.name] = (submitted.get(column.name) or "").strip()
            if values == _blank_values(table):
                continue  # an added row left empty is not a row
            rows[table.key].append(Row(values))
    return rows


def _blank_values(table: RowTable) -> dict[str, Any]:
    return {c.name: (bool(c.default) if c.kind == "checkbox" else str(c.default)) for c in table.columns}


@dataclass
class RowsData:
    data: dict[str, Any]
    # situations[q].options[o] → index in the options table
    option_rows: list[list[int]]
    problems: list[FieldError]


def rows_to_data(rows: dict[str, list[Row]]) -> RowsData:
    """The child tables as item data. Options are grouped under their question by its key."""
    problems: list[FieldError] = []
    situations = []
    option_rows: list[list[int]] = []
    claimed: set[int] = set()
    for question in rows["questions"]:
        key = question.values["key"]
        options, indices = [], []
        for index, option in enumerate(rows["options"]):
            if index not in claimed and key and option.values["question"] == key:
                options.append({"key": option.values["key"], "label": option.values["label"]})
                indices.append(index)
                claimed.add(index)
        situations.append({"key": key, "text": question.values["text"], "options": options})
        option_rows.append(indices)
    for index, option in enumerate(rows["options"]):
        if index not in claimed:
            problems.append(
                FieldError(
                    f"options[{index}].question",
                    "unknown_question",
                    _("所属问题编号“%(key)s”不是上面列出的情形问题") % {"key": option.values["question"]},
                )
            )
    data: dict[str, Any] = {"situations": situations}
    for key in ("materials", "fees", "steps", "intermediaries"):
        data[key] = [dict(row.values) for row in rows[key]]
    for fee in data["fees"]:
        if fee["amount_fen"] == "":
            fee["amount_fen"] = None
    data["checklist"] = [row.values["text"] for row in rows["checklist"]]
    return RowsData(data=data, option_rows=option_rows, problems=problems)


# --- errors back onto the page ----------------------------------------------------------------

PATH = re.compile(r"^(?P<key>[a-z_]+)(?:\[(?P<i>\d+)\])?(?:\.(?P<sub>[a-z_]+))?(?:\[(?P<j>\d+)\]\.(?P<subsub>[a-z_]+))?$")


@dataclass
class ShownError:
    anchor: str  # the id of the input it belongs to ("" for the page)
    text: str  # the message with where it is: "申请材料第3行 复印件份数不能小于0"


class ItemEditor:
    """The whole edit page's state: the scalar form, the rows, and every error placed on its field."""

    def __init__(self, form: ItemForm, rows: dict[str, list[Row]], option_rows: list[list[int]] | None = None):
        self.form = form
        self.rows = rows
        self.option_rows = option_rows or []
        self.errors: list[ShownError] = []
        self.table_errors: dict[str, list[str]] = {t.key: [] for t in TABLES}

    def tables(self) -> list[dict[str, Any]]:
        return [
            {
                "table": table,
                "rows": [row_context(table, index, row) for index, row in enumerate(self.rows[table.key])],
                "errors": self.table_errors[table.key],
            }
            for table in TABLES
        ]

    def add_page_error(self, message: str) -> None:
        self.errors.append(ShownError("", message))

    def apply_form_errors(self) -> None:
        for name, messages in self.form.errors.items():
            label = str(self.form.fields[name].label) if name in self.form.fields else ""
            # ErrorList yields each message as a str; its stub types the items as ValidationError | str.
            for message in map(str, messages):
                text = (
                    message
                    if not label or message.startswith(label)
                    else _("%(label)s：%(message)s") % {"label": label, "message": message}
                )
                self.errors.append(ShownError(f"id_{name}" if name != "__all__" else "", text))

    def apply_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            self._apply(error)

    def _row_error(self, table_key: str, index: int, column: str, message: str) -> None:
        table = TABLES_BY_KEY[table_key]
        rows = self.rows[table_key]
        text = _("%(table)s第%(row)s行 %(message)s") % {"table": table.label, "row": index + 1, "message": message}
        if index < len(rows):
            row = rows[index]
            if column in {c.name for c in table.columns}:
                row.errors.setdefault(column, []).append(message)
                anchor = f"{table_key}-{index}-{column}"
            else:
                row.row_errors.append(message)
                anchor = f"{table_key}-{index}"
        else:
            anchor = f"table-{table_key}"
            self.table_errors[table_key].append(text)
        self.errors.append(ShownError(anchor, text))

    def _apply(self, error: FieldError) -> None:
        message = str(error.message)
        match = PATH.match(error.field or "")
        if not match:
            self.add_page_error(message)
            return
        key, i, sub, j, subsub = match["key"], match["i"], match["sub"], match["j"], match["subsub"]
        if key == "situations" and i is not None:
            qi = int(i)
            if j is not None and subsub:
                indices = self.option_rows[qi] if qi < len(self.option_rows) else []
                oi = int(j)
                if oi < len(indices):
                    self._row_error("options", indices[oi], subsub, message)
                    return
            self._row_error("questions", qi, sub or "", message)
            return
        if key in ("options", "questions") and i is not None:
            self._row_error(key, int(i), sub or "", message)
            return
        if key in TABLES_BY_KEY and i is not None:
            self._row_error(key, int(i), "text" if key == "checklist" else (sub or ""), message)
            return
        table_key = "questions" if key == "situations" else key
        if table_key in TABLES_BY_KEY:
            self.table_errors[table_key].append(message)
            self.errors.append(
                ShownError(
                    f"table-{table_key}", _("%(label)s：%(message)s") % {"label": TABLES_BY_KEY[table_key].label, "message": message}
                )
            )
            return
        if key in self.form.fields:
            self.form.add_error(key, message)
            self.errors.append(ShownError(f"id_{key}", message))
            return
        self.add_page_error(message)


# --- actions ----------------------------------------------------------------------------------


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("请填写原因")}
    )


class ReasonForm(forms.Form):
    reason = _reason_field()


class MoveForm(forms.Form):
    to_department = forms.ModelChoiceField(
        label=_("目标部门"),
        queryset=Department.objects.none(),
        error_messages={"required": _("请选择目标部门"), "invalid_choice": _("所选部门不可选")},
    )
    reason = _reason_field()

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_department"].queryset = departments
        self.fields["to_department"].empty_label = _("请选择")


# --- uploads ----------------------------------------------------------------------------------


def check_xlsx_upload(upload: UploadedFile) -> None:
    """An .xlsx is a zip holding xl/workbook.xml; anything else is refused before it is parsed."""
    import zipfile

    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise DjangoValidationError(
            _("文件不能超过10 MB（当前%(size).1f MB）"), code="max_size", params={"size": upload.size / 1024 / 1024}
        )
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise DjangoValidationError(_("只能上传 .xlsx 格式的 Excel 文件"), code="extension")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise DjangoValidationError(_("文件内容不是 Excel 工作簿（缺少 xl/workbook.xml）"), code="content")
    except zipfile.BadZipFile as exc:
        raise DjangoValidationError(_("文件内容不是 Excel 工作簿（.xlsx 应为 zip 格式）"), code="content") from exc
    finally:
        upload.seek(0)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("事项清单 Excel 文件（.xlsx，不超过10 MB）"), error_messages={"required": _("请选择要导入的文件")})
    valid_only = forms.BooleanField(label=_("只导入无误的行（有错误的行跳过，其余照常导入）"), required=False)
    reason = forms.CharField(
        label=_("导入说明"), max_length=500, required=False, widget=forms.TextInput(attrs={"size": 50, "placeholder": "Excel导入"})
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_xlsx_upload(upload)
        return upload
