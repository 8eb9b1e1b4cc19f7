"""Public pages of agents: the resident's 我的代办授权."""

from django.urls import path

from govhall.agents import views

app_name = "agents"
urlpatterns = [
    path("my/consents/", views.my_consents, name="my-consents"),
    path("my/consents/<int:consent_id>/confirm/", views.my_consent_confirm, name="my-consent-confirm"),
    path("my/consents/<int:consent_id>/revoke/", views.my_consent_revoke, name="my-consent-revoke"),
]
