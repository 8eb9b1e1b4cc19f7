"""站内消息 of 交办 tasks: the department (or the window's centre) is told of a task, of a 退回 and of
its 办结, and reminded before and after its due date; the supervisor is told of the answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from govhall.anomalies import services, tasks
from govhall.anomalies.models import SupervisionTask
from govhall.anomalies.tests.test_tasks import assign
from govhall.cases.models import Notification
from govhall.cases.tests.conftest import food, person  # noqa: F401

pytestmark = pytest.mark.django_db


def messages_of(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_the_department_admins_are_told_of_a_new_task_and_no_one_else(
    hit, supervisor, dept_admin, other_dept_admin, centre_admin, clerk, county, client
):
    task = assign(supervisor, hit, county)

    (message,) = messages_of(dept_admin)
    due = f"{task.due_date:%Y-%m-%d}"
    assert message.text == f"监管交办任务 {task.number}：食品经营许可超期未办结。请于 {due} 前答复核查情况和整改措施。"
    assert message.link == reverse("anomalies_staff:task", args=[task.pk]) and message.read_at is None
    assert not messages_of(other_dept_admin) and not messages_of(centre_admin) and not messages_of(clerk) and not messages_of(supervisor)
    # The header counts it; opening it marks it read and opens the task.
    client.force_login(dept_admin)
    assert 'class="badge red"' in client.get(reverse("notifications:list")).content.decode()
    response = client.get(reverse("notifications:go", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == message.link
    assert client.get(message.link).status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None


def test_a_task_to_a_window_tells_the_centre_admins(hit, supervisor, dept_admin, centre_admin, county):
    task = assign(supervisor, hit, county, target_kind="window", window=county.windows["综合1"], department=None)
    assert [m.link for m in messages_of(centre_admin)] == [reverse("anomalies_staff:task", args=[task.pk])]
    assert not messages_of(dept_admin)


def test_the_answer_tells_the_supervisor_and_a_return_and_the_close_tell_the_department(hit, supervisor, dept_admin, county):
    task = assign(supervisor, hit, county)
    services.task_answer(actor=dept_admin, task=task, content="已核查", category="other", measures="加强教育")
    (answered,) = messages_of(supervisor)
    assert answered.text == f"交办任务 {task.number}（食品经营许可超期未办结）已由{task.target_label}答复，请审核。"

    returned = services.task_return(actor=supervisor, task=task, reason="整改措施过于笼统，请细化", due_days=3)
    services.task_answer(actor=dept_admin, task=task, content="已细化", category="approval", measures="制定审查要点清单")
    services.task_close(actor=supervisor, task=task, outcome=SupervisionTask.STATUS_RECTIFIED)

    texts = [m.text for m in messages_of(dept_admin)]
    assert texts[1] == f"交办任务 {task.number} 的答复被退回：整改措施过于笼统，请细化。请于 {returned.due_date:%Y-%m-%d} 前重新答复。"
    assert texts[2] == f"交办任务 {task.number}（食品经营许可超期未办结）已办结：已整改。"
    assert len(texts) == 3 and len(messages_of(supervisor)) == 2


def test_messages_are_kept_in_chinese_whatever_the_supervisors_page_language(hit, supervisor, dept_admin, county):
    with translation.override("en"):
        assign(supervisor, hit, county)
    assert messages_of(dept_admin)[0].text.startswith("监管交办任务")


def test_reminders_before_and_after_the_due_date_go_once_each(hit, supervisor, dept_admin, county):
    task = assign(supervisor, hit, county, due_days=5)
    Notification.objects.all().delete()
    due = task.due_date

    assert services.tasks_remind(today=due - dt.timedelta(days=30)) == 0  # not yet
    assert services.tasks_remind(today=due) == 1
    assert services.tasks_remind(today=due) == 0  # once
    (soon,) = messages_of(dept_admin)
    assert soon.text == f"交办任务 {task.number}（食品经营许可超期未办结）将于 {due:%Y-%m-%d} 到期，尚未答复。"

    assert services.tasks_remind(today=due + dt.timedelta(days=1)) == 1
    assert services.tasks_remind(today=due + dt.timedelta(days=2)) == 0
    assert (
        messages_of(dept_admin)[-1].text == f"交办任务 {task.number}（食品经营许可超期未办结）已超过答复期限 {due:%Y-%m-%d}，请尽快答复。"
    )

    # Answered: no more reminders.
    services.task_answer(actor=dept_admin, task=task, content="已核查", category="other", measures="加强教育")
    assert services.tasks_remind(today=due + dt.timedelta(days=3)) == 0


def test_a_returned_task_is_reminded_again_for_its_new_due_date(hit, supervisor, dept_admin, county):
    task = assign(supervisor, hit, county)
    services.tasks_remind(today=task.due_date)
    services.task_answer(actor=dept_admin, task=task, content="已核查", category="other", measures="加强教育")
    returned = services.task_return(actor=supervisor, task=task, reason="请细化", due_days=3)
    Notification.objects.filter(user=dept_admin).update(read_at=timezone.now())

    assert services.tasks_remind(today=returned.due_date) == 1
    assert f"将于 {returned.due_date:%Y-%m-%d} 到期" in messages_of(dept_admin)[-1].text


def test_the_scheduler_runs_the_task_reminders_daily():
    from govhall.core.scheduler import PERIODIC

    (periodic,) = [p for p in PERIODIC if p.key == "anomalies.tasks_remind"]
    assert periodic.task == "govhall.anomalies.tasks.tasks_remind_task" and periodic.every == dt.timedelta(days=1)
    assert tasks.tasks_remind_task.call() == 0
