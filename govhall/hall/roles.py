"""What each role may do in the hall (merged into the role groups by `org.roles.ensure_roles`)."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CLERK: ["hall.call_ticket"],
    roles.CENTRE_ADMIN: ["hall.call_ticket", "hall.manage_hall"],
    roles.SUPERVISOR: [],
}
