from django.contrib import admin

from govhall.cases.models import Case, CaseEvent
from govhall.core.admin import ReadOnlyModelAdmin


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("seq", "kind", "actor", "at", "hash")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    """Cases change only through the case services, which append to the hash-chained log."""

    list_display = ["number", "item", "channel", "status", "submitted_at"]
    list_filter = ["status", "channel"]
    search_fields = ["number"]
    exclude = ["form", "idempotency_key", "query_code"]
    inlines = [EventInline]
