"""Staff pages of monitor, mounted at /staff/monitor/."""

from django.urls import path

from govhall.monitor import views_staff as views

app_name = "monitor_staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("departments/<int:department_id>/", views.department, name="department"),
    path("departments/<int:department_id>/cases/", views.department_cases, name="department-cases"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/<str:fmt>/", views.report_file, name="report-file"),
]
