"""The verify page (QR code), verify by upload, keys.json, the wallet and the staff pages."""

import io
import json

import pytest
from django.urls import reverse

from govhall.core.pdf import pdf_text
from govhall.licences.models import Licence, Seal
from govhall.licences.selectors import licence_file
from govhall.licences.services import licence_revoke


def test_the_verify_page_shows_a_valid_licence_with_the_persons_name_and_id_masked(client, marriage_licence):
    page = client.get(reverse("licences:verify", args=[marriage_licence.identifier])).content.decode()
    assert "证照有效" in page and "SM2 签名有效" in page
    assert "结婚证" in page
    assert "张*" in page and "张三" not in page
    assert "150727200501011232" not in page


def test_the_verify_page_says_revoked_clearly(client, food_licence, dept_admin):
    licence_revoke(actor=dept_admin, licence=food_licence, reason="以欺骗手段取得许可")
    page = client.get(reverse("licences:verify", args=[food_licence.identifier])).content.decode()
    assert "证照已撤销" in page and "以欺骗手段取得许可" in page
    assert "✔" not in page


def test_an_unknown_identifier_is_reported_not_found(client, db):
    page = client.get(reverse("licences:verify", args=["1.2.156.3005.2.X.Y.1.1.Z"])).content.decode()
    assert "未找到该证照标识" in page


def test_uploading_the_licence_file_verifies_it_and_a_tampered_file_fails(client, food_licence):
    raw = json.dumps(licence_file(food_licence), ensure_ascii=False).encode()
    page = client.post(reverse("licences:verify-form"), {"file": io.BytesIO(raw)}).content.decode()
    assert "证照有效" in page
    tampered = raw.replace("热食类".encode(), "冷食类".encode())
    page = client.post(reverse("licences:verify-form"), {"file": io.BytesIO(tampered)}).content.decode()
    assert "验证失败" in page and "已被篡改" in page


def test_keys_json_lists_every_key_and_never_a_private_key(client, food_licence, sysadmin, market):
    from govhall.licences.services import seal_rotate

    seal_rotate(actor=sysadmin, department=market)
    body = client.get(reverse("licences:keys")).json()
    keys = [k for k in body["keys"] if k["department_uscc"] == market.uscc]
    assert len(keys) == 2 and sum(1 for k in keys if k["valid_until"] is None) == 1
    text = json.dumps(body)
    for seal in Seal.objects.all():
        assert seal.private_key_encrypted not in text
    assert "private" not in text


def test_the_wallet_shows_the_persons_and_their_enterprises_licences(client, applicant, food_licence, marriage_licence):
    client.force_login(applicant)
    page = client.get(reverse("licences:wallet")).content.decode()
    assert "食品经营许可证" in page and "结婚证" in page
    pdf = client.get(reverse("licences:wallet-pdf", args=[food_licence.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(pdf.content))
    assert "食品经营许可证" in text and "呼伦贝尔草原餐饮有限公司" in text and food_licence.identifier in text
    document = json.loads(client.get(reverse("licences:wallet-file", args=[food_licence.pk])).content)
    assert document["licence"]["identifier"] == food_licence.identifier
    assert document["signature"]["value"] == food_licence.signature


def test_another_applicant_cannot_see_or_download_someone_elses_licence(client, other_applicant, food_licence):
    client.force_login(other_applicant)
    assert "食品经营许可证" not in client.get(reverse("licences:wallet")).content.decode()
    assert client.get(reverse("licences:wallet-pdf", args=[food_licence.pk])).status_code == 404
    assert client.get(reverse("licences:wallet-file", args=[food_licence.pk])).status_code == 404


def test_the_wallet_needs_a_login(client, db):
    assert client.get(reverse("licences:wallet")).status_code == 302


def test_the_department_lists_its_licences_and_revokes_with_a_reason(client, dept_admin, food_licence):
    client.force_login(dept_admin)
    page = client.get(reverse("licences_staff:list")).content.decode()
    assert food_licence.number in page and "撤销" in page
    response = client.post(reverse("licences_staff:revoke", args=[food_licence.pk]), {"reason": "许可条件已不具备"})
    assert response.status_code == 302
    food_licence.refresh_from_db()
    assert food_licence.status == Licence.STATUS_REVOKED and food_licence.revoke_reason == "许可条件已不具备"
    export = client.get(reverse("licences_staff:list") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_department_neither_sees_nor_revokes_the_licence(client, other_dept_admin, food_licence):
    client.force_login(other_dept_admin)
    assert food_licence.number not in client.get(reverse("licences_staff:list")).content.decode()
    assert client.post(reverse("licences_staff:revoke", args=[food_licence.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("licences_staff:pdf", args=[food_licence.pk])).status_code == 404
    food_licence.refresh_from_db()
    assert food_licence.status == Licence.STATUS_VALID


def test_an_approver_sees_but_cannot_revoke(client, approver, food_licence):
    client.force_login(approver)
    assert food_licence.number in client.get(reverse("licences_staff:list")).content.decode()
    assert client.post(reverse("licences_staff:revoke", args=[food_licence.pk]), {"reason": "x"}).status_code == 404
    food_licence.refresh_from_db()
    assert food_licence.status == Licence.STATUS_VALID


@pytest.mark.parametrize("who", ["applicant", "clerk"])
def test_people_without_licence_roles_are_refused_the_staff_list(client, county, who):
    client.force_login(county.users[who])
    assert client.get(reverse("licences_staff:list")).status_code == 403


def test_the_sysadmin_rotates_a_seal_and_the_page_never_shows_a_private_key(client, sysadmin, market, food_licence):
    client.force_login(sysadmin)
    page = client.get(reverse("licences_staff:seals")).content.decode()
    assert food_licence.seal.key_id in page
    assert food_licence.seal.private_key_encrypted not in page
    client.post(reverse("licences_staff:seal-rotate", args=[market.pk]))
    assert Seal.objects.filter(department=market).count() == 2


def test_a_department_admin_cannot_rotate_seals(client, dept_admin, market, food_licence):
    client.force_login(dept_admin)
    assert client.get(reverse("licences_staff:seals")).status_code == 403
    assert client.post(reverse("licences_staff:seal-rotate", args=[market.pk])).status_code == 403
    assert Seal.objects.filter(department=market).count() == 1
