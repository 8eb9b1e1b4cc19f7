from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.histimport.importer import import_history
from govhall.histimport.models import ImportRun
from govhall.histimport.tests.conftest import good_row
from govhall.supervision.models import CaseFact

PAGE = "/staff/histimport/"


def upload_body(county, make_csv):
    path = make_csv([good_row(county, 1), good_row(county, 2, 受理人="nobody")])
    return SimpleUploadedFile("旧系统办件.csv", path.read_bytes(), content_type="text/csv")


@pytest.mark.parametrize("who", ["supervisor"])
def test_a_supervisor_uploads_a_file_and_sees_its_counts(client, county, make_csv, who, django_capture_on_commit_callbacks):
    client.force_login(county.users[who])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"file": upload_body(county, make_csv), "source": "old"})

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.status, run.imported, run.rejected) == (ImportRun.STATUS_DONE, 1, 1)
    page = client.get(PAGE).content.decode()
    assert "旧系统办件.csv" in page and "下载拒收行" in page
    rejects = client.get(reverse("histimport_staff:rejects", args=[run.pk]))
    assert "受理人：用户不存在" in b"".join(rejects.streaming_content).decode("utf-8-sig")
    job_page = client.get(reverse("staff-job", args=[run.job_id])).content.decode()
    assert "新增1" in job_page


@pytest.mark.parametrize("who", ["clerk", "approver", "dept_admin", "centre_admin", "applicant", "sysadmin"])
def test_other_roles_cannot_import_or_see_runs(client, county, make_csv, who, tmp_path):
    outcome = import_history(path=make_csv([good_row(county, 1, 受理人="nobody")]), source="old")
    client.force_login(county.users[who])

    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"file": upload_body(county, make_csv), "source": "other"}).status_code == 404
    assert client.get(reverse("histimport_staff:template", args=["xlsx"])).status_code == 404
    assert client.get(reverse("histimport_staff:rejects", args=[outcome.run.pk])).status_code == 404
    assert client.post(reverse("histimport_staff:resume", args=[outcome.run.pk])).status_code == 404
    assert ImportRun.objects.count() == 1 and not CaseFact.objects.filter(source="other").exists()


def test_bad_source_code_is_refused_on_the_page(client, county, make_csv):
    client.force_login(county.users["supervisor"])

    response = client.post(PAGE, {"file": upload_body(county, make_csv), "source": "govhall"})

    assert response.status_code == 400
    assert "来源系统代码" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_templates_download_with_every_column(client, county):
    from io import BytesIO

    from openpyxl import load_workbook

    from govhall.histimport.columns import HEADERS

    client.force_login(county.users["supervisor"])
    csv_text = client.get(reverse("histimport_staff:template", args=["csv"])).content.decode("utf-8-sig")
    book = load_workbook(BytesIO(client.get(reverse("histimport_staff:template", args=["xlsx"])).content))

    assert csv_text.splitlines()[0].split(",") == HEADERS
    assert [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))] == HEADERS


def test_api_lists_runs_for_supervisors_only(client, county, make_csv):
    outcome = import_history(path=make_csv([good_row(county, 1)]), source="old")

    client.force_login(county.users["supervisor"])
    listed = client.get("/api/histimport/runs").json()
    one = client.get(f"/api/histimport/runs/{outcome.run.pk}").json()
    client.force_login(county.users["dept_admin"])

    assert [r["imported"] for r in listed] == [1] and one["status"] == "done"
    assert client.get("/api/histimport/runs").status_code == 404
    assert client.get(f"/api/histimport/runs/{outcome.run.pk}").status_code == 404


def test_a_stopped_import_continues_from_the_page(client, county, make_csv, django_capture_on_commit_callbacks, settings):
    path = make_csv([good_row(county, i) for i in range(7)])
    copy = settings.MEDIA_ROOT / "kept.csv"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(path.read_bytes())

    def crash(batches: int) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        import_history(path=copy, source="old", batch_size=3, after_batch=crash)
    run = ImportRun.objects.get()
    assert (run.status, run.rows_done) == (ImportRun.STATUS_FAILED, 3)
    client.force_login(county.users["supervisor"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("histimport_staff:resume", args=[run.pk]))

    run.refresh_from_db()
    assert (run.status, run.rows_done, run.imported) == (ImportRun.STATUS_DONE, 7, 7)
    assert CaseFact.objects.count() == 7
