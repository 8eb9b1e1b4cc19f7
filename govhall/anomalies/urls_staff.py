"""Staff pages of anomalies, mounted at /staff/anomalies/."""

from django.urls import path

from govhall.anomalies import views_staff

app_name = "anomalies_staff"
urlpatterns = [
    path("", views_staff.hit_list, name="hits"),
    path("scan/", views_staff.scan, name="scan"),
    path("rules/", views_staff.rule_list, name="rules"),
    path("rules/<slug:code>/", views_staff.rule_update, name="rule-update"),
    path("<int:hit_id>/", views_staff.hit_detail, name="hit"),
    path("<int:hit_id>/dismiss/", views_staff.hit_dismiss, name="hit-dismiss"),
    path("<int:hit_id>/assign/", views_staff.hit_assign, name="hit-assign"),
    path("tasks/", views_staff.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views_staff.task_detail, name="task"),
    path("tasks/<int:task_id>/<slug:step>/", views_staff.task_step, name="task-step"),
]
