"""Staff organisation pages, mounted at /staff/org/."""

from django.urls import path

from govhall.org import views

urlpatterns = [
    path("", views.centres, name="staff-org-centres"),
    path("export/", views.centres_export, name="staff-org-centres-export"),
    path("centres/<int:centre_id>/", views.centre_detail, name="staff-org-centre"),
    path("windows/<int:window_id>/items/", views.window_items, name="staff-org-window"),
    path("departments/", views.departments, name="staff-org-departments"),
    path("departments/export/", views.departments_export, name="staff-org-departments-export"),
]
