"""The item data format: one plain dict per item version, shared by the services, the JSON API,
the Excel import/export and the demo data.

    {
      "code": "...", "name": "...", "item_type": "01", "department": "<name or USCC>", ...,
      "audience": ["person", "enterprise"], "topics": ["..."],
      "materials": [{"name": "...", "options": ["q1.a"], ...}],
      "fees": [...], "steps": [...], "checklist": ["..."], "intermediaries": [...],
      "situations": [{"key": "q1", "text": "...", "options": [{"key": "a", "label": "..."}]}]
    }

`validate_item_data` checks a dict and returns a cleaned copy, or raises one ValidationError
listing every problem with its field path (`materials[2].copies`) and rule. The messages are in
the active language; the field names in them come from the `*_FIELDS` labels.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.catalog import choices
from govhall.core.errors import ErrorCollector
from govhall.core.i18n import translated_labels

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from govhall.org.models import Department

SCALAR_FIELDS = [
    "code",
    "name",
    "name_en",
    "item_type",
    "department",
    "level",
    "legal_basis",
    "conditions",
    "audience",
    "topics",
    "handling_type",
    "legal_limit_days",
    "promised_limit_days",
    "visits",
    "online_depth",
    "tongban_scope",
    "commitment_allowed",
    "commitment_verify_days",
    "rongque",
    "result_name",
    "result_type",
    "licence_type",
    "accountability",
    "random_check",
    "proof_item",
    "enterprise_permit",
    "supervision_item",
    "location",
    "office_hours",
    "phone",
    "complaint_phone",
]
# The elements stored as columns of ItemVersion (code lives on Item; audience and topics are mapped).
VERSION_SCALARS = [f for f in SCALAR_FIELDS if f not in ("code", "audience", "topics")]

# The field names in Chinese: the Excel workbook's column headers in every language, and the msgids
# of the labels below.
FIELD_LABELS_ZH = {
    "code": gettext_noop("基本编码"),
    "name": gettext_noop("事项名称"),
    "name_en": gettext_noop("英文名称"),
    "item_type": gettext_noop("事项类型"),
    "department": gettext_noop("实施主体"),
    "level": gettext_noop("行使层级"),
    "legal_basis": gettext_noop("设定依据"),
    "conditions": gettext_noop("受理条件"),
    "audience": gettext_noop("服务对象"),
    "topics": gettext_noop("主题"),
    "handling_type": gettext_noop("办件类型"),
    "legal_limit_days": gettext_noop("法定办结时限"),
    "promised_limit_days": gettext_noop("承诺办结时限"),
    "visits": gettext_noop("到现场次数"),
    "online_depth": gettext_noop("网办深度"),
    "tongban_scope": gettext_noop("通办范围"),
    "commitment_allowed": gettext_noop("告知承诺"),
    "commitment_verify_days": gettext_noop("承诺核查期限"),
    "rongque": gettext_noop("容缺受理"),
    "result_name": gettext_noop("结果名称"),
    "result_type": gettext_noop("结果类型"),
    "licence_type": gettext_noop("证照类型"),
    "accountability": gettext_noop("追责情形"),
    "random_check": gettext_noop("随机抽查事项"),
    "proof_item": gettext_noop("证明事项"),
    "enterprise_permit": gettext_noop("涉企经营许可事项"),
    "supervision_item": gettext_noop("监管事项"),
    "location": gettext_noop("办理地点"),
    "office_hours": gettext_noop("办理时间"),
    "phone": gettext_noop("咨询电话"),
    "complaint_phone": gettext_noop("监督投诉电话"),
    "materials": gettext_noop("申请材料"),
    "fees": gettext_noop("收费"),
    "steps": gettext_noop("办理环节"),
    "checklist": gettext_noop("审核要点"),
    "intermediaries": gettext_noop("中介服务"),
    "situations": gettext_noop("情形"),
}

MATERIAL_FIELDS_ZH = {
    "name": gettext_noop("材料名称"),
    "source": gettext_noop("来源渠道"),
    "source_note": gettext_noop("来源说明"),
    "originals": gettext_noop("原件份数"),
    "copies": gettext_noop("复印件份数"),
    "form": gettext_noop("材料形式"),
    "required": gettext_noop("必要"),
    "blank_form": gettext_noop("空白表格"),
    "sample": gettext_noop("示例样表"),
    "spec": gettext_noop("填报要求"),
    "rongque_allowed": gettext_noop("可容缺"),
    "shared_source": gettext_noop("可由共享数据替代"),
    "licence_type": gettext_noop("可由电子证照替代"),
    "options": gettext_noop("适用情形"),
}
FEE_FIELDS_ZH = {
    "name": gettext_noop("收费项目"),
    "standard": gettext_noop("收费标准"),
    "amount_fen": gettext_noop("金额（分）"),
    "basis": gettext_noop("收费依据"),
}
STEP_FIELDS_ZH = {
    "name": gettext_noop("环节名称"),
    "role": gettext_noop("办理人员"),
    "limit_days": gettext_noop("环节时限"),
    "options": gettext_noop("适用情形"),
}
INTERMEDIARY_FIELDS_ZH = {
    "name": gettext_noop("中介服务事项"),
    "basis": gettext_noop("设定依据"),
    "provider": gettext_noop("服务机构"),
    "fee_basis": gettext_noop("收费方式"),
}

# The same names in the language of the request: for messages, form labels and version differences.
FIELD_LABELS = translated_labels(FIELD_LABELS_ZH)
MATERIAL_FIELDS = translated_labels(MATERIAL_FIELDS_ZH)
FEE_FIELDS = translated_labels(FEE_FIELDS_ZH)
STEP_FIELDS = translated_labels(STEP_FIELDS_ZH)
INTERMEDIARY_FIELDS = translated_labels(INTERMEDIARY_FIELDS_ZH)

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{3,39}$")
KEY_RE = re.compile(r"^[0-9A-Za-z_]{1,20}$")

TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}


def _text(errors: ErrorCollector, path: str, label: StrOrPromise, value: Any, *, required: bool, max_length: int) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.add(path, "required", _("%(label)s不能为空") % {"label": label})
    elif len(text) > max_length:
        errors.add(path, "max_length", _("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length})
    return text


def _int(
    errors: ErrorCollector, path: str, label: StrOrPromise, value: Any, *, required: bool = True, minimum: int = 0, maximum: int = 32767
) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(path, "required", _("%(label)s不能为空") % {"label": label})
        return None
    if isinstance(value, bool):
        errors.add(path, "integer", _("%(label)s必须是整数") % {"label": label})
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.add(path, "integer", _("%(label)s必须是整数，“%(value)s”不是") % {"label": label, "value": value})
        return None
    if number < minimum:
        errors.add(
            path,
            "min_value",
            _("%(label)s不能小于%(minimum)s（填写的是%(number)s）") % {"label": label, "minimum": minimum, "number": number},
        )
        return None
    if number > maximum:
        errors.add(
            path,
            "max_value",
            _("%(label)s不能大于%(maximum)s（填写的是%(number)s）") % {"label": label, "maximum": maximum, "number": number},
        )
        return None
    return number


def _bool(errors: ErrorCollector, path: str, label: StrOrPromise, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.add(path, "boolean", _("%(label)s只能填“是”或“否”") % {"label": label})
    return False


def _choice(
    errors: ErrorCollector, path: str, label: StrOrPromise, value: Any, options: list[tuple[str, str]], *, default: str | None = None
) -> str:
    """Accept the code or the Chinese name of a choice (the names are data: see `choices`)."""
    raw = "" if value is None else str(value).strip()
    if not raw and default is not None:
        return default
    for code, name in options:
        if raw in (code, name):
            return code
    allowed = "、".join(name for _code, name in options)
    errors.add(path, "choice", _("%(label)s“%(value)s”不在可选值中（%(allowed)s）") % {"label": label, "value": raw, "allowed": allowed})
    return raw


def _list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;；,，、\n]", value) if part.strip()]
    return list(value)


def resolve_department(value: Any) -> Department | None:
    if isinstance(value, Department):
        return value
    raw = "" if value is None else str(value).strip()
    if not raw:
        return None
    return Department.objects.filter(name=raw).first() or Department.objects.filter(uscc=raw).first()


def validate_item_data(data: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """Check one item's data; return the cleaned dict or raise ValidationError with every error."""
    errors = ErrorCollector()
    cleaned = clean_item_data(data, errors, prefix=prefix)
    errors.raise_if_any()
    return cleaned


