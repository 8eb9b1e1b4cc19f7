"""Shared building blocks of the demo items: materials, fees and intermediary services.

A material is written as a short string. Its leading marks say how it is handed in:

    *  may be deficient at acceptance (容缺) when the item is in the 容缺 list
    @  issued by a government body (来源渠道: 政府部门核发)
    %  issued by an intermediary (中介机构出具)
    #  a copy is enough (复印件 1, 原件 0)
    ?  not always required (非必要)

The rest is either a key of MATERIALS (a material the government usually already holds, so it names
the shared data source and the electronic licence that replace it) or the material's name.
"""

from __future__ import annotations

from typing import Any

MARKS = "*@%#?"

# Materials the government already holds: `shared_source` is the data it is checked against
# (DATA-2, 一证通办), `licence_type` the electronic licence that replaces the paper (DATA-3).
MATERIALS: dict[str, dict[str, Any]] = {
    "身份证": {
        "name": "申请人居民身份证",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "人口户籍",
        "licence_type": "居民身份证",
        "spec": "核验原件；已通过电子证照或人口信息共享核验的，免于提交复印件",
    },
    "户口簿": {
        "name": "居民户口簿",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "人口户籍",
        "licence_type": "居民户口簿",
    },
    "营业执照": {
        "name": "营业执照",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "市场主体登记",
        "licence_type": "营业执照",
        "spec": "通过市场主体登记信息共享核验的，免于提交",
    },
    "法人身份证": {
        "name": "法定代表人（负责人）身份证明",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "人口户籍",
        "licence_type": "居民身份证",
    },
    "委托书": {
        "name": "授权委托书及受托人身份证",
        "originals": 1,
        "copies": 1,
        "required": False,
        "blank_form": "授权委托书.docx",
        "spec": "委托他人代为办理的提供，委托书须载明委托事项和权限",
    },
    "结婚证": {
        "name": "结婚证",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "婚姻登记",
        "licence_type": "结婚证",
    },
    "离婚证": {
        "name": "离婚证或人民法院生效的离婚判决书、调解书",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "婚姻登记",
        "licence_type": "离婚证",
    },
    "不动产权证": {
        "name": "不动产权证书",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "不动产登记",
        "licence_type": "不动产权证书",
    },
    "出生证": {
        "name": "出生医学证明",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "出生医学证明信息",
        "licence_type": "出生医学证明",
    },
    "死亡证明": {
        "name": "居民死亡医学证明（推断）书",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "死亡医学证明信息",
    },
    "残疾人证": {
        "name": "中华人民共和国残疾人证",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "残疾人信息",
        "licence_type": "中华人民共和国残疾人证",
    },
    "社保卡": {
        "name": "社会保障卡",
        "source": "government",
        "originals": 1,
        "shared_source": "社会保障",
        "licence_type": "社会保障卡",
    },
    "银行账户": {
        "name": "本人银行账户（社会保障卡金融账户）信息",
        "originals": 0,
        "copies": 1,
        "spec": "用于发放资金，户名须为申请人本人",
    },
    "照片": {
        "name": "近期免冠彩色证件照片",
        "originals": 2,
        "spec": "2寸白底，或在窗口现场采集",
    },
    "场所证明": {
        "name": "经营场所使用证明（不动产权证书或房屋租赁合同）",
        "originals": 0,
        "copies": 1,
        "shared_source": "不动产登记",
        "rq": True,
    },
    "家庭经济状况": {
        "name": "家庭收入和财产状况申报表及家庭经济状况核对授权书",
        "originals": 1,
        "blank_form": "家庭经济状况核对授权书.docx",
        "shared_source": "社会救助家庭经济状况核对",
        "spec": "共同生活的家庭成员均须签字授权",
    },
    "低保证明": {
        "name": "最低生活保障家庭证明",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "社会救助",
    },
    "医学证明": {
        "name": "二级以上医疗机构出具的诊断证明",
        "originals": 1,
        "copies": 1,
        "rq": True,
    },
    "健康证明": {
        "name": "县级以上医疗机构出具的健康体检证明",
        "originals": 1,
        "rq": True,
    },
    "退役证": {
        "name": "退出现役证或退伍证",
        "source": "government",
        "originals": 1,
        "copies": 1,
        "shared_source": "退役军人信息",
    },
    "安全制度": {"name": "安全管理制度和岗位操作规程", "originals": 1, "rq": True},
    "管理制度": {"name": "质量（卫生）管理制度文本", "originals": 1, "rq": True},
    "技术人员": {"name": "专业技术人员名单及资格证明", "originals": 0, "copies": 1, "rq": True},
    "设备清单": {"name": "主要设施设备清单", "originals": 1, "rq": True},
    "布局图": {"name": "经营（生产）场所平面布局图和周边环境示意图", "originals": 1, "rq": True},
    "立项文件": {
        "name": "项目审批、核准或备案文件",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "投资项目在线审批监管平台",
    },
    "用地批准": {
        "name": "用地批准文件（不动产权证书或划拨决定书）",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "不动产登记",
    },
    "建设用地规划许可证": {
        "name": "建设用地规划许可证",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "工程建设项目审批管理系统",
        "licence_type": "建设用地规划许可证",
    },
    "建设工程规划许可证": {
        "name": "建设工程规划许可证",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "工程建设项目审批管理系统",
        "licence_type": "建设工程规划许可证",
    },
    "设计方案": {"name": "建设工程设计方案（总平面图、建筑单体方案）", "originals": 1, "form": "electronic", "rq": True},
    "施工图审查": {
        "name": "施工图设计文件审查合格书",
        "source": "intermediary",
        "originals": 1,
        "shared_source": "工程建设项目审批管理系统",
        "rq": True,
    },
    "施工合同": {"name": "施工合同及中标通知书", "originals": 0, "copies": 1, "rq": True},
    "测绘报告": {"name": "不动产测绘报告（宗地图、房屋分户平面图）", "source": "intermediary", "originals": 1},
    "完税凭证": {
        "name": "契税完税凭证",
        "source": "government",
        "originals": 0,
        "copies": 1,
        "shared_source": "税务征管",
    },
    "环评文件": {"name": "环境影响报告书（表）", "source": "intermediary", "originals": 1, "form": "electronic"},
    "承诺书": {
        "name": "告知承诺书",
        "originals": 1,
        "blank_form": "告知承诺书.docx",
        "spec": "申请人对符合许可条件作出书面承诺，承诺不实的依法撤销许可并记入信用记录",
    },
}

