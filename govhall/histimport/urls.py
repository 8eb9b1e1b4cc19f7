"""Public pages of histimport."""

from django.urls import path  # noqa: F401

app_name = "histimport"
urlpatterns: list = []
