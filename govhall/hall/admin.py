"""Admin views of the hall: business types are edited here too (by superusers); tickets, calls and
appointments change only through the services and are shown read-only."""

from django.contrib import admin

from govhall.core.admin import ReadOnlyModelAdmin
from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket, TicketCall


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "centre", "appointable", "is_active", "sort"]
    list_filter = ["centre", "appointable", "is_active"]
    search_fields = ["name", "prefix"]
    filter_horizontal = ["windows"]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(ReadOnlyModelAdmin):
    list_display = ["business_type", "day", "start", "end", "capacity", "booked"]
    list_filter = ["business_type__centre", "day"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "slot", "status", "created_at", "checked_in_at"]
    list_filter = ["status"]
    exclude = ["phone"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyModelAdmin):
    list_display = ["number", "day", "business_type", "source", "status", "window", "issued_at", "called_at", "finished_at"]
    list_filter = ["status", "source", "day"]
    search_fields = ["number"]
    exclude = ["token", "phone"]


@admin.register(TicketCall)
class TicketCallAdmin(ReadOnlyModelAdmin):
    list_display = ["ticket", "window", "kind", "at"]
    list_filter = ["kind"]
