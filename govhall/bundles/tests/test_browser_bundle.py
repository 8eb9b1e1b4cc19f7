"""我要开办企业 in a browser (ONE-1, ONE-5): an enterprise applies for the bundle; its prior
business licence pre-fills the one form; the clerk accepts once; the two departments approve in
parallel; the clerk delivers once; the new 营业执照 verifies from its QR page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from govhall.applicants.services import enterprise_register, person_register
from govhall.browser_steps import approve_task, clock_from, sign_in, sign_out
from govhall.catalog.services import item_create
from govhall.demo.bundles_demo import BundleSpec, bundles_define
from govhall.tests_support import item_payload

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Monday 2026-06-15, 09:00: the whole bundle is done the same day (its limit is 1 working day).
START = dt.datetime(2026, 6, 15, 9, 0)
COMPANY = "呼伦贝尔草原云商贸有限公司"
USCC = "91150727MA0N12345X"
SCOPE = "日用百货、农畜产品销售（依法须经批准的项目，经相关部门批准后方可开展经营活动）"


def _licence_type(code: str):
    from govhall.licences.models import LicenceType
    from govhall.licences.registry import TYPES

    row = next(t for t in TYPES if t[0] == code)
    found, _created = LicenceType.objects.get_or_create(
        code=code,
        defaults={
            "name": row[1],
            "number_prefix": row[2],
            "issuer_kind": row[3],
            "holder_kind": row[4],
            "validity_years": row[5],
            "fields": row[6],
            "issued_here": row[7],
        },
    )
    return found


@pytest.fixture
def start_up(live_county):
    """The 我要开办企业 bundle over two items (设立登记 at 市场监管局, 公章刻制备案 at 公安局), and an
    enterprise holding a valid 营业执照 e-licence."""
    from govhall.licences.services import licence_issue

    business = _licence_type("YYZZ")
    fields = [
        {"key": k, "required": True}
        for k in ("enterprise_name", "enterprise_type", "legal_representative", "registered_capital", "address", "business_scope")
    ]
    registration = item_create(
        actor=None,
        data=item_payload(
            code="000112001000",
            name="有限责任公司设立登记",
            item_type="01",
            legal_basis="《中华人民共和国市场主体登记管理条例》第三条",
            audience=["enterprise"],
            topics=["企业开办"],
            legal_limit_days=3,
            promised_limit_days=1,
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name="营业执照",
            result_type="licence",
            licence_type="营业执照",
            situations=[],
            materials=[
                {"name": "公司登记（备案）申请书", "originals": 1},
                {"name": "住所（经营场所）使用证明", "copies": 1},
                {"name": "法定代表人身份证明", "copies": 1, "shared_source": "人口户籍"},
            ],
            steps=[
                {"name": "登记审查", "role": "approver", "limit_days": 0},
                {"name": "登记决定", "role": "leader", "limit_days": 0},
                {"name": "制证", "role": "certifier", "limit_days": 1},
            ],
            checklist=["申请书填写完整"],
            form_fields=fields,
        ),
    )
    seal = item_create(
        actor=None,
        data=item_payload(
            code="000107021000",
            name="公章刻制备案",
            item_type="10",
            department="新巴尔虎右旗公安局",
            legal_basis="《印铸刻字业暨公章刻制治安管理办法》",
            audience=["enterprise"],
            topics=["企业开办"],
            legal_limit_days=1,
            promised_limit_days=1,
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name="公章刻制备案回执",
            result_type="other",
            licence_type="",
            situations=[],
            materials=[
                {"name": "印章刻制申请表", "originals": 1},
                {"name": "营业执照", "copies": 1, "licence_type": "营业执照"},
                {"name": "住所（经营场所）使用证明（复印件）", "copies": 1},
                {"name": "法定代表人身份证明", "copies": 1, "shared_source": "人口户籍"},
            ],
            steps=[{"name": "备案审核", "role": "approver", "limit_days": 0}, {"name": "备案决定", "role": "leader", "limit_days": 1}],
            fees=[],
            checklist=["印模符合规定"],
            form_fields=[{"key": "enterprise_name", "required": True}, {"key": "legal_representative", "required": True}],
        ),
    )
    spec = BundleSpec(
        "YJS-QYKB",
        "我要开办企业",
        "enterprise",
        1,
        "企业开办全流程1个工作日内办结",
        "新巴尔虎右旗市场监督管理局",
        "营业执照、公章刻制一表申请、一窗受理、并联办理。",
        [("q1", "是否需要刻制公章？", [("y", "是"), ("n", "否")])],
        [("有限责任公司设立登记", []), ("公章刻制备案", ["q1.y"])],
    )
    bundle = bundles_define([spec], centre=live_county.centre, items={i.name: i for i in (registration, seal)})["YJS-QYKB"]
    person = person_register(
        actor=live_county.users["clerk"], name="张三", id_number="150727200501011232", user=live_county.users["applicant"]
    )
    enterprise = enterprise_register(
        actor=live_county.users["clerk"],
        name=COMPANY,
        uscc=USCC,
        legal_representative_name="张三",
        legal_representative=person,
    )
    prior = licence_issue(
        actor=None,
        licence_type=business,
        department=live_county.departments["市场监管局"],
        holder=enterprise,
        data={
            "名称": COMPANY,
            "类型": "有限责任公司",
            "法定代表人": "张三",
            "经营范围": SCOPE,
            "注册资本": "50万元人民币",
            "成立日期": "2021-04-06",
            "住所": "新巴尔虎右旗阿拉坦额莫勒镇呼伦大街18号",
        },
        valid_from=dt.date(2021, 4, 6),
    )
    return bundle, enterprise, prior


@pytest.fixture
def on_start_day():
    with clock_from(START):
        yield


def test_an_enterprise_starts_up_through_one_bundle_finished_the_same_day_and_its_licence_verifies(
    start_up, on_start_day, browser_page, tmp_path
):
    from playwright.sync_api import expect

    page = browser_page
    shots = Path(os.environ.get("BUNDLES_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(PDF)

    # The list of bundles, then 我要开办企业.
    sign_in(page, "applicant", applicant=True)
    page.goto("/bundles/")
    expect(page.locator("main")).to_contain_text("我要开办企业")
    page.screenshot(path=str(shots / "bundle_list.png"), full_page=True)
    page.get_by_role("link", name="我要开办企业").click()

    # The one form is pre-filled from the enterprise's valid 营业执照 (一次录入、大家共用).
    expect(page.locator("#id_ff_enterprise_name")).to_have_value(COMPANY)
    expect(page.locator("#id_ff_legal_representative")).to_have_value("张三")
    expect(page.locator("#id_ff_registered_capital")).to_have_value("50")
    expect(page.locator("#id_ff_address")).to_have_value("新巴尔虎右旗阿拉坦额莫勒镇呼伦大街18号")
    expect(page.locator("#id_ff_business_scope")).to_have_value(SCOPE)
    expect(page.locator("#id_ff_enterprise_type")).to_have_value("有限责任公司")
    expect(page.locator("main")).to_contain_text("已从电子证照：营业执照预填")

    page.locator("fieldset", has_text="是否需要刻制公章").get_by_label("是").check()
    plan = page.locator("#bundle-plan")
    expect(plan).to_contain_text("公章刻制备案")
    page.wait_for_load_state("networkidle")
    # The enterprise name is asked once for both items; the 营业执照 is not asked for at all.
    expect(page.locator("[name=ff_enterprise_name]")).to_have_count(1)
    materials = page.locator("table.bundle-materials")
    expect(materials.locator("tr", has_text="营业执照")).to_contain_text("已关联电子证照")
    expect(materials.locator("tbody tr", has_text="住所（经营场所）使用证明")).to_have_count(1)
    for name in ("公司登记（备案）申请书", "住所（经营场所）使用证明", "法定代表人身份证明", "印章刻制申请表"):
        page.get_by_label(name, exact=True).set_input_files(str(scan))
    page.get_by_label("联系电话").fill("13800001234")
    page.screenshot(path=str(shots / "bundle_apply.png"), full_page=True)
    page.get_by_role("button", name="一次提交").click()
    expect(page.locator("h1")).to_contain_text("我要开办企业")
    expect(page.locator(".bundle-progress tbody tr")).to_have_count(2)
    number = page.locator("dl.facts dd.mono").first.inner_text().strip()
    sign_out(page)

    # The clerk sees the bundle once and accepts every item at once.
    sign_in(page, "clerk")
    page.goto("/staff/bundles/")
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("有限责任公司设立登记")
    page.screenshot(path=str(shots / "bundle_queue.png"), full_page=True)
    row.get_by_role("link", name="预审受理").click()
    page.get_by_role("button", name="一次受理全部事项").click()
    expect(page.locator("main")).to_contain_text("并联办理中")
    expect(page.locator("main")).to_contain_text("2026-06-16")  # 1 working day
    sign_out(page)

    # The two departments, in parallel.
    # (the default process names its steps 审查, 决定, 制证)
    approve_task(page, "approver", "审查")
    approve_task(page, "police_approver", "审查")
    approve_task(page, "section_head", "决定")
    approve_task(page, "police_head", "决定")
    approve_task(page, "approver", "制证")

    # One delivery.
    sign_in(page, "clerk")
    page.goto("/staff/bundles/")
    page.locator("tr", has_text=number).get_by_role("link", name="一次出件").click()
    page.get_by_label("送达方式").select_option(label="电子送达")
    page.get_by_role("button", name="一次出件").click()
    expect(page.locator("header .badge").first).to_have_text("已办结")
    sign_out(page)

    # The applicant sees it done the same day, with the new licence, which verifies from its QR page.
    sign_in(page, "applicant", applicant=True)
    page.goto("/my/bundles/")
    page.get_by_role("link", name=number).click()
    main = page.locator("main")
    expect(main).to_contain_text("当日办结")
    expect(page.locator(".bundle-progress")).to_contain_text("准予")
    page.screenshot(path=str(shots / "bundle_case.png"), full_page=True)
    page.locator(".bundle-progress").get_by_role("link", name="电子证照：营业执照").click()
    expect(main).to_contain_text("证照有效")
    expect(main).to_contain_text("SM2 签名有效")
    expect(main).to_contain_text(COMPANY)
