"""The 监管大屏 in a browser: the charts draw, the red department leads to its drill page and from
an indicator to the cases behind it."""

from __future__ import annotations

import pytest

from govhall.browser_steps import sign_in
from govhall.monitor.tests.conftest import build_facts

pytestmark = pytest.mark.browser


@pytest.fixture
def live_facts(live_county):
    """Written before the browser starts (Django refuses database calls while Playwright runs)."""
    return build_facts(live_county)


def test_supervisor_drills_from_a_red_department_to_its_overdue_cases(live_facts, browser_page):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "supervisor")
    page.goto("/staff/monitor/?month=2026-03")
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("#chart-departments canvas").count() == 1 and page.locator("#chart-tree canvas").count() == 1
    page.get_by_role("button", name="按周").click()
    assert page.get_by_role("button", name="按周").get_attribute("aria-pressed") == "true"
    red = page.locator("a.drill-department.red")
    assert sorted(red.all_inner_texts()) == ["公安局", "市场监管局"]
    page.locator("a.drill-department.red", has_text="市场监管局").click()
    page.wait_for_url("**/staff/monitor/departments/*/?month=2026-03")
    page.locator(".indicator-card.overdue_rate a.drill-cases").click()
    assert page.locator("tr.fact").all_inner_texts()[0].startswith("T0000")
    assert page.locator("tr.fact").count() == 1
    assert errors == []
