"""Staff pages of crossregion, mounted at /staff/crossregion/."""

from django.urls import path

from govhall.crossregion import views

app_name = "crossregion_staff"
urlpatterns = [
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_edit, name="agreement-new"),
    path("agreements/<int:agreement_id>/", views.agreement_edit, name="agreement-edit"),
    path("peers/", views.peers, name="peers"),
    path("peers/new/", views.peer_edit, name="peer-new"),
    path("peers/<int:peer_id>/", views.peer_edit, name="peer-edit"),
    path("messages/", views.message_log, name="messages"),
    path("accept/", views.window_accept, name="accept"),
]
