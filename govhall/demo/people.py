"""The demo county's people: staff in every role, at the county hall, the departments, the 苏木镇
centres and village 代办点, and the applicants — residents with an online account, residents who
only come to a window, and local enterprises whose legal representative has an account.

Usernames say role and place (`approver_scj`, `clerk_be`; applicants `applicant01`); names are
generated deterministically from common Han and Mongolian names (新巴尔虎右旗 is mostly
Mongolian). ACCOUNTS.md is generated from these lists (`accounts_markdown`) and a test keeps the
two in step.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from stdnum.cn import ric

from govhall.core.identifiers import make_uscc
from govhall.demo.county import COUNTY_CODE, COUNTY_WINDOWS, DEPARTMENTS, TOWNSHIPS
from govhall.org import roles

# Windows with a named clerk at the county hall: every 无差别 window and one per specialised area.
CLERK_WINDOWS = [f"A{n:02d}" for n in range(1, 17)] + [
    "B01", "B04", "C01", "C03", "D01", "D02", "D06", "E01", "E05", "F01", "F03", "F04",
    "G01", "H01", "H03", "H04", "H06", "H07", "J01", "J02", "K01", "K02", "L01", "L02",
]  # fmt: skip
SECTION_HEAD_DEPARTMENTS = ["spj", "scj", "gaj", "rsj", "mzj", "zrzyj", "zjj", "jtj", "nmj", "wjw", "bdc", "lcj", "sw", "ybj"]
SECOND_APPROVER_DEPARTMENTS = ["scj", "gaj", "rsj", "bdc"]
# Decisions in the default processes are taken by a section head (the `section_head` lane), so every
# department and 苏木镇 with items has one; those not in the first list were added later and come
# after the department admins, so the names of the accounts made before stay as they were.
TOWNSHIP_HEAD_TITLES = {"镇": "分管领导（副镇长）", "苏木": "分管领导（副苏木达）"}

HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋于杜叶程魏苏吕丁任卢姚沈姜崔谭陆范廖石金贾夏方邹熊白孟秦邱侯江尹薛段雷史陶贺毛郝顾邵万钱严孔常汤康乔"
HAN_GIVEN = [
    "海燕", "建国", "丽娟", "志强", "春梅", "晓东", "玉兰", "国庆", "秀英", "文博", "宏伟", "雅琴", "永红", "继伟",
    "淑珍", "立新", "晓燕", "振华", "红霞", "子涵", "鹏飞", "桂芳", "德胜", "雪梅", "海峰", "婷婷", "浩然", "凤琴",
    "明亮", "慧敏", "长林", "秀兰", "学军", "冬梅", "宇航", "春燕", "志刚", "美玲", "俊杰", "爱华", "金凤", "树林",
]  # fmt: skip
MONGOLIAN_GIVEN = [
    "巴特尔", "其其格", "乌云", "斯琴", "额尔敦", "那仁", "萨仁高娃", "图雅", "敖登", "宝音", "朝鲁", "苏日娜",
    "阿拉坦", "乌日娜", "格日勒", "孟和", "达来", "吉雅", "乌兰", "娜仁", "呼和", "巴雅尔", "满都拉", "额尔德尼",
    "苏和", "布仁", "其木格", "萨日娜", "阿木古楞", "宝力道", "哈斯", "通拉嘎", "朝格图", "青格乐", "乌力吉",
    "塔娜", "毕力格", "那顺", "乌日根", "斯日古楞", "道尔吉", "特木尔", "阿荣", "嘎日迪", "乌仁", "敖特根", "图门",
]  # fmt: skip
MONGOLIAN_SURNAMES = ["", "包", "白", "敖", "宝"]
# More names for the residents, so that applicants do not take the staff's.
RESIDENT_MONGOLIAN_GIVEN = [
    "巴图", "孟克", "额尔德木图", "孟根其其格", "苏都毕力格", "那木拉", "阿日斯楞", "乌日汗", "其其格玛", "巴图巴雅尔",
    "格日乐图", "朝克图", "宝力格", "查干", "德力格尔", "额日和木", "恩和", "高娃", "格根塔娜", "呼格吉勒图", "呼日查",
    "吉日嘎拉", "金花", "莫日根", "木其尔", "娜日苏", "诺敏", "萨如拉", "赛音", "斯琴高娃", "苏布道", "乌日图", "乌兰图雅",
    "希日莫", "伊拉勒图", "扎那", "照日格图", "哲日根", "阿古达木", "巴音", "达古拉", "额尔很巴雅尔", "嘎拉", "哈斯巴根",
    "其木德", "萨仁图雅", "图布信",
]  # fmt: skip
RESIDENT_HAN_GIVEN = ["建华", "玉梅", "国华", "淑芬", "志军", "丽华", "海军", "艳华", "金龙", "秀芝", "晓丽", "玉珍", "长春", "凤英"]
# Given names borne by women (the 公民身份号码's sequence digit is even for a woman, odd for a man).
FEMALE_GIVEN = {
    "海燕", "丽娟", "春梅", "玉兰", "秀英", "雅琴", "永红", "淑珍", "晓燕", "红霞", "子涵", "桂芳", "雪梅", "婷婷",
    "凤琴", "慧敏", "秀兰", "冬梅", "春燕", "美玲", "金凤", "其其格", "乌云", "斯琴", "萨仁高娃", "图雅", "敖登",
    "苏日娜", "乌日娜", "格日勒", "吉雅", "乌兰", "娜仁", "其木格", "萨日娜", "哈斯", "通拉嘎", "青格乐", "塔娜", "乌仁",
    "其其格玛", "乌日汗", "高娃", "格根塔娜", "金花", "娜日苏", "诺敏", "萨如拉", "希日莫", "达古拉", "其木德",
    "玉梅", "淑芬", "丽华", "艳华", "秀芝", "晓丽", "玉珍", "凤英",
}  # fmt: skip


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: str
    title: str
    department: str = ""  # department key
    centre: str = ""  # "county", a township key, or a village division code
    window: str = ""  # window number in that centre
    superuser: bool = False


def _names() -> Iterator[str]:
    """An endless, deterministic stream of distinct names, two Mongolian to every Han one."""
    seen: set[str] = set()
    i = 0
    while True:
        if i % 3 == 0:
            name = HAN_SURNAMES[(i * 7) % len(HAN_SURNAMES)] + HAN_GIVEN[(i * 5) % len(HAN_GIVEN)]
        else:
            k = i // 3 * 2 + i % 3
            name = MONGOLIAN_SURNAMES[(k // len(MONGOLIAN_GIVEN)) % len(MONGOLIAN_SURNAMES)] + MONGOLIAN_GIVEN[k % len(MONGOLIAN_GIVEN)]
        i += 1
        if name not in seen:
            seen.add(name)
            yield name


def first_village_points() -> dict[str, str]:
    """Township key → division code of its first village 代办点 (where its named agent works)."""
    from govhall.demo.villages import village_rows

    first: dict[str, str] = {}
    for row in village_rows():
        first.setdefault(row["streetCode"], row["code"])
    return {t.key: first[t.division_code] for t in TOWNSHIPS}


@cache
def staff_specs() -> tuple[StaffSpec, ...]:
    windows = {w.number: w for w in COUNTY_WINDOWS}
    county_departments = [d.key for d in DEPARTMENTS]
    specs = [
        StaffSpec("admin", roles.SYSADMIN, "系统管理员（超级用户）", "spj", "county", superuser=True),
        StaffSpec("sysadmin01", roles.SYSADMIN, "信息化运维工程师", "spj", "county"),
        StaffSpec("centreadmin", roles.CENTRE_ADMIN, "政务服务中心主任", "spj", "county"),
    ]
    specs += [StaffSpec(f"centreadmin_{t.key}", roles.CENTRE_ADMIN, "便民服务中心主任", t.key, t.key) for t in TOWNSHIPS]
    specs += [
        StaffSpec("supervisor01", roles.SUPERVISOR, "旗纪委监委派驻纪检监察组组长", "", "county"),
        StaffSpec("supervisor02", roles.SUPERVISOR, "政务服务监督考核股股长", "spj", "county"),
        StaffSpec("auditor01", roles.AUDITOR, "审计人员", "", "county"),
    ]
    for n, number in enumerate(CLERK_WINDOWS, start=1):
        window = windows[number]
        department = window.departments[0] if len(window.departments) == 1 else ""
        specs.append(StaffSpec(f"clerk{n:02d}", roles.CLERK, f"{window.name}工作人员", department, "county", number))
    specs += [StaffSpec(f"clerk_{t.key}", roles.CLERK, "综合受理窗口工作人员", t.key, t.key, "01") for t in TOWNSHIPS]
    villages = first_village_points()
    specs += [StaffSpec(f"agent_{t.key}", roles.CLERK, "嘎查村（社区）代办员", t.key, villages[t.key], "01") for t in TOWNSHIPS]
    for key in county_departments + [t.key for t in TOWNSHIPS]:
        specs.append(StaffSpec(f"approver_{key}", roles.APPROVER, "审批人员", key))
        if key in SECOND_APPROVER_DEPARTMENTS:
            specs.append(StaffSpec(f"approver_{key}2", roles.APPROVER, "审批人员", key))
    specs += [StaffSpec(f"section_{key}", roles.SECTION_HEAD, "审批股股长", key) for key in SECTION_HEAD_DEPARTMENTS]
    specs += [StaffSpec(f"deptadmin_{key}", roles.DEPT_ADMIN, "事项管理员", key) for key in county_departments + [t.key for t in TOWNSHIPS]]
    specs += [
        StaffSpec(f"section_{key}", roles.SECTION_HEAD, "审批股股长", key)
        for key in county_departments
        if key not in SECTION_HEAD_DEPARTMENTS
    ]
    specs += [StaffSpec(f"section_{t.key}", roles.SECTION_HEAD, _township_head_title(t.town), t.key) for t in TOWNSHIPS]
    return tuple(specs)


def _township_head_title(town: str) -> str:
    return TOWNSHIP_HEAD_TITLES["苏木" if town.endswith("苏木") else "镇"]


@cache
def staff_names() -> dict[str, str]:
    names = _names()
    return {spec.username: next(names) for spec in staff_specs()}


# --- applicants ----------------------------------------------------------------------------------

APPLICANT_ACCOUNTS = 30  # residents with an online account (一网通办 / 蒙速办 app)
WINDOW_RESIDENTS = 40  # residents without one, registered by a clerk when they first come in
# The 公民身份号码 keeps the division code of the first registration: 新巴尔虎右旗 was 152129
# until 2001 (GB/T 2260), so people born before then carry it; 150727 is for those born since.
FORMER_COUNTY_CODE = "152129"
CODE_CHANGE_YEAR = 2001
MOBILE_PREFIXES = ("130", "131", "133", "135", "136", "138", "139", "147", "151", "152", "153", "155", "158", "177", "180", "186", "187", "189")  # fmt: skip
SEAT_STREETS = ("巴尔虎大街", "呼伦路", "贝尔路", "达赉大街", "克鲁伦街", "宝格德路", "新宁街")
TOWN_STREETS = ("团结路", "幸福街", "建设路", "草原路")
# Where the residents live: the county seat (阿拉坦额莫勒镇) has about half the people.
TOWN_WEIGHTS = {"alt": 9, "arhst": 2, "hl": 2, "be": 2, "kel": 2, "dl": 2, "bgd": 1}


@dataclass(frozen=True)
class PersonSpec:
    username: str  # "" for a resident without an account
    name: str
    id_number: str
    phone: str
    village: str  # division code of the 嘎查 or 社区 they live in
    address: str


@dataclass(frozen=True)
class EnterpriseSpec:
    name: str
    registration: str  # the USCC's first two characters: 91 企业, 92 个体工商户, 93 农民专业合作社
    organisation_body: str
    representative: str  # username of the legal representative's applicant account
    address: str
    phone: str
    # Words in the names of the items it applies for (its line of business).
    business: tuple[str, ...]

    @property
    def uscc(self) -> str:
        return make_uscc(self.registration, COUNTY_CODE, self.organisation_body)


# Every enterprise also files the generic 企业 matters (变更登记, 发票, 参保 …), see cases.py.
ENTERPRISES: tuple[EnterpriseSpec, ...] = (
    EnterpriseSpec("新巴尔虎右旗草原明珠餐饮有限公司", "91", "MA0N3C2K", "applicant22", "新巴尔虎右旗阿拉坦额莫勒镇巴尔虎大街28号", "0470-6415618",
                   ("食品经营", "仅销售预包装食品", "营业执照")),
    EnterpriseSpec("新巴尔虎右旗呼伦湖宾馆有限公司", "91", "MA0N4D7R", "applicant25", "新巴尔虎右旗阿拉坦额莫勒镇呼伦路35号", "0470-6418866",
                   ("旅馆业", "公共场所卫生", "公众聚集场所", "食品经营")),
    EnterpriseSpec("新巴尔虎右旗星空网络科技有限公司", "91", "MA0N5E1T", "applicant16", "新巴尔虎右旗阿拉坦额莫勒镇贝尔路12号", "0470-6413390",
                   ("互联网上网服务", "公众聚集场所")),
    EnterpriseSpec("新巴尔虎右旗金色草原歌舞娱乐有限公司", "91", "MA0N6F8U", "applicant28", "新巴尔虎右旗阿拉坦额莫勒镇达赉大街40号", "0470-6416688",
                   ("娱乐场所", "营业性演出", "公众聚集场所")),
    EnterpriseSpec("新巴尔虎右旗宝格德房地产开发有限公司", "91", "MA0N7G3W", "applicant03", "新巴尔虎右旗阿拉坦额莫勒镇宝格德路18号", "0470-6412288",
                   ("建设项目用地预审", "建设用地规划", "建设工程规划", "施工许可", "消防设计", "消防验收", "环境影响", "水土保持",
                    "雷电防护", "商品房预售", "企业投资项目", "节能审查", "竣工验收", "质量监督", "城市道路", "建筑垃圾", "排水管网")),
    EnterpriseSpec("新巴尔虎右旗克鲁伦河旅游开发有限公司", "91", "MA0N8H5X", "applicant18", "新巴尔虎右旗克尔伦苏木克尔伦嘎查", "0470-6455315",
                   ("经营性旅游", "旅行社", "高危险性体育", "临时占用草原")),
    EnterpriseSpec("新巴尔虎右旗宝格德乌拉牧业有限公司", "91", "MA0N9J2Y", "applicant10", "新巴尔虎右旗宝格德乌拉苏木宝格德乌拉嘎查", "0470-6457329",
                   ("动物防疫条件", "种畜禽", "动物检疫", "病死畜禽", "使用草原", "兽药")),
    EnterpriseSpec("新巴尔虎右旗达赉湖渔业专业合作社", "93", "MA0NA1K4", "applicant24", "新巴尔虎右旗达赉苏木达赉嘎查", "0470-6456322",
                   ("捕捞", "养殖证", "农民专业合作社")),
    EnterpriseSpec("新巴尔虎右旗阿拉坦大药房有限公司", "91", "MA0NB2L6", "applicant09", "新巴尔虎右旗阿拉坦额莫勒镇新宁街9号", "0470-6419120",
                   ("药品经营", "零售药店医疗保障定点")),
    EnterpriseSpec("新巴尔虎右旗额尔敦运输有限公司", "91", "MA0NC3M8", "applicant26", "新巴尔虎右旗阿拉坦额莫勒镇达赉大街66号", "0470-6417726",
                   ("道路货物运输", "道路运输车辆", "超限运输", "道路运输从业人员")),
    EnterpriseSpec("新巴尔虎右旗宏达燃气有限公司", "91", "MA0ND4N1", "applicant30", "新巴尔虎右旗阿拉坦额莫勒镇宝格德路52号", "0470-6414119",
                   ("燃气", "危险化学品经营", "安全设施设计", "应急预案备案")),
    EnterpriseSpec("新巴尔虎右旗巴尔虎乳业有限公司", "91", "MA0NE5P3", "applicant08", "新巴尔虎右旗阿日哈沙特镇工业园区2号", "0470-6452314",
                   ("食品生产", "排污", "技术改造", "取水许可", "特种设备", "计量", "稳岗")),
)  # fmt: skip


def _applicant_names() -> Iterator[str]:
    """Residents' names: mostly Mongolian given names without a surname, as the herders use them,
    and Han names; never a staff member's name, never twice."""
    taken = set(staff_names().values())
    rng = random.Random(f"{COUNTY_CODE}-names")
    mongolian = list(RESIDENT_MONGOLIAN_GIVEN)
    rng.shuffle(mongolian)
    i = 0
    while True:
        if i % 3 == 0:
            name = rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN + RESIDENT_HAN_GIVEN)
        elif mongolian:
            name = mongolian.pop()
        else:
            name = rng.choice(MONGOLIAN_SURNAMES[1:]) + rng.choice(MONGOLIAN_GIVEN + RESIDENT_MONGOLIAN_GIVEN)
        i += 1
        if name not in taken:
            taken.add(name)
            yield name


