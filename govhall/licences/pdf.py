"""The printable licence (DATA-3): the face of the licence, the issuer's electronic seal mark, the
QR code to the public verify page, and the identifier, digest and signature in small print so a
paper copy can be checked by hand. Rendered on download from the stored signed fields."""

from __future__ import annotations

from django.utils import timezone

from govhall.core.identifiers import mask_ric
from govhall.core.pdf import ACCENT, CHINA_TZ, FONT_FAMILY, MUTED, TEXT, GovDocument
from govhall.licences.models import Licence
from govhall.licences.selectors import verify_url

QR_SIZE = 34


def _holder_rows(signed: dict) -> list[tuple[str, str]]:
    holder = signed["holder"]
    if holder["kind"] == "enterprise":
        return [("持证主体", holder["name"]), ("统一社会信用代码", holder["id"])]
    # Printed copies travel: the ID number is masked as on every govhall document (the signed
    # licence file keeps it whole).
    return [("持证人", holder["name"]), ("公民身份号码", mask_ric(holder["id"]))]


def _seal_mark(doc: GovDocument, *, x: float, y: float, name: str) -> None:
    """A round red seal outline with the issuer's name: marks where the electronic seal applies
    (the signature itself is the SM2 value printed below, not this picture)."""
    doc.set_draw_color(*ACCENT)
    doc.set_text_color(*ACCENT)
    doc.set_line_width(0.8)
    doc.ellipse(x, y, 36, 36)
    doc.set_font(FONT_FAMILY, "B", size=8.5)
    lines = doc.wrap(name, 28)[:3]
    top = y + 18 - len(lines) * 2.2 - 3
    for i, line in enumerate(lines):
        doc.set_xy(x + 2, top + i * 4.4)
        doc.cell(32, 4.4, line, align="C")
    doc.set_font(FONT_FAMILY, size=14)
    doc.set_xy(x + 2, top + len(lines) * 4.4 + 0.5)
    doc.cell(32, 6, "★", align="C")
    doc.set_text_color(*TEXT)
    doc.set_draw_color(*TEXT)


def licence_pdf(licence: Licence) -> bytes:
    signed = licence.signed
    issued_at = licence.issued_at.astimezone(CHINA_TZ)
    title = signed["licence_type"]["name"]
    doc = GovDocument(issuer=signed["issuer"]["name"], title=f"{title}（电子证照）", printed_at=timezone.now())
    doc.set_creation_date(issued_at)
    doc.set_subject(f"{title} {signed['number']}")
    doc.add_page()
    doc.title_block(title, "电子证照 · Electronic Licence")
    doc.paragraph(f"证号：{signed['number']}", align="R", bold=True)
    doc.ln(2)
    top = doc.get_y()
    qr_x = doc.w - doc.r_margin - QR_SIZE - 4
    qr_bottom = doc.qr_code(verify_url(licence.identifier), x=qr_x, y=top, size=QR_SIZE, caption="扫码核验证照真伪和状态", show_data=False)
    rows = [
        *_holder_rows(signed),
        *[(k, v) for k, v in signed["data"].items()],
        ("有效期", f"{signed['valid_from']} 至 {signed['valid_until'] or '长期'}"),
        ("发证机关", signed["issuer"]["name"]),
        ("发证日期", signed["valid_from"]),
    ]
    table_bottom = doc.key_values(rows, label_width=34, width=qr_x - 6 - doc.l_margin)
    doc.set_y(max(table_bottom, qr_bottom) + 6)

    status = licence.effective_status()
    if status != Licence.STATUS_VALID:
        doc.paragraph(f"本证照{licence.effective_status_label()}，不得作为有效证照使用。", bold=True, color=ACCENT, size=13)
        doc.ln(2)
    doc.ensure_space(48)
    seal_y = doc.get_y()
    _seal_mark(doc, x=doc.w - doc.r_margin - 46, y=seal_y, name=signed["issuer"]["name"])
    doc.set_xy(doc.l_margin, seal_y + 6)
    doc.paragraph(signed["issuer"]["name"], bold=True, width=doc.epw - 52)
    day = licence.valid_from
    doc.paragraph(f"{day.year}年{day.month}月{day.day}日", width=doc.epw - 52)
    doc.set_y(seal_y + 42)

    doc.heading("电子签章信息", keep_with=30)
    small = [
        ("证照标识", licence.identifier),
        ("签章密钥", signed["key_id"]),
        ("签章时间", f"{issued_at:%Y-%m-%d %H:%M}"),
        ("签名算法", "SM2 / SM3（GB/T 32918、GB/T 32905）"),
        ("SM3 摘要", licence.digest),
        ("SM2 签名", licence.signature),
    ]
    doc.set_font(FONT_FAMILY, size=8)
    doc.key_values(small, label_width=24)
    doc.ln(2)
    doc.paragraph(
        "本证照由发证机关电子印章签名。可扫描二维码或访问核验页面查验；下载的证照文件可用公布的公钥离线验证。",
        size=8.5,
        color=MUTED,
    )
    return doc.to_bytes()
