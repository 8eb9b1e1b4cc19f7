"""What views share: the htmx request type, download headers, Excel lists, local times."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HtmxHttpRequest(HttpRequest):
    """The request our views receive: `HtmxMiddleware` (in MIDDLEWARE) sets `request.htmx`, which
    Django's `HttpRequest` does not declare — the pattern django-htmx documents for type checking."""

    htmx: HtmxDetails


def attachment_disposition(filename: str) -> str:
    """The Content-Disposition value of a download. Django returns None only for an inline
    response without a file name, which the stub cannot tell apart from this call."""
    header = content_disposition_header(True, filename)
    if header is None:
        raise ValueError("content_disposition_header returned None for an attachment")
    return header


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> HttpResponse:
    """One sheet: a bold, frozen header and the rows; text that looks like a formula stays text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = filename[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")
    return response


def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
