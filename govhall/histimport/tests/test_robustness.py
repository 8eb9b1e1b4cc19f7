"""History import under stress: the same file uploaded twice at once, a worker that died, files too
large (stopped while they arrive) or shaped to exhaust memory, and the upload kept no longer than
needed (deleted on success, or GOVHALL_HISTIMPORT_UPLOAD_DAYS after the import stopped).

Tasks run with django-tasks' immediate backend when the upload commits
(`django_capture_on_commit_callbacks(execute=True)`); leaving the callbacks unexecuted is an
upload whose worker has not started (yet, or ever)."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from govhall.core.errors import ValidationError
from govhall.core.jobs import _progress_path, job_progress, job_start
from govhall.core.models import Job
from govhall.histimport import readers, services, tasks
from govhall.histimport.columns import HEADERS
from govhall.histimport.importer import import_history
from govhall.histimport.models import ImportRun
from govhall.histimport.selectors import run_stalled
from govhall.histimport.services import histimport_resume, histimport_start
from govhall.histimport.tasks import import_history_job
from govhall.histimport.tests.conftest import good_row
from govhall.supervision.models import CaseFact

PAGE = "/staff/histimport/"
ELEVEN_MINUTES = dt.timedelta(minutes=11)


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def history(county, make_csv) -> bytes:
    """A history file of three good rows and one rejected row."""
    return make_csv([good_row(county, 1), good_row(county, 2), good_row(county, 3), good_row(county, 4, 受理人="nobody")]).read_bytes()


def upload(client, content: bytes, capture, *, execute: bool, name: str = "旧系统办件.csv", source: str = "old"):
    with capture(execute=execute):
        return client.post(PAGE, {"file": SimpleUploadedFile(name, content), "source": source})


def worker_died(run: ImportRun, *, started: bool = True) -> None:
    """The run's job was picked up (or not) eleven minutes ago and nothing was heard since."""
    long_ago = timezone.now() - ELEVEN_MINUTES
    Job.objects.filter(pk=run.job_id).update(
        created_at=long_ago, status=Job.STATUS_RUNNING if started else Job.STATUS_QUEUED, started_at=long_ago if started else None
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_RUNNING if started else ImportRun.STATUS_QUEUED)


def job_files(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in (media_root / "jobs").rglob("upload*")) if (media_root / "jobs").exists() else []


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_xlsx(county) -> bytes:
    row = good_row(county, 1)
    return xlsx([HEADERS, [row[h] for h in HEADERS]])


def shared_strings_xlsx(rows: list[list[str]], *, strings_part: str = "xl/sharedStrings.xml") -> bytes:
    """A workbook as Excel writes it, every cell a shared string (openpyxl writes inline strings)."""
    from xml.sax.saxutils import escape

    strings = sorted({v for row in rows for v in row})
    index = {v: i for i, v in enumerate(strings)}
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(f'<c t="s"><v>{index[v]}</v></c>' for v in row) + "</row>" for r, row in enumerate(rows, 1)
    )
    target = strings_part.removeprefix("xl/")
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/{strings_part}" ContentType="{ct}.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="{target}"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}><sheetData>{sheet_rows}</sheetData></worksheet>",
        strings_part: f'<sst {ns} count="{len(strings)}">' + "".join(f"<si><t>{escape(v)}</t></si>" for v in strings) + "</sst>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def history_xlsx(county, **kw) -> bytes:
    row = good_row(county, 1)
    return shared_strings_xlsx([HEADERS, [row[h] for h in HEADERS]], **kw)


# --- 1. one run, one job at a time --------------------------------------------------------------


