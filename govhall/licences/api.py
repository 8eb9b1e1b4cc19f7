"""JSON API of licences under /api/licences/: verification by identifier or licence file and the
published keys (public), the holder's licences, and revocation by the issuing department."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import django_auth

from govhall.core.errors import ValidationError
from govhall.licences import selectors, services

router = Router(tags=["电子证照"])


class VerifyOut(Schema):
    valid: bool
    found: bool
    signature_valid: bool
    reason: str
    status: str
    status_label: str
    message: str
    identifier: str
    licence_type: str
    number: str
    holder: str
    issuer: str
    valid_from: str | None
    valid_until: str | None
    revoked_reason: str
    checked_on: str


class LicenceOut(Schema):
    id: int
    identifier: str
    licence_type: str
    number: str
    holder: str
    issuer: str
    valid_from: str
    valid_until: str | None
    status: str
    status_label: str
    verify_url: str


class ReasonIn(Schema):
    reason: str


def _licence_out(licence) -> dict[str, Any]:
    return {
        "id": licence.pk,
        "identifier": licence.identifier,
        "licence_type": licence.licence_type.name,
        "number": licence.number,
        "holder": licence.holder_name,
        "issuer": licence.department.name,
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "status": licence.effective_status(),
        "status_label": licence.effective_status_label(),
        "verify_url": selectors.verify_url(licence.identifier),
    }


@router.get("/keys", summary="公布的电子印章公钥（含已停用）")
def keys(request) -> dict[str, Any]:
    return selectors.published_keys()


@router.get("/verify/{identifier}", response=VerifyOut, summary="按证照标识核验")
def verify_identifier(request, identifier: str):
    return selectors.licence_verify(identifier=identifier).as_dict()


@router.post(
    "/verify",
    response=VerifyOut,
    summary="上传证照文件核验",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}, "required": True}},
)
def verify_file(request):
    try:
        document = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("file", "json", _("文件不是有效的电子证照文件")) from exc
    return selectors.licence_verify(document=document).as_dict()


@router.get("/mine", response=list[LicenceOut], auth=django_auth, summary="我的证照夹")
def mine(request):
    return [_licence_out(lic) for lic in selectors.licences_for_user(user=request.user)]


@router.get("/mine/{licence_id}/file", auth=django_auth, summary="下载证照文件（含签名）")
def mine_file(request, licence_id: int) -> dict[str, Any]:
    return selectors.licence_file(selectors.get_licence_for_holder_user(user=request.user, licence_id=licence_id))


@router.post("/{licence_id}/revoke", response=LicenceOut, auth=django_auth, summary="发证部门撤销证照")
def revoke(request, licence_id: int, payload: ReasonIn):
    licence = selectors.get_licence_for_staff(user=request.user, licence_id=licence_id)
    return _licence_out(services.licence_revoke(actor=request.user, licence=licence, reason=payload.reason))
