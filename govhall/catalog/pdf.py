"""Printable guide (办事指南) and one-time notice (一次性告知单) of an item version (CAT-5).

The guide carries every standard element; the notice is the short sheet a window hands to an
applicant: what to bring for their situation, with a box to tick per material, and the clerk's
signature. Both can be narrowed to a situation (the chosen options, "q1.a") and carry a QR code
to the online guide for that situation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from fpdf.fonts import FontFace

from govhall.catalog.models import Item, ItemVersion, Material, Step
from govhall.catalog.selectors import applicable
from govhall.core.pdf import MUTED, GovDocument

KINDS = {"guide": "办事指南", "notice": "一次性告知单"}
KINDS_EN = {"guide": "Service Guide", "notice": "One-time Notice of Requirements"}
QR_CAPTION = "扫码查看在线办事指南"
QR_SIZE = 30
# 一次告知: the notice lists everything; the window may not ask for more later.
NOTICE_PLEDGE = (
    "本告知单所列材料为办理本事项所需的全部材料。材料齐全、符合法定形式的，窗口当场受理；窗口工作人员不得要求申请人提交本告知单以外的材料。"
)


def guide_url(item: Item, refs: Iterable[str] = ()) -> str:
    """The public item page, opened on a situation when options are given (`?s=q1.a,q2.y`)."""
    url = f"{settings.GOVHALL_PUBLIC_URL}/catalog/items/{item.id}/"
    refs = list(refs)
    return f"{url}?s={','.join(refs)}" if refs else url


def guide_filename(item: Item, kind: str = "guide") -> str:
    """E.g. "办事指南-食品经营许可证核发.pdf". Characters a file system rejects become "_", and a
    very long name is cut so the file name stays under the usual 255-byte limit."""
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", item.name).strip()[:60] or item.code
    return f"{KINDS[kind]}-{name}.pdf"


def item_guide_pdf(*, item: Item, version: ItemVersion | None = None, selected: set[str] | None = None, kind: str = "guide") -> bytes:
    """The guide or the one-time notice of `version` (default: the item's current version).

    With `selected` (option refs such as {"q1.a", "q2.y"}) only the materials and steps that apply
    to that situation are listed and the chosen answers are printed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {sorted(KINDS)}")
    # A printed guide is a Chinese document whatever language the page was shown in; the choice
    # names it prints (get_*_display) follow the active language, so print them in Chinese.
    with translation.override("zh-hans"):
        return _document(item=item, version=version or item.current, selected=selected or set(), kind=kind)


def _document(*, item: Item, version: ItemVersion, selected: set[str], kind: str) -> bytes:
    situation = _Situation(version, selected)
    if situation.refs:
        materials, steps = applicable(version, set(situation.refs))
    else:
        materials = list(version.materials.prefetch_related("options__question"))
        steps = list(version.steps.prefetch_related("options__question"))

    doc = GovDocument(issuer=version.department.name, title=f"{version.name}{KINDS[kind]}")
    doc.add_page()
    subtitle = f"{version.name_en} — {KINDS_EN[kind]}" if version.name_en else ""
    doc.title_block(f"{version.name}{KINDS[kind]}", subtitle)

    # The opening block: the item's identity on the left, the QR code on the right.
    top = doc.get_y()
    qr_x = doc.w - doc.r_margin - QR_SIZE - 4  # the caption below is 8 mm wider than the code
    qr_bottom = doc.qr_code(guide_url(item, situation.refs), x=qr_x, y=top, size=QR_SIZE, caption=QR_CAPTION)
    block_width = qr_x - 6 - doc.l_margin
    if kind == "guide":
        pairs = _identity(item, version)
    else:
        pairs = [("实施主体", version.department.name), ("事项编码", item.code), ("申请人", "")]
    if situation.answers:
        pairs.append(("您的情形", situation.answers))
    table_bottom = doc.key_values(pairs, label_width=24, width=block_width)
    doc.set_y(max(table_bottom, qr_bottom) + 3)

    if kind == "guide":
        _guide_body(doc, version, materials, steps, situation)
    else:
        _notice_body(doc, version, materials, situation)
    return doc.to_bytes()


class _Situation:
    """The chosen options of a version: their refs (unknown ones dropped) and the answers text."""

    def __init__(self, version: ItemVersion, selected: set[str]) -> None:
        self.refs: list[str] = []
        answers = []
        for question in version.questions.prefetch_related("options"):
            chosen = []
            for option in question.options.all():
                ref = f"{question.key}.{option.key}"
                if ref in selected:
                    self.refs.append(ref)
                    chosen.append(option.label)
            if chosen:
                answers.append(f"{question.text}：{'、'.join(chosen)}")
        self.answers = "；".join(answers)

    @staticmethod
    def applies_when(row: Material | Step) -> str:
        """The situation a row is tied to, e.g. "申请人类型：企业"; "" when it always applies."""
        return "或".join(f"{o.question.text}：{o.label}" for o in row.options.all())


def _days(days: int) -> str:
    return f"{days}个工作日" if days else "即时办结"


def _identity(item: Item, version: ItemVersion) -> list[tuple[str, str]]:
    return [
        ("事项名称", version.name),
        ("基本编码", item.code),
        ("实施编码", item.implementation_code),
        ("事项类型", version.get_item_type_display()),
        ("实施主体", version.department.name),
        ("行使层级", version.get_level_display()),
        ("指南版本", f"第{version.number}版（{version.created_at:%Y年%m月%d日}）"),
    ]


def _audience(version: ItemVersion) -> str:
    return "、".join(label for label, flag in (("自然人", version.for_person), ("法人及其他组织", version.for_enterprise)) if flag) or "—"


def _exemption(material: Material) -> str:
    ways = []
    if material.licence_type:
        ways.append(f"电子证照：{material.licence_type}")
    if material.shared_source:
        ways.append(f"共享数据：{material.shared_source}")
    return "；".join(ways)


def _material_name(material: Material, situation: _Situation) -> str:
    lines = [material.name]
    condition = situation.applies_when(material)
    if condition and not situation.refs:
        lines.append(f"（适用情形：{condition}）")
    if material.spec:
        lines.append(f"要求：{material.spec}")
    if material.blank_form:
        lines.append(f"空白表格：{material.blank_form}")
    return "\n".join(lines)


def _key_value_section(doc: GovDocument, heading: str, pairs: list[tuple[str, str]]) -> None:
    """A heading and a short key/value table, kept on one page (rows are mostly one line)."""
    doc.heading(heading, keep_with=len(pairs) * 7.5)
    doc.key_values(pairs, label_width=32)


def _guide_body(doc: GovDocument, version: ItemVersion, materials: list[Material], steps: list[Step], situation: _Situation) -> None:
    doc.heading("一、设定依据")
    doc.paragraph(version.legal_basis)

    doc.heading("二、受理条件")
    doc.paragraph(version.conditions or "无特别受理条件。")

    doc.heading("三、申请材料")
    if materials:
        rows = [
            (
                str(i),
                _material_name(m, situation),
                m.get_source_display() + (f"（{m.source_note}）" if m.source_note else ""),
                f"{m.originals} / {m.copies}",
                m.get_form_display(),
                "是" if m.required else "否",
                "是" if m.rongque_allowed else "否",
                _exemption(m) or "否",
            )
            for i, m in enumerate(materials, start=1)
        ]
        doc.data_table(
            ["序号", "材料名称", "来源渠道", "原件/\n复印件", "材料形式", "必要", "可容缺", "可免提交"],
            rows,
            col_widths=(10, 54, 23, 16, 20, 10, 13, 28),
            aligns=("C", "L", "C", "C", "C", "C", "C", "L"),
        )
    else:
        doc.paragraph("无需提交申请材料。")
    doc.paragraph("注：可免提交的材料由窗口通过电子证照或共享数据调取，申请人无需提供。", size=9, color=MUTED)

    doc.heading("四、收费")
    fees = list(version.fees.all())
    if fees:
        doc.data_table(
            ["收费项目", "收费标准", "收费依据"],
            [(f.name, f.standard, f.basis) for f in fees],
            col_widths=(40, 34, doc.epw - 74),
        )
    else:
        doc.paragraph("不收费。")

    doc.heading("五、办理流程")
    if steps:
        step_rows = [
            (
                str(i),
                s.name + (f"（适用情形：{cond}）" if (cond := situation.applies_when(s)) and not situation.refs else ""),
                s.get_role_display(),
                _days(s.limit_days),
            )
            for i, s in enumerate(steps, start=1)
        ]
        doc.data_table(
            ["序号", "办理环节", "办理人员", "环节时限"], step_rows, col_widths=(12, doc.epw - 82, 35, 35), aligns=("C", "L", "C", "C")
        )

    commitment = (
        f"实行告知承诺制（核查期限：{_days(version.commitment_verify_days or 0)}）" if version.commitment_allowed else "不实行告知承诺制"
    )
    _key_value_section(
        doc,
        "六、办理时限与方式",
        [
            ("服务对象", _audience(version)),
            ("办件类型", version.get_handling_type_display()),
            ("法定办结时限", _days(version.legal_limit_days)),
            ("承诺办结时限", _days(version.promised_limit_days)),
            ("到现场次数", f"{version.visits}次"),
            ("网办深度", version.get_online_depth_display()),
            ("通办范围", version.get_tongban_scope_display()),
            ("告知承诺", commitment),
            ("容缺受理", "可容缺受理（见申请材料“可容缺”一栏）" if version.rongque else "不适用"),
        ],
    )
    _key_value_section(doc, "七、办理结果", [("结果名称", version.result_name or "—"), ("结果类型", version.get_result_type_display())])
    _key_value_section(
        doc,
        "八、办理地点、时间和咨询方式",
        [
            ("办理地点", version.location or "—"),
            ("办理时间", version.office_hours or "—"),
            ("咨询电话", version.phone or "—"),
            ("监督投诉电话", version.complaint_phone or "—"),
        ],
    )

    doc.heading("九、中介服务")
    intermediaries = list(version.intermediaries.all())
    if intermediaries:
        doc.data_table(
            ["中介服务事项", "设定依据", "服务机构", "收费方式"],
            [(i.name, i.basis, i.provider or "—", i.fee_basis or "—") for i in intermediaries],
            col_widths=(40, doc.epw - 110, 40, 30),
        )
    else:
        doc.paragraph("无。")


def _notice_body(doc: GovDocument, version: ItemVersion, materials: list[Material], situation: _Situation) -> None:
    doc.heading("一、需提交的材料")
    if materials:
        rows = []
        for i, m in enumerate(materials, start=1):
            counts = "\n".join(
                part for part in (f"原件{m.originals}份" if m.originals else "", f"复印件{m.copies}份" if m.copies else "") if part
            )
            notes = [note for note in ("非必要" if not m.required else "", "可容缺" if m.rongque_allowed else "") if note]
            if exemption := _exemption(m):
                notes.append(f"可免提交（{exemption}）")
            rows.append(("□", str(i), _material_name(m, situation), counts or "—", "；".join(notes)))
        doc.data_table(
            ["核对", "序号", "材料名称", "份数", "备注"],
            rows,
            col_widths=(11, 10, 76, 28, doc.epw - 125),
            aligns=("C", "C", "L", "C", "L"),
            column_styles={0: FontFace(size_pt=14)},
        )
    else:
        doc.paragraph("无需提交申请材料。")

    doc.heading("二、受理条件")
    doc.paragraph(version.conditions or "无特别受理条件。")

    doc.heading("三、办理须知", keep_with=32)
    fees = "；".join(f"{f.name}：{f.standard}" for f in version.fees.all()) or "不收费"
    doc.data_table(
        None,
        [
            (
                "办理时限",
                f"法定{_days(version.legal_limit_days)}，承诺{_days(version.promised_limit_days)}",
                "到现场次数",
                f"{version.visits}次（{version.get_online_depth_display()}）",
            ),
            ("收费", fees, "咨询电话", version.phone or "—"),
            ("办理时间", version.office_hours or "—", "监督投诉电话", version.complaint_phone or "—"),
            ("办理地点", version.location or "—"),
        ],
        col_widths=(24, 63, 24, doc.epw - 111),
        label_columns={0, 2},
    )
    doc.ln(2)
    doc.paragraph(NOTICE_PLEDGE, size=9.5)
    doc.sign_off(["窗口工作人员（签字）", "申请人（签字）"])
