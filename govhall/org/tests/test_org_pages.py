"""Staff organisation pages: the service network, a centre's windows and staff, setting which items
a specialised window accepts, the implementing bodies, and who gets in."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from openpyxl import load_workbook

from govhall.org import roles
from govhall.org.models import Division, ServiceCentre, StaffProfile, Window

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _centre_admin(username: str, centre: ServiceCentre) -> User:
    user = User.objects.create_user(username=username, password="govhall-test-pw", first_name="乌云")
    user.groups.add(Group.objects.get(name=roles.CENTRE_ADMIN))
    StaffProfile.objects.create(user=user, centre=centre)
    return user


@pytest.fixture
def township_centre(county):
    return ServiceCentre.objects.create(
        name="阿拉坦额莫勒镇便民服务中心",
        level=ServiceCentre.LEVEL_TOWNSHIP,
        division=Division.objects.get(code="150727100"),
        parent=county.centre,
        address="新巴尔虎右旗阿拉坦额莫勒镇新宁街1号",
        phone="0470-6451287",
    )


@pytest.fixture
def special_window(county):
    window = Window.objects.create(centre=county.centre, number="F01", name="公安综合服务区·户政", kind=Window.KIND_SPECIALISED)
    window.departments.add(county.departments["公安局"])
    return window


def _window_url(window: Window, query: str = "") -> str:
    url = reverse("staff-org-window", kwargs={"window_id": window.id})
    return f"{url}?{query}" if query else url


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


# --- the network and a centre -----------------------------------------------------------------


def test_centre_admin_sees_the_network_with_the_centre_its_branches_and_stationed_departments(
    client, county, centre_admin, township_centre
):
    county.windows["综合1"].departments.add(county.departments["市场监管局"], county.departments["公安局"])
    client.force_login(centre_admin)

    page = client.get(reverse("staff-org-centres")).content.decode()

    assert "新巴尔虎右旗政务服务中心" in page
    assert "阿拉坦额莫勒镇便民服务中心" in page
    assert "进驻部门（2个）" in page
    assert "市场监管局" in page and "公安局" in page


def test_centre_page_groups_windows_by_kind_and_lists_staff_without_phone_numbers(client, county, centre_admin, special_window):
    StaffProfile.objects.filter(user=county.users["clerk"]).update(phone="13912345678")
    Window.objects.get(pk=special_window.pk).items.add(county.items["id_card"])
    client.force_login(centre_admin)

    page = client.get(reverse("staff-org-centre", kwargs={"centre_id": county.centre.id})).content.decode()

    assert "综合受理窗口（无差别）" in page and "专业窗口" in page
    assert "可受理全部事项" in page
    assert "居民身份证换领" in page  # the specialised window's one item
    assert "李窗口" in page and "窗口人员" in page
    assert "13912345678" not in page


def test_centre_admin_of_a_township_does_not_see_the_county_centre(client, county, township_centre):
    admin = _centre_admin("township_admin", township_centre)
    client.force_login(admin)

    assert client.get(reverse("staff-org-centre", kwargs={"centre_id": county.centre.id})).status_code == 404
    page = client.get(reverse("staff-org-centres")).content.decode()
    assert "阿拉坦额莫勒镇便民服务中心" in page
    assert "新巴尔虎右旗政务服务中心</a>" not in page


def test_sysadmin_sees_every_centre(client, county, sysadmin, township_centre):
    client.force_login(sysadmin)
    assert client.get(reverse("staff-org-centre", kwargs={"centre_id": township_centre.id})).status_code == 200


# --- setting a window's items -----------------------------------------------------------------


def test_centre_admin_sets_the_items_a_specialised_window_accepts(client, county, centre_admin, special_window):
    client.force_login(centre_admin)
    id_card, food = county.items["id_card"], county.items["food"]

    page = client.get(_window_url(special_window)).content.decode()
    assert "居民身份证换领" in page and "食品经营许可证核发" in page

    response = client.post(_window_url(special_window), {"shown": [id_card.id, food.id], "items": [id_card.id]})

    assert response.status_code == 302
    assert set(special_window.items.all()) == {id_card}
    assert "新增 1 项" in client.get(response["Location"]).content.decode()


def test_saving_a_search_result_keeps_the_items_not_shown(client, county, centre_admin, special_window):
    special_window.items.add(county.items["food"])
    client.force_login(centre_admin)
    id_card = county.items["id_card"]

    page = client.get(_window_url(special_window, "q=jmsfz")).content.decode()  # 居民身份证 by its initials
    assert "居民身份证换领" in page and "食品经营许可证核发" not in page
    client.post(_window_url(special_window, "q=jmsfz"), {"shown": [id_card.id], "items": [id_card.id]})

    assert set(special_window.items.all()) == {county.items["food"], id_card}


def test_comprehensive_window_refuses_item_setting_with_the_services_message(client, county, centre_admin):
    window = county.windows["综合1"]
    client.force_login(centre_admin)

    assert "无需逐项设置" in client.get(_window_url(window)).content.decode()
    response = client.post(_window_url(window), {"shown": [county.items["food"].id], "items": [county.items["food"].id]})

    assert response.status_code == 400
    assert "综合受理窗口可受理全部事项，无需逐项设置" in response.content.decode()
    assert not window.items.exists()


def test_centre_admin_of_another_centre_gets_404_for_this_centres_window(client, county, special_window, township_centre):
    admin = _centre_admin("township_admin", township_centre)
    client.force_login(admin)
    id_card = county.items["id_card"]

    assert client.get(_window_url(special_window)).status_code == 404
    assert client.post(_window_url(special_window), {"shown": [id_card.id], "items": [id_card.id]}).status_code == 404
    assert not special_window.items.exists()


@pytest.mark.parametrize("role", ["clerk", "approver", "dept_admin", "supervisor"])
def test_staff_without_window_rights_cannot_set_items_and_nothing_changes(client, county, special_window, role):
    client.force_login(county.users[role])
    id_card = county.items["id_card"]

    assert client.get(_window_url(special_window)).status_code in (403, 404)
    assert client.post(_window_url(special_window), {"shown": [id_card.id], "items": [id_card.id]}).status_code in (403, 404)
    assert not special_window.items.exists()


def test_clerk_cannot_see_the_network(client, county, clerk):
    client.force_login(clerk)
    assert client.get(reverse("staff-org-centres")).status_code == 403
    assert client.get(reverse("staff-org-centre", kwargs={"centre_id": county.centre.id})).status_code in (403, 404)
    assert client.get(reverse("staff-org-departments")).status_code == 403


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("staff-org-centres", {}),
        ("staff-org-centres-export", {}),
        ("staff-org-departments", {}),
        ("staff-org-departments-export", {}),
        ("staff-org-centre", {"centre_id": 1}),
        ("staff-org-window", {"window_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, county, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- departments and exports ------------------------------------------------------------------


def test_departments_page_lists_uscc_and_items_in_use(client, county, centre_admin):
    client.force_login(centre_admin)
    page = client.get(reverse("staff-org-departments")).content.decode()
    assert county.departments["公安局"].uscc in page
    assert "新巴尔虎右旗市场监督管理局" in page


def test_network_export_is_a_workbook_of_centres_and_windows(client, county, centre_admin, township_centre, special_window):
    client.force_login(centre_admin)
    book = _workbook(client.get(reverse("staff-org-centres-export")))
    centres = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert centres == ["新巴尔虎右旗政务服务中心", "阿拉坦额莫勒镇便民服务中心"]
    windows = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert windows == ["A01", "B11", "F01"]


def test_departments_export_is_a_workbook_with_every_department(client, county, sysadmin):
    client.force_login(sysadmin)
    book = _workbook(client.get(reverse("staff-org-departments-export")))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in rows} == {d.uscc for d in county.departments.values()}


def test_workbench_shows_the_network_card_to_a_centre_admin_only(client, county, centre_admin, clerk):
    client.force_login(centre_admin)
    assert "服务网点与窗口" in client.get(reverse("staff-home")).content.decode()
    client.force_login(clerk)
    assert "服务网点与窗口" not in client.get(reverse("staff-home")).content.decode()


def test_exported_text_that_looks_like_a_formula_stays_text(client, county, sysadmin):
    police = county.departments["公安局"]
    police.address = '=HYPERLINK("http://example.com")'
    police.save()
    client.force_login(sysadmin)

    book = _workbook(client.get(reverse("staff-org-departments-export")))

    cell = next(row[7] for row in book.active.iter_rows(min_row=2) if row[0].value == police.name)
    assert cell.data_type == "s" and cell.value == police.address
