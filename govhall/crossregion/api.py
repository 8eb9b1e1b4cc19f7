"""JSON API of crossregion under /api/crossregion/.

- `GET node` (public): this node's id, name and SM2 public key, for a peer's administrator.
- `POST inbox/cases`, `POST inbox/status`, `POST inbox/ping`: the peers' signed inbox (no session;
  the SM2 signature is the authentication, see protocol.py). Answers are signed too.
- `GET agreements`: the 通办 agreements (staff with the permission).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import django_auth

from govhall.core.errors import DomainError, PermissionDenied, ValidationError
from govhall.crossregion import protocol, selectors, services

router = Router(tags=["跨区通办"])


class NodeOut(Schema):
    node_id: str
    name: str
    public_key: str
    algorithm: str = "SM2/SM3"


@router.get("node", response=NodeOut, auth=None)
def node_info(request):
    key = protocol.node_key()
    return {"node_id": key.node_id, "name": key.name, "public_key": key.public_key}


def _signed(request: HttpRequest, handle: Callable[[protocol.Verified, dict[str, Any]], dict[str, Any]]) -> HttpResponse:
    """Verify the request, run `handle`, sign the answer (refusals included, so the caller can
    trust them as well)."""
    request_nonce = request.headers.get(protocol.HEADER_NONCE, "")[:64]
    try:
        # Read inside the try: a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a signed refusal the
        # caller treats as final, not Django's unsigned HTML 400 that it would retry for ever.
        try:
            body = request.body
        except RequestDataTooBig:
            raise ValidationError("body", "too_large", _("请求内容超过本节点允许的大小")) from None
        # path_info, not path: the signed path is the one under the API, whatever URL prefix
        # (SCRIPT_NAME) the deployment is mounted at.
        verified = protocol.verify_request(method=request.method or "POST", path=request.path_info, headers=request.headers, body=body)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ValidationError("body", "json", _("请求内容须为 JSON 对象"))
        try:
            with transaction.atomic():
                data, status = handle(verified, payload), 200
        except (ValueError, AttributeError, KeyError, TypeError) as exc:
            # A malformed payload (a list where an object belongs, a missing key): a signed 400.
            raise ValidationError("body", "malformed", _("请求内容格式不正确：%(error)s") % {"error": type(exc).__name__}) from exc
    except DomainError as exc:
        data, status = {"detail": exc.as_list()}, exc.status_code
    answer = protocol.canonical_json(data)
    response = HttpResponse(answer, status=status, content_type="application/json")
    for name, value in protocol.sign_response(request_nonce=request_nonce, status=status, body=answer).items():
        response[name] = value
    return response


@router.post("inbox/cases", auth=None, include_in_schema=True, summary="对端转送办件（签名）")
def inbox_cases(request):
    return _signed(request, lambda v, payload: services.inbox_case(peer=v.peer, payload=payload))


@router.post("inbox/status", auth=None, summary="对端回传办理状态（签名）")
def inbox_status(request):
    return _signed(request, lambda v, payload: services.inbox_status(peer=v.peer, payload=payload))


@router.post("inbox/ping", auth=None, summary="连通性检查（签名）")
def inbox_ping(request):
    return _signed(request, lambda v, payload: {"node_id": protocol.node_id(), "peer": v.peer.node_id, "ok": True})


class AgreementOut(Schema):
    id: int
    name: str
    accepting: list[str]
    handling: str
    handling_peer: str | None
    items: list[str]
    tongban_scope: str
    valid_from: date
    valid_until: date | None
    is_active: bool


@router.get("agreements", response=list[AgreementOut], auth=django_auth)
def agreements(request):
    if not request.user.has_perm("crossregion.view_tongbanagreement"):
        raise PermissionDenied("无权查看通办协议")
    return [selectors.agreement_row(a) for a in selectors.agreements_for_user(user=request.user)]
