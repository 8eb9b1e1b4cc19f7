"""Read paths of cases."""

from __future__ import annotations

import secrets
from datetime import date

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.models import EVENT_KIND_LABELS, Case, CaseCommitment, CaseDocument, CaseExtension, CaseTask, Notification
from govhall.org.selectors import items_for_window


def case_for_tracking(*, number: str, code: str) -> Case:
    """The case with this number and query code, or 404 — the same 404 for an unknown number and a
    wrong code, so numbers cannot be probed."""
    case = Case.objects.select_related("item_version").filter(number=(number or "").strip()).first()
    given = (code or "").strip().upper()
    # Compared in constant time even when there is no such case.
    expected = case.query_code if case is not None else "\0" * 6
    if not secrets.compare_digest(given.encode(), expected.encode()) or case is None:
        raise Http404
    return case


def get_case_for_user(*, user, case_id: int) -> Case:
    """The case if this user may see it, else 404 (never a 403 that confirms it exists)."""
    case = (
        Case.objects.select_related(
            "item_version", "item_version__department", "applicant_person", "applicant_enterprise", "department", "window", "centre"
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not permissions.can_view(user, case):
        raise Http404
    return case


def get_task_for_user(*, user, task_id: int) -> CaseTask:
    task = CaseTask.objects.select_related("case", "department").filter(pk=task_id).first()
    if task is None or not permissions.can_view(user, task.case):
        raise Http404
    return task


def cases_for_applicant(*, user, status: str = "") -> QuerySet[Case]:
    """The applicant's own cases (and those they submitted for others), newest first.

    The user's person and represented enterprises are looked up first: an OR across joined tables makes PostgreSQL read every case (over
    a second at a million cases), while an OR of three indexed columns is a few index reads
    (bench/cases_scale.py)."""
    if not user.is_authenticated:
        return Case.objects.none()
    q = Q(submitted_by=user)
    person_ids = list(Person.objects.filter(user=user).values_list("pk", flat=True))
    if person_ids:
        q |= Q(applicant_person_id__in=person_ids)
    enterprise_ids = list(Enterprise.objects.filter(legal_representative__user=user).values_list("pk", flat=True))
    if enterprise_ids:
        q |= Q(applicant_enterprise_id__in=enterprise_ids)
    qs = Case.objects.filter(q).select_related("item_version", "department")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def prereview_queue_for_clerk(*, user) -> QuerySet[Case]:
    """Submissions waiting for acceptance that this clerk's window may accept, oldest first (first
    come, first served)."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.window is None or not user.has_perm("cases.accept_case"):
        return Case.objects.none()
    centre_id = profile.window.centre_id
    # Online submissions, those made at this centre, and those its village agent points passed on.
    qs = Case.objects.filter(status=Case.STATUS_SUBMITTED, bundle_part__isnull=True).filter(
        Q(centre__isnull=True) | Q(centre_id=centre_id) | Q(centre__parent_id=centre_id)
    )  # a bundle's item cases are accepted together, from the bundle queue (ONE-1)
    if not profile.window.accepts_all_items:
        qs = qs.filter(item__in=items_for_window(window=profile.window))
    return qs.select_related("item_version", "applicant_person", "applicant_enterprise").order_by("submitted_at", "id")


def deliveries_for_clerk(*, user) -> QuerySet[Case]:
    """Decided cases whose result this clerk's centre hands out (一个窗口出件)."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre_id is None or not user.has_perm("cases.accept_case"):
        return Case.objects.none()
    return (
        # 跨区通办 (ONE-2): a result goes out where the applicant chose, which may be another centre.
        Case.objects.filter(status=Case.STATUS_TO_DELIVER)
        .filter(
            Q(crossregion__delivery_centre_id=profile.centre_id)
            | Q(centre_id=profile.centre_id) & (Q(crossregion__isnull=True) | Q(crossregion__delivery_centre__isnull=True))
        )
        .select_related("item_version", "applicant_person", "applicant_enterprise")
        .order_by("decided_at", "id")
    )


def deliveries_for_department(*, user) -> QuerySet[Case]:
    """Decided cases of the staff member's department whose result has still to go out."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.department_id is None:
        return Case.objects.none()
    return (
        Case.objects.filter(status=Case.STATUS_TO_DELIVER, department_id=profile.department_id)
        .select_related("item_version", "applicant_person", "applicant_enterprise")
        .order_by("decided_at", "id")
    )


def tasks_for_staff(*, user) -> QuerySet[CaseTask]:
    """Open tasks this staff member may do: their department's, for their roles (a clerk: the
    即办件 decisions of their centre); the least time left first."""
    profile = permissions.staff_profile(user)
    if profile is None:
        return CaseTask.objects.none()
    roles: list[str] = []
    if user.has_perm("cases.review_case"):
        roles += ["approver", "certifier"]
    if user.has_perm("cases.decide_case"):
        roles += ["section_head", "leader"]
    q = Q(pk__in=[])
    if profile.department_id and roles:
        q |= Q(department_id=profile.department_id, role__in=roles)
    if profile.centre_id and user.has_perm("cases.accept_case"):
        q |= Q(centre_id=profile.centre_id, role="clerk")
    return (
        CaseTask.objects.filter(q, status=CaseTask.STATUS_OPEN)
        .select_related("case", "case__item_version", "department")
        .order_by(F("case__due_date").asc(nulls_last=True), "opened_at", "id")
    )


def extensions_pending_for_head(*, user) -> QuerySet[CaseExtension]:
    profile = permissions.staff_profile(user)
    if profile is None or profile.department_id is None or not user.has_perm("cases.decide_case"):
        return CaseExtension.objects.none()
    return (
        CaseExtension.objects.filter(status=CaseExtension.STATUS_PENDING, case__department_id=profile.department_id)
        .exclude(requested_by=user)
        .select_related("case", "case__item_version", "requested_by")
    )


def rongque_commitments_for_staff(*, user, overdue_only: bool = False, today: date | None = None) -> QuerySet[CaseCommitment]:
    """Open 容缺 commitments of the clerk's centre or the staff member's department, the most
    overdue first."""
    profile = permissions.staff_profile(user)
    if profile is None:
        return CaseCommitment.objects.none()
    q = Q(pk__in=[])
    if profile.department_id:
        q |= Q(case__department_id=profile.department_id)
    if profile.centre_id and user.has_perm("cases.accept_case"):
        q |= Q(case__centre_id=profile.centre_id)
    # Only cases still being handled: a withdrawn or terminated case owes no more materials.
    qs = CaseCommitment.objects.filter(
        q, kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN, case__status__in=Case.CLOCK_STATUSES
    )
    if overdue_only:
        qs = qs.filter(due_date__lt=today or timezone.localdate())
    return qs.select_related("case", "case__item_version").order_by("due_date", "id")


def verifications_for_department(*, user) -> QuerySet[CaseCommitment]:
    """告知承诺 verifications the staff member's department must carry out, soonest due first."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.department_id is None or not user.has_perm("cases.review_case"):
        return CaseCommitment.objects.none()
    return (
        CaseCommitment.objects.filter(
            kind=CaseCommitment.KIND_GAOZHI, status=CaseCommitment.STATUS_OPEN, case__department_id=profile.department_id
        )
        .select_related("case", "case__item_version")
        .order_by("due_date", "id")
    )


def case_timeline(*, case: Case) -> list[dict]:
    """The case's steps for people: what happened, when, by which department or window (staff
    names are not shown to applicants)."""
    return [
        {
            "seq": e.seq,
            "kind": e.kind,
            "label": str(EVENT_KIND_LABELS.get(e.kind, e.kind)),
            "at": e.at,
            "actor_id": e.actor_id,
            "after": e.after,
        }
        for e in case.events.order_by("seq")
    ]


def notifications_for_user(*, user, unread_only: bool = True) -> QuerySet[Notification]:
    """The user's own messages, newest first (no one reads another's)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.select_related("case").order_by("-created_at", "-id")


def unread_notification_count(*, user) -> int:
    return notifications_for_user(user=user).count() if user.is_authenticated else 0


def get_notification_for_user(*, user, notification_id: int) -> Notification:
    notification = notifications_for_user(user=user, unread_only=False).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return notification


def notification_target(notification: Notification, *, user) -> str:
    """The page a message leads to: its link, else its case as the user sees cases (the staff case
    page, or the applicant's own), else the message list."""
    link = notification.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):  # a page of this site only
        return link
    if notification.case_id is not None:
        if getattr(user, "staff", None) is not None or user.is_staff:
            return reverse("cases_staff:case", args=[notification.case_id])
        return reverse("cases_applicant:case", args=[notification.case_id])
    return reverse("notifications:list")


def supplement_notice(*, case: Case) -> CaseDocument | None:
    """The latest 补正材料一次性告知书 of the case."""
    return case.documents.filter(kind=CaseDocument.KIND_SUPPLEMENT).order_by("-issued_at", "-id").first()


def supplement_points_unanswered(*, case: Case, notice: CaseDocument | None = None) -> list[int]:
    """Indexes of the notice's points not yet answered by a file uploaded after it was issued: a
    material of the list by that material, another point by a file of that name."""
    notice = notice or supplement_notice(case=case)
    if notice is None:
        return []
    since = list(case.materials.filter(replaced=False, uploaded_at__gte=notice.issued_at))
    materials = {m.material_id for m in since if m.material_id}
    names = {m.name for m in since if m.material_id is None}
    open_points = []
    for index, point in enumerate(notice.body.get("points", [])):
        mid = point.get("material_id")
        if not (mid in materials if mid else point.get("name", "") in names):
            open_points.append(index)
    return open_points
