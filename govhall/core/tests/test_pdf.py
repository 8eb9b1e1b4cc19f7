"""The PDF base: embedded Chinese font, clear error without it, wrapping, tables, footer, QR code."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from govhall.core.pdf import NO_LINE_START, GovDocument, PdfFontMissing, pdf_images, pdf_text


def _flat(pages: list[str]) -> str:
    return re.sub(r"\s+", "", "".join(pages))


def _body(pages: list[str]) -> str:
    """The pages' text without the header (issuer, title) and footer (page number, print time)."""
    return _flat(["".join(page.splitlines()[2:-2]) for page in pages])


def _doc(**kwargs) -> GovDocument:
    doc = GovDocument(issuer="新巴尔虎右旗行政审批和政务服务局", title="测试文书", **kwargs)
    doc.add_page()
    return doc


def test_noto_sans_sc_is_embedded_as_a_small_subset():
    doc = _doc()
    doc.paragraph("食品经营许可证核发")
    data = doc.to_bytes()

    assert b"/FontFile2" in data
    assert b"NotoSansSC" in data
    assert len(data) < 60_000  # the full font is 10 MB; only the glyphs used are embedded


def test_missing_font_names_the_path_and_says_to_run_make_setup(settings, tmp_path):
    settings.GOVHALL_PDF_FONT_DIR = tmp_path / "noto-sans-sc"

    with pytest.raises(PdfFontMissing) as error:
        GovDocument(issuer="某局", title="测试")

    message = str(error.value)
    assert str(tmp_path / "noto-sans-sc" / "400Regular" / "NotoSansSC_400Regular.ttf") in message
    assert "make setup" in message


def test_printed_text_reads_back_from_the_pdf():
    doc = _doc()
    doc.heading("一、设定依据")
    doc.paragraph("《中华人民共和国行政许可法》第四十二条（20个工作日）")
    pages = pdf_text(doc.to_bytes())

    assert "一、设定依据" in pages[0]
    assert "《中华人民共和国行政许可法》第四十二条（20个工作日）" in pages[0]
    assert "新巴尔虎右旗行政审批和政务服务局" in pages[0]  # the header


def test_long_chinese_text_wraps_inside_the_width_and_no_line_starts_with_a_closing_mark():
    doc = _doc()
    text = "申请人应当如实提交有关材料，并对其申请材料实质内容的真实性负责。" * 12 + "（详见《办法》）"
    for width in (40, 57.3, 81, 120, doc.epw):
        lines = doc.wrap(text, width)

        assert "".join(lines) == text  # nothing lost or added
        assert all(doc.get_string_width(line) <= width for line in lines)
        assert not any(line[0] in NO_LINE_START for line in lines)
        assert not any(line[-1] in "（《“" for line in lines)


def test_latin_words_and_numbers_are_not_broken_when_they_fit():
    doc = _doc()
    lines = doc.wrap("办理时间：工作日 9:00-12:00，14:30-17:30；咨询电话 0470-6412345", 30)

    assert any("9:00-12:00" in line for line in lines)
    assert any("0470-6412345" in line for line in lines)


def test_paragraph_longer_than_a_page_flows_onto_the_next():
    doc = _doc()
    text = "本事项的设定依据全文如下：" + "国家对食品生产经营实行许可制度。" * 300
    doc.paragraph(text)
    pages = pdf_text(doc.to_bytes())

    assert len(pages) >= 3
    assert text in _body(pages)


def test_table_breaks_across_pages_repeating_its_headings():
    doc = _doc()
    rows = [(str(i), f"第{i}项材料：项目建设单位出具的说明", "申请人自备") for i in range(1, 61)]
    doc.data_table(["序号", "材料名称", "来源渠道"], rows, col_widths=(14, 120, 40))
    pages = pdf_text(doc.to_bytes())

    assert len(pages) >= 2
    assert all(page.count("材料名称") == 1 for page in pages)
    flat = _flat(pages)
    assert all(f"第{i}项材料：项目建设单位出具的说明" in flat for i in range(1, 61))


def test_a_table_row_taller_than_a_page_continues_on_the_next_instead_of_failing():
    doc = _doc()
    value = "依据《中华人民共和国草原法》第三十八条。" * 200
    doc.key_values([("设定依据", value), ("受理条件", "无")])
    pages = pdf_text(doc.to_bytes())

    assert len(pages) >= 2
    assert "（续）" in pages[1]
    assert value in _body(pages).replace("（续）", "")


def test_footer_shows_page_x_of_y_and_the_print_time_in_china_time():
    doc = _doc(printed_at=datetime(2025, 1, 1, 16, 30, tzinfo=UTC))
    doc.add_page()
    pages = pdf_text(doc.to_bytes())

    assert "第 1 页 / 共 2 页" in pages[0]
    assert "第 2 页 / 共 2 页" in pages[1]
    assert "打印时间：2025-01-02 00:30" in pages[0]  # 16:30 UTC is 00:30 the next day in Beijing


def test_qr_code_prints_its_caption_and_data_and_differs_by_data():
    doc = _doc()
    doc.qr_code("https://gov.example.cn/catalog/items/7/?s=q1.a", x=150, y=30, caption="扫码查看在线办事指南")
    other = _doc()
    other.qr_code("https://gov.example.cn/catalog/items/8/", x=150, y=30, caption="扫码查看在线办事指南")
    data = doc.to_bytes()

    flat = _flat(pdf_text(data))
    assert "扫码查看在线办事指南" in flat
    assert "https://gov.example.cn/catalog/items/7/?s=q1.a" in flat
    assert len(pdf_images(data)) == 1
    assert pdf_images(data) != pdf_images(other.to_bytes())


def test_sign_off_prints_each_signature_label():
    doc = _doc()
    doc.sign_off(["窗口工作人员（签字）", "申请人（签字）"])
    text = pdf_text(doc.to_bytes())[0]

    assert "窗口工作人员（签字）：" in text
    assert "申请人（签字）：" in text
    assert text.count("日期：") == 2
