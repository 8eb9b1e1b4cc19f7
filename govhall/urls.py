from django.contrib import admin
from django.urls import include, path

from govhall.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("govhall.core.urls")),
    path("", include("govhall.catalog.urls")),
    path("staff/org/", include("govhall.org.urls_staff")),
    path("staff/cases/", include("govhall.cases.urls_staff")),
    path("", include("govhall.cases.urls_applicant")),
    path("", include("govhall.applicants.urls")),
]
