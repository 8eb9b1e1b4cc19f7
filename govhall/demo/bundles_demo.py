"""Demo 一件事一次办 (ONE-1, ONE-5): the county's theme bundles over its catalog items, the items'
application form fields (一次录入、大家共用), and a few bundle cases in various states — among them a
企业开办 finished within its 1 working day.

Runs after the cases, licences and shared data phases. Idempotent: nothing happens once a bundle
exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.bundles.models import Bundle, BundleItem, BundleOption, BundleQuestion
from govhall.catalog.models import Item, ItemVersion
from govhall.core.calendar import CalendarError, is_working_day
from govhall.org.models import Department, ServiceCentre

CENTRE = "新巴尔虎右旗政务服务中心"


@dataclass
class BundleSpec:
    code: str
    name: str
    audience: str
    limit_days: int
    basis: str
    lead: str  # department name
    description: str
    questions: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    items: list[tuple[str, list[str]]] = field(default_factory=list)  # (item name, options that include it)


E, P = Bundle.AUDIENCE_ENTERPRISE, Bundle.AUDIENCE_PERSON
YN = [("y", "是"), ("n", "否")]

BUNDLES: list[BundleSpec] = [
    BundleSpec(
        "YJS-QYKB",
        "我要开办企业",
        E,
        # 国务院办公厅《关于进一步优化营商环境降低市场主体制度性交易成本的意见》（国办发〔2022〕30号）
        # and 内蒙古 企业开办 1个工作日内办结 (ONE-5, seeds 002: "企业开办 1 天").
        1,
        "企业开办全流程1个工作日内办结（国办发〔2022〕30号；自治区优化营商环境要求）",
        "新巴尔虎右旗市场监督管理局",
        "营业执照、公章刻制、涉税事项和发票、社保登记、银行预约开户一表申请、一窗受理、并联办理，1个工作日内办结。",
        [("q1", "是否需要申领发票？", YN), ("q2", "是否雇用职工（办理单位参保登记）？", YN)],
        [
            ("有限责任公司设立登记", []),
            ("公章刻制备案", []),
            ("“一照一码”户信息确认", []),
            ("发票领用", ["q1.y"]),
            ("企业职工基本养老保险单位参保登记", ["q2.y"]),
            ("企业银行预约开户", []),
        ],
    ),
    BundleSpec(
        "YJS-KFD",
        "我要开饭店",
        E,
        10,
        "各事项并联办理，整体不超过10个工作日（食品经营许可承诺5个工作日）",
        "新巴尔虎右旗市场监督管理局",
        "食品经营许可、公众聚集场所消防安全检查、户外招牌设置一次申请，一窗受理，一次出件。",
        [("q1", "营业面积是否超过300平方米（公众聚集场所）？", YN), ("q2", "是否设置大型户外广告或招牌？", YN)],
        [
            ("食品经营许可", []),
            ("公众聚集场所投入使用、营业前消防安全检查", ["q1.y"]),
            ("设置大型户外广告审批", ["q2.y"]),
        ],
    ),
    BundleSpec(
        "YJS-XSE",
        "新生儿出生一件事",
        P,
        5,
        "国务院“高效办成一件事”重点事项清单（国办发〔2024〕3号）：出生一件事",
        "新巴尔虎右旗卫生健康委员会",
        "出生登记（户口）、预防接种证、城乡居民医保参保、社会保障卡一次办。",
        [("q1", "是否为新生儿申领社会保障卡？", YN)],
        [
            ("出生登记", []),
            ("儿童预防接种证办理", []),
            ("城乡居民基本医疗保险参保登记", []),
            ("社会保障卡申领", ["q1.y"]),
        ],
    ),
    BundleSpec(
        "YJS-TX",
        "退休一件事",
        P,
        20,
        "国办发〔2024〕3号：退休一件事；职工正常退休申请法定20个工作日",
        "新巴尔虎右旗人力资源和社会保障局",
        "职工正常退休申请、基本养老金申领、住房公积金提取一次办。",
        [("q1", "是否缴存住房公积金？", YN)],
        [
            ("职工正常退休（职）申请", []),
            ("企业职工基本养老金申领", []),
            ("住房公积金提取（离休、退休）", ["q1.y"]),
        ],
    ),
    BundleSpec(
        "YJS-BDC",
        "不动产登记和水电气过户",
        P,
        5,
        "不动产转移登记承诺3个工作日；水电气过户与登记联动办理（不动产登记“一窗受理”）",
        "新巴尔虎右旗不动产登记中心",
        "二手房转移登记、契税、供水、供电、燃气过户一次申请，一窗受理。",
        [("q1", "房屋是否通燃气？", YN)],
        [
            ("国有建设用地使用权及房屋所有权转移登记", []),
            ("契税征收", []),
            ("供水过户", []),
            ("供电过户", []),
            ("燃气过户", ["q1.y"]),
        ],
    ),
    BundleSpec(
        "YJS-QYZX",
        "企业注销一件事",
        E,
        5,
        "企业注销登记承诺1个工作日；各事项整体不超过5个工作日",
        "新巴尔虎右旗市场监督管理局",
        "注销登记、食品经营许可证注销一次办。",
        [("q1", "注销方式", [("a", "一般注销"), ("b", "简易注销（未开业或无债权债务）")]), ("q2", "是否持有食品经营许可证？", YN)],
        [("企业注销登记", ["q1.a"]), ("企业简易注销登记", ["q1.b"]), ("食品经营许可证注销", ["q2.y"])],
    ),
    BundleSpec(
        "YJS-KYD",
        "我要开药店",
        E,
        15,
        "药品经营许可（零售）承诺15个工作日",
        "新巴尔虎右旗市场监督管理局",
        "药品经营许可（零售）、食品经营许可（保健食品销售）、医保定点申请一次办。",
        [("q1", "是否销售保健食品、特殊医学用途配方食品？", YN), ("q2", "是否申请医保定点？", YN)],
        [("药品经营许可（零售）", []), ("食品经营许可", ["q1.y"]), ("零售药店医疗保障定点申请", ["q2.y"])],
    ),
    BundleSpec(
        "YJS-KCS",
        "我要开超市",
        E,
        10,
        "食品经营许可承诺5个工作日；消防安全检查承诺3个工作日",
        "新巴尔虎右旗市场监督管理局",
        "食品经营许可、公众聚集场所消防安全检查、户外招牌设置一次办。",
        [("q1", "营业面积是否超过300平方米（公众聚集场所）？", YN), ("q2", "是否设置大型户外广告或招牌？", YN)],
        [
            ("食品经营许可", []),
            ("公众聚集场所投入使用、营业前消防安全检查", ["q1.y"]),
            ("设置大型户外广告审批", ["q2.y"]),
        ],
    ),
    BundleSpec(
        "YJS-TYJR",
        "军人退役一件事",
        P,
        15,
        "国办发〔2024〕3号：退役军人服务一件事",
        "新巴尔虎右旗退役军人事务局",
        "档案接收、一次性经济补助金、优待证、医保参保一次办。",
        [("q1", "是否为自主就业退役士兵？", YN)],
        [
            ("退役军人档案接收", []),
            ("自主就业退役士兵一次性经济补助金给付", ["q1.y"]),
            ("退役军人优待证申领", []),
            ("城乡居民基本医疗保险参保登记", []),
        ],
    ),
    BundleSpec(
        "YJS-CJR",
        "残疾人服务一件事",
        P,
        20,
        "国办发〔2024〕3号：残疾人服务一件事",
        "新巴尔虎右旗残疾人联合会",
        "残疾人证新办、两项补贴、辅助器具补贴、残疾儿童康复救助一次办。",
        [("q1", "是否需要辅助器具？", YN), ("q2", "是否为0至6岁残疾儿童？", YN)],
        [
            ("残疾人证新办", []),
            ("残疾人两项补贴给付", []),
            ("残疾人辅助器具适配补贴", ["q1.y"]),
            ("残疾儿童康复救助", ["q2.y"]),
        ],
    ),
    BundleSpec(
        "YJS-SH",
        "身后一件事",
        P,
        5,
        "国办发〔2024〕3号：身后一件事",
        "新巴尔虎右旗民政局",
        "死亡户口注销、丧葬补助金和抚恤金、城乡居民养老保险注销一次办。",
        [("q1", "逝者是否为领取失业保险金人员？", YN), ("q2", "逝者是否参加城乡居民基本养老保险？", YN)],
        [
            ("死亡户口注销", []),
            ("失业人员丧葬补助金和抚恤金申领", ["q1.y"]),
            ("城乡居民基本养老保险注销登记", ["q2.y"]),
        ],
    ),
]

REQ, OPT = True, False
# 一次录入、大家共用: the form fields of the items the bundles use (keys of catalog/form_fields.py).
ITEM_FIELDS: dict[str, list[tuple[str, bool]]] = {
    "有限责任公司设立登记": [
        ("enterprise_name", REQ),
        ("enterprise_type", REQ),
        ("legal_representative", REQ),
        ("registered_capital", REQ),
        ("address", REQ),
        ("business_scope", REQ),
        ("employees", OPT),
    ],
    "公章刻制备案": [("enterprise_name", REQ), ("legal_representative", REQ), ("seal_kinds", REQ)],
    "“一照一码”户信息确认": [("enterprise_name", REQ), ("legal_representative", REQ), ("finance_officer", REQ), ("tax_officer", REQ)],
    "发票领用": [("enterprise_name", REQ), ("tax_officer", REQ)],
    "企业职工基本养老保险单位参保登记": [("enterprise_name", REQ), ("legal_representative", REQ), ("address", REQ), ("employees", REQ)],
    "企业银行预约开户": [("enterprise_name", REQ), ("legal_representative", REQ), ("bank_name", REQ)],
    "食品经营许可": [("enterprise_name", REQ), ("legal_representative", REQ), ("premises", REQ), ("food_business_type", REQ)],
    "公众聚集场所投入使用、营业前消防安全检查": [("enterprise_name", REQ), ("premises", REQ), ("premises_area", REQ)],
    "设置大型户外广告审批": [("enterprise_name", REQ), ("premises", REQ), ("signboard_text", REQ)],
    "出生登记": [
        ("baby_name", REQ),
        ("baby_gender", REQ),
        ("birth_date", REQ),
        ("birth_place", REQ),
        ("mother_name", REQ),
        ("father_name", OPT),
        ("household_address", REQ),
    ],
    "儿童预防接种证办理": [("baby_name", REQ), ("baby_gender", REQ), ("birth_date", REQ), ("mother_name", REQ)],
    "职工正常退休（职）申请": [("retiree_name", REQ), ("work_start_date", REQ), ("retirement_kind", REQ)],
    "企业职工基本养老金申领": [("retiree_name", REQ), ("bank_name", REQ), ("pension_account", REQ)],
    "住房公积金提取（离休、退休）": [("retiree_name", REQ), ("pension_account", REQ)],
    "国有建设用地使用权及房屋所有权转移登记": [("property_location", REQ), ("property_cert_no", REQ)],
    "契税征收": [("property_location", REQ)],
    "供水过户": [("property_location", REQ), ("water_account", REQ)],
    "供电过户": [("property_location", REQ), ("power_account", REQ)],
    "燃气过户": [("property_location", REQ), ("gas_account", REQ)],
    "企业注销登记": [("enterprise_name", REQ), ("uscc", REQ), ("legal_representative", REQ), ("deregistration_reason", REQ)],
    "企业简易注销登记": [("enterprise_name", REQ), ("uscc", REQ), ("legal_representative", REQ)],
    "食品经营许可证注销": [("enterprise_name", REQ), ("uscc", REQ)],
    "药品经营许可（零售）": [("enterprise_name", REQ), ("legal_representative", REQ), ("premises", REQ), ("premises_area", REQ)],
    "零售药店医疗保障定点申请": [("enterprise_name", REQ), ("premises", REQ)],
    "退役军人档案接收": [("discharge_date", REQ)],
    "自主就业退役士兵一次性经济补助金给付": [("discharge_date", REQ), ("pension_account", REQ)],
    "残疾人证新办": [("disability_kind", REQ)],
    "残疾人两项补贴给付": [("disability_kind", REQ), ("pension_account", REQ)],
    "死亡户口注销": [("deceased_name", REQ), ("death_date", REQ)],
    "失业人员丧葬补助金和抚恤金申领": [("deceased_name", REQ), ("death_date", REQ)],
    "城乡居民基本养老保险注销登记": [("deceased_name", REQ), ("death_date", REQ)],
}


def _extra_items() -> list[dict[str, Any]]:
    """Parts of bundles the catalog lacks: the bank appointment of 企业开办 (the 企业开办 platform
    passes the registration to the bank) and the utility transfers joined to 不动产登记."""
    from govhall.tests_support import item_payload

    def utility(code: str, name: str, basis: str) -> dict[str, Any]:
        return item_payload(
            code=code,
            name=name,
            item_type="20",
            department="新巴尔虎右旗住房和城乡建设局",
            legal_basis=basis,
            conditions="不动产已办理转移登记或同时申请转移登记。",
            audience=["person", "enterprise"],
            topics=["住房"],
            handling_type="promised",
            legal_limit_days=5,
            promised_limit_days=1,
            online_depth="full_online",
            tongban_scope="none",
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name=f"{name}结果",
            result_type="other",
            licence_type="",
            random_check=False,
            enterprise_permit=False,
            supervision_item=False,
            situations=[],
            materials=[
                {"name": "不动产权证书", "copies": 1, "licence_type": "不动产权证书", "shared_source": "不动产登记"},
                {"name": "过户申请表", "originals": 1},
            ],
            steps=[{"name": "审核", "role": "approver", "limit_days": 1}],
            fees=[],
            checklist=["户号与不动产坐落一致"],
            location="新巴尔虎右旗政务服务中心 C05 市政公用服务窗口",
        )

    bank = item_payload(
        code="152120901000",
        name="企业银行预约开户",
        item_type="20",
        department="新巴尔虎右旗市场监督管理局",
        legal_basis="《人民币银行结算账户管理办法》第十七条；《国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见》（国办发〔2022〕30号）",
        conditions="已申请设立登记的企业。",
        audience=["enterprise"],
        topics=["企业开办"],
        handling_type="instant",
        legal_limit_days=1,
        promised_limit_days=0,
        online_depth="full_online",
        tongban_scope="county",
        commitment_allowed=False,
        commitment_verify_days=None,
        rongque=False,
        result_name="银行开户预约回执",
        result_type="other",
        licence_type="",
        random_check=False,
        enterprise_permit=False,
        supervision_item=False,
        situations=[],
        materials=[{"name": "营业执照", "copies": 1, "licence_type": "营业执照", "shared_source": "市场主体登记"}],
        steps=[{"name": "受理", "role": "clerk", "limit_days": 0}],
        fees=[],
        checklist=["开户银行已选择"],
        location="新巴尔虎右旗政务服务中心 B01 企业开办专区",
    )
    return [
        bank,
        utility("152620901000", "供水过户", "《城市供水条例》第二十九条；《内蒙古自治区城市供水管理办法》"),
        utility("152620902000", "供电过户", "《电力供应与使用条例》第二十二条；《供电营业规则》第二十九条"),
        utility("152620903000", "燃气过户", "《城镇燃气管理条例》第十七条"),
    ]


def items_by_name(names: list[str]) -> dict[str, Item]:
    """The county-level items of these names (not a 苏木镇's 下放 copy), in use."""
    found: dict[str, Item] = {}
    for item in Item.objects.filter(name__in=names, status=Item.STATUS_ACTIVE).exclude(code__contains="-").order_by("code"):
        found.setdefault(item.name, item)
    return found


def form_fields_set(items: dict[str, Item]) -> int:
    """Write the items' form fields into their current versions (a demo-time setting of the
    catalog, like an admin's edit without a new version)."""
    changed = 0
    for name, fields in ITEM_FIELDS.items():
        item = items.get(name)
        if item is None or item.current_version_id is None:
            continue
        ItemVersion.objects.filter(pk=item.current_version_id).update(form_fields=[{"key": k, "required": r} for k, r in fields])
        changed += 1
    return changed


def bundles_define(specs: list[BundleSpec], *, centre: ServiceCentre | None, items: dict[str, Item]) -> dict[str, Bundle]:
    """Create the bundles of `specs` over the items found (an item missing from the catalog is left
    out). Returns them by code; an existing code is kept as it is."""
    out: dict[str, Bundle] = {}
    for seq, spec in enumerate(specs, start=1):
        existing = Bundle.objects.filter(code=spec.code).first()
        if existing is not None:
            out[spec.code] = existing
            continue
        lead = Department.objects.filter(name=spec.lead).first()
        bundle = Bundle.objects.create(
            code=spec.code,
            name=spec.name,
            audience=spec.audience,
            limit_days=spec.limit_days,
            limit_basis=spec.basis,
            lead_department=lead,
            centre=centre,
            description=spec.description,
            seq=seq,
        )
        options: dict[str, BundleOption] = {}
        for qi, (key, text, choices) in enumerate(spec.questions, start=1):
            question = BundleQuestion.objects.create(bundle=bundle, seq=qi, key=key, text=text)
            for oi, (okey, label) in enumerate(choices, start=1):
                options[f"{key}.{okey}"] = BundleOption.objects.create(question=question, seq=oi, key=okey, label=label)
        for ii, (name, refs) in enumerate(spec.items, start=1):
            item = items.get(name)
            if item is None:
                continue
            part = BundleItem.objects.create(bundle=bundle, item=item, seq=ii)
            if refs:
                part.options.set([options[r] for r in refs])
        out[spec.code] = bundle
    return out


# --- demo bundle cases ---------------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _working_day_before(day: dt.date, n: int) -> dt.date:
    try:
        while n > 0 or not is_working_day(day):
            day -= dt.timedelta(days=1)
            if is_working_day(day):
                n -= 1
    except CalendarError:
        return dt.date(2026, 11, 20)
    return day


def _decide_all(case, *, outcome: str = "approve", reason: str = "") -> None:
    """Every open step of the case done by a member of staff allowed to, the decision with `outcome`."""
    from govhall.cases.models import CaseTask
    from govhall.cases.permissions import can_do_task
    from govhall.cases.services import task_complete

    staff_cache: dict[tuple[str, int | None], list[User]] = {}
    for _round in range(12):
        tasks = list(CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).select_related("department", "case"))
        if not tasks:
            return
        for task in tasks:
            key = (task.role, task.department_id)
            if key not in staff_cache:
                qs = User.objects.filter(staff__isnull=False, is_active=True)
                qs = qs.filter(staff__window__isnull=False) if task.role == "clerk" else qs.filter(staff__department=task.department)
                staff_cache[key] = list(qs.order_by("id")[:40])
            actor = next((u for u in staff_cache[key] if can_do_task(u, task)), None)
            if actor is None:
                return
            result = outcome if task.is_decision else "approve"
            task_complete(actor=actor, task=task, outcome=result, opinion=reason if result == "reject" else "经审查，符合法定条件。")


