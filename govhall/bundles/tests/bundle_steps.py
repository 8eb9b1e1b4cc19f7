"""A small bundle for the tests: 我要开饭店 with the county's 食品经营许可 (市场监管局) and a
公众聚集场所 fire check (公安局): both need 企业名称 and the same layout file."""

from __future__ import annotations

import datetime as dt

from govhall.bundles.models import Bundle, BundleItem, BundleOption, BundleQuestion
from govhall.bundles.services import Upload, bundle_case_submit
from govhall.cases.models import Case, CaseTask
from govhall.cases.permissions import can_do_task
from govhall.cases.services import task_complete
from govhall.catalog.models import Item
from govhall.catalog.services import item_create
from govhall.tests_support import item_payload

PDF = b"%PDF-1.4\n% bundle test\n"
LAYOUT = "与食品经营相适应的主要设备设施布局、操作流程等文件"
FIRE = "公众聚集场所投入使用、营业前消防安全检查"


def fire_item() -> Item:
    return item_create(
        actor=None,
        data=item_payload(
            code="000107009000",
            name=FIRE,
            department="新巴尔虎右旗公安局",
            legal_basis="《中华人民共和国消防法》第十五条",
            audience=["enterprise"],
            topics=["餐饮服务"],
            legal_limit_days=10,
            promised_limit_days=3,
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name="消防安全检查合格证",
            result_type="other",
            licence_type="",
            situations=[],
            materials=[
                {"name": "公众聚集场所投入使用、营业前消防安全检查申请表", "originals": 1},
                # The same document as the food item's, spelled with different punctuation.
                {"name": "与食品经营相适应的主要设备设施布局、操作流程等文件（复印件）", "originals": 1},
                {"name": "营业执照", "copies": 1, "licence_type": "营业执照"},
            ],
            steps=[{"name": "审查", "role": "approver", "limit_days": 2}, {"name": "决定", "role": "leader", "limit_days": 1}],
            fees=[],
            checklist=["场所符合消防技术标准"],
            form_fields=[{"key": "enterprise_name", "required": True}, {"key": "premises_area", "required": True}],
        ),
    )


def build_test_bundle(county) -> Bundle:
    food = county.items["food"]
    _set_fields(food, [{"key": "enterprise_name", "required": True}, {"key": "food_business_type", "required": True}])
    fire = fire_item()
    bundle = Bundle.objects.create(
        code="YJS-TEST",
        name="我要开饭店",
        audience=Bundle.AUDIENCE_ENTERPRISE,
        limit_days=5,
        centre=county.centre,
        lead_department=county.departments["市场监管局"],
    )
    question = BundleQuestion.objects.create(bundle=bundle, seq=1, key="q1", text="营业面积是否超过300平方米（公众聚集场所）？")
    BundleOption.objects.create(question=question, seq=1, key="y", label="是")
    BundleOption.objects.create(question=question, seq=2, key="n", label="否")
    BundleItem.objects.create(bundle=bundle, item=food, seq=1, item_answers=["q1.a", "q2.n"])
    fire_part = BundleItem.objects.create(bundle=bundle, item=fire, seq=2)
    fire_part.options.set([question.options.get(key="y")])
    return bundle


def _set_fields(item: Item, fields: list[dict]) -> None:
    version = item.current
    version.form_fields = fields
    version.save(update_fields=["form_fields"])


def submit_bundle(county, bundle, enterprise, *, key: str | None = "b1", uploads=None, values=None) -> object:
    from govhall.bundles.selectors import bundle_plan

    plan = bundle_plan(bundle, ["q1.y"])
    layout = next(pm for pm in plan.materials if pm.name == LAYOUT)
    return bundle_case_submit(
        actor=county.users["applicant"],
        bundle=bundle,
        applicant_enterprise=enterprise,
        channel=Case.CHANNEL_ONLINE,
        answers=["q1.y"],
        values=values
        if values is not None
        else {"enterprise_name": "呼伦贝尔草原餐饮有限公司", "food_business_type": "餐饮服务经营者", "premises_area": "420"},
        contact={"contact_name": "张三", "contact_phone": "13800001234", "address": "宝格德乌拉街1号"},
        uploads=uploads if uploads is not None else {layout.identity: Upload(PDF, "布局.pdf")},
        idempotency_key=key,
    )


def decide(case: Case, users: dict, *, outcome: str = "approve") -> None:
    """Every open step done by someone allowed to; the decision step with `outcome`."""
    for _round in range(12):
        tasks = list(CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).select_related("department", "case"))
        if not tasks:
            return
        for task in tasks:
            actor = next(u for u in users.values() if can_do_task(u, task))
            result = outcome if task.is_decision else "approve"
            task_complete(actor=actor, task=task, outcome=result, opinion="不符合条件" if result == "reject" else "符合条件")


def day(d: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(d, dt.time(hour, 0)))
