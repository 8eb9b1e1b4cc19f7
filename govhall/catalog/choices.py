"""Code lists of the national 政务服务事项 standard (SPEC appendix) and of the public lists.

The names of the element code lists are data as well as labels: the item data and the Excel
workbook carry them in Chinese whatever the page language, so they stay plain Chinese here
(`gettext_noop` marks them for translation); pages and forms show them through
`govhall.core.i18n.translated_choices`. The public lists are only ever shown, so they are lazy.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

ITEM_TYPES = [
    ("01", N_("行政许可")),
    ("02", N_("行政处罚")),
    ("03", N_("行政强制")),
    ("04", N_("行政征收")),
    ("05", N_("行政给付")),
    ("06", N_("行政检查")),
    ("07", N_("行政确认")),
    ("08", N_("行政奖励")),
    ("09", N_("行政裁决")),
    ("10", N_("其他行政权力")),
    ("20", N_("公共服务")),
]
ITEM_TYPE_LABELS = dict(ITEM_TYPES)
POWER_TYPES = {code for code, _name in ITEM_TYPES if code != "20"}  # 行政权力: on the 权责清单

LEVELS = [
    ("national", N_("国家级")),
    ("provincial", N_("省级")),
    ("municipal", N_("市级")),
    ("county", N_("县级")),
    ("township", N_("乡级")),
    ("village", N_("村级")),
]

HANDLING_TYPES = [("instant", N_("即办件")), ("promised", N_("承诺件"))]

ONLINE_DEPTHS = [
    ("offline", N_("线下办理")),
    ("online_consult", N_("网上咨询预约")),
    ("online_submit", N_("网上申报、窗口办理")),
    ("full_online", N_("全程网办")),
]

TONGBAN_SCOPES = [
    ("none", N_("不通办")),
    ("county", N_("全旗通办")),
    ("city", N_("全市通办")),
    ("province", N_("全区通办")),
    ("cross_province", N_("跨省通办")),
]

AUDIENCES = [("person", N_("个人")), ("enterprise", N_("法人"))]

RESULT_TYPES = [("licence", N_("证照")), ("approval_document", N_("批文")), ("other", N_("其他"))]

MATERIAL_SOURCES = [
    ("applicant", N_("申请人自备")),
    ("government", N_("政府部门核发")),
    ("intermediary", N_("中介机构出具")),
    ("other", N_("其他")),
]

MATERIAL_FORMS = [("paper", N_("纸质")), ("electronic", N_("电子")), ("both", N_("纸质或电子"))]

STEP_ROLES = [
    ("clerk", N_("窗口受理")),
    ("approver", N_("审查")),
    ("section_head", N_("审核")),
    ("leader", N_("决定")),
    ("certifier", N_("制证")),
    ("delivery", N_("送达")),
]

# The 十张清单 (CAT-4). Most membership follows from an item's elements; the rest are flags.
PUBLIC_LISTS = [
    ("power", _("权责清单")),
    ("public_service", _("公共服务事项清单")),
    ("fee", _("行政事业性收费清单")),
    ("intermediary", _("中介服务事项清单")),
    ("random_check", _("随机抽查事项清单")),
    ("rongque", _("容缺受理事项清单")),
    ("tongban", _("通办事项清单")),
    ("proof", _("证明事项清单")),
    ("enterprise_permit", _("涉企经营许可事项清单")),
    ("supervision", _("监管事项清单")),
]
PUBLIC_LIST_LABELS = dict(PUBLIC_LISTS)
