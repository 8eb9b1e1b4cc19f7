"""What each role may do in monitor (merged into the role groups by `org.roles.ensure_roles`).

`view_dashboard` opens the 监管大屏; with `view_county` the user sees the whole county, the
scorecards and the monthly reports, without it (department admins) only their own department."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.SUPERVISOR: ["monitor.view_dashboard", "monitor.view_county", "monitor.generate_report"],
    roles.AUDITOR: ["monitor.view_dashboard", "monitor.view_county"],
    roles.CENTRE_ADMIN: ["monitor.view_dashboard", "monitor.view_county"],
    roles.DEPT_ADMIN: ["monitor.view_dashboard"],
}
