"""满意度调查 in a browser (SUP-5): a supervisor writes a department survey and publishes it (the
sample is drawn and invited); the invited applicant finds the invitation on 我的政务服务, answers it
once; the supervisor sees the answer in the unit's satisfaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govhall.applicants.models import Person
from govhall.browser_steps import clock_from, sign_in, sign_out
from govhall.cases.models import Case

pytestmark = pytest.mark.browser

# Wednesday 2026-07-01: the survey opens today; the applicant's licence was finished in June.
TODAY = dt.datetime(2026, 7, 1, 9, 0)


@pytest.fixture
def applicant_with_a_finished_case(live_county):
    county = live_county
    user = county.users["applicant"]
    person = Person.objects.filter(user=user).first() or Person.objects.create(
        user=user, name="张三", id_number="150727199001010018", phone="13800001234"
    )
    version = county.items["food"].current
    finished = timezone.make_aware(dt.datetime(2026, 6, 20, 15, 0))
    Case.objects.create(
        number="SVB000001",
        item=county.items["food"],
        item_version=version,
        applicant_person=person,
        submitted_by=user,
        channel=Case.CHANNEL_ONLINE,
        status=Case.STATUS_DONE,
        department=version.department,
        submitted_at=finished - dt.timedelta(days=5),
        finished_at=finished,
    )
    return county


@pytest.fixture
def on_today():
    with clock_from(TODAY):
        yield


def test_a_supervisor_publishes_a_survey_the_invited_applicant_answers_and_the_unit_is_scored(
    applicant_with_a_finished_case, on_today, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    market = applicant_with_a_finished_case.departments["市场监管局"]

    # The supervisor writes the survey (the standard questions are offered) and publishes it.
    sign_in(page, "supervisor")
    page.goto("/staff/surveys/new/")
    page.get_by_label("调查名称").fill("2026年第三季度营商环境满意度调查")
    page.locator("#id_opens_on").fill("2026-07-01")
    page.locator("#id_closes_on").fill("2026-07-31")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("h1")).to_contain_text("2026年第三季度营商环境满意度调查")
    page.get_by_role("button", name="发布（抽样并发送邀请）").click()
    expect(page.locator(".figure .invited")).to_have_text("1")
    survey_url = page.url
    sign_out(page)

    # The applicant finds the invitation on 我的政务服务 and answers; a second answer is refused.
    sign_in(page, "applicant", applicant=True)
    page.goto("/account/")
    invitation = page.locator("a.survey-invitation")
    expect(invitation).to_contain_text(market.name)
    invitation.click()
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator(".error-summary")).to_contain_text("请检查标红的题目")
    questions = page.locator("fieldset.survey-question")
    for n in range(questions.count()):
        level = "满意" if n == 1 else "非常满意"
        questions.nth(n).get_by_label(level, exact=True).check()
    page.locator("textarea").first.fill("窗口人员态度很好，希望增加周末延时服务。")
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator("main")).to_contain_text("感谢")
    page.goto("/account/")
    expect(page.locator("a.survey-invitation")).to_have_count(0)
    sign_out(page)

    # The supervisor sees the answer: 100 % responded, every rating at 满意 or above.
    sign_in(page, "supervisor")
    page.goto(survey_url)
    expect(page.locator(".figure .responded")).to_have_text("1")
    expect(page.locator(".figure .satisfaction")).to_contain_text("100")
    row = page.locator(f"tr.survey-unit[data-key='{market.pk}']")
    expect(row).to_contain_text("100")
    expect(page.locator("main")).to_contain_text("希望增加周末延时服务")
