"""Staff catalog pages, mounted at /staff/catalog/."""

from django.urls import path

from govhall.catalog import views_staff

urlpatterns = [
    path("items/", views_staff.item_list, name="staff-items"),
    path("items/new/", views_staff.item_new, name="staff-item-new"),
    path("items/row/", views_staff.item_row, name="staff-item-row"),
    path("items/<int:item_id>/edit/", views_staff.item_edit, name="staff-item-edit"),
    path("items/<int:item_id>/history/", views_staff.item_history, name="staff-item-history"),
    path("items/<int:item_id>/<slug:action>/", views_staff.item_action, name="staff-item-action"),
    path("health/", views_staff.health, name="staff-health"),
    path("health/export/", views_staff.health_export, name="staff-health-export"),
    path("import/", views_staff.import_page, name="staff-import"),
    path("export/", views_staff.export_all, name="staff-export"),
]
