"""What each role may do in crossregion (merged into the role groups by `org.roles.ensure_roles`).

Object scope lives in the selectors: a centre admin manages the agreements in which their centre
(or its region) accepts; a system admin manages every agreement and the peer registry."""

from govhall.org import roles

VIEW_AGREEMENTS = "crossregion.view_tongbanagreement"
MANAGE_AGREEMENTS = "crossregion.manage_agreements"
MANAGE_PEERS = "crossregion.manage_peers"
VIEW_MESSAGES = "crossregion.view_message"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CLERK: [VIEW_AGREEMENTS],
    roles.CENTRE_ADMIN: [VIEW_AGREEMENTS, MANAGE_AGREEMENTS, VIEW_MESSAGES],
    roles.SUPERVISOR: [VIEW_AGREEMENTS, VIEW_MESSAGES],
    roles.AUDITOR: [VIEW_AGREEMENTS, VIEW_MESSAGES],
    roles.SYSADMIN: [VIEW_AGREEMENTS, MANAGE_AGREEMENTS, MANAGE_PEERS, VIEW_MESSAGES],
}
