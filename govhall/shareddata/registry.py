"""The registry of shared data sources (DATA-2): what other agencies hold, about whom, with which fields.

`SOURCES` is the reference list; a data migration writes it into `DataSource`, and the owner
department is the county department whose short name is `owner` (set by `sources_link_owners`). A catalog material names the source that can replace it
(`Material.shared_source`) by its code or by one of its names (the catalog uses the names the
national catalog uses, e.g. 人口户籍, 市场主体登记).
"""

from __future__ import annotations

from typing import Any

PERSON, ENTERPRISE = "person", "enterprise"


def _f(key: str, label: str, personal: bool = True) -> dict[str, Any]:
    return {"key": key, "label": label, "personal": personal}


SOURCES: list[dict[str, Any]] = [
    {
        "code": "household",
        "name": "户籍",
        "aliases": ["人口户籍", "户籍信息", "人口信息"],
        "owner": "公安局",
        "subject_kinds": [PERSON],
        "description": "公安机关人口户籍登记信息（常住人口登记表、居民户口簿）。",
        "fields": [
            _f("name", "姓名"),
            _f("id_number", "公民身份号码"),
            _f("gender", "性别"),
            _f("ethnicity", "民族"),
            _f("birth_date", "出生日期"),
            _f("address", "住址"),
            _f("household_number", "户号"),
            _f("household_head", "户主姓名"),
            _f("relation", "与户主关系"),
            _f("police_station", "登记机关", personal=False),
        ],
    },
    {
        "code": "marriage",
        "name": "婚姻登记",
        "aliases": ["婚姻登记信息"],
        "owner": "民政局",
        "subject_kinds": [PERSON],
        "description": "民政部门婚姻登记信息（结婚、离婚登记）。",
        "fields": [
            _f("status", "婚姻状况"),
            _f("spouse_name", "配偶姓名"),
            _f("spouse_id_number", "配偶公民身份号码"),
            _f("registered_on", "登记日期"),
            _f("certificate_number", "结婚证字号"),
            _f("registry", "登记机关", personal=False),
        ],
    },
    {
        "code": "social_security",
        "name": "社保参保",
        "aliases": ["社会保障", "社会保险", "社保参保信息"],
        "owner": "人力资源和社会保障局",
        "subject_kinds": [PERSON],
        "description": "人力资源和社会保障部门社会保险参保登记信息。",
        "fields": [
            _f("insurance_types", "参保险种"),
            _f("status", "参保状态"),
            _f("insured_since", "首次参保日期"),
            _f("employer", "参保单位"),
            _f("card_number", "社会保障卡号"),
        ],
    },
    {
        "code": "real_estate",
        "name": "不动产登记",
        "aliases": ["不动产登记信息", "不动产权属"],
        "owner": "不动产登记中心",
        "subject_kinds": [PERSON, ENTERPRISE],
        "description": "不动产登记机构的不动产权属登记信息（一个权利人可有多条）。",
        "fields": [
            _f("certificate_number", "不动产权证号"),
            _f("location", "坐落"),
            _f("usage", "用途"),
            _f("area", "面积（平方米）"),
            _f("right_type", "权利类型"),
            _f("registered_on", "登记日期"),
        ],
    },
    {
        "code": "enterprise_registration",
        "name": "企业登记",
        "aliases": ["市场主体登记", "企业登记信息", "营业执照信息"],
        "owner": "市场监督管理局",
        "subject_kinds": [ENTERPRISE],
        "description": "市场监督管理部门的市场主体登记信息（营业执照登记事项）。",
        "fields": [
            _f("name", "名称", personal=False),
            _f("uscc", "统一社会信用代码", personal=False),
            _f("enterprise_type", "类型", personal=False),
            _f("legal_representative", "法定代表人", personal=False),
            _f("registered_capital", "注册资本", personal=False),
            _f("established_on", "成立日期", personal=False),
            _f("address", "住所", personal=False),
            _f("business_scope", "经营范围", personal=False),
            _f("status", "登记状态", personal=False),
        ],
    },
    # Sources the catalog names that the demo county has no records of (the exchange with these
    # systems is listed so the catalog can name them; a look-up finds nothing until they deliver).
    {
        "code": "birth_medical",
        "name": "出生医学证明信息",
        "aliases": [],
        "owner": "卫生健康委员会",
        "subject_kinds": [PERSON],
        "description": "卫生健康部门出生医学证明签发信息。",
        "fields": [_f("child_name", "新生儿姓名"), _f("born_on", "出生日期"), _f("certificate_number", "出生医学证明编号")],
    },
    {
        "code": "death_medical",
        "name": "死亡医学证明信息",
        "aliases": [],
        "owner": "卫生健康委员会",
        "subject_kinds": [PERSON],
        "description": "卫生健康部门居民死亡医学证明（推断）书信息。",
        "fields": [_f("died_on", "死亡日期"), _f("certificate_number", "证明编号")],
    },
    {
        "code": "disability",
        "name": "残疾人信息",
        "aliases": [],
        "owner": "残疾人联合会",
        "subject_kinds": [PERSON],
        "description": "残疾人联合会残疾人证核发信息。",
        "fields": [_f("category", "残疾类别"), _f("grade", "残疾等级"), _f("certificate_number", "残疾人证号")],
    },
    {
        "code": "assistance_check",
        "name": "社会救助家庭经济状况核对",
        "aliases": [],
        "owner": "民政局",
        "subject_kinds": [PERSON],
        "description": "民政部门居民家庭经济状况核对结果。",
        "fields": [_f("result", "核对结论"), _f("checked_on", "核对日期")],
    },
    {
        "code": "social_assistance",
        "name": "社会救助",
        "aliases": ["低保信息"],
        "owner": "民政局",
        "subject_kinds": [PERSON],
        "description": "民政部门最低生活保障、特困供养等救助对象信息。",
        "fields": [_f("kind", "救助类别"), _f("since", "纳入日期")],
    },
    {
        "code": "veterans",
        "name": "退役军人信息",
        "aliases": [],
        "owner": "退役军人事务局",
        "subject_kinds": [PERSON],
        "description": "退役军人事务部门退役军人信息采集数据。",
        "fields": [_f("discharged_on", "退役日期"), _f("certificate_number", "退役证号")],
    },
    {
        "code": "investment_project",
        "name": "投资项目在线审批监管平台",
        "aliases": [],
        "owner": "发展和改革委员会",
        "subject_kinds": [ENTERPRISE],
        "description": "投资项目审批、核准、备案信息。",
        "fields": [_f("project_code", "项目代码", False), _f("project_name", "项目名称", False), _f("approval", "审批结果", False)],
    },
    {
        "code": "construction_project",
        "name": "工程建设项目审批管理系统",
        "aliases": [],
        "owner": "住房和城乡建设局",
        "subject_kinds": [ENTERPRISE],
        "description": "工程建设项目审批管理系统中的审批结果和审查文件。",
        "fields": [_f("project_code", "项目代码", False), _f("documents", "审批文件", False)],
    },
    {
        "code": "tax",
        "name": "税务征管",
        "aliases": ["完税信息"],
        "owner": "税务局",
        "subject_kinds": [PERSON, ENTERPRISE],
        "description": "税务部门完税凭证等征管信息。",
        "fields": [_f("tax_kind", "税种"), _f("paid_on", "缴纳日期"), _f("voucher_number", "完税凭证号")],
    },
]

SOURCE_BY_CODE = {s["code"]: s for s in SOURCES}


def source_code_for(text: str) -> str | None:
    """The source code a catalog material's `shared_source` names (its code, name or an alias)."""
    text = (text or "").strip()
    if not text:
        return None
    for source in SOURCES:
        if text == source["code"] or text == source["name"] or text in source["aliases"]:
            return source["code"]
    return None
