"""Read paths of cases."""

from __future__ import annotations

import secrets

from django.http import Http404

from govhall.cases.models import Case


def case_for_tracking(*, number: str, code: str) -> Case:
    """The case with this number and query code, or 404 — the same 404 for an unknown number and a
    wrong code, so numbers cannot be probed."""
    case = Case.objects.select_related("item_version").filter(number=(number or "").strip()).first()
    given = (code or "").strip().upper()
    # Compared in constant time even when there is no such case.
    expected = case.query_code if case is not None else "\0" * 6
    if not secrets.compare_digest(given.encode(), expected.encode()) or case is None:
        raise Http404
    return case
