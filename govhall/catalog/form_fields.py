"""The application form's item-specific fields (一次录入、大家共用, DATA-2, ONE-1).

A dictionary of standard fields shared across items: an item version lists the keys it asks for
(`ItemVersion.form_fields`, `[{"key": "enterprise_name", "required": true}]`); a bundle asks each
key once for all its items. A value is stored in `Case.form` under the field's label, like the
generic contact fields. `prefill` names where the government already holds the value: a shared
data source field (`enterprise_registration.legal_representative`, see shareddata/registry.py) or
a field of a valid electronic licence (`licence:营业执照.法定代表人`, the face fields of
licences/registry.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.core.errors import ErrorCollector

TEXT, NUMBER, DATE, CHOICE, TEXTAREA = "text", "number", "date", "choice", "textarea"
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class FormField:
    key: str
    label: str  # the Chinese label: the key in Case.form and the msgid of the page's label
    kind: str = TEXT
    max_length: int = 100
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    prefill: tuple[str, ...] = ()  # sources, first found wins
    audience: str = "both"  # person / enterprise / both: whose data the prefill sources hold
    pattern: re.Pattern[str] | None = None
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _f(key: str, label: str, kind: str = TEXT, **kw: Any) -> FormField:
    for bound in ("minimum", "maximum"):
        if kw.get(bound) is not None:
            kw[bound] = Decimal(str(kw[bound]))
    if "choices" in kw:
        kw["choices"] = tuple(kw["choices"])
    if "prefill" in kw:
        kw["prefill"] = tuple(kw["prefill"])
    return FormField(key=key, label=label, kind=kind, **kw)


# The labels are msgids (gettext_noop) so the pages can translate them; Case.form keeps the Chinese.
_LABELS = [
    gettext_noop("企业名称"),
    gettext_noop("统一社会信用代码"),
    gettext_noop("企业类型"),
    gettext_noop("法定代表人"),
    gettext_noop("注册资本（万元）"),
    gettext_noop("住所"),
    gettext_noop("经营范围"),
    gettext_noop("从业人数"),
    gettext_noop("开户银行"),
    gettext_noop("财务负责人"),
    gettext_noop("办税人员"),
    gettext_noop("印章种类"),
    gettext_noop("经营场所"),
    gettext_noop("经营场所面积（平方米）"),
    gettext_noop("主体业态"),
    gettext_noop("招牌内容"),
    gettext_noop("新生儿姓名"),
    gettext_noop("新生儿性别"),
    gettext_noop("出生日期"),
    gettext_noop("出生地点"),
    gettext_noop("母亲姓名"),
    gettext_noop("父亲姓名"),
    gettext_noop("申报户口地址"),
    gettext_noop("不动产坐落"),
    gettext_noop("不动产权证号"),
    gettext_noop("供水户号"),
    gettext_noop("供电户号"),
    gettext_noop("燃气户号"),
    gettext_noop("退休人员姓名"),
    gettext_noop("参加工作时间"),
    gettext_noop("退休类别"),
    gettext_noop("养老金发放银行账号"),
    gettext_noop("逝者姓名"),
    gettext_noop("死亡日期"),
    gettext_noop("退役时间"),
    gettext_noop("残疾类别"),
    gettext_noop("注销原因"),
]

FIELDS: dict[str, FormField] = {
    f.key: f
    for f in [
        _f(
            "enterprise_name",
            "企业名称",
            max_length=100,
            audience="enterprise",
            prefill=["licence:营业执照.名称", "enterprise_registration.name"],
        ),
        _f(
            "uscc",
            "统一社会信用代码",
            max_length=18,
            audience="enterprise",
            pattern=USCC_RE,
            prefill=["enterprise_registration.uscc"],
            help="18位，GB 32100",
        ),
        _f(
            "enterprise_type",
            "企业类型",
            CHOICE,
            choices=["有限责任公司", "股份有限公司", "个人独资企业", "合伙企业", "个体工商户", "农民专业合作社"],
            audience="enterprise",
            prefill=["licence:营业执照.类型", "enterprise_registration.enterprise_type"],
        ),
        _f(
            "legal_representative",
            "法定代表人",
            max_length=50,
            audience="enterprise",
            prefill=["licence:营业执照.法定代表人", "enterprise_registration.legal_representative"],
        ),
        _f(
            "registered_capital",
            "注册资本（万元）",
            NUMBER,
            minimum=0,
            maximum=10_000_000,
            audience="enterprise",
            prefill=["licence:营业执照.注册资本", "enterprise_registration.registered_capital"],
        ),
        _f(
            "address",
            "住所",
            max_length=200,
            audience="enterprise",
            prefill=["licence:营业执照.住所", "enterprise_registration.address"],
        ),
        _f(
            "business_scope",
            "经营范围",
            TEXTAREA,
            max_length=2000,
            audience="enterprise",
            prefill=["licence:营业执照.经营范围", "enterprise_registration.business_scope"],
        ),
        _f("employees", "从业人数", NUMBER, minimum=0, maximum=100000),
        _f("bank_name", "开户银行", max_length=100),
        _f("finance_officer", "财务负责人", max_length=50),
        _f("tax_officer", "办税人员", max_length=50),
        _f("seal_kinds", "印章种类", CHOICE, choices=["法定名称章", "法定名称章、财务专用章", "法定名称章、财务专用章、发票专用章"]),
        _f("premises", "经营场所", max_length=200, prefill=["licence:营业执照.住所", "enterprise_registration.address"]),
        _f("premises_area", "经营场所面积（平方米）", NUMBER, minimum=1, maximum=1_000_000),
        _f("food_business_type", "主体业态", CHOICE, choices=["餐饮服务经营者", "食品销售经营者", "单位食堂"]),
        _f("signboard_text", "招牌内容", max_length=50),
        _f("baby_name", "新生儿姓名", max_length=30, prefill=["birth_medical.child_name"]),
        _f("baby_gender", "新生儿性别", CHOICE, choices=["男", "女"]),
        _f("birth_date", "出生日期", DATE, prefill=["birth_medical.born_on"]),
        _f("birth_place", "出生地点", max_length=100),
        _f("mother_name", "母亲姓名", max_length=30),
        _f("father_name", "父亲姓名", max_length=30),
        _f("household_address", "申报户口地址", max_length=200, audience="person", prefill=["household.address"]),
        _f("property_location", "不动产坐落", max_length=200, prefill=["real_estate.location"]),
        _f("property_cert_no", "不动产权证号", max_length=60, prefill=["real_estate.certificate_number"]),
        _f("water_account", "供水户号", max_length=30),
        _f("power_account", "供电户号", max_length=30),
        _f("gas_account", "燃气户号", max_length=30),
        _f("retiree_name", "退休人员姓名", max_length=30, audience="person", prefill=["household.name"]),
        _f("work_start_date", "参加工作时间", DATE, audience="person", prefill=["social_security.insured_since"]),
        _f("retirement_kind", "退休类别", CHOICE, choices=["正常退休", "特殊工种提前退休", "因病提前退休"]),
        _f("pension_account", "养老金发放银行账号", max_length=30, pattern=re.compile(r"^[0-9]{12,25}$"), help="12至25位数字"),
        _f("deceased_name", "逝者姓名", max_length=30),
        _f("death_date", "死亡日期", DATE),
        _f("discharge_date", "退役时间", DATE),
        _f("disability_kind", "残疾类别", CHOICE, choices=["视力", "听力", "言语", "肢体", "智力", "精神", "多重"]),
        _f("deregistration_reason", "注销原因", CHOICE, choices=["决议解散", "营业期限届满", "被依法吊销", "其他"]),
    ]
}


def field_spec_clean(value: Any, errors: ErrorCollector, *, path: str) -> list[dict[str, Any]]:
    """An item version's `form_fields`: a list of {"key", "required"} (or bare keys), each key in
    the dictionary and at most once."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.add(path, "type", _("申请表字段须为列表"))
        return []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, entry in enumerate(value):
        key, required = (entry, True) if isinstance(entry, str) else ((entry or {}).get("key"), (entry or {}).get("required", True))
        if key not in FIELDS:
            errors.add(f"{path}[{i}].key", "unknown_field", _("申请表字段“%(key)s”不在字段字典中") % {"key": key})
            continue
        if key in seen:
            errors.add(f"{path}[{i}].key", "duplicate", _("申请表字段“%(label)s”重复") % {"label": _(FIELDS[key].label)})
            continue
        seen.add(key)
        out.append({"key": key, "required": bool(required)})
    return out


