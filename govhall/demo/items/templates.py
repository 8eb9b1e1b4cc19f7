"""Per-category templates: the materials, process steps, review points and conditions an item of
that kind usually has. An item row names its template and adds its own materials and points.

Steps are `(name, role, weight)`: the promised limit is shared among the steps by weight, so the
step limits always add up to the promised limit (the validator checks they never exceed it).
Special materials: `$申请表` is the item's own blank form, `$主体` the applicant's identity
documents (营业执照 and 法定代表人 for a legal person, 身份证 for a natural person).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    label: str
    audience: str  # "p" person, "e" enterprise, "pe" both
    materials: tuple[str, ...]
    steps: tuple[tuple[str, str, float], ...]
    checklist: tuple[str, ...]
    conditions: str
    online: tuple[str, ...]  # online depths, one picked per item (deterministically)
    form_name: str = "{name}申请表"


_PERMIT_CHECKS = (
    "申请材料齐全、符合法定形式，申请表由申请人签字（盖章）",
    "申请人主体资格合法有效，身份证明、营业执照与共享数据核验一致",
    "申请事项符合{law}规定的许可条件",
    "许可决定和证件载明的事项与申请内容一致",
)

TEMPLATES: dict[str, Template] = {
    "xk": Template(
        label="行政许可",
        audience="e",
        materials=("$申请表", "$主体", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("审查", "approver", 3),
            ("审核", "section_head", 1),
            ("决定", "leader", 1),
            ("制证", "certifier", 0.5),
        ),
        checklist=_PERMIT_CHECKS,
        conditions="申请人依法具有相应主体资格，具备{law}规定的条件，申请材料齐全、符合法定形式。",
        online=("full_online", "online_submit", "online_submit"),
    ),
    "xkc": Template(
        label="行政许可（需现场核查）",
        audience="e",
        materials=("$申请表", "$主体", "场所证明", "布局图", "设备清单", "管理制度", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("材料审查", "approver", 2),
            ("现场核查", "approver", 2),
            ("审核", "section_head", 1),
            ("决定", "leader", 1),
            ("制证", "certifier", 0.5),
        ),
        checklist=_PERMIT_CHECKS + ("现场核查场所、设施设备、人员与申报材料一致，核查记录由申请人签字确认",),
        conditions="申请人依法具有相应主体资格，具有与申请事项相适应的场所、设施设备、专业人员和管理制度，符合{law}规定的条件。",
        online=("online_submit", "online_submit", "full_online"),
    ),
    "gc": Template(
        label="工程建设项目审批",
        audience="e",
        materials=("$申请表", "$主体", "立项文件", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("技术审查", "approver", 3),
            ("审核", "section_head", 1),
            ("决定", "leader", 1),
            ("制证", "certifier", 0.5),
        ),
        checklist=(
            "项目已完成立项、用地等前置手续，相关批准文件在有效期内",
            "技术文件由具备相应能力的单位编制并签章，内容符合{law}和技术标准",
            "建设内容与规划、用地批准文件一致",
            "批准文件载明的建设规模、位置等要素准确",
        ),
        conditions="建设项目已依法办理立项、用地等前置手续，申报材料符合{law}和国家技术标准规范。",
        online=("online_submit", "full_online"),
    ),
    "zc": Template(
        label="市场主体登记",
        audience="pe",
        materials=("$申请表", "身份证", "委托书"),
        steps=(("受理", "clerk", 0), ("审核", "approver", 1), ("核准", "section_head", 1), ("发照", "certifier", 0)),
        checklist=(
            "申请书由法定代表人（投资人、经营者）签署，电子签名有效",
            "名称符合《企业名称登记管理规定》，不与同行业已登记名称相同",
            "住所（经营场所）真实，申请人对其真实性作出承诺",
            "经营范围按经营范围规范表述目录登记，涉及许可项目的已告知",
        ),
        conditions="申请人符合{law}规定的登记条件，申请材料齐全、符合法定形式。",
        online=("full_online",),
        form_name="{name}申请书",
    ),
    "gf": Template(
        label="行政给付",
        audience="p",
        materials=("$申请表", "身份证", "户口簿", "银行账户", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("调查核实", "approver", 3),
            ("审核", "section_head", 1),
            ("审批", "leader", 1),
            ("公示及资金发放", "delivery", 1),
        ),
        checklist=(
            "申请人户籍、身份信息与人口信息共享核验一致",
            "家庭经济状况经核对机制核对，符合{law}规定的给付条件",
            "入户调查记录完整，公示期内无异议或异议已核实",
            "给付标准、起始时间和发放账户准确",
        ),
        conditions="申请人户籍在新巴尔虎右旗或在本旗居住，符合{law}规定的条件，如实申报家庭收入和财产状况。",
        online=("online_submit", "online_submit", "offline"),
    ),
    "qr": Template(
        label="行政确认",
        audience="p",
        materials=("$申请表", "$主体", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("审查", "approver", 2),
            ("审核", "section_head", 1),
            ("决定", "leader", 1),
            ("发证", "certifier", 0.5),
        ),
        checklist=(
            "申请事项属于确认范围，申请人具有相应资格",
            "据以确认的事实和证明材料真实、完整",
            "确认结果载明事项与{law}规定一致",
        ),
        conditions="申请人符合{law}规定的条件，提交的证明材料真实有效。",
        online=("online_submit", "full_online"),
    ),
    "ba": Template(
        label="备案",
        audience="e",
        materials=("$申请表", "$主体"),
        steps=(("受理", "clerk", 0), ("备案审核", "approver", 1), ("备案结果告知", "delivery", 0)),
        checklist=(
            "备案材料齐全，信息填报完整",
            "备案信息与营业执照登记信息一致",
            "备案后纳入事中事后监管，按{law}开展检查",
        ),
        conditions="依照{law}应当备案的单位，在规定期限内报送备案材料。",
        online=("full_online", "full_online", "online_submit"),
        form_name="{name}表",
    ),
    "zs": Template(
        label="行政征收",
        audience="e",
        materials=("$申请表", "$主体", "@#相关审批文件"),
        steps=(("申报受理", "clerk", 0), ("核定", "approver", 1), ("审核", "section_head", 1), ("开具缴款书", "certifier", 0)),
        checklist=(
            "征收对象、计征依据和计征面积（数额）准确",
            "征收标准符合{law}及自治区规定",
            "缴款书开具准确，款项全额缴入国库",
        ),
        conditions="依照{law}负有缴纳义务的单位和个人。",
        online=("online_submit", "full_online"),
        form_name="{name}申报表",
    ),
    "jl": Template(
        label="行政奖励",
        audience="pe",
        materials=("$申请表", "$主体", "事迹材料及相关证明"),
        steps=(
            ("推荐受理", "clerk", 0),
            ("审查", "approver", 2),
            ("评审", "section_head", 2),
            ("公示", "section_head", 1),
            ("决定", "leader", 1),
        ),
        checklist=(
            "推荐对象符合{law}规定的奖励条件，事迹真实",
            "评审程序公开、公正，评审记录完整",
            "公示期内无异议或异议已核实处理",
        ),
        conditions="在相关工作中做出显著成绩或符合{law}规定奖励情形的单位和个人。",
        online=("online_submit", "offline"),
        form_name="{name}推荐（申报）表",
    ),
    "cj": Template(
        label="行政裁决",
        audience="pe",
        materials=("$申请表", "$主体", "争议事实、理由和请求的证据材料", "?权属来源证明材料", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("调查取证", "approver", 3),
            ("调解", "section_head", 2),
            ("裁决", "leader", 1),
            ("送达", "delivery", 1),
        ),
        checklist=(
            "争议属于本机关裁决范围，且未经人民法院受理",
            "申请人适格，申请在法定期限内提出",
            "事实清楚、证据确凿，已先行调解",
            "裁决书载明申请行政复议或者提起行政诉讼的途径和期限",
        ),
        conditions="当事人之间发生{law}规定由行政机关裁决的争议，协商不成的，可以申请裁决。",
        online=("offline", "online_consult"),
        form_name="{name}申请书",
    ),
    "cf": Template(
        label="行政处罚",
        audience="pe",
        materials=(
            "案件来源材料（投诉举报、移送、检查发现）",
            "现场检查（勘验）笔录",
            "调查询问笔录及证据材料",
            "?当事人陈述、申辩材料或听证笔录",
        ),
        steps=(
            ("立案", "approver", 1),
            ("调查取证", "approver", 4),
            ("法制审核", "section_head", 2),
            ("告知", "approver", 1),
            ("决定", "leader", 1),
            ("送达", "delivery", 1),
        ),
        checklist=(
            "违法事实清楚，证据确凿",
            "适用{law}正确，处罚种类和幅度符合裁量基准",
            "程序合法，已告知当事人陈述、申辩和听证的权利",
            "重大执法决定已经法制审核，处罚决定在法定期限内公示",
        ),
        conditions="公民、法人或者其他组织违反{law}，依法应当给予行政处罚的，立案查处。",
        online=("offline",),
    ),
    "qz": Template(
        label="行政强制",
        audience="pe",
        materials=("现场笔录", "查封（扣押）物品清单", "相关证据材料"),
        steps=(("报告批准", "section_head", 1), ("实施", "approver", 1), ("作出处理决定", "leader", 2), ("送达", "delivery", 1)),
        checklist=(
            "有{law}依据，实施前向行政机关负责人报告并经批准",
            "由两名以上行政执法人员实施，出示执法证件",
            "当场告知当事人采取强制措施的理由、依据和救济途径",
            "查封、扣押期限不超过三十日，延长须经负责人批准",
        ),
        conditions="依照{law}，为制止违法行为、防止证据损毁、避免危害发生，依法采取行政强制措施。",
        online=("offline",),
    ),
    "jc": Template(
        label="行政检查",
        audience="pe",
        materials=("检查通知书（随机抽查结果）", "现场检查笔录", "被检查单位提供的相关资料"),
        steps=(
            ("制定检查计划（双随机抽取）", "section_head", 1),
            ("实施检查", "approver", 3),
            ("结果处理", "leader", 1),
            ("结果公示", "delivery", 1),
        ),
        checklist=(
            "检查对象和检查人员经“双随机”抽取，两名以上执法人员参加，有利害关系的回避",
            "检查依据{law}，出示执法证件，制作检查笔录",
            "发现违法行为依法处理，检查结果在20个工作日内公示",
        ),
        conditions="依照{law}对监管对象实施监督检查。",
        online=("offline",),
    ),
    "fw": Template(
        label="公共服务",
        audience="p",
        materials=("$申请表", "身份证", "委托书"),
        steps=(("受理", "clerk", 0), ("审核", "approver", 2), ("办结", "section_head", 1)),
        checklist=(
            "申请人身份信息与共享数据核验一致",
            "申请材料齐全，符合{law}规定的条件",
            "办理结果及时告知申请人",
        ),
        conditions="符合{law}规定条件的申请人。",
        online=("full_online", "online_submit", "full_online"),
    ),
    "jb": Template(
        label="社会保险、医疗保障、住房公积金和税费经办",
        audience="p",
        materials=("$申请表", "$主体", "委托书"),
        steps=(("受理", "clerk", 0), ("审核", "approver", 1), ("复核", "section_head", 1), ("办结", "delivery", 1)),
        checklist=(
            "参保（缴存、纳税）人身份信息与共享数据核验一致",
            "业务数据录入准确，待遇或金额按{law}计算正确",
            "在承诺时限内办结并告知结果",
        ),
        conditions="符合{law}规定条件的参保（缴存、纳税）单位和个人。",
        online=("full_online", "full_online", "online_submit"),
        form_name="{name}表",
    ),
    "hz": Template(
        label="户政",
        audience="p",
        materials=("$申请表", "身份证", "户口簿"),
        steps=(("受理", "clerk", 0), ("审核", "approver", 2), ("审批", "section_head", 1), ("办结", "certifier", 1)),
        checklist=(
            "申请人身份经人像比对，与人口信息系统一致",
            "户籍事项变动符合{law}，证明材料真实",
            "登记项目准确，一人一档",
        ),
        conditions="符合{law}和自治区户籍管理规定的公民。",
        online=("online_submit", "online_consult"),
        form_name="{name}申请表",
    ),
    "crj": Template(
        label="出入境证件",
        audience="p",
        materials=("中国公民出入境证件申请表", "身份证", "照片"),
        steps=(
            ("受理", "clerk", 0),
            ("审核", "approver", 2),
            ("审批", "section_head", 1),
            ("制证", "certifier", 2),
            ("送达", "delivery", 1),
        ),
        checklist=(
            "申请人身份证明真实有效，人像比对一致",
            "不属于{law}规定不准出境的情形",
            "登记备案的国家工作人员已按规定审批",
        ),
        conditions="中国公民因私出境，符合{law}规定的条件。",
        online=("online_consult", "online_submit"),
    ),
    "jg": Template(
        label="机动车和驾驶人业务",
        audience="pe",
        materials=("$申请表", "$主体"),
        steps=(("受理", "clerk", 0), ("查验审核", "approver", 1), ("制证", "certifier", 1)),
        checklist=(
            "申请人身份信息和车辆（驾驶证）信息核验一致",
            "车辆查验或身体条件符合{law}规定",
            "无未处理完毕的交通违法行为和交通事故",
        ),
        conditions="符合{law}和《机动车登记规定》《机动车驾驶证申领和使用规定》的申请人。",
        online=("online_submit", "full_online"),
    ),
    "hy": Template(
        label="婚姻收养登记",
        audience="p",
        materials=("身份证", "户口簿"),
        steps=(("受理", "clerk", 0), ("审查", "approver", 1), ("登记", "section_head", 1), ("颁证", "certifier", 0)),
        checklist=(
            "当事人亲自到场，身份证件和户口簿真实有效",
            "当事人意思表示真实，不存在{law}规定不予登记的情形",
            "声明书由当事人当场签名并按指印",
        ),
        conditions="符合{law}规定条件的当事人，共同到婚姻（收养）登记机关申请。",
        online=("online_consult",),
    ),
    "bdc": Template(
        label="不动产登记",
        audience="pe",
        materials=("不动产登记申请书", "$主体", "委托书"),
        steps=(
            ("受理", "clerk", 0),
            ("审核", "approver", 2),
            ("登簿", "section_head", 1),
            ("缮证", "certifier", 1),
            ("发证", "delivery", 0),
        ),
        checklist=(
            "申请主体与权利人一致，身份信息核验一致",
            "权属来源清楚，与不动产登记簿记载一致",
            "不存在查封、异议登记等限制登记情形",
            "依{law}需缴纳的税费已缴清",
        ),
        conditions="不动产权利人或利害关系人依照{law}申请登记，权属清楚、界址明确、面积准确。",
        online=("online_submit", "full_online", "online_submit"),
    ),
    "zy": Template(
        label="执业注册和资格认定",
        audience="p",
        materials=("$申请表", "身份证", "照片", "*拟执业机构出具的聘用（接收）证明"),
        steps=(("受理", "clerk", 0), ("审查", "approver", 2), ("审核", "section_head", 1), ("决定", "leader", 1), ("制证", "certifier", 1)),
        checklist=(
            "申请人取得相应资格，资格证书真实有效",
            "不存在{law}规定不予注册（认定）的情形",
            "执业地点、执业类别和范围填报规范",
        ),
        conditions="取得相应资格并符合{law}规定条件的人员。",
        online=("full_online", "online_submit"),
    ),
}

# 追责情形 of the 权责清单, by item type (the 公共服务 list carries none).
ACCOUNTABILITY = {
    "01": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对符合法定条件的行政许可申请不予受理的；2.对不符合法定条件的申请人准予行政许可或者超越法定职权作出准予行政许可决定的；3.对符合法定条件的申请人不予行政许可或者不在法定期限内作出准予行政许可决定的；4.不依法履行监督职责或者监督不力，造成严重后果的；5.办理许可、实施监督检查，索取或者收受他人财物或者谋取其他利益的；6.其他违反法律法规规章规定的行为。（《中华人民共和国行政许可法》第七十二条至第七十七条）",
    "02": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.没有法定的行政处罚依据的；2.擅自改变行政处罚种类、幅度的；3.违反法定的行政处罚程序的；4.对应当依法移交司法机关追究刑事责任的不移交，以行政处罚代替刑事处罚的；5.截留、私分或者变相私分罚款、没收的违法所得或者财物的；6.其他违反法律法规规章规定的行为。（《中华人民共和国行政处罚法》第七十六条至第八十三条）",
    "03": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.没有法律、法规依据实施行政强制的；2.改变行政强制对象、条件、方式的；3.违反法定程序实施行政强制的；4.扩大查封、扣押、冻结范围的；5.使用或者损毁查封、扣押场所、设施或者财物的；6.其他违反法律法规规章规定的行为。（《中华人民共和国行政强制法》第六十一条至第六十八条）",
    "04": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.没有法定依据擅自征收，或者擅自改变征收标准、范围的；2.违反法定程序征收的；3.截留、挪用、私分征收款项的；4.其他违反法律法规规章规定的行为。",
    "05": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对符合条件的申请不予受理或者不予给付的；2.对不符合条件的申请人予以给付的；3.未按规定标准和时限发放的；4.截留、挤占、挪用、私分给付资金、物资的；5.在工作中索取或者收受财物、谋取私利的；6.其他违反法律法规规章规定的行为。（《社会救助暂行办法》第六十六条等）",
    "06": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.没有法律依据实施检查的；2.违反法定程序实施检查，或者在检查中滥用职权、玩忽职守的；3.检查中发现违法行为不依法处理的；4.利用检查索取或者收受他人财物、谋取私利的；5.泄露检查中知悉的商业秘密、个人隐私的；6.其他违反法律法规规章规定的行为。",
    "07": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对符合条件的不予确认或者不在法定期限内确认的；2.对不符合条件的予以确认的；3.违反法定程序的；4.索取或者收受他人财物、谋取私利的；5.其他违反法律法规规章规定的行为。",
    "08": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对不符合条件的给予奖励的；2.对符合条件的不予奖励的；3.违反规定程序评选的；4.截留、挪用奖金的；5.其他违反法律法规规章规定的行为。",
    "09": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对符合受理条件的申请不予受理的；2.不在法定期限内作出裁决的；3.违反法定程序作出裁决的；4.裁决所依据的事实不清、证据不足的；5.与当事人有利害关系应当回避而未回避的；6.索取或者收受他人财物、谋取私利的；7.其他违反法律法规规章规定的行为。",
    "10": "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：1.对符合条件的申请不予办理或者不在规定期限内办理的；2.对不符合条件的予以办理的；3.违反法定程序的；4.索取或者收受他人财物、谋取私利的；5.其他违反法律法规规章规定的行为。",
}

# 结果名称 when a row does not give one.
DEFAULT_RESULTS = {
    "02": "行政处罚决定书",
    "03": "查封（扣押）决定书",
    "04": "税收（非税收入）缴款凭证",
    "05": "给付决定及资金发放记录",
    "06": "检查结果（现场检查笔录）",
    "08": "奖励决定书（荣誉证书）",
    "09": "行政裁决书",
}
