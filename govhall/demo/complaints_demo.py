"""The demo county's complaints, 12345 work orders, knowledge base and 办不成事 problems.

Quantities follow seeds/001: 12345 投诉工单 119 办结 and 知识库 460 entries. On top of the 119 closed
hotline orders there are ~15 open ones (a few overdue, one returned by the wrong department) and
~20 orders from the 投诉窗口 and the website; ten 办不成事 problems with their leaders and root causes.

The knowledge base is written from the demo catalog: for each of the most asked-about items
"办理X需要哪些材料？" (from its materials), "X多久能办好？" (promised limit), "X收费吗？" (fees),
"X可以网上办吗？" (online depth) and "X在哪里办？" (location, hours, phone), plus forty general
entries (预约, 取号, 好差评, 异地就医备案, 跨省通办, 帮办代办 …).

Rows are written with bulk_create at plausible past working times; due dates come from the working-
day calendar (one query for the whole range). Idempotent: nothing is written when any work order
or knowledge entry already exists.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from govhall.catalog.models import Fee, Item, Material
from govhall.complaints.models import CantDoEvent, CantDoProblem, Complaint, ComplaintEvent, KnowledgeEntry
from govhall.complaints.services.knowledge import search_fields
from govhall.core.models import CalendarDay
from govhall.demo.county import ALL_DEPARTMENTS, CENTRE_NAME
from govhall.org.models import Department, ServiceCentre, Window

SEED = "150727-complaints"
CLOSED_HOTLINE = 119
KNOWLEDGE_TOTAL = 460
DAYS_BACK = 180

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何林高罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = [
    "建国",
    "丽",
    "海燕",
    "志刚",
    "桂芳",
    "秀英",
    "玉兰",
    "文博",
    "红霞",
    "长林",
    "冬梅",
    "立新",
    "永红",
    "晓东",
    "春梅",
    "俊峰",
    "淑华",
    "国庆",
    "丽娟",
    "宏伟",
]
MONGOLIAN = [
    "巴特尔",
    "乌云",
    "其其格",
    "苏和",
    "额尔敦",
    "那顺",
    "图雅",
    "孟和",
    "斯琴",
    "阿拉坦",
    "朝鲁",
    "萨仁",
    "布和",
    "乌兰",
    "宝音",
    "达来",
    "吉日嘎拉",
    "敖登",
]


# (kind, area, department key, title, content, reply)
TOPICS: list[tuple[str, str, str, str, str, str]] = [
    (
        "complaint",
        "service",
        "spj",
        "大厅办事排队时间太长",
        "上午九点到政务服务中心取号，前面排了四十多个号，等了两个多小时才办上，窗口开得太少。",
        "经核实，当日为月初社保缴费高峰，综合窗口已临时增开2个，并推行网上预约错峰办理。已向来电人致歉并告知预约渠道。",
    ),
    (
        "complaint",
        "service",
        "spj",
        "材料反复要，一次性告知不到位",
        "办理营业执照变更跑了三趟，每次窗口都说缺一份材料，希望一次性说清楚。",
        "经查，窗口人员未按一次性告知制度出具告知书，已对当事人员批评教育，并将该事项材料清单在大厅公示。已联系来电人上门帮办。",
    ),
    (
        "complaint",
        "service",
        "spj",
        "窗口工作人员态度生硬",
        "在综合窗口咨询时，工作人员语气不耐烦，问两遍就不愿意回答。",
        "中心已调取窗口监控和好差评记录，约谈当事窗口人员，纳入月度考核，并安排服务礼仪培训。已向来电人当面致歉。",
    ),
    (
        "complaint",
        "realestate",
        "bdc",
        "不动产权证书迟迟不发",
        "二手房过户材料交齐一个多月，不动产证还没拿到，打电话问也说不清进度。",
        "经查，该件因原产权人共有人签字缺失暂停补正，未及时告知申请人。现已补正完毕，证书于次日制发，申请人已领取。",
    ),
    (
        "help",
        "realestate",
        "bdc",
        "牧区自建房无法办理不动产登记",
        "嘎查里的房子住了二十年，一直没有产权证，想办证不知道需要什么手续。",
        "已告知来电人历史遗留房屋登记办理流程，由嘎查委员会出具权属证明、自然资源局出具规划认定后即可申请首次登记。",
    ),
    (
        "consult",
        "social",
        "rsj",
        "养老保险关系跨省转移怎么办",
        "在河北交了十年养老保险，回新右旗工作，想把社保转过来，不知道去哪办。",
        "已告知来电人可通过国家社会保险公共服务平台或掌上12333在线申请转移，无需回原参保地，转入地审核后45个工作日内办结。",
    ),
    (
        "complaint",
        "social",
        "rsj",
        "社保转移申请一个多月没有结果",
        "网上申请了城镇职工养老保险关系转入，一个多月了状态一直是审核中。",
        "经核实，转出地已发出联系函，本局已于当日完成转入确认，基金到账后即可办结，已电话告知来电人。",
    ),
    (
        "complaint",
        "online",
        "spj",
        "网上办事大厅提交材料时页面卡顿",
        "在蒙速办上传材料时页面一直转圈，提交了三次都失败。",
        "经技术人员排查，系附件大小超过限制导致上传超时。已优化压缩提示，并指导来电人分批上传，现已提交成功。",
    ),
    (
        "consult",
        "social",
        "ybj",
        "异地就医备案怎么办理",
        "父亲要去北京看病，医保需要先备案吗？在哪里办？",
        "已告知来电人可通过国家医保服务平台APP或旗医保局窗口办理异地就医备案，备案后在定点医院可直接结算。",
    ),
    (
        "complaint",
        "social",
        "ybj",
        "医保报销慢",
        "住院费用手工报销材料交了两个月还没到账。",
        "经查，报销材料已审核完毕，因月底集中拨付延迟，已于本周完成拨付，来电人已确认到账。",
    ),
    (
        "complaint",
        "police",
        "gaj",
        "身份证补办等待时间长",
        "身份证丢了补办，说要等一个月，急着用怎么办。",
        "已告知来电人可申请办理临时居民身份证，当场制发；正式证件制作完成后短信通知领取。",
    ),
    (
        "consult",
        "police",
        "gaj",
        "孩子上户口需要什么材料",
        "孩子刚出生，想问一下落户需要带哪些材料。",
        "已告知来电人新生儿落户需携带出生医学证明、父母双方户口簿和身份证、结婚证，可在公安综合服务区户政窗口一次办结。",
    ),
    (
        "complaint",
        "market",
        "scj",
        "超市销售过期食品",
        "在镇上一家超市买到过期的牛奶，要求查处。",
        "市场监管局已于当日到现场检查，下架过期食品，对经营者立案调查，并督促其退赔。已将处理结果告知举报人。",
    ),
    (
        "report",
        "market",
        "scj",
        "举报无证经营的小餐馆",
        "小区门口新开的餐馆没有挂营业执照和食品经营许可证。",
        "经查，该餐馆食品经营许可证正在办理中，已责令其取得许可前停止经营，并指导其通过告知承诺加快办理。",
    ),
    (
        "consult",
        "market",
        "scj",
        "个体工商户注册需要多长时间",
        "想开个小卖部，办营业执照要多久？",
        "已告知来电人个体工商户登记可在蒙速办全程网办，材料齐全当场办结，也可到企业开办专区窗口办理。",
    ),
    (
        "complaint",
        "tax",
        "sw",
        "发票领用流程繁琐",
        "新开的公司第一次领发票，跑了两次还没领到。",
        "税务局已安排专人辅导，通过电子税务局完成票种核定，来电人已于次日领用电子发票。已在企业开办专区增设导办。",
    ),
    (
        "suggestion",
        "service",
        "spj",
        "建议延长中午办事时间",
        "上班族中午才有时间办事，建议中午安排窗口值班。",
        "中心已研究实行午间延时服务，综合窗口中午安排轮岗，自下月起执行，已在大厅和政务服务网公告。",
    ),
    (
        "suggestion",
        "service",
        "spj",
        "建议增加蒙汉双语服务",
        "牧民来办事很多人汉语不好，希望窗口有会蒙语的工作人员。",
        "中心已在综合窗口配备蒙汉双语工作人员，并在导服台提供双语导办，相关办事指南已译为蒙古文。",
    ),
    (
        "help",
        "social",
        "mzj",
        "高龄津贴没有按时发放",
        "老人八十岁了，高龄津贴申请了三个月还没有发。",
        "经核实，因老人银行账户信息有误导致发放失败，已协助更正账户，补发全部津贴。",
    ),
    (
        "complaint",
        "construction",
        "zjj",
        "施工许可审批超时",
        "公司的施工许可申请提交已经超过承诺时限，还在审批中。",
        "经查，该件因消防设计审查意见未反馈暂停，住建局已协调相关部门并联审查，已于次日办结。",
    ),
    (
        "consult",
        "construction",
        "zrzyj",
        "办理建设用地规划许可需要哪些材料",
        "企业要建厂房，办规划许可要准备什么？",
        "已告知来电人所需材料清单，并推荐到工程建设项目审批专区享受帮办代办服务。",
    ),
    (
        "help",
        "other",
        "nmj",
        "草原补奖资金未到账",
        "今年的草原生态保护补助奖励资金还没有到账。",
        "经核实，该户因承包合同信息变更未及时录入，已补录，资金于本月批次发放。",
    ),
    (
        "complaint",
        "other",
        "jtj",
        "道路运输证年审排队",
        "货车道路运输证年审要等好几天。",
        "交通运输局已推行年审网上办理和预约服务，并增加周末值班，已告知来电人线上办理方式。",
    ),
    (
        "consult",
        "other",
        "gjj",
        "公积金提取需要什么手续",
        "租房想提取住房公积金，需要什么手续？",
        "已告知来电人租房提取可通过手机公积金APP在线办理，提供身份证和租房合同，3个工作日内到账。",
    ),
    (
        "complaint",
        "service",
        "spj",
        "自助取号机故障",
        "大厅的自助取号机刷身份证没反应，只能排队找人工取号。",
        "中心已通知设备厂商更换读卡模块，当日恢复使用，并在取号机旁安排导服人员值守。",
    ),
    (
        "complaint",
        "service",
        "spj",
        "停车难",
        "政务服务中心门前停车位太少，来办事找不到地方停车。",
        "中心已协调相邻单位开放停车场，并设置引导标识，已在政务服务网公布停车信息。",
    ),
]


def _person(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.4:
        name = rng.choice(MONGOLIAN)
    else:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = rng.choice(["139", "138", "135", "150", "151", "152", "158", "187", "189", "133", "147"]) + f"{rng.randrange(10**8):08d}"
    return name, phone


class _Clock:
    """Past working days of the calendar (one query) to place each action at a plausible time."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        start, end = self.today - dt.timedelta(days=DAYS_BACK + 10), self.today + dt.timedelta(days=40)
        self.days = list(
            CalendarDay.objects.filter(date__gte=start, date__lte=end, is_workday=True).order_by("date").values_list("date", flat=True)
        )
        self.today_index = bisect.bisect_right(self.days, self.today) - 1

    def at(self, day: dt.date, rng: random.Random, earliest: int = 510, latest: int = 1020) -> dt.datetime:
        if day >= self.today:
            local_now = timezone.localtime(self.now)
            latest = min(latest, local_now.hour * 60 + local_now.minute - 10)
            earliest = max(min(earliest, latest - 30), 0)
        minute = rng.randrange(earliest, max(latest, earliest + 1))
        local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=timezone.get_current_timezone())
        return min(local, self.now - dt.timedelta(minutes=5))

    def day_back(self, working_days: int) -> dt.date:
        return self.days[max(self.today_index - working_days, 0)]

    def add(self, day: dt.date, working_days: int) -> dt.date | None:
        index = bisect.bisect_right(self.days, day) - 1 + working_days
        return self.days[index] if 0 <= index < len(self.days) else None


