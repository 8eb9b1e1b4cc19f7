"""CAT-1/CAT-3: items carry every element; every change is a new version with author and reason."""

import pytest

from govhall.catalog import services
from govhall.catalog.diff import data_diff
from govhall.catalog.models import Item, ItemEvent, ItemVersion
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.tests_support import item_payload


def _data(item):
    return services.version_to_data(item.current_version)


def test_item_keeps_every_element_it_was_given(county):
    data = _data(county.items["food"])
    expected = services.version_to_data(county.items["food"].current_version)
    assert data == expected
    assert data["legal_limit_days"] == 10 and data["promised_limit_days"] == 5
    assert [m["name"] for m in data["materials"]][:2] == ["食品经营许可申请书", "营业执照"]
    assert data["materials"][2]["options"] == ["q1.a"]
    assert data["situations"][1]["options"][0] == {"key": "y", "label": "是"}
    assert county.items["food"].implementation_code == "11150727MB1234562W000111011000"


def test_change_makes_a_new_version_with_author_and_reason(county, dept_admin):
    item = county.items["food"]
    data = _data(item)
    data["promised_limit_days"] = 3
    data["steps"][1]["limit_days"] = 1
    services.item_update(actor=dept_admin, item=item, data=data, reason="压缩承诺时限", expected_version=1)
    item.refresh_from_db()
    assert item.current_version.number == 2
    assert item.current_version.created_by == dept_admin
    assert item.current_version.reason == "压缩承诺时限"
    old = ItemVersion.objects.get(item=item, number=1)
    assert old.promised_limit_days == 5  # old versions never change
    rows = data_diff(services.version_to_data(old), services.version_to_data(item.current_version))
    assert {"field": "promised_limit_days", "label": "承诺办结时限", "change": "changed", "before": "5", "after": "3"} in rows
    assert ItemEvent.objects.filter(item=item, kind="changed", reason="压缩承诺时限").exists()


def test_diff_names_choices_and_flags_in_chinese(county):
    old = _data(county.items["food"])
    old["online_depth"] = "full_online"
    new = {**old, "online_depth": "offline", "rongque": not old["rongque"]}
    rows = {row["field"]: row for row in data_diff(old, new)}
    assert (rows["online_depth"]["before"], rows["online_depth"]["after"]) == ("全程网办", "线下办理")
    assert {rows["rongque"]["before"], rows["rongque"]["after"]} == {"是", "否"}


def test_diff_shows_a_change_to_the_second_of_two_entries_with_the_same_name(county):
    old = _data(county.items["food"])
    old["steps"] = [*old["steps"], {**old["steps"][-1], "limit_days": 1}]
    new = {**old, "steps": [*old["steps"][:-1], {**old["steps"][-1], "limit_days": 2}]}
    rows = data_diff(old, new)
    name = old["steps"][-1]["name"]
    assert rows == [
        {"field": "steps", "label": "办理环节", "change": "changed", "before": f"{name}（环节时限：1）", "after": f"{name}（环节时限：2）"}
    ]


def test_unchanged_save_makes_no_version(county, dept_admin):
    item = county.items["food"]
    with pytest.raises(ValidationError) as exc:
        services.item_update(actor=dept_admin, item=item, data=_data(item), reason="无改动")
    assert exc.value.errors[0].rule == "unchanged"
    assert item.versions.count() == 1


def test_stale_edit_is_refused_as_conflict(county, dept_admin):
    item = county.items["food"]
    first = _data(item)
    first["phone"] = "0470-6400001"
    services.item_update(actor=dept_admin, item=item, data=first, reason="改电话", expected_version=1)
    second = _data(item)
    second["phone"] = "0470-6400002"
    with pytest.raises(Conflict):
        services.item_update(actor=dept_admin, item=item, data=second, reason="也改电话", expected_version=1)
    item.refresh_from_db()
    assert item.current_version.phone == "0470-6400001"


def test_negative_limit_is_refused_naming_field_and_rule_and_nothing_saved(county, dept_admin):
    item = county.items["food"]
    data = _data(item)
    data["legal_limit_days"] = -1
    with pytest.raises(ValidationError) as exc:
        services.item_update(actor=dept_admin, item=item, data=data, reason="误操作")
    error = exc.value.errors[0]
    assert (error.field, error.rule) == ("legal_limit_days", "min_value")
    assert "法定办结时限" in error.message
    assert item.versions.count() == 1


