import pytest

from govhall.cases.tests.conftest import RIC, USCC, enterprise, food, person  # noqa: F401, F811
from govhall.shareddata.models import DataSource, SharedRecord


def record(source: str, kind: str, subject: str, **data) -> SharedRecord:
    return SharedRecord.objects.create(source=DataSource.objects.get(code=source), subject_kind=kind, subject_id=subject, data=data)


@pytest.fixture
def household(person):  # noqa: F811
    return record(
        "household",
        "person",
        RIC,
        name="张三",
        id_number=RIC,
        gender="男",
        ethnicity="蒙古族",
        birth_date="2005-01-01",
        address="新巴尔虎右旗阿拉坦额莫勒镇呼伦路8号",
        household_number="150727001234",
        household_head="张三",
        relation="户主",
        police_station="新巴尔虎右旗公安局阿拉坦额莫勒派出所",
    )


@pytest.fixture
def registration(enterprise):  # noqa: F811
    return record(
        "enterprise_registration",
        "enterprise",
        USCC,
        name="呼伦贝尔草原餐饮有限公司",
        uscc=USCC,
        enterprise_type="有限责任公司（自然人独资）",
        legal_representative="张三",
        registered_capital="50万元",
        established_on="2024-03-01",
        address="新巴尔虎右旗阿拉坦额莫勒镇巴尔虎大街28号",
        business_scope="餐饮服务；食品销售",
        status="存续",
    )
