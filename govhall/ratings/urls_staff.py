"""Staff pages of ratings, mounted at /staff/ratings/."""

from django.urls import path

from govhall.ratings import views_staff as views

app_name = "ratings_staff"
urlpatterns = [
    path("", views.rating_list, name="ratings"),
    path("device/", views.device, name="device"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:followup_id>/", views.followup_detail, name="followup"),
    path("followups/<int:followup_id>/<str:step>/", views.followup_step, name="followup-step"),
]
