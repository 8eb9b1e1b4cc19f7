"""The demo county's organisation: 新巴尔虎右旗 (150727), 呼伦贝尔市, 内蒙古自治区.

Quantities follow the county's own 2021 report (seeds/001): the 政务服务大厅 hosts 26 departments
at 76 windows, each with a 好差评 rating device; 7 苏木镇 run a 便民服务中心 each; 12 社区 and 51 嘎查
run free 代办点. Departments' 统一社会信用代码 are built with `make_uscc` from deterministic bodies;
addresses and telephone numbers are realistic, not the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govhall.core.identifiers import make_uscc
from govhall.org.models import Department, Window

COUNTY_CODE = "150727"
COUNTY_NAME = "新巴尔虎右旗"
CENTRE_NAME = "新巴尔虎右旗政务服务中心"
CENTRE_ADDRESS = "新巴尔虎右旗阿拉坦额莫勒镇巴尔虎大街16号"
CENTRE_PHONE = "0470-6402345"
# Hulunbuir keeps summer and winter office hours.
OFFICE_HOURS = "工作日 夏季（5月至9月）8:30-12:00，14:30-17:30；冬季（10月至次年4月）8:30-12:00，14:00-17:00"
COMPLAINT_PHONE = "12345"

HALL_A = f"{CENTRE_NAME}一楼无差别综合受理区（A区）"
HALL_B = f"{CENTRE_NAME}一楼企业开办专区（B区）"
HALL_C = f"{CENTRE_NAME}二楼工程建设项目审批专区（C区）"
HALL_D = f"{CENTRE_NAME}一楼不动产登记专区（D区）"
HALL_E = f"{CENTRE_NAME}二楼社保医保专区（E区）"
HALL_F = f"{CENTRE_NAME}一楼公安综合服务区（F区）"
HALL_G = f"{CENTRE_NAME}一楼税务专区（G区）"
HALL_H = f"{CENTRE_NAME}二楼部门专窗区（H区）"


@dataclass(frozen=True)
class DepartmentSpec:
    number: int  # also the department part of its items' basic codes
    key: str  # short key used in usernames (approver_scj) and item tables
    name: str
    short_name: str
    phone: str
    address: str
    hall: str = ""  # where its items are applied for; "" = not in the hall, at its own office
    person_topic: str = ""
    enterprise_topic: str = ""
    kind: str = Department.KIND_DEPARTMENT
    division_code: str = COUNTY_CODE

    @property
    def uscc(self) -> str:
        # 11 = 机构编制部门登记的机关; the organisation code bodies are deterministic.
        return make_uscc("11", COUNTY_CODE, f"01154{self.number:03d}")

    @property
    def location(self) -> str:
        return self.hall or self.address


def _addr(street: str) -> str:
    return f"新巴尔虎右旗阿拉坦额莫勒镇{street}"


D = DepartmentSpec
# fmt: off
DEPARTMENTS: list[DepartmentSpec] = [
    D(1, "spj", "新巴尔虎右旗行政审批和政务服务局", "行政审批和政务服务局", "0470-6402300", _addr("巴尔虎大街16号"), HALL_A, "户籍办理", "企业开办", kind=Department.KIND_APPROVAL_BUREAU),
    D(2, "fgw", "新巴尔虎右旗发展和改革委员会", "发展和改革委员会", "0470-6412210", _addr("呼伦路8号"), HALL_C, "", "工程建设"),
    D(3, "gxj", "新巴尔虎右旗工业和信息化局", "工业和信息化局", "0470-6412236", _addr("呼伦路8号")),
    D(4, "jyj", "新巴尔虎右旗教育局", "教育局", "0470-6413152", _addr("贝尔路21号"), HALL_H, "教育", "教育"),
    D(5, "gaj", "新巴尔虎右旗公安局", "公安局", "0470-6422110", _addr("达赉大街5号"), HALL_F, "户籍办理", "安全生产"),
    D(6, "mzj", "新巴尔虎右旗民政局", "民政局", "0470-6413320", _addr("克鲁伦街12号"), HALL_H, "社会救助", "社会组织"),
    D(7, "sfj", "新巴尔虎右旗司法局", "司法局", "0470-6412148", _addr("克鲁伦街12号"), "", "法律服务", "法律服务"),
    D(8, "czj", "新巴尔虎右旗财政局", "财政局", "0470-6412105", _addr("呼伦路8号"), "", "", "政府采购"),
    D(9, "rsj", "新巴尔虎右旗人力资源和社会保障局", "人力资源和社会保障局", "0470-6413360", _addr("贝尔路9号"), HALL_E, "社会保障", "就业创业"),
    D(10, "zrzyj", "新巴尔虎右旗自然资源局", "自然资源局", "0470-6412531", _addr("宝格德路3号"), HALL_C, "住房", "工程建设"),
    D(11, "sthj", "呼伦贝尔市生态环境局新巴尔虎右旗分局", "生态环境分局", "0470-6414369", _addr("宝格德路7号"), HALL_C, "", "环境保护"),
    D(12, "zjj", "新巴尔虎右旗住房和城乡建设局", "住房和城乡建设局", "0470-6412620", _addr("宝格德路5号"), HALL_C, "住房", "工程建设"),
    D(13, "jtj", "新巴尔虎右旗交通运输局", "交通运输局", "0470-6412713", _addr("达赉大街18号"), HALL_H, "交通出行", "交通运输"),
    D(14, "slj", "新巴尔虎右旗水利局", "水利局", "0470-6412815", _addr("宝格德路11号"), HALL_C, "", "水务"),
    D(15, "nmj", "新巴尔虎右旗农牧和科技局", "农牧和科技局", "0470-6412952", _addr("新宁街6号"), HALL_H, "农牧业", "农牧业"),
    D(16, "shw", "新巴尔虎右旗商务局", "商务局", "0470-6413015", _addr("呼伦路8号"), HALL_H, "", "商贸流通"),
    D(17, "wltj", "新巴尔虎右旗文化旅游体育局", "文化旅游体育局", "0470-6413186", _addr("贝尔路2号"), HALL_H, "文化体育", "文化旅游"),
    D(18, "wjw", "新巴尔虎右旗卫生健康委员会", "卫生健康委员会", "0470-6413120", _addr("新宁街15号"), HALL_H, "医疗卫生", "医疗卫生"),
    D(19, "tyjr", "新巴尔虎右旗退役军人事务局", "退役军人事务局", "0470-6413281", _addr("克鲁伦街12号"), HALL_H, "退役军人", ""),
    D(20, "yjj", "新巴尔虎右旗应急管理局", "应急管理局", "0470-6413419", _addr("达赉大街22号"), HALL_H, "社会救助", "安全生产"),
    D(21, "scj", "新巴尔虎右旗市场监督管理局", "市场监督管理局", "0470-6412315", _addr("阿拉坦街10号"), HALL_B, "消费维权", "企业开办"),
    D(22, "tjj", "新巴尔虎右旗统计局", "统计局", "0470-6412172", _addr("呼伦路8号"), "", "", "统计调查"),
    D(23, "ybj", "新巴尔虎右旗医疗保障局", "医疗保障局", "0470-6413512", _addr("贝尔路9号"), HALL_E, "医疗保障", "医疗保障"),
    D(24, "lcj", "新巴尔虎右旗林业和草原局", "林业和草原局", "0470-6413633", _addr("新宁街8号"), HALL_H, "农牧业", "林业草原"),
    D(25, "sw", "国家税务总局新巴尔虎右旗税务局", "税务局", "0470-6412366", _addr("阿拉坦街3号"), HALL_G, "税费缴纳", "税费缴纳"),
    D(26, "cl", "新巴尔虎右旗残疾人联合会", "残疾人联合会", "0470-6413755", _addr("克鲁伦街12号"), HALL_H, "残疾人服务", ""),
    D(27, "xf", "新巴尔虎右旗消防救援大队", "消防救援大队", "0470-6412119", _addr("达赉大街30号"), HALL_H, "", "安全生产"),
    D(28, "bdc", "新巴尔虎右旗不动产登记中心", "不动产登记中心", "0470-6413876", _addr("巴尔虎大街16号"), HALL_D, "不动产登记", "不动产登记"),
    D(29, "gjj", "呼伦贝尔市住房公积金管理中心新巴尔虎右旗分中心", "住房公积金分中心", "0470-6413930", _addr("贝尔路9号"), HALL_H, "公积金", "企业开办"),
    D(30, "cgj", "新巴尔虎右旗城市管理综合行政执法局", "城市管理综合行政执法局", "0470-6414012", _addr("达赉大街26号"), HALL_H, "", "市政设施"),
    D(31, "qxj", "新巴尔虎右旗气象局", "气象局", "0470-6412121", _addr("宝格德路19号"), HALL_C, "", "工程建设"),
]
# fmt: on


@dataclass(frozen=True)
class TownshipSpec:
    number: int
    key: str
    division_code: str
    town: str  # 苏木镇 name, as in the national division file

    @property
    def name(self) -> str:
        return f"{self.town}人民政府"

    @property
    def centre_name(self) -> str:
        return f"{self.town}便民服务中心"

    @property
    def phone(self) -> str:
        return f"0470-64{self.number + 10:02d}{self.number * 7:03d}"

    @property
    def address(self) -> str:
        if self.key == "alt":
            return "新巴尔虎右旗阿拉坦额莫勒镇新宁街1号"
        return f"新巴尔虎右旗{self.town}政府所在地"

    def as_department(self) -> DepartmentSpec:
        return DepartmentSpec(
            number=self.number,
            key=self.key,
            name=self.name,
            short_name=self.town,
            phone=self.phone,
            address=self.address,
            hall=f"{self.centre_name}综合受理窗口",
            person_topic="社会救助",
            enterprise_topic="农牧业",
            kind=Department.KIND_TOWNSHIP,
            division_code=self.division_code,
        )


TOWNSHIPS: list[TownshipSpec] = [
    TownshipSpec(41, "alt", "150727100", "阿拉坦额莫勒镇"),
    TownshipSpec(42, "arhst", "150727101", "阿日哈沙特镇"),
    TownshipSpec(43, "hl", "150727102", "呼伦镇"),
    TownshipSpec(44, "be", "150727200", "贝尔苏木"),
    TownshipSpec(45, "kel", "150727201", "克尔伦苏木"),
    TownshipSpec(46, "dl", "150727202", "达赉苏木"),
    TownshipSpec(47, "bgd", "150727203", "宝格德乌拉苏木"),
]

ALL_DEPARTMENTS: dict[str, DepartmentSpec] = {d.key: d for d in DEPARTMENTS} | {t.key: t.as_department() for t in TOWNSHIPS}


# --- windows ----------------------------------------------------------------------------------

# Power items that are never applied for at a window (处罚, 强制, 检查).
NOT_APPLIED_TYPES = {"02", "03", "06"}


@dataclass(frozen=True)
class WindowSpec:
    """A window and the items it accepts. A specialised window accepts the applied-for items of
    its departments that match every filter given (template, words in the name, topic, 通办)."""

    number: str
    name: str
    kind: str
    departments: tuple[str, ...] = ()
    accepts_all_items: bool = False
    templates: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    topic: str = ""
    tongban: tuple[str, ...] = ()
    all_departments: bool = field(default=False)

    def accepts(self, item) -> bool:
        """`item` is an ItemSpec (see items.build)."""
        if self.accepts_all_items or self.kind in (Window.KIND_COMPLAINT, Window.KIND_CANT_DO):
            return False  # accepts everything through the flag, or nothing at all
        if item.data["item_type"] in NOT_APPLIED_TYPES:
            return False
        if self.departments and item.window_dept not in self.departments:
            return False
        if self.templates and item.template not in self.templates:
            return False
        if self.words and not any(word in item.data["name"] for word in self.words):
            return False
        if self.topic and self.topic not in item.data["topics"]:
            return False
        if self.tongban and item.data["tongban_scope"] not in self.tongban:
            return False
        return True


C, S, H, X = Window.KIND_COMPREHENSIVE, Window.KIND_SPECIALISED, Window.KIND_HELP, Window.KIND_CROSS_REGION
W = WindowSpec

# The 76 windows of the county hall (seeds/001: 76 windows, every one with a rating device).
# fmt: off
COUNTY_WINDOWS: list[WindowSpec] = (
    [W(f"A{n:02d}", "无差别综合受理窗口", C, accepts_all_items=True, all_departments=True) for n in range(1, 17)]
    + [
        W("B01", "企业开办专区·市场主体登记", S, ("scj",), templates=("zc",)),
        W("B02", "企业开办专区·食品药品和特种设备许可", S, ("scj",), words=("食品", "药品", "特种设备", "计量")),
        W("B03", "企业开办专区·公章刻制", S, ("gaj",), words=("公章", "印章")),
        W("B04", "企业开办专区·涉税事项和发票", S, ("sw",), words=("一照一码", "发票")),
        W("B05", "企业开办专区·社保医保公积金登记", S, ("rsj", "ybj", "gjj"), topic="企业开办"),
        W("B06", "企业开办专区·综合出件", S, ("scj", "gaj", "sw", "rsj", "gjj"), topic="企业开办"),
        W("C01", "工程建设项目审批专区·立项用地规划", S, ("fgw", "zrzyj")),
        W("C02", "工程建设项目审批专区·环评水保取水", S, ("sthj", "slj")),
        W("C03", "工程建设项目审批专区·施工许可", S, ("zjj",), words=("施工", "质量监督", "消防设计", "预售")),
        W("C04", "工程建设项目审批专区·联合验收", S, ("zjj", "zrzyj", "qxj"), words=("验收", "核实", "竣工")),
        W("C05", "工程建设项目审批专区·市政公用服务", S, ("zjj", "cgj"), words=("燃气", "排水", "污水", "道路", "绿地", "树木", "广告", "垃圾")),
        W("C06", "工程建设项目审批专区·项目帮您办", S, (), topic="工程建设"),
    ]
    + [W(f"D0{n}", "不动产登记专区·登记受理", S, ("bdc",)) for n in range(1, 6)]
    + [
        W("D06", "不动产登记专区·查询和发证", S, ("bdc",), words=("查询", "补证", "换证", "注销")),
        W("D07", "不动产登记专区·房屋交易", S, ("zjj",), words=("网签", "租赁", "维修资金")),
        W("D08", "不动产登记专区·契税缴纳", S, ("sw",), words=("契税",)),
        W("E01", "社保医保专区·养老保险", S, ("rsj",), words=("养老", "退休", "参保", "社会保障卡")),
        W("E02", "社保医保专区·社会保险关系转移", S, ("rsj",), words=("转移", "权益记录", "社会保障卡")),
        W("E03", "社保医保专区·工伤和失业保险", S, ("rsj",), words=("工伤", "失业", "稳岗", "丧葬")),
        W("E04", "社保医保专区·就业创业", S, ("rsj",), words=("就业", "创业", "培训", "档案", "人力资源", "劳务派遣")),
    ]
    + [W(f"E0{n}", "社保医保专区·医疗保障", S, ("ybj",)) for n in range(5, 8)]
    + [
        W("E08", "社保医保专区·劳动保障", S, ("rsj",), words=("工时", "仲裁", "劳动", "投诉")),
        W("F01", "公安综合服务区·户政", S, ("gaj",), templates=("hz",)),
        W("F02", "公安综合服务区·居民身份证", S, ("gaj",), words=("身份证", "居住证")),
        W("F03", "公安综合服务区·出入境", S, ("gaj",), templates=("crj",)),
        W("F04", "公安综合服务区·机动车业务", S, ("gaj",), words=("机动车",)),
        W("F05", "公安综合服务区·驾驶证业务", S, ("gaj",), words=("驾驶证", "交通事故")),
        W("F06", "公安综合服务区·治安和特种行业", S, ("gaj",), words=("许可", "特种行业", "公章", "烟花", "爆炸", "剧毒", "群众性")),
    ]
    + [W(f"G0{n}", "税务专区·综合业务", S, ("sw",)) for n in range(1, 6)]
    + [
        W("G06", "税务专区·社会保险费和非税收入", S, ("sw",), words=("社会保险费", "税款", "征收")),
        W("H01", "卫生健康窗口", S, ("wjw",)),
        W("H02", "教育窗口", S, ("jyj",)),
        W("H03", "民政·社会救助窗口", S, ("mzj",), templates=("gf", "fw")),
        W("H04", "民政·婚姻收养登记窗口", S, ("mzj",), templates=("hy",)),
        W("H05", "民政·社会组织和养老服务窗口", S, ("mzj",), words=("社会团体", "民办非企业", "养老", "公墓", "地名")),
        W("H06", "交通运输窗口", S, ("jtj",)),
        W("H07", "农牧和科技窗口", S, ("nmj",)),
        W("H08", "林业和草原窗口", S, ("lcj",)),
        W("H09", "文化旅游体育窗口", S, ("wltj",)),
        W("H10", "退役军人服务窗口", S, ("tyjr",)),
        W("H11", "残疾人服务窗口", S, ("cl",)),
        W("H12", "住房公积金窗口", S, ("gjj",)),
        W("H13", "应急管理和消防窗口", S, ("yjj", "xf")),
        W("H14", "城市管理·商务窗口", S, ("cgj", "shw")),
        W("J01", "帮办代办窗口", H, accepts_all_items=True, all_departments=True),
        W("J02", "“蒙速办·帮您办”窗口", H, accepts_all_items=True, all_departments=True),
        W("K01", "跨区通办窗口", X, (), tongban=("county", "city", "province")),
        W("K02", "跨省通办窗口", X, (), tongban=("cross_province",)),
        W("L01", "投诉窗口", Window.KIND_COMPLAINT, all_departments=True),
        W("L02", "办不成事反映窗口", Window.KIND_CANT_DO, all_departments=True),
    ]
)
# fmt: on


def township_windows(township: TownshipSpec) -> list[WindowSpec]:
    key = township.key
    return [
        W("01", "综合受理窗口", C, (key,), accepts_all_items=True),
        W("02", "社会事务窗口", S, (key,), words=("救助", "津贴", "养老", "医疗", "扶助", "优待", "低保", "最低生活", "特困")),
        W("03", "农牧业和自然资源窗口", S, (key,), words=("宅基地", "乡村建设", "采伐", "农业机械", "涉路", "临时建筑")),
        W("04", "帮办代办窗口", H, (key,), accepts_all_items=True),
    ]


VILLAGE_WINDOW = W("01", "帮办代办窗口", H, accepts_all_items=True)
