"""The applicant's pages: apply online, 我的办件, one case, and public tracking (`/track`, which the QR
code on every document opens with `?number=…&code=…`)."""

from django.urls import path

from govhall.cases import views_applicant as views

app_name = "cases_applicant"
urlpatterns = [
    path("apply/<str:code>/", views.apply, name="apply"),
    path("apply/<str:code>/materials/", views.apply_materials, name="apply-materials"),
    path("my/cases/", views.my_cases, name="my-cases"),
    path("my/cases/export/", views.my_cases_export, name="my-cases-export"),
    path("my/cases/<int:case_id>/", views.case_detail, name="case"),
    path("my/cases/<int:case_id>/submitted/", views.case_submitted, name="submitted"),
    path("my/cases/<int:case_id>/upload/", views.case_upload, name="case-upload"),
    path("my/cases/<int:case_id>/withdraw/", views.case_withdraw_view, name="case-withdraw"),
    path("my/cases/<int:case_id>/delete/", views.draft_delete, name="draft-delete"),
    path("my/cases/<int:case_id>/materials/<int:material_id>/", views.material_download, name="material"),
    path("my/cases/<int:case_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path("track", views.track, name="track"),
]
