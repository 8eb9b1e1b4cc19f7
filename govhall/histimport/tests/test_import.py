from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from govhall.core.errors import ValidationError
from govhall.histimport.columns import HEADERS
from govhall.histimport.importer import import_history, mask_id, reject_rows
from govhall.histimport.tests.conftest import ENTERPRISE_ID, PERSON_ID, good_row
from govhall.supervision.facts import applicant_key
from govhall.supervision.models import CaseFact, Rollup, RollupMonth
from govhall.supervision.rollups import month_snapshot, rebuild, rollup_snapshot


def rejects_of(outcome) -> list[dict[str, str]]:
    return list(reject_rows(Path(settings.MEDIA_ROOT) / outcome.run.rejects_path))


def test_good_rows_become_facts_counted_in_the_rollups(county, make_csv):
    path = make_csv([good_row(county, 1), good_row(county, 2, 办理渠道="网上办", 窗口号="", 跑动次数="0", 决定="不予")])

    outcome = import_history(path=path, source="old")

    assert (outcome.read, outcome.imported, outcome.duplicates, outcome.rejected) == (2, 2, 0, 0)
    fact = CaseFact.objects.get(source="old", external_id="OLD00001")
    assert fact.item == county.items["food"] and fact.department == county.items["food"].department
    assert fact.window == county.windows["综合1"] and fact.staff == county.users["clerk"]
    assert fact.decider == county.users["section_head"]
    assert fact.applicant_key == applicant_key(PERSON_ID) and PERSON_ID not in str(fact.__dict__)
    assert (fact.status, fact.decision, fact.used_days, fact.rating_level, str(fact.decided_on)) == ("done", "approved", 2, 5, "2024-03-14")
    online = CaseFact.objects.get(external_id="OLD00002")
    assert online.full_online and online.decision == "denied" and online.window is None
    county_row = Rollup.objects.get(dim="county", key="", day="2024-03-12")
    assert (county_row.accepted, county_row.online) == (2, 1)
    assert Rollup.objects.get(dim="county", key="", day="2024-03-14").rejected == 1


CASES = [
    ({"办件编号": ""}, "办件编号：必填"),
    ({"事项编码": "000000000000"}, "事项编码：事项不存在"),
    ({"实施部门": "不存在局"}, "实施部门：部门不存在"),
    ({"服务中心": "别的中心"}, "服务中心：服务中心不存在"),
    ({"窗口号": "Z99"}, "窗口号：该服务中心没有此窗口号"),
    ({"服务中心": ""}, "窗口号：填写窗口号时须填写服务中心"),
    ({"受理人": "nobody"}, "受理人：用户不存在"),
    ({"申请人证件号码": PERSON_ID[:17] + ("1" if PERSON_ID[17] != "1" else "2")}, "申请人证件号码：公民身份号码校验位错误"),
    ({"申请人证件号码": "15212719851399001X"}, "申请人证件号码：公民身份号码中的出生日期无效"),
    (
        {"申请人类型": "法人", "申请人证件号码": ENTERPRISE_ID[:17] + ("0" if ENTERPRISE_ID[17] != "0" else "1")},
        "统一社会信用代码校验位错误",
    ),
    ({"申请人类型": "外星人"}, "申请人类型：取值不在允许范围"),
    ({"办理渠道": "飞鸽"}, "办理渠道：取值不在允许范围"),
    ({"受理时间": ""}, "受理时间：必填"),
    ({"受理时间": "2024-13-01 09:00"}, "受理时间：不是有效的时间"),
    ({"办结时间": "2999-01-01 09:00"}, "办结时间：晚于导入时间"),
    ({"决定时间": ""}, "决定时间：有决定时必填"),
    ({"决定": "也许"}, "决定：取值不在允许范围"),
    ({"实际用时(工作日)": "-3"}, "实际用时(工作日)：应为0到32767之间的整数"),
    ({"办理期限": "明天"}, "办理期限：不是有效的日期"),
    ({"是否超期": "也许"}, "是否超期：取值不在允许范围"),
    ({"评价等级": "9"}, "评价等级：应为1–5"),
    ({"评价时间": ""}, "评价时间：有评价等级时必填"),
    ({"来源系统": "govhall"}, "来源系统：应为字母"),
]


def test_each_rule_rejects_its_row_naming_field_and_rule(county, make_csv):
    rows = [good_row(county, i, **changes) for i, (changes, _reason) in enumerate(CASES)] + [good_row(county, 99)]
    path = make_csv(rows)

    outcome = import_history(path=path, source="old")

    assert (outcome.imported, outcome.rejected) == (1, len(CASES))
    rejects = rejects_of(outcome)
    assert [r["行号"] for r in rejects] == [str(i + 2) for i in range(len(CASES))]
    for reject, (changes, reason) in zip(rejects, CASES, strict=True):
        assert reason in reject["错误原因"], (changes, reject["错误原因"])
        for h, v in changes.items():  # the original values are kept, but never an ID number in clear
            assert reject[h] == (mask_id(v) if h == "申请人证件号码" else v)


