"""The signed inbox refuses unknown nodes, bad signatures, stale timestamps and replays, and applies
a retried message once."""

from __future__ import annotations

import pytest

from govhall.cases.models import Case
from govhall.crossregion import protocol
from govhall.crossregion.models import Message, Peer
from govhall.licences import crypto

pytestmark = pytest.mark.django_db
PATH = "/api/crossregion/inbox/cases"


@pytest.fixture
def peer_keys(county, food):
    private, public = crypto.keypair_generate()
    peer = Peer.objects.create(node_id="150726", name="新巴尔虎左旗", base_url="http://127.0.0.1:9", public_key=public)
    peer.inbound_items.add(food)
    return private, public


def _headers(private, public, body, *, node="150726", ts=None, nonce=None, path=PATH, receiver="150727"):
    import secrets
    import time

    ts = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_hex(16)
    signature = crypto.sign(
        protocol.signing_string("POST", path, ts, nonce, body, receiver=receiver), private_key_hex=private, public_key_hex=public
    )
    return {
        "HTTP_X_GOVHALL_NODE": node,
        "HTTP_X_GOVHALL_TIMESTAMP": ts,
        "HTTP_X_GOVHALL_NONCE": nonce,
        "HTTP_X_GOVHALL_SIGNATURE": signature,
    }


def _payload(food, person):
    return {
        "message_id": "m-1",
        "origin_number": "X1",
        "item_code": food.code,
        "applicant": {"kind": "person", "name": person.name, "id_number": person.id_number},
        "form": {},
        "answers": [],
        "materials": [],
    }


def test_node_info_is_public(client, county):
    answer = client.get("/api/crossregion/node").json()
    assert answer["node_id"] == "150727" and answer["public_key"].startswith("04")


def test_forwarded_case_is_created_once_for_a_retried_message(client, peer_keys, food, person):
    body = protocol.canonical_json(_payload(food, person))
    first = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    again = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    assert first.status_code == again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    case = Case.objects.get(number=first.json()["number"])
    assert case.channel == Case.CHANNEL_CROSS_REGION and case.status == Case.STATUS_SUBMITTED
    assert case.crossregion.remote_number == "X1"


@pytest.mark.parametrize(
    "tamper, status, rule",
    [
        ({"node": "150781"}, 403, "unknown_peer"),
        ({"ts": 1_000_000_000}, 401, "skew"),
        ({"bad": True}, 401, "invalid"),
    ],
)
def test_inbox_refuses_and_changes_nothing(client, peer_keys, food, person, tamper, status, rule):
    body = protocol.canonical_json(_payload(food, person))
    headers = _headers(*peer_keys, body, node=tamper.get("node", "150726"), ts=tamper.get("ts"))
    if tamper.get("bad"):
        headers["HTTP_X_GOVHALL_SIGNATURE"] = "0" * 128
    answer = client.post(PATH, body, content_type="application/json", **headers)
    assert answer.status_code == status and answer.json()["detail"][0]["rule"] == rule
    assert not Case.objects.exists() and not Message.objects.exists()


def test_replayed_request_is_refused(client, peer_keys, food, person):
    body = protocol.canonical_json(_payload(food, person))
    headers = _headers(*peer_keys, body)
    assert client.post(PATH, body, content_type="application/json", **headers).status_code == 200
    answer = client.post(PATH, body, content_type="application/json", **headers)
    assert answer.status_code == 409 and answer.json()["detail"][0]["rule"] == "replay"
    assert Case.objects.count() == 1


def test_disabled_peer_is_refused(client, peer_keys, food, person):
    Peer.objects.update(enabled=False)
    body = protocol.canonical_json(_payload(food, person))
    assert client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body)).status_code == 403


