"""Two clerks pressing 叫号 at the same moment never get the same ticket: on PostgreSQL the first
waiting row is taken with SKIP LOCKED, on SQLite the IMMEDIATE transaction serialises the writers
(settings). Threads with their own connections on a committed database (the cases' setup)."""

from __future__ import annotations

import pytest

from govhall.cases.tests.test_concurrency import county, in_memory_database_kept, run_at_once  # noqa: F401
from govhall.hall import services
from govhall.hall.models import BusinessType, Ticket, TicketCall
from govhall.hall.tests.conftest import MONDAY, on

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_clerks_calling_next_at_once_get_different_tickets(county):  # noqa: F811 (the shared fixture)
    general = BusinessType.objects.create(centre=county.centre, name="综合受理", prefix="A")
    general.windows.set([county.windows["综合1"], county.windows["专窗"]])
    with on(MONDAY, 9):
        for _n in range(3):
            services.ticket_issue(business_type=general)
    clerk, clerk2 = county.users["clerk"], county.users["clerk2"]
    with on(MONDAY, 9, 5):
        results = run_at_once(lambda: services.ticket_call_next(actor=clerk), lambda: services.ticket_call_next(actor=clerk2))
    assert all(isinstance(r, Ticket) for r in results), results
    assert {r.number for r in results} == {"A001", "A002"}
    assert Ticket.objects.filter(status=Ticket.STATUS_CALLED).count() == 2
    assert TicketCall.objects.count() == 2
