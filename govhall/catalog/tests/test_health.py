"""CAT-6: the health report flags items nobody applied for over the last year (零办件)."""

import datetime as dt

from django.utils import timezone

from govhall.applicants.services import person_register
from govhall.cases.services import case_submit
from govhall.catalog.health import ZERO_CASE_PROBLEM, catalog_health
from govhall.catalog.models import Item


def _age(item: Item, days: int) -> None:
    Item.objects.filter(pk=item.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def _problems(item: Item) -> list[str]:
    return next((row.problems for row in catalog_health() if row.item.pk == item.pk), [])


def test_item_without_a_case_for_a_year_is_reported_as_zero_case(county):
    food = county.items["food"]
    _age(food, 400)
    assert ZERO_CASE_PROBLEM in _problems(food)


def test_item_with_a_recent_case_is_not_zero_case(county):
    food = county.items["food"]
    _age(food, 400)
    person = person_register(actor=county.users["clerk"], name="张三", id_number="150727200501011232", user=county.users["applicant"])
    case_submit(
        actor=county.users["applicant"], item=food, applicant_person=person, channel="online", answers=[], form={}, idempotency_key=None
    )
    assert ZERO_CASE_PROBLEM not in _problems(food)


def test_item_published_within_the_year_is_not_yet_zero_case(county):
    food = county.items["food"]
    _age(food, 30)
    assert ZERO_CASE_PROBLEM not in _problems(food)
