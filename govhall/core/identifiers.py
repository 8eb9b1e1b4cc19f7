"""National identifiers: 公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100).

Validation is python-stdnum's; this module turns its exceptions into a rule name and a Chinese
message a clerk can read aloud to the applicant, and masks numbers for lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)

from govhall.core.errors import ValidationError


@dataclass(frozen=True)
class CheckResult:
    valid: bool
    value: str
    rule: str = ""
    message: str = ""


KINDS = {"uscc": "统一社会信用代码", "ric": "公民身份号码"}


MESSAGES = {
    ("uscc", "length"): gettext_lazy("统一社会信用代码应为18位"),
    ("uscc", "check_digit"): gettext_lazy("统一社会信用代码校验位不正确"),
    ("uscc", "component"): gettext_lazy("统一社会信用代码中的登记管理部门或机构类别代码无效"),
    ("uscc", "characters"): gettext_lazy("统一社会信用代码只能由数字和大写字母组成（不含I、O、Z、S、V）"),
    ("uscc", "required"): gettext_lazy("请填写统一社会信用代码"),
    ("uscc", "ok"): gettext_lazy("统一社会信用代码有效"),
    ("ric", "length"): gettext_lazy("公民身份号码应为18位"),
    ("ric", "check_digit"): gettext_lazy("公民身份号码校验位不正确"),
    ("ric", "birth_date"): gettext_lazy("公民身份号码中的出生日期无效"),
    ("ric", "birth_place"): gettext_lazy("公民身份号码前六位不是出生当年有效的行政区划代码"),
    ("ric", "characters"): gettext_lazy("公民身份号码只能由数字和末位的X组成"),
    ("ric", "required"): gettext_lazy("请填写公民身份号码"),
    ("ric", "ok"): gettext_lazy("公民身份号码有效"),
}


def _rule(kind: str, exc: StdnumError, raw: str) -> str:
    if isinstance(exc, InvalidLength):
        return "length"
    if isinstance(exc, InvalidChecksum):
        return "check_digit"
    if isinstance(exc, InvalidComponent):
        if kind != "ric":
            return "component"
        try:
            ric.get_birth_date(raw)
        except StdnumError:
            return "birth_date"
        # The first six digits must be a county code that existed in the birth year
        # (e.g. 新巴尔虎右旗 was 152129 before 2001, 150727 after).
        return "birth_place"
    return "characters"


def check(kind: str, value: str) -> CheckResult:
    """Check an identifier; never raises. `kind` is "uscc" or "ric"."""
    if kind not in KINDS:
        raise ValidationError("kind", "choice", _("证件类型只能是 uscc 或 ric"))
    module = uscc if kind == "uscc" else ric
    raw = (value or "").strip()
    if not raw:
        return CheckResult(False, raw, "required", str(MESSAGES[kind, "required"]))
    try:
        compact = module.validate(raw)
    except StdnumError as exc:
        rule = _rule(kind, exc, raw)
        return CheckResult(False, raw, rule, str(MESSAGES[kind, rule]))
    return CheckResult(True, compact, "", str(MESSAGES[kind, "ok"]))


def validate_uscc(value: str, field: str = "uscc") -> str:
    """Return the compact code or raise a field error naming the failed rule."""
    result = check("uscc", value)
    if not result.valid:
        raise ValidationError(field, result.rule, result.message)
    return result.value


def validate_ric(value: str, field: str = "id_number") -> str:
    result = check("ric", value)
    if not result.valid:
        raise ValidationError(field, result.rule, result.message)
    return result.value


def mask_ric(value: str) -> str:
    """150727********1234 style: region and last four kept, birth date hidden."""
    if not value or len(value) < 10:
        return value and "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    digits = value or ""
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def organisation_code_check(body: str) -> str:
    """GB 11714 check character for an 8-character organisation code body."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(registration: str, region: str, organisation_body: str) -> str:
    """Build a valid 统一社会信用代码 from its parts (GB 32100): 2-character registration authority
    and type (11 = 机构编制 机关), 6-digit region code, 8-character organisation code body; the
    organisation code check and the overall check character are computed."""
    prefix = f"{registration}{region}{organisation_body}{organisation_code_check(organisation_body)}"
    return prefix + uscc.calc_check_digit(prefix + "0")
