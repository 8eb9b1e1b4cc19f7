"""Electronic seals and licences (DATA-3): create and rotate a department's seal, issue a licence
(for a case that ends with one, or a prior licence loaded from records), revoke it.

Issuing signs the canonical form of the licence with the department's current seal: the private
key is decrypted in memory for the one signature and never leaves this module.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import enterprise_register
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.identifiers import make_uscc
from govhall.licences import crypto
from govhall.licences.models import Licence, LicenceCounter, LicenceType, Seal
from govhall.licences.registry import GENERIC_FIELDS, code_for_name
from govhall.org.models import Department

# --- seals ---------------------------------------------------------------------------------------


def _new_seal(*, department: Department, actor) -> Seal:
    private_hex, public_hex = crypto.keypair_generate()
    encrypted = crypto.private_key_encrypt(private_hex, seal_key_hex=settings.GOVHALL_SEAL_KEY)
    now = timezone.now()
    key_id = f"{department.uscc}-{timezone.localtime(now):%Y%m%d}-{secrets.token_hex(3)}"
    return Seal.objects.create(
        department=department, key_id=key_id, public_key=public_hex, private_key_encrypted=encrypted, created_at=now, created_by=actor
    )


def seal_rotate(*, actor, department: Department) -> Seal:
    """Create the department's seal, or replace the current one: the old key is retired (kept and
    still published, so licences it signed keep verifying) and a new key pair signs from now on.
    `actor` None is the operator's management command."""
    if actor is not None and not actor.has_perm("licences.manage_seals"):
        raise PermissionDenied(_("只有系统管理员可以创建或轮换电子印章"))
    with transaction.atomic():
        Department.objects.select_for_update().get(pk=department.pk)
        Seal.objects.filter(department=department, retired_at__isnull=True).update(retired_at=timezone.now())
        return _new_seal(department=department, actor=actor)


def _current_seal(department: Department) -> Seal:
    """The seal that signs now; a department that issues its first licence gets one."""
    seal = Seal.objects.filter(department=department, retired_at__isnull=True).first()
    if seal is not None:
        return seal
    try:
        with transaction.atomic():
            return _new_seal(department=department, actor=None)
    except IntegrityError:  # another issue created it first
        return Seal.objects.get(department=department, retired_at__isnull=True)


# --- licence types -------------------------------------------------------------------------------


def licence_type_for_name(name: str) -> LicenceType | None:
    """The registered type of a catalog `licence_type` name; an unknown name is registered with
    a generic face (a department admin can refine it in the admin)."""
    name = (name or "").strip()
    if not name:
        return None
    found = LicenceType.objects.filter(name=name).first()
    if found is not None:
        return found
    base = code_for_name(name)
    code, n = base, 1
    while LicenceType.objects.filter(code=code).exists():
        n += 1
        code = f"{base}{n}"
    return LicenceType.objects.create(code=code, name=name, number_prefix="", fields=GENERIC_FIELDS)


def licence_type_for_version(version) -> LicenceType | None:
    """The e-licence type a catalog item version produces, or None when its result is not a
    licence or the licence is issued by a higher-level system (居民身份证 …)."""
    if version.result_type != "licence":
        return None
    licence_type = licence_type_for_name(version.licence_type or version.result_name)
    if licence_type is None or not licence_type.issued_here:
        return None
    return licence_type


# --- issuing -------------------------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _serial(licence_type: LicenceType, department: Department) -> int:
    LicenceCounter.objects.get_or_create(licence_type=licence_type, department=department)
    counter = LicenceCounter.objects.select_for_update().get(licence_type=licence_type, department=department)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _number(licence_type: LicenceType, department: Department, serial: int, year: int, holder: Person | Enterprise) -> str:
    """证号: a 营业执照's number is the enterprise's 统一社会信用代码 (市场主体登记管理条例); others are
    the type's prefix, the issuer's division code, the year and the serial."""
    if licence_type.code == "YYZZ" and isinstance(holder, Enterprise):
        return holder.uscc
    if licence_type.code in ("BDCQZS", "BDCDJZM"):
        # 不动产权证书 / 登记证明 (不动产登记暂行条例实施细则): 蒙（2026）新巴尔虎右旗不动产权第0000001号.
        word = "不动产权" if licence_type.code == "BDCQZS" else "不动产证明"
        return f"{licence_type.number_prefix}（{year}）{department.division.name}{word}第{serial:07d}号"
    return f"{licence_type.number_prefix}{department.division_id}{year}{serial:05d}"


