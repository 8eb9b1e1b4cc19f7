"""Admin for bundles: the system administrator maintains the theme bundles (items, questionnaire,
overall limit); bundle cases are read-only here and change only through the services."""

from django.contrib import admin

from govhall.bundles.models import Bundle, BundleCase, BundleCasePart, BundleItem, BundleOption, BundleQuestion
from govhall.core.admin import ReadOnlyModelAdmin


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ("item",)
    filter_horizontal = ("options",)


class BundleQuestionInline(admin.TabularInline):
    model = BundleQuestion
    extra = 0
    show_change_link = True


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "audience", "limit_days", "lead_department", "status")
    list_filter = ("audience", "status")
    search_fields = ("code", "name")
    inlines = (BundleQuestionInline, BundleItemInline)


class BundleOptionInline(admin.TabularInline):
    model = BundleOption
    extra = 0


@admin.register(BundleQuestion)
class BundleQuestionAdmin(admin.ModelAdmin):
    list_display = ("bundle", "seq", "key", "text")
    inlines = (BundleOptionInline,)


class PartInline(admin.TabularInline):
    model = BundleCasePart
    extra = 0
    can_delete = False
    fields = readonly_fields = ("seq", "item", "case")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BundleCase)
class BundleCaseAdmin(ReadOnlyModelAdmin):
    list_display = ("number", "bundle", "status", "submitted_at", "accepted_on", "due_date", "overdue")
    list_filter = ("status", "bundle")
    search_fields = ("number",)
    inlines = (PartInline,)
