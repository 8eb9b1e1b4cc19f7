import datetime as dt

import pytest

from govhall.cases.tests.case_steps import on
from govhall.cases.tests.conftest import enterprise, food, person  # noqa: F401
from govhall.licences.models import LicenceType
from govhall.licences.services import licence_issue

DAY = dt.date(2026, 6, 15)


@pytest.fixture
def market(county):
    return county.departments["市场监管局"]


@pytest.fixture
def food_licence(market, enterprise):  # noqa: F811
    """A 食品经营许可证 of 呼伦贝尔草原餐饮有限公司 issued by 市场监管局 on 2026-06-15."""
    with on(DAY):
        return licence_issue(
            actor=None,
            licence_type=LicenceType.objects.get(name="食品经营许可证"),
            department=market,
            holder=enterprise,
            data={"经营场所": "宝格德乌拉街1号", "经营项目": "热食类食品制售"},
        )


@pytest.fixture
def marriage_licence(county, person):  # noqa: F811
    with on(DAY):
        return licence_issue(
            actor=None,
            licence_type=LicenceType.objects.get(name="结婚证"),
            department=county.departments["审批局"],
            holder=person,
            data={"登记日期": "2026-06-15"},
        )
