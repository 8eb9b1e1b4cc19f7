"""The signed server-to-server protocol between govhall deployments (ONE-2). See docs/cross-region.md.

Every request carries four headers: the sender's node id, a Unix timestamp, a random nonce and an
SM2 signature (GB/T 32918, with SM3) over the SM3 digest of

    METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n SM3(body)

The receiver refuses an unknown or disabled node (403), a timestamp more than
GOVHALL_CROSSREGION_SKEW_SECONDS away from its clock or a bad signature (401) and a nonce it has
seen before (409), each before anything is changed. The response is signed the same way, with
"RESPONSE" and the request's nonce in front, so the caller knows the answer came from the peer it
called and belongs to that request.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError
from govhall.crossregion.models import NodeKey, Peer, SeenNonce
from govhall.licences import crypto

HEADER_NODE = "X-Govhall-Node"
HEADER_TIMESTAMP = "X-Govhall-Timestamp"
HEADER_NONCE = "X-Govhall-Nonce"
HEADER_SIGNATURE = "X-Govhall-Signature"


class Unauthenticated(ValidationError):
    status_code = 401


class Forbidden(ValidationError):
    status_code = 403


class Replayed(ValidationError):
    status_code = 409


class PeerCallError(Exception):
    """A call to a peer failed: network, a 4xx/5xx answer, or an answer whose signature fails.
    `status` is set only for an answer whose signature verified (the peer really said it), and
    `reason` then holds the peer's own error messages."""

    def __init__(self, message: str, *, status: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason

    @property
    def refused(self) -> bool:
        """The peer refused the message for good: a signed 4xx other than 409 (a replay or a race,
        which a retry with a new nonce resolves)."""
        return self.status is not None and 400 <= self.status < 500 and self.status != 409


def node_id() -> str:
    return getattr(settings, "GOVHALL_NODE_ID", "") or settings.GOVHALL_COUNTY_CODE


def node_name() -> str:
    configured = getattr(settings, "GOVHALL_NODE_NAME", "")
    if configured:
        return configured
    from govhall.org.models import Division

    division = Division.objects.filter(code=settings.GOVHALL_COUNTY_CODE).first()
    return division.name if division else node_id()


def node_key() -> NodeKey:
    """This node's key pair, made on first use (the private key encrypted under GOVHALL_SEAL_KEY)."""
    key = NodeKey.objects.filter(node_id=node_id()).first()
    if key is not None:
        return key
    private_hex, public_hex = crypto.keypair_generate()
    encrypted = crypto.private_key_encrypt(private_hex, seal_key_hex=settings.GOVHALL_SEAL_KEY)
    try:
        with transaction.atomic():
            return NodeKey.objects.create(node_id=node_id(), name=node_name(), public_key=public_hex, private_key_encrypted=encrypted)
    except IntegrityError:
        return NodeKey.objects.get(node_id=node_id())


def _sign(message: bytes) -> str:
    key = node_key()
    private_hex = crypto.private_key_decrypt(key.private_key_encrypted, seal_key_hex=settings.GOVHALL_SEAL_KEY)
    return crypto.sign(message, private_key_hex=private_hex, public_key_hex=key.public_key)


def signing_string(method: str, path: str, timestamp: str, nonce: str, body: bytes, *, receiver: str) -> bytes:
    """SM3 of the canonical request; `receiver` is the node id of the addressee, so a request
    signed for one node cannot be replayed to another."""
    canonical = "\n".join([method.upper(), path, timestamp, nonce, receiver, crypto.sm3_hex(body)])
    return crypto.sm3_hex(canonical.encode("utf-8")).encode("ascii")


def response_signing_string(request_nonce: str, status: int, timestamp: str, nonce: str, body: bytes) -> bytes:
    return signing_string("RESPONSE", f"{request_nonce}/{status}", timestamp, nonce, body, receiver="")


def signed_headers(
    method: str, path: str, body: bytes, *, receiver: str, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        HEADER_NODE: node_id(),
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: _sign(signing_string(method, path, ts, nonce, body, receiver=receiver)),
    }


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- receiving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    peer: Peer
    nonce: str


def verify_request(*, method: str, path: str, headers, body: bytes) -> Verified:
    """The peer that signed this request, or a 4xx domain error. The nonce is recorded last, in its
    own transaction, so a refused request leaves nothing behind and a replay is refused."""
    sender = headers.get(HEADER_NODE, "")
    ts = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    signature = headers.get(HEADER_SIGNATURE, "")
    if not (sender and ts and nonce and signature):
        raise Unauthenticated("signature", "missing", _("缺少节点签名信息"))
    peer = Peer.objects.filter(node_id=sender).first()
    if peer is None:
        raise Forbidden("node", "unknown_peer", _("未登记的对端节点：%(node)s") % {"node": sender[:20]})
    if not peer.enabled:
        raise Forbidden("node", "peer_disabled", _("对端节点已停用：%(node)s") % {"node": peer.name})
    try:
        stamp = int(ts)
    except ValueError:
        raise Unauthenticated("timestamp", "invalid", _("时间戳无效")) from None
    skew = int(getattr(settings, "GOVHALL_CROSSREGION_SKEW_SECONDS", 300))
    if abs(time.time() - stamp) > skew:
        raise Unauthenticated("timestamp", "skew", _("请求时间与本机时间相差超过 %(minutes)d 分钟") % {"minutes": skew // 60})
    if len(nonce) > 64:
        raise Unauthenticated("nonce", "invalid", _("随机数无效"))
    # Signed for this node only: the receiver's node id is part of the signed string.
    if not crypto.verify(signing_string(method, path, ts, nonce, body, receiver=node_id()), signature, public_key_hex=peer.public_key):
        raise Unauthenticated("signature", "invalid", _("签名验证失败"))
    try:
        with transaction.atomic():
            SeenNonce.objects.create(node_id=peer.node_id, nonce=nonce)
    except IntegrityError:
        raise Replayed("nonce", "replay", _("重复的请求（随机数已使用），已拒绝")) from None
    return Verified(peer=peer, nonce=nonce)


def sign_response(*, request_nonce: str, status: int, body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    nonce = secrets.token_hex(16)
    return {
        HEADER_NODE: node_id(),
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: _sign(response_signing_string(request_nonce, status, ts, nonce, body)),
    }


# --- calling -------------------------------------------------------------------------------------


def call_peer(peer: Peer, path: str, payload: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """POST a signed JSON payload to the peer's `path` and return its verified JSON answer."""
    body = canonical_json(payload)
    headers = signed_headers("POST", path, body, receiver=peer.node_id)
    request = urllib.request.Request(
        peer.base_url.rstrip("/") + path, data=body, method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    timeout = float(getattr(settings, "GOVHALL_CROSSREGION_TIMEOUT", 15)) if timeout is None else timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the peer's registered URL
            status, answer, answer_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        status, answer, answer_headers = exc.code, exc.read(), exc.headers
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PeerCallError(f"network: {exc}") from exc
    sender = answer_headers.get(HEADER_NODE, "")
    ts = answer_headers.get(HEADER_TIMESTAMP, "")
    nonce = answer_headers.get(HEADER_NONCE, "")
    signature = answer_headers.get(HEADER_SIGNATURE, "")
    if sender != peer.node_id or not crypto.verify(
        response_signing_string(headers[HEADER_NONCE], status, ts, nonce, answer), signature, public_key_hex=peer.public_key
    ):
        raise PeerCallError(f"HTTP {status}: response signature invalid: {answer[:200]!r}")
    try:
        data = json.loads(answer or b"{}")
    except ValueError as exc:
        raise PeerCallError(f"HTTP {status}: not JSON") from exc
    if status >= 400:
        detail = data.get("detail") if isinstance(data, dict) else None
        reason = "；".join(str(d.get("message", "")) for d in detail if isinstance(d, dict)) if isinstance(detail, list) else ""
        raise PeerCallError(f"HTTP {status}: {json.dumps(data, ensure_ascii=False)[:400]}", status=status, reason=reason[:400])
    return data