@pytest.mark.parametrize("who", [None, "applicant"])
def test_agreements_api_and_pages_refuse_non_staff(client, county, who):
    if who:
        client.force_login(county.users[who])
    assert client.get("/api/crossregion/agreements").status_code in (401, 403)
    for url in ("/staff/crossregion/agreements/", "/staff/crossregion/peers/", "/staff/crossregion/messages/"):
        assert client.get(url).status_code in (302, 403)


def test_peers_page_only_for_system_admin(client, county, sysadmin, centre_admin):
    client.force_login(centre_admin)
    assert client.get("/staff/crossregion/peers/").status_code == 403
    assert client.get("/staff/crossregion/agreements/").status_code == 200
    client.force_login(sysadmin)
    page = client.get("/staff/crossregion/peers/").content.decode()
    assert "150727" in page and "private" not in page


def _outbound_case(county, food, person):
    from govhall.cases.services import case_submit
    from govhall.crossregion.models import CaseRoute

    case = case_submit(
        actor=county.users["clerk"], item=food, applicant_person=person, channel=Case.CHANNEL_CROSS_REGION,
        answers=["q1.a", "q2.y"], form={}, idempotency_key=None, window=county.windows["综合1"],
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(status=Case.STATUS_IN_PROGRESS)
    peer = Peer.objects.get()
    CaseRoute.objects.create(case=case, direction=CaseRoute.DIRECTION_OUTBOUND, handling_name=peer.name, peer=peer, remote_number="B-1")
    return case


def test_supplement_points_from_the_peer_show_on_the_applicants_case_page(client, county, peer_keys, food, person):
    from django.urls import reverse

    case = _outbound_case(county, food, person)
    path = "/api/crossregion/inbox/status"
    payload = {
        "message_id": "s-1", "origin_number": case.number, "number": "B-1", "event": "supplement_requested", "status": "supplement",
        "label": "对端要求补正材料", "points": [{"name": "营业执照", "problem": "复印件不清晰"}],
    }  # fmt: skip
    body = protocol.canonical_json(payload)
    headers = _headers(*peer_keys, body, path=path)
    assert client.post(path, body, content_type="application/json", **headers).status_code == 200
    client.force_login(county.users["applicant"])
    page = client.get(reverse("cases_applicant:case", args=[case.pk])).content.decode()
    assert "已转至 新巴尔虎左旗（编号 B-1）" in page
    assert "复印件不清晰" in page


def test_failed_send_stays_failed_and_is_retried(county, peer_keys, food, person):
    from govhall.crossregion.models import Message
    from govhall.crossregion.services import messages_retry

    case = _outbound_case(county, food, person)
    message = Message.objects.create(
        direction=Message.OUT,
        message_id="f-1",
        peer=Peer.objects.get(),
        peer_node_id="150726",
        kind=Message.KIND_STATUS,
        case=case,
        body={},
    )
    assert messages_retry() == 1  # the peer at 127.0.0.1:9 does not answer
    message.refresh_from_db()
    assert message.status == Message.STATUS_FAILED and message.attempts == 1 and "network" in message.last_error
    messages_retry()
    message.refresh_from_db()
    assert message.attempts == 2


def test_peer_cannot_attach_case_to_local_person_under_another_name(client, peer_keys, food, person):
    payload = _payload(food, person)
    payload["applicant"]["name"] = "冒名者"
    body = protocol.canonical_json(payload)
    answer = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    assert answer.status_code == 400 and "applicant.name" in answer.content.decode()
    assert not Case.objects.exists()


def test_peer_cannot_send_item_not_agreed_for_it(client, peer_keys, food, person):
    Peer.objects.get(node_id="150726").inbound_items.clear()
    body = protocol.canonical_json(_payload(food, person))
    answer = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    assert answer.status_code == 400 and "not_agreed" in answer.content.decode()
    assert not Case.objects.exists()


def test_request_signed_for_another_node_is_refused(client, peer_keys, food, person):
    body = protocol.canonical_json(_payload(food, person))
    answer = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body, receiver="150726"))
    assert answer.status_code == 401 and "签名验证失败" in answer.content.decode()
    assert not Case.objects.exists()


