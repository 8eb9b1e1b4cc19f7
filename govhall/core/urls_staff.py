"""Staff pages of the core app, mounted at /staff/."""

from django.urls import path

from govhall.core import views_calendar

urlpatterns = [
    path("calendar/", views_calendar.calendar_year, name="staff-calendar"),
    path("calendar/day/<str:day>/", views_calendar.calendar_day, name="staff-calendar-day"),
    path("calendar/upload/", views_calendar.calendar_upload, name="staff-calendar-upload"),
]
