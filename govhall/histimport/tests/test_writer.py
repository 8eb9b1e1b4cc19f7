"""How the importer writes: the rollups of facts without a window, centre or staff; two imports of
one source at the same moment; and the references of a fact, which the database no longer
checks, still protected by the ORM."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import ProtectedError

from govhall.histimport.importer import import_history, reject_rows
from govhall.histimport.tests.conftest import good_row
from govhall.supervision.models import CaseFact, Rollup
from govhall.supervision.rollups import month_snapshot, rebuild, rollup_snapshot


def test_rollups_of_facts_missing_some_dimensions_equal_a_rebuild(county, make_csv):
    rows = [
        good_row(county, 1),
        good_row(county, 2, 办理渠道="网上办", 服务中心="", 窗口号="", 受理人="", 跑动次数="0"),
        good_row(county, 3, 窗口号="", 决定="不予", 评价等级="1"),
        good_row(county, 4, 受理人="", 决定人="", 决定="", 决定时间="", 办结时间="", 评价等级="", 评价时间=""),
        good_row(county, 5, 受理时间="2024-03-13 19:30:00", 是否超期="是"),
    ]
    import_history(path=make_csv(rows), source="old")
    incremental, months = rollup_snapshot(), month_snapshot()

    rebuild()

    assert rollup_snapshot() == incremental and month_snapshot() == months
    window = str(county.windows["综合1"].pk)
    # Only the facts with a window count under it; every fact counts for the county.
    assert sum(r.accepted for r in Rollup.objects.filter(dim="window", key=window)) == 3
    assert sum(r.accepted for r in Rollup.objects.filter(dim="county")) == 5
    assert not Rollup.objects.filter(key="None").exists()
    assert sum(r.accepted for r in Rollup.objects.filter(dim="centre")) == 4
    assert sum(r.accepted for r in Rollup.objects.filter(dim="staff")) == 3


def test_times_in_the_usual_form_are_checked_like_any_other(county, make_csv):
    from govhall.histimport.importer import reject_rows

    rows = [
        good_row(county, 1, 办结时间="2999-01-01 09:00:00"),
        good_row(county, 2, 申请时间="1999-12-31 23:59:59"),
        good_row(county, 3, 受理时间="2024-02-30 09:10:00"),
        good_row(county, 4, 受理时间="2000-01-01 00:00:00", 申请时间=""),
    ]
    outcome = import_history(path=make_csv(rows), source="old")

    from django.conf import settings

    reasons = [r["错误原因"] for r in reject_rows(settings.MEDIA_ROOT / outcome.run.rejects_path)]
    assert reasons == ["办结时间：晚于导入时间", "申请时间：早于2000年", "受理时间：不是有效的时间（应为 YYYY-MM-DD HH:MM:SS）"]
    fact = CaseFact.objects.get(external_id="OLD00004")
    assert fact.accepted_at.isoformat() == "1999-12-31T16:00:00+00:00"  # Beijing midnight


def test_an_item_with_imported_facts_cannot_be_deleted(county, make_csv):
    import_history(path=make_csv([good_row(county, 1)]), source="old")
    fact = CaseFact.objects.get(source="old")

    with pytest.raises(ProtectedError) as refused:
        county.items["food"].delete()

    assert fact in refused.value.protected_objects


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_source_at_once_insert_each_record_once(request, make_csv):
    if connection.vendor != "postgresql":
        pytest.skip("on PostgreSQL: SQLite writes one transaction at a time")
    county = request.getfixturevalue("committed_county")
    # Two files with the same records in the same order (the second's differ in one column, so it
    # is another file), imported at the same moment in small batches: both reach each batch's
    # records together.
    first = make_csv([good_row(county, n, 受理时间=f"2024-03-{1 + n % 9:02d} 09:10:00") for n in range(90)])
    second = make_csv([good_row(county, n, 受理时间=f"2024-03-{1 + n % 9:02d} 09:10:00", 跑动次数="2") for n in range(90)])
    start = threading.Barrier(2, timeout=20)
    outcomes: dict[str, object] = {}

    def run(name, path) -> None:
        try:
            start.wait()
            outcomes[name] = import_history(path=path, source="old", batch_size=7)
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, p)) for n, p in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(not isinstance(o, Exception) for o in outcomes.values()), outcomes
    assert CaseFact.objects.filter(source="old").count() == 90
    assert sum(o.imported for o in outcomes.values()) == 90  # type: ignore[attr-defined]
    assert sum(o.duplicates for o in outcomes.values()) == 90  # type: ignore[attr-defined]
    incremental = rollup_snapshot()
    rebuild()
    assert rollup_snapshot() == incremental


def _references_where(monkeypatch, change) -> None:
    """The references as loaded at the start of an import, changed as if objects had been deleted
    since (the import keeps the ids it looked up)."""
    from govhall.histimport import importer
    from govhall.histimport.rows import References

    class Stale(References):
        def __init__(self) -> None:
            super().__init__()
            change(self)

    monkeypatch.setattr(importer, "References", Stale)


def test_a_window_deleted_during_the_import_is_cleared_from_its_rows(county, make_csv, monkeypatch):
    def window_gone(refs) -> None:
        refs.windows = {key: 999_999 for key in refs.windows}

    _references_where(monkeypatch, window_gone)
    outcome = import_history(path=make_csv([good_row(county, 1), good_row(county, 2)]), source="old")

    assert outcome.imported == 2
    assert set(CaseFact.objects.filter(source="old").values_list("window_id", flat=True)) == {None}
    assert not Rollup.objects.filter(dim="window", key="999999").exists()
    incremental = rollup_snapshot()
    rebuild()
    assert rollup_snapshot() == incremental


def test_an_item_deleted_during_the_import_stops_the_batch_with_the_reason(county, make_csv, monkeypatch):
    from govhall.core.errors import ValidationError
    from govhall.histimport.models import ImportRun

    def item_gone(refs) -> None:
        refs.items = {code: (999_998, *ref[1:]) for code, ref in refs.items.items()}

    _references_where(monkeypatch, item_gone)
    with pytest.raises(ValidationError) as stopped:
        import_history(path=make_csv([good_row(county, 1)]), source="old")

    assert stopped.value.errors[0].rule == "reference_deleted" and "999998" in stopped.value.errors[0].message
    assert not CaseFact.objects.filter(source="old").exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.STATUS_FAILED and "事项" in run.error and run.rows_done == 0


def test_an_import_whose_run_was_taken_over_stops_without_committing_or_failing_it(county, make_csv):
    from govhall.core.jobs import job_create
    from govhall.histimport.importer import RunTakenOver, run_for_file
    from govhall.histimport.models import ImportRun

    # Every other row is rejected: each batch of four writes two lines to the rejects file.
    path = make_csv([good_row(county, n, **({"受理人": "nobody"} if n % 2 else {})) for n in range(10)])
    supervisor = county.users["supervisor"]
    mine = job_create(actor=supervisor, kind="histimport.import")
    run = run_for_file(path=path, source="old", job=mine)

    def taken_over(batches: int) -> None:  # another job takes the run after the first batch
        ImportRun.objects.filter(pk=run.pk).update(job=job_create(actor=supervisor, kind="histimport.import"))

    with pytest.raises(RunTakenOver):
        import_history(path=path, source="old", run=run, batch_size=4, after_batch=taken_over)

    run.refresh_from_db()
    assert CaseFact.objects.filter(source="old").count() == 2  # only the batch committed before
    assert run.status == ImportRun.STATUS_RUNNING and run.rows_done == 4 and run.rejected == 2 and run.error == ""
    # The rejects file holds the committed batch's lines and nothing of the next: the job that took
    # the run over appends its own from there.
    rejects = Path(settings.MEDIA_ROOT) / run.rejects_path
    assert rejects.stat().st_size == run.rejects_bytes and len(list(reject_rows(rejects))) == 2


def test_the_command_refuses_a_run_a_job_is_importing_and_takes_over_a_stalled_one(county, make_csv):
    import datetime as dt
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    from govhall.core.jobs import job_create
    from govhall.core.models import Job
    from govhall.histimport.importer import run_for_file
    from govhall.histimport.models import ImportRun

    path = make_csv([good_row(county, n) for n in range(3)])
    job = job_create(actor=county.users["supervisor"], kind="histimport.import")
    run = run_for_file(path=path, source="old", job=job)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_QUEUED)

    with pytest.raises(CommandError, match="being imported by background job"):
        call_command("import_history", str(path), source="old", stdout=StringIO())
    assert not CaseFact.objects.filter(source="old").exists()

    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))  # its worker is gone
    call_command("import_history", str(path), source="old", stdout=StringIO())

    run.refresh_from_db()
    assert run.status == ImportRun.STATUS_DONE and run.job_id is None and CaseFact.objects.filter(source="old").count() == 3
