"""我的政务服务: the applicant's own pages in one place."""

from __future__ import annotations

from govhall.applicants.models import Person
from govhall.applicants.services import person_register


def test_signed_in_applicant_finds_every_page_about_them(client, applicant, clerk):
    person_register(actor=clerk, name="张三", id_number="150727200501011232", user=applicant)
    client.force_login(applicant)
    page = client.get("/account/").content.decode()
    assert Person.objects.get(user=applicant).id_number_masked in page
    assert "150727200501011232" not in page
    for link in ("/my/cases/", "/my/licences/", "/hall/appointments/", "/my/complaints/", "/my/consents/", "/my/data-access/"):
        assert f'href="{link}"' in page, link


def test_anonymous_visitor_is_sent_to_the_applicant_login(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