def test_oversized_request_gets_a_signed_refusal(client, peer_keys, food, person, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = _payload(food, person)
    payload["form"] = {"note": "x" * 2000}
    body = protocol.canonical_json(payload)
    answer = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    assert answer.status_code == 400 and answer["X-Govhall-Signature"]
    assert answer.json()["detail"][0]["rule"] == "too_large"
    assert not Case.objects.exists()


def test_malformed_payload_gets_a_signed_400_not_a_500(client, peer_keys, food, person):
    payload = _payload(food, person)
    payload["materials"] = ["not an object"]
    body = protocol.canonical_json(payload)
    answer = client.post(PATH, body, content_type="application/json", **_headers(*peer_keys, body))
    assert answer.status_code == 400 and answer["X-Govhall-Signature"]
    assert answer.json()["detail"][0]["rule"] == "malformed"
    assert not Case.objects.exists()


def test_signature_covers_the_path_under_a_url_prefix(client, peer_keys, food, person):
    body = protocol.canonical_json(_payload(food, person))
    answer = client.post(PATH, body, content_type="application/json", SCRIPT_NAME="/zwfw", **_headers(*peer_keys, body))
    assert answer.status_code == 200, answer.content


def _status_message(case):
    from govhall.crossregion.models import Message

    return Message.objects.create(
        direction=Message.OUT,
        message_id="r-1",
        peer=Peer.objects.get(),
        peer_node_id="150726",
        kind=Message.KIND_STATUS,
        case=case,
        body={},
    )


def test_signed_refusal_from_the_peer_is_final_and_shown_on_the_case(client, county, peer_keys, food, person):
    from unittest import mock

    from django.urls import reverse

    from govhall.crossregion.models import Message
    from govhall.crossregion.services import messages_retry

    case = _outbound_case(county, food, person)
    message = _status_message(case)
    refusal = protocol.PeerCallError("HTTP 400", status=400, reason="本节点未同意为该对端办理此事项")
    with mock.patch("govhall.crossregion.protocol.call_peer", side_effect=refusal):
        assert messages_retry() == 1
        message.refresh_from_db()
        assert message.status == Message.STATUS_REFUSED and message.attempts == 1
        assert messages_retry() == 0
    client.force_login(county.users["applicant"])
    page = client.get(reverse("cases_applicant:case", args=[case.pk])).content.decode()
    assert "对端拒收" in page and "本节点未同意为该对端办理此事项" in page


def test_unanswered_message_is_given_up_after_the_attempt_cap(county, peer_keys, food, person):
    from govhall.crossregion.models import Message
    from govhall.crossregion.services import MAX_ATTEMPTS, messages_retry

    case = _outbound_case(county, food, person)
    message = _status_message(case)
    Message.objects.filter(pk=message.pk).update(status=Message.STATUS_FAILED, attempts=MAX_ATTEMPTS - 1)
    assert messages_retry() == 1
    message.refresh_from_db()
    assert message.status == Message.STATUS_FAILED and message.attempts == MAX_ATTEMPTS
    assert messages_retry() == 0
    assert "已停止重试" in case.crossregion.latest_report["label"]


def test_late_decision_does_not_reopen_a_closed_case(client, county, peer_keys, food, person):
    case = _outbound_case(county, food, person)
    Case.objects.filter(pk=case.pk).update(status=Case.STATUS_TERMINATED)
    path = "/api/crossregion/inbox/status"
    payload = {
        "message_id": "d-1",
        "origin_number": case.number,
        "number": "B-1",
        "event": "decided",
        "decision": "approved",
        "label": "已办结",
    }
    body = protocol.canonical_json(payload)
    assert client.post(path, body, content_type="application/json", **_headers(*peer_keys, body, path=path)).status_code == 200
    case.refresh_from_db()
    assert case.status == Case.STATUS_TERMINATED and not case.decision