def load_complaints_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if Complaint.objects.exists() or KnowledgeEntry.objects.exists() or CantDoProblem.objects.exists():
        return
    centre = ServiceCentre.objects.filter(name=CENTRE_NAME).first()
    if centre is None:
        return
    users = {u.username: u for u in User.objects.filter(username__in=_usernames()).select_related("staff")}
    departments = {spec.key: Department.objects.get(name=spec.name) for spec in ALL_DEPARTMENTS.values() if spec.key in _dept_keys()}
    clock = _Clock(timezone.now())
    if not clock.days:
        log("  投诉工单：工作日历未载入，跳过")
        return
    windows = {w.kind: w for w in Window.objects.filter(centre=centre, kind__in=[Window.KIND_COMPLAINT, Window.KIND_CANT_DO])}
    report.created["complaints"] += _complaints(centre, users, departments, clock, windows)
    report.created["knowledge"] += _knowledge(users, clock)
    report.created["cant_do"] += _problems(centre, users, departments, clock)


def _dept_keys() -> set[str]:
    return {t[2] for t in TOPICS} | {"gaj", "rsj", "bdc", "scj", "zrzyj", "mzj", "wjw", "sw"}


def _usernames() -> list[str]:
    keys = _dept_keys()
    return ["centreadmin", "clerk39", "clerk40", "supervisor01"] + [f"deptadmin_{k}" for k in keys] + [f"section_{k}" for k in keys]


