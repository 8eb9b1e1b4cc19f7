"""Sign-in with lock-out: after GOVHALL_LOGIN_MAX_FAILURES failed attempts for one user name within
GOVHALL_LOGIN_LOCK_MINUTES, further attempts are refused until the window passes (X-1). Failures
live in the database, so every web process sees the same count."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.models import LoginFailure


def _max_failures() -> int:
    return int(getattr(settings, "GOVHALL_LOGIN_MAX_FAILURES", 5))


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "GOVHALL_LOGIN_LOCK_MINUTES", 15)))


def is_locked(username: str) -> bool:
    since = timezone.now() - _window()
    return LoginFailure.objects.filter(username=username.lower(), at__gte=since).count() >= _max_failures()


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_login_failed)
def record_failure(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    if username:
        LoginFailure.objects.create(username=username.lower(), ip=_client_ip(request))


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    LoginFailure.objects.filter(username=user.get_username().lower()).delete()


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确"),
        "locked": _("连续登录失败次数过多，账号已临时锁定，请%(minutes)s分钟后再试"),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()
        if username and is_locked(username):
            raise ValidationError(self.error_messages["locked"], code="locked", params={"minutes": int(_window().total_seconds() // 60)})
        return super().clean()
