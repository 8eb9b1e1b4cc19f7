from django.urls import path

from govhall.cases import views_notifications as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/", views.notification_go, name="go"),
    path("read-all/", views.notification_read_all, name="read-all"),
]