def version_fields(version) -> list[tuple[FormField, bool]]:
    """(field, required) of an item version, in its order; unknown keys (a dictionary entry since
    removed) are skipped."""
    return [
        (FIELDS[e["key"]], bool(e.get("required", True))) for e in (getattr(version, "form_fields", None) or []) if e.get("key") in FIELDS
    ]


def union_fields(versions) -> list[tuple[FormField, bool]]:
    """The fields of several versions, each key once (required if any item requires it)."""
    order: dict[str, bool] = {}
    for version in versions:
        for spec, required in version_fields(version):
            order[spec.key] = order.get(spec.key, False) or required
    return [(FIELDS[key], required) for key, required in order.items()]


def value_check(spec: FormField, raw: Any, *, required: bool, errors: ErrorCollector, path: str) -> str:
    """Check one value (kind, limits, required); return it cleaned as text."""
    label = _(spec.label)
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            errors.add(path, "required", _("请填写%(label)s") % {"label": label})
        return ""
    if spec.kind in (TEXT, TEXTAREA):
        if len(text) > spec.max_length:
            errors.add(path, "max_length", _("%(label)s不能超过%(n)d个字") % {"label": label, "n": spec.max_length})
        elif spec.pattern is not None and not spec.pattern.fullmatch(text):
            errors.add(path, "format", _("%(label)s格式不正确（%(help)s）") % {"label": label, "help": spec.help})
    elif spec.kind == NUMBER:
        try:
            number = Decimal(text.replace("万元人民币", "").replace("万元", "").replace(",", ""))
        except InvalidOperation:
            errors.add(path, "number", _("%(label)s应为数字") % {"label": label})
            return text
        if spec.minimum is not None and number < spec.minimum:
            errors.add(path, "min_value", _("%(label)s不能小于%(n)s") % {"label": label, "n": spec.minimum})
        if spec.maximum is not None and number > spec.maximum:
            errors.add(path, "max_value", _("%(label)s不能大于%(n)s") % {"label": label, "n": spec.maximum})
        text = format(number.normalize(), "f")
    elif spec.kind == DATE:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            errors.add(path, "date", _("%(label)s应为日期（年-月-日）") % {"label": label})
    elif spec.kind == CHOICE and text not in spec.choices:
        errors.add(path, "choice", _("%(label)s只能选择：%(choices)s") % {"label": label, "choices": "、".join(spec.choices)})
    return text


