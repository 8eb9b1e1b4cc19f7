"""Read paths: the work orders, knowledge entries and 办不成事 problems a user may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from govhall.catalog.search import normalise_query
from govhall.complaints import permissions
from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry
from govhall.core.calendar import CalendarError, working_days_signed_many

# --- work orders ---------------------------------------------------------------------------------


def complaints_for_staff(*, user) -> QuerySet[Complaint]:
    """Every order the user may see as staff (none for people without a complaints role)."""
    qs = Complaint.objects.select_related("department", "centre")
    if user.has_perm("complaints.view_all_complaints"):
        return qs
    scope = Q(pk__in=[])
    centre_id = permissions.complaint_desk_centre_id(user)
    if centre_id:
        scope |= Q(centre_id=centre_id)
    department_id = permissions.reply_department_id(user)
    if department_id:
        scope |= Q(department_id=department_id)
    return qs.filter(scope)


def complaints_for_applicant(*, user) -> QuerySet[Complaint]:
    if not user.is_authenticated:
        return Complaint.objects.none()
    return Complaint.objects.filter(filed_by=user).select_related("department")


def get_complaint_for_user(*, user, complaint_id: int) -> Complaint:
    """The order, or 404 when it does not exist or the user may not see it."""
    complaint = (
        Complaint.objects.select_related("department", "centre", "related_item", "related_window", "related_case")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None or not permissions.can_view_complaint(user, complaint):
        raise Http404
    return complaint


def overdue_q(today) -> Q:
    """Not replied by its due date (dispatched, or reopened, and the due date has passed)."""
    return Q(status=Complaint.STATUS_DISPATCHED, due_date__lt=today)


@dataclass
class ComplaintFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    kind: str = ""
    department: int | None = None
    overdue: bool = False


def complaints_filtered(qs: QuerySet[Complaint], filters: ComplaintFilters) -> QuerySet[Complaint]:
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(hotline_number__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    if filters.status == "open":
        qs = qs.filter(status__in=Complaint.OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.overdue:
        qs = qs.filter(overdue_q(timezone.localdate())).order_by("due_date", "id")
    return qs


def remaining_days_for(rows: list, today=None) -> dict[int, int | None]:
    """Working days left to each open row's due date (negative: days late), one calendar query."""
    today = today or timezone.localdate()
    spans = {row.pk: (today, row.due_date) for row in rows if row.due_date and row.is_open}
    try:
        counted = working_days_signed_many(spans.values())
    except CalendarError:
        return {pk: None for pk in spans}
    return {pk: counted[span] for pk, span in spans.items()}


def complaint_counts(qs: QuerySet[Complaint]) -> dict[str, int]:
    today = timezone.localdate()
    return {
        "open": qs.filter(status__in=Complaint.OPEN_STATUSES).count(),
        "to_dispatch": qs.filter(status__in=(Complaint.STATUS_REGISTERED, Complaint.STATUS_RETURNED)).count(),
        "dispatched": qs.filter(status=Complaint.STATUS_DISPATCHED).count(),
        "overdue": qs.filter(overdue_q(today)).count(),
        "to_call_back": qs.filter(status=Complaint.STATUS_REPLIED).count(),
        "closed": qs.filter(status=Complaint.STATUS_CLOSED).count(),
    }


# --- knowledge -----------------------------------------------------------------------------------


def knowledge_search(
    *, query: str = "", topic: str = "", published_only: bool = True, qs: QuerySet[KnowledgeEntry] | None = None
) -> QuerySet[KnowledgeEntry]:
    """Entries matching `query` in Chinese, full pinyin or initials, ranked: the question starts
    with the query; the question contains it; keywords, topic or the answer contain it. Then the
    most viewed. The public sees published entries only."""
    qs = KnowledgeEntry.objects.all() if qs is None else qs
    if published_only:
        qs = qs.filter(status=KnowledgeEntry.STATUS_PUBLISHED)
    if topic:
        qs = qs.filter(topic=topic)
    q = normalise_query(query)
    if not q:
        return qs.order_by("-view_count", "-updated_at", "-id")
    starts = Q(question_search__startswith=q) | Q(question_search__contains=f" {q}")
    relevance = Case(When(starts, then=Value(0)), When(question_search__contains=q, then=Value(1)), default=Value(2))
    return qs.filter(search_text__contains=q).order_by(relevance, "-view_count", "-id")


def knowledge_topics() -> list[str]:
    return list(
        KnowledgeEntry.objects.filter(status=KnowledgeEntry.STATUS_PUBLISHED)
        .exclude(topic="")
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )


def get_entry_public(*, entry_id: int) -> KnowledgeEntry:
    entry = KnowledgeEntry.objects.filter(pk=entry_id, status=KnowledgeEntry.STATUS_PUBLISHED).first()
    if entry is None:
        raise Http404
    return entry


def entries_for_staff(*, user) -> QuerySet[KnowledgeEntry]:
    """Staff read the whole base, drafts included."""
    return KnowledgeEntry.objects.select_related("department", "updated_by")


# --- 办不成事 ----------------------------------------------------------------------------------------


def problems_for_staff(*, user) -> QuerySet[CantDoProblem]:
    qs = CantDoProblem.objects.select_related("leader", "department", "item", "received_by")
    if user.has_perm("complaints.view_all_cant_do"):
        return qs
    scope = Q(leader_id=user.pk)
    centre_id = permissions.cant_do_desk_centre_id(user)
    if centre_id:
        scope |= Q(centre_id=centre_id)
    return qs.filter(scope)


def get_problem_for_user(*, user, problem_id: int) -> CantDoProblem:
    problem = CantDoProblem.objects.select_related("leader", "department", "item", "case", "received_by").filter(pk=problem_id).first()
    if problem is None or not permissions.can_view_problem(user, problem):
        raise Http404
    return problem


def root_cause_counts(qs: QuerySet[CantDoProblem]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every root cause over `qs`."""
    counts: Counter[str] = Counter()
    for causes in qs.values_list("root_causes", flat=True):
        counts.update(causes or [])
    return [(code, str(label), counts[code]) for code, label in CantDoProblem.ROOT_CAUSES]
