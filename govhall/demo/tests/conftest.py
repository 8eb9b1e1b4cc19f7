from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="package", autouse=True)
def demo_media_root(tmp_path_factory):
    """The demo's cases upload scanned materials: keep them out of var/media. Package-scoped, so it
    is in force when a module loads the demo once for all its tests."""
    root = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(scope="package")
def demo_output(demo_media_root, django_db_setup, django_db_blocker):
    """The demo county, loaded once for every module of this package that asks for it (a load takes
    about a minute and a half on PostgreSQL) and rolled back after the package."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out, allow_production=True)  # pytest-django runs with DEBUG off
        yield out.getvalue()
        transaction.set_rollback(True)
