"""Read paths of electronic licences: the holder's valid licences (for later 免提交 and pre-fill),
the wallet, the department's list, the published keys, the licence file and verification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.core.identifiers import mask_ric
from govhall.licences import crypto
from govhall.licences.models import Licence, LicenceType, Seal

FILE_FORMAT = "govhall-licence/1"
SIGNER_ID = "1234567812345678"  # GB/T 35276 default signer ID, used by gmssl's sign_with_sm3


def _type_filter(licence_type: LicenceType | str | None) -> Q:
    if licence_type is None:
        return Q()
    if isinstance(licence_type, LicenceType):
        return Q(licence_type=licence_type)
    return Q(licence_type__name=licence_type) | Q(licence_type__code=licence_type)


def licences_for_holder(
    *, person: Person | None = None, enterprise: Enterprise | None = None, licence_type: LicenceType | str | None = None
) -> QuerySet[Licence]:
    """The holder's licences that are valid today (not revoked, cancelled, changed or expired),
    newest first. `licence_type` is a type, its name (营业执照) or its code."""
    if (person is None) == (enterprise is None):
        raise ValueError("give exactly one of person, enterprise")
    today = timezone.localdate()
    holder = Q(holder_person=person) if person is not None else Q(holder_enterprise=enterprise)
    return (
        Licence.objects.filter(holder, _type_filter(licence_type), status=Licence.STATUS_VALID, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("licence_type", "department")
        .order_by("-issued_at", "-id")
    )


def licences_for_user(*, user) -> QuerySet[Licence]:
    """证照夹: every licence of the user's own person and of the enterprises they represent."""
    q = Q(holder_enterprise__legal_representative__user=user)
    person = Person.objects.filter(user=user).first()
    if person is not None:
        q |= Q(holder_person=person)
    return Licence.objects.filter(q).select_related("licence_type", "department", "holder_enterprise").order_by("-issued_at", "-id")


def get_licence_for_holder_user(*, user, licence_id: int) -> Licence:
    licence = licences_for_user(user=user).filter(pk=licence_id).first()
    if licence is None:
        raise Http404
    return licence


def licences_for_staff(*, user) -> QuerySet[Licence]:
    """The issuing department's licences; supervisors and auditors see all; others none."""
    qs = Licence.objects.select_related("licence_type", "department", "holder_person", "holder_enterprise")
    if user.has_perm("licences.view_all_licences"):
        return qs
    staff = getattr(user, "staff", None)
    if user.has_perm("licences.view_department_licences") and staff is not None and staff.department_id:
        return qs.filter(department_id=staff.department_id)
    return qs.none()


def get_licence_for_staff(*, user, licence_id: int) -> Licence:
    licence = licences_for_staff(user=user).filter(pk=licence_id).first()
    if licence is None:
        raise Http404
    return licence


def published_keys() -> dict[str, Any]:
    """/licences/keys.json: every seal's public key, current and retired, with its validity."""
    seals = Seal.objects.select_related("department").order_by("department__uscc", "created_at")
    return {
        "format": "govhall-seal-keys/1",
        "algorithm": "SM2-with-SM3",
        "signer_id": SIGNER_ID,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "keys": [
            {
                "key_id": seal.key_id,
                "department": seal.department.name,
                "department_uscc": seal.department.uscc,
                "public_key": seal.public_key,
                "valid_from": timezone.localtime(seal.created_at).isoformat(timespec="seconds"),
                "valid_until": timezone.localtime(seal.retired_at).isoformat(timespec="seconds") if seal.retired_at else None,
            }
            for seal in seals
        ],
    }


def keys_by_id(keys_document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(k.get("key_id")): k for k in keys_document.get("keys", []) if isinstance(k, dict)}


def verify_url(identifier: str) -> str:
    return f"{settings.GOVHALL_PUBLIC_URL}{reverse('licences:verify', args=[identifier])}"


def licence_file(licence: Licence) -> dict[str, Any]:
    """The downloadable licence file: the signed fields and the signature (JSON)."""
    return {
        "format": FILE_FORMAT,
        "licence": licence.signed,
        "signature": {
            "algorithm": "SM2-with-SM3",
            "signer_id": SIGNER_ID,
            "key_id": licence.seal.key_id,
            "sm3": licence.digest,
            "value": licence.signature,
        },
        "verify_url": verify_url(licence.identifier),
    }


# --- verification --------------------------------------------------------------------------------

