"""Public pages of crossregion."""

from django.urls import path  # noqa: F401

app_name = "crossregion"
urlpatterns: list = []
