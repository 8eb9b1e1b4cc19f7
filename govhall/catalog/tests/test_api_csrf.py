from django.test import Client

from govhall.catalog.models import Item
from govhall.catalog.services import version_to_data


def test_session_authenticated_api_write_without_csrf_token_is_refused(county, dept_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dept_admin)
    item = county.items["food"]
    data = version_to_data(item.current)
    data["phone"] = "0470-6400777"
    response = client.put(f"/api/catalog/items/{item.id}", {"data": data, "reason": "跨站请求"}, content_type="application/json")
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).current.number == 1
