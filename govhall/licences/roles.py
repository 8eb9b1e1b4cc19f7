"""What each role may do in licences (merged into the role groups by `org.roles.ensure_roles`).

Object scope lives in the selectors and services: department staff see and revoke only the
licences their department issued."""

from govhall.org import roles

VIEW = "licences.view_department_licences"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.APPROVER: [VIEW],
    roles.SECTION_HEAD: [VIEW, "licences.revoke_licence"],
    roles.DEPT_ADMIN: [VIEW, "licences.revoke_licence"],
    roles.SUPERVISOR: ["licences.view_all_licences"],
    roles.AUDITOR: ["licences.view_all_licences"],
    roles.SYSADMIN: ["licences.manage_seals", "licences.view_all_licences"],
}
