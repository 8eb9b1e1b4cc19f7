"""The admin shows cases and applicants read-only, with identity numbers masked."""

from django.contrib.auth.models import User

from govhall.applicants.services import person_register


def test_admin_lists_persons_with_masked_numbers_and_cannot_change_them(client, county):
    admin_user = User.objects.create_superuser("root", password="x-govhall-test")
    person_register(actor=None, name="乌日娜", id_number="150727200501011232", phone="13847012345")
    client.force_login(admin_user)
    page = client.get("/admin/applicants/person/").content.decode()
    assert "150727********1232" in page and "150727200501011232" not in page
    assert "138****2345" in page
    assert client.get("/admin/applicants/person/add/").status_code == 403
    assert client.get("/admin/cases/case/").status_code == 200
