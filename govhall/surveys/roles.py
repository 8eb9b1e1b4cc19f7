"""What each role may do in surveys (merged into the role groups by `org.roles.ensure_roles`).

Supervisors write, open and close the 满意度调查; auditors and centre admins read every result; a
department admin reads the results of their own department only (the profile says which)."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.SUPERVISOR: ["surveys.manage_survey", "surveys.view_all_surveys"],
    roles.AUDITOR: ["surveys.view_all_surveys"],
    roles.CENTRE_ADMIN: ["surveys.view_all_surveys"],
    roles.DEPT_ADMIN: ["surveys.view_department_surveys"],
}
