"""What the people in the demo cases write: opinions, reasons, commitments, and the scanned
materials they upload. The wording follows what county staff write in practice (审查意见, 不予受理
理由, 一次性告知 points), chosen by the item and the material so that a case reads as one story.
"""

from __future__ import annotations

import random

# --- 预审 (acceptance) -----------------------------------------------------------------------------

# 一次性告知: the problem with a material, by words in its name (first match wins).
SUPPLEMENT_PROBLEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("身份证", "身份证明"), "身份证复印件不清晰，请上传原件正反面彩色扫描件"),
    (("申请书", "申请表", "申报表", "登记表", "审批表"), "申请书未由申请人签字（盖章），部分栏目漏填，请补全并签字后重新提交"),
    (("营业执照",), "营业执照副本复印件未加盖单位公章"),
    (("平面图", "布局", "示意图", "图纸"), "平面布局图未标注各功能区面积和主要设备位置，请按要求重新绘制"),
    (("合同", "协议", "使用证明", "产权"), "场所使用证明已过期，请提供有效期内的房屋租赁合同或产权证明"),
    (("制度", "方案", "预案"), "管理制度内容不完整，缺少岗位责任和应急处置部分"),
    (("证书", "资格", "证明"), "所附证明材料与申请人信息不一致，请核对后重新提交"),
)
DEFAULT_SUPPLEMENT_PROBLEM = "材料内容不完整，请按填报要求补充完整后重新提交"

REFUSE_REASONS_PERSON = (
    "申请人户籍和居住地均不在本旗，依法应向户籍所在地有关部门申请，已告知申请人",
    "同一事项已有在办申请，本次为重复申请，不予受理",
    "申请事项依法不属于本机关职权范围，已告知申请人向有关行政机关申请",
)
REFUSE_REASONS_ENTERPRISE = (
    "申请人营业执照已被吊销，不具备申请主体资格",
    "申请事项依法不需要取得行政许可，已告知申请人直接办理备案",
    "申请事项依法不属于本机关职权范围，已告知申请人向呼伦贝尔市有关行政机关申请",
    "同一事项已有在办申请，本次为重复申请，不予受理",
)

WITHDRAW_REASONS = (
    "材料准备不全，撤回后重新申请",
    "经营计划调整，暂不办理",
    "申请表填报信息有误，撤回后重新提交",
    "已在呼伦贝尔市政务服务中心办理，撤回本次申请",
)


def supplement_problem(material_name: str) -> str:
    for words, problem in SUPPLEMENT_PROBLEMS:
        if any(word in material_name for word in words):
            return problem
    return DEFAULT_SUPPLEMENT_PROBLEM


def rongque_commitment(applicant: str, materials: list[str], days: int) -> str:
    listed = "、".join(f"《{name}》" for name in materials)
    return f"{applicant}承诺在{days}个工作日内补齐{listed}，逾期未补齐的，同意不作出许可决定，并自愿承担相应责任。"


# --- 审查、决定 (review and decision) --------------------------------------------------------------

REVIEW_OPINIONS = (
    "材料齐全，符合法定形式，经审查符合条件，拟同意",
    "经审查，申请材料真实有效，符合办理条件，建议准予",
    "审查通过，同意提交审核",
    "经核对共享数据，申请人信息一致，符合条件，拟同意",
)
INSPECTION_OPINIONS = (
    "经现场核查，场所、设施与申请材料一致，建议准予许可",
    "现场核查情况与申报一致，符合许可条件，拟同意",
)
JOINT_OPINIONS = (
    "经联合现场勘验，符合本部门管理要求，同意",
    "会商意见：符合本部门相关规定，无不同意见",
    "经审查，本部门无异议，同意",
)
DECIDE_OPINIONS = ("同意", "同意，准予许可", "同意办理", "同意，按程序出件")
CERTIFY_OPINIONS = ("证照已制作，待送达", "已制证，电子证照同步生成")
RETURN_OPINIONS = (
    "现场核查记录不完整，请补充核查照片和核查人签字后重新审查",
    "审查意见未说明申请人资格核对情况，请补充后重新提交",
)
DENY_REASONS_LICENCE = (
    "经现场核查，实际经营场所与申请材料不一致，不符合许可条件，不予许可",
    "申请人未能提供符合要求的安全管理制度和专业技术人员，不符合法定条件，不予许可",
    "经现场核查，经营场所的卫生条件不符合规定要求，不予许可",
)
DENY_REASONS_BENEFIT = (
    "经核对，申请人家庭人均收入高于本旗最低生活保障标准，不符合享受条件，不予办理",
    "经核对共享数据，申请人不符合享受该项待遇的条件，不予办理",
)
REVIEW_REJECT_OPINIONS = ("经审查，申请人不符合法定条件，建议不予许可", "经现场核查，不符合条件，建议不予办理")


