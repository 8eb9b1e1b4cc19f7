"""Staff pages of agents, mounted at /staff/agents/."""

from django.urls import path

from govhall.agents import views_staff as views

app_name = "agents_staff"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("export/<str:which>/", views.workbench_export, name="export"),
    path("consents/new/", views.consent_new, name="consent-new"),
    path("consents/<int:consent_id>/", views.consent_detail, name="consent"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("consents/<int:consent_id>/file/", views.consent_file, name="consent-file"),
    path("cases/<int:case_id>/handover/", views.handover_add, name="handover-add"),
    path("cases/<int:case_id>/receipt/", views.receipt, name="receipt"),
    path("handovers/<int:handover_id>/confirm/", views.handover_confirm, name="handover-confirm"),
    path("handovers/<int:handover_id>/signature/", views.handover_signature, name="handover-signature"),
]
