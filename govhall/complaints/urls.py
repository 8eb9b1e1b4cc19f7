"""Public pages of complaints: the knowledge base, filing a complaint, my complaints."""

from django.urls import path

from govhall.complaints import views_public

app_name = "complaints"
urlpatterns = [
    path("kb/", views_public.kb_list, name="kb"),
    path("kb/<int:entry_id>/", views_public.kb_entry, name="kb-entry"),
    path("complaints/new/", views_public.complaint_new, name="new"),
    path("my/complaints/", views_public.my_complaints, name="my-complaints"),
    path("my/complaints/<int:complaint_id>/", views_public.my_complaint, name="my-complaint"),
    path("my/complaints/<int:complaint_id>/rate/", views_public.my_complaint_rate, name="my-complaint-rate"),
]