def test_second_upload_of_a_file_being_imported_is_refused(client, county, history, media_root, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    assert upload(client, history, django_capture_on_commit_callbacks, execute=False).status_code == 302  # queued, worker busy
    run = ImportRun.objects.get()
    kept = job_files(media_root)

    response = upload(client, history, django_capture_on_commit_callbacks, execute=True)

    assert response.status_code == 400
    assert "该文件的导入正在进行中，请等待完成或中断后再继续" in response.content.decode()
    assert ImportRun.objects.get().job_id == run.job_id and Job.objects.count() == 1
    assert job_files(media_root) == kept  # the refused upload is not left on disk
    assert not CaseFact.objects.exists()


def test_resume_of_a_run_being_imported_is_refused(client, county, history, django_capture_on_commit_callbacks):
    supervisor = county.users["supervisor"]
    client.force_login(supervisor)
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()

    with pytest.raises(ValidationError) as error:
        histimport_resume(actor=supervisor, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("histimport_staff:resume", args=[run.pk]), follow=True).content.decode()

    assert (error.value.errors[0].field, error.value.errors[0].rule) == ("file", "in_progress")
    assert "该文件的导入正在进行中" in page
    assert Job.objects.count() == 1 and ImportRun.objects.get().job_id == run.job_id


def test_a_run_being_imported_from_the_command_line_is_not_taken_over(county, make_csv, supervisor):
    path = make_csv([good_row(county, 1)])
    import_history(path=path, source="old")
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_RUNNING)  # as while the command runs

    with pytest.raises(ValidationError) as error:
        histimport_start(actor=supervisor, upload=SimpleUploadedFile("a.csv", path.read_bytes()), source="old")

    assert error.value.errors[0].rule == "in_progress" and "命令行" in error.value.errors[0].message


