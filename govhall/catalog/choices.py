"""Code lists of the national 政务服务事项 standard (SPEC appendix) and of the public lists."""

ITEM_TYPES = [
    ("01", "行政许可"),
    ("02", "行政处罚"),
    ("03", "行政强制"),
    ("04", "行政征收"),
    ("05", "行政给付"),
    ("06", "行政检查"),
    ("07", "行政确认"),
    ("08", "行政奖励"),
    ("09", "行政裁决"),
    ("10", "其他行政权力"),
    ("20", "公共服务"),
]
ITEM_TYPE_LABELS = dict(ITEM_TYPES)
POWER_TYPES = {code for code, _ in ITEM_TYPES if code != "20"}  # 行政权力: on the 权责清单

LEVELS = [
    ("national", "国家级"),
    ("provincial", "省级"),
    ("municipal", "市级"),
    ("county", "县级"),
    ("township", "乡级"),
    ("village", "村级"),
]

HANDLING_TYPES = [("instant", "即办件"), ("promised", "承诺件")]

ONLINE_DEPTHS = [
    ("offline", "线下办理"),
    ("online_consult", "网上咨询预约"),
    ("online_submit", "网上申报、窗口办理"),
    ("full_online", "全程网办"),
]

TONGBAN_SCOPES = [
    ("none", "不通办"),
    ("county", "全旗通办"),
    ("city", "全市通办"),
    ("province", "全区通办"),
    ("cross_province", "跨省通办"),
]

AUDIENCES = [("person", "个人"), ("enterprise", "法人")]

RESULT_TYPES = [("licence", "证照"), ("approval_document", "批文"), ("other", "其他")]

MATERIAL_SOURCES = [
    ("applicant", "申请人自备"),
    ("government", "政府部门核发"),
    ("intermediary", "中介机构出具"),
    ("other", "其他"),
]

MATERIAL_FORMS = [("paper", "纸质"), ("electronic", "电子"), ("both", "纸质或电子")]

STEP_ROLES = [
    ("clerk", "窗口受理"),
    ("approver", "审查"),
    ("section_head", "审核"),
    ("leader", "决定"),
    ("certifier", "制证"),
    ("delivery", "送达"),
]

# The 十张清单 (CAT-4). Most membership follows from an item's elements; the rest are flags.
PUBLIC_LISTS = [
    ("power", "权责清单"),
    ("public_service", "公共服务事项清单"),
    ("fee", "行政事业性收费清单"),
    ("intermediary", "中介服务事项清单"),
    ("random_check", "随机抽查事项清单"),
    ("rongque", "容缺受理事项清单"),
    ("tongban", "通办事项清单"),
    ("proof", "证明事项清单"),
    ("enterprise_permit", "涉企经营许可事项清单"),
    ("supervision", "监管事项清单"),
]
PUBLIC_LIST_LABELS = dict(PUBLIC_LISTS)
