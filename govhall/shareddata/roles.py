"""What each role may do in shareddata (merged into the role groups by `org.roles.ensure_roles`).

Looking up shared data is further limited to the cases the user handles (`permissions.handles_case`).
"""

from govhall.org import roles

_LOOKUP = "shareddata.lookup_for_case"
_REGISTRY = "shareddata.view_registry"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CLERK: [_LOOKUP],
    roles.APPROVER: [_LOOKUP],
    roles.SECTION_HEAD: [_LOOKUP],
    roles.SUPERVISOR: [_REGISTRY],
    roles.SYSADMIN: [_REGISTRY],
}