REASON_MESSAGES = {
    "ok": "签名有效，证照内容未被篡改",
    "not_found": "未找到该证照标识",
    "not_a_licence": "文件不是有效的电子证照文件",
    "fields_missing": "证照文件缺少必要项目",
    "identifier_invalid": "证照标识格式或校验位错误",
    "key_unknown": "签章密钥未公布，无法验证",
    "issuer_mismatch": "签章密钥不属于发证机关",
    "digest_mismatch": "证照内容与 SM3 摘要不符，证照内容已被篡改",
    "signature_invalid": "签名验证失败，证照内容已被篡改",
    "not_registered": "签名有效，但发证系统中没有这份证照",
    "differs_from_record": "签名有效，但与发证系统的记录不一致",
}
STATUS_MESSAGES = {
    Licence.STATUS_VALID: "签名有效，内容未被篡改，证照在有效期内",
    Licence.STATUS_CHANGED: "证照已变更，请以变更后的证照为准",
    Licence.STATUS_REVOKED: "证照已撤销，不能作为有效证照使用",
    Licence.STATUS_CANCELLED: "证照已注销，不能作为有效证照使用",
    Licence.STATUS_EXPIRED: "证照已过期，不能作为有效证照使用",
}


@dataclass
class VerifyResult:
    """What verification says. `valid` is the one answer a relying party needs: the signature
    checks out AND the licence is in force today."""

    found: bool
    signature_valid: bool
    reason: str
    status: str = ""
    licence: Licence | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    checked_on: dt.date = field(default_factory=timezone.localdate)

    @property
    def valid(self) -> bool:
        return self.signature_valid and self.status == Licence.STATUS_VALID

    @property
    def status_label(self) -> str:
        return str(Licence.STATUS_LABELS[self.status]) if self.status else ""

    @property
    def message(self) -> str:
        if not self.signature_valid or self.reason != "ok":
            return _(REASON_MESSAGES.get(self.reason, self.reason))
        return _(STATUS_MESSAGES[self.status])

    @property
    def holder_display(self) -> str:
        """The holder for a public page: a person's ID number masked."""
        holder = self.fields.get("holder") or {}
        name, ident = str(holder.get("name", "")), str(holder.get("id", ""))
        if holder.get("kind") == "person":
            masked_name = name[:1] + "*" * max(len(name) - 1, 1) if name else ""
            return f"{masked_name}（{mask_ric(ident)}）" if ident else masked_name
        return f"{name}（{ident}）" if ident else name

    def as_dict(self) -> dict[str, Any]:
        f = self.fields
        return {
            "valid": self.valid,
            "found": self.found,
            "signature_valid": self.signature_valid,
            "reason": self.reason,
            "status": self.status,
            "status_label": self.status_label,
            "message": self.message,
            "identifier": f.get("identifier", ""),
            "licence_type": (f.get("licence_type") or {}).get("name", ""),
            "number": f.get("number", ""),
            "holder": self.holder_display,
            "issuer": (f.get("issuer") or {}).get("name", ""),
            "valid_from": f.get("valid_from"),
            "valid_until": f.get("valid_until"),
            "revoked_reason": self.licence.revoke_reason if self.licence and self.status == Licence.STATUS_REVOKED else "",
            "checked_on": self.checked_on.isoformat(),
        }


def _db_keys() -> dict[str, dict[str, Any]]:
    return keys_by_id(published_keys())


def licence_verify(*, identifier: str | None = None, document: dict[str, Any] | None = None, today: dt.date | None = None) -> VerifyResult:
    """Verify by identifier (the QR code: the stored licence's signature is checked again, so a
    changed row fails too) or a licence file (its signature against the published keys, then its
    status from the register)."""
    today = today or timezone.localdate()
    if document is None:
        licence = Licence.objects.select_related("seal", "department", "licence_type").filter(identifier=identifier or "").first()
        if licence is None:
            return VerifyResult(found=False, signature_valid=False, reason="not_found", checked_on=today)
        document = licence_file(licence)
        keys = {licence.seal.key_id: {"public_key": licence.seal.public_key, "department_uscc": licence.seal.department.uscc}}
        ok, reason, fields = crypto.check_file(document, keys)
        return VerifyResult(
            found=True,
            signature_valid=ok,
            reason=reason,
            status=licence.effective_status(today),
            licence=licence,
            fields=fields or {},
            checked_on=today,
        )
    ok, reason, fields = crypto.check_file(document, _db_keys())
    if not ok:
        return VerifyResult(found=False, signature_valid=False, reason=reason, fields=fields or {}, checked_on=today)
    assert fields is not None
    licence = Licence.objects.select_related("licence_type", "department").filter(identifier=fields["identifier"]).first()
    if licence is None:
        return VerifyResult(found=False, signature_valid=True, reason="not_registered", fields=fields, checked_on=today)
    if crypto.canonical_bytes(licence.signed) != crypto.canonical_bytes(fields):
        return VerifyResult(
            found=True, signature_valid=True, reason="differs_from_record", fields=fields, licence=licence, checked_on=today
        )
    return VerifyResult(
        found=True,
        signature_valid=True,
        reason="ok",
        status=licence.effective_status(today),
        licence=licence,
        fields=fields,
        checked_on=today,
    )
