"""CAT-4 in the background: an uploaded workbook is imported by the worker while the page shows
its progress, then the same report as before (counts, error table, error workbook).

Tests run tasks with django-tasks' immediate backend (govhall.settings.test): the task runs when
the upload commits, inside the request. The last test takes the real path: the database backend
and one run of `manage.py db_worker`.
"""

from __future__ import annotations

import io
import logging
import signal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from govhall.catalog import tasks
from govhall.catalog.excel import catalog_export, catalog_import
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.tasks import import_catalog_job
from govhall.core.jobs import get_job_for_user, job_create
from govhall.core.models import Job

FOOD_NAME = "食品经营许可证核发"


# --- helpers ------------------------------------------------------------------------------------


def workbook(*, food_name: str = FOOD_NAME, food_promised_days: int | None = None, id_card_name: str | None = None) -> bytes:
    """The exported catalog with the cells a person changed in Excel."""
    wb = load_workbook(io.BytesIO(catalog_export(items=Item.objects.all())))
    ws = wb["事项"]
    labels = [str(c.value).rstrip("*＊").strip() for c in ws[1]]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["000111011000"], labels.index("事项名称") + 1).value = food_name
    if food_promised_days is not None:
        ws.cell(rows["000111011000"], labels.index("承诺办结时限") + 1).value = food_promised_days
    if id_card_name is not None:
        ws.cell(rows["000107002000"], labels.index("事项名称") + 1).value = id_card_name
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, capture, **fields) -> str:
    """Upload on the import page; the task runs when the upload commits. Returns the job page's URL."""
    with capture(execute=True):
        response = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("事项清单.xlsx", content), **fields})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def versions() -> int:
    return ItemVersion.objects.count()


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_leads_to_the_job_page_which_shows_the_finished_report_with_counts(
    client, sysadmin, county, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)

    job_url = upload(client, workbook(food_name="食品经营许可证核发（含仅销售预包装食品备案）"), django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job_url == reverse("staff-job", args=[job.pk])
    page = client.get(job_url).content.decode()
    assert "导入结果" in page and "导入完成：新增0项，更新1项，未变1项。" in page
    assert '<span class="num">1</span><span class="muted">更新（新版本）</span>' in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert county.items["food"].versions.count() == 2
    assert "事项清单.xlsx" in client.get(reverse("staff-import")).content.decode()  # listed under 最近的导入


@pytest.mark.django_db
def test_import_reports_reading_checking_and_saving_with_counts_rising_to_the_total(county):
    calls: list[tuple[int, int, str]] = []

    catalog_import(actor=None, file=workbook(food_name="改名后的食品经营许可"), progress=lambda *call: calls.append(call))

    phases = list(dict.fromkeys(message for _done, _total, message in calls))
    assert phases[0] == "正在读取工作簿" and "正在读取工作表“事项”" in phases
    assert phases[-2:] == ["正在校验事项", "正在保存事项"]
    assert [(d, t) for d, t, m in calls if m == "正在校验事项"] == [(0, 2), (1, 2), (2, 2)]
    assert [(d, t) for d, t, m in calls if m == "正在保存事项"] == [(0, 1), (1, 1)]  # the unchanged item is not saved


@pytest.mark.django_db
def test_the_job_page_follows_the_import_while_it_runs(client, sysadmin, county, django_capture_on_commit_callbacks, monkeypatch):
    seen: list[tuple[int, int, str]] = []
    report_progress = tasks.job_progress

    def progress_then_look(*, job_id, done, total, message):
        report_progress(job_id=job_id, done=done, total=total, message=message)
        job = get_job_for_user(user=sysadmin, job_id=job_id)  # what the page shows at this moment
        seen.append((job.done, job.total, job.message))

    monkeypatch.setattr(tasks, "job_progress", progress_then_look)
    client.force_login(sysadmin)

    upload(client, workbook(food_name="改名一", id_card_name="改名二"), django_capture_on_commit_callbacks)

    saving = [(done, total) for done, total, message in seen if message == "正在保存事项"]
    assert saving[0] == (0, 2) and saving[-1] == (2, 2)
    assert [done for done, _total in saving] == sorted(done for done, _total in saving)
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (Job.STATUS_SUCCEEDED, 2, 2)


@pytest.mark.django_db
def test_bad_rows_show_the_error_table_offer_the_error_workbook_and_save_nothing(
    client, sysadmin, county, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    before = versions()

    job_url = upload(client, workbook(food_promised_days=-1, id_card_name="居民身份证换领（改）"), django_capture_on_commit_callbacks)

    page = client.get(job_url).content.decode()
    assert "文件中有错误，整份未导入" in page
    assert '<table class="data errors">' in page and "不能小于0" in page and "000111011000" in page
    assert versions() == before
    assert Item.objects.get(code="000107002000").current.name == "居民身份证换领"
    download = client.get(reverse("staff-job-output", args=[Job.objects.get().pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    errors = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["错误报告"]
    assert any("不能小于0" in str(cell.value) for row in errors.iter_rows() for cell in row)


@pytest.mark.django_db
def test_another_user_gets_404_for_the_job_and_its_error_workbook(client, sysadmin, dept_admin, county, django_capture_on_commit_callbacks):
    client.force_login(sysadmin)
    job_url = upload(client, workbook(food_promised_days=-1), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    other_sysadmin = User.objects.create_user("other_sysadmin", password="x")
    other_sysadmin.groups.set(sysadmin.groups.all())  # may import too, but did not start this job

    for user in (other_sysadmin, dept_admin):
        client.force_login(user)
        assert client.get(job_url).status_code == 404
        assert client.get(reverse("staff-job-output", args=[job.pk])).status_code == 404
        assert "事项清单.xlsx" not in client.get(reverse("staff-import")).content.decode()
    assert Job.objects.get().output.storage.exists(job.output.name)


@pytest.mark.django_db
def test_the_report_is_written_in_the_language_of_the_page_that_started_the_import(
    client, sysadmin, county, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(upload(client, workbook(food_promised_days=-1), django_capture_on_commit_callbacks)).content.decode()

    assert Job.objects.get().language == "en"
    assert "Import result" in page and "导入结果" not in page


# --- the task -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_finished_import_job_is_not_run_twice(client, sysadmin, county, django_capture_on_commit_callbacks):
    client.force_login(sysadmin)
    upload(client, workbook(food_name="只改一次"), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    before = versions()

    import_catalog_job.call(job.pk)  # the task delivered again

    assert versions() == before
    assert Job.objects.get().finished_at == job.finished_at


@pytest.mark.django_db
def test_the_worker_checks_the_permission_again_when_the_import_runs(sysadmin, county):
    job = job_create(actor=sysadmin, kind="catalog.import", upload=SimpleUploadedFile("事项清单.xlsx", workbook(food_name="越权改名")))
    sysadmin.groups.clear()  # the role was withdrawn while the job waited in the queue
    before = versions()

    import_catalog_job.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.STATUS_FAILED, "无权导入事项清单")
    assert versions() == before


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_with_a_plain_message(sysadmin, county):
    job = job_create(actor=sysadmin, kind="catalog.import", upload=SimpleUploadedFile("事项清单.xlsx", workbook()))
    job.upload.storage.delete(job.upload.name)  # the file went missing

    with pytest.raises(FileNotFoundError):
        import_catalog_job.call(job.pk)  # raised, so the task result records the traceback

    job.refresh_from_db()
    assert job.status == Job.STATUS_FAILED and "内部错误" in job.error


# --- the real path ------------------------------------------------------------------------------


def run_worker_once() -> None:
    """`manage.py db_worker --batch`: run what is queued, then stop. The worker sets its own signal
    handlers and log levels in this process; pytest's are put back afterwards."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0, stdout=io.StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def test_with_the_database_backend_the_job_waits_in_the_queue_until_the_worker_runs_it(client, committed_county, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(committed_county.users["sysadmin"])

    response = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("事项清单.xlsx", workbook(food_name="后台改名"))})

    job_url = response["Location"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert Job.objects.get().status == Job.STATUS_QUEUED
    assert "排队中" in client.get(job_url).content.decode()

    run_worker_once()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    page = client.get(job_url).content.decode()
    assert "导入完成：新增0项，更新1项，未变1项。" in page
    assert Item.objects.get(code="000111011000").current.name == "后台改名"
