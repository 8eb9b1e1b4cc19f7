"""Who may see and act on a work order, a knowledge entry or a 办不成事 problem (X-1).

- Work orders: the centre admin and the clerks at the 投诉窗口 of the centre that took the order see
  all of that centre's orders, register and dispatch; the department admin of the department the
  order is dispatched to sees it and replies or returns it; the centre admin calls back and closes;
  supervisors and auditors read everything; the complainant who filed it online sees their own.
- Knowledge: everyone reads published entries; the centre admin edits all, a department admin the
  entries their department owns or that are linked to their department's items.
- 办不成事: the clerks at the 办不成事 window and the centre admin log and escalate; the named
  leader (and the centre admin) work it to a solution; supervisors read everything.
"""

from __future__ import annotations

from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry
from govhall.org.models import StaffProfile, Window


def staff_profile(user) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def _clerk_at(user, kind: str) -> StaffProfile | None:
    """The profile of a clerk sitting at an active window of `kind`."""
    profile = staff_profile(user)
    if profile is None or profile.window is None or not profile.window.is_active or profile.window.kind != kind:
        return None
    return profile


def is_centre_admin(user) -> bool:
    return user.has_perm("complaints.callback_complaint") and staff_profile(user) is not None


def complaint_desk_centre_id(user) -> int | None:
    """The centre whose work orders this user registers and dispatches: the centre admin's centre,
    or the centre of a clerk at its 投诉窗口."""
    if not user.has_perm("complaints.dispatch_complaint"):
        return None
    profile = staff_profile(user)
    if profile is None or profile.centre_id is None:
        return None
    if user.has_perm("complaints.callback_complaint"):
        return profile.centre_id
    return profile.centre_id if _clerk_at(user, Window.KIND_COMPLAINT) else None


def reply_department_id(user) -> int | None:
    if not user.has_perm("complaints.reply_complaint"):
        return None
    profile = staff_profile(user)
    return profile.department_id if profile else None


def can_view_complaint(user, complaint: Complaint) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_perm("complaints.view_all_complaints"):
        return True
    if complaint.filed_by_id == user.pk:
        return True
    centre_id = complaint_desk_centre_id(user)
    if centre_id and centre_id == complaint.centre_id:
        return True
    department_id = reply_department_id(user)
    return bool(department_id and department_id == complaint.department_id)


def can_dispatch(user, complaint: Complaint) -> bool:
    centre_id = complaint_desk_centre_id(user)
    return bool(centre_id and centre_id == complaint.centre_id)


def can_reply(user, complaint: Complaint) -> bool:
    department_id = reply_department_id(user)
    return bool(department_id and department_id == complaint.department_id)


def can_call_back(user, complaint: Complaint) -> bool:
    profile = staff_profile(user)
    return bool(user.has_perm("complaints.callback_complaint") and profile and profile.centre_id == complaint.centre_id)


def is_complainant(user, complaint: Complaint) -> bool:
    return user.is_authenticated and complaint.filed_by_id == user.pk


# --- knowledge -----------------------------------------------------------------------------------


def can_manage_knowledge(user) -> bool:
    return user.has_perm("complaints.manage_knowledge") and staff_profile(user) is not None


def can_edit_entry(user, entry: KnowledgeEntry) -> bool:
    if not can_manage_knowledge(user):
        return False
    if user.has_perm("complaints.callback_complaint"):  # the centre admin keeps the whole base
        return True
    profile = staff_profile(user)
    if profile is None or profile.department_id is None:
        return False
    if entry.department_id == profile.department_id:
        return True
    return entry.pk is not None and entry.items.filter(department_id=profile.department_id).exists()


# --- 办不成事 ----------------------------------------------------------------------------------------


def cant_do_desk_centre_id(user) -> int | None:
    if not user.has_perm("complaints.log_cant_do"):
        return None
    profile = staff_profile(user)
    if profile is None or profile.centre_id is None:
        return None
    if user.has_perm("complaints.callback_complaint"):
        return profile.centre_id
    return profile.centre_id if _clerk_at(user, Window.KIND_CANT_DO) else None


def can_view_problem(user, problem: CantDoProblem) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_perm("complaints.view_all_cant_do") or problem.leader_id == user.pk:
        return True
    centre_id = cant_do_desk_centre_id(user)
    return bool(centre_id and centre_id == problem.centre_id)


def can_log_problem(user, problem: CantDoProblem) -> bool:
    centre_id = cant_do_desk_centre_id(user)
    return bool(centre_id and centre_id == problem.centre_id)


def can_solve_problem(user, problem: CantDoProblem) -> bool:
    if problem.leader_id == user.pk and user.has_perm("complaints.solve_cant_do"):
        return True
    profile = staff_profile(user)
    return bool(user.has_perm("complaints.callback_complaint") and profile and profile.centre_id == problem.centre_id)


def is_leader_candidate(user) -> bool:
    """A named leader: a centre admin or a department's leader (department admin, section head)."""
    return user.is_active and user.has_perm("complaints.solve_cant_do") and staff_profile(user) is not None