@pytest.mark.django_db
def test_all_errors_reported_at_once_with_paths():
    with pytest.raises(ValidationError) as exc:
        from govhall.catalog.schema import validate_item_data

        validate_item_data(item_payload(visits=3, department="不存在的局", materials=[{"name": "", "copies": -2}]))
    found = {(e.field, e.rule) for e in exc.value.errors}
    assert ("visits", "max_value") in found
    assert ("department", "unknown_department") in found
    assert ("materials[0].name", "required") in found
    assert ("materials[0].copies", "min_value") in found


@pytest.mark.django_db
def test_unknown_situation_reference_is_refused(county):
    from govhall.catalog.schema import validate_item_data

    payload = item_payload(code="000111011099")
    payload["materials"][2]["options"] = ["q9.z"]
    with pytest.raises(ValidationError) as exc:
        validate_item_data(payload)
    assert exc.value.errors[0].rule == "unknown_option"


def test_instant_item_must_promise_zero_days(county):
    from govhall.catalog.schema import validate_item_data

    with pytest.raises(ValidationError) as exc:
        validate_item_data(item_payload(handling_type="instant", promised_limit_days=2))
    assert exc.value.errors[0].rule == "instant_same_day"


def test_steps_may_not_exceed_promised_limit(county):
    from govhall.catalog.schema import validate_item_data

    with pytest.raises(ValidationError) as exc:
        validate_item_data(item_payload(promised_limit_days=2))
    assert exc.value.errors[0].rule == "steps_exceed_limit"


def test_duplicate_code_refused(county, sysadmin):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=sysadmin, data=item_payload())
    assert (exc.value.errors[0].field, exc.value.errors[0].rule) == ("code", "unique")


def test_department_admin_cannot_change_another_departments_item(county, other_dept_admin):
    item = county.items["food"]
    data = _data(item)
    data["phone"] = "110"
    with pytest.raises(PermissionDenied):
        services.item_update(actor=other_dept_admin, item=item, data=data, reason="越权")
    assert item.versions.count() == 1


def test_clerk_cannot_create_items(county, clerk):
    with pytest.raises(PermissionDenied):
        services.item_create(actor=clerk, data=item_payload(code="000111011077"))
    assert not Item.objects.filter(code="000111011077").exists()


def test_suspend_resume_cancel_are_recorded(county, dept_admin):
    item = county.items["food"]
    services.item_suspend(actor=dept_admin, item=item, reason="法规修订中")
    item.refresh_from_db()
    assert item.status == Item.STATUS_SUSPENDED
    services.item_resume(actor=dept_admin, item=item, reason="修订完成")
    services.item_cancel(actor=dept_admin, item=item, reason="国务院决定取消")
    item.refresh_from_db()
    assert item.status == Item.STATUS_CANCELLED
    assert list(item.events.values_list("kind", flat=True)) == ["created", "suspended", "resumed", "cancelled"]
    with pytest.raises(ValidationError):
        services.item_resume(actor=dept_admin, item=item, reason="想恢复")


def test_delegation_to_township_keeps_history(county, sysadmin):
    item = county.items["food"]
    township = county.departments["阿镇"]
    services.item_delegate(actor=sysadmin, item=item, to_department=township, reason="旗政发〔2026〕12号 下放苏木镇")
    item.refresh_from_db()
    assert item.department == township and item.current_version.level == "township"
    event = item.events.get(kind="delegated")
    assert event.before == {"department": "新巴尔虎右旗市场监督管理局", "level": "county"}
    assert event.after == {"department": "阿拉坦额莫勒镇人民政府", "level": "township"}
    assert ItemVersion.objects.get(item=item, number=1).department.short_name == "市场监管局"


def test_delegation_only_to_township_government(county, sysadmin):
    with pytest.raises(ValidationError) as exc:
        services.item_delegate(actor=sysadmin, item=county.items["food"], to_department=county.departments["公安局"], reason="x")
    assert exc.value.errors[0].rule == "township_only"


def test_transfer_to_approval_bureau_keeps_history(county, sysadmin):
    item = county.items["food"]
    bureau = county.departments["审批局"]
    services.item_transfer(actor=sysadmin, item=item, to_department=bureau, reason="相对集中行政许可权改革")
    item.refresh_from_db()
    assert item.department == bureau
    assert item.implementation_code.startswith(bureau.uscc)
    assert item.events.filter(kind="transferred").count() == 1
    assert item.versions.count() == 2
