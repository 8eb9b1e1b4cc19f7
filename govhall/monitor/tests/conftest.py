"""Small supervision facts for the monitor tests, in March 2026 (a past month).

市场监管局: 10 cases accepted and decided, 8 of them online, 1 overdue, none rejected; 10 rated 5.
公安局: 10 cases accepted and decided, 2 online, none overdue, 1 rejected; 5 rated 4.
Red lines (supervision.indicators): 超期率 > 2 %, 网办率 < 60 %, 驳回率 > 10 %, 差评率 > 1 %.
So 市场监管局 is red on 超期率 (10 %), 公安局 on 网办率 (20 %); 驳回率 10 % is not beyond its line.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.org.models import Division
from govhall.supervision.models import CaseFact
from govhall.supervision.rollups import apply_facts

MONTH = dt.date(2026, 3, 1)


def make_fact(
    county, n: int, department, item, *, day: dt.date, channel="window", overdue=False, decision="approved", rating=None, division=None
):
    return CaseFact.objects.create(
        source="test",
        external_id=f"T{n:04d}",
        division=division or department.division,
        department=department,
        centre=county.centre,
        window=county.windows["综合1"],
        item=item,
        channel=channel,
        status="finished",
        decision=decision,
        accepted_on=day,
        decided_on=day,
        overdue=overdue,
        rating_level=rating,
        rated_on=day if rating else None,
        legal_limit_days=20,
        limit_days=10,
        used_days=5,
    )


@pytest.fixture
def facts(county):
    return build_facts(county)


def build_facts(county) -> list[CaseFact]:
    market, police = county.departments["市场监管局"], county.departments["公安局"]
    township = Division.objects.get(code="150727100")
    made = []
    for i in range(10):
        made.append(
            make_fact(
                county,
                i,
                market,
                county.items["food"],
                day=MONTH + dt.timedelta(days=i + 1),
                channel="online" if i < 8 else "window",
                overdue=i == 0,
                rating=5,
            )
        )
    for i in range(10):
        made.append(
            make_fact(
                county,
                100 + i,
                police,
                county.items["id_card"],
                day=MONTH + dt.timedelta(days=i + 1),
                channel="online" if i < 2 else "window",
                decision="denied" if i == 9 else "approved",
                rating=4 if i < 5 else None,
                division=township,
            )
        )
    apply_facts(made)
    return made