FEES: dict[str, dict[str, Any]] = {
    "bdc_house": {
        "name": "不动产登记费（住宅）",
        "standard": "80元/件",
        "amount_fen": 8000,
        "basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
    },
    "bdc_nonhouse": {
        "name": "不动产登记费（非住宅）",
        "standard": "550元/件",
        "amount_fen": 55000,
        "basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
    },
    "bdc_cert": {
        "name": "不动产权属证书工本费",
        "standard": "10元/本（每件核发一本证书免收，每增加一本加收10元）",
        "amount_fen": 1000,
        "basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
    },
    "idcard": {
        "name": "居民身份证工本费",
        "standard": "20元/证",
        "amount_fen": 2000,
        "basis": "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
    },
    "passport": {
        "name": "普通护照工本费",
        "standard": "120元/本",
        "amount_fen": 12000,
        "basis": "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
    },
    "hkmo": {
        "name": "往来港澳通行证工本费",
        "standard": "本式证件60元/证；签注15元/次",
        "amount_fen": 6000,
        "basis": "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
    },
    "tw": {
        "name": "往来台湾通行证工本费",
        "standard": "本式证件60元/证；签注15元/次",
        "amount_fen": 6000,
        "basis": "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
    },
    "drv": {
        "name": "机动车驾驶证工本费",
        "standard": "10元/证",
        "amount_fen": 1000,
        "basis": "《国家发展改革委 财政部关于公安交通管理收费标准的通知》（发改价格〔2004〕2831号）",
    },
    "arable": {
        "name": "耕地开垦费",
        "standard": "按自治区规定标准，依占用耕地面积计征",
        "amount_fen": None,
        "basis": "《中华人民共和国土地管理法》第三十条；《内蒙古自治区实施〈中华人民共和国土地管理法〉办法》",
    },
    "idle": {
        "name": "土地闲置费",
        "standard": "按土地使用权出让或者划拨价款的20%以下计征",
        "amount_fen": None,
        "basis": "《中华人民共和国城市房地产管理法》第二十六条；《闲置土地处置办法》（国土资源部令第53号）",
    },
    "grass": {
        "name": "草原植被恢复费",
        "standard": "按自治区核定标准，依征收、征用、使用草原面积计征",
        "amount_fen": None,
        "basis": "《中华人民共和国草原法》第三十九条；《财政部 国家发展改革委关于同意收取草原植被恢复费有关问题的通知》（财综〔2010〕29号）",
    },
    "forest": {
        "name": "森林植被恢复费",
        "standard": "按林地类别和面积计征，草原地区疏林地、灌木林地按规定标准执行",
        "amount_fen": None,
        "basis": "《中华人民共和国森林法》第三十七条；《财政部 国家林业局关于调整森林植被恢复费征收标准引导节约集约利用林地的通知》（财税〔2015〕122号）",
    },
    "soil": {
        "name": "水土保持补偿费",
        "standard": "按自治区规定标准，依损坏水土保持设施面积计征",
        "amount_fen": None,
        "basis": "《中华人民共和国水土保持法》第三十二条；《水土保持补偿费征收使用管理办法》（财综〔2014〕8号）",
    },
}