def _demo_cases(bundles: dict[str, Bundle], *, report: Any, log: Callable[[str], None]) -> None:
    from govhall.bundles.selectors import bundle_plan
    from govhall.bundles.services import (
        Upload,
        bundle_case_accept,
        bundle_case_deliver,
        bundle_case_submit,
        bundle_case_sync,
    )

    pdf = b"%PDF-1.4\n% demo bundle material\n"
    clerk = User.objects.filter(staff__window__number="A01", staff__window__centre__name=CENTRE).order_by("id").first()
    enterprises = list(
        Enterprise.objects.filter(legal_representative__user__isnull=False).select_related("legal_representative").order_by("id")[:4]
    )
    people = list(Person.objects.filter(user__isnull=False).order_by("id")[:4])
    if clerk is None or not enterprises or not people:
        log("一件事：没有窗口人员或申请人账号，未生成示例办件")
        return
    today = timezone.localdate()

    def submit(bundle: Bundle, when: dt.datetime, *, answers: list[str], values: dict[str, str], enterprise=None, person=None):
        plan = bundle_plan(bundle, answers)
        uploads = {
            pm.identity: Upload(pdf, f"{pm.name}.pdf") for pm in plan.materials if not (pm.identity.startswith(("licence:", "shared:")))
        }
        holder = enterprise.legal_representative if enterprise else person
        with mock.patch("django.utils.timezone.now", return_value=when):
            return bundle_case_submit(
                actor=holder.user,
                bundle=bundle,
                applicant_enterprise=enterprise,
                applicant_person=None if enterprise else person,
                channel="online",
                answers=answers,
                values=values,
                contact={
                    "contact_name": holder.name,
                    "contact_phone": holder.phone,
                    "address": holder.address or "新巴尔虎右旗阿拉坦额莫勒镇",
                },
                uploads=uploads,
            )

    def accept(bundle_case, when: dt.datetime):
        with mock.patch("django.utils.timezone.now", return_value=when):
            return bundle_case_accept(actor=clerk, bundle_case=bundle_case)

    def decide(bundle_case, when: dt.datetime, *, refuse: set[str] = frozenset(), only: set[str] | None = None):  # type: ignore[assignment]
        with mock.patch("django.utils.timezone.now", return_value=when):
            for part in bundle_case.parts.select_related("item", "case"):
                if only is not None and part.item.name not in only:
                    continue
                refused = part.item.name in refuse
                _decide_all(part.case, outcome="reject" if refused else "approve", reason="经现场核查，安全出口数量不符合要求。")
            bundle_case_sync(bundle_case)

    def deliver(bundle_case, when: dt.datetime):
        with mock.patch("django.utils.timezone.now", return_value=when):
            bundle_case_sync(bundle_case)
            return bundle_case_deliver(actor=clerk, bundle_case=bundle_case, method="electronic")

    made = 0
    company = enterprises[0]
    representative = company.legal_representative
    assert representative is not None
    start = bundles.get("YJS-QYKB")
    if start is not None and start.bundle_items.exists():
        # 企业开办 in one working day: submitted 09:05, accepted 09:30, every item decided by 15:00,
        # delivered at 16:00 the same day.
        d1 = _working_day_before(today, 12)
        values = {
            "enterprise_name": "新巴尔虎右旗草原云商贸有限公司",
            "enterprise_type": "有限责任公司",
            "legal_representative": representative.name,
            "registered_capital": "50",
            "address": "新巴尔虎右旗阿拉坦额莫勒镇呼伦大街18号",
            "business_scope": "日用百货、农畜产品销售；电子商务（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            "employees": "6",
            "seal_kinds": "法定名称章、财务专用章、发票专用章",
            "finance_officer": representative.name,
            "tax_officer": representative.name,
            "bank_name": "中国农业银行新巴尔虎右旗支行",
        }
        bc = submit(start, _at(d1, 9, 5), answers=["q1.y", "q2.y"], values=values, enterprise=company)
        bc = accept(bc, _at(d1, 9, 30))
        decide(bc, _at(d1, 14, 50))
        deliver(bc, _at(d1, 16, 0))
        made += 1
        # And one accepted this morning, its items being handled in parallel.
        d2 = _working_day_before(today, 0)
        bc = submit(
            start,
            _at(d2, 8, 40),
            answers=["q1.n", "q2.y"],
            values={**values, "enterprise_name": "新巴尔虎右旗牧野乳业有限公司"},
            enterprise=enterprises[-1],
        )
        accept(bc, _at(d2, 9, 0))
        decide(bc, _at(d2, 9, 40), only={"公章刻制备案", "企业银行预约开户"})
        made += 1
    restaurant = bundles.get("YJS-KFD")
    if restaurant is not None and restaurant.bundle_items.exists():
        d3 = _working_day_before(today, 9)
        values = {
            "enterprise_name": company.name,
            "legal_representative": representative.name,
            "premises": "新巴尔虎右旗阿拉坦额莫勒镇贝尔路6号",
            "food_business_type": "餐饮服务经营者",
            "premises_area": "460",
            "signboard_text": "草原人家手把肉",
        }
        bc = submit(restaurant, _at(d3, 10, 0), answers=["q1.y", "q2.y"], values=values, enterprise=company)
        accept(bc, _at(d3, 10, 20))
        # The fire check finds too few exits: refused; the food permit and the sign stand.
        decide(bc, _at(_working_day_before(today, 6), 15, 0), refuse={"公众聚集场所投入使用、营业前消防安全检查"})
        deliver(bc, _at(_working_day_before(today, 6), 16, 0))
        made += 1
    birth = bundles.get("YJS-XSE")
    if birth is not None and birth.bundle_items.exists():
        mother = people[0]
        born = today - dt.timedelta(days=9)
        bc = submit(
            birth,
            _at(_working_day_before(today, 0), 8, 50),
            answers=["q1.y"],
            values={
                "baby_name": "乌日汗",
                "baby_gender": "女",
                "birth_date": born.isoformat(),
                "birth_place": "新巴尔虎右旗人民医院",
                "mother_name": mother.name,
                "household_address": mother.address or "新巴尔虎右旗阿拉坦额莫勒镇",
            },
            person=mother,
        )
        made += 1  # waiting for the one acceptance
    retire = bundles.get("YJS-TX")
    if retire is not None and retire.bundle_items.exists() and len(people) > 1:
        worker = people[1]
        d4 = _working_day_before(today, 4)
        bc = submit(
            retire,
            _at(d4, 9, 20),
            answers=["q1.y"],
            values={
                "retiree_name": worker.name,
                "work_start_date": "1986-07-01",
                "retirement_kind": "正常退休",
                "bank_name": "内蒙古农村信用社新巴尔虎右旗联社",
                "pension_account": "6228480478123456789",
            },
            person=worker,
        )
        accept(bc, _at(d4, 9, 45))
        made += 1
    estate = bundles.get("YJS-BDC")
    if estate is not None and estate.bundle_items.exists() and len(people) > 2:
        buyer = people[2]
        d5 = _working_day_before(today, 3)
        bc = submit(
            estate,
            _at(d5, 10, 10),
            answers=["q1.y"],
            values={
                "property_location": "新巴尔虎右旗阿拉坦额莫勒镇克鲁伦小区3号楼2单元301室",
                "property_cert_no": "蒙（2019）新巴尔虎右旗不动产权第0001234号",
                "water_account": "XB0301234",
                "power_account": "0451203377",
                "gas_account": "RQ20190088",
            },
            person=buyer,
        )
        accept(bc, _at(d5, 10, 30))
        decide(bc, _at(_working_day_before(today, 1), 11, 0))
        made += 1
    report.created["bundle_cases"] += made


def load_bundles_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    if Bundle.objects.exists():
        return
    from govhall.catalog.services import item_create

    for payload in _extra_items():
        if not Item.objects.filter(code=payload["code"]).exists():
            item_create(actor=None, data=payload)
            report.created["items"] += 1
    names = sorted({name for spec in BUNDLES for name, _refs in spec.items} | set(ITEM_FIELDS))
    items = items_by_name(names)
    missing = [n for n in names if n not in items]
    if missing:
        log(f"一件事：目录中没有这些事项，已跳过：{'、'.join(missing)}")
    report.created["item_form_fields"] += form_fields_set(items)
    centre = ServiceCentre.objects.filter(name=CENTRE).first()
    bundles = bundles_define(BUNDLES, centre=centre, items=items)
    report.created["bundles"] += len(bundles)
    _demo_cases(bundles, report=report, log=log)
    log(f"一件事一次办：{len(bundles)} 个套餐，{report.created['bundle_cases']} 件示例办件")
