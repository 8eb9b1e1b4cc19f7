"""Applicants' own accounts on the website: a person signs up with their 公民身份号码, optionally
together with the enterprise they represent (法定代表人). One action, one transaction: the user,
the person and the enterprise are written together or not at all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import enterprise_register, person_register
from govhall.core.errors import ErrorCollector, PermissionDenied
from govhall.core.identifiers import check

MOBILE = re.compile(r"1[3-9][0-9]{9}")


@dataclass(frozen=True)
class Account:
    user: User
    person: Person
    enterprise: Enterprise | None


def _check_person(errors: ErrorCollector, *, name: str, id_number: str, phone: str) -> str:
    """Check the person's fields; returns the 公民身份号码 as it will be stored."""
    if not name:
        errors.add("name", "required", _("请填写姓名"))
    elif len(name) > 100:
        errors.add("name", "max_length", _("姓名不能超过100个字"))
    result = check("ric", id_number.upper())
    if not result.valid:
        errors.add("id_number", result.rule, result.message)
    elif Person.objects.filter(id_number=result.value).exists() or User.objects.filter(username=result.value).exists():
        errors.add("id_number", "duplicate", _("该公民身份号码已注册，请直接登录"))
    if not phone:
        errors.add("phone", "required", _("请填写手机号码"))
    elif not MOBILE.fullmatch(phone):
        errors.add("phone", "format", _("手机号码应为11位数字，以1开头"))
    return result.value


def _check_password(errors: ErrorCollector, *, password: str, password2: str, username: str, name: str) -> None:
    if not password:
        errors.add("password", "required", _("请设置密码"))
        return
    if password != password2:
        errors.add("password2", "mismatch", _("两次输入的密码不一致"))
    try:
        password_validation.validate_password(password, User(username=username, first_name=name))
    except DjangoValidationError as exc:
        errors.add("password", "weak", "".join(str(m) for m in exc.messages))


def _check_enterprise(errors: ErrorCollector, *, name: str, uscc: str) -> None:
    if not name:
        errors.add("enterprise_name", "required", _("请填写企业名称"))
    elif len(name) > 200:
        errors.add("enterprise_name", "max_length", _("企业名称不能超过200个字"))
    result = check("uscc", uscc.upper())
    if not result.valid:
        errors.add("uscc", result.rule, result.message)
    elif Enterprise.objects.filter(uscc=result.value).exists():
        errors.add("uscc", "duplicate", _("该统一社会信用代码已登记"))


def applicant_account_register(
    *,
    name: str,
    id_number: str,
    phone: str,
    password: str,
    password2: str,
    with_enterprise: bool = False,
    enterprise_name: str = "",
    uscc: str = "",
) -> Account:
    """Sign up: a user whose user name is the 公民身份号码, the person, and (for an enterprise
    account) the enterprise with this person as its legal representative. Every field error is
    reported at once."""
    name, id_number, phone = (name or "").strip(), (id_number or "").strip(), (phone or "").strip()
    enterprise_name, uscc = (enterprise_name or "").strip(), (uscc or "").strip()
    errors = ErrorCollector()
    # In the order the form asks: the enterprise first on an enterprise account.
    if with_enterprise:
        _check_enterprise(errors, name=enterprise_name, uscc=uscc)
    username = _check_person(errors, name=name, id_number=id_number, phone=phone)
    _check_password(errors, password=password or "", password2=password2 or "", username=username, name=name)
    errors.raise_if_any()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, first_name=name)
        # The registration services check again under the unique constraints (two sign-ups at once).
        person = person_register(actor=user, name=name, id_number=username, phone=phone, user=user)
        enterprise = None
        if with_enterprise:
            enterprise = enterprise_register(
                actor=user, name=enterprise_name, uscc=uscc.upper(), legal_representative_name=name, legal_representative=person
            )
        return Account(user=user, person=person, enterprise=enterprise)


def applicant_enterprise_add(*, actor, person: Person, name: str, uscc: str) -> Enterprise:
    """A signed-up person registers the enterprise they represent (法定代表人)."""
    if person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能以本人作为法定代表人登记企业"))
    name, uscc = (name or "").strip(), (uscc or "").strip()
    errors = ErrorCollector()
    _check_enterprise(errors, name=name, uscc=uscc)
    errors.raise_if_any()
    return enterprise_register(
        actor=actor, name=name, uscc=uscc.upper(), legal_representative_name=person.name, legal_representative=person
    )
