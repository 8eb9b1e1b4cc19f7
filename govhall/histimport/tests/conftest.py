from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from govhall.histimport.columns import HEADERS

PERSON_BODY = "15212719850312001"
PERSON_ID = PERSON_BODY + ric.calc_check_digit(PERSON_BODY + "0")
ENTERPRISE_BODY = "92150727MA0N0000"
ENTERPRISE_ID = ENTERPRISE_BODY + "0" + uscc.calc_check_digit(ENTERPRISE_BODY + "0")


def good_row(county, n: int = 1, **changes: str) -> dict[str, str]:
    item = county.items["food"]
    row = {
        "来源系统": "",
        "办件编号": f"OLD{n:05d}",
        "事项编码": item.implementation_code,
        "实施部门": item.department.name,
        "服务中心": county.centre.name,
        "窗口号": "A01",
        "受理人": "clerk",
        "决定人": "陈科长",
        "申请人类型": "自然人",
        "申请人证件号码": PERSON_ID,
        "办理渠道": "窗口",
        "申请时间": "2024-03-12 09:00:00",
        "受理时间": "2024-03-12 09:10:00",
        "决定时间": "2024-03-14 15:00:00",
        "办结时间": "2024-03-14 15:30:00",
        "决定": "准予",
        "承诺时限": "5",
        "法定时限": "20",
        "实际用时(工作日)": "2",
        "特别程序天数": "0",
        "特别程序次数": "0",
        "延期天数": "0",
        "办理期限": "2024-03-19",
        "是否超期": "否",
        "跑动次数": "1",
        "办理环节数": "3",
        "经办人数": "2",
        "评价等级": "5",
        "评价时间": "2024-03-14 16:00:00",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    header = header or HEADERS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.fixture
def make_csv(tmp_path):
    counter = iter(range(1000))

    def make(rows, **kw) -> Path:
        return write_csv(tmp_path / f"history{next(counter)}.csv", rows, **kw)

    return make
