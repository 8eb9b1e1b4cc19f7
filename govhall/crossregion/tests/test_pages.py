"""The pages: agreements and peers edited by the admins, the 跨区通办 acceptance at the window."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.cases.models import Case
from govhall.cases.tests.case_steps import material as material_of
from govhall.cases.tests.case_steps import on
from govhall.crossregion import services
from govhall.crossregion.models import CaseRoute, Message, Peer, TongbanAgreement
from govhall.crossregion.tests.test_agreements import _agreement
from govhall.licences import crypto
from govhall.org.models import Department

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 15)


def test_system_admin_registers_a_peer_with_its_items(client, sysadmin, food):
    _private, public = crypto.keypair_generate()
    client.force_login(sysadmin)
    answer = client.post(
        "/staff/crossregion/peers/new/",
        {
            "node_id": "150726",
            "name": "新巴尔虎左旗",
            "base_url": "https://b.example.cn",
            "public_key": public,
            "enabled": "on",
            "remote_items": f"{food.code} 食品经营许可",
        },
    )
    assert answer.status_code == 302
    peer = Peer.objects.get(node_id="150726")
    assert [(r.code, r.local_item) for r in peer.items.all()] == [(food.code, food)]
    page = client.get("/staff/crossregion/peers/").content.decode()
    assert "新巴尔虎左旗" in page and "食品经营许可" in page


def test_bad_public_key_is_refused_next_to_the_field(client, sysadmin):
    client.force_login(sysadmin)
    answer = client.post(
        "/staff/crossregion/peers/new/", {"node_id": "150726", "name": "x", "base_url": "https://b.example.cn", "public_key": "04abc"}
    )
    assert answer.status_code == 400 and "130 位十六进制" in answer.content.decode()
    assert not Peer.objects.exists()


def test_centre_admin_creates_agreement_for_own_centre(client, county, centre_admin, food):
    client.force_login(centre_admin)
    answer = client.post(
        "/staff/crossregion/agreements/new/",
        {
            "name": "代收协议",
            "accepting_centres": [county.centre.pk],
            "handling_division": "150727",
            "item_codes": food.code,
            "valid_from": "2026-01-01",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    assert TongbanAgreement.objects.get().items.get() == food
    assert "代收协议" in client.get("/staff/crossregion/agreements/").content.decode()


def test_clerk_cannot_edit_agreements(client, clerk):
    client.force_login(clerk)
    assert client.get("/staff/crossregion/agreements/new/").status_code == 403


def _food_of_town_b(food, town_b_item):
    """食品经营许可 (two situations, six materials, an item form field) handled by town B."""
    Department.objects.filter(pk=food.department_id).update(division=town_b_item.department.division)
    version = food.current
    version.form_fields = [{"key": "enterprise_name", "required": True}]
    version.save(update_fields=["form_fields"])
    food.refresh_from_db()
    return food


def test_window_sends_local_item_of_other_region_into_walk_in(client, county, town_a, town_b_item, person, sysadmin):
    centre, _window, clerk = town_a
    with on(DAY):
        _agreement(sysadmin, centre, town_b_item)
        client.force_login(clerk)
        page = client.get("/staff/crossregion/accept/", {"id": person.id_number}).content.decode()
        assert "跨区通办：由" in page and town_b_item.name in page
        answer = client.post(
            "/staff/crossregion/accept/?id=" + person.id_number,
            {
                "id": person.id_number,
                "choice": f"l:{town_b_item.pk}",
                "delivery_choice": CaseRoute.DELIVER_HANDLING,
                "idempotency_key": "k1",
            },
        )
        assert answer.status_code == 302 and answer["Location"].startswith("/staff/cases/window/walk-in/?")
        page = client.get(answer["Location"]).content.decode()
    assert not Case.objects.exists()
    assert f"跨区通办：由 {town_b_item.department.name} 办理" in page and "办理地窗口领取" in page
    assert 'name="cross" value="1"' in page


def test_cross_region_walk_in_keeps_answers_form_and_each_file_on_its_material(client, county, town_a, town_b_item, food, person, sysadmin):
    centre, _window, clerk = town_a
    item = _food_of_town_b(food, town_b_item)
    with on(DAY):
        _agreement(sysadmin, centre, item)
        client.force_login(clerk)
        url = "/staff/crossregion/accept/?id=" + person.id_number
        walk_in = client.post(
            url, {"id": person.id_number, "choice": f"l:{item.pk}", "delivery_choice": CaseRoute.DELIVER_HANDLING, "idempotency_key": "k"}
        )["Location"]
        page = client.get(walk_in).content.decode()
        assert "申请人类型" in page and "企业名称" in page
        post = {
            "applicant": f"p:{person.pk}",
            "item": item.pk,
            "cross": "1",
            "delivery_choice": CaseRoute.DELIVER_HANDLING,
            "idempotency_key": "walk-1",
            "q-q1": "q1.b",
            "q-q2": "q2.y",
            "contact_name": "张三",
            "contact_phone": "13800000000",
            "ff_enterprise_name": "张三小吃店",
        }
        missing = client.post(walk_in.split("?")[0], {**post, "ff_enterprise_name": ""})
        assert missing.status_code == 400 and "请填写企业名称" in missing.content.decode() and not Case.objects.exists()
        answer = client.post(walk_in.split("?")[0], post)
        case = Case.objects.get()
        assert answer.status_code == 302 and answer["Location"].endswith(f"/{case.pk}/accept/")
        chosen = {}
        for name in ("经营者身份证", "冷藏冷冻设施清单"):
            material = material_of(case, name)
            upload = SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4 " + name.encode(), content_type="application/pdf")
            done = client.post(f"/staff/cases/{case.pk}/upload/", {"material": material.pk, "file": upload, "next": "accept"})
            assert done.status_code == 302
            chosen[name] = material
    assert case.channel == Case.CHANNEL_CROSS_REGION and case.window.centre == centre
    assert case.answers == ["q1.b", "q2.y"]
    assert case.form["contact_name"] == "张三" and case.form["企业名称"] == "张三小吃店"
    assert case.crossregion.delivery_choice == CaseRoute.DELIVER_HANDLING
    rows = {r.material: r for r in case.materials.filter(replaced=False)}
    for name, material in chosen.items():
        assert rows[material].name == name and rows[material].original_name == f"{name}.pdf"


def test_cross_region_walk_in_is_refused_without_agreement(client, county, town_a, town_b_item, person):
    _centre, _window, clerk = town_a
    client.force_login(clerk)
    query = {"applicant": f"p:{person.pk}", "item": town_b_item.pk, "cross": "1", "delivery_choice": CaseRoute.DELIVER_ACCEPTING}
    with on(DAY):
        assert client.get("/staff/cases/window/walk-in/", query).status_code == 404
        answer = client.post("/staff/cases/window/walk-in/", {**query, "idempotency_key": "x1", "contact_name": "张三"})
    assert answer.status_code == 404 and not Case.objects.exists()


def test_remote_item_is_forwarded_with_each_file_under_its_name(client, county, town_a, food, person, sysadmin):
    centre, _window, clerk = town_a
    _private, public = crypto.keypair_generate()
    peer = services.peer_save(actor=sysadmin, node_id="150726", name="新巴尔虎左旗", base_url="https://b.example.cn", public_key=public)
    remote = services.remote_item_save(actor=sysadmin, peer=peer, code=food.code, name="食品经营许可")
    with on(DAY), mock.patch("govhall.crossregion.services._enqueue"):
        services.agreement_save(
            actor=sysadmin,
            data=services.AgreementData(
                name="跨旗通办",
                valid_from=dt.date(2026, 1, 1),
                valid_until=None,
                accepting_division=None,
                accepting_centres=(centre,),
                handling_division=None,
                handling_peer=peer,
                items=(),
                remote_items=(remote,),
                tongban_scope="",
                is_active=True,
            ),
        )
        client.force_login(clerk)
        url = "/staff/crossregion/accept/?id=" + person.id_number
        page = client.get(url).content.decode()
        assert "新巴尔虎左旗" in page and '<option value="冷藏冷冻设施清单">' in page
        base = {"id": person.id_number, "choice": f"r:{remote.pk}", "delivery_choice": CaseRoute.DELIVER_ACCEPTING}
        unnamed = client.post(url, {**base, "idempotency_key": "r0", "file_1": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")})
        assert unnamed.status_code == 400 and "第 2 份材料请填写材料名称" in unnamed.content.decode() and not Case.objects.exists()
        answer = client.post(
            url,
            {
                **base,
                "idempotency_key": "r1",
                "contact_name": "张三",
                "contact_phone": "13800000000",
                "address": "阿镇1号",
                "note": "急用",
                "material_name_0": "食品经营许可申请书",
                "file_0": SimpleUploadedFile("scan1.pdf", b"%PDF-1.4 one"),
                "material_name_2": "冷藏冷冻设施清单",
                "file_2": SimpleUploadedFile("scan2.png", b"\x89PNG\r\n\x1a\n two"),
            },
        )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{case.pk}/")
    assert case.form == {"contact_name": "张三", "contact_phone": "13800000000", "address": "阿镇1号", "note": "急用"}
    rows = list(case.materials.order_by("id"))
    assert [(r.material, r.name, r.original_name) for r in rows] == [
        (None, "食品经营许可申请书", "scan1.pdf"),
        (None, "冷藏冷冻设施清单", "scan2.png"),
    ]
    message = Message.objects.get(case=case)
    payload = services.forward_payload(case, case.crossregion, message)
    assert [(m["name"], m["filename"]) for m in payload["materials"]] == [
        ("食品经营许可申请书", "scan1.pdf"),
        ("冷藏冷冻设施清单", "scan2.png"),
    ]
    assert payload["form"]["contact_name"] == "张三"


def test_window_without_agreement_offers_nothing(client, county, town_a, town_b_item, person):
    _centre, _window, clerk = town_a
    client.force_login(clerk)
    page = client.get("/staff/crossregion/accept/", {"id": person.id_number}).content.decode()
    assert "没有有效的通办协议" in page


def test_centre_admin_cannot_take_over_county_wide_agreement(client, county, centre_admin, sysadmin, food):
    from django.http import Http404

    from govhall.org.models import Division

    agreement = services.agreement_save(
        actor=sysadmin,
        data=services.AgreementData(
            name="全旗通办",
            valid_from=dt.date(2026, 1, 1),
            accepting_division=Division.objects.get(pk="150727"),
            handling_division=Division.objects.get(pk="150727"),
            items=(food,),
        ),
    )
    client.force_login(centre_admin)
    page = client.get(f"/staff/crossregion/agreements/{agreement.pk}/")
    assert page.status_code == 200 and "仅可查看" in page.content.decode()
    answer = client.post(
        f"/staff/crossregion/agreements/{agreement.pk}/",
        {
            "name": "本中心协议",
            "accepting_centres": [county.centre.pk],
            "handling_division": "150727",
            "item_codes": food.code,
            "valid_from": "2026-01-01",
        },
    )
    assert answer.status_code == 404
    agreement.refresh_from_db()
    assert agreement.name == "全旗通办" and agreement.is_active and agreement.accepting_division_id == "150727"
    data = services.AgreementData(
        name="x",
        valid_from=dt.date(2026, 1, 1),
        accepting_centres=(county.centre,),
        handling_division=agreement.handling_division,
        items=(food,),
    )
    with pytest.raises(Http404):
        services.agreement_save(actor=centre_admin, agreement=agreement, data=data)


def test_forward_too_large_for_the_peer_is_refused_naming_the_materials(client, county, town_a, food, person, sysadmin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 70 * 1024
    centre, _window, clerk = town_a
    _private, public = crypto.keypair_generate()
    peer = services.peer_save(actor=sysadmin, node_id="150726", name="新巴尔虎左旗", base_url="https://b.example.cn", public_key=public)
    remote = services.remote_item_save(actor=sysadmin, peer=peer, code=food.code, name="食品经营许可")
    with on(DAY), mock.patch("govhall.crossregion.services._enqueue"):
        services.agreement_save(
            actor=sysadmin,
            data=services.AgreementData(
                name="跨旗通办", valid_from=dt.date(2026, 1, 1), accepting_centres=(centre,), handling_peer=peer, remote_items=(remote,)
            ),
        )
        client.force_login(clerk)
        url = "/staff/crossregion/accept/?id=" + person.id_number
        answer = client.post(
            url,
            {
                "id": person.id_number,
                "choice": f"r:{remote.pk}",
                "delivery_choice": CaseRoute.DELIVER_ACCEPTING,
                "idempotency_key": "big",
                "material_name_0": "食品经营许可申请书",
                "file_0": SimpleUploadedFile("scan1.pdf", b"%PDF-1.4 " + b"x" * 20000),
            },
        )
    assert answer.status_code == 400 and "超过跨系统转送上限" in answer.content.decode()
    assert not Message.objects.exists()
