"""复核 → 交办 → 答复/整改 → 办结, the return path, overdue tasks, and who may see and do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.anomalies import services
from govhall.anomalies.models import AnomalyHit, Review, Suggestion, SupervisionTask, TaskEvent
from govhall.anomalies.selectors import summary
from govhall.cases.tests.conftest import food, person  # noqa: F401
from govhall.core.errors import Conflict, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


def assign(supervisor, hit, county, **overrides):
    values = {
        "actor": supervisor,
        "hits": [hit],
        "target_kind": SupervisionTask.TARGET_DEPARTMENT,
        "department": county.departments["市场监管局"],
        "due_days": 5,
        "title": "食品经营许可超期未办结",
        "description": "请核查该办件超期原因并整改。",
        "suggestions": ["建立超期预警提醒", "对审查环节实行限时办结"],
    }
    values.update(overrides)
    return services.task_assign(**values)


def login(client, user):
    client.force_login(user)
    return client


def test_supervisor_dismisses_a_hit_with_a_reason(hit, supervisor, client):
    response = login(client, supervisor).post(
        reverse("anomalies_staff:hit-dismiss", args=[hit.pk]), {"reason": "系统迁移补录，时间以纸质档案为准"}
    )
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == AnomalyHit.STATUS_DISMISSED and hit.dismiss_reason.startswith("系统迁移补录")
    assert Review.objects.get(hit=hit).decision == Review.DECISION_DISMISS


def test_dismissing_without_a_reason_is_refused(hit, supervisor, client):
    response = login(client, supervisor).post(reverse("anomalies_staff:hit-dismiss", args=[hit.pk]), {"reason": " "})
    assert response.status_code == 400
    assert "请填写排除理由" in response.content.decode()
    hit.refresh_from_db()
    assert hit.status == AnomalyHit.STATUS_PENDING


def test_the_whole_lifecycle_from_hit_to_rectified(hit, supervisor, dept_admin, county, client):
    # 交办 from the hit page
    login(client, supervisor)
    response = client.post(
        reverse("anomalies_staff:hit-assign", args=[hit.pk]),
        {
            "target_kind": "department",
            "department": county.departments["市场监管局"].pk,
            "due_days": 5,
            "title": "食品经营许可超期未办结",
            "description": "请核查超期原因。",
            "suggestions": "建立超期预警提醒\n审查环节限时办结",
        },
    )
    task = SupervisionTask.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("anomalies_staff:task", args=[task.pk])
    hit.refresh_from_db()
    assert hit.status == AnomalyHit.STATUS_ASSIGNED and hit.task == task
    assert task.status == SupervisionTask.STATUS_AWAITING and task.due_date > timezone.localdate()
    assert task.number.startswith("JB")
    first, second = task.suggestions.all()

    # the department answers, adopting one suggestion
    client.force_login(dept_admin)
    page = client.get(reverse("anomalies_staff:task", args=[task.pk])).content.decode()
    assert 'id="answer-form"' in page and "提交答复" in page
    response = client.post(
        reverse("anomalies_staff:task-step", args=[task.pk, "answer"]),
        {"content": "经核查，审查人员休假未交接导致超期。", "category": "process", "measures": "建立AB岗制度", "adopted": [str(first.pk)]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == SupervisionTask.STATUS_ANSWERED and not task.answered_late
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.adopted is True and second.adopted is False

    # the supervisor closes it as rectified
    client.force_login(supervisor)
    response = client.post(reverse("anomalies_staff:task-step", args=[task.pk, "close"]), {"outcome": "rectified", "note": "整改到位"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == SupervisionTask.STATUS_RECTIFIED and task.closed_by == supervisor
    assert list(task.events.values_list("kind", flat=True)) == ["assigned", "answered", "closed"]
    figures = summary()
    assert figures["tasks"]["total"] == 1 and figures["tasks"]["done"] == 1
    assert figures["suggestions"] == {"total": 2, "adopted": 1}
    assert figures["outcomes"]["process"]["count"] == 1
    assert figures["departments"][county.departments["市场监管局"].pk]["adopted"] == 1


def test_a_returned_task_waits_for_a_new_answer_with_a_new_due_date(hit, supervisor, dept_admin, county):
    task = assign(supervisor, hit, county)
    services.task_answer(actor=dept_admin, task=task, content="已核查", category="other", measures="加强教育")
    returned = services.task_return(actor=supervisor, task=task, reason="整改措施过于笼统，请细化", due_days=3)
    assert returned.status == SupervisionTask.STATUS_RETURNED and returned.return_count == 1
    with pytest.raises(Conflict):
        services.task_close(actor=supervisor, task=task, outcome="rectified")
    services.task_answer(actor=dept_admin, task=task, content="已细化", category="approval", measures="制定审查要点清单")
    closed = services.task_close(actor=supervisor, task=task, outcome="closed")
    assert closed.status == SupervisionTask.STATUS_CLOSED
    assert task.answers.count() == 2
    assert summary()["outcomes"]["approval"]["count"] == 1  # the last answer counts


def test_a_task_past_its_due_date_without_answer_is_overdue_and_shown_red(hit, supervisor, dept_admin, county, client):
    task = assign(supervisor, hit, county)
    SupervisionTask.objects.filter(pk=task.pk).update(due_date=dt.date(2025, 6, 2))
    page = login(client, supervisor).get(reverse("anomalies_staff:tasks")).content.decode()
    assert 'class="task-row overdue"' in page
    assert summary()["tasks"]["overdue"] == 1
    answer = services.task_answer(actor=dept_admin, task=task, content="已核查", category="other", measures="加强教育")
    assert answer.late
    assert summary()["tasks"]["overdue"] == 0


def test_a_task_to_a_window_is_answered_by_the_centre_admin_not_the_department(hit, supervisor, centre_admin, dept_admin, county, client):
    task = assign(supervisor, hit, county, target_kind="window", window=county.windows["综合1"], department=None)
    assert task.centre == county.centre and task.department is None  # the centre's task, not the department's
    with pytest.raises(PermissionDenied):
        services.task_answer(actor=dept_admin, task=task, content="x", category="other", measures="y")
    assert login(client, dept_admin).get(reverse("anomalies_staff:task", args=[task.pk])).status_code == 404
    services.task_answer(actor=centre_admin, task=task, content="窗口人员已约谈", category="service", measures="增设引导岗")
    task.refresh_from_db()
    assert task.status == SupervisionTask.STATUS_ANSWERED


def test_a_second_review_of_the_same_hit_is_refused(hit, supervisor, county):
    services.hit_dismiss(actor=supervisor, hit=hit, reason="正常")
    with pytest.raises(Conflict):
        assign(supervisor, hit, county)


def test_several_hits_become_one_task(make_fact, supervisor, county):
    from govhall.anomalies.engine import scan

    make_fact(off_hours_actions=1)
    make_fact(off_hours_actions=2)
    scan()
    hits = list(AnomalyHit.objects.all())
    task = assign(supervisor, hits[0], county, hits=hits)
    assert set(task.hits.all()) == set(hits)


def test_a_due_date_out_of_range_is_refused(hit, supervisor, county):
    with pytest.raises(ValidationError) as error:
        assign(supervisor, hit, county, due_days=0)
    assert error.value.errors[0].field == "due_days"


def test_other_department_admin_gets_404_and_cannot_answer(hit, supervisor, other_dept_admin, county, client):
    task = assign(supervisor, hit, county)
    login(client, other_dept_admin)
    assert client.get(reverse("anomalies_staff:task", args=[task.pk])).status_code == 404
    response = client.post(
        reverse("anomalies_staff:task-step", args=[task.pk, "answer"]), {"content": "x", "category": "other", "measures": "y"}
    )
    assert response.status_code == 404
    assert SupervisionTask.objects.get().status == SupervisionTask.STATUS_AWAITING
    assert task.number not in client.get(reverse("anomalies_staff:tasks")).content.decode()


@pytest.mark.parametrize("who", ["applicant", "clerk", "approver", "dept_admin"])
def test_people_without_a_supervision_role_do_not_see_hits(hit, county, client, who):
    login(client, county.users[who])
    assert client.get(reverse("anomalies_staff:hits")).status_code == 404
    assert client.get(reverse("anomalies_staff:hit", args=[hit.pk])).status_code == 404
    assert client.post(reverse("anomalies_staff:hit-dismiss", args=[hit.pk]), {"reason": "x"}).status_code == 404
    assert AnomalyHit.objects.get().status == AnomalyHit.STATUS_PENDING


@pytest.mark.parametrize("who", ["applicant", "clerk"])
def test_applicants_and_clerks_do_not_see_tasks(hit, supervisor, county, client, who):
    task = assign(supervisor, hit, county)
    login(client, county.users[who])
    assert client.get(reverse("anomalies_staff:tasks")).status_code == 404
    assert client.get(reverse("anomalies_staff:task", args=[task.pk])).status_code == 404


def test_the_department_admin_lists_only_their_departments_tasks(hit, supervisor, dept_admin, other_dept_admin, county, client):
    task = assign(supervisor, hit, county)
    page = login(client, dept_admin).get(reverse("anomalies_staff:tasks")).content.decode()
    assert task.number in page
    page = login(client, other_dept_admin).get(reverse("anomalies_staff:tasks")).content.decode()
    assert task.number not in page


def test_an_auditor_reads_but_cannot_review(hit, county, client):
    from django.contrib.auth.models import Group, User

    from govhall.org.models import StaffProfile

    auditor = User.objects.create_user("auditor", password="x")
    auditor.groups.add(Group.objects.get(name="auditor"))
    StaffProfile.objects.create(user=auditor, centre=county.centre)
    login(client, auditor)
    page = client.get(reverse("anomalies_staff:hit", args=[hit.pk])).content.decode()
    assert 'id="dismiss-form"' not in page
    response = client.post(reverse("anomalies_staff:hit-dismiss", args=[hit.pk]), {"reason": "x"})
    assert response.status_code == 400
    assert AnomalyHit.objects.get().status == AnomalyHit.STATUS_PENDING


def test_the_hit_list_filters_by_department_and_exports_excel(make_fact, supervisor, county, client):
    from openpyxl import load_workbook

    from govhall.anomalies.engine import scan

    make_fact(off_hours_actions=1)
    make_fact(off_hours_actions=1, department=county.departments["公安局"], item=county.items["id_card"])
    scan()
    login(client, supervisor)
    market = county.departments["市场监管局"].pk
    response = client.get(reverse("anomalies_staff:hits"), {"department": market})
    assert len(response.context["hits"]) == 1 and response.context["hits"][0]["h"].department_id == market
    response = client.get(reverse("anomalies_staff:hits"), {"department": market, "export": "xlsx"})
    import io

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "编号" and len(rows) == 2 and rows[1][1] == "非工作时间办理"


def test_the_hit_page_links_to_the_live_case(supervisor, county, client, make_fact, person, food):  # noqa: F811
    from govhall.anomalies.engine import scan
    from govhall.cases.tests.case_steps import submit
    from govhall.supervision.models import CaseFact

    case = submit(county.users["applicant"], food, person=person)
    CaseFact.objects.filter(case=case).delete()
    make_fact(case=case, external_id=case.number, off_hours_actions=1)
    scan()
    hit = AnomalyHit.objects.get()
    page = login(client, supervisor).get(reverse("anomalies_staff:hit", args=[hit.pk])).content.decode()
    assert f'href="{reverse("cases_staff:case", args=[case.pk])}"' in page


def test_a_supervisor_starts_a_full_scan_and_follows_its_progress(make_fact, supervisor, client, django_capture_on_commit_callbacks):
    from govhall.core.models import Job

    make_fact(off_hours_actions=1)
    login(client, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("anomalies_staff:scan"))
    job = Job.objects.get()
    assert response["Location"] == reverse("staff-job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.STATUS_SUCCEEDED and job.result["hits_created"] == 1
    assert "新发现异常 1 条" in client.get(reverse("staff-job", args=[job.pk])).content.decode()


def test_every_task_change_is_logged(hit, supervisor, dept_admin, county):
    task = assign(supervisor, hit, county)
    services.suggestion_add(actor=supervisor, task=task, text="公开超期办件处理结果")
    services.task_answer(actor=dept_admin, task=task, content="已核查", category="service", measures="设立帮办岗")
    services.task_return(actor=supervisor, task=task, reason="请补充佐证", due_days=2)
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True)) == ["assigned", "suggested", "answered", "returned"]
    assert Suggestion.objects.filter(task=task).count() == 3


def test_the_page_of_a_repeated_rejection_lists_the_cases_and_not_the_id_number(make_fact, supervisor, client):
    import datetime as dt

    from govhall.anomalies.engine import scan
    from govhall.anomalies.tests.conftest import DAY, at

    key = "c0ffee12" * 8
    facts = [make_fact(applicant_key=key, decision="denied", decided_at=at(DAY + dt.timedelta(days=d))) for d in (0, 5, 9)]
    scan()
    hit = AnomalyHit.objects.get(rule="repeated_rejections")
    page = login(client, supervisor).get(reverse("anomalies_staff:hit", args=[hit.pk])).content.decode()
    assert all(f.external_id in page for f in facts)
    assert 'id="hit-cases"' in page


def test_the_page_of_a_rating_burst_lists_the_ratings(make_rating, supervisor, client):
    import datetime as dt

    from govhall.anomalies.engine import scan
    from govhall.anomalies.tests.conftest import DAY, at

    for i in range(10):
        make_rating(device="PAD-A01", created_at=at(DAY, 10) + dt.timedelta(seconds=30 * i), level=5)
    scan()
    hit = AnomalyHit.objects.get(rule="rating_burst")
    page = login(client, supervisor).get(reverse("anomalies_staff:hit", args=[hit.pk])).content.decode()
    assert page.count("非常满意") >= 10 and 'id="hit-ratings"' in page


def test_the_scan_command_reports_records_per_second(make_fact):
    import io

    from django.core.management import call_command

    make_fact(off_hours_actions=1)
    out = io.StringIO()
    call_command("scan_anomalies", stdout=out)
    assert "新发现异常 1 条" in out.getvalue()


def test_a_task_to_a_window_does_not_count_against_a_department(hit, supervisor, county):
    market = county.departments["市场监管局"]
    assign(supervisor, hit, county, target_kind="window", window=county.windows["综合1"], department=None)
    # an older window task that still carries the hits' department is not counted there either
    SupervisionTask.objects.update(department=market)
    row = summary()["departments"][market.pk]
    assert row["hits"] == 1 and (row["tasks"], row["tasks_open"], row["suggestions"]) == (0, 0, 0)
    assert summary()["tasks"]["total"] == 1


def test_a_second_full_scan_is_refused_while_one_is_queued_unless_it_stalled(supervisor):
    from govhall.core.models import Job

    first = services.scan_start(actor=supervisor)
    with pytest.raises(ValidationError) as error:
        services.scan_start(actor=supervisor)
    assert error.value.errors[0].rule == "already_running"
    Job.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))  # its worker is gone
    assert services.scan_start(actor=supervisor).pk != first.pk


def test_the_hit_export_is_cut_at_the_row_limit_with_a_note(make_fact, supervisor, client, monkeypatch):
    import io

    from openpyxl import load_workbook

    from govhall.anomalies import views_staff
    from govhall.anomalies.engine import scan

    make_fact(off_hours_actions=1)
    make_fact(off_hours_actions=2)
    scan()
    monkeypatch.setattr(views_staff, "EXPORT_LIMIT", 1)
    response = login(client, supervisor).get(reverse("anomalies_staff:hits"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 3 and "缩小筛选范围" in rows[2][0]
    monkeypatch.setattr(views_staff, "EXPORT_LIMIT", 2)
    response = client.get(reverse("anomalies_staff:hits"), {"export": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.values)) == 3  # exactly at the limit: no note
