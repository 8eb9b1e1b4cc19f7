"""Read paths of shared data: who may look up what, a subject's access log, registry statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.models import Case, CaseTask
from govhall.shareddata.models import SUBJECT_ENTERPRISE, SUBJECT_PERSON, CaseDataUse, DataSource, LookupLog


@dataclass(frozen=True)
class Subject:
    """Whose data: a person by 公民身份号码 or an enterprise by 统一社会信用代码."""

    kind: str
    id: str
    name: str = ""

    @classmethod
    def of(cls, holder: Person | Enterprise) -> Subject:
        if isinstance(holder, Person):
            return cls(SUBJECT_PERSON, holder.id_number, holder.name)
        return cls(SUBJECT_ENTERPRISE, holder.uscc, holder.name)


def handles_case(user, case: Case) -> bool:
    """Staff who handle the case (not those who may only read it, such as supervisors): a clerk of
    the accepting centre or of a window that may accept it while it waits for pre-review, and the
    reviewers and deciders of the answerable department or of a department with a task on it."""
    if not user.is_authenticated or not user.has_perm("shareddata.lookup_for_case"):
        return False
    profile = permissions.staff_profile(user)
    if profile is None:
        return False
    if user.has_perm("cases.accept_case") and profile.centre_id:
        if case.centre_id == profile.centre_id:
            return True
        # Waiting for pre-review: only submissions this clerk's centre may take up (online ones with
        # no centre yet, its own, its child centres'), as in cases.selectors.prereview_queue_for_clerk.
        centre_ok = case.centre is None or case.centre_id == profile.centre_id or case.centre.parent_id == profile.centre_id
        if centre_ok and case.status in (Case.STATUS_SUBMITTED, Case.STATUS_SUPPLEMENT) and permissions.can_accept_at_window(user, case):
            return True
    if profile.department_id and (user.has_perm("cases.review_case") or user.has_perm("cases.decide_case")):
        if case.department_id == profile.department_id:
            return True
        return CaseTask.objects.filter(case=case, department_id=profile.department_id).exists()
    return False


def case_subjects(case: Case) -> list[Subject]:
    """Whose data may be looked up for a case: its applicant, and an enterprise's legal representative."""
    subjects = []
    if case.applicant_person is not None:
        subjects.append(Subject.of(case.applicant_person))
    enterprise = case.applicant_enterprise
    if enterprise is not None:
        subjects.append(Subject.of(enterprise))
        if enterprise.legal_representative is not None:
            subjects.append(Subject.of(enterprise.legal_representative))
    return subjects


def subjects_of_user(user) -> list[Subject]:
    """The subjects whose data is the user's own: their person record and the enterprises they represent."""
    if not user.is_authenticated:
        return []
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    return [Subject.of(person)] + [Subject.of(e) for e in Enterprise.objects.filter(legal_representative=person).order_by("id")]


def lookups_for_subject_owner(*, user) -> QuerySet[LookupLog]:
    """Who looked at my data (and my enterprises' data), newest first."""
    subjects = subjects_of_user(user)
    if not subjects:
        return LookupLog.objects.none()
    condition = Q()
    for subject in subjects:
        condition |= Q(subject_kind=subject.kind, subject_id=subject.id)
    return LookupLog.objects.filter(condition).select_related("source", "case")


def lookups_for_case(*, case: Case) -> QuerySet[LookupLog]:
    return LookupLog.objects.filter(case=case).select_related("source")


def data_uses_for_case(*, case: Case) -> list[CaseDataUse]:
    return list(CaseDataUse.objects.filter(case=case).select_related("source", "material"))


def sources_with_statistics(*, days: int = 30) -> list[DataSource]:
    """Every source with its record count, look-ups in all and in the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    sources: list[DataSource] = list(
        DataSource.objects.select_related("owner").annotate(
            record_count=Count("records", distinct=True),
        )
    )
    totals = dict(LookupLog.objects.values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    recent = dict(LookupLog.objects.filter(at__gte=since).values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    for source in sources:
        source.lookup_count = totals.get(source.pk, 0)  # type: ignore[attr-defined]
        source.recent_lookup_count = recent.get(source.pk, 0)  # type: ignore[attr-defined]
    return sources
