"""Public pages of licences: verification (QR code, identifier, upload), the published keys, and
the holder's 证照夹."""

from django.urls import path

from govhall.licences import views

app_name = "licences"
urlpatterns = [
    path("licences/verify/", views.verify_form, name="verify-form"),
    path("licences/verify/<str:identifier>/", views.verify, name="verify"),
    path("licences/keys.json", views.keys_json, name="keys"),
    path("my/licences/", views.wallet, name="wallet"),
    path("my/licences/<int:licence_id>/pdf/", views.wallet_pdf, name="wallet-pdf"),
    path("my/licences/<int:licence_id>/file/", views.wallet_file, name="wallet-file"),
]
