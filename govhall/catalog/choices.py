"""Code lists of the national 政务服务事项 standard (SPEC appendix) and of the public lists.

The names are data as well as labels: the item data and the Excel workbook carry them in Chinese
whatever the page language, so they stay plain Chinese here (`gettext_noop` marks them for
translation); pages, forms and the API show them through `govhall.core.i18n.translated_choices`.
"""

from django.utils.translation import gettext_noop

ITEM_TYPES = [
    ("01", gettext_noop("行政许可")),
    ("02", gettext_noop("行政处罚")),
    ("03", gettext_noop("行政强制")),
    ("04", gettext_noop("行政征收")),
    ("05", gettext_noop("行政给付")),
    ("06", gettext_noop("行政检查")),
    ("07", gettext_noop("行政确认")),
    ("08", gettext_noop("行政奖励")),
    ("09", gettext_noop("行政裁决")),
    ("10", gettext_noop("其他行政权力")),
    ("20", gettext_noop("公共服务")),
]
ITEM_TYPE_LABELS = dict(ITEM_TYPES)
POWER_TYPES = {code for code, _name in ITEM_TYPES if code != "20"}  # 行政权力: on the 权责清单

LEVELS = [
    ("national", gettext_noop("国家级")),
    ("provincial", gettext_noop("省级")),
    ("municipal", gettext_noop("市级")),
    ("county", gettext_noop("县级")),
    ("township", gettext_noop("乡级")),
    ("village", gettext_noop("村级")),
]

HANDLING_TYPES = [("instant", gettext_noop("即办件")), ("promised", gettext_noop("承诺件"))]

ONLINE_DEPTHS = [
    ("offline", gettext_noop("线下办理")),
    ("online_consult", gettext_noop("网上咨询预约")),
    ("online_submit", gettext_noop("网上申报、窗口办理")),
    ("full_online", gettext_noop("全程网办")),
]

TONGBAN_SCOPES = [
    ("none", gettext_noop("不通办")),
    ("county", gettext_noop("全旗通办")),
    ("city", gettext_noop("全市通办")),
    ("province", gettext_noop("全区通办")),
    ("cross_province", gettext_noop("跨省通办")),
]

AUDIENCES = [("person", gettext_noop("个人")), ("enterprise", gettext_noop("法人"))]

RESULT_TYPES = [("licence", gettext_noop("证照")), ("approval_document", gettext_noop("批文")), ("other", gettext_noop("其他"))]

MATERIAL_SOURCES = [
    ("applicant", gettext_noop("申请人自备")),
    ("government", gettext_noop("政府部门核发")),
    ("intermediary", gettext_noop("中介机构出具")),
    ("other", gettext_noop("其他")),
]

MATERIAL_FORMS = [("paper", gettext_noop("纸质")), ("electronic", gettext_noop("电子")), ("both", gettext_noop("纸质或电子"))]

STEP_ROLES = [
    ("clerk", gettext_noop("窗口受理")),
    ("approver", gettext_noop("审查")),
    ("section_head", gettext_noop("审核")),
    ("leader", gettext_noop("决定")),
    ("certifier", gettext_noop("制证")),
    ("delivery", gettext_noop("送达")),
]

# The 十张清单 (CAT-4). Most membership follows from an item's elements; the rest are flags.
PUBLIC_LISTS = [
    ("power", gettext_noop("权责清单")),
    ("public_service", gettext_noop("公共服务事项清单")),
    ("fee", gettext_noop("行政事业性收费清单")),
    ("intermediary", gettext_noop("中介服务事项清单")),
    ("random_check", gettext_noop("随机抽查事项清单")),
    ("rongque", gettext_noop("容缺受理事项清单")),
    ("tongban", gettext_noop("通办事项清单")),
    ("proof", gettext_noop("证明事项清单")),
    ("enterprise_permit", gettext_noop("涉企经营许可事项清单")),
    ("supervision", gettext_noop("监管事项清单")),
]
PUBLIC_LIST_LABELS = dict(PUBLIC_LISTS)
