import pytest

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import enterprise_register, person_register
from govhall.core.errors import ValidationError

# 150727 = 新巴尔虎右旗 since 2001, so the birth year must be later (GB 11643 check digit computed).
VALID_RIC = "15072720060101123X"
VALID_USCC = "91150727MA0N12345X"

pytestmark = pytest.mark.django_db


def _error(exc: ValidationError) -> tuple[str, str]:
    return exc.errors[0].field, exc.errors[0].rule


def test_person_is_registered_with_a_valid_id_number(clerk):
    person = person_register(actor=clerk, name="张三", id_number=VALID_RIC.lower(), phone="13800001234")
    assert person.id_number == VALID_RIC
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "number, rule",
    [
        ("1507272006010112", "length"),
        ("150727200601011231", "check_digit"),
        ("150727200613011237", "birth_date"),
        ("150727199001011230", "birth_place"),
        ("1507272006A101123X", "characters"),
    ],
)
def test_invalid_id_number_names_field_and_rule_and_saves_nothing(clerk, number, rule):
    with pytest.raises(ValidationError) as caught:
        person_register(actor=clerk, name="张三", id_number=number)
    assert _error(caught.value) == ("id_number", rule)
    assert caught.value.errors[0].message
    assert not Person.objects.exists()


def test_second_registration_of_the_same_id_number_is_refused(clerk):
    person_register(actor=clerk, name="张三", id_number=VALID_RIC)
    with pytest.raises(ValidationError) as caught:
        person_register(actor=clerk, name="张三丰", id_number=VALID_RIC)
    assert _error(caught.value) == ("id_number", "duplicate")
    assert Person.objects.count() == 1


def test_person_display_masks_id_number_and_phone(clerk):
    person = person_register(actor=clerk, name="张三", id_number=VALID_RIC, phone="13800001234")
    assert person.id_number_masked == "150727********123X"
    assert person.phone_masked == "138****1234"
    assert "20060101" not in str(person)


def test_enterprise_is_registered_with_a_valid_uscc(clerk):
    enterprise = enterprise_register(actor=clerk, name="呼伦贝尔草原餐饮有限公司", uscc=VALID_USCC, legal_representative_name="张三")
    assert enterprise.uscc == VALID_USCC


def test_invalid_uscc_names_field_and_rule_and_saves_nothing(clerk):
    with pytest.raises(ValidationError) as caught:
        enterprise_register(actor=clerk, name="某公司", uscc=VALID_USCC[:-1] + "0", legal_representative_name="张三")
    assert _error(caught.value) == ("uscc", "check_digit")
    assert not Enterprise.objects.exists()


def test_second_registration_of_the_same_uscc_is_refused(clerk):
    enterprise_register(actor=clerk, name="某公司", uscc=VALID_USCC, legal_representative_name="张三")
    with pytest.raises(ValidationError) as caught:
        enterprise_register(actor=clerk, name="另一公司", uscc=VALID_USCC, legal_representative_name="李四")
    assert _error(caught.value) == ("uscc", "duplicate")
    assert Enterprise.objects.count() == 1
