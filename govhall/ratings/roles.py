"""What each role may do in ratings (merged into the role groups by `org.roles.ensure_roles`).

The permission gives the kind of action; the staff profile says on which ratings: a centre admin
handles the 差评 of their centre, a department admin those of their department."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CLERK: ["ratings.rate_at_window"],
    roles.CENTRE_ADMIN: ["ratings.handle_centre_followups"],
    roles.DEPT_ADMIN: ["ratings.handle_department_followups"],
    roles.SUPERVISOR: ["ratings.view_all_ratings"],
    roles.AUDITOR: ["ratings.view_all_ratings"],
}
