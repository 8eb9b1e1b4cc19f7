import pytest

from govhall.applicants.services import person_register

RIC = "150727200501011232"


@pytest.fixture
def users(county):
    return county.users


@pytest.fixture
def person(applicant, clerk):
    return person_register(actor=clerk, name="张三", id_number=RIC, phone="13800001234", user=applicant)


@pytest.fixture
def food(county):
    return county.items["food"]
