from django.contrib import admin

from govhall.applicants.models import Enterprise, Person
from govhall.core.admin import ReadOnlyModelAdmin


@admin.register(Person)
class PersonAdmin(ReadOnlyModelAdmin):
    """Applicants register through the services (identity numbers validated); here they are looked up.
    Lists show masked numbers and phones (X-1)."""

    list_display = ["name", "id_number_masked", "phone_masked", "created_at"]
    search_fields = ["name"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["name", "id_number_masked", "phone_masked", "address", "division", "user", "created_at"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "uscc", "legal_representative_name", "created_at"]
    search_fields = ["name", "uscc"]
