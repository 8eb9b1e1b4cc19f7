"""English when asked: the API follows Accept-Language, pages follow the language cookie, and the
Chinese documents (Excel workbook, printed guide) stay Chinese whatever the page language."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from govhall.catalog.services import version_to_data
from govhall.core.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _put_promised_limit(client, item, days: int, **headers):
    data = {**version_to_data(item.current_version), "promised_limit_days": days}
    body = {"data": data, "reason": "调整承诺时限", "expected_version": item.current_version.number}
    return client.put(f"/api/catalog/items/{item.id}", body, content_type="application/json", **headers)


def _error_on(response, field: str) -> dict:
    assert response.status_code == 400, response.content
    return next(e for e in response.json()["detail"] if e["field"] == field)


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- the API: Accept-Language ------------------------------------------------------------------


def test_item_validation_error_in_english_names_the_field_and_the_rule(client, county, dept_admin):
    client.force_login(dept_admin)
    response = _put_promised_limit(client, county.items["food"], -1, HTTP_ACCEPT_LANGUAGE="en")
    error = _error_on(response, "promised_limit_days")
    assert error["rule"] == "min_value"
    assert error["message"] == "Promised time limit (working days) must not be less than 0 (you entered -1)"


def test_item_validation_error_is_chinese_by_default(client, county, dept_admin):
    client.force_login(dept_admin)
    response = _put_promised_limit(client, county.items["food"], -1)
    assert _error_on(response, "promised_limit_days")["message"] == "承诺办结时限（工作日）不能小于0（填写的是-1）"


def test_calendar_year_error_in_english_names_the_year(client):
    response = client.get("/api/calendar/add-working-days", {"start": "2031-01-05", "days": 3}, HTTP_ACCEPT_LANGUAGE="en")
    error = _error_on(response, "start")
    assert error["rule"] == "calendar_year"
    assert error["message"] == (
        "The holiday arrangements for 2031 have not been loaded into the working-day calendar, so working days cannot be computed"
    )


def test_choice_names_in_the_api_follow_the_language(client, county):
    english = client.get("/api/catalog/items", {"q": "spjy"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/catalog/items", {"q": "spjy"}).json()
    assert english["items"][0]["item_type_label"] == "Administrative licensing"
    assert chinese["items"][0]["item_type_label"] == "行政许可"


# --- pages: the language cookie ----------------------------------------------------------------


def test_catalog_page_is_english_with_the_language_cookie(client, county):
    _english(client)
    page = client.get(reverse("catalog-list")).content.decode()
    assert '<html lang="en">' in page
    assert ">Service guides</a>" in page and ">The ten public lists</a>" in page
    assert "办事指南" not in page
    assert "Administrative licensing" in page  # a choice name, in the item type filter and the results


def test_catalog_page_stays_chinese_when_only_the_browser_asks_for_english(client, county):
    page = client.get(reverse("catalog-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in page
    assert ">办事指南</a>" in page and ">十张清单</a>" in page
    assert "Service guides" not in page


def test_item_guide_page_shows_elements_and_choices_in_english(client, county):
    _english(client)
    page = client.get(reverse("catalog-item", args=[county.items["food"].id])).content.decode()
    assert "Implementing body" in page and "Fully online" in page and "Commitment item" in page
    assert "食品经营许可证核发" in page  # the item's own data is not translated


# --- Chinese documents stay Chinese -----------------------------------------------------------


def test_excel_export_keeps_chinese_headers_and_names_on_an_english_page(client, county):
    _english(client)
    response = client.get(reverse("catalog-export"), {"q": "spjy"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)["事项"]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert {"基本编码", "事项名称", "承诺办结时限"} <= {str(h).rstrip("*") for h in header if h}
    assert "行政许可" in first and "全程网办" in first


def test_printed_guide_stays_chinese_on_an_english_page(client, county):
    _english(client)
    response = client.get(reverse("catalog-item-pdf", args=[county.items["food"].id]), {"kind": "guide"})
    text = re.sub(r"\s+", "", "".join(pdf_text(response.content)))
    assert "行政许可" in text and "全程网办" in text
    assert "Administrative licensing" not in text


def test_site_name_comes_from_the_county_served(client, settings):
    from govhall.core.context_processors import _county_name

    _county_name.cache_clear()
    page = client.get("/").content.decode()
    assert "新巴尔虎右旗政务服务网" in page and "主办：新巴尔虎右旗人民政府" in page
    client.cookies["django_language"] = "en"
    assert "New Barag Right Banner Government Services" in client.get("/").content.decode()
    settings.GOVHALL_COUNTY_CODE = "150726"  # another county: 新巴尔虎左旗
    _county_name.cache_clear()
    client.cookies["django_language"] = "zh-hans"
    assert "新巴尔虎左旗政务服务网" in client.get("/").content.decode()
    _county_name.cache_clear()
