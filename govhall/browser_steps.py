"""What the Playwright journeys share: signing in and out, an approver's 同意 on a task, and a server
clock that starts on a chosen day and runs on from there."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

PASSWORD = "govhall-test-pw"  # every user of the small test county (tests_support)


@contextlib.contextmanager
def clock_from(start: dt.datetime) -> Iterator[None]:
    """Every part of the server sees the clock start at `start` (local time) and run on from there."""
    real_now = timezone.now
    started = real_now()
    base = timezone.make_aware(start)
    with mock.patch("django.utils.timezone.now", new=lambda: base + (real_now() - started)):
        yield


def sign_in(page, username: str, *, applicant: bool = False) -> None:
    page.goto("/account/login/" if applicant else "/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()


def approve_task(page, username: str, step: str) -> None:
    """The approver signs in, opens the task `step` from the approval workbench, agrees, signs out."""
    from playwright.sync_api import expect

    sign_in(page, username)
    page.goto("/staff/cases/approval/")
    row = page.locator(".task-list tbody tr", has_text=step).first
    expect(row).to_be_visible()
    row.get_by_role("link", name="办理").click()
    page.locator("#task").get_by_label("同意", exact=True).check()
    page.locator("#task").get_by_label("办理意见").fill("经审查，符合法定条件。")
    page.locator("#task").get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_be_visible()
    sign_out(page)
