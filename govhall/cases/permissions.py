"""Who may see and act on a case (X-1). Services and selectors both ask here; nothing else decides.

- The applicant (the person, or the enterprise's legal representative) and whoever submitted on
  their behalf (a clerk, a village agent) see the case.
- Staff of the answerable department, and of any department with a task on it (会商联审), see it.
- Clerks see cases accepted at their centre, and submissions waiting for pre-review that their
  window may accept.
- Supervisors and auditors see every case, read-only.
"""

from __future__ import annotations

from govhall.cases.models import Case, CaseTask
from govhall.org.models import StaffProfile
from govhall.org.selectors import window_accepts


def staff_profile(user) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def is_applicant_side(user, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.submitted_by_id == user.pk:
        return True
    if case.applicant_person is not None and case.applicant_person.user_id == user.pk:
        return True
    enterprise = case.applicant_enterprise
    return bool(enterprise and enterprise.legal_representative and enterprise.legal_representative.user_id == user.pk)


def is_case_owner(user, case: Case) -> bool:
    """The applicant themself (not an agent): may withdraw."""
    if not user.is_authenticated:
        return False
    if case.applicant_person is not None:
        return case.applicant_person.user_id == user.pk
    enterprise = case.applicant_enterprise
    return bool(enterprise and enterprise.legal_representative and enterprise.legal_representative.user_id == user.pk)


def can_view(user, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_perm("cases.view_all_cases") or is_applicant_side(user, case):
        return True
    profile = staff_profile(user)
    if profile is None:
        return False
    if profile.department_id and (
        case.department_id == profile.department_id or CaseTask.objects.filter(case=case, department_id=profile.department_id).exists()
    ):
        return True
    if user.has_perm("cases.accept_case") and profile.centre_id:
        if case.centre_id == profile.centre_id:
            return True
        if case.status in (Case.STATUS_SUBMITTED, Case.STATUS_SUPPLEMENT) and can_accept_at_window(user, case):
            return True
    return False


def can_accept_at_window(user, case: Case) -> bool:
    """A clerk at a window set for the case's item (全科 windows accept every item of their centre)."""
    if not user.has_perm("cases.accept_case"):
        return False
    profile = staff_profile(user)
    if profile is None or profile.window is None or not profile.window.is_active:
        return False
    # 跨区通办 (ONE-2): another region's item only under a valid agreement.
    from govhall.crossregion.services import item_outside_region, window_may_accept_for_other_region

    if item_outside_region(centre=profile.window.centre, item=case.item):
        return window_may_accept_for_other_region(window=profile.window, item=case.item)
    return window_accepts(window=profile.window, item=case.item)


def can_do_task(user, task: CaseTask) -> bool:
    if task.status != CaseTask.STATUS_OPEN:
        return False
    profile = staff_profile(user)
    if profile is None:
        return False
    if task.role == "clerk":
        return user.has_perm("cases.accept_case") and profile.centre_id is not None and profile.centre_id == task.centre_id
    if profile.department_id is None or profile.department_id != task.department_id:
        return False
    if task.role in ("section_head", "leader"):
        return user.has_perm("cases.decide_case")
    return user.has_perm("cases.review_case")


def can_handle(user, case: Case) -> bool:
    """Staff of the answerable department who review or decide (pauses, extensions, delivery)."""
    profile = staff_profile(user)
    return bool(
        profile
        and profile.department_id
        and profile.department_id == case.department_id
        and (user.has_perm("cases.review_case") or user.has_perm("cases.decide_case"))
    )


def can_deliver(user, case: Case) -> bool:
    """一个窗口出件: the clerks of the accepting centre, or the answerable department."""
    profile = staff_profile(user)
    if profile is None:
        return False
    if user.has_perm("cases.accept_case") and profile.centre_id and profile.centre_id == case.centre_id:
        return True
    # 跨区通办 (ONE-2): the centre the applicant chose to collect the result at.
    route = getattr(case, "crossregion", None) if hasattr(case, "crossregion") else None
    if user.has_perm("cases.accept_case") and route is not None and profile.centre_id and route.delivery_centre_id == profile.centre_id:
        return True
    return can_handle(user, case)
