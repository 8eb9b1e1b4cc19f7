"""What each role may do in anomalies (merged into the role groups by `org.roles.ensure_roles`).

The group gives the kind of action; `anomalies.permissions` says on which objects (a department
admin answers only their department's tasks, a centre admin only the tasks to their centre's
windows)."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.SUPERVISOR: ["anomalies.view_all_anomalies", "anomalies.review_anomaly", "anomalies.configure_rules"],
    roles.AUDITOR: ["anomalies.view_all_anomalies"],
    roles.DEPT_ADMIN: ["anomalies.answer_task"],
    roles.CENTRE_ADMIN: ["anomalies.answer_task"],
}
