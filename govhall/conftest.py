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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files a test keeps (a job's upload and reports) go to its own directory, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


@pytest.fixture
def section_head(county):
    return county.users["section_head"]


@pytest.fixture
def police_approver(county):
    return county.users["police_approver"]


@pytest.fixture
def other_applicant(county):
    return county.users["other_applicant"]


@pytest.fixture
def clerk2(county):
    """A clerk at the second window (B01 企业开办专窗) of the same centre."""
    return county.users["clerk2"]


@pytest.fixture
def centre_admin(county):
    return county.users["centre_admin"]


# --- browser ------------------------------------------------------------------------------------
# Playwright (sync API) in Debian's Chromium against pytest-django's live_server. The live server
# only sees committed data, so browser tests use the transactional database. Its flush after each
# test empties every table, including what django_db_setup seeded once per session (calendar,
# divisions, roles): `live_county` reloads them before the test and again after the flush, so the
# tests that run later still find them.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _seed_reference_data() -> None:
    """The same reference data as django_db_setup; idempotent (quick when it is still there)."""
    import io

    from govhall.org.roles import ensure_roles

    quiet = io.StringIO()  # the commands report what they loaded; the test output needn't
    call_command("seed_calendar", stdout=quiet)
    call_command("import_divisions", prefix="15", no_progress=True, stdout=quiet)
    ensure_roles()


_RESEED_AFTER_TEARDOWN = pytest.StashKey[object]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # The flush runs in pytest-django's own (autouse, hence earlier) fixture, after every fixture
    # of ours has been torn down: the reload has to wait for the end of the test's teardown. When
    # no test follows, the test database is already gone and there is nothing to reload.
    result = yield
    blocker = item.stash.get(_RESEED_AFTER_TEARDOWN, None)
    if blocker is not None and nextitem is not None:
        with blocker.unblock():
            _seed_reference_data()
    return result


@pytest.fixture
def committed_county(request, transactional_db, django_db_blocker):
    """The small county, committed, for a test that needs real commits without a live server (the
    background worker picking up a task queued on commit)."""
    _seed_reference_data()
    request.node.stash[_RESEED_AFTER_TEARDOWN] = django_db_blocker
    return build_small_county()


@pytest.fixture
def live_county(request, transactional_db, live_server, django_db_blocker):
    """The small county, committed so that the live server (another thread) can read it."""
    _seed_reference_data()  # an earlier transactional test may have flushed it
    request.node.stash[_RESEED_AFTER_TEARDOWN] = django_db_blocker
    return build_small_county()


@pytest.fixture
def chromium_path() -> str:
    """Debian's Chromium. Missing: the test skips, unless GOVHALL_REQUIRE_BROWSER=1 (CI) makes it fail."""
    import os

    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)"
        if os.environ.get("GOVHALL_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def browser_page(chromium_path, live_county, live_server):
    """A fresh Chromium page on the live server (1280×900, zh-CN, downloads allowed)."""
    from playwright.sync_api import sync_playwright

    # Started after the data is written and stopped before the flush: while Playwright's event loop
    # runs in this thread, Django refuses database calls from it (SynchronousOnlyOperation).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
