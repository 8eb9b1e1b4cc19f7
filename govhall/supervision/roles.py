"""What each role may do in supervision (merged into the role groups by `org.roles.ensure_roles`).

`view_indicators` opens the indicator pages and API; `view_all_indicators` widens them to every
dimension of the county. A department admin has only the first and sees their own department's
rows, its windows, items and staff."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.SUPERVISOR: ["supervision.view_indicators", "supervision.view_all_indicators"],
    roles.AUDITOR: ["supervision.view_indicators", "supervision.view_all_indicators"],
    roles.CENTRE_ADMIN: ["supervision.view_indicators", "supervision.view_all_indicators"],
    roles.DEPT_ADMIN: ["supervision.view_indicators"],
}
