from django.contrib import admin

from govhall.agents.models import AgentCase, AgentConsent, HandOver


@admin.register(AgentConsent)
class AgentConsentAdmin(admin.ModelAdmin):
    list_display = ["id", "resident", "agent", "point", "scope", "method", "given_at", "valid_until", "revoked_at"]
    list_filter = ["scope", "method"]
    raw_id_fields = ["resident", "agent", "point", "revoked_by"]


@admin.register(AgentCase)
class AgentCaseAdmin(admin.ModelAdmin):
    list_display = ["case", "consent", "agent", "point", "created_at"]
    raw_id_fields = ["case", "consent", "agent", "point"]


@admin.register(HandOver)
class HandOverAdmin(admin.ModelAdmin):
    list_display = ["case", "step", "by", "at", "centre", "received_by", "received_at"]
    list_filter = ["step"]
    raw_id_fields = ["case", "by", "centre", "received_by"]
