"""Staff pages of the core app, mounted at /staff/."""

from django.urls import path

from govhall.core import views_calendar, views_jobs

urlpatterns = [
    path("calendar/", views_calendar.calendar_year, name="staff-calendar"),
    path("calendar/day/<str:day>/", views_calendar.calendar_day, name="staff-calendar-day"),
    path("calendar/upload/", views_calendar.calendar_upload, name="staff-calendar-upload"),
    path("jobs/<int:job_id>/", views_jobs.job_detail, name="staff-job"),
    path("jobs/<int:job_id>/output/", views_jobs.job_output, name="staff-job-output"),
]
