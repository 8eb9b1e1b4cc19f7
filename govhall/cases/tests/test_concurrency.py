"""Real concurrency: several threads, each with its own database connection, doing the same action at
the same moment. On SQLite the writers queue on IMMEDIATE transactions and busy_timeout; on
PostgreSQL on row locks. Either way a double submit makes one case, of two clerks accepting one
submission exactly one succeeds, and two departments finishing their parallel reviews at once both
count.

The threads only see committed data, so these tests commit (transactional database). On
PostgreSQL that is the conftest's `committed_county`, which reloads the reference data after each
test's flush. SQLite's test database lives in memory with a shared cache, whose locks fail at once
("database table is locked") instead of waiting on busy_timeout, so there each test runs on a file
copy of it — a database that behaves like the one the county runs on — and the in-memory one is
put back untouched after the module.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections

from govhall.cases.models import Case, CaseDocument, CaseEvent, CaseTask
from govhall.cases.services import case_accept, process_bind, task_complete
from govhall.cases.tests.case_steps import on, open_tasks, submit
from govhall.core.errors import Conflict
from govhall.org import roles
from govhall.org.models import StaffProfile, Window
from govhall.tests_support import build_small_county

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = dt.date(2026, 11, 2)


def _sqlite_in_memory() -> bool:
    wrapper = connections["default"]
    name = str(wrapper.settings_dict["NAME"])
    return wrapper.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


@pytest.fixture(scope="module", autouse=True)
def in_memory_database_kept(django_db_setup, django_db_blocker):
    """On SQLite, keep the in-memory test database aside while this module's tests run on file
    copies of it, and put it back afterwards untouched (so nothing needs reloading). Module-scoped:
    it must outlast each test's flush, which then empties that test's copy."""
    if not _sqlite_in_memory():
        yield None
        return
    wrapper = connections["default"]
    with django_db_blocker.unblock():
        wrapper.ensure_connection()
    memory, memory_name = wrapper.connection, wrapper.settings_dict["NAME"]
    try:
        yield memory
    finally:
        connections.close_all()
        wrapper.settings_dict["NAME"] = memory_name
        wrapper.connection = memory


@pytest.fixture
def county(request, in_memory_database_kept, tmp_path):
    """The conftest's cast of users and items, committed so that other threads see them."""
    if in_memory_database_kept is None:
        # PostgreSQL: the committed county, reloading the reference data after the flush.
        return request.getfixturevalue("committed_county")
    request.getfixturevalue("transactional_db")
    # A fresh file copy of the in-memory database (with the calendar, divisions and roles), with
    # WAL, IMMEDIATE transactions and busy_timeout as configured. The settings dict is shared with
    # the connections that the other threads open.
    connections.close_all()
    path = tmp_path / "concurrency.sqlite3"
    disk = sqlite3.connect(path)
    in_memory_database_kept.backup(disk)
    disk.close()
    wrapper = connections["default"]
    wrapper.connection = None
    wrapper.settings_dict["NAME"] = str(path)
    return build_small_county()


@pytest.fixture
def second_clerk(county):
    window = Window.objects.create(
        centre=county.centre, number="A03", name="综合受理窗口", kind=Window.KIND_COMPREHENSIVE, accepts_all_items=True
    )
    user = User.objects.create_user(username="clerk2", password="govhall-test-pw", first_name="马窗口")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=county.centre, window=window)
    return user


def run_at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run each action in its own thread, released together; each thread's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def work(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # the outcome under test: a Conflict, or an unexpected error
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting for a lock"
    return results


def test_a_double_submit_with_the_same_key_makes_one_case(applicant, food, person):
    def send():
        return submit(applicant, food, person=person, key="form-7f3a")

    with on(MONDAY):
        results = run_at_once(send, send, send)
    assert all(isinstance(r, Case) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.number.endswith("202611020001")
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_two_clerks_accepting_at_once_exactly_one_succeeds(applicant, clerk, second_clerk, food, person):
    with on(MONDAY):
        case = submit(applicant, food, person=person)

        def accept(user):
            return lambda: case_accept(actor=user, case=Case.objects.get(pk=case.pk))

        results = run_at_once(accept(clerk), accept(second_clerk))
    documents = [r for r in results if isinstance(r, CaseDocument)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert (len(documents), len(conflicts)) == (1, 1), results
    assert "已被他人处理" in str(conflicts[0])
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    winner = clerk if case.window.number == "A01" else second_clerk
    assert case.accepted_by == winner
    assert CaseDocument.objects.filter(case=case, kind=CaseDocument.KIND_ACCEPTANCE).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1
    assert CaseTask.objects.filter(case=case).count() == 1


def test_two_departments_finishing_their_reviews_at_once_both_count(county, food, person):
    users = county.users
    process_bind(actor=users["dept_admin"], item=food, reason="会商联审", co_departments=[county.departments["公安局"]])
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
        reviews = {t.department.short_name: t for t in open_tasks(case)}

        def review(user, short_name):
            return lambda: task_complete(actor=user, task=CaseTask.objects.get(pk=reviews[short_name].pk), outcome="approve")

        results = run_at_once(review(users["approver"], "市场监管局"), review(users["police_approver"], "公安局"))
    assert all(isinstance(r, CaseTask) for r in results), results
    # Neither review overwrote the other's: both are done and the decision step opened once.
    assert sorted(CaseTask.objects.filter(case=case, name="会商审查").values_list("status", flat=True)) == ["done", "done"]
    assert [(t.name, t.department.short_name) for t in open_tasks(case)] == [("联审决定", "市场监管局")]


def test_the_event_chain_stays_one_chain_under_concurrent_actions(applicant, clerk, second_clerk, food, person):
    from govhall.cases.chain import chain_verify

    with on(MONDAY):
        first = submit(applicant, food, person=person)
        second = submit(applicant, food, person=person)
        run_at_once(
            lambda: case_accept(actor=clerk, case=Case.objects.get(pk=first.pk)),
            lambda: case_accept(actor=second_clerk, case=Case.objects.get(pk=second.pk)),
        )
    report = chain_verify()
    assert report.intact, report.broken
    assert report.count == CaseEvent.objects.count()
