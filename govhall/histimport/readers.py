"""Streaming readers of a history file: CSV (UTF-8 with or without BOM, or GB18030) and Excel
(.xlsx, openpyxl in read-only mode, first sheet). Each yields the header and then every data row as
a list of strings, holding one row at a time.

A workbook is checked before openpyxl opens it (`check_workbook`): openpyxl reads the worksheet as a
stream, but every other part (the shared strings above all) whole into memory, and a zip can unpack
to far more than it weighs. A CSV line is read at most MAX_LINE characters at a time."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError

SAMPLE = 1 << 20  # bytes looked at to tell UTF-8 from GB18030
MAX_LINE = 4 << 20  # characters of one line of a CSV (a history row has a few hundred)

# An .xlsx: the most the shared strings may unpack to (openpyxl reads them into memory whole; a
# 1.5M-row sheet's are well under 100 MB), and any other part openpyxl reads whole (styles, the
# workbook, relationships: kilobytes in a real workbook); the compression ratio no real part reaches
# (zip bombs do: deflate goes up to ~1000:1) for parts over BOMB_MIN_SIZE; and the most parts (zipfile
# keeps an entry in memory for each; a workbook has a few dozen). The total is
# GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED.
SHARED_STRINGS_MAX = 256 << 20
OTHER_PART_MAX = 64 << 20
BOMB_RATIO, BOMB_MIN_SIZE = 200, 10 << 20
MAX_PARTS = 10_000
MAX_DIRECTORY = MAX_PARTS * 1024  # bytes of the zip's central directory (an entry takes ~100)
# openpyxl's read-only mode streams the sheets themselves (not their relationships, nor a
# chartsheet, which it reads whole)
STREAMED_PART = re.compile(r"^xl/worksheets/sheet\d+\.xml$")


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


def _mb(size: int) -> int:
    return -(-size >> 20)  # rounded up: "1 MB" for a limit of a few bytes in tests, never "0 MB"


def _declared_directory(path: Path) -> tuple[int, int]:
    """(entries, bytes) of the zip's central directory as its end record declares them, read before
    zipfile reads the directory into memory and builds one ZipInfo per entry. zipfile trusts the
    byte size, not the count (it reads entries until the bytes run out), so both are bounded; like
    zipfile, the zip64 end record is used whenever its locator is there."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(size - (22 + 0xFFFF + 20), 0))
        tail = handle.read()
        at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" and tail[-2:] == b"\0\0" else tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            raise zipfile.BadZipFile("no end of central directory")
        entries = int.from_bytes(tail[at + 10 : at + 12], "little")
        directory = int.from_bytes(tail[at + 12 : at + 16], "little")
        if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":  # zip64: the figures are in its own record
            handle.seek(int.from_bytes(tail[at - 12 : at - 4], "little"))
            record = handle.read(56)
            if record[:4] != b"PK\x06\x06":
                raise zipfile.BadZipFile("bad zip64 end record")
            entries = int.from_bytes(record[32:40], "little")
            directory = int.from_bytes(record[40:48], "little")
    return entries, directory


def _shared_strings_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts [Content_Types].xml names as shared strings (where openpyxl looks them up)."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    return {ct.PartName[1:] for ct in manifest.findall(SHARED_STRINGS)}


def check_workbook(path: Path) -> None:
    """Refuse an .xlsx that would take far more memory or time to read than any workbook of history
    records: more parts than MAX_PARTS, unpacking to more than GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED
    in all, shared strings over SHARED_STRINGS_MAX or another part read whole over OTHER_PART_MAX, or
    a part packed more than BOMB_RATIO:1 (a zip bomb). zipfile never unpacks a part beyond the size
    the zip declares for it, so the declared sizes are a bound."""
    limit = settings.GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED
    advice = _("请在 Excel 中另存为 CSV（UTF-8）后导入。")
    try:
        parts, directory = _declared_directory(path)
        if parts > MAX_PARTS or directory > MAX_DIRECTORY:
            parts = max(parts, directory // 46)  # a directory entry takes at least 46 bytes
            raise ValidationError("file", "xlsx_parts", _("Excel 文件包含%(parts)d个部件，不是正常的工作簿。") % {"parts": parts})
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > limit:
                raise ValidationError(
                    "file",
                    "xlsx_too_large",
                    _("Excel 文件解压后有%(size)d MB，超过%(limit)d MB的上限。") % {"size": _mb(unpacked), "limit": _mb(limit)} + advice,
                )
            for info in infos:
                if info.file_size > BOMB_MIN_SIZE and info.file_size > BOMB_RATIO * max(info.compress_size, 1):
                    raise ValidationError(
                        "file",
                        "xlsx_bomb",
                        _("Excel 文件中的“%(part)s”压缩比异常（可能是压缩炸弹），已拒绝。") % {"part": info.filename[:100]},
                    )
            # Parts read whole: first all but the shared strings ([Content_Types].xml among them is read
            # next, to find which part openpyxl takes for the shared strings), then the shared strings.
            named = {info.filename for info in infos if info.filename.lower().endswith("sharedstrings.xml")}
            for info in infos:
                if info.file_size > OTHER_PART_MAX and info.filename not in named and not STREAMED_PART.match(info.filename):
                    raise ValidationError(
                        "file",
                        "xlsx_part_too_large",
                        _("Excel 文件中的“%(part)s”解压后有%(size)d MB，超过%(limit)d MB的上限。")
                        % {"part": info.filename[:100], "size": _mb(info.file_size), "limit": _mb(OTHER_PART_MAX)}
                        + advice,
                    )
            strings = named | _shared_strings_parts(archive)
            for info in infos:
                if info.filename in strings and info.file_size > SHARED_STRINGS_MAX:
                    raise ValidationError(
                        "file",
                        "xlsx_shared_strings",
                        _("Excel 文件的共享字符串表解压后有%(size)d MB，超过%(limit)d MB的上限，读取时会占用过多内存。")
                        % {"size": _mb(info.file_size), "limit": _mb(SHARED_STRINGS_MAX)}
                        + advice,
                    )
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, SyntaxError, TypeError) as exc:
        # SyntaxError: the XML parser's ParseError; KeyError: no [Content_Types].xml
        raise ValidationError("file", "xlsx_invalid", _("不是有效的 Excel（.xlsx）文件。") + advice) from exc


def estimate_rows(path: Path) -> int:
    """Data rows of a file, for the progress bar: lines of a CSV (a quoted line break makes it an
    estimate), the sheet's dimension of a workbook."""
    if is_excel(path):
        from openpyxl import load_workbook

        check_workbook(path)

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
        for row in csv.reader(_bounded_lines(handle)):
            if row and any(row):
                yield row


def _bounded_lines(handle) -> Iterator[str]:
    """The lines of a text file, refusing one longer than MAX_LINE (a file without line breaks
    would otherwise be read into memory whole)."""
    line_no = 0
    while line := handle.readline(MAX_LINE):
        line_no += 1
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            raise ValidationError(
                "file", "line_too_long", _("第%(line)d行超过%(limit)d个字符，不是有效的 CSV 文件。") % {"line": line_no, "limit": MAX_LINE}
            )
        yield line


def _excel_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    check_workbook(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            row = [_cell_text(v) for v in values]
            if any(row):
                yield row
    finally:
        book.close()
