"""Background jobs: the services a task calls, and the page that follows a job while it runs."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from govhall.core import jobs
from govhall.core.jobs import get_job_for_user, job_create, job_fail, job_finish, job_progress, job_start
from govhall.core.models import Job

pytestmark = pytest.mark.django_db

KIND = "core.example"  # no template of its own: the plain job page


def job_url(job: Job) -> str:
    return reverse("staff-job", args=[job.pk])


def running_job(user) -> Job:
    job = job_create(actor=user, kind=KIND)
    job_start(job_id=job.pk)
    return job


def seen_by(user, job: Job) -> Job:
    return get_job_for_user(user=user, job_id=job.pk)


# --- services -----------------------------------------------------------------------------------


def test_job_keeps_the_upload_and_remembers_who_started_it_and_in_which_language(sysadmin, media_root):
    with translation.override("en"):  # the page the user started it from is in English
        job = job_create(actor=sysadmin, kind=KIND, params={"valid_only": True}, upload=SimpleUploadedFile("事项清单.xlsx", b"PK-bytes"))

    job.refresh_from_db()
    assert job.status == Job.STATUS_QUEUED and job.created_by == sysadmin and job.language == "en"
    assert job.params == {"valid_only": True} and job.upload_name == "事项清单.xlsx"
    assert (media_root / "jobs" / str(job.pk) / "upload.xlsx").read_bytes() == b"PK-bytes"


def test_a_job_is_started_once_so_a_task_delivered_twice_does_the_work_once(sysadmin):
    job = job_create(actor=sysadmin, kind=KIND)

    assert job_start(job_id=job.pk) is not None
    assert job_start(job_id=job.pk) is None
    job_finish(job_id=job.pk, result={"n": 1})
    assert job_start(job_id=job.pk) is None
    assert Job.objects.get(pk=job.pk).status == Job.STATUS_SUCCEEDED


def test_progress_rises_to_the_total_and_is_written_at_most_twice_a_second(sysadmin):
    job = running_job(sysadmin)

    job_progress(job_id=job.pk, done=0, total=600, message="正在保存事项")
    job_progress(job_id=job.pk, done=1, total=600, message="正在保存事项")  # a moment later: not written
    assert (seen_by(sysadmin, job).done, seen_by(sysadmin, job).total) == (0, 600)

    jobs._last_written[job.pk] = (0.0, "正在保存事项")  # as if PROGRESS_INTERVAL had passed
    job_progress(job_id=job.pk, done=300, total=600, message="正在保存事项")
    assert seen_by(sysadmin, job).done == 300

    job_progress(job_id=job.pk, done=600, total=600, message="正在保存事项")  # a complete count is always written
    seen = seen_by(sysadmin, job)
    assert (seen.done, seen.total, seen.message, seen.percent) == (600, 600, "正在保存事项", 100)


def test_a_new_phase_is_shown_at_once(sysadmin):
    job = running_job(sysadmin)
    job_progress(job_id=job.pk, done=10, total=10, message="正在校验事项")

    job_progress(job_id=job.pk, done=0, total=10, message="正在保存事项")

    assert (seen_by(sysadmin, job).done, seen_by(sysadmin, job).message) == (0, "正在保存事项")


def test_finished_job_keeps_its_result_and_figures_and_a_failed_one_where_it_stopped(sysadmin, media_root):
    done_job, failed_job = running_job(sysadmin), running_job(sysadmin)
    job_progress(job_id=done_job.pk, done=7, total=7, message="正在保存事项")
    job_progress(job_id=failed_job.pk, done=3, total=7, message="正在保存事项")

    job_finish(job_id=done_job.pk, result={"created": 7}, message="新增7项", output=b"xlsx", output_name="错误报告.xlsx")
    job_fail(job_id=failed_job.pk, error="文件已损坏")

    done_job.refresh_from_db()
    assert (done_job.status, done_job.done, done_job.total) == (Job.STATUS_SUCCEEDED, 7, 7)
    assert (done_job.result, done_job.message) == ({"created": 7}, "新增7项")
    assert done_job.finished_at is not None and done_job.output.read() == b"xlsx" and done_job.output_name == "错误报告.xlsx"
    failed_job.refresh_from_db()
    assert (failed_job.status, failed_job.done, failed_job.total, failed_job.error) == (Job.STATUS_FAILED, 3, 7, "文件已损坏")
    assert not (media_root / "jobs" / str(done_job.pk) / "progress.json").exists()


# --- the page -----------------------------------------------------------------------------------


def test_job_page_shows_percentage_count_and_message_and_asks_again_every_second(client, sysadmin):
    job = running_job(sysadmin)
    job_progress(job_id=job.pk, done=3, total=12, message="正在保存事项")
    client.force_login(sysadmin)

    page = client.get(job_url(job)).content.decode()

    assert "25%" in page and "第3/12项" in page and "正在保存事项" in page
    assert '<progress max="12" value="3"' in page
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page  # without JavaScript


def test_polling_gets_the_progress_alone_then_a_full_refresh_once_the_job_is_finished(client, sysadmin):
    job = running_job(sysadmin)
    job_progress(job_id=job.pk, done=1, total=2, message="正在校验事项")
    client.force_login(sysadmin)

    partial = client.get(job_url(job), headers={"HX-Request": "true"})
    assert "第1/2项" in partial.content.decode() and "<html" not in partial.content.decode()

    job_finish(job_id=job.pk, result={}, message="全部完成")
    assert client.get(job_url(job), headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    page = client.get(job_url(job)).content.decode()
    assert "全部完成" in page
    assert "hx-trigger" not in page and 'http-equiv="refresh"' not in page


def test_a_job_still_queued_after_a_few_seconds_says_it_waits_for_the_background_worker(client, sysadmin):
    job = job_create(actor=sysadmin, kind=KIND)
    client.force_login(sysadmin)
    assert "make worker" not in client.get(job_url(job)).content.decode()

    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=10))

    page = client.get(job_url(job)).content.decode()
    assert "排队中" in page and "make worker" in page


def test_failed_job_shows_why(client, sysadmin):
    job = running_job(sysadmin)
    job_fail(job_id=job.pk, error="无权导入事项清单")
    client.force_login(sysadmin)

    page = client.get(job_url(job)).content.decode()

    assert "任务失败" in page and "无权导入事项清单" in page


def test_only_who_started_the_job_or_a_superuser_sees_it_and_its_file(client, sysadmin, clerk):
    job = running_job(sysadmin)
    job_finish(job_id=job.pk, result={}, output=b"report", output_name="报告.xlsx")
    other_admin = User.objects.create_user("other_sysadmin", password="x")
    other_admin.groups.set(sysadmin.groups.all())
    root = User.objects.create_superuser("root", password="x")

    for user in (other_admin, clerk):
        client.force_login(user)
        assert client.get(job_url(job)).status_code == 404
        assert client.get(reverse("staff-job-output", args=[job.pk])).status_code == 404
    client.force_login(root)
    assert client.get(job_url(job)).status_code == 200
    client.force_login(sysadmin)
    download = client.get(reverse("staff-job-output", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"report"
    assert "attachment" in download["Content-Disposition"]


def test_job_pages_send_anonymous_visitors_to_login_and_answer_404_for_a_missing_job(client, sysadmin):
    job = running_job(sysadmin)
    assert client.get(job_url(job))["Location"].startswith(reverse("login"))
    client.force_login(sysadmin)
    assert client.get(reverse("staff-job", args=[job.pk + 1000])).status_code == 404
    assert client.get(reverse("staff-job-output", args=[job.pk])).status_code == 404  # no file yet


def test_a_running_job_silent_for_ten_minutes_says_its_worker_may_have_stopped(client, sysadmin, media_root):
    job = running_job(sysadmin)
    job_progress(job_id=job.pk, done=3, total=10, message="正在保存事项")
    client.force_login(sysadmin)
    assert "可能已中断" not in client.get(job_url(job)).content.decode()

    eleven_minutes_ago = (timezone.now() - dt.timedelta(minutes=11)).timestamp()
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(minutes=12))
    progress_file = jobs._progress_path(job.pk)
    os.utime(progress_file, (eleven_minutes_ago, eleven_minutes_ago))
    assert "可能已中断" in client.get(job_url(job)).content.decode()
