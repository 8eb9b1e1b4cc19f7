"""The cryptography of electronic licences (DATA-3), free of the database so the offline checker
(`manage.py verify_licence`) can use it with nothing but a licence file and the published keys.

- Seal keys: SM2 (GB/T 32918) key pairs; the public key is the uncompressed point `04‖x‖y` in hex
  (130 characters), the private key 64 hex characters, kept encrypted with SM4-CBC (GB/T 32907)
  under the 128-bit key in `GOVHALL_SEAL_KEY`, a fresh random IV per key.
- Canonical serialisation: the signed fields as UTF-8 JSON with keys sorted at every level, no
  whitespace (`separators=(",", ":")`), non-ASCII characters written as themselves, dates as ISO
  `YYYY-MM-DD`, absent values as `null`. See docs/licences.md.
- Signature: SM2 with SM3 (GB/T 32918.2 signing with the default signer ID `1234567812345678`):
  e = SM3(Z_A ‖ M) where M is the canonical bytes; the signature is r‖s in hex (128 characters).
  The file also carries `sm3` = SM3(M) in hex, so a reader can compare digests before checking the
  signature.
- Identifier (GB/T 36902 style): `1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>`,
  the check character ISO 7064 MOD 37,36 over the preceding content with the dots left out.
"""

from __future__ import annotations

import binascii
import json
import secrets
from typing import Any

from gmssl import sm2, sm3, sm4
from stdnum.iso7064 import mod_37_36

IDENTIFIER_PREFIX = "1.2.156.3005.2"
# The fields of a licence that the signature covers, in the file's `licence` object.
SIGNED_FIELDS = ("identifier", "licence_type", "number", "holder", "valid_from", "valid_until", "issuer", "data", "key_id")
_CURVE_N = int(sm2.default_ecc_table["n"], 16)


class SealKeyError(Exception):
    """The seal key from the environment is missing, malformed, or does not open a private key."""


# --- identifier ----------------------------------------------------------------------------------


def identifier_check_char(body: str) -> str:
    """ISO 7064 MOD 37,36 check character over `body` with the dots removed (upper case)."""
    return mod_37_36.calc_check_digit(body.replace(".", "").upper())


def identifier_make(*, type_code: str, issuer_uscc: str, serial: int, version: int) -> str:
    body = f"{IDENTIFIER_PREFIX}.{type_code}.{issuer_uscc}.{serial:08d}.{version}"
    return f"{body}.{identifier_check_char(body)}"


def identifier_is_valid(identifier: str) -> bool:
    if not identifier.startswith(IDENTIFIER_PREFIX + ".") or identifier.count(".") != 9:
        return False
    body, _, check = identifier.rpartition(".")
    try:
        return len(check) == 1 and identifier_check_char(body) == check.upper()
    except Exception:  # noqa: BLE001 - a character outside the alphabet is simply invalid
        return False


# --- canonical form, digest, signature -------------------------------------------------------------


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """The exact bytes that are signed: only SIGNED_FIELDS, sorted keys, no whitespace, UTF-8."""
    missing = [name for name in SIGNED_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"licence fields missing: {missing}")
    signed = {name: fields[name] for name in SIGNED_FIELDS}
    return json.dumps(signed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sm3_hex(data: bytes) -> str:
    return sm3.sm3_hash(list(data))


def _bare(public_key_hex: str) -> str:
    key = public_key_hex.lower()
    return key[2:] if len(key) == 130 and key.startswith("04") else key


def _crypt(*, private_key_hex: str, public_key_hex: str) -> sm2.CryptSM2:
    """gmssl's CryptSM2 for a key pair. Its constructor drops the "04" prefix with
    `public_key.lstrip("04")`, which also strips every leading "0" and "4" digit of x: a quarter
    of all keys then hash into a wrong Z_A (or an odd-length string). The bare x‖y is set after."""
    crypt = sm2.CryptSM2(private_key=private_key_hex, public_key="")
    crypt.public_key = _bare(public_key_hex)
    return crypt


def keypair_generate() -> tuple[str, str]:
    """(private key hex, public key hex `04‖x‖y`) from the operating system's random source."""
    d = secrets.randbelow(_CURVE_N - 2) + 1
    private_hex = f"{d:064x}"
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="")
    point = crypt._kg(d, sm2.default_ecc_table["g"])  # d·G in affine coordinates, x‖y
    return private_hex, "04" + point


