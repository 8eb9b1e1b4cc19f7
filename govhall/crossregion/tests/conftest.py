import pytest
from django.contrib.auth.models import Group, User

from govhall.cases.tests.conftest import food, person  # noqa: F401
from govhall.org import roles as org_roles
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window


@pytest.fixture
def town_a(county):
    """阿拉坦额莫勒镇's centre with a 跨区通办 window and its clerk."""
    division = Division.objects.filter(parent_id="150727").order_by("code").first()
    centre = ServiceCentre.objects.create(
        name="阿镇便民服务中心", level=ServiceCentre.LEVEL_TOWNSHIP, division=division, parent=county.centre
    )
    window = Window.objects.create(centre=centre, number="01", name="跨区通办窗口", kind=Window.KIND_CROSS_REGION)
    clerk = User.objects.create_user(username="town_clerk", password="x")
    clerk.groups.add(Group.objects.get(name=org_roles.CLERK))
    StaffProfile.objects.create(user=clerk, centre=centre, window=window)
    return centre, window, clerk


@pytest.fixture
def town_b_item(county):
    """An item of another township's government (another region than 阿镇)."""
    from govhall.cases.tests.case_steps import plain_item

    division = Division.objects.filter(parent_id="150727").order_by("code")[1]
    item = plain_item()
    Department.objects.filter(pk=item.department_id).update(division=division)
    item.refresh_from_db()
    return item
