"""The registry: every source the catalog names resolves to a registered source."""

import pytest

from govhall.demo.items.library import MATERIALS
from govhall.shareddata.models import DataSource
from govhall.shareddata.registry import SOURCES, source_code_for
from govhall.tests_support import item_payload


def test_every_shared_source_named_by_the_demo_materials_is_in_the_registry():
    named = {m["shared_source"] for m in MATERIALS.values() if m.get("shared_source")}
    assert {name: source_code_for(name) for name in named if source_code_for(name) is None} == {}


def test_the_test_item_materials_name_registered_sources():
    named = {m["shared_source"] for m in item_payload()["materials"] if m.get("shared_source")}
    assert {source_code_for(n) for n in named} == {"enterprise_registration", "household"}


def test_source_is_found_by_code_name_or_alias_and_not_by_anything_else():
    assert source_code_for("social_security") == source_code_for("社保参保") == source_code_for("社会保障") == "social_security"
    assert source_code_for("随便什么") is None
    assert source_code_for("") is None


@pytest.mark.django_db
def test_the_migration_registers_every_source_with_its_fields():
    assert sorted(DataSource.objects.values_list("code", flat=True)) == sorted(s["code"] for s in SOURCES)
    household = DataSource.objects.get(code="household")
    assert {"key": "address", "label": "住址", "personal": True} in household.fields
