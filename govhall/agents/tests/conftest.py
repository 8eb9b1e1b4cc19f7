import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from govhall.applicants.services import person_register
from govhall.cases.tests.conftest import enterprise, food, person  # noqa: F401
from govhall.org import roles
from govhall.org.models import Division, ServiceCentre, StaffProfile, Window

# A fixed working day in 2026 (the calendar is loaded for 2004–2026 only).
NOW = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% consent\n"


@pytest.fixture(autouse=True)
def frozen_now():
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


def _agent(username: str, point: ServiceCentre, window: Window, name: str) -> User:
    user = User.objects.create_user(username=username, password="govhall-test-pw", first_name=name)
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=point, window=window)
    return user


@pytest.fixture
def point(county):
    """宝格德乌拉嘎查代办点, under the county centre (which accepts what it passes on)."""
    return ServiceCentre.objects.create(
        name="宝格德乌拉嘎查代办点", level=ServiceCentre.LEVEL_VILLAGE, division=Division.objects.get(code="150727"), parent=county.centre
    )


@pytest.fixture
def agent(point):
    window = Window.objects.create(centre=point, number="01", name="代办窗口", kind=Window.KIND_HELP)
    return _agent("agent", point, window, "谢代办")


@pytest.fixture
def other_agent(county):
    other = ServiceCentre.objects.create(
        name="达赉嘎查代办点", level=ServiceCentre.LEVEL_VILLAGE, division=Division.objects.get(code="150727"), parent=county.centre
    )
    window = Window.objects.create(centre=other, number="01", name="代办窗口", kind=Window.KIND_HELP)
    return _agent("agent2", other, window, "乌代办")


@pytest.fixture
def resident(person):  # noqa: F811
    """张三, who has an account (the `applicant` user)."""
    return person


@pytest.fixture
def other_resident(clerk, other_applicant):
    return person_register(actor=clerk, name="李四", id_number="150727199001011230", phone="13900001111", user=other_applicant)


@pytest.fixture
def id_card(county):
    return county.items["id_card"]
