"""Staff pages of licences, mounted at /staff/licences/."""

from django.urls import path

from govhall.licences import views

app_name = "licences_staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<int:licence_id>/revoke/", views.staff_revoke, name="revoke"),
    path("<int:licence_id>/pdf/", views.staff_pdf, name="pdf"),
    path("seals/", views.seals, name="seals"),
    path("seals/<int:department_id>/rotate/", views.seal_rotate, name="seal-rotate"),
]
