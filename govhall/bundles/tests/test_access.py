"""Who may see and act on a bundle case, through the API and the pages: the applicant's own only
(someone else's is a 404), acceptance and delivery by a clerk of the bundle's centre only."""

import base64
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from govhall.bundles.models import BundleCase
from govhall.bundles.selectors import bundle_plan
from govhall.bundles.tests.bundle_steps import LAYOUT, PDF, day, submit_bundle
from govhall.cases.models import Case
from govhall.org import roles
from govhall.org.models import ServiceCentre, StaffProfile, Window

pytestmark = pytest.mark.django_db
JUNE_15 = dt.date(2026, 6, 15)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def submitted(county, bundle, enterprise):
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        return submit_bundle(county, bundle, enterprise)


@pytest.fixture
def town_clerk(county):
    """A clerk at the window of another centre (a 苏木镇 centre)."""
    centre = ServiceCentre.objects.create(
        name="阿拉坦额莫勒镇便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=county.centre.division, parent=county.centre
    )
    window = Window.objects.create(centre=centre, number="Z01", name="综合窗口", kind=Window.KIND_COMPREHENSIVE, accepts_all_items=True)
    user = User.objects.create_user(username="town_clerk", password="govhall-test-pw", first_name="镇窗口")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=centre, window=window)
    return user


def test_the_public_list_and_questionnaire_need_no_sign_in(county, bundle):
    response = _client().get("/api/bundles/")
    assert response.status_code == 200
    assert [b["name"] for b in response.json()] == ["我要开饭店"]
    detail = _client().get("/api/bundles/YJS-TEST?answers=q1.n").json()
    assert detail["questions"][0]["options"][0]["label"] == "是"
    assert [i["name"] for i in detail["items"]] == ["食品经营许可证核发"]
    page = _client().get("/bundles/YJS-TEST/")
    assert page.status_code == 200 and "一次告知：选择您的情形" in page.content.decode()


