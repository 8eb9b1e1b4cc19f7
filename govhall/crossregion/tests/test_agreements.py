"""跨区通办 within one deployment: a window accepts another region's item only under an agreement,
and the result goes out at the centre the applicant chose."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases import permissions
from govhall.cases.models import Case
from govhall.cases.selectors import deliveries_for_clerk
from govhall.cases.services import case_submit
from govhall.cases.tests.case_steps import on
from govhall.crossregion import services
from govhall.crossregion.models import CaseRoute

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 15)


def _case(clerk, item, person, window) -> Case:
    return case_submit(
        actor=clerk,
        item=item,
        applicant_person=person,
        channel=Case.CHANNEL_CROSS_REGION,
        answers=[],
        form={},
        idempotency_key=None,
        window=window,
    )


def _agreement(sysadmin, centre, item, **extra):
    return services.agreement_save(
        actor=sysadmin,
        data=services.AgreementData(
            name="全旗通办",
            valid_from=dt.date(2026, 1, 1),
            accepting_centres=(centre,),
            handling_division=item.department.division,
            items=(item,),
            **extra,
        ),
    )


def test_window_of_another_region_cannot_accept_without_agreement(county, town_a, town_b_item, person):
    centre, window, clerk = town_a
    with on(DAY):
        case = _case(clerk, town_b_item, person, window)
        assert not permissions.can_accept_at_window(clerk, case)


def test_window_of_another_region_accepts_under_agreement(county, town_a, town_b_item, person, sysadmin):
    centre, window, clerk = town_a
    with on(DAY):
        _agreement(sysadmin, centre, town_b_item)
        case = _case(clerk, town_b_item, person, window)
        assert permissions.can_accept_at_window(clerk, case)


def test_expired_agreement_no_longer_lets_the_window_accept(county, town_a, town_b_item, person, sysadmin):
    centre, window, clerk = town_a
    with on(DAY):
        _agreement(sysadmin, centre, town_b_item, valid_until=dt.date(2026, 3, 31))
        case = _case(clerk, town_b_item, person, window)
        assert not permissions.can_accept_at_window(clerk, case)


def test_result_is_delivered_at_the_centre_the_applicant_chose(county, town_a, town_b_item, person, sysadmin):
    centre, window, clerk = town_a
    with on(DAY):
        _agreement(sysadmin, centre, town_b_item)
        case = _case(clerk, town_b_item, person, window)
        route = services.case_route_local(actor=clerk, case=case, delivery_choice=CaseRoute.DELIVER_ACCEPTING)
        Case.objects.filter(pk=case.pk).update(status=Case.STATUS_TO_DELIVER, decision=Case.DECISION_APPROVED)
    assert route.delivery_centre == centre
    assert list(deliveries_for_clerk(user=clerk)) == [case]
    assert case not in deliveries_for_clerk(user=county.users["clerk"])


def test_centre_admin_cannot_name_a_peer_or_another_centre(county, centre_admin, town_a, town_b_item):
    from govhall.core.errors import PermissionDenied

    centre, _window, _clerk = town_a
    with pytest.raises(PermissionDenied):
        _agreement(centre_admin, centre, town_b_item)
