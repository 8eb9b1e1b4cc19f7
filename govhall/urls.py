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
    path("", include("govhall.hall.urls")),
    path("staff/hall/", include("govhall.hall.urls_staff")),
    path("", include("govhall.ratings.urls")),
    path("staff/ratings/", include("govhall.ratings.urls_staff")),
    path("", include("govhall.complaints.urls")),
    path("staff/complaints/", include("govhall.complaints.urls_staff")),
    path("", include("govhall.licences.urls")),
    path("staff/licences/", include("govhall.licences.urls_staff")),
    path("", include("govhall.shareddata.urls")),
    path("staff/shareddata/", include("govhall.shareddata.urls_staff")),
    path("", include("govhall.bundles.urls")),
    path("staff/bundles/", include("govhall.bundles.urls_staff")),
    path("", include("govhall.crossregion.urls")),
    path("staff/crossregion/", include("govhall.crossregion.urls_staff")),
    path("", include("govhall.agents.urls")),
    path("staff/agents/", include("govhall.agents.urls_staff")),
]