def _superseded(licence_type: LicenceType, department: Department, holder: Person | Enterprise) -> Licence | None:
    """The holder's licence in force that a new issue of a one-per-holder type replaces (locked)."""
    if not licence_type.one_per_holder:
        return None
    holder_q = Q(holder_enterprise=holder) if isinstance(holder, Enterprise) else Q(holder_person=holder)
    return (
        Licence.objects.select_for_update()
        .filter(holder_q, licence_type=licence_type, department=department, status=Licence.STATUS_VALID)
        .order_by("-version", "-id")
        .first()
    )


def _holder_fields(holder: Person | Enterprise) -> dict[str, str]:
    if isinstance(holder, Enterprise):
        return {"kind": "enterprise", "name": holder.name, "id": holder.uscc}
    return {"kind": "person", "name": holder.name, "id": holder.id_number}


def licence_issue(
    *,
    actor,
    licence_type: LicenceType,
    department: Department,
    holder: Person | Enterprise,
    data: dict[str, Any],
    valid_from: dt.date | None = None,
    case=None,
) -> Licence:
    """Sign and store one licence. Runs in the caller's transaction when there is one (the case's
    decision), else in its own."""
    if not licence_type.issued_here:
        raise ValidationError("licence_type", "not_issued_here", _("%(name)s 不在本系统签发") % {"name": licence_type.name})
    with transaction.atomic():
        now = timezone.now()
        valid_from = valid_from or timezone.localdate(now)
        valid_until = _add_years(valid_from, licence_type.validity_years) - dt.timedelta(days=1) if licence_type.validity_years else None
        seal = _current_seal(department)
        previous = _superseded(licence_type, department, holder)
        if previous is not None:
            # 变更、延续: same serial and number, the next version; the old one becomes 已变更.
            serial = int(previous.identifier.split(".")[-3])
            version = previous.version + 1
            number = previous.number
            previous.status = Licence.STATUS_CHANGED
            previous.save(update_fields=["status"])
        else:
            serial = _serial(licence_type, department)
            version = 1
            number = _number(licence_type, department, serial, valid_from.year, holder)
        identifier = crypto.identifier_make(type_code=licence_type.code, issuer_uscc=department.uscc, serial=serial, version=version)
        signed: dict[str, Any] = {
            "identifier": identifier,
            "licence_type": {"code": licence_type.code, "name": licence_type.name},
            "number": number,
            "holder": _holder_fields(holder),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "issuer": {"name": department.name, "uscc": department.uscc},
            "data": {str(k): str(v) for k, v in data.items()},
            "key_id": seal.key_id,
        }
        message = crypto.canonical_bytes(signed)
        private_hex = crypto.private_key_decrypt(seal.private_key_encrypted, seal_key_hex=settings.GOVHALL_SEAL_KEY)
        signature = crypto.sign(message, private_key_hex=private_hex, public_key_hex=seal.public_key)
        del private_hex
        return Licence.objects.create(
            identifier=identifier,
            version=version,
            replaces=previous,
            number=number,
            licence_type=licence_type,
            holder_person=holder if isinstance(holder, Person) else None,
            holder_enterprise=holder if isinstance(holder, Enterprise) else None,
            holder_name=holder.name,
            department=department,
            seal=seal,
            case=case,
            valid_from=valid_from,
            valid_until=valid_until,
            signed=signed,
            digest=crypto.sm3_hex(message),
            signature=signature,
            issued_at=now,
            issued_by=actor,
        )


def _case_data(case, licence_type: LicenceType, holder: Person | Enterprise) -> dict[str, str]:
    """The face of a licence from the case: the form's answers where a field has the same name,
    the holder's registered facts for names, representative and address, and the item."""
    form = {str(k): str(v) for k, v in (case.form or {}).items() if v not in (None, "")}
    address = getattr(holder, "address", "") or form.get("经营场所", "")
    data: dict[str, str] = {}
    for field in licence_type.fields:
        if field in form:
            data[field] = form[field]
        elif (
            "名称" in field
            or field in ("持证人", "权利人", "业户名称", "持证主体")
            or field.startswith("建设单位")
            or field.startswith("用地单位")
        ):
            data[field] = holder.name
        elif field.startswith("法定代表人"):
            data[field] = getattr(holder, "legal_representative_name", "") or holder.name
        elif field in ("住所", "地址", "注册地址") and address:
            data[field] = address
        elif field in ("经营场所", "生产经营场所地址", "建设位置", "坐落") and form.get("经营场所"):
            data[field] = form["经营场所"]
    data["许可事项"] = case.item_version.name
    data["办件编号"] = case.number or ""
    return data


