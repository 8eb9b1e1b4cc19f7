"""Staff pages of surveys, mounted at /staff/surveys/."""

from django.urls import path

from govhall.surveys import views_staff as views

app_name = "surveys_staff"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="edit"),
    path("<int:survey_id>/open/", views.survey_open_view, name="open"),
    path("<int:survey_id>/close/", views.survey_close_view, name="close"),
    path("<int:survey_id>/export/", views.survey_export, name="export"),
]
