"""Case actions (one function per user action); see each module's docstring."""

from django.utils import timezone  # noqa: F401  (tests patch govhall.cases.services.timezone.now)

from govhall.cases.services.acceptance import (
    MaterialFinding,
    SupplementPoint,
    case_accept,
    case_accept_rongque,
    case_refuse,
    case_request_supplement,
    commitment_fulfil,
)
from govhall.cases.services.approval import (
    case_extension_decide,
    case_extension_request,
    case_pause_end,
    case_pause_start,
    case_terminate,
    commitment_verify,
    process_bind,
    process_for_version,
    task_complete,
)
from govhall.cases.services.deadlines import case_clock_sweep
from govhall.cases.services.delivery import case_deliver
from govhall.cases.services.events import case_event_append, case_visit_record
from govhall.cases.services.submission import (
    case_draft_delete,
    case_draft_save,
    case_material_path,
    case_material_upload,
    case_submit,
    case_supplement_submit,
    case_withdraw,
    sniff_content_type,
)

__all__ = [
    "MaterialFinding",
    "SupplementPoint",
    "case_accept",
    "case_accept_rongque",
    "case_clock_sweep",
    "case_deliver",
    "case_draft_delete",
    "case_draft_save",
    "case_event_append",
    "case_extension_decide",
    "case_extension_request",
    "case_material_path",
    "case_material_upload",
    "case_pause_end",
    "case_pause_start",
    "case_refuse",
    "case_request_supplement",
    "case_submit",
    "case_supplement_submit",
    "case_terminate",
    "case_visit_record",
    "case_withdraw",
    "commitment_fulfil",
    "commitment_verify",
    "process_bind",
    "process_for_version",
    "sniff_content_type",
    "task_complete",
]
