"""Staff roles as Django groups, each with the least permissions it needs (ORG-4, X-1).

Object-level rules (a department admin edits only their department's items) live in the
services; the group gives the kind of action, the profile says on which objects.
"""

from __future__ import annotations

from importlib import import_module

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
APPROVER = "approver"
SECTION_HEAD = "section_head"
DEPT_ADMIN = "dept_admin"
CENTRE_ADMIN = "centre_admin"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
SYSADMIN = "sysadmin"

ROLE_LABELS = {
    CLERK: _("窗口人员"),
    APPROVER: _("审批人员"),
    SECTION_HEAD: _("科室负责人"),
    DEPT_ADMIN: _("部门管理员"),
    CENTRE_ADMIN: _("中心管理员"),
    SUPERVISOR: _("监管人员"),
    AUDITOR: _("审计人员"),
    SYSADMIN: _("系统管理员"),
}

# app_label.codename permissions per role.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CLERK: ["catalog.view_item", "cases.submit_on_behalf", "cases.accept_case"],
    APPROVER: ["catalog.view_item", "cases.review_case"],
    SECTION_HEAD: ["catalog.view_item", "cases.review_case", "cases.decide_case"],
    DEPT_ADMIN: [
        "catalog.view_item",
        "catalog.add_item",
        "catalog.change_item",
        "catalog.view_catalog_health",
        "cases.manage_processes",
    ],
    CENTRE_ADMIN: [
        "catalog.view_item",
        "catalog.view_catalog_health",
        "org.view_window",
        "org.change_window",
        "org.view_servicecentre",
        "org.view_department",
    ],
    SUPERVISOR: ["catalog.view_item", "catalog.view_catalog_health", "cases.view_all_cases"],
    AUDITOR: ["catalog.view_item", "catalog.view_catalog_health", "cases.view_all_cases"],
    SYSADMIN: [
        "cases.manage_processes",
        "catalog.view_item",
        "catalog.add_item",
        "catalog.change_item",
        "catalog.manage_all_items",
        "catalog.import_catalog",
        "catalog.view_catalog_health",
        "core.view_calendarday",
        "core.change_calendarday",
        "org.view_department",
        "org.add_department",
        "org.change_department",
        "org.view_window",
        "org.change_window",
        "org.view_servicecentre",
        "org.change_servicecentre",
    ],
}


# Apps that bring their own permissions declare them in `<app>/roles.py` as ROLE_PERMISSIONS.
APP_ROLE_MODULES = [
    "govhall.hall.roles",
    "govhall.ratings.roles",
    "govhall.complaints.roles",
    "govhall.licences.roles",
    "govhall.shareddata.roles",
    "govhall.bundles.roles",
    "govhall.crossregion.roles",
    "govhall.agents.roles",
    "govhall.supervision.roles",
    "govhall.anomalies.roles",
    "govhall.monitor.roles",
    "govhall.surveys.roles",
    "govhall.histimport.roles",
]


def all_role_permissions() -> dict[str, list[str]]:
    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for module_path in APP_ROLE_MODULES:
        for role, perms in import_module(module_path).ROLE_PERMISSIONS.items():
            merged[role] += [p for p in perms if p not in merged[role]]
    return merged


def ensure_roles() -> dict[str, Group]:
    """Create or update the role groups with exactly their permissions. Idempotent."""
    groups = {}
    for role, perms in all_role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True))


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles)) or user.is_superuser
