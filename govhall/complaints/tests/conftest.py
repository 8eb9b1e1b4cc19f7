import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from govhall.complaints.services import complaint_dispatch, complaint_register
from govhall.org import roles
from govhall.org.models import StaffProfile, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10):
    """Freeze the clock at a local time (keeps the tests in 2026, whose calendar is loaded)."""
    return mock.patch("django.utils.timezone.now", return_value=dt.datetime(year, month, day, hour, tzinfo=SHANGHAI))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _clerk_at(county, username: str, name: str, number: str, kind: str) -> User:
    window = Window.objects.create(centre=county.centre, number=number, name=name, kind=kind)
    user = User.objects.create_user(username=username, password="govhall-test-pw", first_name=name + "员")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=county.centre, window=window)
    return user


@pytest.fixture
def desk_clerk(county):
    """The clerk at the centre's 投诉窗口."""
    return _clerk_at(county, "clerk_l01", "投诉窗口", "L01", Window.KIND_COMPLAINT)


@pytest.fixture
def cant_do_clerk(county):
    """The clerk at the centre's 办不成事反映窗口."""
    return _clerk_at(county, "clerk_l02", "办不成事反映窗口", "L02", Window.KIND_CANT_DO)


@pytest.fixture
def market(county):
    return county.departments["市场监管局"]


def register(actor, **overrides):
    data = {
        "title": "食品经营许可证办理材料反复要",
        "content": "第三次来窗口，每次都说缺一份材料，一次性告知不到位。",
        "complainant_name": "王丽",
        "complainant_phone": "13947001234",
    }
    data.update(overrides)
    return complaint_register(actor=actor, **data)


@pytest.fixture
def complaint(desk_clerk):
    with at(2026, 6, 15):
        return register(desk_clerk)


@pytest.fixture
def dispatched(complaint, desk_clerk, market):
    with at(2026, 6, 15):
        return complaint_dispatch(actor=desk_clerk, complaint=complaint, department=market)