def test_an_applicant_submits_through_the_api_with_one_file_for_two_items(county, bundle, enterprise):
    layout = next(pm for pm in bundle_plan(bundle, ["q1.y"]).materials if pm.name == LAYOUT)
    body = {
        "enterprise_id": enterprise.pk,
        "answers": ["q1.y"],
        "values": {"enterprise_name": "呼伦贝尔草原餐饮有限公司", "food_business_type": "餐饮服务经营者", "premises_area": "420"},
        "contact_phone": "13800001234",
        "files": [{"identity": layout.identity, "filename": "布局.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        response = _client(county.users["applicant"]).post(
            "/api/bundles/YJS-TEST/submit", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
        )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status_label"] == "待预审" and len(data["parts"]) == 2


def test_submitting_needs_a_sign_in_and_someone_elses_enterprise_is_refused(county, bundle, enterprise):
    body = {"enterprise_id": enterprise.pk, "answers": ["q1.n"], "values": {}, "contact_phone": "13800001234"}
    assert _client().post("/api/bundles/YJS-TEST/submit", body, content_type="application/json").status_code == 401
    response = _client(county.users["other_applicant"]).post("/api/bundles/YJS-TEST/submit", body, content_type="application/json")
    assert response.status_code == 400
    assert not BundleCase.objects.exists()


def test_another_applicant_gets_a_404_for_a_bundle_case_on_the_api_and_the_page(county, submitted):
    other = _client(county.users["other_applicant"])
    assert other.get(f"/api/bundles/cases/{submitted.pk}").status_code == 404
    assert other.get(f"/my/bundles/{submitted.pk}/").status_code == 404
    assert other.get("/api/bundles/cases").json() == []
    own = _client(county.users["applicant"])
    page = own.get(f"/my/bundles/{submitted.pk}/").content.decode()
    assert "各事项进度" in page and "食品经营许可证核发" in page and submitted.number in page


def test_only_a_clerk_of_the_bundles_centre_accepts_it(county, submitted, town_clerk):
    url = f"/api/bundles/cases/{submitted.pk}/accept"
    assert _client().post(url).status_code == 401
    for user in (county.users["applicant"], county.users["approver"], town_clerk):
        assert _client(user).post(url).status_code == 404, user.username
    assert _client(town_clerk).get(f"/staff/bundles/cases/{submitted.pk}/").status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == BundleCase.STATUS_SUBMITTED
    assert set(Case.objects.values_list("status", flat=True)) == {Case.STATUS_SUBMITTED}
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        response = _client(county.users["clerk"]).post(url)
    assert response.status_code == 200
    assert response.json()["status_label"] == "并联办理中"
    assert response.json()["due_date"] == "2026-06-23"  # 5 working days after Monday 06-15: 端午 (Friday 06-19) and the weekend skipped


def test_delivery_before_every_item_is_decided_is_a_409_and_others_get_a_404(county, submitted, town_clerk):
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        _client(county.users["clerk"]).post(f"/api/bundles/cases/{submitted.pk}/accept")
    url = f"/api/bundles/cases/{submitted.pk}/deliver"
    assert _client(town_clerk).post(url, {"method": "electronic"}, content_type="application/json").status_code == 404
    assert _client(county.users["applicant"]).post(url, {"method": "electronic"}, content_type="application/json").status_code == 404
    response = _client(county.users["clerk"]).post(url, {"method": "electronic"}, content_type="application/json")
    assert response.status_code == 409


def test_the_clerk_accepts_the_bundle_once_on_the_staff_page(county, submitted):
    clerk = _client(county.users["clerk"])
    queue = clerk.get("/staff/bundles/").content.decode()
    assert submitted.number in queue and "我要开饭店" in queue
    window = clerk.get("/staff/cases/window/").content.decode()
    assert submitted.parts.first().case.number not in window  # not twice: the items wait in the bundle queue
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        response = clerk.post(f"/staff/bundles/cases/{submitted.pk}/", {"action": "accept"})
    assert response.status_code == 302
    page = clerk.get(f"/staff/bundles/cases/{submitted.pk}/").content.decode()
    assert "并联办理中" in page and "2026-06-23" in page


def test_a_supervisor_may_read_but_not_accept(county, submitted):
    supervisor = _client(county.users["supervisor"])
    assert supervisor.get(f"/api/bundles/cases/{submitted.pk}").status_code == 200
    assert supervisor.post(f"/api/bundles/cases/{submitted.pk}/accept").status_code == 404


def test_a_clerk_submits_a_bundle_at_the_window_and_applicants_may_not(county, bundle, enterprise):
    body = {
        "enterprise_uscc": enterprise.uscc,
        "answers": ["q1.n"],
        "values": {"enterprise_name": enterprise.name, "food_business_type": "餐饮服务经营者"},
        "contact_phone": "13800001234",
    }
    url = "/api/bundles/YJS-TEST/window-submit"
    refused = _client(county.users["applicant"]).post(url, body, content_type="application/json")
    assert refused.status_code == 403 and not BundleCase.objects.exists()
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        response = _client(county.users["clerk"]).post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    bundle_case = BundleCase.objects.get()
    assert bundle_case.channel == Case.CHANNEL_WINDOW and bundle_case.window == county.windows["综合1"]
    assert [p.case.channel for p in bundle_case.parts.all()] == [Case.CHANNEL_WINDOW]


def test_a_bundle_item_cannot_be_accepted_refused_or_supplemented_on_its_own(county, submitted):
    from govhall.cases.services import SupplementPoint, case_accept, case_accept_rongque, case_refuse, case_request_supplement
    from govhall.core.errors import ValidationError

    clerk = county.users["clerk"]
    child = submitted.parts.order_by("seq").first().case
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        answer = _client(clerk).post(f"/api/cases/{child.pk}/accept", {}, content_type="application/json")
        assert answer.status_code in (400, 403, 404, 409), answer.content
        attempts = [
            lambda: case_accept(actor=clerk, case=child),
            lambda: case_refuse(actor=clerk, case=child, reason="不符合"),
            lambda: case_request_supplement(actor=clerk, case=child, points=[SupplementPoint(problem="不清晰", name="布局图")]),
            lambda: case_accept_rongque(actor=clerk, case=child, missing_material_ids=[1], commitment_text="承诺"),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError) as caught:
                attempt()
            assert "请在一件事受理中办理" in caught.value.errors[0].message
    child.refresh_from_db()
    assert child.status == Case.STATUS_SUBMITTED and not child.accepted_at


def test_a_bundle_without_a_centre_goes_to_the_county_centre_only(county, bundle, enterprise, town_clerk):
    from govhall.bundles.selectors import bundle_queue_for_clerk, can_accept, staff_sees

    type(bundle).objects.filter(pk=bundle.pk).update(centre=None)
    bundle.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise, key="nc")
    assert bundle_case.centre == county.centre
    assert not can_accept(town_clerk, bundle_case) and not staff_sees(town_clerk, bundle_case)
    assert list(bundle_queue_for_clerk(user=town_clerk)) == []
    assert list(bundle_queue_for_clerk(user=county.users["clerk"])) == [bundle_case]
    BundleCase.objects.filter(pk=bundle_case.pk).update(centre=None)
    bundle_case.refresh_from_db()
    assert not can_accept(county.users["clerk"], bundle_case) and list(bundle_queue_for_clerk(user=town_clerk)) == []


def test_a_supplement_point_no_item_needs_is_refused_naming_the_field(county, submitted):
    from govhall.bundles.services import bundle_case_request_supplement
    from govhall.core.errors import ValidationError

    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        with pytest.raises(ValidationError) as caught:
            bundle_case_request_supplement(
                actor=county.users["clerk"], bundle_case=submitted, points=[{"identity": "name:不存在的材料", "problem": "缺"}]
            )
    assert caught.value.errors[0].field == "points" and "不存在的材料" in caught.value.errors[0].message
    submitted.refresh_from_db()
    assert submitted.status == BundleCase.STATUS_SUBMITTED
    assert set(Case.objects.values_list("status", flat=True)) == {Case.STATUS_SUBMITTED}


def test_a_racing_duplicate_submission_returns_the_first_bundle_case(county, bundle, enterprise):
    from django.db.models.query import QuerySet

    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        first = submit_bundle(county, bundle, enterprise, key="race")
        original_first = QuerySet.first
        missed: list[bool] = []

        def first_missing_once(self):
            # The other request's row is not yet visible to the idempotency check.
            if self.model is BundleCase and not missed:
                missed.append(True)
                return None
            return original_first(self)

        with mock.patch.object(QuerySet, "first", first_missing_once):
            again = submit_bundle(county, bundle, enterprise, key="race")
    assert missed and again.pk == first.pk
    assert BundleCase.objects.count() == 1