def sign(message: bytes, *, private_key_hex: str, public_key_hex: str) -> str:
    """SM2 signature with SM3 over `message` (r‖s hex). The nonce comes from `secrets`, not from
    gmssl's default (which uses the non-cryptographic `random`)."""
    crypt = _crypt(private_key_hex=private_key_hex, public_key_hex=public_key_hex)
    k = f"{secrets.randbelow(_CURVE_N - 2) + 1:064x}"
    return crypt.sign_with_sm3(message, k)


def verify(message: bytes, signature_hex: str, *, public_key_hex: str) -> bool:
    if len(signature_hex) != 128:
        return False
    try:
        int(signature_hex, 16)
        crypt = _crypt(private_key_hex="", public_key_hex=public_key_hex)
        return bool(crypt.verify_with_sm3(signature_hex.lower(), message))
    except (ValueError, TypeError, IndexError, binascii.Error):
        return False


# --- private key at rest -------------------------------------------------------------------------


def _seal_key_bytes(seal_key_hex: str) -> bytes:
    try:
        key = bytes.fromhex(seal_key_hex or "")
    except ValueError as exc:
        raise SealKeyError("GOVHALL_SEAL_KEY must be 32 hex characters") from exc
    if len(key) != 16:
        raise SealKeyError("GOVHALL_SEAL_KEY must be 32 hex characters")
    return key


def private_key_encrypt(private_key_hex: str, *, seal_key_hex: str) -> str:
    """SM4-CBC with a random IV; stored as hex `iv‖ciphertext`."""
    crypt = sm4.CryptSM4()
    crypt.set_key(_seal_key_bytes(seal_key_hex), sm4.SM4_ENCRYPT)
    iv = secrets.token_bytes(16)
    plain = bytes.fromhex(private_key_hex) + bytes.fromhex(sm3_hex(bytes.fromhex(private_key_hex)))[:4]
    return (iv + crypt.crypt_cbc(iv, plain)).hex()


def private_key_decrypt(encrypted_hex: str, *, seal_key_hex: str) -> str:
    """The private key; a wrong seal key fails its 4-byte SM3 tag instead of signing garbage."""
    crypt = sm4.CryptSM4()
    crypt.set_key(_seal_key_bytes(seal_key_hex), sm4.SM4_DECRYPT)
    raw = bytes.fromhex(encrypted_hex)
    plain = crypt.crypt_cbc(raw[:16], raw[16:])
    key, tag = plain[:32], plain[32:]
    if len(key) != 32 or bytes.fromhex(sm3_hex(key))[:4] != tag:
        raise SealKeyError("the seal key does not open this private key (GOVHALL_SEAL_KEY changed?)")
    return key.hex()


# --- checking a licence file ---------------------------------------------------------------------


def check_file(document: dict[str, Any], keys: dict[str, dict[str, Any]]) -> tuple[bool, str, dict[str, Any] | None]:
    """Check a licence file (as written by `licence_file`) against published keys
    {key_id: {"public_key": ..., "department_uscc": ...}}. Returns (ok, reason, licence fields)."""
    licence = document.get("licence") if isinstance(document, dict) else None
    signature = document.get("signature") if isinstance(document, dict) else None
    if not isinstance(licence, dict) or not isinstance(signature, dict):
        return False, "not_a_licence", None
    try:
        message = canonical_bytes(licence)
    except (ValueError, TypeError):
        return False, "fields_missing", licence
    identifier = str(licence.get("identifier", ""))
    if not identifier_is_valid(identifier):
        return False, "identifier_invalid", licence
    key = keys.get(str(licence.get("key_id", "")))
    if key is None:
        return False, "key_unknown", licence
    issuer = licence.get("issuer") or {}
    if not isinstance(issuer, dict) or issuer.get("uscc") != key.get("department_uscc"):
        return False, "issuer_mismatch", licence
    if f".{key.get('department_uscc')}." not in identifier:
        return False, "issuer_mismatch", licence
    if signature.get("sm3") and signature.get("sm3") != sm3_hex(message):
        return False, "digest_mismatch", licence
    if not verify(message, str(signature.get("value", "")), public_key_hex=str(key.get("public_key", ""))):
        return False, "signature_invalid", licence
    return True, "ok", licence
