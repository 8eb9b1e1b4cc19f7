"""JSON API of shareddata under /api/shareddata/: the registry, a logged look-up for a case the
staff member handles, and the subject's own access log.

A case the user does not handle is a 404 (nothing is logged); a subject other than the case's
applicant is a 403."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth

from govhall.cases.models import Case
from govhall.core.errors import PermissionDenied
from govhall.core.identifiers import mask_ric
from govhall.shareddata.models import SUBJECT_PERSON, DataSource, LookupLog
from govhall.shareddata.selectors import case_subjects, handles_case, lookups_for_subject_owner
from govhall.shareddata.services import shared_lookup

router = Router(tags=["共享数据"], auth=django_auth)


class FieldOut(Schema):
    key: str
    label: str
    personal: bool


class SourceOut(Schema):
    code: str
    name: str
    aliases: list[str]
    owner: str
    subject_kinds: list[str]
    fields: list[FieldOut]


class LookupIn(Schema):
    subject: str  # 公民身份号码 or 统一社会信用代码 of the case's applicant (or its legal representative)
    source: str
    fields: list[str] = []
    purpose: str


class LookupOut(Schema):
    id: int
    source: str
    subject_kind: str
    fields: list[str]
    purpose: str
    case: int | None
    at: datetime
    records: list[dict[str, Any]]


class AccessOut(Schema):
    at: datetime
    who: str
    role: str
    unit: str
    source: str
    fields: list[str]
    purpose: str
    case_number: str | None
    subject: str
    channel: str


class PageParams(Schema):
    offset: int = 0
    limit: int = 50


@router.get("/sources", response=list[SourceOut], summary="共享数据目录")
def sources(request):
    return [
        {
            "code": s.code,
            "name": s.name,
            "aliases": s.aliases,
            "owner": s.owner_label,
            "subject_kinds": s.subject_kinds,
            "fields": s.fields,
        }
        for s in DataSource.objects.filter(is_active=True).select_related("owner")
    ]


@router.post("/cases/{case_id}/lookup", response={200: LookupOut}, summary="为所办理的办件查询申请人的共享数据（记录在案）")
def case_lookup(request, case_id: int, body: LookupIn):
    case = Case.objects.select_related("applicant_person", "applicant_enterprise__legal_representative").filter(pk=case_id).first()
    if case is None or not handles_case(request.user, case):
        raise Http404
    subject = next((s for s in case_subjects(case) if s.id == body.subject.strip().upper()), None)
    if subject is None:
        raise PermissionDenied(_("只能查询本办件申请人的数据"))
    result = shared_lookup(
        actor=request.user,
        subject=subject,
        source_code=body.source,
        fields=body.fields,
        case=case,
        purpose=body.purpose,
        channel=LookupLog.CHANNEL_API,
    )
    return {
        "id": result.log.pk,
        "source": result.source.code,
        "subject_kind": subject.kind,
        "fields": result.fields,
        "purpose": result.log.purpose,
        "case": case.pk,
        "at": result.log.at,
        "records": result.rows,
    }


@router.get("/my/access-log", response=list[AccessOut], summary="谁查看了我的数据")
def my_access_log(request, page: Query[PageParams]):
    limit = max(1, min(page.limit, 200))
    logs = lookups_for_subject_owner(user=request.user)[max(0, page.offset) : max(0, page.offset) + limit]
    return [
        {
            "at": log.at,
            "who": log.actor_name,
            "role": log.role,
            "unit": log.department_name,
            "source": log.source.code,
            "fields": log.fields,
            "purpose": log.purpose,
            "case_number": log.case.number if log.case else None,
            "subject": mask_ric(log.subject_id) if log.subject_kind == SUBJECT_PERSON else log.subject_id,
            "channel": log.channel,
        }
        for log in logs
    ]
