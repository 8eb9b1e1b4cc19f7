"""Staff pages of bundles, mounted at /staff/bundles/."""

from django.urls import path

from govhall.bundles import views

app_name = "bundles_staff"
urlpatterns = [
    path("", views.staff_queue, name="queue"),
    path("export/", views.staff_queue_export, name="queue-export"),
    path("cases/<int:bundle_case_id>/", views.staff_case, name="case"),
]
