"""Admin for the working-day calendar. Years are loaded by `seed_calendar`/`load_calendar_csv` or
the staff calendar page; here a day can be corrected, recorded as source "admin" with who did it."""

from django import forms
from django.contrib import admin

from govhall.core.calendar_load import make_day
from govhall.core.models import CalendarDay, CalendarYear, Job


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["is_workday", "name"]

    def clean(self):
        cleaned = super().clean()
        day = self.instance.date
        shaped = make_day(day, cleaned.get("is_workday", False), (cleaned.get("name") or "").strip(), "admin")
        if shaped.kind in (CalendarDay.KIND_HOLIDAY, CalendarDay.KIND_MAKEUP) and not shaped.name:
            self.add_error("name", "法定节假日和调休上班日须填写节日名称")
        self.shaped = shaped
        return cleaned


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin page to look at rows that only the application's services may write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "kind", "is_workday", "name", "source", "updated_by", "updated_at"]
    list_filter = ["kind", "is_workday", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["date", "kind", "source", "updated_by", "updated_at"]
    fields = ["date", "is_workday", "name", "kind", "source", "updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        shaped = form.shaped
        obj.kind, obj.name = shaped.kind, shaped.name
        obj.source = "admin"
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False  # a year is loaded whole, never a day at a time

    def has_delete_permission(self, request, obj=None):
        return False  # a missing day would break the working-day arithmetic


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyModelAdmin):
    list_display = ["year", "source", "loaded_at"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: for finding out why a job waits or failed (the task itself is listed under Task Results)."""

    list_display = ["id", "kind", "status", "done", "total", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
