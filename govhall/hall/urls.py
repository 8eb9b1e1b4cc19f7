"""Public pages of the hall: 网上预约, the ticket page (QR on the printed ticket), the display board
and the self-service kiosk."""

from django.urls import path

from govhall.hall import views, views_kiosk

app_name = "hall"
urlpatterns = [
    path("hall/appointments/", views.appointments, name="appointments"),
    path("hall/appointments/<int:appointment_id>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path("hall/t/<str:token>/", views.ticket_page, name="ticket"),
    path("hall/board/<int:centre_id>/", views.board, name="board"),
    path("kiosk/<int:centre_id>/", views_kiosk.home, name="kiosk"),
    path("kiosk/<int:centre_id>/take/", views_kiosk.take, name="kiosk-take"),
    path("kiosk/<int:centre_id>/ticket/<str:token>/", views_kiosk.ticket, name="kiosk-ticket"),
    path("kiosk/<int:centre_id>/check-in/", views_kiosk.check_in, name="kiosk-check-in"),
    path("kiosk/<int:centre_id>/track/", views_kiosk.track, name="kiosk-track"),
    path("kiosk/<int:centre_id>/print/", views_kiosk.print_result, name="kiosk-print"),
    path("kiosk/<int:centre_id>/print/<int:document_id>/", views_kiosk.print_document, name="kiosk-print-document"),
]
