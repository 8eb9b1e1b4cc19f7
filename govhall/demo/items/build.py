"""Item tables → item data dicts (the format of govhall.catalog.schema).

Each department module holds a table with one item per line, columns separated by "|":

    名称 | 类型 | 模板 | 法定/承诺时限 | 标记 | 结果名称 | 设定依据

类型 is the national item type code (01 行政许可 … 20 公共服务); 模板 a key of templates.TEMPLATES;
时限 the legal and promised limits in working days ("20/5"; a promised limit of 0 makes it a
即办件); 结果名称 "-" takes the type's default. 标记 are space-separated:

    rq          in the 容缺 list (materials marked * or known as deficient-able become 可容缺)
    cm20        告知承诺, verified within 20 working days
    rc pf ep sv 随机抽查 / 证明事项 / 涉企经营许可 / 监管事项 lists
    tb:c|m|p|x  通办: 全旗 / 全市 / 全区 / 跨省
    od:0..3     online depth: 线下 / 网上咨询预约 / 网上申报窗口办理 / 全程网办
    v0 v1 v2    visits needed on site
    lic[:类型]  the result is a licence (证照类型 defaults to the result name); doc = 批文
    fee:a,b     fees (library.FEES); im:a,b intermediary services (library.INTERMEDIARIES)
    sit:key     situation questions (situations.SITUATIONS)
    t:主题/主题  topics; a:p|e|pe audience
    m:材料；材料  the item's own materials (marks as in library); k:要点；要点 its own review points
    c:受理条件   conditions, when the template's wording does not fit
    dl          下放: one copy per 苏木镇, created at county level and delegated (see loader)
    -           no marks

Everything is deterministic: the same tables give the same payloads, codes and choices.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from govhall.demo.county import COMPLAINT_PHONE, OFFICE_HOURS, DepartmentSpec
from govhall.demo.items.library import FEES, INTERMEDIARIES, parse_material
from govhall.demo.items.situations import SITUATIONS
from govhall.demo.items.templates import ACCOUNTABILITY, DEFAULT_RESULTS, TEMPLATES

ITEM_TYPES = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"}
FLAG_MARKS = {"rq", "rc", "pf", "ep", "sv", "lic", "doc", "dl", "v0", "v1", "v2"}
VALUE_MARKS = {"tb", "od", "lic", "fee", "im", "sit", "t", "a", "m", "k", "c"}
TONGBAN = {"c": "county", "m": "city", "p": "province", "x": "cross_province"}
ONLINE = {"0": "offline", "1": "online_consult", "2": "online_submit", "3": "full_online"}
AUDIENCE = {"p": ["person"], "e": ["enterprise"], "pe": ["person", "enterprise"]}
NOT_APPLIED = {"02", "03", "06"}  # 处罚, 强制, 检查: nobody applies for these


class TableError(ValueError):
    pass


@dataclass
class Row:
    name: str
    item_type: str
    template: str
    legal: int
    promised: int
    marks: dict[str, str]
    result: str
    basis: str
    where: str  # "market.py scj 第3行", for error messages

    def flag(self, key: str) -> bool:
        return key in self.marks


@dataclass
class ItemSpec:
    """One demo item: its payload and where it goes after creation."""

    code: str
    dept: str  # key of the department that creates (and, unless delegated, implements) it
    template: str
    data: dict[str, Any]
    delegate_to: str = ""  # township key for a 下放 copy
    history: list[str] = field(default_factory=list)

    @property
    def window_dept(self) -> str:
        return self.delegate_to or self.dept


def parse_table(text: str, *, source: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source} 第{number}行"
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 7:
            raise TableError(f"{where}：应有7列，实际{len(parts)}列：{line[:40]}")
        name, item_type, template, limits, marks_text, result, basis = parts
        if item_type not in ITEM_TYPES:
            raise TableError(f"{where}：事项类型“{item_type}”无效")
        if template not in TEMPLATES:
            raise TableError(f"{where}：模板“{template}”不存在")
        try:
            legal, promised = (int(x) for x in limits.split("/"))
        except ValueError as exc:
            raise TableError(f"{where}：时限“{limits}”应写作 法定/承诺") from exc
        if promised > legal:
            raise TableError(f"{where}：承诺时限{promised}大于法定时限{legal}")
        marks: dict[str, str] = {}
        for token in ("" if marks_text == "-" else marks_text).split():
            key, _, value = token.partition(":")
            if re.fullmatch(r"cm\d+", key):
                marks["cm"] = key[2:]
            elif value and key in VALUE_MARKS:
                marks[key] = value
            elif not value and key in FLAG_MARKS:
                marks[key] = ""
            else:
                raise TableError(f"{where}：无法识别的标记“{token}”")
        rows.append(Row(name, item_type, template, legal, promised, marks, result, basis, where))
    return rows


def _pick(options: tuple[str, ...], name: str) -> str:
    return options[zlib.crc32(name.encode()) % len(options)]


def _law(basis: str) -> str:
    found = re.search(r"《[^》]+》", basis)
    return found.group(0) if found else "有关法律法规"


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[；;]", value) if part]


def _subject_materials(audience: list[str]) -> list[str]:
    if audience == ["enterprise"]:
        return ["营业执照", "法人身份证"]
    if audience == ["person"]:
        return ["身份证"]
    return ["?营业执照", "身份证"]


def _allocate(promised: int, weights: list[float]) -> list[int]:
    """Share the promised limit among steps by weight; the shares add up to the limit exactly."""
    total = sum(weights)
    if promised == 0 or total == 0:
        return [0] * len(weights)
    days = [int(promised * w / total) for w in weights]
    order = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: -weights[i])
    i = 0
    while sum(days) < promised:
        days[order[i % len(order)]] += 1
        i += 1
    return days


def build_data(row: Row, *, code: str, dept: DepartmentSpec, level: str = "county") -> dict[str, Any]:
    template = TEMPLATES[row.template]
    marks = row.marks
    audience = AUDIENCE[marks.get("a", template.audience)]
    law = _law(row.basis)
    rongque = row.flag("rq")
    applied = row.item_type not in NOT_APPLIED

    situation = SITUATIONS[marks["sit"]] if "sit" in marks else None
    if "sit" in marks and situation is None:
        raise TableError(f"{row.where}：情形“{marks['sit']}”不存在")

    # Materials: the template's, the item's own, the situation's, then the commitment letter.
    specs: list[str] = []
    for entry in template.materials:
        if entry == "$申请表":
            specs.append(template.form_name.format(name=row.name))
        elif entry == "$主体":
            specs.extend(_subject_materials(audience))
        else:
            specs.append(entry)
    own = _split(marks.get("m", ""))
    if "委托书" in specs and own:
        specs.remove("委托书")
        specs.extend(own + ["委托书"])
    else:
        specs.extend(own)
    materials = [parse_material(spec, rongque=rongque) for spec in specs]
    for material in materials:
        if material["name"].endswith(("申请表", "申请书", "申报表", "推荐（申报）表", "表")) and material["source"] == "applicant":
            material["blank_form"] = material.get("blank_form") or f"{material['name']}.docx"
            material["sample"] = f"{material['name']}（填写示例）.pdf"
    if situation:
        for spec, options in situation["materials"]:
            materials.append(parse_material(spec, rongque=rongque, options=options))
    if "cm" in marks:
        materials.append(parse_material("承诺书"))
    if rongque and not any(m["rongque_allowed"] for m in materials):
        raise TableError(f"{row.where}：“{row.name}”列入容缺清单，但没有可容缺的材料（在材料前加 *）")

    # Steps: the template's, sharing the promised limit; a situation's steps are extra.
    weights = [w for _, _, w in template.steps]
    days = _allocate(row.promised, weights)
    steps = [{"name": n, "role": r, "limit_days": d, "options": []} for (n, r, _), d in zip(template.steps, days, strict=True)]
    if situation:
        at = next((i + 1 for i, s in enumerate(steps) if s["role"] == "approver"), len(steps))
        for name, role, options in situation["steps"]:
            steps.insert(at, {"name": name, "role": role, "limit_days": 1 if row.promised else 0, "options": options})
            at += 1

    result = row.result if row.result not in ("", "-") else DEFAULT_RESULTS.get(row.item_type, f"{row.name}办理结果")
    result_type = "licence" if "lic" in marks else "approval_document" if row.flag("doc") else "other"
    online = ONLINE[marks["od"]] if "od" in marks else _pick(template.online, row.name)
    if "v0" in marks or "v1" in marks or "v2" in marks:
        visits = 0 if "v0" in marks else 1 if "v1" in marks else 2
    elif not applied:
        visits = 0
    else:
        visits = 0 if online == "full_online" else 1
    topics = marks["t"].split("/") if "t" in marks else [dept.person_topic if "person" in audience else dept.enterprise_topic]
    conditions = marks["c"] if "c" in marks else template.conditions.format(law=law, name=row.name)
    if "cm" in marks:
        conditions += f"实行告知承诺制：申请人书面承诺符合条件的，当场作出决定，{marks['cm']}个工作日内核查承诺内容。"
    checklist = [point.format(law=law, name=row.name, result=result) for point in template.checklist]
    checklist += _split(marks.get("k", ""))

    return {
        "code": code,
        "name": row.name,
        "item_type": row.item_type,
        "department": dept.name,
        "level": level,
        "legal_basis": row.basis,
        "conditions": conditions,
        "audience": audience,
        "topics": [t for t in topics if t],
        "handling_type": "instant" if row.promised == 0 else "promised",
        "legal_limit_days": row.legal,
        "promised_limit_days": row.promised,
        "visits": visits,
        "online_depth": online,
        "tongban_scope": TONGBAN[marks["tb"]] if "tb" in marks else "none",
        "commitment_allowed": "cm" in marks,
        "commitment_verify_days": int(marks["cm"]) if "cm" in marks else None,
        "rongque": rongque,
        "result_name": result,
        "result_type": result_type,
        "licence_type": (marks["lic"] or result) if "lic" in marks else "",
        "accountability": ACCOUNTABILITY.get(row.item_type, ""),
        "random_check": row.flag("rc"),
        "proof_item": row.flag("pf"),
        "enterprise_permit": row.flag("ep"),
        "supervision_item": row.flag("sv"),
        "location": dept.location if applied else dept.address,
        "office_hours": OFFICE_HOURS,
        "phone": dept.phone,
        "complaint_phone": COMPLAINT_PHONE,
        "situations": [
            {"key": key, "text": text, "options": [{"key": k, "label": label} for k, label in options]}
            for key, text, options in (situation["questions"] if situation else [])
        ],
        "materials": materials,
        "fees": [dict(FEES[key]) for key in _split(marks.get("fee", "").replace(",", "；"))],
        "steps": steps,
        "checklist": checklist,
        "intermediaries": [dict(INTERMEDIARIES[key]) for key in _split(marks.get("im", "").replace(",", "；"))],
    }
