"""The base of every govhall PDF: guides, notices, licences, reports.

`GovDocument` is an fpdf2 document on A4 with Noto Sans SC embedded (regular and bold, subsetted
by fpdf2 to the glyphs used, so a few pages stay well under 100 KB), a header with the issuing
body and the document title, a footer with "第 x 页 / 共 y 页" and the print time in China time,
and helpers for headings, paragraphs, tables, QR codes and signature lines.

Chinese text is wrapped by our own line breaker (`wrap`) rather than fpdf2's word wrap: Chinese
has no spaces, so it may break between any two characters, but a line must not start with a
closing mark (，。、）》” …) nor end with an opening one (（《“ …) — 避头尾 of GB/T 15834 practice.
Tables receive the pre-wrapped lines, so cells wrap the same way, and a row taller than a page is
split into continuation rows instead of running off the page.

`pdf_text` reads the text back from a PDF this module wrote (through the fonts' ToUnicode maps),
so tests assert on what is really printed.

Each process parses a font file once (`_parsed_font`): fpdf2's `add_font` would spend about half a
second per style on the 10 MB font for every document, more than the rest of the document costs.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, VAlign, WrapMode
from fpdf.fonts import FontFace, SubsetMap, TTFFont

CHINA_TZ = ZoneInfo("Asia/Shanghai")
FONT_FAMILY = "NotoSansSC"
FONT_FILES = {"": "400Regular/NotoSansSC_400Regular.ttf", "B": "700Bold/NotoSansSC_700Bold.ttf"}

TEXT = (20, 20, 20)
MUTED = (100, 100, 100)
RULE = (150, 150, 150)
ACCENT = (150, 20, 20)  # the red of official documents, used sparingly (heading bars)
HEADING_FILL = (238, 238, 238)

BODY_SIZE = 10.5  # 五号
BODY_LINE = 6.0
CELL_SIZE = 9.5
CELL_LINE = 5.0
CELL_PADDING = (1.1, 1.3)  # vertical, horizontal (mm)

# 避头尾: marks that may not begin a line, and marks that may not end one.
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—·%‰,.;:!?)]}")
NO_LINE_END = set("（《「『【〔〈“‘([{")
# Runs of Latin letters and digits (a word, a phone number, a time range) stay together when they
# fit; every other character is a break opportunity of its own.
_TOKENS = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9@#&_\-./:+'’%=?]*|\s+|.", re.S)


class PdfFontMissing(ImproperlyConfigured):
    """The embedded font is not installed (it comes from npm, not from pip)."""


def font_paths() -> dict[str, Path]:
    """The regular and bold font files; a clear error names the path when one is missing."""
    font_dir = Path(settings.GOVHALL_PDF_FONT_DIR)
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise PdfFontMissing(
                f"PDF 字体文件不存在：{path}。请运行 `make setup` 安装 Noto Sans SC"
                f"（npm 包 @expo-google-fonts/noto-sans-sc），或把 GOVHALL_PDF_FONT_DIR 指向该字体目录。"
                f" (PDF font missing: {path}; run `make setup`.)"
            )
    return paths


# --- the font, parsed once per process -----------------------------------------------------------
# A document gets a copy of the parsed font that shares what only is read while a document is laid
# out (character widths, the cmap, glyph ids) and has its own subset map and descriptor (the output
# writes object numbers into it). It also needs its own fontTools object, because fpdf2's output
# subsets that object in place; it is opened lazily from the bytes in memory, with the glyph order
# already known (working it out from the cmap costs 0.25 s), and without the tables a horizontal
# PDF text never reads, which the subsetter would otherwise decompile: vertical metrics, baselines,
# style attributes and the OpenType layout tables (fpdf2 drops those from the subset anyway; we do
# not shape text). This leans on fpdf2's TTFFont and SubsetMap as of 2.8 (pinned in requirements.txt);
# the core and catalog PDF tests read every document back, so an upgrade that changes them shows.
_UNREAD_TABLES = ("vhea", "vmtx", "BASE", "STAT", "GDEF", "GPOS", "GSUB")


@dataclass(frozen=True)
class _ParsedFont:
    template: TTFFont
    data: bytes
    glyph_order: tuple[str, ...]

    def for_document(self, document: FPDF) -> TTFFont:
        font = copy.copy(self.template)
        font.i = len(document.fonts) + 1
        font.desc = copy.copy(self.template.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        ttfont = ttLib.TTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True)
        ttfont.setGlyphOrder(list(self.glyph_order))
        for tag in _UNREAD_TABLES:
            if tag in ttfont:
                del ttfont[tag]
        font.ttfont = ttfont
        return font


_parsed_fonts: dict[tuple[str, str, int, int], _ParsedFont] = {}
_parsing = threading.Lock()


def _parsed_font(path: Path, style: str) -> _ParsedFont:
    """The font file parsed by fpdf2, once per process (again if the file is replaced)."""
    stat = path.stat()
    key = (str(path), style, stat.st_mtime_ns, stat.st_size)
    with _parsing:
        parsed = _parsed_fonts.get(key)
        if parsed is None:
            template = TTFFont(FPDF(), path, f"{FONT_FAMILY.lower()}{style}", style)
            if template.color_font is not None:
                raise ImproperlyConfigured(f"{path}: colour fonts are not supported for govhall documents")
            parsed = _ParsedFont(template=template, data=path.read_bytes(), glyph_order=tuple(template.ttfont.getGlyphOrder()))
            # The fully decompiled tables (tens of MB) are not needed once widths and ids are read.
            template.close()
            del template.ttfont
            _parsed_fonts[key] = parsed
        return parsed


def china_now() -> datetime:
    return timezone.now().astimezone(CHINA_TZ)


class GovDocument(FPDF):
    """An A4 govhall document. `issuer` (the issuing body) and `title` head every page."""

    def __init__(self, *, issuer: str, title: str, printed_at: datetime | None = None, author: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, path in font_paths().items():
            font = _parsed_font(path, style).for_document(self)
            self.fonts[font.fontkey] = font
        self.issuer = issuer
        self.doc_title = title
        self.printed_at = (printed_at or china_now()).astimezone(CHINA_TZ)
        self.set_margins(left=18, top=24, right=18)
        self.set_auto_page_break(True, margin=18)
        self.c_margin = 0  # paragraphs sit flush on the margin; table cells have their own padding
        self.set_title(title)
        self.set_author(author or issuer)
        self.set_creator("govhall")
        self.set_lang("zh-CN")
        self.set_text_color(*TEXT)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)

    # --- page furniture ---------------------------------------------------------------------

    def header(self) -> None:
        self.set_font(FONT_FAMILY, size=8.5)
        self.set_text_color(*MUTED)
        self.set_xy(self.l_margin, 10)
        half = self.epw / 2
        self.cell(half, 5, self._fit(self.issuer, half), align="L")
        self.cell(half, 5, self._fit(self.doc_title, half), align="R")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(*TEXT)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.set_y(-13)
        third = self.epw / 3
        self.cell(third, 5, "")
        self.cell(third, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
        self.cell(third, 5, f"打印时间：{self.printed_at:%Y-%m-%d %H:%M}", align="R")
        self.set_text_color(*TEXT)

    def _fit(self, text: str, width: float) -> str:
        """Shorten a one-line text with an ellipsis so it fits `width` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    # --- line breaking ----------------------------------------------------------------------

    def wrap(self, text: str, width: float) -> list[str]:
        """Break `text` into lines no wider than `width` (mm) in the current font.

        Newlines in the text are kept; Chinese breaks between characters under 避头尾; a Latin
        word or number moves whole to the next line unless it is wider than a line itself.
        """
        lines: list[str] = []
        for paragraph in str(text).split("\n"):
            lines.extend(self._wrap_paragraph(paragraph.rstrip(), width))
        return lines

    def _wrap_paragraph(self, paragraph: str, width: float) -> list[str]:
        measure = self.get_string_width
        tokens: list[str] = []
        for token in _TOKENS.findall(paragraph):
            if token.isspace():
                tokens.append(" ")
            elif len(token) > 1 and measure(token) > width:
                tokens.extend(token)  # a word longer than the line: break it anywhere
            else:
                tokens.append(token)
        lines: list[list[str]] = [[]]
        for token in tokens:
            line = lines[-1]
            if token == " " and not line:
                continue
            if not line or measure("".join(line) + token) <= width:
                line.append(token)
                continue
            carry: list[str] = []
            while line and line[-1] == " ":
                line.pop()
            # Pull characters down so the new line does not open with a closing mark …
            while len(line) > 1 and (carry or [token])[0][0] in NO_LINE_START and len(carry) < 3:
                carry.insert(0, line.pop())
            # … and the old one does not end with an opening mark.
            while len(line) > 1 and line[-1][-1] in NO_LINE_END and len(carry) < 4:
                carry.insert(0, line.pop())
            while line and line[-1] == " ":
                line.pop()
            if carry and measure("".join([*carry, token])) > width:
                line.extend(carry)
                carry = []
            lines.append([*carry, token] if token != " " else carry)
        return ["".join(line).rstrip() for line in lines]

    # --- text blocks ------------------------------------------------------------------------

    def ensure_space(self, height: float) -> None:
        """Start a new page unless `height` mm still fit above the bottom margin."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def title_block(self, title: str, subtitle: str = "") -> None:
        """The document's title, centred; `subtitle` (e.g. the English name) below in grey."""
        self.set_font(FONT_FAMILY, "B", size=17)
        self.multi_cell(self.epw, 9, "\n".join(self.wrap(title, self.epw)), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FONT_FAMILY, size=10)
            self.set_text_color(*MUTED)
            self.multi_cell(self.epw, 5, "\n".join(self.wrap(subtitle, self.epw)), align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*TEXT)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.ln(4)

    def heading(self, text: str, *, keep_with: float = 16) -> None:
        """A section heading with a red bar, kept on a page with the next `keep_with` mm."""
        self.ensure_space(10 + keep_with)
        self.ln(2)
        y = self.get_y()
        self.set_fill_color(*ACCENT)
        self.rect(self.l_margin, y + 1.2, 1.2, 5, style="F")
        self.set_font(FONT_FAMILY, "B", size=12)
        self.set_x(self.l_margin + 3.5)
        self.multi_cell(self.epw - 3.5, 7.5, "\n".join(self.wrap(text, self.epw - 3.5)), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.ln(1)

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_SIZE,
        line_height: float | None = None,
        bold: bool = False,
        color: tuple[int, int, int] = TEXT,
        align: str = "L",
        indent: float = 0,
        width: float | None = None,
    ) -> None:
        """Wrapped text; long paragraphs flow onto the next page."""
        self.set_font(FONT_FAMILY, "B" if bold else "", size=size)
        self.set_text_color(*color)
        width = (width or self.epw) - indent
        line_height = line_height or round(size * 0.3528 * 1.65, 2)
        for line in self.wrap(text, width):
            self.set_x(self.l_margin + indent)
            self.cell(width, line_height, line, align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*TEXT)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)

    # --- tables -----------------------------------------------------------------------------

    def data_table(
        self,
        headings: Sequence[str] | None,
        rows: Sequence[Sequence[str]],
        *,
        col_widths: Sequence[float],
        aligns: Sequence[str] | None = None,
        label_columns: Collection[int] = (),
        column_styles: dict[int, FontFace] | None = None,
    ) -> float:
        """A bordered table at the left margin; `col_widths` in mm. Headings repeat on every page
        the table spans.

        A row with fewer cells than columns has its last cell span the remaining columns. Cells
        of the `label_columns` are shaded and bold (key/value tables); `column_styles` restyles
        the body cells of a column (e.g. a larger tick box). Returns the y below the table.
        """
        aligns = list(aligns or ["L"] * len(col_widths))
        pad_v, pad_h = CELL_PADDING
        page_body = self.page_break_trigger - self.t_margin - 2 * pad_v - (CELL_LINE + 2 * pad_v if headings else 0)
        max_lines = max(1, int(page_body * 0.95 // CELL_LINE))

        def wrap_row(row: Sequence[str], bold: Collection[int]) -> list[list[str]]:
            cells = []
            for i, text in enumerate(row):
                spanned = col_widths[i:] if i == len(row) - 1 else col_widths[i : i + 1]
                self.set_font(FONT_FAMILY, "B" if i in bold else "", size=CELL_SIZE)
                cells.append(self.wrap(str(text), sum(spanned) - 2 * pad_h - 0.2))
            return cells

        # Rows taller than a page become continuation rows ("（续）" in the first column).
        body: list[list[str]] = []
        for row in rows:
            cells = wrap_row(row, label_columns)
            height = max(len(c) for c in cells)
            for start in range(0, height, max_lines):
                part = ["\n".join(c[start : start + max_lines]) for c in cells]
                if start and not part[0]:
                    part[0] = "（续）"
                body.append(part)
        heading_cells = ["\n".join(cell) for cell in wrap_row(headings, range(len(headings)))] if headings else []

        self.set_font(FONT_FAMILY, size=CELL_SIZE)  # the table takes its body style from the current font
        self.set_draw_color(*RULE)
        self.set_fill_color(255, 255, 255)  # fpdf2 fills every cell with the current fill colour
        self.set_line_width(0.25)
        self.set_x(self.l_margin)
        label_style = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
        with self.table(
            width=sum(col_widths),
            col_widths=list(col_widths),
            align="LEFT",
            line_height=CELL_LINE,
            padding=CELL_PADDING,
            text_align=tuple(aligns),
            v_align=VAlign.M,
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=bool(headings),
            headings_style=label_style,
            borders_layout=TableBordersLayout.ALL,
            repeat_headings=1,
        ) as table:
            if heading_cells:
                heading_row = table.row()
                for text in heading_cells:
                    heading_row.cell(text, align="C")
            for part in body:
                table_row = table.row()
                for i, text in enumerate(part):
                    style = label_style if i in label_columns else (column_styles or {}).get(i)
                    colspan = len(col_widths) - i if i == len(part) - 1 else 1
                    table_row.cell(text, style=style, colspan=colspan)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.ln(1.5)
        return self.get_y()

    def key_values(self, pairs: Sequence[tuple[str, str]], *, label_width: float = 30, width: float | None = None) -> float:
        """A two-column table of labels and values (the values may be long)."""
        width = width or self.epw
        return self.data_table(None, [(k, v) for k, v in pairs], col_widths=(label_width, width - label_width), label_columns={0})

    # --- QR code and sign-off ---------------------------------------------------------------

    def qr_code(self, data: str, *, x: float, y: float, size: float = 30, caption: str = "", show_data: bool = True) -> float:
        """A QR code of `data` at (x, y), `size` mm square, with a caption and the data in small
        print below it (so the link still works when the code cannot be scanned). Returns the y
        below the caption; the cursor stays where it was, so text can flow beside the code."""
        cursor = self.get_x(), self.get_y()
        png = io.BytesIO()
        segno.make(data, error="m", micro=False).save(png, kind="png", scale=8, border=0)
        png.seek(0)
        self.image(png, x=x, y=y, w=size, h=size)
        bottom = y + size + 1.5
        lines: list[tuple[str, float, float]] = []
        if caption:
            self.set_font(FONT_FAMILY, size=8)
            lines += [(line, 8, 4) for line in self.wrap(caption, size + 8)]
        if show_data:
            self.set_font(FONT_FAMILY, size=6)
            lines += [(line, 6, 2.8) for line in self.wrap(data, size + 8)]
        self.set_text_color(*MUTED)
        for line, font_size, line_height in lines:
            self.set_font(FONT_FAMILY, size=font_size)
            self.set_xy(x - 4, bottom)
            self.cell(size + 8, line_height, line, align="C")
            bottom += line_height
        self.set_text_color(*TEXT)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.set_xy(*cursor)
        return bottom

    def sign_off(self, labels: Sequence[str], *, line_width: float = 55) -> None:
        """Signature lines "<label>：______  日期：____年___月___日", one per label, aligned and
        kept together on one page."""
        self.ensure_space(11 * len(labels) + 2)
        self.ln(2)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        self.set_draw_color(*TEXT)
        self.set_line_width(0.3)
        label_width = max(self.get_string_width(f"{label}：") for label in labels) + 1
        for label in labels:
            self.ln(4)
            y = self.get_y()
            self.cell(label_width, 7, f"{label}：")
            for part, blank in (("", line_width), ("日期：", 6), ("年", 16), ("月", 10), ("日", 10)):
                x = self.get_x()
                if blank and part != "日期：":
                    self.line(x, y + 6, x + blank, y + 6)
                self.set_x(x + blank)
                if part:
                    self.cell(self.get_string_width(part) + 0.5, 7, part)
            self.ln(7)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


# --- reading our own PDFs back --------------------------------------------------------------

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream$", re.S)
_CONTENT_TOKENS = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_objects(data: bytes, *, decode: bool = True) -> dict[int, tuple[bytes, bytes | None]]:
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in _OBJ.findall(data):
        match = _STREAM.match(body)
        if match:
            head, stream = match.groups()
            if decode and b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
            objects[int(number)] = (head, stream)
        else:
            objects[int(number)] = (body, None)
    return objects


def _literal(token: bytes) -> bytes:
    out, i, body = bytearray(), 0, token[1:-1]
    while i < len(body):
        char = body[i : i + 1]
        if char == b"\\":
            nxt = body[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
        else:
            out += char
            i += 1
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(uni, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _ref(head: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", head)
    return int(match.group(1)) if match else None


def _required_ref(head: bytes, key: bytes) -> int:
    ref = _ref(head, key)
    if ref is None:
        raise ValueError(f"not a GovDocument PDF: no /{key.decode()} reference")
    return ref


def _required_match(pattern: bytes, data: bytes) -> re.Match[bytes]:
    match = re.search(pattern, data, re.S)
    if match is None:
        raise ValueError(f"not a GovDocument PDF: nothing matches {pattern!r}")
    return match


def pdf_images(data: bytes) -> list[bytes]:
    """The (still encoded) data of every image in a PDF written by `GovDocument`, in object order."""
    return [
        stream
        for head, stream in _pdf_objects(data, decode=False).values()
        if stream is not None and re.search(rb"/Subtype\s*/Image", head)
    ]


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF written by `GovDocument`, in drawing order, one line per
    text object. Not a general PDF reader: it knows fpdf2's output (Type0 fonts with ToUnicode
    maps, Flate streams, no object streams)."""
    objects = _pdf_objects(data)
    catalog = next(head for head, _ in objects.values() if re.search(rb"/Type\s*/Catalog", head))
    pages_root = objects[_required_ref(catalog, b"Pages")][0]
    page_ids = [int(n) for n in re.findall(rb"(\d+) 0 R", _required_match(rb"/Kids\s*\[(.*?)\]", pages_root).group(1))]
    cmaps: dict[int, dict[int, str]] = {}
    pages: list[str] = []
    for page_id in page_ids:
        head = objects[page_id][0]
        resources_id = _ref(head, b"Resources")
        resources = objects[resources_id][0] if resources_id else head
        fonts_dict = re.search(rb"/Font\s*<<(.*?)>>", resources, re.S)
        fonts = {name: int(num) for name, num in re.findall(rb"/(\w+)\s+(\d+) 0 R", fonts_dict.group(1))} if fonts_dict else {}
        content_ids = [int(n) for n in re.findall(rb"(\d+) 0 R", _required_match(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", head).group(1))]
        content = b"\n".join(objects[c][1] or b"" for c in content_ids)
        lines: list[str] = []
        font: dict[int, str] = {}
        stack: list[dict[int, str]] = []
        operands: list[bytes] = []
        current = ""
        for token in _CONTENT_TOKENS.findall(content):
            if token[:1] in b"(<[]/" or re.fullmatch(rb"[-+]?\d*\.?\d+", token):
                operands.append(token)
                continue
            if token == b"Tf" and len(operands) >= 2:
                font_id = fonts.get(operands[-2][1:])
                if font_id is not None and font_id not in cmaps:
                    unicode_id = _ref(objects[font_id][0], b"ToUnicode")
                    cmaps[font_id] = _to_unicode(objects[unicode_id][1] or b"") if unicode_id else {}
                font = cmaps.get(font_id, {}) if font_id is not None else {}
            elif token in (b"Tj", b"TJ", b"'", b'"'):
                for operand in operands:
                    if operand.startswith(b"("):
                        raw = _literal(operand)
                    elif operand.startswith(b"<"):
                        raw = bytes.fromhex(re.sub(rb"\s", b"", operand[1:-1]).decode())
                    else:
                        continue
                    current += "".join(font.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw) - 1, 2))
            elif token == b"ET":
                if current.strip():
                    lines.append(current.strip())
                current = ""
            elif token == b"q":
                stack.append(font)
            elif token == b"Q" and stack:
                font = stack.pop()
            operands = []
        pages.append("\n".join(lines))
    return pages
