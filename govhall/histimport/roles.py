"""What each role may do in histimport (merged into the role groups by `org.roles.ensure_roles`)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "supervisor": ["histimport.import_history"],
}
