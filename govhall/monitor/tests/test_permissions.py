"""Who may see the 监管大屏, the scorecards and the reports: 404 for everything out of reach."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from govhall.core.models import Job
from govhall.org import roles

pytestmark = pytest.mark.django_db

COUNTY_PAGES = [
    "/staff/monitor/",
    "/staff/monitor/scorecards/",
    "/staff/monitor/reports/",
    "/api/monitor/dashboard",
    "/api/monitor/reports",
]


@pytest.mark.parametrize("who", ["applicant", "clerk", "approver", "section_head", "sysadmin"])
def test_users_without_the_role_get_404_everywhere(client, county, facts, who):
    client.force_login(county.users[who])
    market = county.departments["市场监管局"]
    urls = [
        *COUNTY_PAGES,
        reverse("monitor_staff:department", args=[market.pk]),
        reverse("monitor_staff:department-cases", args=[market.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, facts):
    assert client.get("/staff/monitor/").status_code == 302
    assert client.get("/api/monitor/dashboard").status_code == 401


def test_department_admin_sees_only_their_own_department(client, county, dept_admin, facts):
    market, police = county.departments["市场监管局"], county.departments["公安局"]
    client.force_login(dept_admin)
    response = client.get("/staff/monitor/", {"month": "2026-03"})
    assert response.status_code == 200
    assert [d.label for d in response.context["board"].departments] == ["市场监管局"]
    assert response.context["board"].total.count("accepted") == 10  # their 10 cases, not the county's 20
    assert response.context["board"].tree is None
    assert client.get(reverse("monitor_staff:department", args=[market.pk])).status_code == 200
    assert client.get(reverse("monitor_staff:department", args=[police.pk])).status_code == 404
    assert client.get(reverse("monitor_staff:department-cases", args=[police.pk])).status_code == 404
    assert client.get(f"/api/monitor/departments/{police.pk}").status_code == 404
    cards = client.get("/staff/monitor/scorecards/", {"value": "2026-03"}).context["cards"]
    assert [(c.name, c.rank) for c in cards] == [("市场监管局", 1)]
    assert client.get("/staff/monitor/scorecards/", {"level": "township"}).status_code == 404
    assert client.get("/staff/monitor/reports/").status_code == 404
    api = client.get("/api/monitor/dashboard", {"month": "2026-03"}).json()
    assert [d["label"] for d in api["by_department"]] == ["市场监管局"]


def test_auditor_and_centre_admin_see_the_county_but_cannot_generate_reports(client, county, centre_admin, facts):
    auditor = User.objects.create_user("auditor", password="x")
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    for user in (auditor, centre_admin):
        client.force_login(user)
        assert client.get("/staff/monitor/", {"month": "2026-03"}).context["board"].total.count("accepted") == 20
        assert client.get("/staff/monitor/reports/").status_code == 200
        assert "生成月报</button>" not in client.get("/staff/monitor/reports/").content.decode()
        assert client.post("/staff/monitor/reports/", {"month": "2026-03"}).status_code == 400
        assert client.post("/api/monitor/reports", {"month": "2026-03"}, content_type="application/json").status_code == 403
    assert not Job.objects.exists()


def test_a_report_that_does_not_exist_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/staff/monitor/reports/999/pdf/").status_code == 404
    assert client.get("/staff/monitor/departments/99999/").status_code == 404
