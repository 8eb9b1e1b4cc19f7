"""The demo county: `manage.py load_demo` builds 新巴尔虎右旗 through the catalog services.

The load takes ~15 seconds, so it runs once for this module inside a transaction that is rolled
back at the end (other modules build their own small county with the same department names).
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import F

from govhall.catalog.health import catalog_health
from govhall.catalog.models import Item, ItemEvent, ItemVersion, Material, SituationOption, Step
from govhall.catalog.schema import validate_item_data
from govhall.catalog.services import version_to_data
from govhall.core.errors import ValidationError
from govhall.core.identifiers import check
from govhall.demo.people import accounts_markdown, staff_specs
from govhall.org import roles
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window

ALL_ITEM_TYPES = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"}
TOWNSHIP_CODES = {"150727100", "150727101", "150727102", "150727200", "150727201", "150727202", "150727203"}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_output")]


def current_versions():
    return ItemVersion.objects.filter(item__current_version=F("id"))


def test_load_reports_what_it_created(demo_output):
    assert "演示旗县新巴尔虎右旗已载入" in demo_output
    assert "事项" in demo_output


def test_demo_has_over_500_items_of_every_type():
    assert Item.objects.count() >= 500
    assert set(Item.objects.values_list("current_version__item_type", flat=True)) == ALL_ITEM_TYPES


def test_every_current_version_round_trips_through_the_item_schema():
    versions = current_versions().select_related("item", "department")
    problems = {}
    for version in versions:
        try:
            validate_item_data(version_to_data(version))
        except ValidationError as exc:  # collect them all, so each bad item names itself
            problems[version.item.code] = str(exc)
    assert versions.count() == Item.objects.count()
    assert problems == {}


def test_situations_select_materials_and_steps():
    with_situations = Item.objects.filter(current_version__questions__isnull=False).distinct()
    assert with_situations.count() >= 20
    current = current_versions()
    assert Material.objects.filter(version__in=current, options__isnull=False).values("version").distinct().count() >= 20
    assert Step.objects.filter(version__in=current, options__isnull=False).exists()
    assert SituationOption.objects.filter(question__version__in=current).count() >= 40


def test_rongque_list_has_50_items_each_naming_a_deficient_material():
    rongque = current_versions().filter(rongque=True)
    assert rongque.count() >= 50
    assert not rongque.exclude(materials__rongque_allowed=True).exists()


def test_lists_fees_intermediaries_and_commitments_are_present():
    current = current_versions()
    assert current.filter(fees__amount_fen=2000, fees__name="居民身份证工本费").exists()
    assert current.filter(fees__amount_fen=8000, fees__name="不动产登记费（住宅）").exists()
    assert current.filter(intermediaries__name="施工图设计文件审查").exists()
    assert current.filter(commitment_allowed=True, commitment_verify_days__gt=0).count() >= 10
    assert set(current.values_list("tongban_scope", flat=True)) == {"none", "county", "city", "province", "cross_province"}
    assert current.filter(handling_type="instant", promised_limit_days=0).count() >= 50
    for flag in ("random_check", "proof_item", "enterprise_permit", "supervision_item"):
        assert current.filter(**{flag: True}).exists(), flag
    assert not current.exclude(item_type="20").filter(accountability="").exists()


def test_catalog_health_finds_the_few_items_whose_promised_limit_equals_the_legal_one():
    rows = catalog_health()
    limit_findings = [row for row in rows if any("承诺时限" in p for p in row.problems)]
    assert 1 <= len(limit_findings) <= 10
    assert [(row.item.name, row.problems) for row in rows if any("承诺时限" not in p for p in row.problems)] == []


def test_every_role_has_staff_with_a_workplace():
    for role in roles.ROLE_LABELS:
        assert User.objects.filter(groups__name=role, staff__isnull=False).exists(), role
    assert StaffProfile.objects.filter(window__isnull=False, user__groups__name=roles.CLERK).count() >= 40
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.groups.filter(name=roles.SYSADMIN).exists()


def test_demo_accounts_log_in_with_the_demo_password():
    password = os.environ.get("GOVHALL_DEMO_PASSWORD") or "govhall-demo-2026"
    assert authenticate(username="clerk01", password=password) is not None
    assert authenticate(username="clerk01", password="wrong-password") is None


def test_county_hall_has_76_windows_of_every_kind():
    hall = ServiceCentre.objects.get(name="新巴尔虎右旗政务服务中心", level=ServiceCentre.LEVEL_COUNTY)
    windows = hall.windows.all()
    assert windows.count() == 76
    assert {w.kind for w in windows} == {k for k, _ in Window.KIND_CHOICES}
    assert windows.filter(kind=Window.KIND_COMPREHENSIVE, accepts_all_items=True).count() == 16
    specialised = windows.filter(kind=Window.KIND_SPECIALISED)
    assert not specialised.filter(items__isnull=True).exists()
    enterprise_start = windows.get(number="B01")
    assert enterprise_start.items.filter(name="有限责任公司设立登记").exists()
    assert not enterprise_start.items.exclude(department__name__in=["新巴尔虎右旗市场监督管理局"]).exists()
    resident = Department.objects.filter(window__centre=hall).exclude(kind=Department.KIND_APPROVAL_BUREAU).distinct()
    assert resident.count() == 26  # seeds/001: 26 departments stationed in the hall


def test_seven_township_centres_with_village_points_under_them():
    towns = ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_TOWNSHIP)
    assert set(towns.values_list("division__code", flat=True)) == TOWNSHIP_CODES
    for town in towns:
        assert town.windows.count() >= 3
        assert town.branches.filter(level=ServiceCentre.LEVEL_VILLAGE).exists()
    villages = Division.objects.filter(level=Division.LEVEL_VILLAGE, code__startswith="150727")
    assert villages.count() == 63  # seeds/001: 12 社区 and 51 嘎查, each with a 代办点
    assert ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_VILLAGE).count() == 63
    assert not villages.exclude(parent__code__in=TOWNSHIP_CODES).exists()


def test_departments_have_valid_usccs():
    departments = Department.objects.filter(division__code__startswith="150727")
    assert departments.count() >= 37
    assert departments.filter(kind=Department.KIND_TOWNSHIP).count() == 7
    assert departments.filter(kind=Department.KIND_APPROVAL_BUREAU).count() == 1
    for department in departments:
        assert check("uscc", department.uscc).valid, department.name
        assert department.phone.startswith("0470-64") and department.address


def test_items_were_delegated_to_townships_and_transferred_to_the_approval_bureau():
    delegated = Item.objects.filter(events__kind="delegated")
    assert delegated.count() >= 30
    assert not delegated.exclude(department__kind=Department.KIND_TOWNSHIP).exists()
    assert not delegated.exclude(current_version__level="township").exists()
    transferred = Item.objects.filter(events__kind="transferred")
    assert 10 <= transferred.count() <= 20
    assert not transferred.exclude(department__kind=Department.KIND_APPROVAL_BUREAU).exists()
    event = ItemEvent.objects.filter(kind="transferred").first()
    assert event.before["department"] != event.after["department"]
    assert "相对集中行政许可权" in event.reason
    first = delegated.first().versions.order_by("number").first()
    assert first.department.kind == Department.KIND_DEPARTMENT


def test_loading_twice_changes_nothing():
    def counts():
        return (
            Item.objects.count(),
            ItemVersion.objects.count(),
            ItemEvent.objects.count(),
            User.objects.count(),
            Department.objects.count(),
            ServiceCentre.objects.count(),
            Window.objects.count(),
            Window.items.through.objects.count(),
            Division.objects.count(),
        )

    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out, allow_production=True)
    assert counts() == before
    assert "未做任何改动" in out.getvalue()


def test_accounts_file_lists_every_demo_account():
    text = (Path(__file__).resolve().parent.parent / "ACCOUNTS.md").read_text(encoding="utf-8")
    assert text == accounts_markdown()
    assert User.objects.filter(username__in=[s.username for s in staff_specs()]).count() == len(staff_specs())


def test_the_whole_county_catalog_exported_to_excel_imports_cleanly_as_another_countys():
    """docs/catalog-excel-format.md in practice: 600+ real items written out and brought back in
    under new codes, as another county would bring its catalog, with no error and nothing lost."""
    import io

    from openpyxl import load_workbook

    from govhall.catalog.excel import catalog_export, catalog_import
    from govhall.catalog.excel_format import SHEETS

    items = list(Item.objects.filter(status=Item.STATUS_ACTIVE).order_by("code"))
    workbook = load_workbook(io.BytesIO(catalog_export(items=items)))
    for spec in SHEETS:
        sheet = workbook[spec.name]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value:
                sheet.cell(row, 1).value = "N" + sheet.cell(row, 1).value
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = catalog_import(actor=None, file=buffer.getvalue())

    assert report.errors == [] and not report.blocked
    assert report.created == len(items) >= 500
    for item in items[::25]:
        copy = Item.objects.get(code="N" + item.code)
        assert version_to_data(copy.current_version) == {**version_to_data(item.current_version), "code": "N" + item.code}


def test_demo_is_refused_on_a_production_configuration(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=StringIO())
    assert "生产配置" in str(exc.value)
