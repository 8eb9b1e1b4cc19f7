"""Every look-up is logged; staff look up only for a case they handle; the subject sees who looked."""

import datetime as dt

import pytest
from django.urls import reverse

from govhall.cases.tests.case_steps import on, submit
from govhall.core.errors import PermissionDenied
from govhall.shareddata.models import LookupLog
from govhall.shareddata.selectors import Subject
from govhall.shareddata.services import shared_lookup

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 15)


@pytest.fixture
def case(applicant, food, person, household):
    with on(DAY):
        return submit(applicant, food, person=person, answers=["q1.b", "q2.n"])


def lookup_url(case):
    return reverse("shareddata_staff:case-lookup", args=[case.pk])


def test_staff_lookup_for_a_handled_case_is_logged_with_who_what_and_why(case, approver, client):
    before = LookupLog.objects.count()
    client.force_login(approver)
    with on(DAY, 14):
        page = client.post(
            lookup_url(case),
            {"subject": case.applicant_person.id_number, "source": "household", "fields": ["name", "address"], "purpose": "核验住址"},
        )
    assert page.status_code == 200
    assert "新巴尔虎右旗阿拉坦额莫勒镇呼伦路8号" in page.content.decode()
    assert LookupLog.objects.count() == before + 1
    log = LookupLog.objects.latest("id")
    assert (log.actor, log.role, log.department_name, log.source.code, log.fields, log.purpose, log.case) == (
        approver,
        "审批人员",
        "新巴尔虎右旗市场监督管理局",
        "household",
        ["name", "address"],
        "核验住址",
        case,
    )


def test_staff_lookup_refused_for_a_case_they_do_not_handle_is_404_and_nothing_logged(case, police_approver, client):
    before = LookupLog.objects.count()
    client.force_login(police_approver)
    page = client.post(lookup_url(case), {"subject": case.applicant_person.id_number, "source": "household", "purpose": "x"})
    api = client.post(
        f"/api/shareddata/cases/{case.pk}/lookup",
        {"subject": case.applicant_person.id_number, "source": "household", "purpose": "x"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (404, 404)
    assert client.get(lookup_url(case)).status_code == 404
    assert LookupLog.objects.count() == before


def test_supervisor_may_read_cases_but_not_look_up_their_applicants_data(case, supervisor, client):
    before = LookupLog.objects.count()
    client.force_login(supervisor)
    assert client.get(lookup_url(case)).status_code == 403
    api = client.post(
        f"/api/shareddata/cases/{case.pk}/lookup",
        {"subject": case.applicant_person.id_number, "source": "household", "purpose": "x"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert LookupLog.objects.count() == before


def test_staff_cannot_look_up_anyone_without_a_case(approver, person, household):
    with pytest.raises(PermissionDenied):
        shared_lookup(actor=approver, subject=Subject.of(person), source_code="household", purpose="好奇")
    assert not LookupLog.objects.exists()


def test_staff_can_look_up_only_the_case_applicant(case, approver, other_applicant, client):
    client.force_login(approver)
    before = LookupLog.objects.count()
    api = client.post(
        f"/api/shareddata/cases/{case.pk}/lookup",
        {"subject": "11010519491231002X", "source": "household", "purpose": "核验"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert LookupLog.objects.count() == before


def test_api_lookup_returns_only_the_fields_asked_for_and_is_logged_as_api(case, clerk, client):
    client.force_login(clerk)
    with on(DAY, 15):
        api = client.post(
            f"/api/shareddata/cases/{case.pk}/lookup",
            {"subject": case.applicant_person.id_number, "source": "household", "fields": ["ethnicity"], "purpose": "预审核验"},
            content_type="application/json",
        )
    assert api.status_code == 200, api.content
    assert api.json()["records"] == [{"ethnicity": "蒙古族"}]
    log = LookupLog.objects.latest("id")
    assert (log.channel, log.role, log.case_id) == ("api", "窗口人员", case.pk)


def test_unknown_field_is_refused(case, clerk, client):
    client.force_login(clerk)
    api = client.post(
        f"/api/shareddata/cases/{case.pk}/lookup",
        {"subject": case.applicant_person.id_number, "source": "household", "fields": ["salary"], "purpose": "x"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "salary" in api.json()["errors"][0]["message"] if "errors" in api.json() else "salary" in api.content.decode()


def test_the_subject_sees_who_looked_at_their_data(case, approver, applicant, other_applicant, client):
    client.force_login(approver)
    with on(DAY, 14):
        client.post(lookup_url(case), {"subject": case.applicant_person.id_number, "source": "household", "purpose": "核验住址"})
    client.force_login(applicant)
    page = client.get(reverse("shareddata:my-data-access")).content.decode()
    assert "王审批" in page and "审批人员" in page and "新巴尔虎右旗市场监督管理局" in page
    assert "核验住址" in page and case.number in page
    assert "姓名、公民身份号码" in page  # the fields, by label
    api = client.get("/api/shareddata/my/access-log").json()
    assert api[0]["who"] == "王审批" and api[0]["case_number"] == case.number
    export = client.get(reverse("shareddata:my-data-access-export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(other_applicant)
    assert "王审批" not in client.get(reverse("shareddata:my-data-access")).content.decode()
    assert client.get("/api/shareddata/my/access-log").json() == []


def test_signed_out_users_get_no_api_and_are_sent_to_sign_in(client, case):
    assert client.get("/api/shareddata/sources").status_code == 401
    assert client.get("/api/shareddata/my/access-log").status_code == 401
    assert client.get(reverse("shareddata:my-data-access")).status_code == 302


def test_sources_list_names_every_source_with_its_fields(applicant, client):
    client.force_login(applicant)
    sources = {s["code"]: s for s in client.get("/api/shareddata/sources").json()}
    assert {"household", "marriage", "social_security", "real_estate", "enterprise_registration"} <= set(sources)
    assert "社会保障" in sources["social_security"]["aliases"]


def test_registry_page_is_for_sysadmin_and_supervisor_only(sysadmin, supervisor, clerk, applicant, client):
    for user, status in ((sysadmin, 200), (supervisor, 200), (clerk, 403), (applicant, 403)):
        client.force_login(user)
        assert client.get(reverse("shareddata_staff:registry")).status_code == status, user
        assert client.get(reverse("shareddata_staff:lookups-export")).status_code == status, user
    client.force_login(sysadmin)
    page = client.get(reverse("shareddata_staff:registry")).content.decode()
    assert "婚姻登记" in page and "市场主体登记" in page
    assert client.get(reverse("shareddata_staff:registry-export"))["Content-Type"].startswith("application/vnd.openxmlformats")


def test_clerk_does_not_handle_a_submission_waiting_at_another_centre(case, clerk, county):
    from govhall.cases.models import Case
    from govhall.org.models import ServiceCentre
    from govhall.shareddata.selectors import handles_case

    assert handles_case(clerk, case)  # online, no centre yet: any window that may accept it
    elsewhere = ServiceCentre.objects.create(
        name="陈巴尔虎旗政务服务中心", level=ServiceCentre.LEVEL_COUNTY, division=county.centre.division
    )
    Case.objects.filter(pk=case.pk).update(centre=elsewhere)
    case.refresh_from_db()
    assert not handles_case(clerk, case)
    child = ServiceCentre.objects.create(
        name="阿镇便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=county.centre.division, parent=county.centre
    )
    Case.objects.filter(pk=case.pk).update(centre=child)
    case.refresh_from_db()
    assert handles_case(clerk, case)