def clean_item_data(data: dict[str, Any], errors: ErrorCollector, *, prefix: str = "") -> dict[str, Any]:
    p = prefix
    out: dict[str, Any] = {}
    code = _text(errors, f"{p}code", FIELD_LABELS["code"], data.get("code"), required=True, max_length=40)
    if code and not CODE_RE.match(code):
        errors.add(f"{p}code", "format", _("基本编码只能由字母、数字和连字符组成，4至40位"))
    out["code"] = code
    out["name"] = _text(errors, f"{p}name", FIELD_LABELS["name"], data.get("name"), required=True, max_length=200)
    out["name_en"] = _text(errors, f"{p}name_en", FIELD_LABELS["name_en"], data.get("name_en"), required=False, max_length=300)
    out["item_type"] = _choice(errors, f"{p}item_type", FIELD_LABELS["item_type"], data.get("item_type"), choices.ITEM_TYPES)
    department = resolve_department(data.get("department"))
    if department is None:
        raw = data.get("department")
        if raw in (None, ""):
            errors.add(f"{p}department", "required", _("%(label)s不能为空") % {"label": FIELD_LABELS["department"]})
        else:
            errors.add(f"{p}department", "unknown_department", _("实施主体“%(value)s”不是已登记的部门") % {"value": raw})
    out["department"] = department
    out["level"] = _choice(errors, f"{p}level", FIELD_LABELS["level"], data.get("level"), choices.LEVELS, default="county")
    out["legal_basis"] = _text(
        errors, f"{p}legal_basis", FIELD_LABELS["legal_basis"], data.get("legal_basis"), required=True, max_length=4000
    )
    out["conditions"] = _text(errors, f"{p}conditions", FIELD_LABELS["conditions"], data.get("conditions"), required=False, max_length=4000)

    audience = []
    for word in _list(data.get("audience")):
        audience.append(_choice(errors, f"{p}audience", FIELD_LABELS["audience"], word, choices.AUDIENCES))
    if not audience:
        errors.add(f"{p}audience", "required", _("服务对象至少选择个人或法人之一"))
    out["audience"] = sorted(set(audience), key=["person", "enterprise"].index) if set(audience) <= {"person", "enterprise"} else audience
    out["topics"] = [str(t).strip() for t in _list(data.get("topics"))]
    for topic in out["topics"]:
        if len(topic) > 40:
            errors.add(f"{p}topics", "max_length", _("主题“%(topic)s…”不能超过40个字") % {"topic": topic[:10]})

    handling = _choice(errors, f"{p}handling_type", FIELD_LABELS["handling_type"], data.get("handling_type"), choices.HANDLING_TYPES)
    out["handling_type"] = handling
    legal = _int(errors, f"{p}legal_limit_days", _("法定办结时限（工作日）"), data.get("legal_limit_days"), maximum=3650)
    promised = _int(errors, f"{p}promised_limit_days", _("承诺办结时限（工作日）"), data.get("promised_limit_days"), maximum=3650)
    if handling == "instant" and promised not in (None, 0):
        errors.add(f"{p}promised_limit_days", "instant_same_day", _("即办件当场办结，承诺办结时限应为0"))
    if handling == "promised" and promised == 0:
        errors.add(f"{p}promised_limit_days", "min_value", _("承诺件的承诺办结时限至少为1个工作日"))
    out["legal_limit_days"], out["promised_limit_days"] = legal, promised
    out["visits"] = _int(errors, f"{p}visits", FIELD_LABELS["visits"], data.get("visits"), maximum=2)
    out["online_depth"] = _choice(errors, f"{p}online_depth", FIELD_LABELS["online_depth"], data.get("online_depth"), choices.ONLINE_DEPTHS)
    out["tongban_scope"] = _choice(
        errors, f"{p}tongban_scope", FIELD_LABELS["tongban_scope"], data.get("tongban_scope"), choices.TONGBAN_SCOPES, default="none"
    )
    out["commitment_allowed"] = _bool(errors, f"{p}commitment_allowed", FIELD_LABELS["commitment_allowed"], data.get("commitment_allowed"))
    verify = _int(
        errors,
        f"{p}commitment_verify_days",
        FIELD_LABELS["commitment_verify_days"],
        data.get("commitment_verify_days"),
        required=False,
        minimum=1,
        maximum=3650,
    )
    if out["commitment_allowed"] and data.get("commitment_verify_days") in (None, ""):
        errors.add(f"{p}commitment_verify_days", "required", _("实行告知承诺的事项须设定承诺核查期限"))
    out["commitment_verify_days"] = verify if out["commitment_allowed"] else None
    out["rongque"] = _bool(errors, f"{p}rongque", FIELD_LABELS["rongque"], data.get("rongque"))
    out["result_name"] = _text(
        errors, f"{p}result_name", FIELD_LABELS["result_name"], data.get("result_name"), required=False, max_length=200
    )
    out["result_type"] = _choice(
        errors, f"{p}result_type", FIELD_LABELS["result_type"], data.get("result_type"), choices.RESULT_TYPES, default="other"
    )
    out["licence_type"] = _text(
        errors, f"{p}licence_type", FIELD_LABELS["licence_type"], data.get("licence_type"), required=False, max_length=100
    )
    if out["result_type"] == "licence" and not out["licence_type"]:
        errors.add(f"{p}licence_type", "required", _("结果类型为证照时须填写证照类型"))
    out["accountability"] = _text(
        errors, f"{p}accountability", FIELD_LABELS["accountability"], data.get("accountability"), required=False, max_length=4000
    )
    for flag in ("random_check", "proof_item", "enterprise_permit", "supervision_item"):
        out[flag] = _bool(errors, f"{p}{flag}", FIELD_LABELS[flag], data.get(flag))
    for field, length in (("location", 200), ("office_hours", 200), ("phone", 40), ("complaint_phone", 40)):
        out[field] = _text(errors, f"{p}{field}", FIELD_LABELS[field], data.get(field), required=False, max_length=length)

    # Situations first: materials and steps refer to their options as "question.option".
    option_refs: set[str] = set()
    situations = []
    seen_questions: set[str] = set()
    for qi, question in enumerate(data.get("situations") or []):
        qp = f"{p}situations[{qi}]"
        key = _text(errors, f"{qp}.key", _("问题编号"), question.get("key"), required=True, max_length=20)
        if key and not KEY_RE.match(key):
            errors.add(f"{qp}.key", "format", _("问题编号只能由字母、数字和下划线组成"))
        if key in seen_questions:
            errors.add(f"{qp}.key", "unique", _("问题编号“%(key)s”重复") % {"key": key})
        seen_questions.add(key)
        text = _text(errors, f"{qp}.text", _("情形问题"), question.get("text"), required=True, max_length=200)
        options = []
        seen_options: set[str] = set()
        for oi, option in enumerate(question.get("options") or []):
            op = f"{qp}.options[{oi}]"
            okey = _text(errors, f"{op}.key", _("选项编号"), option.get("key"), required=True, max_length=20)
            if okey and not KEY_RE.match(okey):
                errors.add(f"{op}.key", "format", _("选项编号只能由字母、数字和下划线组成"))
            if okey in seen_options:
                errors.add(f"{op}.key", "unique", _("选项编号“%(key)s”重复") % {"key": okey})
            seen_options.add(okey)
            label = _text(errors, f"{op}.label", _("选项"), option.get("label"), required=True, max_length=200)
            options.append({"key": okey, "label": label})
            option_refs.add(f"{key}.{okey}")
        if len(options) < 2:
            errors.add(f"{qp}.options", "min_items", _("情形问题“%(text)s”至少要有两个选项") % {"text": text})
        situations.append({"key": key, "text": text, "options": options})
    out["situations"] = situations

    def refs(path: str, value: Any) -> list[str]:
        result = []
        for ref in _list(value):
            if ref not in option_refs:
                errors.add(path, "unknown_option", _("适用情形“%(ref)s”不是本事项的情形选项（格式：问题编号.选项编号）") % {"ref": ref})
            result.append(ref)
        return result

    materials = []
    for mi, material in enumerate(data.get("materials") or []):
        mp = f"{p}materials[{mi}]"
        materials.append(
            {
                "name": _text(errors, f"{mp}.name", MATERIAL_FIELDS["name"], material.get("name"), required=True, max_length=200),
                "source": _choice(
                    errors, f"{mp}.source", MATERIAL_FIELDS["source"], material.get("source"), choices.MATERIAL_SOURCES, default="applicant"
                ),
                "source_note": _text(
                    errors, f"{mp}.source_note", MATERIAL_FIELDS["source_note"], material.get("source_note"), required=False, max_length=200
                ),
                "originals": _int(errors, f"{mp}.originals", MATERIAL_FIELDS["originals"], material.get("originals", 0), maximum=99) or 0,
                "copies": _int(errors, f"{mp}.copies", MATERIAL_FIELDS["copies"], material.get("copies", 0), maximum=99) or 0,
                "form": _choice(
                    errors, f"{mp}.form", MATERIAL_FIELDS["form"], material.get("form"), choices.MATERIAL_FORMS, default="both"
                ),
                "required": _bool(errors, f"{mp}.required", MATERIAL_FIELDS["required"], material.get("required", True)),
                "blank_form": _text(
                    errors, f"{mp}.blank_form", MATERIAL_FIELDS["blank_form"], material.get("blank_form"), required=False, max_length=200
                ),
                "sample": _text(errors, f"{mp}.sample", MATERIAL_FIELDS["sample"], material.get("sample"), required=False, max_length=200),
                "spec": _text(errors, f"{mp}.spec", MATERIAL_FIELDS["spec"], material.get("spec"), required=False, max_length=500),
                "rongque_allowed": _bool(
                    errors, f"{mp}.rongque_allowed", MATERIAL_FIELDS["rongque_allowed"], material.get("rongque_allowed")
                ),
                "shared_source": _text(
                    errors,
                    f"{mp}.shared_source",
                    MATERIAL_FIELDS["shared_source"],
                    material.get("shared_source"),
                    required=False,
                    max_length=100,
                ),
                "licence_type": _text(
                    errors,
                    f"{mp}.licence_type",
                    MATERIAL_FIELDS["licence_type"],
                    material.get("licence_type"),
                    required=False,
                    max_length=100,
                ),
                "options": refs(f"{mp}.options", material.get("options")),
            }
        )
    out["materials"] = materials
    if out["rongque"] and not any(m["rongque_allowed"] for m in materials):
        errors.add(f"{p}rongque", "rongque_materials", _("列入容缺受理的事项须至少标明一项可容缺的材料"))

    fees = []
    for fi, fee in enumerate(data.get("fees") or []):
        fp = f"{p}fees[{fi}]"
        fees.append(
            {
                "name": _text(errors, f"{fp}.name", FEE_FIELDS["name"], fee.get("name"), required=True, max_length=200),
                "standard": _text(errors, f"{fp}.standard", FEE_FIELDS["standard"], fee.get("standard"), required=True, max_length=300),
                "amount_fen": _int(
                    errors, f"{fp}.amount_fen", FEE_FIELDS["amount_fen"], fee.get("amount_fen"), required=False, maximum=2_000_000_000
                ),
                "basis": _text(errors, f"{fp}.basis", FEE_FIELDS["basis"], fee.get("basis"), required=True, max_length=500),
            }
        )
    out["fees"] = fees

    steps: list[dict[str, Any]] = []
    for si, step in enumerate(data.get("steps") or []):
        sp = f"{p}steps[{si}]"
        steps.append(
            {
                "name": _text(errors, f"{sp}.name", STEP_FIELDS["name"], step.get("name"), required=True, max_length=100),
                "role": _choice(errors, f"{sp}.role", STEP_FIELDS["role"], step.get("role"), choices.STEP_ROLES),
                "limit_days": _int(errors, f"{sp}.limit_days", _("环节时限（工作日）"), step.get("limit_days"), maximum=3650),
                "options": refs(f"{sp}.options", step.get("options")),
            }
        )
    out["steps"] = steps
    if promised is not None and steps and all(s["limit_days"] is not None for s in steps):
        # Steps chosen by different situation answers are alternatives; count the common ones.
        total = sum(s["limit_days"] for s in steps if not s["options"])
        if total > promised:
            errors.add(
                f"{p}steps",
                "steps_exceed_limit",
                _("各环节时限之和（%(total)s个工作日）超过承诺办结时限（%(promised)s个工作日）") % {"total": total, "promised": promised},
            )

    checklist = []
    for ci, point in enumerate(data.get("checklist") or []):
        point_text = point.get("text") if isinstance(point, dict) else point
        checklist.append(_text(errors, f"{p}checklist[{ci}]", FIELD_LABELS["checklist"], point_text, required=True, max_length=500))
    out["checklist"] = checklist

    intermediaries = []
    for ii, entry in enumerate(data.get("intermediaries") or []):
        ip = f"{p}intermediaries[{ii}]"
        intermediaries.append(
            {
                "name": _text(errors, f"{ip}.name", INTERMEDIARY_FIELDS["name"], entry.get("name"), required=True, max_length=200),
                "basis": _text(errors, f"{ip}.basis", INTERMEDIARY_FIELDS["basis"], entry.get("basis"), required=True, max_length=500),
                "provider": _text(
                    errors, f"{ip}.provider", INTERMEDIARY_FIELDS["provider"], entry.get("provider"), required=False, max_length=200
                ),
                "fee_basis": _text(
                    errors, f"{ip}.fee_basis", INTERMEDIARY_FIELDS["fee_basis"], entry.get("fee_basis"), required=False, max_length=200
                ),
            }
        )
    out["intermediaries"] = intermediaries
    # Item-specific application form fields (ONE-1): keys of the field dictionary.
    from govhall.catalog.form_fields import field_spec_clean

    if "form_fields" in data:
        # Only when given: the Excel workbook and the editor do not carry them (item_update keeps
        # the current ones), and an unchanged import row must compare equal.
        out["form_fields"] = field_spec_clean(data.get("form_fields"), errors, path=f"{p}form_fields")
    return out
