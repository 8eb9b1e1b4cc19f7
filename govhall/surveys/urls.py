"""Public pages of surveys: the invited applicant's answer page."""

from django.urls import path

from govhall.surveys import views

app_name = "surveys"
urlpatterns = [
    path("surveys/invitations/<int:invitation_id>/", views.answer, name="answer"),
]
