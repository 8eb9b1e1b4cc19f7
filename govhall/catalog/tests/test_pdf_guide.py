"""CAT-5: the printable guide (办事指南) and one-time notice (一次性告知单) of an item."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from govhall.catalog.pdf import guide_filename, item_guide_pdf
from govhall.catalog.services import item_create, item_update
from govhall.core.pdf import GovDocument, pdf_images, pdf_text
from govhall.tests_support import item_payload


def _text(data: bytes) -> str:
    """Everything printed, whitespace removed (wrapped lines and cells join up again)."""
    return re.sub(r"\s+", "", "".join(pdf_text(data)))


def _qr_image(url: str) -> bytes:
    doc = GovDocument(issuer="参照", title="参照")
    doc.add_page()
    doc.qr_code(url, x=20, y=20, size=30)
    return pdf_images(doc.to_bytes())[0]


def test_guide_prints_name_codes_legal_basis_and_every_material(county):
    food = county.items["food"]

    text = _text(item_guide_pdf(item=food))

    assert "食品经营许可证核发办事指南" in text
    assert food.code in text
    assert food.implementation_code in text
    assert re.sub(r"\s+", "", food.current_version.legal_basis) in text
    for material in item_payload()["materials"]:
        assert material["name"] in text


def test_guide_prints_the_standard_elements(county):
    text = _text(item_guide_pdf(item=county.items["food"]))

    for expected in [
        "事项类型行政许可",
        "实施主体新巴尔虎右旗市场监督管理局",
        "行使层级县级",
        "受理条件具有与经营的食品品种",
        "不收费",
        "法定办结时限10个工作日",
        "承诺办结时限5个工作日",
        "到现场次数0次",
        "网办深度全程网办",
        "通办范围全旗通办",
        "实行告知承诺制（核查期限：20个工作日）",
        "结果名称食品经营许可证",
        "办理地点新巴尔虎右旗政务服务中心一楼综合受理窗口",
        "办理时间工作日9:00-12:00，14:30-17:30",
        "咨询电话0470-6412345",
        "监督投诉电话12345",
        "九、中介服务无",
    ]:
        assert expected in text, expected


def test_guide_material_table_shows_counts_form_and_how_a_material_can_be_waived(county):
    text = _text(item_guide_pdf(item=county.items["food"]))

    # 营业执照: government-issued, 0 originals / 1 copy, replaceable by the e-licence and shared data.
    assert "营业执照政府部门核发0/1纸质或电子是否电子证照：营业执照；共享数据：市场主体登记" in text
    # A material tied to a situation says when it applies.
    assert "法定代表人身份证明（适用情形：申请人类型：企业）" in text


def test_guide_of_an_item_with_a_fee_prints_the_fee_and_its_basis(county):
    text = _text(item_guide_pdf(item=county.items["id_card"]))

    assert "居民身份证工本费20元/证" in text
    assert "发改价格〔2003〕2322号" in text
    assert "不收费" not in text


def test_notice_for_an_enterprise_lists_only_its_materials_and_prints_the_situation(county):
    text = _text(item_guide_pdf(item=county.items["food"], kind="notice", selected={"q1.a", "q2.y"}))

    assert "食品经营许可证核发一次性告知单" in text
    assert "您的情形申请人类型：企业；是否经营冷藏冷冻食品：是" in text
    assert "法定代表人身份证明" in text
    assert "冷藏冷冻设施清单" in text
    assert "经营者身份证" not in text


def test_notice_for_situation_q1a_lists_legal_representative_id_not_operator_id(county):
    text = _text(item_guide_pdf(item=county.items["food"], kind="notice", selected={"q1.a"}))

    assert "法定代表人身份证明" in text
    assert "经营者身份证" not in text
    assert "冷藏冷冻设施清单" in text  # q2 not answered yet: it may still apply


def test_notice_drops_material_of_an_answered_question_that_does_not_apply(county):
    text = _text(item_guide_pdf(item=county.items["food"], kind="notice", selected={"q1.a", "q2.n"}))

    assert "法定代表人身份证明" in text
    assert "冷藏冷冻设施清单" not in text  # only for q2.y


def test_notice_has_a_tick_box_per_material_limits_and_the_clerks_signature(county):
    data = item_guide_pdf(item=county.items["food"], kind="notice", selected={"q1.b", "q2.n"})
    text = _text(data)

    assert text.count("□") == 4  # 申请书, 营业执照, 经营者身份证, 设备布局
    assert "办理时限法定10个工作日，承诺5个工作日" in text
    assert "到现场次数0次（全程网办）" in text
    assert "窗口工作人员（签字）：" in text
    assert "日期：" in text
    assert len(pdf_text(data)) == 1  # one page to hand over


def test_guide_for_a_situation_leaves_out_steps_that_do_not_apply(county):
    food = county.items["food"]

    full = _text(item_guide_pdf(item=food))
    narrowed = _text(item_guide_pdf(item=food, selected={"q1.a", "q2.n"}))

    assert "现场核查（适用情形：是否经营冷藏冷冻食品：是）" in full
    assert "现场核查" not in narrowed
    assert "您的情形申请人类型：企业；是否经营冷藏冷冻食品：否" in narrowed


@pytest.mark.parametrize("kind", ["guide", "notice"])
def test_qr_code_opens_the_online_guide_for_the_chosen_situation(county, kind):
    food = county.items["food"]
    url = f"{settings.GOVHALL_PUBLIC_URL}/catalog/items/{food.id}/?s=q1.a,q2.y"

    data = item_guide_pdf(item=food, kind=kind, selected={"q2.y", "q1.a", "q9.z"})

    assert "扫码查看在线办事指南" in _text(data)
    assert url in _text(data)  # printed under the code
    assert pdf_images(data) == [_qr_image(url)]  # and encoded in it


def test_qr_code_without_a_situation_opens_the_plain_item_page(county):
    food = county.items["food"]
    url = f"{settings.GOVHALL_PUBLIC_URL}/catalog/items/{food.id}/"

    data = item_guide_pdf(item=food)

    assert pdf_images(data) == [_qr_image(url)]
    assert "?s=" not in _text(data)


def test_english_name_is_printed_under_the_title_when_translated(county):
    item = item_create(
        actor=None, data=item_payload(code="000111011001", name="食品经营许可证延续", name_en="Renewal of Food Business Licence")
    )

    guide = _text(item_guide_pdf(item=item))
    untranslated = _text(item_guide_pdf(item=county.items["food"]))

    assert "RenewalofFoodBusinessLicence—ServiceGuide" in guide
    assert "ServiceGuide" not in untranslated


def test_guide_of_an_earlier_version_prints_that_version(county):
    food = county.items["food"]
    first = food.current_version
    item_update(actor=None, item=food, data=item_payload(phone="0470-6419999"), reason="咨询电话变更")

    old = _text(item_guide_pdf(item=food, version=first))
    new = _text(item_guide_pdf(item=food))

    assert "0470-6412345" in old and "第1版" in old
    assert "0470-6419999" in new and "第2版" in new


def test_a_two_page_guide_stays_small(county):
    data = item_guide_pdf(item=county.items["food"])

    assert len(pdf_text(data)) == 2
    assert len(data) < 150_000  # subsetted font: ~75 KB


def test_unknown_kind_is_refused(county):
    with pytest.raises(ValueError, match="unknown document kind"):
        item_guide_pdf(item=county.items["food"], kind="licence")


def test_filename_names_the_document_and_the_item(county):
    food = county.items["food"]

    assert guide_filename(food, "guide") == "办事指南-食品经营许可证核发.pdf"
    assert guide_filename(food, "notice") == "一次性告知单-食品经营许可证核发.pdf"


def test_filename_of_a_long_or_awkward_name_is_safe_to_save(county):
    item = item_create(actor=None, data=item_payload(code="000111011002", name="草原征占用审核/审批:" + "临时占用草原" * 30))

    filename = guide_filename(item, "guide")

    assert filename.startswith("办事指南-草原征占用审核_审批_临时占用草原")
    assert filename.endswith(".pdf")
    assert len(filename.encode()) <= 255
