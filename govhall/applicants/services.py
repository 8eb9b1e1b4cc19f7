"""Registering applicants: one function per action, numbers validated before anything is written."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.core.errors import ValidationError
from govhall.core.identifiers import validate_ric, validate_uscc
from govhall.org.models import Division


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(field, "required", message)
    return value


def person_register(
    *,
    actor,
    name: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    division: Division | None = None,
    user=None,
) -> Person:
    """Register a natural person; a 公民身份号码 already registered is refused."""
    name = _required(name, "name", _("请填写姓名"))
    # Applicants often type the check character as a lower-case x.
    id_number = validate_ric((id_number or "").strip().upper(), field="id_number")
    duplicate = ValidationError("id_number", "duplicate", _("该公民身份号码已登记"))
    if Person.objects.filter(id_number=id_number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Person.objects.create(
                user=user, name=name, id_number=id_number, phone=(phone or "").strip(), address=(address or "").strip(), division=division
            )
    except IntegrityError:
        # Another registration of the same number committed between the check and the insert.
        raise duplicate from None


def enterprise_register(
    *,
    actor,
    name: str,
    uscc: str,
    legal_representative_name: str,
    legal_representative: Person | None = None,
    address: str = "",
    phone: str = "",
) -> Enterprise:
    """Register an enterprise (法人); a 统一社会信用代码 already registered is refused."""
    name = _required(name, "name", _("请填写名称"))
    uscc = validate_uscc(uscc, field="uscc")
    legal_representative_name = _required(legal_representative_name, "legal_representative_name", _("请填写法定代表人"))
    duplicate = ValidationError("uscc", "duplicate", _("该统一社会信用代码已登记"))
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Enterprise.objects.create(
                name=name,
                uscc=uscc,
                legal_representative_name=legal_representative_name,
                legal_representative=legal_representative,
                address=(address or "").strip(),
                phone=(phone or "").strip(),
            )
    except IntegrityError:
        raise duplicate from None
