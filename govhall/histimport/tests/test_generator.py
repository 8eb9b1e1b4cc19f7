from __future__ import annotations

import csv
import datetime as dt
import io

from govhall.histimport.generator import ANOMALY_SHARE, generate, load_county
from govhall.histimport.importer import import_history

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)


def generated(county_data, seed: str, records: int = 3000) -> tuple[str, object]:
    out = io.StringIO()
    result = generate(out, records=records, start=START, end=END, seed=seed, county=county_data)
    return out.getvalue(), result


def test_same_seed_writes_the_same_history_and_another_seed_another(county):
    data = load_county(START, END)

    first, _ = generated(data, "002")
    again, _ = generated(data, "002")
    other, _ = generated(data, "003")

    assert first == again
    assert first != other


def test_history_has_its_volume_pattern_and_a_thin_share_of_planted_anomalies(county, tmp_path):
    data = load_county(START, END)
    text, result = generated(data, "002", records=6000)
    rows = list(csv.DictReader(io.StringIO(text)))

    assert len(rows) == result.records == 6000
    assert abs(result.anomaly_total - 6000 * ANOMALY_SHARE) <= 2
    february = sum(r["受理时间"][5:7] == "02" for r in rows)
    march = sum(r["受理时间"][5:7] == "03" for r in rows)
    assert february < march  # 春节
    online_2023 = sum(r["办理渠道"] in ("网上办", "掌上办") for r in rows if r["受理时间"] < "2023-07") / sum(
        r["受理时间"] < "2023-07" for r in rows
    )
    online_2024 = sum(r["办理渠道"] in ("网上办", "掌上办") for r in rows if r["受理时间"] >= "2024-07") / sum(
        r["受理时间"] >= "2024-07" for r in rows
    )
    assert online_2024 > online_2023
    # A small overdue share, nearly all with a 特别程序 or 延期 on record; the rest are the planted ones.
    decided = [r for r in rows if r["决定时间"]]
    overdue = [r for r in decided if r["是否超期"] == "是"]
    unexplained = [r for r in overdue if r["特别程序次数"] == "0" and r["延期天数"] == "0"]
    assert 0.001 <= len(overdue) / len(decided) <= 0.01
    assert len(unexplained) == result.anomalies["overdue_no_pause"] < len(overdue)
    for r in overdue:
        assert int(r["实际用时(工作日)"]) > int(r["承诺时限"]) + int(r["延期天数"])

    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    outcome = import_history(path=path, source="gen")
    assert (outcome.imported, outcome.rejected) == (6000, 0)


def test_a_file_exported_on_its_last_day_has_no_acceptance_after_it(county):
    data = load_county(START, END)
    end = dt.date(2024, 3, 8)  # a Friday: applications made online that evening are accepted on Monday
    plain, limited = io.StringIO(), io.StringIO()
    generate(plain, records=3000, start=START, end=end, seed="002", county=data)
    result = generate(limited, records=3000, start=START, end=end, seed="002", county=data, accepted_until=end)

    def accepted(text: str) -> list[str]:
        return [r["受理时间"][:10] for r in csv.DictReader(io.StringIO(text))]

    assert max(accepted(plain.getvalue())) > end.isoformat()
    rows = accepted(limited.getvalue())
    assert max(rows) <= end.isoformat() and len(rows) == result.records
    assert 3000 - 30 < result.records < 3000  # only the last days' few
