from functools import lru_cache

from django.conf import settings
from django.utils import translation


@lru_cache(maxsize=4)
def _county_name(code: str) -> str:
    from govhall.org.models import Division

    return Division.objects.filter(code=code).values_list("name", flat=True).first() or ""


def county_name() -> str:
    """The name of the county this deployment serves (GOVHALL_COUNTY_CODE), in the page's language."""
    if translation.get_language() == "en" and settings.GOVHALL_COUNTY_NAME_EN:
        return settings.GOVHALL_COUNTY_NAME_EN
    return _county_name(settings.GOVHALL_COUNTY_CODE)


def site(request):
    return {"GOVHALL_PUBLIC_URL": settings.GOVHALL_PUBLIC_URL, "county_name": county_name()}


def notifications(request):
    """The signed-in user's unread 站内消息, counted for the header (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from govhall.cases.selectors import unread_notification_count

    return {"unread_notifications": unread_notification_count(user=user)}
