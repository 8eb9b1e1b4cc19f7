"""The main journey of issue 6 in a browser: a person takes a ticket at the kiosk, the clerk at
window A01 calls it, the hall's display board shows the call, the clerk serves and finishes it,
the person rates the service 非常不满意 from the ticket's QR page, and the 差评 follow-up appears
for the centre admin with its deadlines counted in working days across the National Day holiday."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govhall.browser_steps import clock_from, sign_in
from govhall.hall.models import BusinessType

pytestmark = pytest.mark.browser

# Wednesday 2026-09-30, before 国庆 (10-01..10-07 holidays, Saturday 10-10 a make-up workday): a
# 差评 given today must be verified within 3 working days (by 10-10) and closed within 15 (10-27).
RATING_DAY = dt.datetime(2026, 9, 30, 9, 30)
VERIFY_BY = "2026-10-10"
CLOSE_BY = "2026-10-27"


@pytest.fixture
def hall(live_county):
    """The county centre takes tickets for 综合业务 (prefix A), served at window A01."""
    business_type = BusinessType.objects.create(centre=live_county.centre, name="综合业务", prefix="A")
    business_type.windows.set([live_county.windows["综合1"]])
    return live_county.centre


@pytest.fixture
def on_rating_day():
    """Every part of the server sees the clock start on RATING_DAY and run on from there."""
    with clock_from(RATING_DAY):
        yield


def test_kiosk_ticket_is_called_shown_on_the_board_rated_very_dissatisfied_and_followed_up(hall, on_rating_day, browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page

    # At the kiosk: 取号 → 综合业务 → the slip with number A001.
    page.goto(f"/kiosk/{hall.pk}/")
    page.get_by_role("link", name=re.compile("取号")).click()
    page.get_by_role("button", name=re.compile("综合业务")).click()
    expect(page.locator(".slip-number")).to_have_text("A001")
    expect(page.locator(".slip-ahead")).to_contain_text("下一位就是您")
    token = re.search(r"/ticket/([^/]+)/", page.url).group(1)  # what the slip's QR code carries

    # The clerk at A01 calls the next ticket.
    browser = page.context.browser
    clerk_page = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    sign_in(clerk_page, "clerk")
    clerk_page.goto("/staff/hall/desk/")
    clerk_page.get_by_role("button", name="叫号", exact=True).click()
    expect(clerk_page.locator("main")).to_contain_text("A001")

    # The hall's display board shows the call by itself (it polls).
    board = page.context.new_page()
    board.goto(f"/hall/board/{hall.pk}/")
    expect(board.locator(".board-latest")).to_contain_text("A001")
    expect(board.locator(".board-latest")).to_contain_text("A01")

    # The clerk serves the person and finishes.
    clerk_page.get_by_role("button", name="开始办理").click()
    clerk_page.get_by_role("button", name="办结", exact=True).click()
    expect(clerk_page.get_by_role("button", name="叫号", exact=True)).to_be_visible()

    # The person scans the slip's QR code: the ticket page offers the rating once the service is done.
    page.goto(f"/hall/t/{token}/")
    page.get_by_role("link", name=re.compile("评价本次服务")).click()
    page.locator("label.level-1").click()
    page.locator(".tag-group.bad label.tag").first.click()
    page.locator("#id_comment").fill("窗口人员态度生硬，材料问题没有一次说清楚。")
    page.locator("details.rate-contact summary").click()
    page.locator("#id_rater_name").fill("张三")
    page.locator("#id_rater_phone").fill("13904701234")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("main")).to_contain_text("感谢")

    # The centre admin sees the 差评 follow-up with its deadlines.
    admin_page = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    sign_in(admin_page, "centre_admin")
    admin_page.goto("/staff/ratings/followups/")
    row = admin_page.locator("tbody tr", has_text="非常不满意")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("A01")
    expect(row).to_contain_text(VERIFY_BY)
    expect(row).to_contain_text(CLOSE_BY)
