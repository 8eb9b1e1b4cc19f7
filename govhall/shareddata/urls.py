"""Public pages of shareddata: the subject's own access log."""

from django.urls import path

from govhall.shareddata import views

app_name = "shareddata"
urlpatterns = [
    path("my/data-access/", views.my_data_access, name="my-data-access"),
    path("my/data-access/export/", views.my_data_access_export, name="my-data-access-export"),
]
