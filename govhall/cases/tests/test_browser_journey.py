"""The main journey of issue 4 in a browser: a person applies online for a 承诺件 reviewed by two
departments, a clerk accepts it with 容缺, the person supplements, both departments approve in
parallel, the section head decides, the licence is made and delivered, and the person sees it done
with a due date computed across the National Day holiday."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.applicants.services import person_register
from govhall.browser_steps import approve_task, clock_from, sign_in, sign_out
from govhall.cases.services import process_bind

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Wednesday before 国庆: 10-01..10-07 are holidays and Saturday 10-10 is a make-up workday (调休),
# so a 5-working-day limit from 09-30 ends on 10-13 (a weekday count would say 10-07).
ACCEPT_DAY = dt.datetime(2026, 9, 30, 9, 0)
DUE = "2026-10-13"


@pytest.fixture
def joint_food(live_county):
    """食品经营许可 reviewed jointly by 市场监管局 and 公安局, and the applicant's person record."""
    food = live_county.items["food"]
    process_bind(actor=live_county.users["sysadmin"], item=food, reason="会商联审", co_departments=[live_county.departments["公安局"]])
    person_register(actor=live_county.users["clerk"], name="张三", id_number="150727200501011232", user=live_county.users["applicant"])
    return food


@pytest.fixture
def on_accept_day():
    """Every part of the server sees the clock start on ACCEPT_DAY and run on from there."""
    with clock_from(ACCEPT_DAY):
        yield


def test_person_applies_clerk_accepts_with_rongque_two_departments_approve_and_result_is_delivered(
    joint_food, on_accept_day, browser_page, tmp_path
):
    from playwright.sync_api import expect

    page = browser_page
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(PDF)

    # The person applies online as a 个体工商户 selling chilled food, without the 冷藏冷冻设施清单.
    sign_in(page, "applicant", applicant=True)
    page.goto(f"/apply/{joint_food.code}/")
    page.locator("fieldset", has_text="申请人类型").get_by_label("个体工商户").check()
    page.locator("fieldset", has_text="是否经营冷藏冷冻食品").get_by_label("是").check()
    materials = page.locator("#apply-materials")
    # Each answer re-draws the material list (htmx): choose the files once it has settled.
    expect(materials).to_contain_text("冷藏冷冻设施清单")
    expect(materials).not_to_contain_text("法定代表人身份证明")
    page.wait_for_load_state("networkidle")
    for name in ("食品经营许可申请书", "营业执照", "经营者身份证", "与食品经营相适应的主要设备设施布局、操作流程等文件"):
        page.get_by_label(name, exact=True).set_input_files(str(scan))
    page.get_by_label("联系电话").fill("13800001234")
    page.get_by_label("通讯地址").fill("新巴尔虎右旗阿拉坦额莫勒镇宝格德乌拉街1号")
    page.get_by_label("申请事项说明").fill("开办冷饮店，经营冷藏冷冻食品。")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator(".confirm-codes dd").nth(0).inner_text().strip()
    sign_out(page)

    # The clerk at the comprehensive window accepts it with 容缺 for the missing list.
    sign_in(page, "clerk")
    page.goto("/staff/cases/window/")
    page.locator("#queue tr", has_text=number).get_by_role("link", name="预审").click()
    page.locator("tr", has_text="冷藏冷冻设施清单").get_by_label("缺少").check()
    rongque = page.locator("fieldset", has_text="容缺受理")
    rongque.get_by_label("冷藏冷冻设施清单").check()
    rongque.get_by_label("申请人的书面承诺").fill("本人承诺在10个工作日内补交冷藏冷冻设施清单，逾期未补交的自愿承担相应责任。")
    rongque.get_by_label("补齐期限（工作日）").fill("10")
    page.get_by_role("button", name="容缺受理").click()
    expect(page.locator("main")).to_contain_text("容缺受理通知书")
    sign_out(page)

    # Both departments review in parallel; the decision cannot be taken before the materials arrive.
    approve_task(page, "approver", "会商审查")
    approve_task(page, "police_approver", "会商审查")
    sign_in(page, "section_head")
    page.goto("/staff/cases/approval/")
    page.locator(".task-list tbody tr", has_text="联审决定").get_by_role("link", name="办理").click()
    expect(page.locator("#task")).to_contain_text("容缺材料尚未补齐")
    sign_out(page)

    # The person brings the missing list online.
    sign_in(page, "applicant", applicant=True)
    page.goto("/my/cases/")
    page.locator(".case-table tr", has_text=number).get_by_role("link").first.click()
    section = page.locator("#rongque")
    section.get_by_label("冷藏冷冻设施清单").set_input_files(str(scan))
    section.get_by_role("button", name="确认已补齐").click()
    expect(page.locator("#rongque")).to_have_count(0)
    sign_out(page)

    # The section head decides, the licence is made, the window delivers electronically.
    approve_task(page, "section_head", "联审决定")
    approve_task(page, "approver", "制证")
    sign_in(page, "clerk")
    page.goto("/staff/cases/window/")
    page.locator("#deliveries tr", has_text=number).get_by_role("link", name="送达").click()
    page.locator("#deliver").get_by_label("电子送达").check()
    page.locator("#deliver").get_by_role("button", name="确认送达").click()
    expect(page.locator("main")).to_contain_text("已办结")
    sign_out(page)

    # The person sees it done, approved, with the due date counted across the holiday.
    sign_in(page, "applicant", applicant=True)
    page.goto("/my/cases/")
    row = page.locator(".case-table tr", has_text=number)
    expect(row).to_contain_text("已办结")
    row.get_by_role("link").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("准予")
    expect(main).to_contain_text(DUE)
    expect(main).to_contain_text("准予决定书")
