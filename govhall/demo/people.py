"""The demo county's staff: every role, at the county hall, the departments, the 苏木镇 centres and
village 代办点. Usernames say role and place (`approver_scj`, `clerk_be`); names are generated
deterministically from common Han and Mongolian names (新巴尔虎右旗 is mostly Mongolian).
ACCOUNTS.md is generated from this list (`accounts_markdown`) and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from govhall.demo.county import COUNTY_WINDOWS, DEPARTMENTS, TOWNSHIPS
from govhall.org import roles

# Windows with a named clerk at the county hall: every 无差别 window and one per specialised area.
CLERK_WINDOWS = [f"A{n:02d}" for n in range(1, 17)] + [
    "B01", "B04", "C01", "C03", "D01", "D02", "D06", "E01", "E05", "F01", "F03", "F04",
    "G01", "H01", "H03", "H04", "H06", "H07", "J01", "J02", "K01", "K02", "L01", "L02",
]  # fmt: skip
SECTION_HEAD_DEPARTMENTS = ["spj", "scj", "gaj", "rsj", "mzj", "zrzyj", "zjj", "jtj", "nmj", "wjw", "bdc", "lcj", "sw", "ybj"]
SECOND_APPROVER_DEPARTMENTS = ["scj", "gaj", "rsj", "bdc"]

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
    return tuple(specs)


@cache
def staff_names() -> dict[str, str]:
    names = _names()
    return {spec.username: next(names) for spec in staff_specs()}


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
    return "\n".join(lines) + "\n"
