from django.contrib import admin

from govhall.surveys.models import Survey, SurveyQuestion


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "target", "opens_on", "closes_on", "status"]
    list_filter = ["target", "status"]
    inlines = [SurveyQuestionInline]
    readonly_fields = ["status", "created_by", "created_at", "opened_at", "closed_at"]
