"""The statutory documents as PDF (CASE-3, CASE-6): every kind, made through the real services, read
back from the PDF; kept on disk once rendered.

Dates are real: 2026-09-30 is the Wednesday before 国庆 (10-01..10-07) and Saturday 10-10 is a
make-up workday, so a 5-working-day limit from 09-30 ends on 10-13.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.conf import settings

from govhall.cases.documents import document_filename, document_pdf
from govhall.cases.models import Case, CaseCommitment, CaseDocument
from govhall.cases.services import (
    SupplementPoint,
    case_accept,
    case_accept_rongque,
    case_extension_decide,
    case_extension_request,
    case_refuse,
    case_request_supplement,
    case_terminate,
    commitment_verify,
    task_complete,
)
from govhall.cases.tests.case_steps import APPLICATION_FORM, COLD_STORAGE, LAYOUT, material, on, open_tasks, submit
from govhall.cases.tests.conftest import RIC, USCC
from govhall.core.pdf import GovDocument, pdf_images, pdf_text

EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)
CENTRE = "新巴尔虎右旗政务服务中心"
MARKET = "新巴尔虎右旗市场监督管理局"
MASKED_RIC = "150727********1232"


def _text(data: bytes) -> str:
    """Everything printed, whitespace removed (wrapped lines and cells join up again)."""
    return re.sub(r"\s+", "", "".join(pdf_text(data)))


def _qr_image(url: str) -> bytes:
    doc = GovDocument(issuer="参照", title="参照")
    doc.add_page()
    doc.qr_code(url, x=20, y=20, size=28)
    return pdf_images(doc.to_bytes())[0]


def _tracking_url(case: Case) -> str:
    return f"{settings.GOVHALL_PUBLIC_URL}/track?number={case.number}&code={case.query_code}"


# --- making each kind through the services ----------------------------------------------------------


def _submitted(county, person, *, gaozhi: bool = False) -> Case:
    with on(EVE_OF_NATIONAL_DAY, hour=9):
        return submit(county.users["applicant"], county.items["food"], person=person, gaozhi=gaozhi)


def _accepted(county, person, *, gaozhi: bool = False) -> Case:
    case = _submitted(county, person, gaozhi=gaozhi)
    with on(EVE_OF_NATIONAL_DAY):
        case_accept(actor=county.users["clerk"], case=case)
    case.refresh_from_db()
    return case


def _decided(county, person, *, outcome: str, opinion: str = "", gaozhi: bool = False) -> Case:
    """Accepted, reviewed, then decided by the section head (and the licence made when approved)."""
    case = _accepted(county, person, gaozhi=gaozhi)
    users = county.users
    with on(dt.date(2026, 10, 9)):
        for _step in range(6):
            tasks = open_tasks(case)
            if not tasks:
                break
            for task in tasks:
                if task.is_decision:
                    task_complete(actor=users["section_head"], task=task, outcome=outcome, opinion=opinion)
                else:
                    task_complete(actor=users["approver"], task=task, outcome="approve", opinion="经审查符合条件")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    return case


def _document(case: Case, kind: str) -> CaseDocument:
    return CaseDocument.objects.get(case=case, kind=kind)


SUPPLEMENT_POINTS = [
    (APPLICATION_FORM, "申请书第三页法定代表人未签字，请签字并加盖公章"),
    (LAYOUT, "布局图未标明粗加工区与烹饪区的隔断，请补充标注"),
    ("食品安全管理人员健康证明", "缺少健康证明，请提供有效期内的健康证明复印件"),
]


def _make(kind: str, county, person) -> CaseDocument:
    users = county.users
    if kind == CaseDocument.KIND_ACCEPTANCE:
        return _document(_accepted(county, person), kind)
    if kind == CaseDocument.KIND_NOT_ACCEPTED:
        case = _submitted(county, person)
        with on(EVE_OF_NATIONAL_DAY):
            return case_refuse(actor=users["clerk"], case=case, reason="经营场所位于外旗县，不属于本旗受理范围")
    if kind == CaseDocument.KIND_SUPPLEMENT:
        case = _submitted(county, person)
        points = [
            SupplementPoint(problem=SUPPLEMENT_POINTS[0][1], material_id=material(case, APPLICATION_FORM).pk),
            SupplementPoint(problem=SUPPLEMENT_POINTS[1][1], material_id=material(case, LAYOUT).pk),
            SupplementPoint(problem=SUPPLEMENT_POINTS[2][1], name=SUPPLEMENT_POINTS[2][0]),
        ]
        with on(EVE_OF_NATIONAL_DAY):
            return case_request_supplement(actor=users["clerk"], case=case, points=points)
    if kind == CaseDocument.KIND_RONGQUE:
        case = _submitted(county, person)
        with on(EVE_OF_NATIONAL_DAY):
            return case_accept_rongque(
                actor=users["clerk"],
                case=case,
                missing_material_ids=[material(case, LAYOUT).pk, material(case, COLD_STORAGE).pk],
                commitment_text="本人承诺于10个工作日内补齐设备布局图和冷藏冷冻设施清单，逾期未补齐的自愿承担相应责任。",
                days=10,
            )
    if kind == CaseDocument.KIND_APPROVAL:
        return _document(_decided(county, person, outcome="approve"), kind)
    if kind == CaseDocument.KIND_DENIAL:
        case = _decided(county, person, outcome="reject", opinion="经现场核查，经营场所与营业执照住所不一致，且无冷藏设施")
        return _document(case, kind)
    if kind == CaseDocument.KIND_EXTENSION:
        case = _accepted(county, person)
        with on(dt.date(2026, 10, 9)):
            extension = case_extension_request(actor=users["approver"], case=case, days=5, reason="需对三处经营场所逐一现场核查")
            case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
        return _document(case, kind)
    if kind == CaseDocument.KIND_TERMINATION:
        case = _accepted(county, person)
        with on(dt.date(2026, 10, 9)):
            case_terminate(actor=users["section_head"], case=case, reason="申请人书面申请撤回，经营主体已注销")
        return _document(case, kind)
    if kind == CaseDocument.KIND_REVOCATION:
        case = _decided(county, person, outcome="approve", gaozhi=True)
        commitment = CaseCommitment.objects.get(case=case, kind=CaseCommitment.KIND_GAOZHI)
        with on(dt.date(2026, 10, 20)):
            commitment_verify(actor=users["approver"], commitment=commitment, passed=False, note="现场核查发现未设置冷藏冷冻设施，承诺不实")
        return _document(case, kind)
    raise AssertionError(kind)


TITLES = {
    CaseDocument.KIND_ACCEPTANCE: "受理通知书",
    CaseDocument.KIND_NOT_ACCEPTED: "不予受理通知书",
    CaseDocument.KIND_SUPPLEMENT: "补正材料一次性告知书",
    CaseDocument.KIND_RONGQUE: "容缺受理通知书",
    CaseDocument.KIND_APPROVAL: "准予行政许可决定书",
    CaseDocument.KIND_DENIAL: "不予行政许可决定书",
    CaseDocument.KIND_EXTENSION: "延期办理告知书",
    CaseDocument.KIND_TERMINATION: "终止办理告知书",
    CaseDocument.KIND_REVOCATION: "撤销决定书",
}
ISSUED_BY_CENTRE = {
    CaseDocument.KIND_ACCEPTANCE,
    CaseDocument.KIND_NOT_ACCEPTED,
    CaseDocument.KIND_SUPPLEMENT,
    CaseDocument.KIND_RONGQUE,
}


# --- every kind ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(TITLES))
def test_every_kind_names_the_case_masks_the_applicant_and_links_to_tracking(kind, county, person):
    document = _make(kind, county, person)
    case = document.case
    url = _tracking_url(case)

    data = document_pdf(document)
    text = _text(data)

    assert data.startswith(b"%PDF")
    assert document.number in text
    assert TITLES[kind] in text
    assert "食品经营许可证核发" in text
    assert case.number in text and case.query_code in text
    assert f"张三身份证号码{MASKED_RIC}" in text
    assert RIC not in text and RIC not in data.decode("latin-1")
    assert (CENTRE if kind in ISSUED_BY_CENTRE else MARKET) in text
    assert "（盖章）" in text
    assert "扫码查询办理进度" in text
    assert url in text  # printed under the QR code
    assert pdf_images(data) == [_qr_image(url)]  # and encoded in it


def test_acceptance_notice_states_the_dates_the_working_day_clock_and_article_32(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_ACCEPTANCE, county, person)))

    assert "申请日期2026年9月30日" in text
    assert "决定于2026年9月30日予以受理" in text
    assert "第三十二条第一款第（五）项" in text
    assert "承诺办结时限为5个工作日" in text
    assert "办理期限截止于2026年10月13日" in text  # 国庆 skipped, 10-10 a make-up workday
    assert "第四十五条" in text
    assert "经办人：李窗口" in text
    assert "受理窗口：A01综合受理窗口" in text


def test_supplement_notice_lists_every_point_with_its_problem_at_once(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_SUPPLEMENT, county, person)))

    assert "第三十二条第一款第（四）项" in text
    assert "一次性告知" in text
    for i, (name, problem) in enumerate(SUPPLEMENT_POINTS, start=1):
        assert f"{i}{name}{problem}" in text  # one row: 序号, material, what to supplement
    assert "不再要求你补正本告知书以外的其他材料" in text


def test_rongque_notice_lists_the_missing_materials_the_commitment_and_the_deadline(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_RONGQUE, county, person)))

    # 10 working days from 09-30: 10-08, 09, 10 (调休), 12 … 10-20.
    assert f"1{LAYOUT}2026年10月20日前" in text
    assert f"2{COLD_STORAGE}2026年10月20日前" in text
    assert "申请人承诺本人承诺于10个工作日内补齐设备布局图和冷藏冷冻设施清单" in text
    assert "请于2026年10月20日前补齐上述材料" in text
    assert "容缺材料补齐前，审批部门不作出审批决定" in text
    assert "办理期限截止于2026年10月13日" in text


def test_not_accepted_notice_gives_the_reason_and_the_rights_of_review_and_suit(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_NOT_ACCEPTED, county, person)))

    assert "不予受理理由经营场所位于外旗县，不属于本旗受理范围" in text
    assert "决定不予受理" in text
    assert "六十日内向新巴尔虎右旗人民政府申请行政复议" in text
    assert "六个月内依法向人民法院提起行政诉讼" in text


def test_approval_is_issued_by_the_department_citing_article_38_and_the_licence(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_APPROVAL, county, person)))

    assert "第三十八条第一款" in text
    assert "决定准予行政许可" in text
    assert "受理日期2026年9月30日" in text
    assert "决定日期2026年10月9日" in text
    assert "颁发《食品经营许可证》" in text
    assert "《中华人民共和国食品安全法》第三十五条" in text  # the item's own legal basis
    assert "经办人：陈科长" in text
    assert "申请行政复议" not in text  # nothing to appeal against in a grant


def test_denial_gives_the_reason_and_the_rights_of_review_and_suit(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_DENIAL, county, person)))

    assert "不予许可理由经现场核查，经营场所与营业执照住所不一致，且无冷藏设施" in text
    assert "第三十八条第二款" in text and "决定不予行政许可" in text
    assert "自收到本决定书之日起六十日内向新巴尔虎右旗人民政府申请行政复议" in text
    assert "六个月内依法向人民法院提起行政诉讼" in text


def test_extension_notice_gives_the_days_reason_new_due_date_and_article_42(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_EXTENSION, county, person)))

    assert "延期理由需对三处经营场所逐一现场核查" in text
    assert "第四十二条第一款" in text
    assert "办理期限延长5个工作日" in text
    assert "延长后的办理期限截止于2026年10月20日" in text


def test_termination_notice_gives_the_reason_and_the_rights(county, person):
    text = _text(document_pdf(_make(CaseDocument.KIND_TERMINATION, county, person)))

    assert "终止理由申请人书面申请撤回，经营主体已注销" in text
    assert "六十日内" in text and "提起行政诉讼" in text


def test_revocation_cites_the_approval_it_revokes_the_finding_and_the_credit_record(county, person):
    document = _make(CaseDocument.KIND_REVOCATION, county, person)
    approval = _document(document.case, CaseDocument.KIND_APPROVAL)

    text = _text(document_pdf(document))

    assert f"作出准予决定（{approval.number}）" in text
    assert "核查情况现场核查发现未设置冷藏冷冻设施，承诺不实" in text
    assert "第六十九条第二款" in text and "国办发〔2020〕42号" in text
    assert "已颁发的《食品经营许可证》同时作废" in text
    assert "信用记录" in text
    assert "六十日内" in text and "提起行政诉讼" in text


def test_approval_on_a_commitment_announces_the_verification_deadline(county, person):
    case = _decided(county, person, outcome="approve", gaozhi=True)
    commitment = CaseCommitment.objects.get(case=case, kind=CaseCommitment.KIND_GAOZHI)

    text = _text(document_pdf(_document(case, CaseDocument.KIND_APPROVAL)))

    assert "本决定系根据你作出的告知承诺作出" in text
    assert f"{commitment.due_date.year}年{commitment.due_date.month}月{commitment.due_date.day}日前对承诺内容进行核查" in text


def test_an_enterprise_applicant_is_named_with_its_credit_code(county, enterprise):
    with on(EVE_OF_NATIONAL_DAY, hour=9):
        case = submit(county.users["applicant"], county.items["food"], enterprise=enterprise)
    with on(EVE_OF_NATIONAL_DAY):
        document = case_accept(actor=county.users["clerk"], case=case)

    text = _text(document_pdf(document))

    assert "呼伦贝尔草原餐饮有限公司：" in text
    assert f"统一社会信用代码{USCC}" in text
    assert "法定代表人张三" in text
    assert "你单位于2026年9月30日" in text
    assert RIC not in text


def test_a_public_service_item_does_not_cite_the_licensing_law(county, person):
    with on(EVE_OF_NATIONAL_DAY, hour=9):
        case = submit(county.users["applicant"], county.items["id_card"], person=person, answers=[])
    with on(EVE_OF_NATIONAL_DAY):
        document = case_accept(actor=county.users["clerk"], case=case)

    text = _text(document_pdf(document))

    assert "居民身份证换领" in text
    assert "行政许可法" not in text
    assert "根据有关规定，决定于2026年9月30日予以受理" in text


# --- kept on disk ----------------------------------------------------------------------------------


def test_first_download_keeps_the_pdf_and_records_its_path_and_hash(county, person, media_root):
    document = _make(CaseDocument.KIND_ACCEPTANCE, county, person)

    data = document_pdf(document)

    document.refresh_from_db()
    expected = f"cases/{document.case_id}/docs/{document.pk}.pdf"
    assert document.path == expected
    assert (media_root / "private" / expected).read_bytes() == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_later_downloads_return_the_kept_bytes_without_rendering(county, person):
    document = _make(CaseDocument.KIND_SUPPLEMENT, county, person)
    first = document_pdf(document)

    with mock.patch("govhall.cases.documents._render", side_effect=AssertionError("rendered again")):
        again = document_pdf(CaseDocument.objects.get(pk=document.pk))

    assert again == first


def test_a_missing_or_altered_file_is_rendered_again_identically(county, person, media_root):
    document = _make(CaseDocument.KIND_APPROVAL, county, person)
    first = document_pdf(document)
    path = media_root / "private" / document.path

    path.unlink()
    assert document_pdf(CaseDocument.objects.get(pk=document.pk)) == first

    path.write_bytes(first.replace(b"%PDF", b"%PDX", 1))
    assert document_pdf(CaseDocument.objects.get(pk=document.pk)) == first
    assert path.read_bytes() == first


def test_two_first_downloads_at_once_write_the_same_file_and_record_the_same_hash(county, person, media_root):
    document = _make(CaseDocument.KIND_RONGQUE, county, person)
    one, other = CaseDocument.objects.get(pk=document.pk), CaseDocument.objects.get(pk=document.pk)

    first = document_pdf(one)
    # The other request read the row before the first one recorded the file, and renders too.
    with mock.patch.object(CaseDocument, "refresh_from_db"):
        second = document_pdf(other)

    assert second == first
    row = CaseDocument.objects.get(pk=document.pk)
    assert row.sha256 == hashlib.sha256(first).hexdigest()
    assert (media_root / "private" / row.path).read_bytes() == first
    assert [p.name for p in (media_root / "private" / row.path).parent.iterdir()] == [f"{document.pk}.pdf"]


def test_download_name_is_the_chinese_document_name_and_the_case_number(county, person):
    document = _make(CaseDocument.KIND_SUPPLEMENT, county, person)

    assert document_filename(document) == f"补正材料一次性告知书-{document.case.number}.pdf"


def test_documents_rendered_side_by_side_each_print_their_own_text():
    """The parsed font is shared by every document of the process; each still embeds and prints
    only its own characters, also when documents are rendered in several threads at once."""
    texts = [f"第{i}号测试文书：" + "龘靐齉爨"[: i % 4] + "经营场所" * (i % 3) for i in range(6)]

    def render(text: str) -> tuple[str, str]:
        doc = GovDocument(issuer="新巴尔虎右旗政务服务中心", title="测试")
        doc.add_page()
        doc.paragraph(text)
        doc.paragraph(text, bold=True)
        return text, "".join(pdf_text(doc.to_bytes()))

    with ThreadPoolExecutor(max_workers=4) as pool:
        for text, printed in pool.map(render, texts):
            assert printed.count(text) == 2
