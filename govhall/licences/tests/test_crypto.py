"""The signature, the identifier and the sealed private key, without the database."""

import pytest

from govhall.licences import crypto

SEAL_KEY = "8f3a1c2b9d4e5f60718293a4b5c6d7e8"


@pytest.fixture(scope="module")
def keypair():
    return crypto.keypair_generate()


def _fields(key_id="K1"):
    return {
        "identifier": crypto.identifier_make(type_code="SPJYXKZ", issuer_uscc="11150727MB1234567X", serial=7, version=1),
        "licence_type": {"code": "SPJYXKZ", "name": "食品经营许可证"},
        "number": "JY150727202600007",
        "holder": {"kind": "enterprise", "name": "呼伦贝尔草原餐饮有限公司", "id": "91150727MA0N12345X"},
        "valid_from": "2026-06-15",
        "valid_until": "2031-06-14",
        "issuer": {"name": "新巴尔虎右旗市场监督管理局", "uscc": "11150727MB1234567X"},
        "data": {"经营项目": "热食类食品制售"},
        "key_id": key_id,
    }


def test_a_signature_verifies_with_the_public_key_of_the_pair(keypair):
    private, public = keypair
    message = crypto.canonical_bytes(_fields())
    signature = crypto.sign(message, private_key_hex=private, public_key_hex=public)
    assert len(signature) == 128
    assert crypto.verify(message, signature, public_key_hex=public)


def test_changing_any_single_byte_of_the_signed_text_fails_verification(keypair):
    private, public = keypair
    message = crypto.canonical_bytes(_fields())
    signature = crypto.sign(message, private_key_hex=private, public_key_hex=public)
    for i in range(0, len(message), 7):
        tampered = bytearray(message)
        tampered[i] ^= 0x01
        assert not crypto.verify(bytes(tampered), signature, public_key_hex=public), i


def test_another_departments_key_does_not_verify(keypair):
    private, public = keypair
    _, other_public = crypto.keypair_generate()
    message = crypto.canonical_bytes(_fields())
    signature = crypto.sign(message, private_key_hex=private, public_key_hex=public)
    assert not crypto.verify(message, signature, public_key_hex=other_public)


def test_a_malformed_signature_is_simply_invalid(keypair):
    _, public = keypair
    assert not crypto.verify(b"x", "zz" * 64, public_key_hex=public)
    assert not crypto.verify(b"x", "00", public_key_hex=public)


def test_the_canonical_form_is_sorted_compact_utf8_json_of_the_signed_fields_only():
    fields = {**_fields(), "extra": "not signed"}
    text = crypto.canonical_bytes(fields).decode("utf-8")
    assert text.startswith('{"data":{"经营项目":"热食类食品制售"},"holder":{"id":"91150727MA0N12345X","kind":"enterprise"')
    assert " " not in text and "extra" not in text
    assert crypto.canonical_bytes(dict(reversed(list(fields.items())))) == crypto.canonical_bytes(fields)


def test_the_identifier_follows_the_national_pattern_with_a_mod_37_36_check_character():
    identifier = crypto.identifier_make(type_code="YYZZ", issuer_uscc="11150727MB1234567X", serial=1, version=1)
    assert identifier.startswith("1.2.156.3005.2.YYZZ.11150727MB1234567X.00000001.1.")
    assert crypto.identifier_is_valid(identifier)
    wrong = identifier[:-1] + ("A" if identifier[-1] != "A" else "B")
    assert not crypto.identifier_is_valid(wrong)
    assert not crypto.identifier_is_valid(identifier.replace("00000001", "00000002"))


def test_the_private_key_round_trips_through_sm4_and_a_wrong_seal_key_is_refused(keypair):
    private, _ = keypair
    sealed = crypto.private_key_encrypt(private, seal_key_hex=SEAL_KEY)
    assert private not in sealed
    assert crypto.private_key_decrypt(sealed, seal_key_hex=SEAL_KEY) == private
    with pytest.raises(crypto.SealKeyError):
        crypto.private_key_decrypt(sealed, seal_key_hex="0" * 31 + "1")
    with pytest.raises(crypto.SealKeyError):
        crypto.private_key_encrypt(private, seal_key_hex="too-short")


def test_keys_whose_x_coordinate_starts_with_0_or_4_sign_and_verify_like_any_other():
    # gmssl's CryptSM2 strips leading "0"/"4" digits from a public key; about a quarter of keys
    # used to sign over a wrong Z_A or fail with an odd-length hex string.
    from gmssl import sm2

    found = []
    d = 1
    while len(found) < 4:
        private_hex = f"{d:064x}"
        x_y = sm2.CryptSM2(private_key=private_hex, public_key="")._kg(d, sm2.default_ecc_table["g"])
        if x_y[0] in "04":
            found.append((private_hex, "04" + x_y))
        d += 1
    for private_hex, public_hex in found:
        assert crypto._crypt(private_key_hex=private_hex, public_key_hex=public_hex).public_key == public_hex[2:]
        signature = crypto.sign(b"licence", private_key_hex=private_hex, public_key_hex=public_hex)
        assert len(signature) == 128
        assert crypto.verify(b"licence", signature, public_key_hex=public_hex)
        assert not crypto.verify(b"licencf", signature, public_key_hex=public_hex)
