"""Staff pages of histimport, mounted at /staff/histimport/."""

from django.urls import path

from govhall.histimport import views_staff

app_name = "histimport_staff"
urlpatterns = [
    path("", views_staff.import_page, name="runs"),
    path("template.<str:fmt>", views_staff.template, name="template"),
    path("<int:run_id>/rejects/", views_staff.rejects, name="rejects"),
    path("<int:run_id>/resume/", views_staff.resume, name="resume"),
]