def test_a_job_whose_run_was_taken_over_does_nothing(client, county, history, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    lost = run.job_id
    worker_died(run, started=False)  # queued for eleven minutes: no worker ran it
    upload(client, history, django_capture_on_commit_callbacks, execute=False)  # taken over by a new job
    run.refresh_from_db()
    assert run.job_id != lost

    import_history_job.call(lost)  # the worker comes back and runs the old job

    job = Job.objects.get(pk=lost)
    assert job.status == Job.STATUS_FAILED and "另一个任务接手" in job.error
    run.refresh_from_db()
    assert (run.status, run.rows_done) == (ImportRun.STATUS_QUEUED, 0) and not CaseFact.objects.exists()
    import_history_job.call(run.job_id)
    run.refresh_from_db()
    assert (run.status, run.imported, run.rejected) == (ImportRun.STATUS_DONE, 3, 1)


def test_a_worker_still_importing_a_run_taken_over_stops_after_its_batch(
    county, make_csv, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    path = make_csv([good_row(county, i) for i in range(3)])
    with django_capture_on_commit_callbacks(execute=False):
        run = histimport_start(actor=supervisor, upload=SimpleUploadedFile("a.csv", path.read_bytes()), source="old")
    slow = run.job_id
    # While the old job imports its first batch, the run is handed to another job.
    other = Job.objects.create(kind="histimport.import", params={"run": run.pk}, created_by=supervisor)

    def import_then_lose_the_run(**kwargs):
        ImportRun.objects.filter(pk=run.pk).update(job=other)
        return import_history(**kwargs)

    monkeypatch.setattr(tasks, "import_history", import_then_lose_the_run)

    import_history_job.call(slow)

    job = Job.objects.get(pk=slow)
    assert job.status == Job.STATUS_FAILED and "已停止" in job.error
    run.refresh_from_db()
    assert run.status != ImportRun.STATUS_FAILED and run.job_id == other.pk  # the new job's run is not marked failed


# --- 2. a run whose worker died -----------------------------------------------------------------


def test_a_run_queued_behind_a_busy_worker_waits_and_is_not_stalled(county, history, supervisor, django_capture_on_commit_callbacks):
    # Files split by year and uploaded one after another: the worker imports one while the next waits.
    with django_capture_on_commit_callbacks(execute=False):
        run = histimport_start(actor=supervisor, upload=SimpleUploadedFile("a.csv", history), source="old")
    worker_died(run, started=False)  # queued eleven minutes ago
    busy = Job.objects.create(kind="histimport.import", status=Job.STATUS_RUNNING, created_by=supervisor, started_at=timezone.now())
    job_progress(job_id=busy.pk, done=1, total=9, message="…")

    assert not run_stalled(ImportRun.objects.get())  # the worker is busy with the other import
    with pytest.raises(ValidationError) as refused:
        histimport_resume(actor=supervisor, run=ImportRun.objects.get())
    assert refused.value.errors[0].rule == "in_progress"

    Job.objects.filter(pk=busy.pk).update(status=Job.STATUS_SUCCEEDED)
    assert run_stalled(ImportRun.objects.get())  # nothing keeps the worker busy: it is gone


def test_a_run_is_stalled_only_when_its_job_is_silent_for_ten_minutes(county, history, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = histimport_start(actor=supervisor, upload=SimpleUploadedFile("a.csv", history), source="old")
    assert not run_stalled(ImportRun.objects.get())  # queued just now

    worker_died(run, started=False)
    assert run_stalled(ImportRun.objects.get())  # queued eleven minutes

    worker_died(run, started=True)
    assert run_stalled(ImportRun.objects.get())  # running, silent eleven minutes
    job_progress(job_id=run.job_id, done=1, total=4, message="…")
    assert not run_stalled(ImportRun.objects.get())  # it reported progress just now

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED)
    assert not run_stalled(ImportRun.objects.get())  # failed, not stalled
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_RUNNING)
    Job.objects.filter(pk=run.job_id).update(status=Job.STATUS_FAILED)
    assert run_stalled(ImportRun.objects.get())  # its job ended without ending it


def test_a_stalled_run_shows_interrupted_and_continues_from_the_page(client, county, history, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    dead = run.job_id
    worker_died(run)

    page = client.get(PAGE).content.decode()
    api = client.get(f"/api/histimport/runs/{run.pk}").json()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("histimport_staff:resume", args=[run.pk]))

    assert "已中断" in page and reverse("histimport_staff:resume", args=[run.pk]) in page and 'hx-trigger="every 2s"' not in page
    assert api["stalled"] is True and api["status"] == "running"
    run.refresh_from_db()
    assert (run.status, run.imported, run.rejected) == (ImportRun.STATUS_DONE, 3, 1)
    assert CaseFact.objects.filter(source="old").count() == 3
    old_job = Job.objects.get(pk=dead)
    assert old_job.status == Job.STATUS_FAILED and "新的任务接手" in old_job.error


def test_uploading_the_same_file_again_resumes_a_stalled_run(client, county, history, media_root, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    worker_died(run)

    response = upload(client, history, django_capture_on_commit_callbacks, execute=True)

    assert response.status_code == 302
    run.refresh_from_db()
    assert ImportRun.objects.count() == 1 and (run.status, run.imported) == (ImportRun.STATUS_DONE, 3)
    assert job_files(media_root) == []  # both uploads of the run are gone once it is done


def test_a_run_whose_job_is_running_recently_is_not_shown_stalled(client, county, history, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    job_start(job_id=run.job_id)

    page = client.get(PAGE).content.decode()

    assert "已中断" not in page and reverse("histimport_staff:resume", args=[run.pk]) not in page
    assert 'hx-trigger="every 2s"' in page


# --- 3. size limits -----------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_and_not_kept(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    settings.GOVHALL_HISTIMPORT_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(county.users["supervisor"])

    response = upload(client, history + b"x" * (2 * 1024 * 1024), django_capture_on_commit_callbacks, execute=True)

    assert response.status_code == 400
    assert "超过2 MB的上限" in response.content.decode()
    assert not ImportRun.objects.exists() and not Job.objects.exists() and job_files(media_root) == []


@pytest.mark.parametrize("over", [10, 1024 * 1024], ids=["just-over", "far-over"])
def test_a_file_over_the_size_limit_is_stopped_while_it_arrives(
    client, county, history, media_root, settings, monkeypatch, django_capture_on_commit_callbacks, over
):
    """Far over: the request's length says so and no byte of the file is stored; just over: the
    upload stops at the first chunk past the limit. Either way the page says why."""
    from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

    settings.GOVHALL_HISTIMPORT_MAX_BYTES = limit = 2 * 1024 * 1024
    stored: list[int] = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            stored.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    client.force_login(county.users["supervisor"])

    response = upload(client, b"x" * (limit + over), django_capture_on_commit_callbacks, execute=True)

    assert response.status_code == 400 and "超过2 MB的上限" in response.content.decode()
    assert sum(stored) <= limit and (over < 1024 or sum(stored) == 0)
    assert not ImportRun.objects.exists() and not Job.objects.exists() and job_files(media_root) == []


def test_an_upload_without_the_csrf_token_is_refused(county, history, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(county.users["supervisor"])

    response = client.post(PAGE, {"file": SimpleUploadedFile("a.csv", history), "source": "old"})

    assert response.status_code == 403 and not ImportRun.objects.exists()


def test_a_file_larger_than_the_request_memory_limits_is_accepted(client, county, make_csv, settings, django_capture_on_commit_callbacks):
    from django.conf import settings as defaults

    assert defaults.GOVHALL_HISTIMPORT_MAX_BYTES >= 450 * 1024 * 1024  # a 1.5M-row CSV by default
    # Much smaller than the file: Django must stream the file to disk, and count only form fields.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 4096
    content = make_csv([good_row(county, i) for i in range(200)]).read_bytes()
    assert len(content) > 10 * 4096
    client.force_login(county.users["supervisor"])

    response = upload(client, content, django_capture_on_commit_callbacks, execute=True)

    assert response.status_code == 302
    assert ImportRun.objects.get().imported == 200


def test_a_workbook_whose_shared_strings_are_too_large_fails_with_a_message(
    client, county, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(readers, "SHARED_STRINGS_MAX", 100)
    client.force_login(county.users["supervisor"])

    upload(client, history_xlsx(county), django_capture_on_commit_callbacks, execute=True, name="旧系统.xlsx")

    run = ImportRun.objects.get()
    assert run.status == ImportRun.STATUS_FAILED and "共享字符串表" in run.error
    assert "共享字符串表" in client.get(PAGE).content.decode()
    job_page = client.get(reverse("staff-job", args=[run.job_id])).content.decode()
    assert "任务失败" in job_page and "共享字符串表" in job_page
    assert reverse("histimport_staff:resume", args=[run.pk]) in client.get(PAGE).content.decode()
    assert Path(Job.objects.get().upload.path).is_file()  # a failed run keeps its upload
    assert not CaseFact.objects.exists()


def test_a_workbook_unpacking_beyond_the_limit_is_refused(county, tmp_path, settings):
    path = tmp_path / "big.xlsx"
    path.write_bytes(good_xlsx(county))
    settings.GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED = 1000

    with pytest.raises(ValidationError) as error:
        import_history(path=path, source="old")

    assert (error.value.errors[0].field, error.value.errors[0].rule) == ("file", "xlsx_too_large")
    assert "MB的上限" in error.value.errors[0].message
    settings.GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED = 1 << 30
    assert import_history(path=path, source="old").imported == 1  # the same workbook within the limit


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (12 << 20))

    with pytest.raises(ValidationError) as error:
        list(readers.read_rows(path))

    assert error.value.errors[0].rule == "xlsx_bomb" and "压缩炸弹" in error.value.errors[0].message


def test_a_workbook_with_shared_strings_within_the_limit_imports(county, tmp_path):
    path = tmp_path / "excel.xlsx"
    path.write_bytes(history_xlsx(county))

    assert import_history(path=path, source="old").imported == 1


def test_shared_strings_under_another_name_are_still_bounded(county, tmp_path, monkeypatch):
    # The part openpyxl reads as the shared strings is the one [Content_Types].xml names so, even
    # where the sheets are (which openpyxl streams).
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(history_xlsx(county, strings_part="xl/worksheets/strings.xml"))
    assert list(readers.read_rows(path))[1][1] == "OLD00001"  # openpyxl reads it as usual
    monkeypatch.setattr(readers, "SHARED_STRINGS_MAX", 100)

    with pytest.raises(ValidationError) as error:
        readers.check_workbook(path)

    assert error.value.errors[0].rule == "xlsx_shared_strings"


def test_a_zip_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_PARTS", 5)
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(6):
            archive.writestr(f"part{i}.xml", "<x/>")

    with pytest.raises(ValidationError) as error:
        readers.estimate_rows(path)

    assert error.value.errors[0].rule == "xlsx_parts"


def test_a_zip_declaring_fewer_parts_than_it_holds_is_bounded_by_its_directory(tmp_path, monkeypatch):
    # zipfile reads the whole central directory whatever count the end record declares.
    monkeypatch.setattr(readers, "MAX_DIRECTORY", 1000)
    path = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(50):
            archive.writestr(f"part{i}.xml", "<x/>")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # "one entry"
    path.write_bytes(bytes(data))
    assert len(zipfile.ZipFile(path).infolist()) == 50

    with pytest.raises(ValidationError) as error:
        readers.check_workbook(path)

    assert error.value.errors[0].rule == "xlsx_parts"


def test_a_sheets_relationships_are_bounded_like_any_part_read_whole(county, tmp_path, monkeypatch):
    # openpyxl streams xl/worksheets/sheet1.xml but reads its _rels whole.
    path = tmp_path / "rels.xlsx"
    source = history_xlsx(county)
    path.write_bytes(source)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/_rels/sheet1.xml.rels", "<Relationships>" + " " * 5000 + "</Relationships>")
    monkeypatch.setattr(readers, "OTHER_PART_MAX", 4000)

    with pytest.raises(ValidationError) as error:
        readers.check_workbook(path)

    assert error.value.errors[0].rule == "xlsx_part_too_large" and "sheet1.xml.rels" in error.value.errors[0].message


def test_a_broken_workbook_is_refused_with_a_message(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200))

    with pytest.raises(ValidationError) as error:
        readers.check_workbook(path)

    assert error.value.errors[0].rule == "xlsx_invalid" and "不是有效的 Excel" in error.value.errors[0].message


def test_a_csv_line_without_end_is_refused_not_read_whole(county, make_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE", 1000)
    path = make_csv([good_row(county, 1)])
    path.write_bytes(path.read_bytes() + b"x" * 5000)

    with pytest.raises(ValidationError) as error:
        import_history(path=path, source="old")

    assert error.value.errors[0].rule == "line_too_long"
    assert ImportRun.objects.get().status == ImportRun.STATUS_FAILED


# --- 4. the upload is deleted after a successful import ---------------------------------------


def test_a_successful_import_deletes_its_upload_and_keeps_the_rejects(
    client, county, history, media_root, django_capture_on_commit_callbacks
):
    client.force_login(county.users["supervisor"])

    upload(client, history, django_capture_on_commit_callbacks, execute=True)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.STATUS_DONE and job_files(media_root) == []
    assert not Job.objects.get().upload
    page = client.get(PAGE)
    assert page.status_code == 200 and "旧系统办件.csv" in page.content.decode()
    assert client.get(f"/api/histimport/runs/{run.pk}").json()["imported"] == 3
    rejects = client.get(reverse("histimport_staff:rejects", args=[run.pk]))
    assert "受理人：用户不存在" in b"".join(rejects.streaming_content).decode("utf-8-sig")
    job_page = client.get(reverse("staff-job", args=[run.job_id]))
    assert job_page.status_code == 200 and "旧系统办件.csv" in job_page.content.decode()
    # The same file again: a new run, every row a duplicate.
    upload(client, history, django_capture_on_commit_callbacks, execute=True)
    assert ImportRun.objects.order_by("-id").first().duplicates == 3


def test_a_failed_import_keeps_its_upload_for_continuing(client, county, history, media_root, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED)
    Job.objects.filter(pk=run.job_id).update(status=Job.STATUS_FAILED)
    assert len(job_files(media_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("histimport_staff:resume", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.STATUS_DONE and run.imported == 3
    assert job_files(media_root) == []


def test_continuing_a_run_whose_file_is_gone_says_so(client, county, history, media_root, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED)
    Path(Job.objects.get().upload.path).unlink()

    page = client.post(reverse("histimport_staff:resume", args=[run.pk]), follow=True).content.decode()

    assert "导入的文件已不存在，请重新上传该文件" in page
    assert ImportRun.objects.get().status == ImportRun.STATUS_FAILED and Job.objects.count() == 1


# --- two uploads at the same moment (real commits, threads with their own connections) ---------


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_file_at_the_same_moment_make_one_run(request, make_csv, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("on PostgreSQL: SQLite's IMMEDIATE transactions serialize the two uploads anyway")
    county = request.getfixturevalue("committed_county")
    content = make_csv([good_row(county, 1)]).read_bytes()
    monkeypatch.setattr(tasks, "import_history_job", type("NoWorker", (), {"enqueue": staticmethod(lambda job_id: None)}))
    both_hashed = threading.Barrier(2, timeout=20)
    hash_file = services.file_sha256

    def hash_then_wait(path):
        digest = hash_file(path)
        both_hashed.wait()  # both uploads look for the file's run at the same moment
        return digest

    monkeypatch.setattr(services, "file_sha256", hash_then_wait)
    outcomes: list[object] = []

    def upload_once() -> None:
        try:
            outcomes.append(histimport_start(actor=county.users["supervisor"], upload=SimpleUploadedFile("a.csv", content), source="old"))
        except ValidationError as exc:
            outcomes.append(exc.errors[0].rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [o for o in outcomes if isinstance(o, str)] == ["in_progress"], outcomes  # the other upload started the run
    assert ImportRun.objects.count() == 1 and Job.objects.count() == 1


# --- uploads kept no longer than a run may be continued -----------------------------------------


def _stopped(run: ImportRun, *, days_ago: float) -> None:
    """The run failed `days_ago` days ago and nothing has happened to it since."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED)
    Job.objects.filter(params__run=run.pk).update(status=Job.STATUS_FAILED, created_at=then, started_at=then, finished_at=then)


def test_the_upload_of_a_run_stopped_longer_than_the_retention_goes_and_the_same_file_continues_it(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS = 7
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(rows_done=2, imported=2)  # two rows were committed before it stopped
    _stopped(run, days_ago=8)

    removed = services.uploads_expire()

    assert removed == 1 and job_files(media_root) == [] and not Job.objects.get().upload
    page = client.get(PAGE).content.decode()
    assert "上传的文件已在中断7天后删除" in page and reverse("histimport_staff:resume", args=[run.pk]) not in page
    assert client.get(f"/api/histimport/runs/{run.pk}").json()["file_kept"] is False
    # The same file again continues the run at its checkpoint (rows 3 and 4: one new, one rejected).
    upload(client, history, django_capture_on_commit_callbacks, execute=True)
    run.refresh_from_db()
    assert ImportRun.objects.count() == 1 and (run.status, run.rows_done, run.imported, run.rejected) == (ImportRun.STATUS_DONE, 4, 3, 1)


def test_the_upload_of_a_run_stopped_recently_is_kept(client, county, history, media_root, settings, django_capture_on_commit_callbacks):
    settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS = 7
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    _stopped(run, days_ago=6)

    assert services.uploads_expire() == 0
    assert len(job_files(media_root)) == 1
    assert reverse("histimport_staff:resume", args=[run.pk]) in client.get(PAGE).content.decode()
    assert client.get(f"/api/histimport/runs/{run.pk}").json()["file_kept"] is True


def test_a_run_continued_from_an_old_upload_keeps_it_while_it_is_imported(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    """继续 makes a job without a file: it reads the upload of the job that began the run, however old."""
    settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS = 7
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    _stopped(run, days_ago=30)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("histimport_staff:resume", args=[run.pk]))
    run.refresh_from_db()
    job_start(job_id=run.job_id)
    job_progress(job_id=run.job_id, done=1, total=4, message="")

    assert services.uploads_expire() == 0
    assert len(job_files(media_root)) == 1
    # Once that worker has been silent for longer than the retention, the file goes.
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    Job.objects.filter(pk=run.job_id).update(created_at=eight_days_ago, started_at=eight_days_ago)
    progress_file = _progress_path(run.job_id)
    os.utime(progress_file, (eight_days_ago.timestamp(), eight_days_ago.timestamp()))
    assert services.uploads_expire() == 1 and job_files(media_root) == []


def test_a_finished_runs_leftover_upload_goes_at_once(client, county, history, media_root, django_capture_on_commit_callbacks):
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_DONE)  # the worker died between the two steps

    assert services.uploads_expire() == 1 and job_files(media_root) == []


@pytest.mark.django_db
def test_the_scheduler_runs_the_upload_retention_daily():
    from govhall.core.scheduler import PERIODIC

    (periodic,) = [p for p in PERIODIC if p.key == "histimport.uploads_expire"]
    assert periodic.task == "govhall.histimport.tasks.uploads_expire_task" and periodic.every == dt.timedelta(days=1)
    assert tasks.uploads_expire_task.call() == 0


def test_a_run_still_waiting_for_a_busy_worker_keeps_its_upload(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS = 7
    client.force_login(county.users["supervisor"])
    upload(client, history, django_capture_on_commit_callbacks, execute=False)
    run = ImportRun.objects.get()
    Job.objects.filter(pk=run.job_id).update(created_at=timezone.now() - dt.timedelta(days=8))
    busy = Job.objects.create(kind="monitor.report", status=Job.STATUS_RUNNING, started_at=timezone.now())
    job_progress(job_id=busy.pk, done=1, total=2, message="")

    assert not run_stalled(ImportRun.objects.select_related("job").get())
    assert services.uploads_expire() == 0 and len(job_files(media_root)) == 1


# --- rejects files kept for download, not for ever -----------------------------------------------


def _imported(client, county, history, settings, capture) -> ImportRun:
    """The history file imported by a supervisor (logged in), rejects kept 90 days."""
    settings.GOVHALL_HISTIMPORT_REJECTS_DAYS = 90
    client.force_login(county.users["supervisor"])
    upload(client, history, capture, execute=True)
    return ImportRun.objects.get()


def _finished(run: ImportRun, *, days_ago: float) -> None:
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - dt.timedelta(days=days_ago))


def test_the_rejects_file_of_a_run_finished_longer_than_the_retention_goes_and_the_page_says_when(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    run = _imported(client, county, history, settings, django_capture_on_commit_callbacks)
    rejects = media_root / run.rejects_path
    assert run.status == ImportRun.STATUS_DONE and run.rejected == 1 and rejects.is_file()
    download = reverse("histimport_staff:rejects", args=[run.pk])
    _finished(run, days_ago=91)

    assert services.rejects_expire() == 1
    assert not rejects.exists() and not rejects.parent.exists()
    run.refresh_from_db()
    assert run.rejects_deleted_at is not None and (run.imported, run.rejected) == (3, 1)  # the counts stay
    page = client.get(PAGE).content.decode()
    day = timezone.localtime(run.rejects_deleted_at).strftime("%Y-%m-%d")
    assert f"拒收行文件已于{day}删除（导入完成后保留90天）" in page and download not in page
    assert client.get(f"/api/histimport/runs/{run.pk}").json()["rejects_kept"] is False
    # The link on the import's job page now leads to the runs page, which says why.
    response = client.get(download, follow=True)
    assert response.redirect_chain[-1][0] == PAGE and "拒收行文件已于" in response.content.decode()
    assert services.rejects_expire() == 0  # once


def test_the_rejects_file_of_a_run_finished_recently_is_kept(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    run = _imported(client, county, history, settings, django_capture_on_commit_callbacks)
    _finished(run, days_ago=89)

    assert services.rejects_expire() == 0
    assert (media_root / run.rejects_path).is_file()
    assert client.get(f"/api/histimport/runs/{run.pk}").json()["rejects_kept"] is True
    response = client.get(reverse("histimport_staff:rejects", args=[run.pk]))
    assert response.status_code == 200 and "行号" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_rejects_file_of_an_unfinished_run_stays_with_it(
    client, county, history, media_root, settings, django_capture_on_commit_callbacks
):
    """An unfinished run's rejects file is part of its checkpoint: resuming appends to it."""
    run = _imported(client, county, history, settings, django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED)
    _finished(run, days_ago=400)

    assert services.rejects_expire() == 0 and (media_root / run.rejects_path).is_file()


@pytest.mark.django_db
def test_the_scheduler_runs_the_rejects_retention_daily():
    from govhall.core.scheduler import PERIODIC

    (periodic,) = [p for p in PERIODIC if p.key == "histimport.rejects_expire"]
    assert periodic.task == "govhall.histimport.tasks.rejects_expire_task" and periodic.every == dt.timedelta(days=1)
    assert tasks.rejects_expire_task.call() == 0
