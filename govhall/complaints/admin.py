from django.contrib import admin

from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["number", "source", "kind", "title", "status", "department", "due_date"]
    list_filter = ["status", "source", "kind"]
    search_fields = ["number", "hotline_number", "title"]
    readonly_fields = [f.name for f in Complaint._meta.fields]


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "topic", "status", "department", "view_count"]
    list_filter = ["status"]
    search_fields = ["question", "search_text"]


@admin.register(CantDoProblem)
class CantDoProblemAdmin(admin.ModelAdmin):
    list_display = ["number", "wanted", "status", "leader", "due_date"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CantDoProblem._meta.fields]
