"""The public API of the foundation: calendar, identifiers, divisions, schema and docs."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/calendar/add-working-days" in schema["paths"]
    assert "/api/catalog/items" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_add_working_days_across_national_day(client):
    response = client.get("/api/calendar/add-working-days", {"start": "2026-09-30", "days": 3})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-10"}


def test_working_days_between(client):
    response = client.get("/api/calendar/working-days", {"start": "2026-09-30", "end": "2026-10-10"})
    assert response.json() == {"days": 3}


def test_date_outside_loaded_years_is_400_naming_the_year(client):
    response = client.get("/api/calendar/add-working-days", {"start": "2031-01-05", "days": 3})
    assert response.status_code == 400
    detail = response.json()["detail"][0]
    assert detail["rule"] == "calendar_year"
    assert "2031" in detail["message"]


def test_malformed_date_is_400_naming_the_field(client):
    response = client.get("/api/calendar/add-working-days", {"start": "2026-13-40", "days": 3})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "start"


def test_identifier_check_says_which_rule_failed(client):
    ok = client.get("/api/identifiers/check", {"kind": "uscc", "value": "11150727MB1234562W"}).json()
    assert ok["valid"] is True
    bad = client.get("/api/identifiers/check", {"kind": "uscc", "value": "11150727MB1234562X"}).json()
    assert bad == {"valid": False, "value": "11150727MB1234562X", "rule": "check_digit", "message": "统一社会信用代码校验位不正确"}
    short = client.get("/api/identifiers/check", {"kind": "ric", "value": "1507"}).json()
    assert short["rule"] == "length"


def test_identifier_check_unknown_kind_is_400(client):
    response = client.get("/api/identifiers/check", {"kind": "passport", "value": "x"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "kind"


def test_english_messages_when_asked(client):
    response = client.get("/api/identifiers/check", {"kind": "uscc", "value": "11150727MB1234562X"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "The check digit of the unified social credit code is wrong"


def test_division_children_lists_the_seven_townships(client):
    body = client.get("/api/org/divisions/150727/children").json()
    assert body["count"] == 7
    names = [d["name"] for d in body["items"]]
    assert names[0] == "阿拉坦额莫勒镇" and "宝格德乌拉苏木" in names
    assert all(d["level"] == 4 and d["parent_code"] == "150727" for d in body["items"])


def test_unknown_division_is_404_in_the_error_format(client):
    response = client.get("/api/org/divisions/999999/children")
    assert response.status_code == 404
    assert response.json()["detail"][0]["rule"] == "not_found"
