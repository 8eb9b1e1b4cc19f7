"""Organisation actions: departments and windows. Each checks permission and validates first."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.errors import ErrorCollector, PermissionDenied, ValidationError
from govhall.core.identifiers import check
from govhall.org.models import Department, Division, Window


def department_save(
    *,
    actor,
    name: str,
    uscc: str,
    division: Division,
    kind: str = Department.KIND_DEPARTMENT,
    short_name: str = "",
    phone: str = "",
    address: str = "",
    department: Department | None = None,
) -> Department:
    """Create a department, or update `department`. The USCC must pass GB 32100."""
    if actor is not None and not actor.has_perm("org.add_department" if department is None else "org.change_department"):
        raise PermissionDenied(_("无权维护部门信息"))
    errors = ErrorCollector()
    name = (name or "").strip()
    if not name:
        errors.add("name", "required", _("部门名称不能为空"))
    result = check("uscc", uscc)
    if not result.valid:
        errors.add("uscc", result.rule, result.message)
    if kind not in dict(Department.KIND_CHOICES):
        errors.add("kind", "choice", _("部门类型不正确"))
    others = Department.objects.exclude(pk=department.pk) if department else Department.objects.all()
    if name and others.filter(name=name).exists():
        errors.add("name", "unique", _("部门“%(name)s”已存在") % {"name": name})
    if result.valid and others.filter(uscc=result.value).exists():
        errors.add("uscc", "unique", _("统一社会信用代码 %(uscc)s 已被其他部门使用") % {"uscc": result.value})
    errors.raise_if_any()
    with transaction.atomic():
        target = department or Department()
        target.name, target.uscc, target.division, target.kind = name, result.value, division, kind
        target.short_name, target.phone, target.address = short_name, phone, address
        target.save()
    return target


def window_set_items(*, actor, window: Window, items) -> Window:
    """Set which items a specialised window accepts (ORG-3)."""
    if actor is not None and not actor.has_perm("org.change_window"):
        raise PermissionDenied(_("无权设置窗口可受理事项"))
    staff = getattr(actor, "staff", None)
    if actor is not None and not actor.has_perm("catalog.manage_all_items") and (staff is None or staff.centre_id != window.centre_id):
        raise PermissionDenied(_("只能设置本中心的窗口"))
    if window.accepts_all_items:
        raise ValidationError("items", "comprehensive_window", _("综合受理窗口可受理全部事项，无需逐项设置"))
    with transaction.atomic():
        window.items.set(items)
    return window