def test_the_rejects_file_masks_id_numbers_and_defuses_formulas(county, make_csv):
    bad_id = PERSON_ID[:17] + ("1" if PERSON_ID[17] != "1" else "2")
    path = make_csv([good_row(county, 1, 申请人证件号码=bad_id, 受理人='=HYPERLINK("http://x")')])

    reject = rejects_of(import_history(path=path, source="old"))[0]

    assert reject["申请人证件号码"] == bad_id[:6] + "********" + bad_id[-4:]
    assert reject["受理人"].startswith("'=")


def test_out_of_order_times_are_kept_as_they_are(county, make_csv):
    path = make_csv([good_row(county, 1, 决定时间="2024-03-11 10:00:00", 办结时间="2024-03-11 10:30:00")])

    outcome = import_history(path=path, source="old")

    assert outcome.imported == 1
    fact = CaseFact.objects.get()
    assert fact.decided_at < fact.accepted_at


def test_missing_required_column_stops_before_any_row(county, make_csv):
    header = [h for h in HEADERS if h != "事项编码"]
    path = make_csv([good_row(county)], header=header)

    with pytest.raises(ValidationError) as error:
        import_history(path=path, source="old")

    assert "事项编码" in str(error.value)
    assert not CaseFact.objects.exists()


def test_importing_the_same_file_twice_adds_nothing(county, make_csv):
    path = make_csv([good_row(county, i) for i in range(12)])
    import_history(path=path, source="old", batch_size=5)
    rollups = rollup_snapshot()

    again = import_history(path=path, source="old", batch_size=5)

    assert (again.imported, again.duplicates) == (0, 12)
    assert CaseFact.objects.count() == 12
    assert rollup_snapshot() == rollups


def test_a_changed_row_imported_again_is_skipped_as_duplicate(county, make_csv):
    import_history(path=make_csv([good_row(county, 1)]), source="old")

    again = import_history(path=make_csv([good_row(county, 1, 评价等级="1")]), source="old")

    assert (again.imported, again.duplicates) == (0, 1)
    assert CaseFact.objects.get().rating_level == 5


def test_resumed_import_ends_like_an_import_that_never_stopped(county, make_csv):
    rows = [good_row(county, i, 受理时间=f"2024-03-{1 + i % 9:02d} 09:10:00") for i in range(23)]
    rows[4]["受理人"] = rows[17]["受理人"] = "nobody"
    path = make_csv(rows)

    class Crash(Exception):
        pass

    def crash(batches: int) -> None:
        if batches == 2:
            raise Crash

    with pytest.raises(Crash):
        import_history(path=path, source="old", batch_size=5, after_batch=crash)
    assert CaseFact.objects.count() == 9  # two batches of five, one row rejected
    resumed = import_history(path=path, source="old", batch_size=5)
    facts = sorted(CaseFact.objects.values_list("external_id", "accepted_on", "staff_id"))
    rollups, months = rollup_snapshot(), month_snapshot()
    rejected = rejects_of(resumed)

    CaseFact.objects.all().delete()
    Rollup.objects.all().delete()
    RollupMonth.objects.all().delete()
    clean = import_history(path=path, source="old", batch_size=5)

    assert (resumed.read, resumed.imported, resumed.duplicates, resumed.rejected) == (23, 21, 0, 2)
    assert (clean.read, clean.imported, clean.rejected) == (23, 21, 2)
    assert sorted(CaseFact.objects.values_list("external_id", "accepted_on", "staff_id")) == facts
    assert rollup_snapshot() == rollups and month_snapshot() == months
    assert rejected == rejects_of(clean) and [r["行号"] for r in rejected] == ["6", "19"]
    rebuild()
    assert rollup_snapshot() == rollups and month_snapshot() == months and months


def test_excel_file_imports_like_csv(county, make_csv, tmp_path):
    rows = [good_row(county, 1), good_row(county, 2, 受理人="nobody")]
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    sheet["M2"].value = __import__("datetime").datetime(2024, 3, 12, 9, 10)  # 受理时间 as an Excel date
    sheet["Q2"].value = 5  # 承诺时限 as a number
    path = tmp_path / "history.xlsx"
    book.save(path)

    outcome = import_history(path=path, source="old")

    assert (outcome.imported, outcome.rejected) == (1, 1)
    assert str(CaseFact.objects.get().accepted_on) == "2024-03-12"
    assert rejects_of(outcome)[0]["错误原因"] == "受理人：用户不存在"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_or_utf8_with_or_without_bom(county, make_csv, encoding):
    path = make_csv([good_row(county, 1, 实施部门=county.items["food"].department.name)], encoding=encoding)

    outcome = import_history(path=path, source="old")

    assert outcome.imported == 1
    assert CaseFact.objects.get().department == county.items["food"].department
