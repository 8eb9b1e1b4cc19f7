"""The anomalies API: rules, hits, review, tasks, answer, close — with the pages' permission checks."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from govhall.anomalies.models import AnomalyHit, SupervisionTask

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


ASSIGN = {
    "decision": "assign",
    "target_kind": "department",
    "due_days": 5,
    "title": "超期未办结",
    "description": "请核查超期原因并整改",
    "suggestions": ["建立超期预警"],
}


def test_rules_are_listed_with_their_parameters(supervisor):
    rules = client_for(supervisor).get("/api/anomalies/rules").json()
    too_fast = next(r for r in rules if r["code"] == "too_fast")
    assert too_fast["name"] == "办理过快" and too_fast["severity"] == "high"
    assert {p["name"]: p["default"] for p in too_fast["params"]}["minutes_per_step"] == 10
    assert len(rules) == 7


def test_hits_are_filtered_by_rule_and_department(hit, supervisor, county):
    client = client_for(supervisor)
    market = county.departments["市场监管局"].pk
    body = client.get("/api/anomalies/hits", {"rule": "overdue_no_pause", "department": market}).json()
    assert body["count"] == 1 and body["results"][0]["id"] == hit.pk
    assert client.get("/api/anomalies/hits", {"rule": "off_hours"}).json()["count"] == 0


def test_review_assign_answer_close_through_the_api(hit, supervisor, dept_admin, county):
    response = post(
        client_for(supervisor), f"/api/anomalies/hits/{hit.pk}/review", {**ASSIGN, "department": county.departments["市场监管局"].pk}
    )
    assert response.status_code == 201
    task = response.json()
    assert task["status"] == "awaiting" and task["hits"] == [hit.pk]
    suggestion = task["suggestions"][0]["id"]
    response = post(
        client_for(dept_admin),
        f"/api/anomalies/tasks/{task['id']}/answer",
        {"content": "已核查", "category": "process", "measures": "合并审查与决定环节", "adopted": [suggestion]},
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    response = post(client_for(supervisor), f"/api/anomalies/tasks/{task['id']}/close", {"outcome": "rectified"})
    assert response.status_code == 200 and response.json()["status"] == "rectified"
    summary = client_for(supervisor).get("/api/anomalies/summary").json()
    assert summary["suggestions"] == {"total": 1, "adopted": 1}


def test_dismiss_needs_a_reason(hit, supervisor):
    response = post(client_for(supervisor), f"/api/anomalies/hits/{hit.pk}/review", {"decision": "dismiss"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "reason"
    assert AnomalyHit.objects.get().status == AnomalyHit.STATUS_PENDING


def test_other_department_cannot_see_or_answer_the_task(hit, supervisor, other_dept_admin, county):
    task = post(
        client_for(supervisor), f"/api/anomalies/hits/{hit.pk}/review", {**ASSIGN, "department": county.departments["市场监管局"].pk}
    ).json()
    client = client_for(other_dept_admin)
    assert client.get(f"/api/anomalies/tasks/{task['id']}").status_code == 404
    assert (
        post(client, f"/api/anomalies/tasks/{task['id']}/answer", {"content": "x", "category": "other", "measures": "y"}).status_code == 404
    )
    assert client.get("/api/anomalies/tasks").json()["count"] == 0
    assert SupervisionTask.objects.get().status == SupervisionTask.STATUS_AWAITING


def test_the_department_cannot_close_its_own_task(hit, supervisor, dept_admin, county):
    task = post(
        client_for(supervisor), f"/api/anomalies/hits/{hit.pk}/review", {**ASSIGN, "department": county.departments["市场监管局"].pk}
    ).json()
    post(client_for(dept_admin), f"/api/anomalies/tasks/{task['id']}/answer", {"content": "x", "category": "other", "measures": "y"})
    response = post(client_for(dept_admin), f"/api/anomalies/tasks/{task['id']}/close", {"outcome": "rectified"})
    assert response.status_code == 403
    assert SupervisionTask.objects.get().status == SupervisionTask.STATUS_ANSWERED


@pytest.mark.parametrize("who", ["applicant", "clerk", "dept_admin"])
def test_hits_are_hidden_from_other_roles(hit, county, who):
    client = client_for(county.users[who])
    assert client.get("/api/anomalies/hits").status_code == 404
    assert client.get(f"/api/anomalies/hits/{hit.pk}").status_code == 404
    assert post(client, f"/api/anomalies/hits/{hit.pk}/review", {"decision": "dismiss", "reason": "x"}).status_code == 404
    assert client.get("/api/anomalies/summary").status_code == 404
    assert AnomalyHit.objects.get().status == AnomalyHit.STATUS_PENDING


def test_anonymous_gets_401(hit):
    assert Client().get("/api/anomalies/hits").status_code == 401
