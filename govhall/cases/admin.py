from django.contrib import admin

from govhall.cases.models import Case, CaseEvent, CaseTask, ProcessBinding, ProcessDefinition
from govhall.core.admin import ReadOnlyModelAdmin


class ReadOnlyInline(admin.TabularInline):
    """Rows that only the case services write: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("seq", "kind", "actor", "at", "hash")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    """Cases change only through the case services, which append to the hash-chained log."""

    list_display = ["number", "item", "channel", "status", "submitted_at", "due_date", "overdue"]
    list_filter = ["status", "channel", "overdue"]
    search_fields = ["number"]
    exclude = ["form", "idempotency_key", "query_code"]
    inlines = [EventInline]


class TaskInline(ReadOnlyInline):
    model = CaseTask
    fields = ("name", "role", "department", "status", "outcome", "completed_by", "completed_at")
    readonly_fields = fields


CaseAdmin.inlines = [TaskInline, EventInline]


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyModelAdmin):
    """Models are uploaded (and validated) through the process settings page, never edited here."""

    list_display = ["name", "builtin", "process_id", "uploaded_by", "created_at"]
    list_filter = ["builtin"]


@admin.register(ProcessBinding)
class ProcessBindingAdmin(ReadOnlyModelAdmin):
    list_display = ["item", "from_version", "definition", "reason", "created_by", "created_at"]
    search_fields = ["item__name", "item__code"]
