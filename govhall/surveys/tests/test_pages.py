"""The staff pages, the export, the API and the applicant's answer page: who gets in, what they see."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from govhall.surveys.models import Survey, SurveyResponse
from govhall.surveys.tests.conftest import OPENS, all_answers, on_day, staff_user, survey_input

pytestmark = pytest.mark.django_db

MARKET, POLICE = "新巴尔虎右旗市场监督管理局", "新巴尔虎右旗公安局"


# --- staff pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "auditor", "centre_admin", "dept_admin"])
def test_readers_see_the_list_and_the_results(client, county, results_data, role):
    user = staff_user(county, role)
    client.force_login(user)
    listing = client.get("/staff/surveys/")
    assert listing.status_code == 200 and results_data.title in listing.content.decode()
    detail = client.get(f"/staff/surveys/{results_data.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert MARKET in html and "75.0%" in html and "窗口人员很耐心" in html
    everything = user.username != "dept_admin"
    assert (POLICE in html) is everything  # a department admin (市场监管局) sees their own department only
    assert "13912345678" not in html and "居民" not in html  # no applicant names or numbers in clear


def test_department_admin_does_not_see_drafts_or_township_surveys(client, dept_admin, supervisor, draft):
    township = Survey.objects.create(title="苏木镇调查", target=Survey.TARGET_TOWNSHIP, opens_on=OPENS, closes_on=OPENS, status="closed")
    client.force_login(dept_admin)
    assert draft.title not in client.get("/staff/surveys/").content.decode()
    assert client.get(f"/staff/surveys/{draft.pk}/").status_code == 404
    assert client.get(f"/staff/surveys/{township.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["clerk", "approver", "applicant", "sysadmin"])
def test_others_get_404_everywhere(client, request, results_data, who):
    client.force_login(request.getfixturevalue(who))
    for url in ["", "new/", f"{results_data.pk}/", f"{results_data.pk}/edit/", f"{results_data.pk}/export/"]:
        assert client.get(f"/staff/surveys/{url}").status_code == 404, url
    assert client.post(f"/staff/surveys/{results_data.pk}/open/").status_code == 404
    assert client.get("/api/surveys/").status_code == 404
    assert client.get(f"/api/surveys/{results_data.pk}/results").status_code == 404


def test_anonymous_is_sent_to_log_in(client, results_data):
    assert client.get("/staff/surveys/").status_code == 302
    assert client.get("/api/surveys/").status_code == 401


def test_readers_cannot_create_edit_open_or_close(client, auditor_or_admin, draft):
    client.force_login(auditor_or_admin)
    assert client.get("/staff/surveys/new/").status_code == 404
    assert client.post("/staff/surveys/new/", {"title": "x"}).status_code == 404
    for step in ("edit", "open", "close"):
        assert client.post(f"/staff/surveys/{draft.pk}/{step}/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Survey.STATUS_DRAFT and Survey.objects.count() == 1


def test_supervisor_creates_a_draft_with_the_standard_questions_and_opens_it(client, supervisor, make_applicant, finished_case):
    finished_case(make_applicant())
    client.force_login(supervisor)
    form = client.get("/staff/surveys/new/")
    assert form.status_code == 200 and 'value="服务态度"' in form.content.decode()
    rows = {f"q-{n}-text": text for n, text in enumerate(["服务态度", "总体评价", "", "意见建议"], start=1)}
    rows.update({"q-1-kind": "rating", "q-2-kind": "rating", "q-4-kind": "text", "q-1-required": "on", "q-2-required": "on"})
    data = {
        "title": "2026年第三季度营商环境满意度调查",
        "target": "department",
        "opens_on": "2026-07-01",
        "closes_on": "2026-07-31",
        "sample_per_unit": "30",
        "lookback_days": "90",
        "question_rows": "4",
        **rows,
    }
    response = client.post("/staff/surveys/new/", data)
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/surveys/{survey.pk}/"
    assert list(survey.questions.values_list("text", "kind", "required")) == [
        ("服务态度", "rating", True),
        ("总体评价", "rating", True),
        ("意见建议", "text", False),
    ]
    with on_day(OPENS):
        opened = client.post(f"/staff/surveys/{survey.pk}/open/")
    survey.refresh_from_db()
    assert opened.status_code == 302 and survey.status == Survey.STATUS_OPEN and survey.invitations.count() == 1


def test_form_errors_are_shown_next_to_the_field(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        "/staff/surveys/new/",
        {"title": "", "target": "department", "opens_on": "2026-07-10", "closes_on": "2026-07-01", "question_rows": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "请填写调查名称" in html and "截止日期不能早于开始日期" in html
    assert not Survey.objects.exists()


def test_export_has_the_summary_the_questions_and_the_masked_comments(client, supervisor, results_data):
    client.force_login(supervisor)
    response = client.get(f"/staff/surveys/{results_data.pk}/export/")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "分题", "意见建议"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows(min_row=2)]
    assert summary[0][:7] == [MARKET, 4, 2, 0.5, 12, 9, 0.75]
    assert summary[-1][:7] == ["合计", 6, 3, 0.5, 18, 9, 0.5]
    comments = [row[1].value for row in book["意见建议"].iter_rows(min_row=2)]
    assert "窗口人员很耐心" in comments and not any("13912345678" in c for c in comments)


def test_department_admin_exports_their_own_department_only(client, dept_admin, results_data):
    client.force_login(dept_admin)
    book = load_workbook(io.BytesIO(client.get(f"/staff/surveys/{results_data.pk}/export/").content))
    units = [row[0].value for row in book["汇总"].iter_rows(min_row=2)]
    assert units == [MARKET, "合计"]


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_surveys_and_results_per_unit(client, supervisor, results_data):
    client.force_login(supervisor)
    listing = client.get("/api/surveys/").json()
    assert listing["surveys"][0]["satisfaction"] == 0.5 and listing["surveys"][0]["response_rate"] == 0.5
    results = client.get(f"/api/surveys/{results_data.pk}/results").json()
    assert [(u["name"], u["satisfied"], u["ratings"]) for u in results["units"]] == [(MARKET, 9, 12), (POLICE, 0, 6)]


def test_api_scopes_a_department_admin_to_their_department(client, dept_admin, other_dept_admin, results_data, draft):
    client.force_login(dept_admin)
    results = client.get(f"/api/surveys/{results_data.pk}/results").json()
    assert [u["name"] for u in results["units"]] == [MARKET]
    client.force_login(other_dept_admin)
    results = client.get(f"/api/surveys/{results_data.pk}/results").json()
    assert [u["name"] for u in results["units"]] == [POLICE]


# --- the applicant --------------------------------------------------------------------------------


def test_invited_applicant_answers_on_the_page_and_sees_it_once(client, opened):
    client.force_login(opened.user)
    url = f"/surveys/invitations/{opened.pk}/"
    with on_day(OPENS + dt.timedelta(days=1)):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200 and MARKET in html and "非常满意" in html and "非常不满意" in html
        assert html.index("非常满意") < html.index("基本满意") < html.index("非常不满意")
        assert client.post(url, all_answers(opened, 5, "很好")).status_code == 302
        again = client.get(url).content.decode()
    assert "每份邀请只能答一次" in again and '<form method="post" class="card survey-form"' not in again
    assert SurveyResponse.objects.count() == 1


def test_missing_answers_come_back_with_the_question_named(client, opened):
    client.force_login(opened.user)
    answers = all_answers(opened)
    first = opened.survey.questions.order_by("order").first()
    answers[f"question_{first.pk}"] = ""
    with on_day(OPENS):
        response = client.post(f"/surveys/invitations/{opened.pk}/", answers)
    assert response.status_code == 400 and "第 1 题“服务态度”请选择满意程度" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_before_the_opening_day_the_page_says_so_without_a_form(client, opened):
    client.force_login(opened.user)
    with on_day(OPENS - dt.timedelta(days=1)):
        html = client.get(f"/surveys/invitations/{opened.pk}/").content.decode()
    assert "调查尚未开始" in html and 'name="question_' not in html


@pytest.mark.parametrize("who", ["other_applicant", "supervisor", "clerk"])
def test_nobody_but_the_invited_applicant_opens_the_page(client, request, opened, who):
    client.force_login(request.getfixturevalue(who))
    with on_day(OPENS):
        assert client.get(f"/surveys/invitations/{opened.pk}/").status_code == 404
        assert client.post(f"/surveys/invitations/{opened.pk}/", all_answers(opened)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_pending_invitations_are_listed_on_the_applicants_own_pages(client, opened, other_applicant):
    client.force_login(opened.user)
    link = f'href="/surveys/invitations/{opened.pk}/"'
    with on_day(OPENS + dt.timedelta(days=2)):
        assert link in client.get("/account/").content.decode()
        assert link in client.get("/my/cases/").content.decode()
        client.force_login(other_applicant)
        assert link not in client.get("/account/").content.decode()


def test_draft_edit_page_saves_changes(client, supervisor, draft):
    client.force_login(supervisor)
    data = {
        "title": "改过的名称",
        "target": "department",
        "opens_on": "2026-07-01",
        "closes_on": "2026-07-31",
        "sample_per_unit": "10",
        "lookback_days": "60",
        "question_rows": "1",
        "q-1-text": "总体评价",
        "q-1-kind": "rating",
        "q-1-required": "on",
    }
    assert client.post(f"/staff/surveys/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.sample_per_unit, draft.questions.count()) == ("改过的名称", 10, 1)
    assert survey_input().title != draft.title


def test_pages_are_english_with_the_language_cookie(client, supervisor, results_data, opened):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(supervisor)
    html = client.get(f"/staff/surveys/{results_data.pk}/").content.decode()
    assert "Results by unit" in html and "units below 90% satisfaction are open" in html and "各单位结果" not in html
    client.force_login(opened.user)
    with on_day(OPENS):
        page = client.get(f"/surveys/invitations/{opened.pk}/").content.decode()
        account = client.get("/account/").content.decode()
    assert "Submit answers" in page and "Very satisfied" in page
    assert "Satisfaction surveys to answer" in account and f"Rate {MARKET}" in account
