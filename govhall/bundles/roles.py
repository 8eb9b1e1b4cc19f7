"""What each role may do in bundles (merged into the role groups by `org.roles.ensure_roles`).

Submitting, accepting and delivering use the case permissions (cases.submit_on_behalf,
cases.accept_case): a bundle is a set of ordinary cases. Object scope lives in the selectors: a
clerk sees the bundle cases of their centre, department staff those with an item of theirs."""

from govhall.org import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.SUPERVISOR: ["bundles.view_all_bundle_cases"],
    roles.AUDITOR: ["bundles.view_all_bundle_cases"],
}
