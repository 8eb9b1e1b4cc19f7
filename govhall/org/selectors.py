from __future__ import annotations

from django.db.models import QuerySet

from govhall.catalog.models import Item
from govhall.org.models import Window


def items_for_window(*, window: Window) -> QuerySet[Item]:
    """Items a window may accept: all items in use for a comprehensive (全科) window, else its list."""
    active = Item.objects.filter(status=Item.STATUS_ACTIVE)
    if window.accepts_all_items:
        return active
    return active.filter(windows=window)


def window_accepts(*, window: Window, item: Item) -> bool:
    return item.status == Item.STATUS_ACTIVE and (window.accepts_all_items or window.items.filter(pk=item.pk).exists())
