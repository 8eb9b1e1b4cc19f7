"""The statutory documents of a case as PDF (CASE-3, CASE-6): 受理通知书, 不予受理通知书, 补正材料一次性
告知书, 容缺受理通知书, 准予/不予（行政许可）决定书, 延期办理告知书, 终止办理告知书 and 撤销决定书.

An action only numbers and records a document (`case_document_issue`, with the facts in `body`);
the PDF is rendered here the first time it is downloaded, kept under
MEDIA_ROOT/private/cases/<case id>/docs/<document id>.pdf, and its path and SHA-256 recorded on the
row. Rendering is deterministic (the print time and the PDF's creation date are the time of issue),
so two first downloads at once write the same bytes, and a file that went missing or no longer
matches its recorded hash is rendered again, identical.

The acceptance-stage documents are issued by the centre that accepted (一窗受理); the decisions by
the department answerable for the item. Each reads like the paper form a county hands out: issuer,
文号, the applicant (ID number masked), the item, the case number and query code, the dates and the
working-day clock, the article of the 行政许可法 it rests on (for 行政许可 items), a QR code to the
public tracking page, and the seal area with the date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone, translation

from govhall.cases.models import Case, CaseCommitment, CaseDocument
from govhall.cases.services.submission import private_root
from govhall.core.pdf import ACCENT, BODY_SIZE, CHINA_TZ, FONT_FAMILY, MUTED, TEXT, GovDocument
from govhall.org.models import Division, ServiceCentre

LAW = "《中华人民共和国行政许可法》"
LICENSING = "01"  # item type 行政许可: the documents cite the 行政许可法 and carry its names
QR_SIZE = 28
QR_CAPTION = "扫码查询办理进度"
BODY_LINE = 6.3  # mm: 10.5 pt text at 1.7 lines
# The names the 行政许可法 gives the two decisions (第三十八条); other items keep the plain names.
LICENSING_TITLES = {CaseDocument.KIND_APPROVAL: "准予行政许可决定书", CaseDocument.KIND_DENIAL: "不予行政许可决定书"}
ACCEPTANCE_STAGE = (
    CaseDocument.KIND_ACCEPTANCE,
    CaseDocument.KIND_NOT_ACCEPTED,
    CaseDocument.KIND_SUPPLEMENT,
    CaseDocument.KIND_RONGQUE,
)
CHANNEL_PHRASES = {
    Case.CHANNEL_WINDOW: "在政务服务中心综合窗口",
    Case.CHANNEL_ONLINE: "通过网上政务服务平台",
    Case.CHANNEL_MOBILE: "通过掌上办",
    Case.CHANNEL_KIOSK: "通过自助服务终端",
    Case.CHANNEL_AGENT_POINT: "通过帮办代办点",
    Case.CHANNEL_CROSS_REGION: "通过跨区通办窗口",
}


# --- the file ------------------------------------------------------------------------------------


def document_relative_path(document: CaseDocument) -> Path:
    """Where the PDF is kept, relative to MEDIA_ROOT/private (like the case's uploads)."""
    return Path("cases") / str(document.case_id) / "docs" / f"{document.pk}.pdf"


def document_filename(document: CaseDocument) -> str:
    """The download name, e.g. "受理通知书-<办件编号>.pdf" (characters a file system rejects become "_")."""
    with translation.override("zh-hans"):
        label = str(document.get_kind_display())
    number = re.sub(r'[\\/:*?"<>|\s]+', "_", document.case.number or str(document.case_id))
    return f"{label}-{number}.pdf"


def document_pdf(document: CaseDocument) -> bytes:
    """The document's PDF: the kept file when it is there and matches the recorded SHA-256, else
    rendered, kept and recorded (only `path` and `sha256` are written to the row)."""
    if not document.sha256:
        # Another request may have rendered it since this row was read.
        document.refresh_from_db(fields=["path", "sha256"])
    relative = Path(document.path) if document.path else document_relative_path(document)
    target = private_root() / relative
    if document.sha256 and target.is_file():
        data = target.read_bytes()
        if hashlib.sha256(data).hexdigest() == document.sha256:
            return data
    with translation.override("zh-hans"):
        data = _render(document)
    _write(target, data)
    digest = hashlib.sha256(data).hexdigest()
    if (document.path, document.sha256) != (str(relative), digest):
        CaseDocument.objects.filter(pk=document.pk).update(path=str(relative), sha256=digest)
        document.path, document.sha256 = str(relative), digest
    return data


def _write(target: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a reader never sees half a PDF."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


# --- what every document knows ---------------------------------------------------------------------


def _day(value: dt.date | dt.datetime | str | None) -> str:
    """2026年9月30日 (GB/T 9704: dates in Arabic numerals); "—" when unknown."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, CHINA_TZ).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _county_division(division: Division | None) -> Division | None:
    while division is not None and division.level > Division.LEVEL_COUNTY and division.parent is not None:
        division = division.parent
    return division


@dataclass
class _Facts:
    document: CaseDocument
    case: Case
    body: dict
    title: str
    issuer: str
    licensing: bool

    @property
    def version(self):
        return self.case.item_version

    @property
    def department(self):
        return self.case.department or self.version.department

    @property
    def you(self) -> str:
        return "你单位" if self.case.applicant_enterprise_id else "你"

    @property
    def this(self) -> str:
        """How the text names itself: 本通知书, 本告知书, 本决定书."""
        return "本" + self.title[-3:]

    @property
    def opening(self) -> str:
        """ "你于2026年9月30日通过网上政务服务平台提出的食品经营许可证核发申请"."""
        channel = CHANNEL_PHRASES.get(self.case.channel, "")
        return f"{self.you}于{_day(self.case.submitted_at)}{channel}提出的{self.version.name}申请"

    @property
    def accepted_on(self) -> str:
        return _day(self.body.get("accepted_on") or self.case.accepted_on)

    @property
    def review_body(self) -> str:
        """行政复议法 (2023) 第二十四条: the county government reviews the acts of its departments."""
        county = _county_division(self.department.division if self.department else None)
        return f"{county.name}人民政府" if county else "本级人民政府"

    @property
    def tracking_url(self) -> str:
        query = urlencode({"number": self.case.number or "", "code": self.case.query_code})
        return f"{settings.GOVHALL_PUBLIC_URL}/track?{query}"

    def cite(self, article: str) -> str:
        """ "根据《行政许可法》第三十二条…的规定，" for 行政许可 items; "根据有关规定，" otherwise."""
        return f"根据{LAW}{article}的规定，" if self.licensing else "根据有关规定，"


def _issuer(case: Case, kind: str) -> str:
    if kind in ACCEPTANCE_STAGE:
        centre = case.centre
        if centre is None:
            county = _county_division(case.department.division if case.department else None)
            centres = ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_COUNTY).order_by("id")
            centre = centres.filter(division=county).first() or centres.first()
        if centre is not None:
            return centre.name
    department = case.department or case.item_version.department
    return department.name


def _facts(document: CaseDocument) -> _Facts:
    case = Case.objects.select_related(
        "item_version",
        "item_version__department",
        "department__division__parent",
        "applicant_person",
        "applicant_enterprise",
        "centre",
        "window",
    ).get(pk=document.case_id)
    licensing = case.item_version.item_type == LICENSING
    title = (LICENSING_TITLES.get(document.kind) if licensing else None) or str(document.get_kind_display())
    return _Facts(
        document=document,
        case=case,
        body=document.body or {},
        title=title,
        issuer=_issuer(case, document.kind),
        licensing=licensing,
    )


# --- layout --------------------------------------------------------------------------------------


def _render(document: CaseDocument) -> bytes:
    facts = _facts(document)
    issued_at = document.issued_at.astimezone(CHINA_TZ)
    doc = GovDocument(issuer=facts.issuer, title=facts.title, printed_at=issued_at)
    doc.set_creation_date(issued_at)
    doc.set_subject(f"{facts.case.number} {facts.version.name}")
    doc.add_page()
    doc.title_block(facts.title)
    doc.paragraph(document.number, align="R")
    doc.ln(2)
    _identity(doc, facts)
    doc.paragraph(f"{facts.case.applicant.name}：", bold=True)
    doc.ln(1)
    WRITERS[document.kind](doc, facts)
    _closing(doc, facts, issued_at.date())
    _handled_by(doc, facts)
    return doc.to_bytes()


def _identity(doc: GovDocument, facts: _Facts) -> None:
    """The key facts in a table, the QR code to the tracking page beside it."""
    case = facts.case
    top = doc.get_y()
    qr_x = doc.w - doc.r_margin - QR_SIZE - 4  # the caption below is 8 mm wider than the code
    qr_bottom = doc.qr_code(facts.tracking_url, x=qr_x, y=top, size=QR_SIZE, caption=QR_CAPTION)
    person, enterprise = case.applicant_person, case.applicant_enterprise
    who: list[tuple[str, str]] = []
    if person is not None:
        who = [("申请人", person.name), ("身份证号码", person.id_number_masked)]  # never the full number
    elif enterprise is not None:
        who = [("申请人", enterprise.name), ("统一社会信用代码", enterprise.uscc), ("法定代表人", enterprise.legal_representative_name)]
    rows = [
        *who,
        ("申请事项", facts.version.name),
        ("实施机关", facts.department.name),
        ("办件编号", case.number or "—"),
        ("查询码", case.query_code),
        ("申请日期", _day(case.submitted_at)),
    ]
    table_bottom = doc.key_values(rows, label_width=30, width=qr_x - 6 - doc.l_margin)
    doc.set_y(max(table_bottom, qr_bottom) + 4)


def _text(doc: GovDocument, text: str, *, size: float = BODY_SIZE) -> None:
    """A body paragraph with the first line indented by two characters, as Chinese text is set."""
    doc.set_font(FONT_FAMILY, size=size)
    indent = doc.get_string_width("中中")
    line_height = BODY_LINE if size == BODY_SIZE else round(size * 0.3528 * 1.65, 2)
    for paragraph in str(text).split("\n"):
        paragraph = re.sub(r"\s+", " ", paragraph).strip()
        if not paragraph:
            continue
        first = doc.wrap(paragraph, doc.epw - indent)[0]
        lines = [first, *doc.wrap(paragraph[len(first) :].lstrip(), doc.epw)] if len(first) < len(paragraph) else [first]
        for i, line in enumerate(lines):
            doc.set_x(doc.l_margin + (indent if i == 0 else 0))
            doc.cell(doc.epw - (indent if i == 0 else 0), line_height, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT_FAMILY, size=BODY_SIZE)
    doc.ln(1.5)


def _boxed(doc: GovDocument, label: str, text: str) -> None:
    """A statement the document turns on (a reason, a commitment) in a framed cell of its own."""
    doc.ln(0.5)
    doc.data_table(None, [(label, text.strip() or "—")], col_widths=(30, doc.epw - 30), label_columns={0})
    doc.ln(1)


def _clock(facts: _Facts) -> str:
    """The working-day clock as the applicant needs it: limits, the day it ends, what stops it."""
    limit = facts.body.get("limit_days", facts.case.limit_days)
    due = facts.body.get("due_date") or facts.case.due_date
    text = (
        f"本事项法定办结时限为{facts.version.legal_limit_days}个工作日，承诺办结时限为{limit}个工作日，"
        f"自受理之日的次日起计算，法定节假日不计算在内，办理期限截止于{_day(due)}。"
    )
    if facts.licensing:
        text += (
            f"依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在上述期限内"
            f"（{LAW}第四十五条），届时将书面告知{facts.you}。"
        )
    return text


def _contact(facts: _Facts) -> str:
    version = facts.version
    text = f"{facts.you}可凭办件编号和查询码在政务服务网查询办理进度，或扫描{facts.this}右上角的二维码查询。"
    if version.phone:
        text += f"咨询电话：{version.phone}"
        text += f"；监督投诉电话：{version.complaint_phone}。" if version.complaint_phone else "。"
    return text


def _rights(doc: GovDocument, facts: _Facts) -> None:
    """不服的救济途径 (行政许可法 第三十八条第二款; 行政复议法 第二十条; 行政诉讼法 第四十六条)."""
    _text(
        doc,
        f"{facts.you}如不服本决定，可以自收到{facts.this}之日起六十日内向{facts.review_body}申请行政复议，"
        f"也可以自收到{facts.this}之日起六个月内依法向人民法院提起行政诉讼。",
    )


CLOSING_WORDS = {"通知书": "特此通知。", "告知书": "特此告知。", "决定书": "特此决定。"}
SEAL_BLOCK = (74.0, 36.0)  # width and height (mm) of the issuer, the date and the seal over them


def _closing(doc: GovDocument, facts: _Facts, day: dt.date) -> None:
    """ "特此通知。" and the seal area, kept on one page: a seal never stands alone on a page
    (GB/T 9704 7.3.5), so the closing words move over with it."""
    doc.ensure_space(BODY_LINE + 2 + SEAL_BLOCK[1])
    _text(doc, CLOSING_WORDS.get(facts.title[-3:], ""))
    _seal(doc, facts.issuer, day)


def _seal(doc: GovDocument, issuer: str, day: dt.date) -> None:
    """The issuer and the date at the right, under a dashed circle where the seal is pressed."""
    width, height = SEAL_BLOCK
    x = doc.w - doc.r_margin - width
    top = doc.get_y() + 2
    radius = 17.0
    centre_y = top + radius
    doc.set_draw_color(*ACCENT)
    doc.set_line_width(0.3)
    doc.set_dash_pattern(dash=1.2, gap=1.2)
    doc.circle(x + width / 2, centre_y, radius)
    doc.set_dash_pattern()
    doc.set_text_color(*ACCENT)
    doc.set_font(FONT_FAMILY, size=8)
    doc.set_xy(x, top + 3)
    doc.cell(width, 4, "（盖章）", align="C")
    doc.set_text_color(*TEXT)
    doc.set_font(FONT_FAMILY, size=11)
    lines = doc.wrap(issuer, width) + [_day(day)]
    y = centre_y - 3 * (len(lines) - 1) + 1
    for line in lines:
        doc.set_xy(x, y)
        doc.cell(width, 6, line, align="C")
        y += 6.5
    doc.set_font(FONT_FAMILY, size=BODY_SIZE)
    doc.set_xy(doc.l_margin, max(y, top + height))


def _handled_by(doc: GovDocument, facts: _Facts) -> None:
    """Who issued it (and at which window), in small print under the seal."""
    user = facts.document.issued_by
    parts = []
    if user is not None:
        parts.append(f"经办人：{user.get_full_name() or user.username}")
    window = facts.case.window
    acceptance_stage = facts.document.kind in ACCEPTANCE_STAGE
    if acceptance_stage and window is not None:
        parts.append(f"受理窗口：{window.number} {window.name}")
    if acceptance_stage:
        parts.append(f"{facts.this}一式两份，一份交申请人，一份存档。")
    doc.set_font(FONT_FAMILY, size=9)
    doc.set_text_color(*MUTED)
    doc.ln(2)
    for part in parts:
        doc.cell(doc.get_string_width(part) + 8, 5, part)
    doc.ln(5)
    doc.set_text_color(*TEXT)
    doc.set_font(FONT_FAMILY, size=BODY_SIZE)


# --- the kinds -----------------------------------------------------------------------------------


def _acceptance(doc: GovDocument, facts: _Facts) -> None:
    _text(
        doc,
        f"{facts.opening}，经审查，申请事项属于{facts.department.name}职权范围，申请材料齐全、符合法定形式。"
        f"{facts.cite('第三十二条第一款第（五）项')}决定于{facts.accepted_on}予以受理。",
    )
    _text(doc, _clock(facts))
    _text(doc, _contact(facts))


def _not_accepted(doc: GovDocument, facts: _Facts) -> None:
    _text(doc, f"{facts.opening}，经审查，存在下列情形：")
    _boxed(doc, "不予受理理由", facts.body.get("reason") or facts.case.closed_reason)
    _text(doc, f"{facts.cite('第三十二条第一款')}决定不予受理。申请事项依法属于其他行政机关职权范围的，请向有关行政机关申请。")
    _rights(doc, facts)


def _supplement(doc: GovDocument, facts: _Facts) -> None:
    _text(
        doc,
        f"{facts.opening}，经审查，申请材料不齐全或者不符合法定形式。{facts.cite('第三十二条第一款第（四）项')}"
        f"现将需要补正的全部内容一次性告知如下：",
    )
    points: Sequence[dict] = facts.body.get("points") or []
    doc.data_table(
        ["序号", "材料名称", "需要补正的内容"],
        [(str(i), str(p.get("name", "")), str(p.get("problem", ""))) for i, p in enumerate(points, start=1)],
        col_widths=(12, 62, doc.epw - 74),
        aligns=("C", "L", "L"),
    )
    doc.ln(1)
    _text(
        doc,
        f"请按上述要求补正全部材料后，通过网上政务服务平台补交或到{facts.issuer}窗口提交。"
        f"收到全部补正材料后将重新审查，材料齐全、符合法定形式的，予以受理；补正期间不计入办理时限。",
    )
    _text(doc, f"{facts.this}已列明需要补正的全部内容，不再要求{facts.you}补正{facts.this}以外的其他材料。")


def _rongque(doc: GovDocument, facts: _Facts) -> None:
    _text(
        doc,
        f"{facts.opening}，经审查，申请事项属于{facts.department.name}职权范围，主要申请材料齐全、符合法定形式，"
        f"下列次要材料暂缺。该事项列入容缺受理事项清单，{facts.you}已书面承诺在规定期限内补齐，"
        f"决定于{facts.accepted_on}予以容缺受理。",
    )
    due = _day(facts.body.get("supplement_due"))
    missing: Sequence[str] = facts.body.get("missing") or []
    doc.data_table(
        ["序号", "容缺材料", "补齐期限"],
        [(str(i), str(name), f"{due}前") for i, name in enumerate(missing, start=1)],
        col_widths=(12, doc.epw - 54, 42),
        aligns=("C", "L", "C"),
    )
    _boxed(doc, "申请人承诺", facts.body.get("commitment", ""))
    _text(
        doc,
        f"请于{due}前补齐上述材料（可通过网上政务服务平台补交或到窗口提交）。容缺材料补齐前，审批部门不作出审批决定；"
        f"逾期未补齐的，将依规终止办理，并记录{facts.you}的承诺履行情况。",
    )
    _text(doc, _clock(facts))
    _text(doc, _contact(facts))


def _decision_facts(doc: GovDocument, facts: _Facts, extra: list[tuple[str, str]]) -> None:
    rows = [("受理日期", facts.accepted_on), ("决定日期", _day(facts.case.decided_at or facts.document.issued_at)), *extra]
    if facts.version.legal_basis:
        rows.append(("设定依据", facts.version.legal_basis))
    doc.key_values(rows, label_width=30)
    doc.ln(1)


def _approval(doc: GovDocument, facts: _Facts) -> None:
    result = facts.body.get("result_name") or facts.version.result_name
    decided = "决定准予行政许可" if facts.licensing else "决定准予办理"
    _text(
        doc,
        f"{facts.opening}，已于{facts.accepted_on}受理。经审查，{facts.you}的申请符合法定条件、标准。"
        f"{facts.cite('第三十八条第一款')}{decided}。",
    )
    _decision_facts(doc, facts, [("办理结果", result or "—")])
    if result:
        basis = f"（{LAW}第三十九条）" if facts.licensing else ""
        _text(doc, f"本机关将依法向{facts.you}颁发《{result}》{basis}，并按{facts.you}选择的方式（窗口领取、邮寄送达或电子送达）送达。")
    if facts.licensing:
        _text(doc, f"{facts.cite('第四十条')}准予行政许可的决定将予以公开，公众有权查阅。")
    commitment = facts.case.commitments.filter(kind=CaseCommitment.KIND_GAOZHI).order_by("id").first()
    if facts.case.gaozhi and commitment is not None:
        _text(
            doc,
            f"本决定系根据{facts.you}作出的告知承诺作出。本机关将于{_day(commitment.due_date)}前对承诺内容进行核查；"
            f"经核查承诺不实的，将依法撤销本决定，并将不实承诺记入{facts.you}的信用记录。",
        )


def _denial(doc: GovDocument, facts: _Facts) -> None:
    _text(doc, f"{facts.opening}，已于{facts.accepted_on}受理。经审查，{facts.you}的申请不符合法定条件、标准，理由如下：")
    _boxed(doc, "不予许可理由" if facts.licensing else "不予办理理由", facts.body.get("reason") or facts.case.decision_reason)
    decided = "决定不予行政许可" if facts.licensing else "决定不予办理"
    _text(doc, f"{facts.cite('第三十八条第二款')}{decided}。")
    _decision_facts(doc, facts, [])
    _rights(doc, facts)


def _extension(doc: GovDocument, facts: _Facts) -> None:
    days = facts.body.get("days", "")
    _text(doc, f"{facts.opening}，已于{facts.accepted_on}受理。因下列理由，本机关不能在原定期限内作出决定：")
    _boxed(doc, "延期理由", facts.body.get("reason", ""))
    _text(
        doc,
        f"{facts.cite('第四十二条第一款')}经本机关负责人批准，办理期限延长{days}个工作日，"
        f"延长后的办理期限截止于{_day(facts.body.get('due_date') or facts.case.due_date)}（法定节假日不计算在内）。",
    )
    _text(doc, _contact(facts))


def _termination(doc: GovDocument, facts: _Facts) -> None:
    _text(doc, f"{facts.opening}，已于{facts.accepted_on}受理。因出现下列情形，本机关决定终止办理该申请：")
    _boxed(doc, "终止理由", facts.body.get("reason") or facts.case.closed_reason)
    _text(doc, f"{facts.you}提交的申请材料原件可到窗口领回。终止办理后，{facts.you}可在具备条件时重新提出申请。")
    _rights(doc, facts)


def _revocation(doc: GovDocument, facts: _Facts) -> None:
    approval = facts.case.documents.filter(kind=CaseDocument.KIND_APPROVAL).order_by("id").first()
    result = facts.version.result_name
    cited = f"（{approval.number}）" if approval is not None else ""
    _text(
        doc,
        f"{facts.opening}，本机关根据{facts.you}作出的告知承诺，于{_day(facts.case.decided_at)}作出准予决定{cited}。"
        f"经核查，{facts.you}作出的承诺与实际情况不符：",
    )
    _boxed(doc, "核查情况", facts.body.get("reason") or facts.case.closed_reason)
    basis = (
        f"根据{LAW}第六十九条第二款和《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》"
        f"（国办发〔2020〕42号）的规定，"
        if facts.licensing
        else "根据告知承诺制有关规定，"
    )
    voided = f"已颁发的《{result}》同时作废，请及时交回。" if result else ""
    _text(doc, f"{basis}决定撤销上述准予决定。{voided}不实承诺已记入{facts.you}的信用记录。")
    _rights(doc, facts)


WRITERS: dict[str, Callable[[GovDocument, _Facts], None]] = {
    CaseDocument.KIND_ACCEPTANCE: _acceptance,
    CaseDocument.KIND_NOT_ACCEPTED: _not_accepted,
    CaseDocument.KIND_SUPPLEMENT: _supplement,
    CaseDocument.KIND_RONGQUE: _rongque,
    CaseDocument.KIND_APPROVAL: _approval,
    CaseDocument.KIND_DENIAL: _denial,
    CaseDocument.KIND_EXTENSION: _extension,
    CaseDocument.KIND_TERMINATION: _termination,
    CaseDocument.KIND_REVOCATION: _revocation,
}
