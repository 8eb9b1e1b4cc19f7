"""Staff pages of supervision, mounted at /staff/supervision/."""

from django.urls import path

from govhall.supervision import views_staff as views

app_name = "supervision_staff"
urlpatterns = [
    path("", views.explorer, name="explorer"),
]
