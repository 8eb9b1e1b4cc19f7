"""One function per user action on work orders, knowledge entries and 办不成事 problems."""

from govhall.complaints.services.cant_do import (
    problem_escalate,
    problem_finish,
    problem_log,
    problem_start,
)
from govhall.complaints.services.deadlines import due_dates_fill, working_due_date
from govhall.complaints.services.knowledge import entry_save, entry_viewed
from govhall.complaints.services.workorders import (
    complaint_call_back,
    complaint_close,
    complaint_dispatch,
    complaint_file_online,
    complaint_import_hotline,
    complaint_register,
    complaint_reply,
    complaint_return,
)

__all__ = [
    "complaint_call_back",
    "complaint_close",
    "complaint_dispatch",
    "complaint_file_online",
    "complaint_import_hotline",
    "complaint_register",
    "complaint_reply",
    "complaint_return",
    "due_dates_fill",
    "entry_save",
    "entry_viewed",
    "problem_escalate",
    "problem_finish",
    "problem_log",
    "problem_start",
    "working_due_date",
]
