"""Builders for tests: a small, realistic county assembled through the same services as the demo."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, User

from govhall.catalog.models import Item
from govhall.catalog.services import item_create
from govhall.org import roles
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window

# Real USCCs with valid check digits (GB 32100), generated for the test county's departments.
MARKET_USCC = "11150727MB1234562W"


def item_payload(**overrides: Any) -> dict[str, Any]:
    """A complete, valid item: 食品经营许可 with two situations. Override any element."""
    data: dict[str, Any] = {
        "code": "000111011000",
        "name": "食品经营许可证核发",
        "item_type": "01",
        "department": "新巴尔虎右旗市场监督管理局",
        "level": "county",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所；有专职或者兼职的食品安全管理人员和保证食品安全的规章制度。",
        "audience": ["person", "enterprise"],
        "topics": ["餐饮服务"],
        "handling_type": "promised",
        "legal_limit_days": 10,
        "promised_limit_days": 5,
        "visits": 0,
        "online_depth": "full_online",
        "tongban_scope": "county",
        "commitment_allowed": True,
        "commitment_verify_days": 20,
        "rongque": True,
        "result_name": "食品经营许可证",
        "result_type": "licence",
        "licence_type": "食品经营许可证",
        "accountability": "对不符合条件的申请人准予许可或者超越法定职权作出准予许可决定的，依法追究责任。",
        "random_check": True,
        "enterprise_permit": True,
        "supervision_item": True,
        "location": "新巴尔虎右旗政务服务中心一楼综合受理窗口",
        "office_hours": "工作日 9:00-12:00，14:30-17:30",
        "phone": "0470-6412345",
        "complaint_phone": "12345",
        "situations": [
            {"key": "q1", "text": "申请人类型", "options": [{"key": "a", "label": "企业"}, {"key": "b", "label": "个体工商户"}]},
            {"key": "q2", "text": "是否经营冷藏冷冻食品", "options": [{"key": "y", "label": "是"}, {"key": "n", "label": "否"}]},
        ],
        "materials": [
            {"name": "食品经营许可申请书", "source": "applicant", "originals": 1, "copies": 0, "blank_form": "食品经营许可申请书.docx"},
            {
                "name": "营业执照",
                "source": "government",
                "originals": 0,
                "copies": 1,
                "licence_type": "营业执照",
                "shared_source": "市场主体登记",
            },
            {"name": "法定代表人身份证明", "originals": 0, "copies": 1, "options": ["q1.a"], "shared_source": "人口户籍"},
            {"name": "经营者身份证", "originals": 0, "copies": 1, "options": ["q1.b"], "shared_source": "人口户籍"},
            {"name": "与食品经营相适应的主要设备设施布局、操作流程等文件", "originals": 1, "rongque_allowed": True},
            {"name": "冷藏冷冻设施清单", "originals": 1, "options": ["q2.y"], "rongque_allowed": True},
        ],
        "fees": [],
        "steps": [
            {"name": "受理", "role": "clerk", "limit_days": 0},
            {"name": "审查", "role": "approver", "limit_days": 3},
            {"name": "现场核查", "role": "approver", "limit_days": 2, "options": ["q2.y"]},
            {"name": "决定", "role": "leader", "limit_days": 1},
            {"name": "制证", "role": "certifier", "limit_days": 1},
        ],
        "checklist": ["申请书填写完整并签字盖章", "经营场所与营业执照住所一致", "设备布局满足生熟分开要求"],
        "intermediaries": [],
    }
    data.update(copy.deepcopy(overrides))
    return data


@dataclass
class SmallCounty:
    departments: dict[str, Department] = field(default_factory=dict)
    centre: ServiceCentre | None = None
    windows: dict[str, Window] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)


DEPARTMENTS = [
    ("新巴尔虎右旗市场监督管理局", "市场监管局", "11150727MB1234562W", Department.KIND_DEPARTMENT),
    ("新巴尔虎右旗公安局", "公安局", "111507270115453058", Department.KIND_DEPARTMENT),
    ("新巴尔虎右旗行政审批和政务服务局", "审批局", "11150727MB0Y2C7F2M", Department.KIND_APPROVAL_BUREAU),
    ("阿拉坦额莫勒镇人民政府", "阿镇", "11150727011545233F", Department.KIND_TOWNSHIP),
]


def _user(username: str, name: str, role: str | None, **profile: Any) -> User:
    user = User.objects.create_user(username=username, password="govhall-test-pw", first_name=name)
    if role:
        user.groups.add(Group.objects.get(name=role))
        StaffProfile.objects.create(user=user, **profile)
    return user


def build_small_county() -> SmallCounty:
    from govhall.core.identifiers import check

    county = SmallCounty()
    division = Division.objects.get(code="150727")
    for name, short, uscc, kind in DEPARTMENTS:
        assert check("uscc", uscc).valid, uscc
        county.departments[short] = Department.objects.create(name=name, short_name=short, uscc=uscc, kind=kind, division=division)
    county.centre = ServiceCentre.objects.create(name="新巴尔虎右旗政务服务中心", level=ServiceCentre.LEVEL_COUNTY, division=division)
    county.windows["综合1"] = Window.objects.create(
        centre=county.centre, number="A01", name="综合受理窗口", kind=Window.KIND_COMPREHENSIVE, accepts_all_items=True
    )
    county.windows["专窗"] = Window.objects.create(
        centre=county.centre, number="B11", name="企业开办专窗", kind=Window.KIND_SPECIALISED, accepts_all_items=False
    )
    market = county.departments["市场监管局"]
    county.users["applicant"] = _user("applicant", "张三", None)
    county.users["clerk"] = _user("clerk", "李窗口", roles.CLERK, centre=county.centre, window=county.windows["综合1"])
    county.users["approver"] = _user("approver", "王审批", roles.APPROVER, department=market)
    county.users["dept_admin"] = _user("dept_admin", "赵管理", roles.DEPT_ADMIN, department=market)
    county.users["other_dept_admin"] = _user("other_dept_admin", "钱管理", roles.DEPT_ADMIN, department=county.departments["公安局"])
    county.users["section_head"] = _user("section_head", "陈科长", roles.SECTION_HEAD, department=market)
    county.users["police_approver"] = _user("police_approver", "刘民警", roles.APPROVER, department=county.departments["公安局"])
    county.users["police_head"] = _user("police_head", "杨所长", roles.SECTION_HEAD, department=county.departments["公安局"])
    county.users["other_applicant"] = _user("other_applicant", "李四", None)
    county.users["supervisor"] = _user("supervisor", "孙监管", roles.SUPERVISOR, centre=county.centre)
    county.users["sysadmin"] = _user("sysadmin", "周系统", roles.SYSADMIN)
    county.users["clerk2"] = _user("clerk_b01", "吴窗口", roles.CLERK, centre=county.centre, window=county.windows["专窗"])
    county.users["centre_admin"] = _user("centre_admin", "郑主任", roles.CENTRE_ADMIN, centre=county.centre, title="政务服务中心主任")
    county.items["food"] = item_create(actor=None, data=item_payload())
    county.items["id_card"] = item_create(
        actor=None,
        data=item_payload(
            code="000107002000",
            name="居民身份证换领",
            item_type="20",
            department="新巴尔虎右旗公安局",
            legal_basis="《中华人民共和国居民身份证法》第五条、第八条",
            audience=["person"],
            topics=["户籍办理"],
            legal_limit_days=60,
            promised_limit_days=20,
            visits=1,
            online_depth="online_consult",
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name="居民身份证",
            licence_type="居民身份证",
            random_check=False,
            enterprise_permit=False,
            supervision_item=False,
            situations=[],
            materials=[{"name": "居民户口簿", "originals": 1, "licence_type": "居民户口簿"}],
            steps=[{"name": "受理", "role": "clerk", "limit_days": 0}, {"name": "审核", "role": "approver", "limit_days": 5}],
            fees=[
                {
                    "name": "居民身份证工本费",
                    "standard": "20元/证",
                    "amount_fen": 2000,
                    "basis": "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
                }
            ],
            checklist=["核对户口簿信息"],
        ),
    )
    return county
