"""Issue 7's journey in a browser: a supervisor opens the 监管大屏, drills from the department shown
red into its anomaly, reviews it and assigns a task (交办) to the department; the department admin,
told by a 站内消息, answers with the rectification (整改); the supervisor, told in turn, closes the
task."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from govhall.browser_steps import clock_from, sign_in, sign_out
from govhall.org.models import Division
from govhall.supervision.models import CaseFact
from govhall.supervision.rollups import apply_facts

pytestmark = pytest.mark.browser

# Monday 2026-06-15: the dashboard shows this month; the cases below were decided in it.
TODAY = dt.datetime(2026, 6, 15, 9, 0)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 6, day, hour, minute))


@pytest.fixture
def market_overdue(live_county):
    """市场监管局 decided ten food licences in June, four of them late with no 特别程序 and no
    延期 recorded (超期率 40 %, far beyond the red line), all taken at the window; 公安局 decided
    five, all online and on time."""
    from govhall.anomalies.engine import scan

    county = live_county
    division = Division.objects.get(code="150727")
    facts = []
    for n in range(15):
        market = n < 10
        late = market and n < 4
        item = county.items["food"] if market else county.items["id_card"]
        accepted = _at(1 + n % 5, 9, 30)
        decided = accepted + dt.timedelta(days=9 if late else 3)
        facts.append(
            CaseFact(
                source="test",
                external_id=f"BR{n:04d}",
                division=division,
                department=item.department,
                centre=county.centre,
                window=county.windows["综合1"],
                item=item,
                staff=county.users["clerk"],
                decider=county.users["section_head"] if market else county.users["police_head"],
                applicant_kind=CaseFact.APPLICANT_PERSON,
                applicant_key=f"{n:064d}",
                channel="window" if market else "online",
                full_online=not market,
                status="done",
                decision="approved",
                submitted_at=accepted - dt.timedelta(minutes=20),
                accepted_at=accepted,
                decided_at=decided,
                finished_at=decided + dt.timedelta(hours=1),
                accepted_on=accepted.date(),
                decided_on=decided.date(),
                legal_limit_days=20,
                limit_days=5,
                used_days=7 if late else 3,
                overdue=late,
                visits=1 if market else 0,
                step_count=3,
                actor_count=2,
            )
        )
    CaseFact.objects.bulk_create(facts)
    apply_facts(CaseFact.objects.filter(source="test"))
    scan()
    return county


@pytest.fixture
def on_today():
    with clock_from(TODAY):
        yield


def test_supervisor_drills_from_a_red_department_to_an_anomaly_assigns_it_and_the_department_answers(
    market_overdue, on_today, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    market = market_overdue.departments["市场监管局"]

    # The dashboard: 市场监管局 is red (超期率 40 %); 公安局 is not.
    sign_in(page, "supervisor")
    page.goto("/staff/monitor/")
    expect(page.locator("h1")).to_contain_text("监管大屏")
    red = page.locator("a.drill-department.red")
    expect(red).to_have_count(1)
    expect(red).to_have_text(market.short_name or market.name)
    red.click()

    # The department's page shows its 超期率 and leads to its open anomalies.
    expect(page.locator("main")).to_contain_text(re.compile(r"超期率\s+40(\.0+)?%"))
    page.locator(f"a[href*='/staff/anomalies/?department={market.pk}']").first.click()
    rows = page.locator("tr.hit-row")
    expect(rows.first).to_be_visible()
    expect(page.locator("main")).to_contain_text("超期")
    rows.filter(has_text="超期").first.locator("a.hit-link").click()
    expect(page.locator("#hit-status")).to_contain_text("待复核")

    # 交办 to the department, due in 5 working days.
    form = page.locator("#assign-form")
    form.get_by_label("交办内容").fill("4件食品经营许可超期办结且无特别程序、延期记录，请核查原因并整改。")
    form.get_by_label("整改建议（每行一条，选填）").fill("建立临期预警，到期前2个工作日提醒承办人")
    form.get_by_role("button", name="交办").click()
    expect(page.locator("#task-status")).to_contain_text("待答复")
    task_url = page.url
    sign_out(page)

    # The department admin is told (消息 in the header) and opens the task from the message, then
    # answers with the rectification and adopts the suggestion.
    sign_in(page, "dept_admin")
    page.goto("/staff/")
    expect(page.locator("a.notice-link .badge")).to_have_text("1")
    page.locator("a.notice-link").click()
    page.locator(".notification.unread a").filter(has_text="监管交办任务").click()
    expect(page).to_have_url(task_url)
    expect(page.locator("a.notice-link .badge")).to_have_count(0)  # read now
    answer = page.locator("#answer-form")
    answer.get_by_label("核查情况及答复").fill("经核查，4件均因承办人休假未及时转办，已补办并约谈相关人员。")
    answer.get_by_label("整改类别").select_option(index=1)
    answer.get_by_label("整改措施").fill("上线临期预警，承办人休假时由科室负责人指定代办人。")
    answer.get_by_label("建立临期预警，到期前2个工作日提醒承办人").check()
    answer.get_by_role("button", name="提交答复").click()
    expect(page.locator("#task-status")).to_contain_text("已答复")
    sign_out(page)

    # Another department's admin cannot see the task.
    sign_in(page, "other_dept_admin")
    response = page.goto(task_url)
    assert response is not None and response.status == 404
    page.goto("/staff/")
    sign_out(page)

    # The supervisor is told of the answer, opens the task from the message and closes it as
    # rectified; the counts show one adopted suggestion.
    sign_in(page, "supervisor")
    page.goto("/notifications/")
    page.locator(".notification.unread a").filter(has_text="答复，请审核").click()
    expect(page).to_have_url(task_url)
    close = page.locator("#close-form")
    close.get_by_label("已整改").check()
    close.get_by_label("办结意见").fill("整改措施到位，予以办结。")
    close.get_by_role("button", name="办结任务").click()
    expect(page.locator("#task-status")).to_contain_text("已整改")
    page.goto("/staff/anomalies/tasks/")
    expect(page.locator("#count-adopted")).to_contain_text("1")
