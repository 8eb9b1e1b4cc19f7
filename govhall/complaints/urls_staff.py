"""Staff pages of complaints, mounted at /staff/complaints/."""

from django.urls import path

from govhall.complaints import views_staff

app_name = "complaints_staff"
urlpatterns = [
    path("", views_staff.complaint_list, name="list"),
    path("overdue/", views_staff.overdue_list, name="overdue"),
    path("new/", views_staff.complaint_new, name="new"),
    path("<int:complaint_id>/", views_staff.complaint_detail, name="detail"),
    path("<int:complaint_id>/<slug:step>/", views_staff.complaint_step, name="step"),
    path("kb/", views_staff.knowledge_list, name="knowledge"),
    path("kb/new/", views_staff.knowledge_edit, name="knowledge-new"),
    path("kb/<int:entry_id>/", views_staff.knowledge_edit, name="knowledge-edit"),
    path("cant-do/", views_staff.problem_list, name="problems"),
    path("cant-do/new/", views_staff.problem_new, name="problem-new"),
    path("cant-do/<int:problem_id>/", views_staff.problem_detail, name="problem"),
    path("cant-do/<int:problem_id>/<slug:step>/", views_staff.problem_step, name="problem-step"),
]
