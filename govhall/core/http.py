"""What views share: the htmx request type, download headers, Excel lists, local times."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
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


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]], Sequence[int]]


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of plain lists, one sheet per (title, header, rows, column widths): a bold,
    frozen header; cells wrap their text; text that looks like a formula stays text.

    Written row by row (openpyxl's write-only mode), so the time grows with the rows and the rows
    need not all be in memory; one cell style is shared by all the cells (a style per cell cost
    more than the rest of the export)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for title, header, rows, widths in sheets:
        sheet = book.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"

        head = []
        for value in header:
            cell = WriteOnlyCell(sheet, value)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
                if cell.data_type == "f":  # text beginning with "=": shown as it is, never run
                    cell.data_type = "s"
                cell.alignment = wrap
                cells.append(cell)
            sheet.append(cells)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(filename)
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> HttpResponse:
    """One list as a one-sheet workbook named after it and today's date."""
    content = xlsx_bytes([(filename, header, rows, widths)])
    return xlsx_download(content, f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")


def capped_rows(rows: Iterable[Sequence[Any]], limit: int) -> Iterator[Sequence[Any]]:
    """The first `limit` rows; when there are more, a last row saying the list was cut."""
    for n, row in enumerate(rows):
        if n >= limit:
            yield [_("列表过长，仅导出前 %(n)d 条，请缩小筛选范围后再导出") % {"n": limit}]
            return
        yield row


def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def remaining_label(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return _("已超期 %(n)d 个工作日") % {"n": -days}
    if days == 0:
        return _("今日到期")
    return _("剩余 %(n)d 个工作日") % {"n": days}
