"""Who may maintain which items: the one rule the services, selectors and imports share."""

from __future__ import annotations

from govhall.org.models import Department


def can_edit_department_items(user, department: Department) -> bool:
    if user is None:  # system actions (imports run by a command, demo data)
        return True
    if not user.is_authenticated or not user.has_perm("catalog.change_item"):
        return False
    if user.has_perm("catalog.manage_all_items"):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.department_id == department.id