INTERMEDIARIES: dict[str, dict[str, str]] = {
    "eia": {
        "name": "建设项目环境影响报告书（表）编制",
        "basis": "《中华人民共和国环境影响评价法》第十九条；《建设项目环境保护管理条例》第七条",
        "provider": "具备相应技术能力的环境影响评价技术单位（建设单位自主选择）",
        "fee_basis": "市场调节价",
    },
    "drawing": {
        "name": "施工图设计文件审查",
        "basis": "《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》第三条",
        "provider": "经自治区住房和城乡建设厅认定的施工图审查机构",
        "fee_basis": "政府购买服务，建设单位不付费",
    },
    "soil": {
        "name": "生产建设项目水土保持方案编制",
        "basis": "《中华人民共和国水土保持法》第二十五条",
        "provider": "具备相应技术能力的技术服务单位（自主选择）",
        "fee_basis": "市场调节价",
    },
    "water": {
        "name": "建设项目水资源论证报告书编制",
        "basis": "《取水许可和水资源费征收管理条例》第十一条；《建设项目水资源论证管理办法》",
        "provider": "具备相应技术能力的技术服务单位（自主选择）",
        "fee_basis": "市场调节价",
    },
    "energy": {
        "name": "固定资产投资项目节能报告编制",
        "basis": "《中华人民共和国节约能源法》第十五条；《固定资产投资项目节能审查办法》",
        "provider": "具备相应技术能力的咨询机构（自主选择）",
        "fee_basis": "市场调节价",
    },
    "lightning": {
        "name": "雷电防护装置检测",
        "basis": "《气象灾害防御条例》第二十三条；《雷电防护装置检测资质管理办法》",
        "provider": "取得雷电防护装置检测资质的单位",
        "fee_basis": "市场调节价",
    },
    "survey": {
        "name": "不动产测绘（房产测绘、地籍测绘）",
        "basis": "《中华人民共和国测绘法》；《房产测绘管理办法》",
        "provider": "具有相应测绘资质的单位",
        "fee_basis": "市场调节价",
    },
    "geo": {
        "name": "地质灾害危险性评估",
        "basis": "《地质灾害防治条例》第二十一条",
        "provider": "具有地质灾害危险性评估能力的单位",
        "fee_basis": "市场调节价",
    },
    "safety": {
        "name": "安全评价",
        "basis": "《中华人民共和国安全生产法》第三十二条；《危险化学品安全管理条例》第二十二条",
        "provider": "取得安全评价资质的机构",
        "fee_basis": "市场调节价",
    },
}


def parse_material(spec: str, *, rongque: bool = False, options: list[str] | None = None) -> dict[str, Any]:
    """Turn a marked material string into a material dict of the item data format."""
    marks = set()
    while spec and spec[0] in MARKS:
        marks.add(spec[0])
        spec = spec[1:]
    base = dict(MATERIALS.get(spec, {"name": spec}))
    can_be_deficient = base.pop("rq", False) or "*" in marks
    material: dict[str, Any] = {"source": "applicant", "originals": 1, "copies": 0, "form": "both", "required": True}
    material.update(base)
    if "@" in marks:
        material["source"] = "government"
    if "%" in marks:
        material["source"] = "intermediary"
    if "#" in marks:
        material["originals"], material["copies"] = 0, 1
    if "?" in marks:
        material["required"] = False
    material["rongque_allowed"] = bool(rongque and can_be_deficient)
    material["options"] = list(options or [])
    return material