def review_opinion(rng: random.Random, *, joint: bool, inspection: bool) -> str:
    if joint:
        return rng.choice(JOINT_OPINIONS)
    return rng.choice(INSPECTION_OPINIONS if inspection else REVIEW_OPINIONS)


def deny_reason(rng: random.Random, *, benefit: bool) -> str:
    return rng.choice(DENY_REASONS_BENEFIT if benefit else DENY_REASONS_LICENCE)


# --- 特别程序、延期、终止 ----------------------------------------------------------------------------

# Which special procedure an item goes through, by words in its name (first match wins).
PAUSE_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("救助", "最低生活", "特困", "补贴", "津贴", "扶助", "补助", "资助"), "publicity"),
    (("卫生", "供水", "取水", "排污"), "testing"),
    (("建设", "规划", "环境", "设计", "采矿", "用地", "草原", "林地", "水土"), "expert"),
)
PAUSE_REASONS = {
    "publicity": "依规定在嘎查（社区）公示申请人家庭经济状况，公示期7日",
    "testing": "需委托检验检测机构对水质和卫生指标进行检测",
    "expert": "申请涉及技术性问题，组织专家进行技术评审",
    "inspection": "需对申请人的经营场所和设施进行现场核查",
}
PAUSE_DAYS = {"publicity": (5, 6), "testing": (4, 7), "expert": (3, 5), "inspection": (2, 3)}
PAUSE_RESULTS = {
    "publicity": "公示期满，无异议",
    "testing": "检验检测报告结论为合格",
    "expert": "专家评审意见：技术方案可行，同意",
    "inspection": "现场核查完成，与申请材料一致",
}


def pause_kind(item_name: str) -> str:
    for words, kind in PAUSE_KINDS:
        if any(word in item_name for word in words):
            return kind
    return "inspection"


def extension_reason(limit: int, days: int) -> str:
    return f"需组织现场核查和会商，{limit}个工作日内不能作出决定，经本机关负责人批准延长{days}个工作日"


TERMINATE_REASONS_PERSON = ("申请人户籍已迁出本旗，申请事项不再由本机关办理，终止办理",)
TERMINATE_REASONS_ENTERPRISE = ("申请人已申请注销登记，申请事项失去意义，终止办理",)

# --- 告知承诺 verification ------------------------------------------------------------------------

VERIFY_PASSED = ("经现场核查，申请人承诺内容属实", "经核查共享数据和现场情况，承诺属实")
VERIFY_FAILED = "经现场核查，申请人承诺的经营场所消防安全条件与实际不符，承诺不实"

# --- 送达 -------------------------------------------------------------------------------------------

ELECTRONIC_NOTE = "已推送至申请人“蒙速办”账号，电子证照同步归集"
WINDOW_NOTE = "申请人本人持身份证到窗口领取"


def post_note(rng: random.Random) -> str:
    return f"中国邮政EMS {rng.randrange(10**12, 10**13)}"


# --- scanned materials ------------------------------------------------------------------------------


def scan_pdf(lines: list[str]) -> bytes:
    """A one-page PDF standing for a scanned material: its title and who it belongs to, in the
    standard Chinese font every PDF reader has (STSong-Light, not embedded, so it is a few hundred
    bytes). The case services check files by their content, and this is a real PDF."""

    def text(value: str) -> str:
        return "<" + value.encode("utf-16-be").hex().upper() + ">"

    ops = ["BT", "/F1 16 Tf", "72 770 Td", f"{text(lines[0])} Tj", "/F1 11 Tf"]
    for line in lines[1:]:
        ops += ["0 -24 Td", f"{text(line)} Tj"]
    ops += ["ET", "0.6 G 40 40 515 762 re S"]  # the edge of the scanned sheet
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
