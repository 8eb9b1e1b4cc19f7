"""Public pages of anomalies."""

from django.urls import path  # noqa: F401

app_name = "anomalies"
urlpatterns: list = []
