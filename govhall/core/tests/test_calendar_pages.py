"""The staff working-day calendar: the year view, changing a day, loading a new year from CSV."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.core.calendar import add_working_days
from govhall.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 10, 9)  # the working Friday after the 2026 National Day holiday


def day_url(day: dt.date) -> str:
    return reverse("staff-calendar-day", args=[day.isoformat()])


def csv_upload(text: str, name: str = "2030.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_anonymous_visitor_is_sent_to_login(client, county):
    for url in (reverse("staff-calendar"), day_url(FRIDAY)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(day_url(FRIDAY), {"is_workday": "0", "name": "国庆节"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=FRIDAY).is_workday


def test_year_view_marks_holidays_with_names_and_makeup_days(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("staff-calendar"), {"year": 2026})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2026年工作日历" in page
    assert 'id="d-2026-10-01" class="day holiday' in page and "国庆节" in page
    assert 'id="d-2026-02-14" class="day makeup' in page  # a Saturday worked for the Spring Festival
    assert 'id="d-2026-10-09" class="day workday' in page
    assert 'id="d-2026-10-17" class="day weekend' in page
    assert "12月" in page


def test_a_year_that_is_not_loaded_says_so(client, sysadmin):
    client.force_login(sysadmin)
    page = client.get(reverse("staff-calendar"), {"year": 2031}).content.decode()
    assert "2031年的节假日安排尚未载入工作日历" in page


def test_sysadmin_makes_a_working_day_a_holiday_and_deadlines_move(client, sysadmin):
    assert add_working_days(dt.date(2026, 10, 8), 1) == FRIDAY
    client.force_login(sysadmin)

    response = client.post(day_url(FRIDAY), {"is_workday": "0", "name": "国庆节"})

    assert response.status_code == 302
    row = CalendarDay.objects.get(date=FRIDAY)
    assert (row.is_workday, row.kind, row.name, row.source, row.updated_by) == (False, "holiday", "国庆节", "admin", sysadmin)
    assert add_working_days(dt.date(2026, 10, 8), 1) == dt.date(2026, 10, 10)  # the 调休 Saturday
    page = client.get(response["Location"]).content.decode()
    assert "2026-10-09 已改为法定节假日（国庆节）" in page


def test_day_change_through_htmx_returns_the_panel_and_the_updated_cell(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(day_url(FRIDAY), {"is_workday": "0", "name": "国庆节"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "已改为法定节假日" in page
    assert 'id="d-2026-10-09" class="day holiday' in page and 'hx-swap-oob="true"' in page
    assert "<html" not in page


def test_a_weekday_holiday_needs_its_name(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(day_url(FRIDAY), {"is_workday": "0", "name": ""})
    assert response.status_code == 400
    assert "须填写节日名称" in response.content.decode()
    assert CalendarDay.objects.get(date=FRIDAY).is_workday


def test_clerk_cannot_view_or_change_the_calendar(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("staff-calendar")).status_code == 403
    assert client.post(day_url(FRIDAY), {"is_workday": "0", "name": "国庆节"}).status_code == 403
    assert (
        client.post(reverse("staff-calendar-upload"), {"file": csv_upload("date,kind,name\n2030-01-01,holiday,元旦\n")}).status_code == 403
    )
    row = CalendarDay.objects.get(date=FRIDAY)
    assert row.is_workday and row.source != "admin"
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_csv_errors_name_the_row_and_nothing_is_loaded(client, sysadmin):
    client.force_login(sysadmin)
    text = "date,kind,name\n2030-01-01,holiday,元旦\n2030-02-31,holiday,春节\n2030-01-07,makeup,春节\n"

    response = client.post(reverse("staff-calendar-upload"), {"file": csv_upload(text), "year": "2030"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行日期“2030-02-31”不是 YYYY-MM-DD 格式" in page
    assert "第4行 2030-01-07 是周一至周五，不能标为调休上班" in page
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_csv_for_a_new_year_is_loaded_and_listed(client, sysadmin):
    client.force_login(sysadmin)
    text = "date,kind,name\n2030-01-01,holiday,元旦\n2030-01-05,makeup,元旦\n"

    response = client.post(reverse("staff-calendar-upload"), {"file": csv_upload(text)})

    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2030).exists()
    assert add_working_days(dt.date(2030, 1, 1), 1) == dt.date(2030, 1, 2)
    assert add_working_days(dt.date(2030, 1, 4), 1) == dt.date(2030, 1, 5)
    page = client.get(response["Location"]).content.decode()
    assert "已载入：2030年 365 天" in page
    assert 'href="?year=2030"' in page


def test_csv_for_a_year_already_loaded_needs_the_replace_box(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("staff-calendar-upload"), {"file": csv_upload("date,kind,name\n2026-10-09,holiday,国庆节\n")})
    assert response.status_code == 400
    assert "2026年已载入工作日历" in response.content.decode()
    assert CalendarDay.objects.get(date=FRIDAY).is_workday


def test_csv_upload_refuses_other_files(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("staff-calendar-upload"), {"file": SimpleUploadedFile("2030.xlsx", b"PK\x03\x04")})
    assert response.status_code == 400
    assert "只能上传 .csv 文件" in response.content.decode()
