import pytest

from govhall.core.errors import ValidationError
from govhall.core.identifiers import check, make_uscc, mask_phone, mask_ric, validate_uscc


def test_make_uscc_builds_codes_that_validate():
    code = make_uscc("11", "150727", "01154530")
    assert check("uscc", code).valid


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("9115072", "length"),
        ("91150727MA0N3RQW7", "length"),
        ("91150727MA0N3RQWIP", "characters"),  # I is not in the alphabet
        ("", "required"),
    ],
)
def test_uscc_errors_name_the_rule(value, rule):
    result = check("uscc", value)
    assert not result.valid
    assert result.rule == rule
    assert "统一社会信用代码" in result.message or "请填写" in result.message


def test_uscc_wrong_check_digit():
    good = make_uscc("91", "150727", "MA0N3RQW")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = check("uscc", bad)
    assert (result.valid, result.rule) == (False, "check_digit")
    assert "校验位" in result.message


def test_ric_valid_and_check_digit():
    from stdnum.cn import ric

    base = "15072720050307002"  # 150727 is valid for births from 2001
    good = base + ric.calc_check_digit(base + "0")
    assert check("ric", good).valid
    wrong = base + ("1" if good[-1] != "1" else "2")
    assert check("ric", wrong).rule == "check_digit"


def test_ric_invalid_birth_date():
    from stdnum.cn import ric

    base = "15072719901341002"
    result = check("ric", base + ric.calc_check_digit(base + "0"))
    assert result.rule == "birth_date"


def test_validate_uscc_raises_field_error():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("123", field="department.uscc")
    error = exc.value.errors[0]
    assert (error.field, error.rule) == ("department.uscc", "length")


def test_masking_hides_birth_date_and_middle_of_phone():
    assert mask_ric("150727199003070028") == "150727********0028"
    assert mask_phone("13847012345") == "138****2345"


def test_ric_region_code_must_exist_in_the_birth_year():
    from stdnum.cn import ric

    # 新巴尔虎右旗 was 152129 until 2001: a 1990 birth with 150727 is refused, with 152129 accepted.
    new_code = "15072719900307002"
    old_code = "15212919900307002"
    assert check("ric", new_code + ric.calc_check_digit(new_code + "0")).rule == "birth_place"
    assert check("ric", old_code + ric.calc_check_digit(old_code + "0")).valid
