"""Rate limits of the anonymous kiosk functions (security review #7, #8, #9).

Counted in the database (hall.KioskAttempt), the store every worker shares — no cache is configured,
and a per-session count is bypassed by dropping the cookie. Keys are the client IP (REMOTE_ADDR) and,
for the case checks, the case number, so a guesser is stopped whichever one they vary.

A hall kiosk is one IP. Production should put the kiosks on an allow-listed network (their own VLAN
or fixed addresses, so the limits below fit one machine and no outside client can pose as one).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError
from govhall.hall.models import KioskAttempt

# Failed case checks (办件查询, 打印结果) and failed 预约签到 allowed per key within FAIL_WINDOW; then
# every try is refused (with the same message as a mismatch) until the window has passed.
FAIL_LIMIT = 5
FAIL_WINDOW = dt.timedelta(minutes=15)
# Tickets one client IP may take within TICKET_WINDOW: a busy kiosk issues about one a minute in the
# morning rush (seed 004 queue machines); 30 in 10 minutes is far above that and stops a script.
TICKET_LIMIT = 30
TICKET_WINDOW = dt.timedelta(minutes=10)
# Rows older than this are deleted when a new one is written.
KEEP = dt.timedelta(days=1)

KIND_PRINT, KIND_TRACK, KIND_CHECK_IN, KIND_TICKET = "print", "track", "check_in", "ticket"


class TooManyAttempts(ValidationError):
    status_code = 429


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:45]


def keys_for(request: HttpRequest, *, case_number: str = "") -> list[str]:
    keys = [f"ip:{client_ip(request)}"]
    if case_number:
        keys.append(f"case:{case_number.strip().upper()[:64]}")
    return keys


def is_blocked(kind: str, keys: list[str], *, limit: int = FAIL_LIMIT, window: dt.timedelta = FAIL_WINDOW) -> bool:
    since = timezone.now() - window
    return any(KioskAttempt.objects.filter(kind=kind, key=key, at__gte=since).count() >= limit for key in keys)


def record(kind: str, keys: list[str]) -> None:
    now = timezone.now()
    with transaction.atomic():
        KioskAttempt.objects.filter(at__lt=now - KEEP).delete()
        KioskAttempt.objects.bulk_create([KioskAttempt(kind=kind, key=key[:100], at=now) for key in keys])


def ticket_allowed(request: HttpRequest) -> None:
    """Count one ticket for the client IP, or refuse when it took TICKET_LIMIT within TICKET_WINDOW."""
    keys = keys_for(request)
    if is_blocked(KIND_TICKET, keys, limit=TICKET_LIMIT, window=TICKET_WINDOW):
        raise TooManyAttempts("business_type", "rate_limit", _("取号过于频繁，请稍后再试，或请大厅工作人员帮助"))
    record(KIND_TICKET, keys)