def _id_number(rng: random.Random, born: dt.date, female: bool, taken: set[str]) -> str:
    region = COUNTY_CODE if born.year >= CODE_CHANGE_YEAR else FORMER_COUNTY_CODE
    while True:
        # 顺序码: the 派出所's two digits, then odd for a man, even for a woman.
        sequence = rng.randrange(1, 60) * 10 + rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
        body = f"{region}{born:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def _address(rng: random.Random, village: str, village_name: str) -> str:
    if village[9:10] == "0":  # 社区 (001–099): a street address in the town
        streets = SEAT_STREETS if village.startswith(TOWNSHIPS[0].division_code) else TOWN_STREETS
        return f"新巴尔虎右旗{village_name}{rng.choice(streets)}{rng.randrange(1, 120)}号"
    return f"新巴尔虎右旗{village_name}第{rng.randrange(1, 9)}浩特"  # 嘎查: the herders' settlements


@cache
def person_specs() -> tuple[PersonSpec, ...]:
    """Applicant accounts first (`applicant01` …), then the residents who only come to a window."""
    from govhall.demo.villages import village_names, village_rows

    rng = random.Random(f"{COUNTY_CODE}-persons")
    names = _applicant_names()
    places = village_names()
    by_town: dict[str, list[str]] = {}
    for row in village_rows():
        town = next(t.key for t in TOWNSHIPS if t.division_code == row["streetCode"])
        by_town.setdefault(town, []).append(row["code"])
    towns = [key for key, weight in TOWN_WEIGHTS.items() for _n in range(weight)]
    taken: set[str] = set()
    specs = []
    for n in range(1, APPLICANT_ACCOUNTS + WINDOW_RESIDENTS + 1):
        name = next(names)
        female = any(name.endswith(given) for given in FEMALE_GIVEN)
        account = n <= APPLICANT_ACCOUNTS
        # Account holders are of working age, a third of them young (born after the 2001 code
        # change); the residents at the windows include the elderly.
        if account:
            age = rng.randint(20, 25) if rng.random() < 0.35 else rng.randint(26, 58)
        else:
            age = rng.randint(22, 90)
        # Ages as of 2026, so the same people (and 公民身份号码) whenever the demo is loaded.
        born = dt.date(2026 - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        village = rng.choice(by_town[rng.choice(towns)])
        specs.append(
            PersonSpec(
                username=f"applicant{n:02d}" if account else "",
                name=name,
                id_number=_id_number(rng, born, female, taken),
                phone=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                village=village,
                address=_address(rng, village, places[village]),
            )
        )
    return tuple(specs)


def applicant_specs() -> tuple[PersonSpec, ...]:
    return tuple(p for p in person_specs() if p.username)


def accounts_markdown() -> str:
    from govhall.demo.county import ALL_DEPARTMENTS, CENTRE_NAME
    from govhall.demo.villages import village_names

    towns = {t.key: t for t in TOWNSHIPS}
    villages = village_names()
    windows = {w.number: w for w in COUNTY_WINDOWS}
    names = staff_names()
    lines = [
        "# 演示账号（新巴尔虎右旗）",
        "",
        "由 `manage.py load_demo` 创建。所有账号的密码相同：环境变量 `GOVHALL_DEMO_PASSWORD` 的值，",
        "未设置时为 `govhall-demo-2026`。`admin` 是 Django 超级用户，可进入 `/admin/`。",
        "本文件由 `govhall.demo.people.accounts_markdown()` 生成，测试保证它与演示数据一致。",
        "",
        "| 用户名 | 姓名 | 角色 | 部门 | 工作地点 |",
        "|---|---|---|---|---|",
    ]
    for spec in staff_specs():
        department = ALL_DEPARTMENTS[spec.department].name if spec.department else ""
        if spec.centre == "county":
            place = CENTRE_NAME + (f" {spec.window} {windows[spec.window].name}" if spec.window else "")
        elif spec.centre in towns:
            place = towns[spec.centre].centre_name + (f" {spec.window} 综合受理窗口" if spec.window else "")
        elif spec.centre:
            place = f"{villages[spec.centre]}代办点"
        else:
            place = ""
        lines.append(
            f"| `{spec.username}` | {names[spec.username]} | {roles.ROLE_LABELS[spec.role]}（{spec.role}） | {department} | {place} |"
        )
    lines += _applicant_lines(villages)
    return "\n".join(lines) + "\n"


def _applicant_lines(villages: dict[str, str]) -> list[str]:
    people = {p.username: p for p in applicant_specs()}
    lines = [
        "",
        "## 申请人账号",
        "",
        "群众和企业在网上办、掌上办时登录的账号，密码与上面的工作人员账号相同。姓名、公民身份号码和手机号码都是虚构的，",
        f"号码可以通过校验；{CODE_CHANGE_YEAR}年以前出生的人身份证号以当时新巴尔虎右旗的区划代码 {FORMER_COUNTY_CODE} 开头，"
        f"之后出生的以 {COUNTY_CODE} 开头。另有 {WINDOW_RESIDENTS} 位没有网上账号的群众，由窗口人员在窗口或代办点为其办理。",
        "",
        "| 用户名 | 姓名 | 公民身份号码 | 手机号码 | 所在嘎查（社区） |",
        "|---|---|---|---|---|",
    ]
    for person in people.values():
        lines.append(f"| `{person.username}` | {person.name} | {person.id_number} | {person.phone} | {villages[person.village]} |")
    lines += [
        "",
        "### 企业（法定代表人用自己的申请人账号办理）",
        "",
        "| 企业名称 | 统一社会信用代码 | 法定代表人 | 登录账号 |",
        "|---|---|---|---|",
    ]
    for enterprise in ENTERPRISES:
        representative = people[enterprise.representative]
        lines.append(f"| {enterprise.name} | {enterprise.uscc} | {representative.name} | `{representative.username}` |")
    return lines
