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
listing every problem with its field path (`materials[2].copies`) and rule.
"""

from __future__ import annotations

import re
from typing import Any

from govhall.catalog import choices
from govhall.core.errors import ErrorCollector
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

FIELD_LABELS = {
    "code": "基本编码",
    "name": "事项名称",
    "name_en": "英文名称",
    "item_type": "事项类型",
    "department": "实施主体",
    "level": "行使层级",
    "legal_basis": "设定依据",
    "conditions": "受理条件",
    "audience": "服务对象",
    "topics": "主题",
    "handling_type": "办件类型",
    "legal_limit_days": "法定办结时限",
    "promised_limit_days": "承诺办结时限",
    "visits": "到现场次数",
    "online_depth": "网办深度",
    "tongban_scope": "通办范围",
    "commitment_allowed": "告知承诺",
    "commitment_verify_days": "承诺核查期限",
    "rongque": "容缺受理",
    "result_name": "结果名称",
    "result_type": "结果类型",
    "licence_type": "证照类型",
    "accountability": "追责情形",
    "random_check": "随机抽查事项",
    "proof_item": "证明事项",
    "enterprise_permit": "涉企经营许可事项",
    "supervision_item": "监管事项",
    "location": "办理地点",
    "office_hours": "办理时间",
    "phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
    "materials": "申请材料",
    "fees": "收费",
    "steps": "办理环节",
    "checklist": "审核要点",
    "intermediaries": "中介服务",
    "situations": "情形",
}

MATERIAL_FIELDS = {
    "name": "材料名称",
    "source": "来源渠道",
    "source_note": "来源说明",
    "originals": "原件份数",
    "copies": "复印件份数",
    "form": "材料形式",
    "required": "必要",
    "blank_form": "空白表格",
    "sample": "示例样表",
    "spec": "填报要求",
    "rongque_allowed": "可容缺",
    "shared_source": "可由共享数据替代",
    "licence_type": "可由电子证照替代",
    "options": "适用情形",
}
FEE_FIELDS = {"name": "收费项目", "standard": "收费标准", "amount_fen": "金额（分）", "basis": "收费依据"}
STEP_FIELDS = {"name": "环节名称", "role": "办理人员", "limit_days": "环节时限", "options": "适用情形"}
INTERMEDIARY_FIELDS = {"name": "中介服务事项", "basis": "设定依据", "provider": "服务机构", "fee_basis": "收费方式"}

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{3,39}$")
KEY_RE = re.compile(r"^[0-9A-Za-z_]{1,20}$")

TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}


def _text(errors: ErrorCollector, path: str, label: str, value: Any, *, required: bool, max_length: int) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.add(path, "required", f"{label}不能为空")
    elif len(text) > max_length:
        errors.add(path, "max_length", f"{label}不能超过{max_length}个字")
    return text


def _int(
    errors: ErrorCollector, path: str, label: str, value: Any, *, required: bool = True, minimum: int = 0, maximum: int = 32767
) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(path, "required", f"{label}不能为空")
        return None
    if isinstance(value, bool):
        errors.add(path, "integer", f"{label}必须是整数")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.add(path, "integer", f"{label}必须是整数，“{value}”不是")
        return None
    if number < minimum:
        errors.add(path, "min_value", f"{label}不能小于{minimum}（填写的是{number}）")
        return None
    if number > maximum:
        errors.add(path, "max_value", f"{label}不能大于{maximum}（填写的是{number}）")
        return None
    return number


def _bool(errors: ErrorCollector, path: str, label: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.add(path, "boolean", f"{label}只能填“是”或“否”")
    return False


def _choice(
    errors: ErrorCollector, path: str, label: str, value: Any, options: list[tuple[str, str]], *, default: str | None = None
) -> str:
    """Accept the code or the Chinese label of a choice."""
    raw = "" if value is None else str(value).strip()
    if not raw and default is not None:
        return default
    for code, name in options:
        if raw in (code, name):
            return code
    allowed = "、".join(name for _, name in options)
    errors.add(path, "choice", f"{label}“{raw}”不在可选值中（{allowed}）")
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
    code = _text(errors, f"{p}code", "基本编码", data.get("code"), required=True, max_length=40)
    if code and not CODE_RE.match(code):
        errors.add(f"{p}code", "format", "基本编码只能由字母、数字和连字符组成，4至40位")
    out["code"] = code
    out["name"] = _text(errors, f"{p}name", "事项名称", data.get("name"), required=True, max_length=200)
    out["name_en"] = _text(errors, f"{p}name_en", "英文名称", data.get("name_en"), required=False, max_length=300)
    out["item_type"] = _choice(errors, f"{p}item_type", "事项类型", data.get("item_type"), choices.ITEM_TYPES)
    department = resolve_department(data.get("department"))
    if department is None:
        raw = data.get("department")
        if raw in (None, ""):
            errors.add(f"{p}department", "required", "实施主体不能为空")
        else:
            errors.add(f"{p}department", "unknown_department", f"实施主体“{raw}”不是已登记的部门")
    out["department"] = department
    out["level"] = _choice(errors, f"{p}level", "行使层级", data.get("level"), choices.LEVELS, default="county")
    out["legal_basis"] = _text(errors, f"{p}legal_basis", "设定依据", data.get("legal_basis"), required=True, max_length=4000)
    out["conditions"] = _text(errors, f"{p}conditions", "受理条件", data.get("conditions"), required=False, max_length=4000)

    audience = []
    for word in _list(data.get("audience")):
        audience.append(_choice(errors, f"{p}audience", "服务对象", word, choices.AUDIENCES))
    if not audience:
        errors.add(f"{p}audience", "required", "服务对象至少选择个人或法人之一")
    out["audience"] = sorted(set(audience), key=["person", "enterprise"].index) if set(audience) <= {"person", "enterprise"} else audience
    out["topics"] = [str(t).strip() for t in _list(data.get("topics"))]
    for topic in out["topics"]:
        if len(topic) > 40:
            errors.add(f"{p}topics", "max_length", f"主题“{topic[:10]}…”不能超过40个字")

    handling = _choice(errors, f"{p}handling_type", "办件类型", data.get("handling_type"), choices.HANDLING_TYPES)
    out["handling_type"] = handling
    legal = _int(errors, f"{p}legal_limit_days", "法定办结时限（工作日）", data.get("legal_limit_days"), maximum=3650)
    promised = _int(errors, f"{p}promised_limit_days", "承诺办结时限（工作日）", data.get("promised_limit_days"), maximum=3650)
    if handling == "instant" and promised not in (None, 0):
        errors.add(f"{p}promised_limit_days", "instant_same_day", "即办件当场办结，承诺办结时限应为0")
    if handling == "promised" and promised == 0:
        errors.add(f"{p}promised_limit_days", "min_value", "承诺件的承诺办结时限至少为1个工作日")
    out["legal_limit_days"], out["promised_limit_days"] = legal, promised
    out["visits"] = _int(errors, f"{p}visits", "到现场次数", data.get("visits"), maximum=2)
    out["online_depth"] = _choice(errors, f"{p}online_depth", "网办深度", data.get("online_depth"), choices.ONLINE_DEPTHS)
    out["tongban_scope"] = _choice(
        errors, f"{p}tongban_scope", "通办范围", data.get("tongban_scope"), choices.TONGBAN_SCOPES, default="none"
    )
    out["commitment_allowed"] = _bool(errors, f"{p}commitment_allowed", "告知承诺", data.get("commitment_allowed"))
    verify = _int(
        errors, f"{p}commitment_verify_days", "承诺核查期限", data.get("commitment_verify_days"), required=False, minimum=1, maximum=3650
    )
    if out["commitment_allowed"] and data.get("commitment_verify_days") in (None, ""):
        errors.add(f"{p}commitment_verify_days", "required", "实行告知承诺的事项须设定承诺核查期限")
    out["commitment_verify_days"] = verify if out["commitment_allowed"] else None
    out["rongque"] = _bool(errors, f"{p}rongque", "容缺受理", data.get("rongque"))
    out["result_name"] = _text(errors, f"{p}result_name", "结果名称", data.get("result_name"), required=False, max_length=200)
    out["result_type"] = _choice(errors, f"{p}result_type", "结果类型", data.get("result_type"), choices.RESULT_TYPES, default="other")
    out["licence_type"] = _text(errors, f"{p}licence_type", "证照类型", data.get("licence_type"), required=False, max_length=100)
    if out["result_type"] == "licence" and not out["licence_type"]:
        errors.add(f"{p}licence_type", "required", "结果类型为证照时须填写证照类型")
    out["accountability"] = _text(errors, f"{p}accountability", "追责情形", data.get("accountability"), required=False, max_length=4000)
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
        key = _text(errors, f"{qp}.key", "问题编号", question.get("key"), required=True, max_length=20)
        if key and not KEY_RE.match(key):
            errors.add(f"{qp}.key", "format", "问题编号只能由字母、数字和下划线组成")
        if key in seen_questions:
            errors.add(f"{qp}.key", "unique", f"问题编号“{key}”重复")
        seen_questions.add(key)
        text = _text(errors, f"{qp}.text", "情形问题", question.get("text"), required=True, max_length=200)
        options = []
        seen_options: set[str] = set()
        for oi, option in enumerate(question.get("options") or []):
            op = f"{qp}.options[{oi}]"
            okey = _text(errors, f"{op}.key", "选项编号", option.get("key"), required=True, max_length=20)
            if okey and not KEY_RE.match(okey):
                errors.add(f"{op}.key", "format", "选项编号只能由字母、数字和下划线组成")
            if okey in seen_options:
                errors.add(f"{op}.key", "unique", f"选项编号“{okey}”重复")
            seen_options.add(okey)
            label = _text(errors, f"{op}.label", "选项", option.get("label"), required=True, max_length=200)
            options.append({"key": okey, "label": label})
            option_refs.add(f"{key}.{okey}")
        if len(options) < 2:
            errors.add(f"{qp}.options", "min_items", f"情形问题“{text}”至少要有两个选项")
        situations.append({"key": key, "text": text, "options": options})
    out["situations"] = situations

    def refs(path: str, value: Any) -> list[str]:
        result = []
        for ref in _list(value):
            if ref not in option_refs:
                errors.add(path, "unknown_option", f"适用情形“{ref}”不是本事项的情形选项（格式：问题编号.选项编号）")
            result.append(ref)
        return result

    materials = []
    for mi, material in enumerate(data.get("materials") or []):
        mp = f"{p}materials[{mi}]"
        materials.append(
            {
                "name": _text(errors, f"{mp}.name", "材料名称", material.get("name"), required=True, max_length=200),
                "source": _choice(
                    errors, f"{mp}.source", "来源渠道", material.get("source"), choices.MATERIAL_SOURCES, default="applicant"
                ),
                "source_note": _text(errors, f"{mp}.source_note", "来源说明", material.get("source_note"), required=False, max_length=200),
                "originals": _int(errors, f"{mp}.originals", "原件份数", material.get("originals", 0), maximum=99) or 0,
                "copies": _int(errors, f"{mp}.copies", "复印件份数", material.get("copies", 0), maximum=99) or 0,
                "form": _choice(errors, f"{mp}.form", "材料形式", material.get("form"), choices.MATERIAL_FORMS, default="both"),
                "required": _bool(errors, f"{mp}.required", "必要", material.get("required", True)),
                "blank_form": _text(errors, f"{mp}.blank_form", "空白表格", material.get("blank_form"), required=False, max_length=200),
                "sample": _text(errors, f"{mp}.sample", "示例样表", material.get("sample"), required=False, max_length=200),
                "spec": _text(errors, f"{mp}.spec", "填报要求", material.get("spec"), required=False, max_length=500),
                "rongque_allowed": _bool(errors, f"{mp}.rongque_allowed", "可容缺", material.get("rongque_allowed")),
                "shared_source": _text(
                    errors, f"{mp}.shared_source", "可由共享数据替代", material.get("shared_source"), required=False, max_length=100
                ),
                "licence_type": _text(
                    errors, f"{mp}.licence_type", "可由电子证照替代", material.get("licence_type"), required=False, max_length=100
                ),
                "options": refs(f"{mp}.options", material.get("options")),
            }
        )
    out["materials"] = materials
    if out["rongque"] and not any(m["rongque_allowed"] for m in materials):
        errors.add(f"{p}rongque", "rongque_materials", "列入容缺受理的事项须至少标明一项可容缺的材料")

    fees = []
    for fi, fee in enumerate(data.get("fees") or []):
        fp = f"{p}fees[{fi}]"
        fees.append(
            {
                "name": _text(errors, f"{fp}.name", "收费项目", fee.get("name"), required=True, max_length=200),
                "standard": _text(errors, f"{fp}.standard", "收费标准", fee.get("standard"), required=True, max_length=300),
                "amount_fen": _int(errors, f"{fp}.amount_fen", "金额（分）", fee.get("amount_fen"), required=False, maximum=2_000_000_000),
                "basis": _text(errors, f"{fp}.basis", "收费依据", fee.get("basis"), required=True, max_length=500),
            }
        )
    out["fees"] = fees

    steps = []
    for si, step in enumerate(data.get("steps") or []):
        sp = f"{p}steps[{si}]"
        steps.append(
            {
                "name": _text(errors, f"{sp}.name", "环节名称", step.get("name"), required=True, max_length=100),
                "role": _choice(errors, f"{sp}.role", "办理人员", step.get("role"), choices.STEP_ROLES),
                "limit_days": _int(errors, f"{sp}.limit_days", "环节时限（工作日）", step.get("limit_days"), maximum=3650),
                "options": refs(f"{sp}.options", step.get("options")),
            }
        )
    out["steps"] = steps
    if promised is not None and steps and all(s["limit_days"] is not None for s in steps):
        # Steps chosen by different situation answers are alternatives; count the common ones.
        total = sum(s["limit_days"] for s in steps if not s["options"])
        if total > promised:
            errors.add(f"{p}steps", "steps_exceed_limit", f"各环节时限之和（{total}个工作日）超过承诺办结时限（{promised}个工作日）")

    checklist = []
    for ci, point in enumerate(data.get("checklist") or []):
        text = point.get("text") if isinstance(point, dict) else point
        checklist.append(_text(errors, f"{p}checklist[{ci}]", "审核要点", text, required=True, max_length=500))
    out["checklist"] = checklist

    intermediaries = []
    for ii, entry in enumerate(data.get("intermediaries") or []):
        ip = f"{p}intermediaries[{ii}]"
        intermediaries.append(
            {
                "name": _text(errors, f"{ip}.name", "中介服务事项", entry.get("name"), required=True, max_length=200),
                "basis": _text(errors, f"{ip}.basis", "设定依据", entry.get("basis"), required=True, max_length=500),
                "provider": _text(errors, f"{ip}.provider", "服务机构", entry.get("provider"), required=False, max_length=200),
                "fee_basis": _text(errors, f"{ip}.fee_basis", "收费方式", entry.get("fee_basis"), required=False, max_length=200),
            }
        )
    out["intermediaries"] = intermediaries
    return out
