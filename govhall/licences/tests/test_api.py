"""/api/licences/: public verification and keys, the holder's licences, revocation by the issuer."""

import json

import pytest

from govhall.licences.models import Licence
from govhall.licences.selectors import licence_file

API = "/api/licences"


def test_verify_by_identifier_is_public(client, food_licence):
    body = client.get(f"{API}/verify/{food_licence.identifier}").json()
    assert body["valid"] is True and body["status"] == "valid" and body["licence_type"] == "食品经营许可证"


def test_verify_a_posted_licence_file_and_a_tampered_one(client, food_licence):
    document = licence_file(food_licence)
    assert client.post(f"{API}/verify", json.dumps(document), content_type="application/json").json()["valid"] is True
    document["licence"]["number"] = document["licence"]["number"][:-1] + "9"
    body = client.post(f"{API}/verify", json.dumps(document), content_type="application/json").json()
    assert body["valid"] is False and body["signature_valid"] is False and body["reason"] in ("digest_mismatch", "signature_invalid")


def test_verify_rejects_a_body_that_is_not_json(client, db):
    response = client.post(f"{API}/verify", b"not json", content_type="application/json")
    assert response.status_code == 400


def test_keys_are_public(client, food_licence):
    keys = client.get(f"{API}/keys").json()["keys"]
    assert [k["key_id"] for k in keys] == [food_licence.seal.key_id]


def test_my_licences_lists_only_the_holders(client, applicant, other_applicant, food_licence):
    assert client.get(f"{API}/mine").status_code == 401
    client.force_login(other_applicant)
    assert client.get(f"{API}/mine").json() == []
    assert client.get(f"{API}/mine/{food_licence.pk}/file").status_code == 404
    client.force_login(applicant)
    assert [row["number"] for row in client.get(f"{API}/mine").json()] == [food_licence.number]
    assert client.get(f"{API}/mine/{food_licence.pk}/file").json()["signature"]["value"] == food_licence.signature


def test_the_issuing_department_revokes_through_the_api(client, dept_admin, food_licence):
    client.force_login(dept_admin)
    body = client.post(f"{API}/{food_licence.pk}/revoke", {"reason": "许可证被依法撤销"}, content_type="application/json").json()
    assert body["status"] == "revoked"
    assert client.get(f"{API}/verify/{food_licence.identifier}").json()["status_label"] == "已撤销"


@pytest.mark.parametrize("who,status", [("applicant", 404), ("other_dept_admin", 404), ("approver", 403), ("clerk", 404)])
def test_others_cannot_revoke_through_the_api(client, county, food_licence, who, status):
    client.force_login(county.users[who])
    response = client.post(f"{API}/{food_licence.pk}/revoke", {"reason": "x"}, content_type="application/json")
    assert response.status_code == status
    food_licence.refresh_from_db()
    assert food_licence.status == Licence.STATUS_VALID


def test_revoking_needs_a_login(client, food_licence):
    assert client.post(f"{API}/{food_licence.pk}/revoke", {"reason": "x"}, content_type="application/json").status_code == 401
