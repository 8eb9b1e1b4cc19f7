"""Streaming readers of a history file: CSV (UTF-8 with or without BOM, or GB18030) and Excel
(.xlsx, openpyxl in read-only mode, first sheet). Each yields the header and then every data row as
a list of strings, holding one row at a time."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

SAMPLE = 1 << 20  # bytes looked at to tell UTF-8 from GB18030


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def is_excel(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def csv_encoding(path: Path) -> str:
    """utf-8-sig when the file starts with a BOM, utf-8 when its first megabyte decodes as UTF-8,
    else gb18030 (what Excel and most Chinese systems write as “ANSI”)."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def estimate_rows(path: Path) -> int:
    """Data rows of a file, for the progress bar: lines of a CSV (a quoted line break makes it an
    estimate), the sheet's dimension of a workbook."""
    if is_excel(path):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return max((book.worksheets[0].max_row or 1) - 1, 0)
        finally:
            book.close()
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path) -> Iterator[list[str]]:
    """The header, then each data row (blank rows skipped), as lists of strings."""
    if is_excel(path):
        yield from _excel_rows(path)
        return
    with open(path, encoding=csv_encoding(path), newline="") as handle:
        for row in csv.reader(handle):
            if row and any(row):
                yield row


def _excel_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            row = [_cell_text(v) for v in values]
            if any(row):
                yield row
    finally:
        book.close()
