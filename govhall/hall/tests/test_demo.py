"""The hall demo (govhall/demo/hall_demo.py) on the test county: business types matched to the
windows there are, slots on working days, history with realistic waits, and a second run that
writes nothing."""

from __future__ import annotations

from govhall.demo.hall_demo import load_hall_demo
from govhall.demo.loader import LoadReport
from govhall.hall.models import AppointmentSlot, BusinessType, Ticket
from govhall.hall.selectors import hall_stats
from govhall.hall.tests.conftest import MONDAY, on


def test_the_hall_demo_loads_once_with_realistic_figures(county, applicant):
    report = LoadReport()
    with on(MONDAY, 11):
        load_hall_demo(report=report, log=lambda message: None)
        again = LoadReport()
        load_hall_demo(report=again, log=lambda message: None)
        stats = hall_stats(centre=county.centre, first=MONDAY.replace(day=1), last=MONDAY)
    assert not again.changed
    general = BusinessType.objects.get(centre=county.centre, prefix="A")
    assert [w.number for w in general.windows.all()] == ["A01"]
    assert AppointmentSlot.objects.filter(day__gt=MONDAY).values("day").distinct().count() == 10
    assert Ticket.objects.filter(day=MONDAY, status=Ticket.STATUS_WAITING).exists()
    assert 3 <= stats["total"].wait_avg <= 25
    assert 5 <= stats["total"].service_avg <= 20
    assert stats["total"].skipped > 0
