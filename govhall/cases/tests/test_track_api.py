import pytest
from django.utils import timezone

from govhall.cases.services import case_event_append, case_submit


@pytest.fixture
def case(applicant, food, person):
    return case_submit(
        actor=applicant, item=food, applicant_person=person, channel="online", answers=["q1.a"], form={}, idempotency_key=None
    )


def test_tracking_shows_status_and_steps_without_personal_data(client, case, clerk):
    case_event_append(case=case, kind="accepted", actor=clerk)
    response = client.get("/api/cases/track", {"number": case.number, "code": case.query_code})
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == case.number
    assert data["item_name"] == "食品经营许可证核发"
    assert data["status"] == {"code": "submitted", "label": "待预审"}
    assert data["submitted_on"] == timezone.localdate(case.submitted_at).isoformat()
    assert data["accepted_on"] is None
    assert [s["kind"] for s in data["steps"]] == ["submitted", "accepted"]
    assert data["steps"][0]["label"] == "提交申请"
    body = response.content.decode()
    for secret in ("张三", "150727200501011232", "13800001234", "applicant", "李窗口"):
        assert secret not in body


def test_code_is_accepted_in_lower_case(client, case):
    response = client.get("/api/cases/track", {"number": case.number, "code": case.query_code.lower()})
    assert response.status_code == 200


def test_wrong_code_and_unknown_number_get_the_same_404(client, case):
    wrong_code = client.get("/api/cases/track", {"number": case.number, "code": "ZZZZZZ" if case.query_code != "ZZZZZZ" else "YYYYYY"})
    unknown = client.get("/api/cases/track", {"number": case.number[:-1] + "9", "code": case.query_code})
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json() == unknown.json()
    assert wrong_code.json()["detail"][0]["rule"] == "not_found"


def test_tracking_in_english_labels_the_status_in_english(client, case):
    response = client.get("/api/cases/track", {"number": case.number, "code": case.query_code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["status"]["label"] == "Awaiting pre-review"
    assert response.json()["steps"][0]["label"] == "Application submitted"
