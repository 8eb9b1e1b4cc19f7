"""Admin: licence types are editable; seals and licences are read-only, and a seal's encrypted
private key is not even listed among its fields."""

from django.contrib import admin

from govhall.licences.models import Licence, LicenceType, Seal


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuer_kind", "holder_kind", "validity_years", "issued_here"]
    search_fields = ["code", "name"]


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ["department", "key_id", "created_at", "retired_at"]
    fields = ("department", "key_id", "public_key", "created_at", "created_by", "retired_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["number", "licence_type", "holder_name", "department", "status", "valid_until", "issued_at"]
    list_filter = ["status", "licence_type"]
    search_fields = ["number", "holder_name", "identifier"]
    exclude = ["signed"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Licence._meta.fields if f.name != "signed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
