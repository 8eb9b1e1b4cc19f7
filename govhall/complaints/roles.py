"""What each role may do in complaints (merged into the role groups by `org.roles.ensure_roles`).

The group gives the kind of action; `complaints.permissions` says on which objects (a clerk only at
a 投诉窗口 or 办不成事 window of their centre, a department admin only for their department)."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CLERK: ["complaints.register_complaint", "complaints.dispatch_complaint", "complaints.log_cant_do"],
    roles.SECTION_HEAD: ["complaints.solve_cant_do"],
    roles.DEPT_ADMIN: ["complaints.reply_complaint", "complaints.manage_knowledge", "complaints.solve_cant_do"],
    roles.CENTRE_ADMIN: [
        "complaints.register_complaint",
        "complaints.dispatch_complaint",
        "complaints.callback_complaint",
        "complaints.manage_knowledge",
        "complaints.log_cant_do",
        "complaints.solve_cant_do",
    ],
    roles.SUPERVISOR: ["complaints.view_all_complaints", "complaints.view_all_cant_do"],
    roles.AUDITOR: ["complaints.view_all_complaints", "complaints.view_all_cant_do"],
}
