"""Public pages of ratings: the QR rating page of a ticket, the case rating, published figures."""

from django.urls import path

from govhall.ratings import views

app_name = "ratings"
urlpatterns = [
    path("rate/t/<str:token>/", views.rate_ticket, name="rate-ticket"),
    path("rate/t/<str:token>/thanks/", views.rate_thanks, name="rate-thanks"),
    path("rate/case/<int:case_id>/", views.rate_case, name="rate-case"),
    path("ratings/", views.figures, name="figures"),
]
