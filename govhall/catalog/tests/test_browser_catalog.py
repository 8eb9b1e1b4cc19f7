"""Browser journey through the public catalog: find an item by pinyin initials, choose a situation,
download the one-time notice (CAT-2, CAT-4, CAT-5). Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_applicant_finds_item_by_pinyin_chooses_situation_and_downloads_notice(browser_page, live_county):
    from playwright.sync_api import expect

    page = browser_page
    page.goto("/catalog/")
    expect(page.get_by_role("heading", name="办事指南", level=1)).to_be_visible()
    expect(page.locator("#results")).to_contain_text("居民身份证换领")
    _shot(page, "catalog-list")

    # Typing searches as you type (htmx swaps #results); the URL follows so the search can be shared.
    page.locator("#q").press_sequentially("spjy", delay=60)
    expect(page.locator("#results")).not_to_contain_text("居民身份证换领")
    expect(page.locator("#results .item-name")).to_have_text(["食品经营许可证核发"])
    expect(page).to_have_url(re.compile(r"/catalog/\?q=spjy$"))
    expect(page.locator("#results")).to_contain_text("共找到 1 项事项")
    _shot(page, "catalog-search-spjy")

    page.get_by_role("link", name="食品经营许可证核发").click()
    expect(page.get_by_role("heading", name="食品经营许可证核发", level=1)).to_be_visible()
    materials = page.locator("#materials tbody")
    expect(materials).to_contain_text("经营者身份证")
    expect(materials).to_contain_text("法定代表人身份证明")

    # 申请人类型 = 企业: the list narrows to the enterprise's materials without a page load.
    page.locator("fieldset", has_text="申请人类型").get_by_label("企业").check()
    expect(page.locator(".situation-summary")).to_contain_text("根据您的情形，需要提交以下4份材料")
    expect(materials).to_contain_text("法定代表人身份证明")
    expect(materials).not_to_contain_text("经营者身份证")
    expect(page).to_have_url(re.compile(r"\?s=q1\.a$"))
    page.evaluate("window.scrollTo(0, 0)")  # the sticky side panel is drawn where the page is scrolled
    _shot(page, "catalog-item-situation")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载一次性告知单（PDF）").click()
    download = download_info.value
    assert download.suggested_filename == "一次性告知单-食品经营许可证核发.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one column, tables scroll
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "catalog-item-phone")


def test_ten_lists_page_links_to_each_list(browser_page, live_county):
    from playwright.sync_api import expect

    page = browser_page
    page.goto("/catalog/lists/")
    expect(page.locator(".list-card")).to_have_count(10)
    _shot(page, "catalog-lists")
    page.locator(".list-card", has_text="权责清单").click()
    expect(page.get_by_role("heading", name="权责清单", level=1)).to_be_visible()
    expect(page.locator("#results")).to_contain_text("追责情形")
    _shot(page, "catalog-list-power")

    # Another list from the filter: results, heading and address change together.
    page.get_by_label("清单").select_option(label="公共服务事项清单")
    expect(page.get_by_role("heading", level=1)).to_have_text("公共服务事项清单")
    expect(page.locator("#results .item-name")).to_have_text(["居民身份证换领"])
    expect(page).to_have_url(re.compile(r"/catalog/\?list=public_service$"))
