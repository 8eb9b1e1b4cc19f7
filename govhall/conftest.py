"""Shared fixtures: the real calendar and divisions, a small county, and the fixed cast of users.

The calendar (2004–2026 from chinesecalendar) and the divisions of Inner Mongolia (code 15, from the
real national files) are loaded once per test session; each test runs in a transaction on top.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from govhall.tests_support import build_small_county


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_calendar", verbosity=0)
        call_command("import_divisions", prefix="15", no_progress=True, verbosity=0)
        from govhall.org.roles import ensure_roles

        ensure_roles()


@pytest.fixture
def county(db):
    """A small county: departments, a centre with windows, staff for every role, a few items."""
    return build_small_county()


@pytest.fixture
def applicant(county):
    return county.users["applicant"]


@pytest.fixture
def clerk(county):
    return county.users["clerk"]


@pytest.fixture
def approver(county):
    return county.users["approver"]


@pytest.fixture
def dept_admin(county):
    return county.users["dept_admin"]


@pytest.fixture
def other_dept_admin(county):
    return county.users["other_dept_admin"]


@pytest.fixture
def supervisor(county):
    return county.users["supervisor"]


@pytest.fixture
def sysadmin(county):
    return county.users["sysadmin"]
