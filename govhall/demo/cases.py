"""The demo county's case load (办件): some three hundred applications over the last two months.

Every case is made through the case services, one user action after another, as the people of the
county would have done it: a herder applies on the 蒙速办 app at night and the A01 clerk accepts it
next morning; a restaurant's owner brings her papers to the window; the 代办员 of a 嘎查 submits an
old man's 高龄津贴; the 市场监管局's approver reviews, its section head decides, the window hands
out the licence. Each action runs at a plausible working time of a working day (the clock is
patched), so the event chain, the documents and their numbers, the due dates, pauses, extensions,
overdue flags and reminders are exactly what the product would have recorded.

The cases follow scenarios (`SCENARIOS`) that leave them in every state a workbench shows today:
waiting for pre-review, 待补正, in progress with open tasks (some due within two working days, a
few overdue), suspended in 专家评审 or 公示, waiting for delivery, done (most), not accepted,
withdrawn, terminated, a 容缺 commitment overdue, a 告知承诺 verification due.

The actions of all cases run in time order: each case is a script (a generator that yields the
moment of its next action), and a heap interleaves the scripts with the daily clock sweep, so the
log reads as the calendar went. Everything is drawn from one seeded random generator per case and
the real date of the load: loading twice on one day gives the same cases, and a second load finds
them (their idempotency keys start with `KEY_PREFIX`) and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from unittest import mock

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.cases.models import Case
from govhall.cases.services import process_bind
from govhall.catalog.models import Item, Material, SituationOption
from govhall.demo import case_texts as texts
from govhall.demo.case_scripts import ONLINE_CHANNELS, CaseScripts, ItemInfo, Plan
from govhall.demo.case_time import WorkingTime
from govhall.demo.county import ALL_DEPARTMENTS, TOWNSHIPS
from govhall.demo.people import ENTERPRISES, person_specs
from govhall.org.models import Department, ServiceCentre, StaffProfile, Window

KEY_PREFIX = "demo-"
SEED = "150727-cases"
DAYS_BACK = 61  # the load covers the two months before today

# How many cases end in each state (see the scripts below). "done" is most of the load, as in a
# real hall; the others fill every queue a workbench shows.
SCENARIOS: dict[str, int] = {
    "done": 85,
    "done_instant": 20,
    "done_denied": 7,
    "done_paused": 8,
    "done_extended": 4,
    "done_returned": 5,
    "done_late": 5,
    "done_rongque": 8,
    "done_gaozhi": 4,
    "gaozhi_due": 4,
    "gaozhi_revoked": 1,
    "to_deliver": 12,
    "review_open": 14,
    "decide_open": 9,
    "certify_open": 3,
    "due_soon": 7,
    "overdue": 5,
    "extension_pending": 3,
    "suspended": 8,
    "rongque_open": 3,
    "rongque_overdue": 3,
    "queue": 16,
    "queue_resubmitted": 3,
    "supplement": 10,
    "not_accepted": 8,
    "withdrawn": 7,
    "terminated": 2,
}
# Work the 市场监管局's approver, its section head and the A01 clerk find in their queues whatever
# the draw: (scenario, department) slots taken before the random ones.
PINNED: list[tuple[str, str]] = [
    ("review_open", "scj"),
    ("review_open", "scj"),
    ("review_open", "scj"),
    ("decide_open", "scj"),
    ("decide_open", "scj"),
    ("decide_open", "scj"),
    ("due_soon", "scj"),
    ("extension_pending", "scj"),
    ("to_deliver", "scj"),
]
A01_WINDOW_QUEUE = 3  # walk-ins the A01 clerk has registered and not yet accepted

CHANNEL_WEIGHTS = {
    Case.CHANNEL_ONLINE: 60,
    Case.CHANNEL_WINDOW: 20,
    Case.CHANNEL_MOBILE: 10,
    Case.CHANNEL_AGENT_POINT: 6,
    Case.CHANNEL_KIOSK: 4,
}
APPLIED_TYPES = {"01", "05", "07", "10", "20"}  # 许可, 给付, 确认, 其他, 公共服务
# Items a county hall sees every day get more cases.
FREQUENT = (
    "个体工商户", "食品经营许可", "有限责任公司设立", "转移登记", "抵押权", "首次登记", "城乡居民基本养老保险", "社会保障卡",
    "失业保险金", "居住证", "户口迁移", "无犯罪记录", "零星报销", "门诊慢特病", "异地就医", "最低生活保障", "高龄津贴",
    "临时救助", "两项补贴", "机动车", "驾驶证", "公积金提取", "护士", "出生医学证明", "宅基地", "草原生态保护", "动物检疫",
)  # fmt: skip
# 企业 matters every enterprise files, whatever its business.
ENTERPRISE_GENERIC = ("企业变更登记", "发票", "一照一码", "职工参保登记", "单位参保登记", "住房公积金单位", "减免税备案")
# Who applies for what, by age: (words in the item's name, youngest, oldest). The 高龄津贴 is
# paid from 80 in 内蒙古; pensions from the retirement age; births and school places to parents.
AGE_LIMITS: tuple[tuple[tuple[str, ...], int, int], ...] = (
    (("高龄津贴",), 80, 120),
    (("养老保险待遇", "养老金", "退休"), 55, 120),
    (("出生", "生育", "预防接种", "学前教育", "入学", "转学", "助学"), 20, 50),
    (("教师资格", "护士", "医师", "乡村医生", "从业资格", "驾驶员证", "职业培训", "创业", "就业", "失业", "兵"), 18, 55),
)
# Departments whose person items a village 代办员 brings in (social security, aid, health, herding).
AGENT_DEPARTMENTS = {"rsj", "ybj", "mzj", "cl", "tyjr", "wjw", "nmj", "lcj"} | {t.key for t in TOWNSHIPS}


# 会商联审 (CASE-4): items that several departments review together in practice. (department of
# the item, item name, the 会商 departments, why.)
JOINT_REVIEWS: list[tuple[str, str, list[str], str]] = [
    ("spj", "公共场所卫生许可", ["wjw"], "划转后由旗卫生健康委员会（卫生监督所）参加现场卫生学审查，会商联审"),
    ("zrzyj", "建设工程规划许可证核发", ["zjj"], "工程建设项目审批制度改革：规划许可与施工图审查联合审查，自然资源局牵头、住建局会商"),
    ("spj", "娱乐场所从事娱乐场所经营活动审批", ["gaj", "xf"], "娱乐场所设立须经公安机关治安审查和消防救援机构消防安全检查，实行联合审批"),
    ("spj", "互联网上网服务营业场所经营单位设立审批", ["gaj", "xf"], "网吧设立涉及网络安全技术措施和消防安全，公安、消防联合审查"),
    ("gaj", "旅馆业特种行业许可证核发", ["xf"], "旅馆业开业前消防安全条件由消防救援大队同步审查，一次核查"),
    ("gaj", "大型群众性活动安全许可", ["xf", "yjj"], "大型活动安全许可由公安机关牵头，消防救援、应急管理部门联合审查安全工作方案"),
    ("zjj", "燃气经营许可证核发", ["yjj"], "燃气经营涉及危险化学品安全管理，应急管理局会商审查"),
    ("lcj", "在草原上开展经营性旅游活动审批", ["wltj"], "草原旅游项目由林业和草原局牵头，文化旅游体育局会商旅游经营条件"),
]


def bind_joint_reviews(*, actor: User, departments: dict[str, Department], at: dt.datetime) -> int:
    """Bind the 会商联审 process to the items above that have no process set yet; returns how many."""
    created = 0
    for dept, name, co, reason in JOINT_REVIEWS:
        item = Item.objects.filter(name=name, department=departments[dept], status=Item.STATUS_ACTIVE).first()
        if item is None or item.process_bindings.exists():
            continue
        with mock.patch("django.utils.timezone.now", return_value=at):
            process_bind(actor=actor, item=item, reason=reason, co_departments=[departments[k] for k in co])
        created += 1
    return created


def demo_cases_exist() -> bool:
    return Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists()


def load_cases(*, users: dict[str, User], log: Callable[[str], None] = lambda message: None) -> int:
    """Create the demo cases unless they exist; returns how many were created."""
    if demo_cases_exist():
        return 0
    time = WorkingTime(now=timezone.now(), days_back=DAYS_BACK)
    planner = CasePlanner(users=users, time=time)
    plans = planner.plan()
    log(f"  计划 {len(plans)} 件（{time.days[0]:%Y-%m-%d} 至 {time.today:%Y-%m-%d}，{len(time.days)} 个工作日）")
    if planner.skipped:
        log("  未能安排的情形：" + "，".join(f"{name} {n}" for name, n in planner.skipped.items()))
    CaseScripts(users=users, time=time, dept_keys=planner.dept_keys).run(plans)
    by_status = Counter(Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list("status", flat=True))
    labels = dict(Case.STATUS_CHOICES)
    log("  " + "，".join(f"{labels[status]} {n}" for status, n in by_status.most_common()))
    return sum(by_status.values())


class CasePlanner:
    """Draws the cases: for each scenario slot an item that fits it, a channel, an applicant, the
    clerk who accepts, and the working day of acceptance that leaves the case in its state today."""

    def __init__(self, *, users: dict[str, User], time: WorkingTime):
        self.users = users
        self.time = time
        self.dept_keys: dict[int, str] = {}
        self.skipped: Counter[str] = Counter()

    # --- the county -------------------------------------------------------------------------------

    def _catalog(self) -> list[ItemInfo]:
        keys = {spec.name: key for key, spec in ALL_DEPARTMENTS.items()}
        items = list(
            Item.objects.filter(status=Item.STATUS_ACTIVE, current_version__item_type__in=APPLIED_TYPES)
            .select_related("current_version", "department")
            .prefetch_related(
                Prefetch("current_version__materials", queryset=Material.objects.order_by("seq").prefetch_related("options__question"))
            )
            .order_by("code")
        )
        options = SituationOption.objects.filter(question__version__in=[i.current_version_id for i in items]).select_related("question")
        questions: dict[int, dict[str, list[str]]] = {}
        for option in options.order_by("question__seq", "seq"):
            questions.setdefault(option.question.version_id, {}).setdefault(option.question.key, []).append(
                f"{option.question.key}.{option.key}"
            )
        joint = set(Item.objects.filter(process_bindings__co_departments__isnull=False).values_list("id", flat=True))
        clerks = self._window_clerks()
        catalog = []
        for item in items:
            version = item.current
            if version.promised_limit_days > 20:  # 仲裁, 争议调处 and the like take longer than the load
                continue
            self.dept_keys[item.department_id] = keys[item.department.name]
            weight = 4.0 if any(word in item.name for word in FREQUENT) else 1.0
            if item.id in joint:
                weight = 3.0
            materials = [(m, {f"{o.question.key}.{o.key}" for o in m.options.all()}) for m in version.materials.all()]
            catalog.append(
                ItemInfo(
                    item=item,
                    dept=keys[item.department.name],
                    limit=version.promised_limit_days,
                    instant=version.handling_type == "instant",
                    questions=list(questions.get(version.id, {}).values()),
                    materials=materials,
                    weight=weight,
                    clerks=clerks.get(item.id, []),
                )
            )
        return catalog

    def _window_clerks(self) -> dict[int, list[User]]:
        """Item id → the clerks of the county hall's specialised windows that accept it."""
        by_window: dict[int, list[User]] = {}
        profiles = StaffProfile.objects.filter(
            window__kind=Window.KIND_SPECIALISED, window__centre__level=ServiceCentre.LEVEL_COUNTY
        ).values_list("window_id", "user__username")
        for window_id, username in profiles:
            if username in self.users:
                by_window.setdefault(window_id, []).append(self.users[username])
        result: dict[int, list[User]] = {}
        for window_id, item_id in Window.items.through.objects.filter(window_id__in=by_window).values_list("window_id", "item_id"):
            result.setdefault(item_id, []).extend(by_window[window_id])
        return result

    def _people(self) -> None:
        numbers = [spec.id_number for spec in person_specs()]
        self.persons = list(Person.objects.filter(id_number__in=numbers).select_related("user", "division").order_by("id"))
        self.accounts = [p for p in self.persons if p.user_id]
        self.town_of = {
            p.pk: next(t.key for t in TOWNSHIPS if p.division and p.division.code.startswith(t.division_code)) for p in self.persons
        }
        self.enterprises = list(
            Enterprise.objects.filter(uscc__in=[e.uscc for e in ENTERPRISES]).select_related("legal_representative__user")
        )
        business = {e.uscc: e.business for e in ENTERPRISES}
        self.business = {e.pk: business[e.uscc] for e in self.enterprises}

    # --- planning ---------------------------------------------------------------------------------

    def plan(self) -> list[Plan]:
        self._people()
        catalog = self._catalog()
        slots = [(scenario, "") for scenario, count in SCENARIOS.items() for _n in range(count)]
        for pinned in PINNED:
            slots.remove((pinned[0], ""))
        slots = PINNED + slots
        plans = []
        walk_ins = 0
        for n, (scenario, dept) in enumerate(slots, start=1):
            rng = random.Random(f"{SEED}-{self.time.today:%Y%m%d}-{n}")
            a01_walk_in = scenario == "queue" and walk_ins < A01_WINDOW_QUEUE
            walk_ins += a01_walk_in
            plan = self._draw(n, scenario, dept, catalog, rng, a01_walk_in=a01_walk_in)
            if plan is None:
                self.skipped[scenario] += 1
                continue
            plans.append(plan)
        return plans

    def _fits(self, scenario: str, info: ItemInfo) -> bool:
        version = info.version
        if scenario == "done_instant":
            return info.instant
        if scenario in ("queue", "queue_resubmitted", "supplement", "not_accepted", "withdrawn", "done"):
            return True
        if info.instant:
            return False
        if scenario in ("done_rongque", "rongque_open", "rongque_overdue"):
            return version.rongque and info.limit >= 3
        if scenario.startswith("gaozhi") or scenario == "done_gaozhi":
            return version.commitment_allowed
        if scenario == "certify_open":
            return version.result_type == "licence"
        if scenario == "suspended":  # waiting for the experts' opinion or the end of a 公示
            return info.limit >= 5 and texts.pause_kind(info.item.name) in ("expert", "publicity")
        if scenario in ("done_paused", "done_extended", "extension_pending"):
            return info.limit >= 5
        if scenario in ("review_open", "decide_open", "due_soon", "overdue"):
            return info.limit >= 3
        return True

    def _draw(self, n: int, scenario: str, dept: str, catalog: list[ItemInfo], rng: random.Random, *, a01_walk_in: bool) -> Plan | None:
        for _attempt in range(30):
            channel = Case.CHANNEL_WINDOW if a01_walk_in else rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
            candidates = [i for i in catalog if self._fits(scenario, i) and (not dept or i.dept == dept) and self._channel_fits(channel, i)]
            if a01_walk_in:
                candidates = [i for i in candidates if i.dept not in {t.key for t in TOWNSHIPS}]
            if not candidates:
                continue
            info = rng.choices(candidates, weights=[i.weight for i in candidates])[0]
            applicant = self._applicant(rng, info, channel)
            if applicant is None:
                continue
            person, enterprise = applicant
            holder = enterprise.legal_representative if enterprise is not None else person
            owner = self.users.get(holder.user.username) if holder is not None and holder.user is not None else None
            if channel in ONLINE_CHANNELS and owner is None:
                continue
            town = self.town_of[person.pk] if person is not None else ""
            clerk = self.users["clerk01"] if a01_walk_in else self._clerk(rng, info, channel, town)
            if channel in ONLINE_CHANNELS and owner is not None:
                submitter = owner
            elif channel == Case.CHANNEL_AGENT_POINT:
                submitter = self.users[f"agent_{town}"]
            else:
                submitter = clerk
            plan = Plan(
                n=n,
                scenario=scenario,
                info=info,
                channel=channel,
                person=person,
                enterprise=enterprise,
                owner=owner,
                submitter=submitter,
                clerk=clerk,
                accept_day=0,
                rng=rng,
                key=f"{KEY_PREFIX}{self.time.today:%Y%m%d}-{n:04d}",
                answers=[rng.choice(options) for options in info.questions],
            )
            plan.gaozhi = info.version.commitment_allowed and (
                scenario in ("done_gaozhi", "gaozhi_due", "gaozhi_revoked") or rng.random() < 0.2
            )
            if scenario in ("done_rongque", "rongque_open", "rongque_overdue") and not plan.rongque_materials():
                continue
            plan.accept_day = self._accept_day(plan)
            if plan.accept_day < 1:
                continue
            return plan
        return None

    def _channel_fits(self, channel: str, info: ItemInfo) -> bool:
        version = info.version
        if channel in ONLINE_CHANNELS and not info.online:
            return False
        if channel == Case.CHANNEL_KIOSK and not version.for_person:
            return False
        if channel == Case.CHANNEL_AGENT_POINT:
            return version.for_person and info.dept in AGENT_DEPARTMENTS
        return True

    def _applicant(self, rng: random.Random, info: ItemInfo, channel: str) -> tuple[Person | None, Enterprise | None] | None:
        version = info.version
        enterprises = [
            e
            for e in self.enterprises
            if any(word in info.item.name for word in self.business[e.pk])
            or (not version.for_person and any(word in info.item.name for word in ENTERPRISE_GENERIC))
        ]
        if version.for_enterprise and channel not in (Case.CHANNEL_KIOSK, Case.CHANNEL_AGENT_POINT) and enterprises:
            if not version.for_person or rng.random() < 0.7:
                return None, rng.choice(enterprises)
        if not version.for_person:
            return None
        pool = self.accounts if channel in ONLINE_CHANNELS else self.persons
        towns = {t.key for t in TOWNSHIPS}
        if info.dept in towns:
            pool = [p for p in pool if self.town_of[p.pk] == info.dept]
        for words, youngest, oldest in AGE_LIMITS:
            if any(word in info.item.name for word in words):
                pool = [p for p in pool if youngest <= self._age(p) <= oldest]
        return (rng.choice(pool), None) if pool else None

    def _age(self, person: Person) -> int:
        born = dt.date(int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14]))
        today = self.time.today
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def _clerk(self, rng: random.Random, info: ItemInfo, channel: str, town: str) -> User:
        towns = {t.key for t in TOWNSHIPS}
        if info.dept in towns:
            return self.users[f"clerk_{info.dept}"]
        if channel == Case.CHANNEL_AGENT_POINT or (channel == Case.CHANNEL_WINDOW and town and town != "alt" and rng.random() < 0.5):
            return self.users[f"clerk_{town}"]  # the 便民服务中心's 全科 window accepts county items too
        if info.clerks and rng.random() < (0.65 if channel == Case.CHANNEL_WINDOW else 0.5):
            return rng.choice(info.clerks)
        general = [f"clerk{n:02d}" for n in range(1, 17)]
        return self.users[rng.choices(general, weights=[6] + [1] * 15)[0]]

    def _accept_day(self, p: Plan) -> int:
        """The working day of acceptance, chosen so that the case is in its state today."""
        last, limit, rng, s = self.time.last, p.info.limit, p.rng, p.scenario
        if s in ("queue", "queue_resubmitted"):
            return last
        if s == "supplement":
            return last - rng.randint(1, 8)
        if s in ("review_open", "decide_open"):
            latest = last - (1 if s == "decide_open" else 0)
            return rng.randint(min(max(last - limit + 3, last - 6), latest), latest)
        if s == "certify_open":
            return last - rng.randint(1, 2)
        if s == "due_soon":
            return last + rng.randint(1, 2) - limit
        if s == "overdue":
            return last - limit - rng.randint(1, 3)
        if s == "extension_pending":
            return last - limit + rng.randint(1, 2)
        if s == "suspended":
            return last - rng.randint(2, max(2, min(limit, 6)))
        if s == "rongque_open":
            return last - rng.randint(1, 3)
        if s == "rongque_overdue":
            return last - 5 - rng.randint(2, 4)
        if s == "to_deliver":
            return last - min(limit, 3) - rng.randint(0, 2)
        if s == "gaozhi_due":
            # Decided a day after acceptance, verified within `verify` days: due in the next few days.
            verify = p.info.version.commitment_verify_days or 20
            return last + rng.randint(2, 5) - verify - 1
        if s == "done_instant":
            return rng.randint(1, last)
        span = limit + {"done_paused": 8, "done_extended": 8, "done_late": 4}.get(s, 3)
        return rng.randint(1, max(1, last - span))
