"""The catalog JSON API: search, item detail, maintenance with object-level permission."""

import pytest

from govhall.catalog.models import Item
from govhall.catalog.services import version_to_data


def test_search_by_chinese_full_pinyin_and_initials(client, county):
    for q in ("食品经营", "shipinjingying", "spjy", "SPJY", "sp jy"):
        body = client.get("/api/catalog/items", {"q": q}).json()
        assert [i["name"] for i in body["items"]] == ["食品经营许可证核发"], q


def test_search_by_code(client, county):
    body = client.get("/api/catalog/items", {"q": "000107002000"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "居民身份证换领"


def test_filters_by_department_type_and_audience(client, county):
    police = county.departments["公安局"].id
    assert client.get("/api/catalog/items", {"department": police}).json()["count"] == 1
    assert client.get("/api/catalog/items", {"type": "20"}).json()["items"][0]["name"] == "居民身份证换领"
    enterprise = client.get("/api/catalog/items", {"audience": "enterprise"}).json()
    assert [i["name"] for i in enterprise["items"]] == ["食品经营许可证核发"]
    assert client.get("/api/catalog/items", {"list": "rongque"}).json()["count"] == 1
    assert client.get("/api/catalog/items", {"list": "fee"}).json()["items"][0]["name"] == "居民身份证换领"


def test_bad_filter_value_is_400_naming_the_field(client, county):
    response = client.get("/api/catalog/items", {"type": "99"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "type"


def test_item_detail_has_every_element_and_situations(client, county):
    item = county.items["food"]
    body = client.get(f"/api/catalog/items/{item.id}").json()
    assert body["implementation_code"] == "11150727MB1234562W000111011000"
    assert body["data"] == {**version_to_data(item.current_version), "department": "新巴尔虎右旗市场监督管理局"}
    assert body["data"]["situations"][0]["text"] == "申请人类型"
    assert "rongque" in body["public_lists"] and "power" in body["public_lists"]


def test_suspended_item_is_hidden_from_the_public(client, county, dept_admin):
    from govhall.catalog.services import item_suspend

    item_suspend(actor=dept_admin, item=county.items["food"], reason="暂停受理")
    assert client.get(f"/api/catalog/items/{county.items['food'].id}").status_code == 404
    assert client.get("/api/catalog/items", {"q": "spjy"}).json()["count"] == 0


def _update_body(item, **changes):
    data = version_to_data(item.current_version)
    data.update(changes)
    return {"data": data, "reason": "调整咨询电话", "expected_version": item.current_version.number}


def test_department_admin_updates_own_item_through_the_api(client, county, dept_admin):
    item = county.items["food"]
    client.force_login(dept_admin)
    response = client.put(f"/api/catalog/items/{item.id}", _update_body(item, phone="0470-6400009"), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    versions = client.get(f"/api/catalog/items/{item.id}/versions").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["reason"] == "调整咨询电话"
    diff = client.get(f"/api/catalog/items/{item.id}/versions/1/diff/2").json()
    assert diff == [{"field": "phone", "label": "咨询电话", "change": "changed", "before": "0470-6412345", "after": "0470-6400009"}]


@pytest.mark.parametrize("who", ["anonymous", "clerk", "other_dept_admin"])
def test_others_cannot_update_the_item(client, county, who):
    item = county.items["food"]
    if who != "anonymous":
        client.force_login(county.users[who])
    response = client.put(f"/api/catalog/items/{item.id}", _update_body(item, phone="110"), content_type="application/json")
    assert response.status_code in (401, 403)
    assert Item.objects.get(pk=item.pk).current_version.number == 1


def test_invalid_update_is_400_with_field_and_rule_and_nothing_saved(client, county, dept_admin):
    item = county.items["food"]
    client.force_login(dept_admin)
    response = client.put(f"/api/catalog/items/{item.id}", _update_body(item, promised_limit_days=-1), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0] == {
        "field": "promised_limit_days",
        "rule": "min_value",
        "message": "承诺办结时限（工作日）不能小于0（填写的是-1）",
    }
    assert Item.objects.get(pk=item.pk).current_version.number == 1


def test_stale_update_is_409(client, county, dept_admin):
    item = county.items["food"]
    client.force_login(dept_admin)
    body = _update_body(item, phone="0470-6400001")
    assert client.put(f"/api/catalog/items/{item.id}", body, content_type="application/json").status_code == 200
    body["data"]["phone"] = "0470-6400002"
    response = client.put(f"/api/catalog/items/{item.id}", body, content_type="application/json")
    assert response.status_code == 409


def test_suspend_and_transfer_through_the_api(client, county, sysadmin):
    item = county.items["food"]
    client.force_login(sysadmin)
    bureau = county.departments["审批局"]
    response = client.post(
        f"/api/catalog/items/{item.id}/move/transfer", {"to_department": bureau.id, "reason": "划转审批局"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["data"]["department"] == bureau.name
    response = client.post(f"/api/catalog/items/{item.id}/suspend", {"reason": "暂停"}, content_type="application/json")
    assert response.json()["status"] == "suspended"


def test_create_requires_permission(client, county, clerk, sysadmin):
    from govhall.tests_support import item_payload

    body = {"data": item_payload(code="000111011055", name="食品小作坊登记"), "reason": "新增"}
    client.force_login(clerk)
    assert client.post("/api/catalog/items", body, content_type="application/json").status_code == 403
    client.force_login(sysadmin)
    response = client.post("/api/catalog/items", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["data"]["name"] == "食品小作坊登记"


def test_health_report_lists_promised_not_below_legal(client, county, sysadmin, dept_admin):
    from govhall.catalog.services import item_update

    item = county.items["food"]
    data = version_to_data(item.current_version)
    data["promised_limit_days"] = 10
    item_update(actor=dept_admin, item=item, data=data, reason="测试")
    client.force_login(sysadmin)
    rows = client.get("/api/catalog/health").json()
    food = next(r for r in rows if r["code"] == item.code)
    assert "承诺时限（10）未少于法定时限（10）" in food["problems"]
    client.force_login(county.users["clerk"])
    assert client.get("/api/catalog/health").status_code == 403


def test_search_finds_items_by_their_result_after_name_matches(client, county):
    # 居民身份证换领's result is 居民身份证; 食品经营许可证核发's result 食品经营许可证.
    body = client.get("/api/catalog/items", {"q": "jmsfz"}).json()
    assert [i["name"] for i in body["items"]] == ["居民身份证换领"]
    body = client.get("/api/catalog/items", {"q": "食品经营许可证"}).json()
    assert [i["name"] for i in body["items"]] == ["食品经营许可证核发"]


def test_search_combined_with_a_list_filter(client, county):
    body = client.get("/api/catalog/items", {"q": "spjy", "list": "rongque"}).json()
    assert [i["name"] for i in body["items"]] == ["食品经营许可证核发"]
    assert client.get("/api/catalog/items", {"q": "spjy", "list": "fee"}).json()["count"] == 0
