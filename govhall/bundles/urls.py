"""Public pages of bundles (一件事一次办)."""

from django.urls import path

from govhall.bundles import views

app_name = "bundles"
urlpatterns = [
    path("bundles/", views.bundle_list, name="list"),
    path("bundles/<str:code>/", views.bundle_detail, name="detail"),
    path("my/bundles/", views.my_bundle_cases, name="my"),
    path("my/bundles/<int:bundle_case_id>/", views.bundle_case_page, name="case"),
]
