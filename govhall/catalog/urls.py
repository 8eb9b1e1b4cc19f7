from django.urls import include, path

urlpatterns = [
    path("catalog/", include("govhall.catalog.urls_public")),
    path("staff/catalog/", include("govhall.catalog.urls_staff")),
]
