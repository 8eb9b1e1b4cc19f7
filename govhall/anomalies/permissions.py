"""Who may see and act on anomaly hits and supervision tasks.

- Supervisors (监管人员) and auditors see every hit and task; supervisors review hits, assign,
  close and return tasks, and start scans. Auditors only read.
- A department admin sees and answers the tasks assigned to their department; the admin of a
  service centre sees and answers the tasks assigned to a window of their centre. Neither sees
  the hit list: they read the hits of their own tasks on the task page.
- Everyone else (applicants, clerks, approvers) sees nothing: 404.
"""

from __future__ import annotations

from govhall.anomalies.models import SupervisionTask
from govhall.org import roles
from govhall.org.models import StaffProfile


def staff_profile(user) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def can_view_hits(user) -> bool:
    return user.is_authenticated and user.has_perm("anomalies.view_all_anomalies")


def can_review(user) -> bool:
    return user.is_authenticated and user.has_perm("anomalies.review_anomaly") and staff_profile(user) is not None


def answer_scope(user) -> tuple[int | None, int | None]:
    """(department id, centre id) whose tasks `user` answers: a department admin's department,
    a centre admin's centre (its windows' tasks)."""
    if not user.is_authenticated or not user.has_perm("anomalies.answer_task"):
        return None, None
    profile = staff_profile(user)
    if profile is None:
        return None, None
    department_id = profile.department_id if roles.has_role(user, roles.DEPT_ADMIN) else None
    centre_id = profile.centre_id if roles.has_role(user, roles.CENTRE_ADMIN) else None
    return department_id, centre_id


def can_answer(user, task: SupervisionTask) -> bool:
    department_id, centre_id = answer_scope(user)
    if task.target_kind == SupervisionTask.TARGET_DEPARTMENT:
        return bool(department_id and department_id == task.department_id)
    return bool(centre_id and centre_id == task.centre_id)


def task_answerers(task: SupervisionTask) -> list[int]:
    """The ids of the active users who answer `task` (the rule of `answer_scope`, as a query): the
    admins of its department, or of the centre of its window. They get its 站内消息."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(is_active=True, staff__isnull=False)
    if task.target_kind == SupervisionTask.TARGET_DEPARTMENT and task.department_id is not None:
        users = users.filter(groups__name=roles.DEPT_ADMIN, staff__department=task.department_id)
    elif task.target_kind == SupervisionTask.TARGET_WINDOW and task.centre_id is not None:
        users = users.filter(groups__name=roles.CENTRE_ADMIN, staff__centre=task.centre_id)
    else:
        return []
    perm = Q(groups__permissions__codename="answer_task", groups__permissions__content_type__app_label="anomalies")
    return sorted(set(users.filter(perm).values_list("pk", flat=True)))


def can_view_task(user, task: SupervisionTask) -> bool:
    return can_view_hits(user) or can_answer(user, task)


def can_see_tasks(user) -> bool:
    """Whether the task list is open to `user` at all."""
    return can_view_hits(user) or any(answer_scope(user))