def form_values_clean(
    fields: list[tuple[FormField, bool]], values: dict[str, Any], *, submitting: bool, errors: ErrorCollector, prefix: str = "form."
) -> dict[str, str]:
    """Values by key → cleaned values by label (as Case.form stores them). Required fields only
    when submitting (a draft may be incomplete)."""
    out: dict[str, str] = {}
    for spec, required in fields:
        text = value_check(spec, values.get(spec.key), required=required and submitting, errors=errors, path=f"{prefix}{spec.key}")
        if text:
            out[spec.label] = text
    return out


def form_check(version, form: Any, *, submitting: bool, errors: ErrorCollector | None = None) -> None:
    """For the case services: the item's fields in a Case.form (stored by label) are valid; add an
    error naming each field that is not (raised at once when no collector is given)."""
    fields = version_fields(version)
    if not fields or not isinstance(form, dict):
        return
    own = errors is None
    collector = ErrorCollector() if errors is None else errors
    form_values_clean(fields, {spec.key: form.get(spec.label) for spec, _r in fields}, submitting=submitting, errors=collector)
    if own:
        collector.raise_if_any()


def field_rows(
    fields: list[tuple[FormField, bool]],
    values: dict[str, str],
    errors: dict[str, list[str]],
    prefill: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """What a page needs to draw the fields: input name `ff_<key>`, the value, errors (under
    `form.<key>`), and where a pre-filled value came from."""
    rows = []
    for spec, required in fields:
        filled = (prefill or {}).get(spec.key)
        rows.append(
            {
                "spec": spec,
                "name": f"ff_{spec.key}",
                "label": _(spec.label),
                "required": required,
                "value": values.get(spec.key, ""),
                "errors": errors.get(f"form.{spec.key}", []),
                "source": filled.source if filled is not None and values.get(spec.key, "") == filled.value else "",
                "wide": spec.kind == TEXTAREA or spec.max_length > 100,
            }
        )
    return rows


def values_from_post(fields: list[tuple[FormField, bool]], post) -> dict[str, str]:
    return {spec.key: str(post.get(f"ff_{spec.key}", "")).strip() for spec, _r in fields}


def values_from_form(fields: list[tuple[FormField, bool]], form: Any) -> dict[str, str]:
    """A stored Case.form (by label) back to values by key."""
    form = form if isinstance(form, dict) else {}
    return {spec.key: str(form.get(spec.label, "")) for spec, _r in fields if form.get(spec.label) not in (None, "")}
