"""Admin for the catalog: a read-only view. Items change only through the staff pages and the
services, so that every change is a new version with its event (CAT-3)."""

from django.contrib import admin

from govhall.catalog.models import Item, ItemEvent, ItemVersion, Topic
from govhall.core.admin import ReadOnlyModelAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = ItemVersion
    # Tuples, not lists: the same sequence serves as `fields` and `readonly_fields`, whose stubs
    # declare different list types but accept the same tuple.
    fields = (
        "number",
        "name",
        "department",
        "handling_type",
        "legal_limit_days",
        "promised_limit_days",
        "created_by",
        "created_at",
        "reason",
    )
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = "版本"


class EventInline(ReadOnlyInline):
    model = ItemEvent
    fields = ("at", "kind", "actor", "reason", "before", "after")
    readonly_fields = fields
    ordering = ["-at", "-id"]
    verbose_name_plural = "变更记录"


@admin.register(Item)
class ItemAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "name", "department", "status", "version_number", "updated_at"]
    list_filter = ["status", "department"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["department", "current_version"]
    readonly_fields = ("code", "name", "department", "status", "current_version", "created_at", "updated_at")
    fields = readonly_fields
    inlines = [VersionInline, EventInline]

    @admin.display(description="当前版本")
    def version_number(self, obj: Item) -> str:
        return f"第{obj.current_version.number}版" if obj.current_version else "—"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "audience"]
    list_filter = ["audience"]
    search_fields = ["name"]
