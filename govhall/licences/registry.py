"""The licence types govhall knows (证照类型目录), seeded by migration 0002 and kept by
`licence_types_sync`. Codes are govhall's own short codes (pinyin initials of the name) until a
county connects to the national 电子证照目录 and takes its codes; the identifier carries them.

Validity comes from the rule that sets each licence (cited per row); None is 长期有效.
"""

from __future__ import annotations

from typing import Any

P, E, B = "person", "enterprise", "both"

# (code, name, number prefix, usual issuer, holder, validity years, fields on the face, issued here)
TYPES: list[tuple[str, str, str, str, str, int | None, list[str], bool]] = [
    # 市场主体登记管理条例: 营业执照 has no term unless the articles set one.
    ("YYZZ", "营业执照", "", "市场监督管理局", E, None, ["名称", "类型", "法定代表人", "经营范围", "注册资本", "成立日期", "住所"], True),
    # 食品经营许可管理办法 第三十条: 5 years.
    (
        "SPJYXKZ",
        "食品经营许可证",
        "JY",
        "市场监督管理局",
        B,
        5,
        ["经营者名称", "法定代表人（负责人）", "住所", "经营场所", "主体业态", "经营项目"],
        True,
    ),
    # 食品生产许可管理办法: 5 years.
    ("SPSCXKZ", "食品生产许可证", "SC", "市场监督管理局", E, 5, ["生产者名称", "法定代表人", "住所", "生产地址", "食品类别"], True),
    # 药品经营和使用质量监督管理办法: 5 years.
    ("YPJYXKZ", "药品经营许可证", "蒙", "市场监督管理局", E, 5, ["企业名称", "法定代表人", "注册地址", "经营范围", "仓库地址"], True),
    # 道路运输条例 / 道路旅客运输及客运站管理规定: 4 years (经营许可证件 有效期 4 年，地方可另定).
    ("DLYSJYXKZ", "道路运输经营许可证", "蒙交运管许可", "交通运输局", B, 4, ["业户名称", "地址", "经营范围", "经济类型"], True),
    ("DLYSZ", "道路运输证", "", "交通运输局", B, None, ["业户名称", "车辆号牌", "经营范围"], True),
    # 不动产登记暂行条例: the certificate has no term of its own.
    (
        "BDCQZS",
        "不动产权证书",
        "蒙",
        "自然资源局",
        B,
        None,
        ["权利人", "共有情况", "坐落", "不动产单元号", "权利类型", "用途", "面积"],
        True,
    ),
    ("BDCDJZM", "不动产登记证明", "蒙", "自然资源局", B, None, ["证明权利或事项", "权利人", "坐落", "不动产单元号"], True),
    # 婚姻登记条例.
    ("JHZ", "结婚证", "J", "民政局", P, None, ["持证人", "登记日期", "男方", "女方"], True),
    ("LHZ", "离婚证", "L", "民政局", P, None, ["持证人", "登记日期", "男方", "女方"], True),
    # 公共场所卫生管理条例实施细则 第二十二条: 4 years.
    ("WSXKZ", "卫生许可证", "", "卫生健康委员会", B, 4, ["单位名称", "法定代表人", "地址", "许可项目"], True),
    ("GGCSWSXKZ", "公共场所卫生许可证", "", "卫生健康委员会", B, 4, ["单位名称", "法定代表人", "地址", "许可项目"], True),
    # 医疗机构管理条例实施细则 第七十八条: 5 years (床位 < 100).
    ("YLJGZYXKZ", "医疗机构执业许可证", "", "卫生健康委员会", E, 5, ["机构名称", "地址", "法定代表人", "主要负责人", "诊疗科目"], True),
    # 排污许可管理条例 第十四条: 5 years.
    ("PWXKZ", "排污许可证", "", "生态环境局", E, 5, ["单位名称", "注册地址", "生产经营场所地址", "行业类别", "主要污染物类别"], True),
    # 城乡规划法 第四十条.
    (
        "JSGCGHXKZ",
        "建设工程规划许可证",
        "建字第",
        "自然资源局",
        B,
        None,
        ["建设单位（个人）", "建设项目名称", "建设位置", "建设规模"],
        True,
    ),
    ("JSYDGHXKZ", "建设用地规划许可证", "地字第", "自然资源局", B, None, ["用地单位", "用地项目名称", "用地位置", "用地面积"], True),
    (
        "XCJSGHXKZ",
        "乡村建设规划许可证",
        "乡字第",
        "自然资源局",
        B,
        None,
        ["建设单位（个人）", "建设项目名称", "建设位置", "建设规模"],
        True,
    ),
    # 建筑工程施工许可管理办法.
    (
        "JZGCSGXKZ",
        "建筑工程施工许可证",
        "",
        "住房和城乡建设局",
        B,
        None,
        ["建设单位", "工程名称", "建设地址", "建设规模", "合同工期"],
        True,
    ),
    # 林木采伐许可证 (森林法 第五十六条): the period the permit states, usually within the year.
    ("LMCFXKZ", "林木采伐许可证", "", "林业和草原局", B, 1, ["采伐单位（个人）", "采伐地点", "林种", "采伐方式", "采伐蓄积"], True),
    # 特种行业许可证 (旅馆业治安管理办法).
    ("TZHYXKZ", "特种行业许可证", "", "公安局", E, None, ["单位名称", "法定代表人", "地址", "经营项目"], True),
    # Issued by higher-level systems (公安部人口、出入境, 人社部社保卡): the county takes applications only.
    ("JMSFZ", "居民身份证", "", "公安局", P, None, [], False),
    ("LSJMSFZ", "临时居民身份证", "", "公安局", P, None, [], False),
    ("PTHZ", "中华人民共和国普通护照", "", "公安局", P, None, [], False),
    ("WLGATXZ", "往来港澳通行证", "", "公安局", P, None, [], False),
    ("WLTWTXZ", "往来台湾通行证", "", "公安局", P, None, [], False),
    ("SHBZK", "社会保障卡", "", "人力资源和社会保障局", P, None, [], False),
]

GENERIC_FIELDS = ["证照名称", "持证主体", "许可事项"]

# A holder has one licence of these at a time: a new issue (变更、延续) supersedes the old one.
ONE_PER_HOLDER = {"YYZZ", "SPJYXKZ", "SPSCXKZ", "YPJYXKZ", "DLYSJYXKZ", "WSXKZ", "GGCSWSXKZ", "YLJGZYXKZ", "PWXKZ", "TZHYXKZ"}


def type_rows() -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": name,
            "number_prefix": prefix,
            "issuer_kind": issuer,
            "holder_kind": holder,
            "validity_years": years,
            "fields": fields,
            "issued_here": issued_here,
            "one_per_holder": code in ONE_PER_HOLDER,
        }
        for code, name, prefix, issuer, holder, years, fields, issued_here in TYPES
    ]


def code_for_name(name: str) -> str:
    """A short code for a type not in the table: the pinyin initials of its name, upper case."""
    from pypinyin import Style, lazy_pinyin

    initials = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if p)
    code = "".join(ch for ch in initials.upper() if ch.isascii() and ch.isalnum())
    return (code or "QT")[:16]
