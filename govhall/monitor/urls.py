"""Public pages of monitor."""

from django.urls import path  # noqa: F401

app_name = "monitor"
urlpatterns: list = []
