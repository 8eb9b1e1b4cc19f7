"""The /api/ratings/ endpoints and who may not use them."""

from __future__ import annotations

import pytest

from govhall.cases.tests.case_steps import on
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.tests.conftest import DAY

BAD = {"level": 2, "tags": ["multiple_trips"], "comment": "跑了三趟", "rater_name": "王五", "rater_phone": "13900001111"}


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_anonymous_rating_by_ticket_token(client, make_ticket):
    ticket = make_ticket()
    with on(DAY, 11):
        response = post(client, f"/api/ratings/tickets/{ticket.token}", BAD)
        again = post(client, f"/api/ratings/tickets/{ticket.token}", {"level": 5})
    body = response.json()
    assert response.status_code == 201
    assert (body["level_label"], body["channel"], body["followup_opened"]) == ("不满意", "qr", True)
    assert again.status_code == 400 and again.json()["detail"][0]["rule"] == "once"


def test_ticket_api_refuses_the_window_device_channel_and_unknown_tokens(client, make_ticket):
    ticket = make_ticket()
    assert post(client, f"/api/ratings/tickets/{ticket.token}", {"level": 5, "channel": "window_device"}).status_code == 400
    assert post(client, "/api/ratings/tickets/unknown", {"level": 5}).status_code == 404
    assert not Rating.objects.exists()


def test_case_rating_api_for_the_applicant_only(client, applicant, other_applicant, done_case):
    url = f"/api/ratings/cases/{done_case.pk}"
    assert post(client, url, {"level": 5}).status_code == 401
    client.force_login(other_applicant)
    assert post(client, url, {"level": 5}).status_code == 404
    assert not Rating.objects.exists()
    client.force_login(applicant)
    with on(DAY):
        response = post(client, url, {"level": 4, "tags": ["efficient"]})
    assert response.status_code == 201 and response.json()["case_number"] == done_case.number
    mine = client.get("/api/ratings/mine").json()
    assert [r["kind"] for r in mine] == ["case"]
    client.force_login(other_applicant)
    assert client.get("/api/ratings/mine").json() == []


@pytest.fixture
def followup(client, make_ticket) -> FollowUp:
    ticket = make_ticket()
    with on(DAY, 11):
        post(client, f"/api/ratings/tickets/{ticket.token}", BAD)
    return FollowUp.objects.get()


def test_centre_admin_lists_and_steps_a_follow_up(client, centre_admin, followup):
    client.force_login(centre_admin)
    with on(DAY, 15):
        rows = client.get("/api/ratings/followups").json()
        assert [(r["id"], r["rater_phone"], r["due_date"], r["remaining_working_days"]) for r in rows] == [
            (followup.pk, "139****1111", "2026-07-07", 15)
        ]
        assert (
            post(client, f"/api/ratings/followups/{followup.pk}/verify", {"finding": "属实", "warranted": True}).json()["status"]
            == "rectifying"
        )
        assert post(client, f"/api/ratings/followups/{followup.pk}/rectify", {"rectification": "增设导办员"}).json()["status"] == "verified"
        early = post(client, f"/api/ratings/followups/{followup.pk}/close", {})
        assert early.status_code == 400 and early.json()["detail"][0]["rule"] == "required"
        post(client, f"/api/ratings/followups/{followup.pk}/callback", {"result": "已回访", "satisfaction": "satisfied"})
        detail = post(client, f"/api/ratings/followups/{followup.pk}/close", {"note": "办结"}).json()
    assert detail["status"] == "closed"
    assert [e["kind"] for e in detail["events"]] == ["opened", "verified", "rectified", "called_back", "closed"]


@pytest.mark.parametrize("who", ["other_dept_admin", "clerk", "applicant", "approver"])
def test_follow_up_api_is_404_outside_the_users_scope(client, county, followup, who):
    client.force_login(county.users[who])
    assert client.get(f"/api/ratings/followups/{followup.pk}").status_code == 404
    assert post(client, f"/api/ratings/followups/{followup.pk}/verify", {"finding": "x", "warranted": False}).status_code == 404
    listing = client.get("/api/ratings/followups")
    assert listing.status_code == 404 or listing.json() == []
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_OPEN


def test_follow_up_api_needs_sign_in_and_supervisor_only_reads(client, supervisor, followup):
    assert client.get("/api/ratings/followups").status_code == 401
    assert post(client, f"/api/ratings/followups/{followup.pk}/verify", {"finding": "x", "warranted": False}).status_code == 401
    client.force_login(supervisor)
    assert client.get(f"/api/ratings/followups/{followup.pk}").status_code == 200
    assert post(client, f"/api/ratings/followups/{followup.pk}/verify", {"finding": "x", "warranted": False}).status_code == 403
    followup.refresh_from_db()
    assert followup.status == FollowUp.STATUS_OPEN
