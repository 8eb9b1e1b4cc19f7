"""Admin for the organisation: divisions (read-only reference data), departments, centres,
windows and staff profiles. Roles are Django groups (see `govhall.org.roles`)."""

from django import forms
from django.conf import settings
from django.contrib import admin

from govhall.core.admin import ReadOnlyModelAdmin
from govhall.core.errors import ValidationError
from govhall.core.identifiers import validate_uscc
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window


def _local_divisions():
    """The county and its townships: a select of 44,703 national divisions would be unusable."""
    return Division.objects.filter(code__startswith=settings.GOVHALL_COUNTY_CODE).order_by("code")


@admin.register(Division)
class DivisionAdmin(ReadOnlyModelAdmin):
    """Imported from the national files (`manage.py import_divisions`); never edited by hand."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    show_full_result_count = False
    ordering = ["code"]


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "uscc", "kind", "division", "phone", "address", "is_active"]

    def clean_uscc(self):
        try:
            return validate_uscc(self.cleaned_data.get("uscc", ""))
        except ValidationError as exc:
            error = exc.errors[0]
            raise forms.ValidationError(error.message, code=error.rule) from exc


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["name", "short_name", "uscc", "kind", "division", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "uscc"]
    list_select_related = ["division"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division":
            kwargs["queryset"] = _local_divisions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "division", "parent", "phone"]
    list_filter = ["level"]
    search_fields = ["name", "address"]
    list_select_related = ["division", "parent"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division":
            kwargs["queryset"] = _local_divisions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "centre", "kind", "accepts_all_items", "is_active"]
    list_filter = ["centre", "kind", "accepts_all_items", "is_active"]
    search_fields = ["number", "name"]
    list_select_related = ["centre"]
    filter_horizontal = ["departments", "items"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "department", "centre", "window", "phone"]
    list_filter = ["department", "centre"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user", "department", "centre", "window"]
