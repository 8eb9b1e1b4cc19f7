"""代办授权 (ONE-4): an agent submits for a resident only under the resident's consent in force that
covers the item; the case records the consent it used."""

import datetime as dt

import pytest

from govhall.agents.models import AgentCase, AgentConsent
from govhall.agents.services import consent_record, consent_resident_confirm, consent_revoke
from govhall.agents.tests.conftest import NOW, PDF, PNG
from govhall.cases.models import Case, CaseEvent
from govhall.cases.services import case_submit
from govhall.core.errors import PermissionDenied, ValidationError


def _submit(agent, item, resident, **kwargs):
    return case_submit(
        actor=agent,
        item=item,
        applicant_person=resident,
        channel=Case.CHANNEL_WINDOW,
        answers=[],
        form={"contact_name": resident.name},
        idempotency_key=None,
        **kwargs,
    )


def _consent(agent, resident, items, **kwargs):
    kwargs.setdefault("method", AgentConsent.METHOD_SIGNATURE)
    kwargs.setdefault("file_data", PNG)
    scope = kwargs.pop("scope", AgentConsent.SCOPE_ITEMS)
    return consent_record(actor=agent, resident=resident, scope=scope, items=items, **kwargs)


def test_an_agent_submission_without_consent_is_refused_and_nothing_is_saved(agent, food, resident):
    with pytest.raises(ValidationError) as caught:
        _submit(agent, food, resident)

    error = caught.value.errors[0]
    assert error.field == "consent"
    assert "没有“张三”对本事项的有效代办授权" in error.message
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_with_a_signed_consent_the_case_goes_through_the_agent_point_and_links_the_consent(agent, point, food, resident):
    consent = _consent(agent, resident, [food])

    case = _submit(agent, food, resident)

    assert case.channel == Case.CHANNEL_AGENT_POINT and case.on_behalf
    link = AgentCase.objects.get(case=case)
    assert link.consent == consent and link.agent == agent and link.point == point
    assert consent.text_version and consent.given_at == NOW


def test_a_consent_for_all_items_holds_for_90_days_then_the_submission_is_refused(agent, food, id_card, resident):
    consent = _consent(agent, resident, [], scope=AgentConsent.SCOPE_ALL, method=AgentConsent.METHOD_WRITTEN, file_data=PDF)
    assert consent.valid_until == NOW.date() + dt.timedelta(days=90)
    assert _submit(agent, id_card, resident).agent_link.consent == consent

    from unittest import mock

    later = NOW + dt.timedelta(days=91)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(ValidationError) as caught:
        _submit(agent, food, resident)
    assert "没有“张三”对本事项的有效代办授权" in caught.value.errors[0].message


def test_an_expired_consent_chosen_explicitly_is_refused_with_its_end_date(agent, food, resident):
    consent = _consent(agent, resident, [food], valid_until=NOW.date() + dt.timedelta(days=5))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=NOW + dt.timedelta(days=6)), pytest.raises(ValidationError) as caught:
        _submit(agent, food, resident, consent=consent)

    assert caught.value.errors[0].field == "consent"
    assert f"已于 {consent.valid_until:%Y-%m-%d} 到期" in caught.value.errors[0].message
    assert Case.objects.count() == 0


def test_after_the_resident_revokes_the_consent_the_agent_is_refused(agent, applicant, food, resident):
    consent = _consent(agent, resident, [food])
    consent_revoke(actor=applicant, consent=consent, reason="自己去大厅办")

    with pytest.raises(ValidationError) as caught:
        _submit(agent, food, resident, consent=consent)

    assert "居民已撤销该代办授权" in caught.value.errors[0].message
    assert Case.objects.count() == 0


def test_a_consent_for_one_item_does_not_cover_another(agent, food, id_card, resident):
    consent = _consent(agent, resident, [food])

    with pytest.raises(ValidationError) as caught:
        _submit(agent, id_card, resident, consent=consent)

    assert caught.value.errors[0].field == "consent"
    assert "不包括事项“居民身份证换领”" in caught.value.errors[0].message


def test_another_agents_consent_does_not_let_this_agent_submit(agent, other_agent, food, resident):
    consent = _consent(other_agent, resident, [food])

    with pytest.raises(ValidationError) as caught:
        _submit(agent, food, resident, consent=consent)

    assert "不是申请人给您本人的授权" in caught.value.errors[0].message


def test_a_phone_consent_holds_only_once_the_resident_confirms_it_with_their_own_login(agent, food, resident, applicant):
    consent = _consent(agent, resident, [food], method=AgentConsent.METHOD_CODE, file_data=b"")
    assert consent.status == AgentConsent.STATUS_PENDING
    with pytest.raises(ValidationError):
        _submit(agent, food, resident)

    # The agent cannot confirm on the resident's behalf (security review #2).
    with pytest.raises(PermissionDenied):
        consent_resident_confirm(actor=agent, consent=consent)
    consent.refresh_from_db()
    assert consent.status == AgentConsent.STATUS_PENDING

    consent = consent_resident_confirm(actor=applicant, consent=consent)

    assert consent.code_confirmed_at == NOW and consent.status == AgentConsent.STATUS_VALID
    assert _submit(agent, food, resident).agent_link.consent == consent


def test_a_written_consent_must_be_a_pdf_or_image_by_its_content(agent, food, resident):
    with pytest.raises(ValidationError) as caught:
        _consent(agent, resident, [food], method=AgentConsent.METHOD_WRITTEN, file_data=b"MZ\x90\x00 not a scan")
    assert caught.value.errors[0].field == "file"
    assert "只接受 PDF、JPEG 或 PNG" in caught.value.errors[0].message
    with pytest.raises(ValidationError) as caught:
        _consent(agent, resident, [food], method=AgentConsent.METHOD_SIGNATURE, file_data=PDF)
    assert "签名只接受 JPEG 或 PNG" in caught.value.errors[0].message
    assert AgentConsent.objects.count() == 0


def test_an_oversized_consent_scan_is_refused(agent, food, resident, settings):
    settings.GOVHALL_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        _consent(agent, resident, [food], method=AgentConsent.METHOD_WRITTEN, file_data=PDF + b"0" * (1024 * 1024))
    assert "文件不能超过 1 MB" in caught.value.errors[0].message


def test_a_county_clerk_cannot_record_consents(clerk, food, resident):
    with pytest.raises(PermissionDenied):
        _consent(clerk, resident, [food])


def test_the_county_window_still_submits_without_any_consent(clerk, food, resident):
    case = _submit(clerk, food, resident)
    assert case.channel == Case.CHANNEL_WINDOW
    assert not AgentCase.objects.exists()
