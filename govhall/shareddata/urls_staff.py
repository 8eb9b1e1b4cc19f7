"""Staff pages of shareddata, mounted at /staff/shareddata/."""

from django.urls import path

from govhall.shareddata import views

app_name = "shareddata_staff"
urlpatterns = [
    path("cases/<int:case_id>/lookup/", views.case_lookup, name="case-lookup"),
    path("registry/", views.registry, name="registry"),
    path("registry/export/", views.registry_export, name="registry-export"),
    path("lookups/export/", views.lookups_export, name="lookups-export"),
]
