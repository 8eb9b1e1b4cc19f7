from django.contrib import admin

from govhall.ratings.models import FollowUp, FollowUpEvent, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "kind", "level", "channel", "window", "department", "real_name"]
    list_filter = ["kind", "level", "channel"]
    readonly_fields = [f.name for f in Rating._meta.fields]

    def has_add_permission(self, request):
        return False


class FollowUpEventInline(admin.TabularInline):
    model = FollowUpEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "by", "at", "status_before", "status_after", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "centre", "department", "opened_on", "due_date"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in FollowUp._meta.fields]
    inlines = [FollowUpEventInline]

    def has_add_permission(self, request):
        return False
