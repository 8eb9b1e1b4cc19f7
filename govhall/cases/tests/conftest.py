import pytest

from govhall.applicants.services import enterprise_register, person_register

RIC = "150727200501011232"
USCC = "91150727MA0N12345X"


@pytest.fixture
def person(applicant, clerk):
    return person_register(actor=clerk, name="张三", id_number=RIC, phone="13800001234", user=applicant)


@pytest.fixture
def enterprise(clerk, person):
    return enterprise_register(
        actor=clerk, name="呼伦贝尔草原餐饮有限公司", uscc=USCC, legal_representative_name="张三", legal_representative=person
    )


@pytest.fixture
def food(county):
    return county.items["food"]
