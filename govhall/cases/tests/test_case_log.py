import pytest
from django.core.management import call_command
from django.db import connection

from govhall.cases.models import Case, CaseEvent, ImmutableEvent
from govhall.cases.services import case_event_append, case_submit


def _run_verify(capsys):
    try:
        call_command("verify_case_log")
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def three_events(applicant, clerk, food, person):
    first = case_submit(
        actor=applicant, item=food, applicant_person=person, channel="online", answers=["q1.a"], form={}, idempotency_key=None
    )
    # A kiosk submission: no hall visit is counted, so exactly one event.
    second = case_submit(actor=clerk, item=food, applicant_person=person, channel="kiosk", answers=[], form={}, idempotency_key=None)
    case_event_append(case=first, kind="accepted", actor=clerk, before={"status": "submitted"}, after={"status": "accepted"})
    return first, second


def test_intact_chain_verifies(three_events, capsys):
    code, output = _run_verify(capsys)
    assert code == 0
    assert "intact: 3 events" in output


def test_events_chain_one_to_the_next(three_events):
    events = list(CaseEvent.objects.order_by("id"))
    assert events[0].prev_hash == ""
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert [e.seq for e in events if e.case_id == three_events[0].pk] == [1, 2]


def test_rewriting_an_event_behind_the_applications_back_is_reported(three_events, capsys):
    target = CaseEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CaseEvent._meta.db_table} SET after = %s WHERE id = %s", ['{"status": "accepted"}', target.pk])
    code, output = _run_verify(capsys)
    assert code == 1
    assert f"event {target.pk}" in output
    assert target.case.number in output
    assert target.hash in output


def test_a_deleted_event_is_detected(three_events, capsys):
    target = CaseEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CaseEvent._meta.db_table} WHERE id = %s", [target.pk])
    code, output = _run_verify(capsys)
    assert code == 1
    following = CaseEvent.objects.order_by("id")[1]
    assert f"event {following.pk}" in output


def test_a_deleted_last_event_is_detected(three_events, capsys):
    last = CaseEvent.objects.order_by("id").last()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CaseEvent._meta.db_table} WHERE id = %s", [last.pk])
    code, output = _run_verify(capsys)
    assert code == 1
    assert "head" in output


def test_events_cannot_be_changed_or_deleted_through_the_model(three_events):
    event = CaseEvent.objects.first()
    event.after = {"status": "forged"}
    with pytest.raises(ImmutableEvent):
        event.save()
    with pytest.raises(ImmutableEvent):
        event.delete()
    assert Case.objects.count() == 2


def test_both_sm3_implementations_give_the_same_digest():
    from govhall.cases.chain import _sm3_gmssl, sm3_hex

    # GB/T 32905-2016 example 1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abc") == _sm3_gmssl(b"abc") == expected
