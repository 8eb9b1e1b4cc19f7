from datetime import UTC, datetime
from unittest import mock

import pytest
from django.utils import timezone

from govhall.cases.models import Case, CaseEvent
from govhall.cases.services import case_submit
from govhall.catalog.models import Item
from govhall.core.errors import PermissionDenied, ValidationError


def _submit(actor, item, **overrides):
    args = {
        "actor": actor,
        "item": item,
        "channel": Case.CHANNEL_ONLINE,
        "answers": ["q1.a", "q2.n"],
        "form": {"经营场所": "宝格德乌拉街1号"},
        "idempotency_key": None,
    }
    args.update(overrides)
    return case_submit(**args)


def _at(year, month, day, hour=10):
    # 10:00 in Asia/Shanghai
    return datetime(year, month, day, hour - 8, tzinfo=UTC)


def test_case_number_is_implementation_code_date_and_daily_sequence(applicant, food, enterprise):
    with mock.patch("govhall.cases.services.timezone.now", return_value=_at(2026, 11, 25)):
        first = _submit(applicant, food, applicant_enterprise=enterprise)
        second = _submit(applicant, food, applicant_enterprise=enterprise)
    assert first.number == f"{food.implementation_code}202611250001"
    assert second.number == f"{food.implementation_code}202611250002"
    assert len(first.query_code) == 6 and first.query_code.isalnum()


def test_daily_sequence_starts_again_the_next_day(applicant, food, enterprise):
    with mock.patch("govhall.cases.services.timezone.now", return_value=_at(2026, 11, 25)):
        _submit(applicant, food, applicant_enterprise=enterprise)
        _submit(applicant, food, applicant_enterprise=enterprise)
    with mock.patch("govhall.cases.services.timezone.now", return_value=_at(2026, 11, 26)):
        next_day = _submit(applicant, food, applicant_enterprise=enterprise)
    assert next_day.number.endswith("202611260001")


def test_sequences_are_counted_per_item(applicant, county, food, person):
    a = _submit(applicant, food, applicant_person=person)
    b = _submit(applicant, county.items["id_card"], applicant_person=person, answers=[])
    assert a.number[-4:] == b.number[-4:] == "0001"
    assert a.number[:-12] != b.number[:-12]


def test_submitting_twice_with_the_same_key_returns_the_same_case(applicant, food, person):
    first = _submit(applicant, food, applicant_person=person, idempotency_key="k-123")
    again = _submit(applicant, food, applicant_person=person, idempotency_key="k-123")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_another_users_idempotency_key_is_refused_without_showing_their_case(applicant, clerk, food, person):
    _submit(applicant, food, applicant_person=person, idempotency_key="k-123")
    with pytest.raises(ValidationError) as caught:
        _submit(clerk, food, applicant_person=person, idempotency_key="k-123")
    assert caught.value.errors[0].rule == "conflict"


def test_submitted_case_keeps_its_version_status_channel_and_event(applicant, food, person):
    case = _submit(applicant, food, applicant_person=person)
    assert case.status == Case.STATUS_SUBMITTED
    assert case.item_version == food.current
    assert case.channel == Case.CHANNEL_ONLINE
    assert case.on_behalf is False
    event = case.events.get()
    assert (event.seq, event.kind, event.actor) == (1, "submitted", applicant)
    assert event.after["status"] == "submitted"


def test_clerk_submits_on_behalf_of_an_applicant(clerk, food, person):
    case = _submit(clerk, food, applicant_person=person, channel=Case.CHANNEL_WINDOW)
    assert case.on_behalf is True


def test_applicant_cannot_submit_for_someone_else(county, food, clerk):
    from govhall.applicants.services import person_register

    stranger = person_register(actor=clerk, name="李四", id_number="15072720060101123X")
    with pytest.raises(PermissionDenied):
        _submit(county.users["applicant"], food, applicant_person=stranger)
    assert not Case.objects.exists()


def test_unknown_situation_option_is_refused(applicant, food, person):
    with pytest.raises(ValidationError) as caught:
        _submit(applicant, food, applicant_person=person, answers=["q1.z"])
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("answers", "unknown_option")
    assert not Case.objects.exists()


def test_suspended_item_cannot_be_applied_for(applicant, food, person):
    Item.objects.filter(pk=food.pk).update(status=Item.STATUS_SUSPENDED)
    food.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _submit(applicant, food, applicant_person=person)
    assert caught.value.errors[0].rule == "inactive"
    assert not Case.objects.exists()


def test_item_for_persons_only_refuses_an_enterprise(applicant, county, enterprise):
    with pytest.raises(ValidationError) as caught:
        _submit(applicant, county.items["id_card"], applicant_enterprise=enterprise, answers=[])
    assert caught.value.errors[0].rule == "audience"


def test_case_submitted_today_is_numbered_with_todays_date(applicant, food, person):
    case = _submit(applicant, food, applicant_person=person)
    assert f"{timezone.localdate():%Y%m%d}0001" in case.number


def test_case_keeps_the_version_it_was_submitted_under_when_the_item_changes(applicant, dept_admin, food, person):
    from govhall.catalog.services import item_update, version_to_data

    case = _submit(applicant, food, applicant_person=person)
    data = version_to_data(food.current)
    data["phone"] = "0470-6419999"
    item_update(actor=dept_admin, item=food, data=data, reason="改电话", expected_version=1)
    case.refresh_from_db()
    assert case.item_version.number == 1
    assert case.item_version.phone == "0470-6412345"
    assert food.current.number == 2


def test_a_village_agent_applying_for_a_resident_is_recorded_as_the_agent_point_without_a_hall_visit(county, food, person):
    from django.contrib.auth.models import Group, User

    from govhall.org import roles
    from govhall.org.models import Division, ServiceCentre, StaffProfile, Window

    point = ServiceCentre.objects.create(
        name="宝格德乌拉嘎查代办点", level=ServiceCentre.LEVEL_VILLAGE, division=Division.objects.get(code="150727"), parent=county.centre
    )
    window = Window.objects.create(centre=point, number="01", name="代办窗口", kind=Window.KIND_HELP)
    agent = User.objects.create_user(username="agent", password="govhall-test-pw")
    agent.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=agent, centre=point, window=window)
    from govhall.agents.services import consent_record

    # The resident's consent, signed at the agent point (ONE-4), comes first.
    consent_record(
        actor=agent, resident=person, scope="items", items=[food], method="signature", file_data=b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    )

    case = _submit(agent, food, applicant_person=person, channel=Case.CHANNEL_WINDOW)

    assert case.channel == Case.CHANNEL_AGENT_POINT
    assert case.on_behalf is True
    assert case.centre == point
    assert case.visits == 0
    # The county hall's comprehensive window receives it for pre-review.
    from govhall.cases.selectors import prereview_queue_for_clerk

    assert case in prereview_queue_for_clerk(user=county.users["clerk"])
