"""Staff case pages, mounted at /staff/cases/: the window, approval and process-settings pages."""

from django.urls import path

from govhall.cases import views_approval, views_process, views_staff, views_window

app_name = "cases_staff"
urlpatterns = [
    # 窗口综合受理
    path("window/", views_window.workbench, name="window"),
    path("window/export/<slug:which>/", views_window.workbench_export, name="window-export"),
    path("window/walk-in/", views_window.walk_in, name="walk-in"),
    path("window/walk-in/register/", views_window.walk_in_register, name="walk-in-register"),
    path("<int:case_id>/accept/", views_window.accept, name="accept"),
    # 审批
    path("approval/", views_approval.workbench, name="approval"),
    path("approval/export/<slug:which>/", views_approval.workbench_export, name="approval-export"),
    path("tasks/<int:task_id>/", views_approval.task_page, name="task"),
    path("tasks/<int:task_id>/complete/", views_approval.task_complete, name="task-complete"),
    path("extensions/<int:extension_id>/", views_approval.extension_decide, name="extension"),
    path("commitments/<int:commitment_id>/verify/", views_approval.commitment_verify, name="verify"),
    # one case: its page, the actions on it, its files and documents
    path("<int:case_id>/", views_staff.case_page, name="case"),
    path("<int:case_id>/pause/start/", views_staff.pause_start, name="pause-start"),
    path("<int:case_id>/pause/end/", views_staff.pause_end, name="pause-end"),
    path("<int:case_id>/extension/", views_staff.extension_request, name="extension-request"),
    path("<int:case_id>/terminate/", views_staff.terminate, name="terminate"),
    path("<int:case_id>/deliver/", views_staff.deliver, name="deliver"),
    path("<int:case_id>/upload/", views_staff.material_upload, name="upload"),
    path("<int:case_id>/rongque/fulfil/", views_staff.rongque_fulfil, name="rongque-fulfil"),
    path("materials/<int:material_id>/", views_staff.material_file, name="material"),
    path("documents/<int:document_id>/", views_staff.document_page, name="document"),
    path("documents/<int:document_id>/pdf/", views_staff.document_pdf, name="document-pdf"),
    # 事项流程设置
    path("processes/", views_process.process_list, name="processes"),
    path("processes/<int:item_id>/", views_process.process_edit, name="process"),
    path("processes/definitions/<int:definition_id>/bpmn/", views_process.definition_bpmn, name="definition-bpmn"),
]
