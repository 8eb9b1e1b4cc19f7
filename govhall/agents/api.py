"""JSON API of 帮办代办 under /api/agents/: consents (the agent records and lists them, the resident
lists and revokes theirs) and the hand-over steps of agent-point cases.

Objects outside the caller's reach are a 404 (never a 403 that confirms they exist)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from govhall.agents import selectors, services
from govhall.agents.models import AgentConsent, HandOver
from govhall.applicants.models import Person
from govhall.catalog.models import Item
from govhall.core.errors import PermissionDenied, ValidationError

router = Router(tags=["帮办代办"], auth=django_auth)

# An optional multipart file part (the scan, the signature); ruff B008 wants it out of the defaults.
OPTIONAL_FILE = File(None)


class ConsentOut(Schema):
    id: int
    resident_name: str
    resident_id_number: str  # masked
    agent: str
    point: str
    scope: str
    item_codes: list[str]
    method: str
    text_version: str
    given_at: datetime | None
    valid_until: date
    revoked_at: datetime | None
    status: str


class ConsentIn(Schema):
    id_number: str
    scope: str
    item_codes: list[str] = []
    method: str
    valid_until: date | None = None
    phone: str = ""
    note: str = ""


class RevokeIn(Schema):
    reason: str = ""


class HandOverOut(Schema):
    id: int
    step: int
    step_name: str
    papers: list[str]
    note: str
    by: str
    at: datetime
    centre: str
    received_by: str
    received_at: datetime | None


class HandOverIn(Schema):
    step: int
    papers: list[str] = []
    note: str = ""


def _consent_out(c: AgentConsent) -> dict:
    return {
        "id": c.pk,
        "resident_name": c.resident.name,
        "resident_id_number": c.resident.id_number_masked,
        "agent": c.agent.get_full_name() or c.agent.username,
        "point": c.point.name,
        "scope": c.scope,
        "item_codes": [i.code for i in c.items.all()],
        "method": c.method,
        "text_version": c.text_version,
        "given_at": c.given_at,
        "valid_until": c.valid_until,
        "revoked_at": c.revoked_at,
        "status": c.status,
    }


def _handover_out(h: HandOver) -> dict:
    return {
        "id": h.pk,
        "step": h.step,
        "step_name": h.get_step_display(),
        "papers": h.papers,
        "note": h.note,
        "by": h.by.get_full_name() or h.by.username,
        "at": h.at,
        "centre": h.centre.name if h.centre else "",
        "received_by": (h.received_by.get_full_name() or h.received_by.username) if h.received_by else "",
        "received_at": h.received_at,
    }


@router.get("/consents", response=list[ConsentOut], summary="代办授权列表（代办员：本人登记的；居民：本人给出的）")
def consent_list(request):
    agent = {c.pk: c for c in selectors.consents_for_agent(user=request.user)}
    own = {c.pk: c for c in selectors.consents_for_resident(user=request.user)}
    return [_consent_out(c) for _pk, c in sorted({**agent, **own}.items(), reverse=True)]


@router.post("/consents", response={201: ConsentOut}, summary="登记代办授权（代办员）")
def consent_create(request, body: Form[ConsentIn], file: UploadedFile | None = OPTIONAL_FILE):
    if services.agent_point(request.user) is None:
        raise PermissionDenied(_("只有嘎查村（社区）代办点的代办员可以登记代办授权"))
    resident = Person.objects.filter(id_number=body.id_number.strip().upper()).first()
    if resident is None:
        raise ValidationError("id_number", "unknown", _("该居民尚未登记"))
    items = list(Item.objects.filter(code__in=body.item_codes))
    if len(items) != len(set(body.item_codes)):
        raise ValidationError("item_codes", "unknown", _("事项编码有误"))
    consent = services.consent_record(
        actor=request.user,
        resident=resident,
        scope=body.scope,
        items=items,
        method=body.method,
        valid_until=body.valid_until,
        file_data=file.read() if file is not None else b"",
        phone=body.phone,
        note=body.note,
    )
    return Status(201, _consent_out(consent))


def _own_agent_consent(request, consent_id: int) -> AgentConsent:
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.agent_id != request.user.pk:
        raise Http404
    return consent


@router.post("/consents/{consent_id}/resident-confirm", response=ConsentOut, summary="居民本人确认手机确认方式的代办授权")
def consent_resident_confirm(request, consent_id: int):
    """Security review #2: the resident confirms with their own login; the agent never sees a code."""
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    if consent.resident.user_id != request.user.pk:
        raise Http404
    return _consent_out(services.consent_resident_confirm(actor=request.user, consent=consent))


@router.post("/consents/{consent_id}/revoke", response=ConsentOut, summary="撤销代办授权（居民本人或登记的代办员）")
def consent_revoke(request, consent_id: int, body: RevokeIn):
    consent = selectors.get_consent_for_user(user=request.user, consent_id=consent_id)
    return _consent_out(services.consent_revoke(actor=request.user, consent=consent, reason=body.reason))


@router.get("/cases/{case_id}/handovers", response=list[HandOverOut], summary="代办件的交接记录")
def handover_list(request, case_id: int):
    link = selectors.agent_case_for_user(user=request.user, case_id=case_id)
    return [_handover_out(h) for h in selectors.handovers_for_case(case=link.case)]


@router.post("/cases/{case_id}/handovers", response={201: HandOverOut}, summary="登记下一交接环节")
def handover_create(request, case_id: int, body: Form[HandOverIn], signature: UploadedFile | None = OPTIONAL_FILE):
    link = selectors.agent_case_for_user(user=request.user, case_id=case_id)
    handover = services.handover_record(
        actor=request.user,
        case=link.case,
        step=body.step,
        papers=body.papers,
        note=body.note,
        signature=signature.read() if signature is not None else b"",
    )
    return Status(201, _handover_out(handover))


@router.post("/handovers/{handover_id}/confirm", response=HandOverOut, summary="确认接收代办员递交的材料（接收中心窗口人员）")
def handover_confirm(request, handover_id: int):
    handover = HandOver.objects.filter(pk=handover_id).first()
    if handover is None:
        raise Http404
    selectors.agent_case_for_user(user=request.user, case_id=handover.case_id)
    return _handover_out(services.handover_confirm_receipt(actor=request.user, handover=handover))