# --- work orders -----------------------------------------------------------------------------------


def _complaints(centre, users, departments, clock: _Clock, windows) -> int:
    rng = random.Random(SEED)
    desk = users.get("clerk39") or users["centreadmin"]
    admin = users["centreadmin"]
    plans: list[tuple[str, str]] = [("hotline", "closed")] * CLOSED_HOTLINE
    plans += [("hotline", s) for s in ["registered"] * 2 + ["dispatched"] * 5 + ["overdue"] * 4 + ["returned"] + ["replied"] * 3]
    plans += [("window", s) for s in ["closed"] * 8 + ["dispatched", "overdue", "replied", "registered"]]
    plans += [("web", s) for s in ["closed"] * 4 + ["dispatched", "replied", "registered", "reopened"]]
    complaints: list[Complaint] = []
    events: list[list[dict[str, Any]]] = []
    hotline_seq = 0
    applicants = list(User.objects.filter(person__isnull=False, staff__isnull=True).select_related("person").order_by("id")[:10]) or [desk]
    for index, (source, state) in enumerate(plans):
        filer = applicants[index % len(applicants)] if source == "web" else desk
        kind, area, dept_key, title, content, reply = TOPICS[index % len(TOPICS)]
        department = departments.get(dept_key) or departments["spj"]
        dept_admin = users.get(f"deptadmin_{dept_key}") or admin
        name, phone = _person(rng)
        if source == "web" and filer is not desk:
            name, phone = filer.person.name, filer.person.phone or phone
        anonymous = source != "web" and kind == "report" and rng.random() < 0.5
        urgent = rng.random() < 0.08
        # Closed orders spread over the past months; open ones are recent.
        if state == "closed":
            back = rng.randrange(12, min(DAYS_BACK * 5 // 7, len(clock.days) - 30))
        elif state == "overdue":
            back = rng.randrange(7, 12)
        elif state in ("replied", "reopened"):
            back = rng.randrange(3, 6)
        else:
            back = rng.randrange(0, 3)
        day = clock.day_back(back)
        registered_at = clock.at(day, rng, 510, 960)
        hotline_number = ""
        if source == "hotline":
            hotline_seq += 1
            hotline_number = f"HLBE{day:%Y%m%d}{hotline_seq:04d}"
        c = Complaint(
            number=f"demo-{index}",
            centre=centre,
            source=source,
            hotline_number=hotline_number,
            kind=kind,
            area=area,
            title=title,
            content=content,
            urgency=Complaint.URGENCY_URGENT if urgent else Complaint.URGENCY_NORMAL,
            anonymous=anonymous,
            complainant_name="" if anonymous else name,
            complainant_phone="" if anonymous else phone,
            related_department=department,
            related_window=windows.get(Window.KIND_COMPLAINT) if source == "window" else None,
            registered_by=filer,
            filed_by=filer if source == "web" and filer is not desk else None,
            registered_at=registered_at,
        )
        steps: list[dict[str, Any]] = [{"kind": "registered", "actor": filer, "at": registered_at, "data": {"source": source}}]
        if state == "registered":
            complaints.append(c)
            events.append(steps)
            continue
        limit = 1 if urgent else 5
        dispatched_at = registered_at + dt.timedelta(minutes=rng.randrange(20, 150))
        due = clock.add(timezone.localdate(dispatched_at), limit)
        c.status, c.department, c.dispatched_at = Complaint.STATUS_DISPATCHED, department, dispatched_at
        c.due_from, c.due_days, c.due_date, c.due_pending = timezone.localdate(dispatched_at), limit, due, due is None
        steps.append(
            {
                "kind": "dispatched",
                "actor": desk,
                "at": dispatched_at,
                "data": {"department": department.name, "due_date": str(due or ""), "due_days": limit},
            }
        )
        if state == "returned":
            wrong = departments["spj"] if dept_key != "spj" else departments["scj"]
            steps[-1]["data"]["department"] = wrong.name
            returned_at = dispatched_at + dt.timedelta(hours=2)
            c.status, c.department, c.due_date, c.due_from, c.due_days = Complaint.STATUS_RETURNED, None, None, None, None
            steps.append(
                {
                    "kind": "returned",
                    "actor": users.get(f"deptadmin_{'spj' if dept_key != 'spj' else 'scj'}") or admin,
                    "at": min(returned_at, clock.now),
                    "note": f"不属于本部门职责，建议分派至{department.name}。",
                    "data": {"department": wrong.name},
                }
            )
        if state in ("dispatched", "overdue", "returned"):
            complaints.append(c)
            events.append(steps)
            continue
        # replied: within the limit mostly, a few late
        reply_days = rng.choice([1, 2, 2, 3, 3, 4, 5] + ([6, 7] if state == "closed" else []))
        reply_day = (
            clock.add(timezone.localdate(dispatched_at), min(reply_days, back - 1) if state != "closed" else reply_days) or clock.today
        )
        replied_at = clock.at(reply_day, rng, 540, 1020)
        if replied_at <= dispatched_at:
            replied_at = dispatched_at + dt.timedelta(hours=3)
        replied_at = min(replied_at, clock.now - dt.timedelta(minutes=10))
        c.status, c.reply, c.replied_by, c.replied_at = Complaint.STATUS_REPLIED, reply, dept_admin, replied_at
        c.replied_late = bool(due and timezone.localdate(replied_at) > due)
        steps.append({"kind": "replied", "actor": dept_admin, "at": replied_at, "note": reply, "data": {"late": c.replied_late}})
        if state == "replied":
            complaints.append(c)
            events.append(steps)
            continue
        callback_at = clock.at(clock.add(timezone.localdate(replied_at), rng.choice([1, 1, 2])) or clock.today, rng)
        callback_at = max(callback_at, replied_at + dt.timedelta(minutes=30))
        # Online complainants rate the reply themselves; the others are called back by the centre.
        caller = users["centreadmin"] if source != "web" else filer
        if state == "reopened" or (state == "closed" and rng.random() < 0.06):
            steps.append(
                {
                    "kind": "called_back",
                    "actor": caller or admin,
                    "at": callback_at,
                    "note": "诉求人表示问题仍未解决",
                    "data": {"satisfaction": Complaint.UNSATISFIED},
                }
            )
            c.reopen_count = 1
            again = clock.add(timezone.localdate(callback_at), limit)
            steps.append(
                {
                    "kind": "reopened",
                    "actor": caller or admin,
                    "at": callback_at,
                    "data": {"department": department.name, "due_date": str(again or ""), "reopen_count": 1},
                }
            )
            if state == "reopened":
                c.status, c.dispatched_at, c.reply, c.satisfaction = Complaint.STATUS_DISPATCHED, callback_at, "", Complaint.UNSATISFIED
                c.due_from, c.due_date, c.due_pending = timezone.localdate(callback_at), again, again is None
                c.callback_note, c.called_back_at = "诉求人表示问题仍未解决", callback_at
                complaints.append(c)
                events.append(steps)
                continue
            second = clock.at(clock.add(timezone.localdate(callback_at), 2) or clock.today, rng)
            steps.append(
                {"kind": "replied", "actor": dept_admin, "at": second, "note": reply + "已再次上门核实处理。", "data": {"late": False}}
            )
            c.reply, c.replied_at = reply + "已再次上门核实处理。", second
            callback_at = clock.at(clock.add(timezone.localdate(second), 1) or clock.today, rng)
        satisfaction = rng.choices([Complaint.SATISFIED, Complaint.BASICALLY], weights=[82, 18])[0]
        c.satisfaction, c.called_back_at = satisfaction, callback_at
        c.callback_note = "电话回访，诉求人对办理结果表示认可" if source != "web" else "诉求人网上评价"
        steps.append(
            {
                "kind": "called_back",
                "actor": caller or admin,
                "at": callback_at,
                "note": c.callback_note,
                "data": {"satisfaction": satisfaction},
            }
        )
        closed_at = min(callback_at + dt.timedelta(minutes=rng.randrange(10, 120)), clock.now - dt.timedelta(minutes=2))
        c.status, c.closed_at = Complaint.STATUS_CLOSED, closed_at
        steps.append({"kind": "closed", "actor": admin, "at": closed_at, "data": {}})
        complaints.append(c)
        events.append(steps)
    Complaint.objects.bulk_create(complaints)
    saved = list(Complaint.objects.filter(number__startswith="demo-").order_by("id"))
    for c in saved:
        c.number = f"TS{timezone.localdate(c.registered_at):%Y%m%d}{c.pk:05d}"
    Complaint.objects.bulk_update(saved, ["number"])
    by_index = dict(enumerate(saved))
    rows = [
        ComplaintEvent(complaint=by_index[i], kind=s["kind"], actor=s["actor"], at=s["at"], note=s.get("note", ""), data=s.get("data", {}))
        for i, steps in enumerate(events)
        for s in steps
    ]
    ComplaintEvent.objects.bulk_create(rows)
    return len(saved)


# --- knowledge -----------------------------------------------------------------------------------

GENERAL: list[tuple[str, str, str, str]] = [
    (
        "怎样网上预约到政务服务中心办事？",
        "登录旗政务服务网或蒙速办APP，进入“网上预约”，选择业务类型和时段即可。预约成功后按时到大厅自助机或导服台签到取号，预约号优先叫号。",
        "大厅服务",
        "预约 网上预约",
    ),
    (
        "预约了不能按时去怎么办？",
        "请在预约时段开始前在“我的预约”中取消。连续爽约3次的，30天内不能再网上预约。",
        "大厅服务",
        "预约 取消 爽约",
    ),
    (
        "到大厅怎样取号？",
        "在一楼自助取号机选择业务类型，刷身份证或扫码取号；老年人可到导服台由工作人员帮助取号。取号后留意叫号屏和语音提示。",
        "大厅服务",
        "取号 排队 叫号",
    ),
    ("过号了怎么办？", "过号后请到导服台说明情况，工作人员可为您重新排入队列；已预约的群众凭预约记录优先办理。", "大厅服务", "过号 叫号"),
    (
        "政务服务中心几点上班？",
        "工作日夏季（5月至9月）8:30-12:00，14:30-17:30；冬季（10月至次年4月）8:30-12:00，14:00-17:00。法定节假日除外，部分窗口提供延时和预约服务。",
        "大厅服务",
        "上班时间 办公时间",
    ),
    (
        "政务服务中心在哪里？怎么停车？",
        "新巴尔虎右旗阿拉坦额莫勒镇巴尔虎大街16号。中心东侧和相邻单位停车场对办事群众开放。",
        "大厅服务",
        "地址 停车",
    ),
    (
        "什么是“好差评”？怎么评价？",
        "每次在窗口办完事，可在窗口评价器、扫描窗口二维码或在政务服务网对服务打分（非常满意到非常不满意）。差评会在规定时限内核实、整改并回访。",
        "好差评",
        "评价 差评 满意度",
    ),
    (
        "给了差评会有人处理吗？",
        "会。每一条差评都由中心核实，属实的督促整改，并在15个工作日内回访评价人，实名差评100%回访。",
        "好差评",
        "差评 回访 整改",
    ),
    (
        "异地就医备案怎么办理？",
        "可通过国家医保服务平台APP、内蒙古医保APP或旗医保局窗口办理。备案后在就医地定点医疗机构可直接结算。临时外出就医可先备案后就医。",
        "医疗保障",
        "异地就医 备案 医保",
    ),
    (
        "哪些事项可以跨省通办？",
        "户口迁移、社保关系转移、异地就医备案、婚姻登记等高频事项可跨省通办。可在K02跨省通办窗口或全国一体化政务服务平台办理。",
        "跨省通办",
        "跨省通办 异地办理",
    ),
    (
        "在外地的事项可以在新右旗办吗？",
        "跨省通办事项可在中心K02窗口代收代办，材料由窗口寄递至办理地，结果可邮寄到家。",
        "跨省通办",
        "代收代办 异地",
    ),
    (
        "什么是帮办代办？怎么申请？",
        "中心J01帮办代办窗口为老年人、残疾人、企业项目等提供免费帮办代办服务。到窗口或拨打中心电话0470-6402345申请。",
        "帮办代办",
        "帮办 代办 免费",
    ),
    (
        "嘎查村的代办点可以办哪些事？",
        "嘎查村（社区）代办点可免费代办高龄津贴、低保、新农合缴费、户籍证明等高频民生事项，材料由代办员送到便民服务中心。",
        "帮办代办",
        "代办点 嘎查 村",
    ),
    (
        "老年人不会用手机办事怎么办？",
        "大厅设有适老化服务专区和“绿色通道”，导服人员全程陪同办理；也可委托家属或代办员代办。",
        "帮办代办",
        "老年人 适老化 绿色通道",
    ),
    (
        "办事遇到“办不成”怎么办？",
        "可到L02“办不成事”反映窗口反映，工作人员登记后报送包案领导协调，一般5个工作日内给予答复。",
        "办不成事",
        "办不成事 反映",
    ),
    (
        "对办事过程不满意，可以到哪里投诉？",
        "可到L01投诉窗口、拨打12345热线或在政务服务网“在线投诉”提交。一般诉求5个工作日内答复，答复后会回访您是否满意。",
        "投诉建议",
        "投诉 12345",
    ),
    (
        "12345热线能办什么？",
        "12345政务服务便民热线受理咨询、求助、投诉、举报和建议，7×24小时人工服务，诉求转交相关部门办理并回访。",
        "投诉建议",
        "12345 热线",
    ),
    (
        "投诉后多久能得到答复？",
        "一般诉求5个工作日内答复，紧急诉求1个工作日内答复。对答复不满意的，工单退回承办部门重新办理。",
        "投诉建议",
        "投诉 答复 时限",
    ),
    (
        "什么是“一次性告知”？",
        "办事材料不齐全时，窗口应一次性书面告知需要补正的全部材料，不得让群众反复跑。没有做到的可以投诉。",
        "投诉建议",
        "一次性告知 补正",
    ),
    (
        "什么是“容缺受理”？",
        "基本材料齐全、次要材料有欠缺的，可先受理并签署承诺书，在承诺期限内补齐材料。适用容缺受理的事项在办事指南中标明。",
        "办事须知",
        "容缺受理 承诺",
    ),
    (
        "什么是告知承诺制？",
        "对实行告知承诺制的事项，申请人书面承诺符合条件的，可不再提交部分证明材料，当场或限时办结，事后核查。",
        "办事须知",
        "告知承诺",
    ),
    (
        "电子证照可以代替纸质材料吗？",
        "可以。营业执照、身份证、户口簿等已归集的电子证照，窗口可直接调用，无需再交复印件。",
        "办事须知",
        "电子证照 免提交",
    ),
    ("办事结果可以邮寄吗？", "大部分证照可选择免费邮寄送达，申请时选择“邮寄”并填写地址即可。", "办事须知", "邮寄 送达 免费"),
    (
        "怎样查询办件进度？",
        "在政务服务网“办件查询”输入办件编号和查询码即可查看进度，也可在“我的办件”中查看。",
        "办事须知",
        "进度 查询 办件编号",
    ),
    (
        "忘记办件查询码怎么办？",
        "查询码在受理通知书上；遗失的可凭身份证到窗口查询，或登录政务服务网在“我的办件”中查看。",
        "办事须知",
        "查询码",
    ),
    ("可以委托别人代办吗？", "可以。除需本人到场的事项外，代办人携带委托书、双方身份证即可办理。", "办事须知", "委托 代办"),
    (
        "企业开办最快多久？",
        "企业开办（营业执照、印章、发票、社保登记）在企业开办专区一窗办理，材料齐全1个工作日内办结，全程免费。",
        "企业开办",
        "企业开办 营业执照 一日办",
    ),
    ("新办企业可以免费刻章吗？", "可以。新开办企业首套印章由政府买单免费刻制，在企业开办专区一并领取。", "企业开办", "刻章 免费"),
    (
        "个体工商户可以网上注册吗？",
        "可以。登录蒙速办或内蒙古政务服务网，选择个体工商户设立登记，全程网办，电子营业执照即时发放。",
        "企业开办",
        "个体工商户 网上注册",
    ),
    ("社保卡丢了怎么补办？", "可在E区社保窗口或通过掌上12333挂失补办，补办期间可使用电子社保卡。", "社会保障", "社保卡 补办 挂失"),
    (
        "灵活就业人员怎么缴纳养老保险？",
        "可通过税务APP、银行或E区窗口办理灵活就业人员参保登记和缴费，按年或按月缴纳。",
        "社会保障",
        "灵活就业 养老保险 缴费",
    ),
    ("身份证快到期了怎么换？", "有效期满前3个月可到F区户政窗口换领，也可在全区范围内异地换领。", "户籍办理", "身份证 换领 到期"),
    ("办理户口迁移要跑几次？", "区内户口迁移实行“一站式”办理，迁入地一次办结；跨省迁移可申请“跨省通办”。", "户籍办理", "户口迁移"),
    ("婚姻登记可以预约吗？", "可以在政务服务网预约婚姻登记，按预约时段到H04婚姻登记窗口办理。", "婚姻登记", "结婚 离婚 预约"),
    ("不动产登记需要多长时间？", "一般登记5个工作日内办结，抵押登记3个工作日，查询当场办结。", "不动产登记", "不动产 时限"),
    ("二手房过户在哪里办？", "在D区不动产登记专区一窗办理，税务、登记一次受理，“交房即交证”。", "不动产登记", "过户 二手房"),
    (
        "公积金贷款需要什么条件？",
        "连续足额缴存公积金6个月以上，本人及配偶无未还清的公积金贷款，可到H区公积金窗口咨询。",
        "公积金",
        "公积金 贷款",
    ),
    ("牧民草原补奖怎么查询？", "可通过内蒙古一卡通查询系统或嘎查村委会公示栏查询，有疑问到H07农牧窗口咨询。", "农牧业", "草原补奖 查询"),
    ("大厅有哪些便民服务？", "大厅提供免费复印、免费Wi-Fi、饮水、老花镜、轮椅、母婴室、邮寄等便民服务。", "大厅服务", "便民 复印 免费"),
    (
        "政务服务网忘记密码怎么办？",
        "在登录页点击“忘记密码”，通过手机验证码重置；手机号已更换的到大厅导服台核验身份后重置。",
        "网上办事",
        "密码 登录",
    ),
]

QUESTION_TEMPLATES = ["materials", "time", "fee", "online", "where"]

# What people call a topic when they ask (社保 for 社会保障): added to the entries' keywords, so a
# search for "shebao" or "sb" finds them.
TOPIC_WORDS = {
    "社会保障": "社保 养老",
    "医疗保障": "医保",
    "不动产登记": "不动产 房产证",
    "户籍办理": "户口",
    "企业开办": "营业执照 开公司",
    "公积金": "住房公积金",
    "税费缴纳": "纳税 报税",
    "婚姻登记": "结婚证",
    "出入境": "护照 港澳通行证",
    "就业创业": "就业 失业",
    "住房": "房子",
}


def _knowledge(users, clock: _Clock) -> int:
    rng = random.Random(SEED + "-kb")
    admin = users["centreadmin"]
    generated_wanted = KNOWLEDGE_TOTAL - len(GENERAL)
    per_item = len(QUESTION_TEMPLATES)
    items = list(
        Item.objects.filter(status=Item.STATUS_ACTIVE, current_version__location__startswith=CENTRE_NAME)
        .exclude(current_version__item_type__in=["02", "03", "04", "05", "06"])
        .select_related("department", "current_version")
        .prefetch_related(
            Prefetch("current_version__materials", queryset=Material.objects.order_by("seq")),
            Prefetch("current_version__fees", queryset=Fee.objects.order_by("seq")),
            "current_version__topics",
        )
        .order_by("code")
    )
    rng.shuffle(items)
    items = items[: -(-generated_wanted // per_item)]
    entries: list[KnowledgeEntry] = []
    links: list[tuple[int, Item]] = []
    for item in items:
        version = item.current_version
        assert version is not None
        topics = list(version.topics.all())
        topic = topics[0].name if topics else ""
        for template in QUESTION_TEMPLATES:
            if len(entries) >= generated_wanted:
                break
            question, answer, keywords = _item_qa(item, version, template)
            entries.append(_entry(question, answer, topic, keywords, item.department, admin, clock, rng))
            links.append((len(entries) - 1, item))
    for question, answer, topic, keywords in GENERAL:
        entries.append(_entry(question, answer, topic, keywords, None, admin, clock, rng))
    # A couple of drafts being written.
    for entry in entries[-3:]:
        entry.status = KnowledgeEntry.STATUS_DRAFT
    KnowledgeEntry.objects.bulk_create(entries)
    saved = list(KnowledgeEntry.objects.order_by("id"))
    through = KnowledgeEntry.items.through
    through.objects.bulk_create([through(knowledgeentry_id=saved[i].pk, item_id=item.pk) for i, item in links])
    return len(saved)


def _entry(question, answer, topic, keywords, department, admin, clock: _Clock, rng: random.Random) -> KnowledgeEntry:
    keywords = " ".join(filter(None, [keywords, TOPIC_WORDS.get(topic, "")]))
    question_search, search_text = search_fields(question=question, answer=answer, topic=topic, keywords=keywords)
    updated = clock.at(clock.day_back(rng.randrange(1, 100)), rng)
    return KnowledgeEntry(
        question=question,
        answer=answer,
        topic=topic,
        keywords=keywords,
        department=department,
        status=KnowledgeEntry.STATUS_PUBLISHED,
        question_search=question_search,
        search_text=search_text,
        view_count=min(int(rng.paretovariate(1.3) * 8), 900),
        updated_by=admin,
        updated_at=updated,
    )


ONLINE_ANSWERS = {
    "full_online": "可以全程网办：登录内蒙古政务服务网或蒙速办APP在线申请，材料上传、审批和结果送达都在网上完成，不用到现场。",
    "online_submit": "可以网上申报：在内蒙古政务服务网或蒙速办在线提交材料，审核通过后到窗口核验原件、领取结果，只需跑一次。",
    "online_consult": "目前可以网上咨询和预约，材料需要到窗口当面提交。建议先网上预约，到大厅优先办理。",
    "offline": "目前需要到窗口办理。可先在政务服务网查看办事指南、网上预约，避免多跑。",
}


def _item_qa(item: Item, version, template: str) -> tuple[str, str, str]:
    name = version.name
    if template == "materials":
        materials = [m.name for m in version.materials.all()]
        lines = "\n".join(f"{i}. {m}" for i, m in enumerate(materials[:10], 1))
        more = f"\n等共{len(materials)}项，" if len(materials) > 10 else "\n"
        return (
            f"办理{name}需要哪些材料？",
            f"办理{name}一般需要以下材料：\n{lines}{more}具体以办事指南和情形选择为准；已归集的电子证照无需再提交复印件。",
            "材料",
        )
    if template == "time":
        if version.handling_type == "instant":
            answer = f"{name}是即办件，材料齐全、符合条件的当场办结。"
        else:
            answer = (
                f"{name}法定办结时限为{version.legal_limit_days}个工作日，承诺办结时限为{version.promised_limit_days}个工作日"
                f"（自受理次日起计算，法定节假日不计）。需要补正、现场核查等特别程序的时间不计入。"
            )
        return f"{name}多久能办好？", answer, "时限 多久"
    if template == "fee":
        fees = list(version.fees.all())
        if not fees:
            answer = f"{name}不收费。"
        else:
            answer = f"{name}收费项目：" + "；".join(f"{f.name}，{f.standard}" for f in fees) + "。收费依据见办事指南。"
        return f"{name}收费吗？", answer, "收费 费用"
    if template == "online":
        return (
            f"{name}可以网上办吗？",
            f"{name}：{ONLINE_ANSWERS.get(version.online_depth, ONLINE_ANSWERS['offline'])}",
            "网上办 网办",
        )
    hours = version.office_hours or "工作日办公时间"
    phone = f"，咨询电话 {version.phone}" if version.phone else ""
    return (
        f"{name}在哪个窗口办？",
        f"办理地点：{version.location}。办理时间：{hours}{phone}。也可到一楼无差别综合受理窗口“一窗受理”。",
        "地点 窗口",
    )


# --- 办不成事 ----------------------------------------------------------------------------------------

PROBLEMS: list[tuple[str, str, str, str, list[str], str]] = [
    # (wanted, description, leader username, state, root causes, solution)
    (
        "牧区自建房办理不动产证",
        "房屋建在嘎查集体土地上二十多年，没有规划手续，窗口说办不了，也说不清该找哪个部门。",
        "deptadmin_bdc",
        "solved",
        ["catalog", "process"],
        "包案领导协调自然资源局出具历史遗留问题认定意见，不动产登记中心已受理首次登记。",
    ),
    (
        "异地养老保险转移后待遇核定",
        "转入后养老金待遇核定被系统拒绝，提示缴费年限不连续，窗口无法处理。",
        "deptadmin_rsj",
        "solved",
        ["system"],
        "人社局联系自治区社保系统运维修正转移数据，已重新核定待遇并补发。",
    ),
    (
        "为去世父亲办理存款继承",
        "银行要求出具亲属关系证明，派出所说不开此类证明，来回跑了四趟。",
        "centreadmin",
        "solved",
        ["policy", "process"],
        "中心协调公证处出具继承公证，并告知银行按照“证明事项清理”要求不再索要亲属关系证明。",
    ),
    (
        "企业变更经营范围后办理许可",
        "变更营业执照后，食品经营许可变更在系统里提示信息不一致，无法提交。",
        "deptadmin_scj",
        "solved",
        ["system", "catalog"],
        "市场监管局修正许可系统中的企业信息同步规则，指导企业当场完成变更。",
    ),
    (
        "残疾人证换领需本人到场",
        "老人卧床不起，窗口坚持要求本人到场拍照，家属无法代办。",
        "centreadmin",
        "solved",
        ["staff", "process"],
        "协调残联安排工作人员上门拍照评残，窗口人员已接受培训，今后对行动不便者提供上门服务。",
    ),
    ("外地户籍子女入学证明", "孩子户籍在外省，入学需要居住证明，社区和派出所互相推诿。", "deptadmin_gaj", "solving", ["process"], ""),
    (
        "个体户注销后社保无法停缴",
        "个体户已注销，但社保系统仍在扣费，窗口说要去税务，税务说要去社保。",
        "deptadmin_sw",
        "escalated",
        ["process"],
        "",
    ),
    ("农机购置补贴申请", "补贴申请系统中找不到新购农机型号，窗口无法录入。", "section_nmj", "escalated", [], ""),
    (
        "草原承包经营权证信息错误",
        "证上的面积与实际不符，需要更正，但原发证资料找不到了。",
        "deptadmin_zrzyj",
        "unsolvable",
        ["policy"],
        "原始档案缺失，需由苏木组织实地测绘并经嘎查民主议定后方可更正，已向群众说明程序并协助启动测绘。",
    ),
    ("出生医学证明遗失补发", "孩子出生在外省医院，补发要回出生医院，路途遥远。", "", "logged", [], ""),
]


def _problems(centre, users, departments, clock: _Clock) -> int:
    rng = random.Random(SEED + "-cant-do")
    desk = users.get("clerk40") or users["centreadmin"]
    problems: list[CantDoProblem] = []
    steps: list[list[tuple[str, Any, dt.datetime, str]]] = []
    for index, (wanted, description, leader_name, state, causes, solution) in enumerate(PROBLEMS):
        name, phone = _person(rng)
        back = {
            "solved": rng.randrange(15, 90),
            "unsolvable": rng.randrange(20, 60),
            "solving": 4,
            "escalated": rng.choice([2, 8]),
            "logged": 0,
        }[state]
        day = clock.day_back(back)
        received = clock.at(day, rng, 540, 900)
        leader = users.get(leader_name)
        p = CantDoProblem(
            number=f"BBC{day:%Y%m%d}{index + 1:04d}",
            centre=centre,
            reporter_name=name,
            reporter_phone=phone,
            wanted=wanted,
            description=description,
            received_by=desk,
            received_at=received,
        )
        events = [("logged", desk, received, description)]
        if leader is not None:
            escalated = received + dt.timedelta(minutes=rng.randrange(30, 180))
            due = clock.add(timezone.localdate(escalated), 5)
            p.leader, p.department, p.escalated_at, p.status = leader, leader.staff.department, escalated, CantDoProblem.STATUS_ESCALATED
            p.due_from, p.due_days, p.due_date, p.due_pending = timezone.localdate(escalated), 5, due, due is None
            events.append(("escalated", desk, escalated, f"报送 {leader.get_full_name()}。"))
            if state in ("solving", "solved", "unsolvable"):
                p.status = CantDoProblem.STATUS_SOLVING
                events.append(("solving", leader, escalated + dt.timedelta(hours=20), ""))
            if state in ("solved", "unsolvable"):
                finished = min(escalated + dt.timedelta(days=rng.randrange(2, 7)), clock.now - dt.timedelta(hours=1))
                p.status = CantDoProblem.STATUS_SOLVED if state == "solved" else CantDoProblem.STATUS_UNSOLVABLE
                p.solution, p.root_causes, p.finished_at = solution, causes, finished
                events.append((state, leader, finished, solution))
        problems.append(p)
        steps.append(events)
    CantDoProblem.objects.bulk_create(problems)
    saved = {p.number: p for p in CantDoProblem.objects.all()}
    CantDoEvent.objects.bulk_create(
        [
            CantDoEvent(problem=saved[p.number], kind=kind, actor=actor, at=at, note=note)
            for p, events in zip(problems, steps, strict=True)
            for kind, actor, at, note in events
        ]
    )
    return len(problems)