def licence_issue_for_case(*, case, actor) -> Licence | None:
    """Issue the e-licence of an approved case whose result is a licence (制证), inside the case's
    transaction. One licence per case: a second call returns the first."""
    existing = Licence.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.decision != "approved" or case.department is None:
        return None
    licence_type = licence_type_for_version(case.item_version)
    if licence_type is None:
        return None
    holder = _new_market_subject(case, actor=actor) or case.applicant
    return licence_issue(
        actor=actor,
        licence_type=licence_type,
        department=case.department,
        holder=holder,
        data=_case_data(case, licence_type, holder),
        case=case,
    )


# GB 32100: the registration-management code and type of a market subject registered by 市场监管
# (91 企业, 92 个体工商户, 93 农民专业合作社); the characters I, O, S, V and Z are never used.
_SUBJECT_TYPES = (("个体工商户", "92"), ("农民专业合作社", "93"))
_USCC_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc_allocate(*, region: str, registration: str, seed: str) -> str:
    """A free 统一社会信用代码 for a new market subject, derived from the case so a retry gets the
    same one."""
    for attempt in range(100):
        digest = crypto.sm3_hex(f"{seed}/{attempt}".encode())
        body = "".join(_USCC_BODY_CHARS[int(digest[i : i + 2], 16) % len(_USCC_BODY_CHARS)] for i in range(0, 16, 2))
        uscc = make_uscc(registration, region, body)
        if not Enterprise.objects.filter(uscc=uscc).exists():
            return uscc
    raise RuntimeError("no free 统一社会信用代码 after 100 attempts")


def _new_market_subject(case, *, actor) -> Enterprise | None:
    """设立登记 creates the market subject (《市场主体登记管理条例》第二十一条): its 营业执照 goes to the
    new enterprise named on the application, which gets its 统一社会信用代码 now — not to the person
    or company that applied to set it up."""
    if "设立登记" not in case.item_version.name:
        return None
    form = case.form or {}
    name = str(form.get("企业名称") or "").strip()
    if not name or name == case.applicant.name:
        return None
    applicant_person = case.applicant_person or getattr(case.applicant_enterprise, "legal_representative", None)
    form_representative = str(form.get("法定代表人") or "").strip()
    representative_name = form_representative or (applicant_person.name if applicant_person else "")
    # The applicant is linked as the legal representative only when the form names them — by name
    # and, when the form carries one, by ID number too; a namesake is not linked to anyone.
    form_number = str(form.get("法定代表人身份证号") or form.get("公民身份号码") or "").strip().upper()
    representative = None
    if applicant_person is not None and form_representative and applicant_person.name == form_representative:
        if not form_number or form_number == (applicant_person.id_number or "").upper():
            representative = applicant_person
    if Enterprise.objects.filter(name=name).exists():
        # The name is already registered: never take that enterprise over (its licence would be
        # superseded by this case's). The 营业执照 goes to the applicant as for other items, and the
        # name clash is for the registration department to resolve (名称登记 comes before 设立).
        return None
    registration = next((code for word, code in _SUBJECT_TYPES if word in case.item_version.name), "91")
    uscc = _uscc_allocate(region=case.department.division_id[:6], registration=registration, seed=case.number or str(case.pk))
    return enterprise_register(
        actor=actor,
        name=name,
        uscc=uscc,
        legal_representative_name=representative_name or name,
        legal_representative=representative,
        address=str(form.get("住所") or form.get("经营场所") or ""),
        phone=str(form.get("联系电话") or ""),
    )


# --- revocation ----------------------------------------------------------------------------------


def can_revoke(user, licence: Licence) -> bool:
    staff = getattr(user, "staff", None)
    return bool(user.has_perm("licences.revoke_licence") and staff is not None and staff.department_id == licence.department_id)


def _revoke(licence: Licence, *, actor, reason: str) -> Licence:
    licence.status = Licence.STATUS_REVOKED
    licence.revoked_at = timezone.now()
    licence.revoked_by = actor
    licence.revoke_reason = reason[:500]
    licence.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    return licence


def licence_revoke(*, actor, licence: Licence, reason: str) -> Licence:
    """The issuing department revokes a licence, with the reason verification will show."""
    if not can_revoke(actor, licence):
        raise PermissionDenied(_("只有发证部门可以撤销该证照"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写撤销理由"))
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=licence.pk)
        if licence.status != Licence.STATUS_VALID:
            raise Conflict(_("该证照当前状态为“%(status)s”，不能撤销") % {"status": licence.get_status_display()})
        return _revoke(licence, actor=actor, reason=reason)


def licence_revoke_for_case(*, case, actor, reason: str) -> Licence | None:
    """The case's result was revoked (告知承诺 found false): its licence is revoked with it, in the
    case's transaction."""
    licence = Licence.objects.select_for_update().filter(case=case, status=Licence.STATUS_VALID).first()
    if licence is None:
        return None
    return _revoke(licence, actor=actor, reason=reason)
