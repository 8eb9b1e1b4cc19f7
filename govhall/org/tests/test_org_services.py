import pytest

from govhall.core.errors import PermissionDenied, ValidationError
from govhall.org.models import Department, Division, Window
from govhall.org.selectors import items_for_window, window_accepts
from govhall.org.services import department_save, window_set_items


def test_invalid_uscc_is_refused_naming_field_and_rule(county, sysadmin):
    with pytest.raises(ValidationError) as exc:
        department_save(actor=sysadmin, name="新巴尔虎右旗统计局", uscc="11150727MB1234562X", division=Division.objects.get(code="150727"))
    assert [(e.field, e.rule) for e in exc.value.errors] == [("uscc", "check_digit")]
    assert not Department.objects.filter(name="新巴尔虎右旗统计局").exists()


def test_valid_department_is_saved_with_compact_code(county, sysadmin):
    from govhall.core.identifiers import make_uscc

    code = make_uscc("11", "150727", "01154599")
    dept = department_save(actor=sysadmin, name="新巴尔虎右旗统计局", uscc=code.lower(), division=Division.objects.get(code="150727"))
    assert dept.uscc == code


def test_duplicate_uscc_refused(county, sysadmin):
    with pytest.raises(ValidationError) as exc:
        department_save(actor=sysadmin, name="重复局", uscc=county.departments["公安局"].uscc, division=Division.objects.get(code="150727"))
    assert exc.value.errors[0].rule == "unique"


def test_clerk_cannot_create_departments(county, clerk):
    with pytest.raises(PermissionDenied):
        department_save(actor=clerk, name="x局", uscc="x", division=Division.objects.get(code="150727"))


def test_comprehensive_window_accepts_any_item_and_specialised_only_its_own(county, sysadmin):
    food, id_card = county.items["food"], county.items["id_card"]
    comprehensive = county.windows["综合1"]
    assert set(items_for_window(window=comprehensive)) == {food, id_card}
    special = Window.objects.create(centre=county.centre, number="B01", name="公安户政专窗", kind=Window.KIND_SPECIALISED)
    window_set_items(actor=sysadmin, window=special, items=[id_card])
    assert window_accepts(window=special, item=id_card)
    assert not window_accepts(window=special, item=food)


def test_setting_items_on_a_comprehensive_window_is_refused(county, sysadmin):
    with pytest.raises(ValidationError):
        window_set_items(actor=sysadmin, window=county.windows["综合1"], items=[])
