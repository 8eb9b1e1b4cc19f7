"""办不成事 (RATE-4): log a problem the normal path failed, escalate it to a named leader, work it
to a solution (or an explanation why it cannot be solved), tag its root causes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.complaints import permissions
from govhall.complaints.models import CantDoEvent, CantDoProblem
from govhall.complaints.services.deadlines import cant_do_limit_days, working_due_date
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.org.models import Department, ServiceCentre

ROOT_CAUSES = {code for code, _label in CantDoProblem.ROOT_CAUSES}


def _event(problem: CantDoProblem, kind: str, actor, note: str = "") -> None:
    CantDoEvent.objects.create(problem=problem, kind=kind, actor=actor, at=timezone.now(), note=note)


def _lock(problem: CantDoProblem, *statuses: str) -> CantDoProblem:
    locked = CantDoProblem.objects.select_for_update().get(pk=problem.pk)
    if locked.status not in statuses:
        raise Conflict(_("该问题已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
    return locked


def problem_log(
    *,
    actor,
    reporter_name: str,
    reporter_phone: str = "",
    wanted: str,
    description: str,
    item=None,
    case=None,
) -> CantDoProblem:
    """The clerk at the 办不成事 window (or the centre admin) writes down what went wrong."""
    centre_id = permissions.cant_do_desk_centre_id(actor)
    if centre_id is None:
        raise PermissionDenied(_("只有办不成事反映窗口人员和中心管理员可以登记"))
    errors = ErrorCollector()
    reporter_name, wanted, description = (reporter_name or "").strip(), (wanted or "").strip(), (description or "").strip()
    reporter_phone = (reporter_phone or "").strip()
    if not reporter_name:
        errors.add("reporter_name", "required", _("请填写反映人姓名"))
    if not wanted:
        errors.add("wanted", "required", _("请填写想办的事"))
    if not description:
        errors.add("description", "required", _("请描述遇到的问题"))
    if reporter_phone and not reporter_phone.replace("-", "").isdigit():
        errors.add("reporter_phone", "format", _("联系电话只能包含数字和连字符"))
    errors.raise_if_any()
    with transaction.atomic():
        now = timezone.now()
        problem = CantDoProblem.objects.create(
            number=f"tmp-{now.timestamp():.6f}"[:20],
            centre=ServiceCentre.objects.get(pk=centre_id),
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            wanted=wanted,
            description=description,
            item=item,
            case=case,
            received_by=actor,
            received_at=now,
        )
        problem.number = f"BBC{timezone.localdate(now):%Y%m%d}{problem.pk:04d}"
        problem.save(update_fields=["number"])
        _event(problem, "logged", actor, description)
    return problem


def problem_escalate(*, actor, problem: CantDoProblem, leader, department: Department | None = None, note: str = "") -> CantDoProblem:
    """报送包案领导: a named leader (centre admin or a department's leader), with a due date."""
    if not permissions.can_log_problem(actor, problem):
        raise PermissionDenied(_("只有办不成事反映窗口人员和中心管理员可以报送领导"))
    if leader is None or not permissions.is_leader_candidate(leader):
        raise ValidationError("leader", "choice", _("请选择中心负责人或部门负责人作为包案领导"))
    with transaction.atomic():
        locked = _lock(problem, CantDoProblem.STATUS_LOGGED, CantDoProblem.STATUS_ESCALATED)
        now = timezone.now()
        today = timezone.localdate(now)
        locked.leader = leader
        locked.department = department or getattr(permissions.staff_profile(leader), "department", None)
        locked.escalated_at = now
        locked.status = CantDoProblem.STATUS_ESCALATED
        locked.due_from, locked.due_days = today, cant_do_limit_days()
        locked.due_date, locked.due_pending = working_due_date(today, locked.due_days)
        locked.save()
        name = leader.get_full_name() or leader.username
        _event(locked, "escalated", actor, _("报送 %(name)s。%(note)s") % {"name": name, "note": (note or "").strip()})
    return locked


def problem_start(*, actor, problem: CantDoProblem, note: str = "") -> CantDoProblem:
    """The leader takes it up (协调解决中)."""
    with transaction.atomic():
        locked = _lock(problem, CantDoProblem.STATUS_ESCALATED)
        if not permissions.can_solve_problem(actor, locked):
            raise PermissionDenied(_("只有包案领导或中心管理员可以处理"))
        locked.status = CantDoProblem.STATUS_SOLVING
        locked.save(update_fields=["status"])
        _event(locked, "solving", actor, (note or "").strip())
    return locked


def problem_finish(*, actor, problem: CantDoProblem, solved: bool, solution: str, root_causes: list[str]) -> CantDoProblem:
    """解决 (solution text) or 无法解决 (the explanation given to the person), with root causes."""
    if not permissions.can_solve_problem(actor, CantDoProblem.objects.get(pk=problem.pk)):
        raise PermissionDenied(_("只有包案领导或中心管理员可以办结"))
    errors = ErrorCollector()
    solution = (solution or "").strip()
    causes = list(dict.fromkeys(root_causes or []))
    if not solution:
        errors.add("solution", "required", _("请填写解决情况") if solved else _("请填写无法解决的原因和向群众所作的解释"))
    if not causes:
        errors.add("root_causes", "required", _("请至少选择一项问题根源"))
    elif set(causes) - ROOT_CAUSES:
        errors.add("root_causes", "choice", _("问题根源不正确"))
    errors.raise_if_any()
    with transaction.atomic():
        locked = _lock(problem, CantDoProblem.STATUS_ESCALATED, CantDoProblem.STATUS_SOLVING)
        # Security review #12: re-check on the locked row (the problem may have been re-escalated).
        if not permissions.can_solve_problem(actor, locked):
            raise PermissionDenied(_("只有包案领导或中心管理员可以办结"))
        locked.status = CantDoProblem.STATUS_SOLVED if solved else CantDoProblem.STATUS_UNSOLVABLE
        locked.solution = solution
        locked.root_causes = causes
        locked.finished_at = timezone.now()
        locked.save()
        _event(locked, "solved" if solved else "unsolvable", actor, solution)
    return locked


def leader_choices() -> list[Any]:
    """Staff who may be named leader, for the escalation form: centre admins first, then the
    departments' leaders."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff__isnull=False, groups__permissions__codename="solve_cant_do")
        .select_related("staff__department", "staff__centre")
        .distinct()
    )
    return sorted(users, key=lambda u: (u.staff.department_id is not None, u.staff.department_id or 0, u.pk))
