"""Staff pages of the hall, mounted at /staff/hall/: the clerk's desk and the centre admin's
business types, slots and statistics."""

from django.urls import path

from govhall.hall import views_staff as views

app_name = "hall_staff"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/call/", views.desk_call, name="desk-call"),
    path("desk/<int:ticket_id>/<str:action>/", views.desk_action, name="desk-action"),
    path("types/", views.types, name="types"),
    path("types/new/", views.type_edit, name="type-new"),
    path("types/<int:type_id>/", views.type_edit, name="type-edit"),
    path("types/<int:type_id>/slots/", views.slots, name="slots"),
    path("slots/<int:slot_id>/capacity/", views.slot_capacity, name="slot-capacity"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/<str:kind>/", views.stats_export, name="stats-export"),
]
