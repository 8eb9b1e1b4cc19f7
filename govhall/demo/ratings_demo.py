"""好差评 of the demo county: ratings of most finished hall services (一次一评: mostly on the window
pads, some by the slip's QR code, a few online later) and of a share of the finished cases (一事一评),
about 99% good as the county's real reports show, and some twenty 差评 whose follow-ups stand in every
state — new, verified, being rectified, called back, closed — two or three of them overdue.

The good ratings are written with bulk_create; the 差评 go through the services with the clock set
to their moment, so each follow-up has its due dates from the working-day calendar and its history.
Idempotent: nothing is done when ratings exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core.calendar import CalendarError, add_working_days
from govhall.hall.models import Ticket
from govhall.org import roles
from govhall.org.models import StaffProfile, Window
from govhall.ratings.models import FollowUp, Rating
from govhall.ratings.services import (
    RatingInput,
    device_fingerprint,
    followup_call_back,
    followup_close,
    followup_rectify,
    followup_verify,
    rating_submit_for_case,
    rating_submit_for_ticket,
    window_device_id,
)

SEED = "150727-ratings"
TICKET_SHARE = 0.88  # most people rate at the window pad; some walk away
CASE_SHARE = 0.6
BAD_TICKETS = 16
BAD_CASES = 4
OVERDUE = 3

GOOD_LEVELS = [(5, 0.83), (4, 0.13), (3, 0.04)]
GOOD_TAG_SETS = [
    [],
    [],
    ["efficient"],
    ["good_attitude"],
    ["efficient", "done_once"],
    ["good_attitude", "efficient"],
    ["done_once"],
    ["clear_guidance"],
    ["proactive"],
    ["short_wait"],
    ["good_environment"],
    ["few_materials", "done_once"],
]
GOOD_COMMENTS = [
    "办事效率很高，一次就办好了",
    "工作人员很耐心，讲得很清楚",
    "蒙汉双语讲解，老人也听得懂",
    "帮办代办很贴心，谢谢",
    "大厅干净，有饮水和老花镜",
    "比以前快多了，不用来回跑",
    "窗口小姑娘服务热情",
    "材料一次告知清楚，点赞",
]
CASE_GOOD_COMMENTS = [
    "网上就能办，进度随时能查",
    "按承诺时间办结，还提前了",
    "证照邮寄到家，很方便",
    "审批很快，感谢",
]
# (level, tags, comment) of the 差评; the follow-up texts match by index.
BAD = [
    (2, ["long_wait"], "排队等了一个多小时，综合窗口只开了两个"),
    (1, ["multiple_trips", "not_told_at_once"], "第一次没说清要什么材料，来回跑了三趟"),
    (1, ["bad_attitude"], "工作人员态度生硬，多问两句就不耐烦"),
    (2, ["unreasonable_materials"], "要我们嘎查开的证明开不了，这个要求不合理"),
    (2, ["overtime"], "说好5个工作日，过了两周才通知领证"),
    (2, ["system_fault"], "网上申报系统老是卡，提交了三次才成功"),
    (1, ["shirking"], "窗口让找部门，部门又让回窗口，推来推去"),
    (2, ["unclear_guide"], "办事指南写的和窗口要求的不一样"),
    (2, ["long_wait", "bad_attitude"], "中午前半小时就不给办了，让下午再来"),
    (2, ["multiple_trips"], "复印件不收手机拍的，又回去打印"),
    (1, ["bad_attitude"], "说话不客气，老人听不懂也不解释"),
    (2, ["not_told_at_once"], "补正通知分两次发的，耽误了时间"),
]
FINDINGS = [
    ("调取叫号记录和监控：当日上午A区等候超过60分钟，两名窗口人员外出培训，情况属实。", True),
    ("核实窗口受理记录：首次咨询时未一次性告知全部材料，情况属实。", True),
    ("调取窗口录音录像：工作人员答复语气生硬，情况属实。", True),
    ("经核实，该证明系法规要求的材料，但可通过部门间数据共享获取，差评部分属实。", True),
    ("调取办件记录：因专家评审暂停10个工作日，已书面告知申请人，差评不属实。", False),
    ("信息中心核实：当日系统升级期间响应缓慢，已恢复，情况属实。", True),
    ("调取录音录像：窗口已正确指引，部门工作人员解释不到位，情况部分属实。", True),
    ("核对办事指南：指南材料清单未及时随政策更新，情况属实。", True),
    ("经核实，当日系午休前最后一号，已告知可使用延时服务，差评不属实。", False),
    ("经核实，系申请人未带原件，窗口按规定办理，差评不属实。", False),
    ("调取录像：工作人员未使用蒙汉双语解释，情况属实。", True),
    ("经核实，补正意见由两个部门先后提出，未合并告知，情况属实。", True),
]
RECTIFICATIONS = [
    "高峰时段启用弹性窗口，增开两个综合受理窗口；导服台引导分流。",
    "对窗口人员开展一次性告知制度培训，将该事项材料清单张贴在窗口。",
    "对当事窗口人员批评教育，纳入月度考核，开展文明用语培训。",
    "协调相关部门通过数据共享核验，不再要求申请人提供该证明。",
    "",
    "与信息中心建立故障通报机制，系统升级安排在非工作时间。",
    "明确首问负责，部门派驻人员到窗口现场答复。",
    "更新办事指南材料清单，建立政策变动后3个工作日内更新指南的机制。",
    "",
    "",
    "安排双语工作人员到该窗口，开展适老化服务培训。",
    "会商事项的补正意见由牵头部门汇总后一次性告知。",
]
CALLBACKS = [
    ("电话回访，告知已增开窗口，申请人表示理解。", FollowUp.SATISFIED),
    ("电话回访，申请人对整改措施表示满意。", FollowUp.SATISFIED),
    ("电话回访，当事人已向申请人致歉，申请人接受。", FollowUp.BASICALLY),
    ("电话回访，告知已取消该证明，申请人满意。", FollowUp.SATISFIED),
    ("电话回访，解释专家评审时限不计入承诺时限，申请人表示理解。", FollowUp.BASICALLY),
    ("电话回访，申请人表示后续办理顺利。", FollowUp.SATISFIED),
    ("电话回访，申请人仍不满意，已转中心主任约谈部门。", FollowUp.UNSATISFIED),
    ("电话回访，告知指南已更新，申请人满意。", FollowUp.SATISFIED),
    ("电话回访，解释延时服务安排，申请人表示理解。", FollowUp.BASICALLY),
    ("电话回访，申请人表示理解窗口规定。", FollowUp.BASICALLY),
    ("电话回访两次均未接通，发送短信告知整改情况。", FollowUp.UNREACHABLE),
    ("电话回访，申请人满意。", FollowUp.SATISFIED),
]
NAMES = ["王桂兰", "巴特尔", "刘建国", "乌日汗", "张秀英", "额尔德木图", "李淑珍", "图门", "陈志刚", "萨其拉", "赵丽", "孟根"]
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) MicroMessenger/8.0.49",
    "Mozilla/5.0 (Linux; Android 13; HUAWEI) MicroMessenger/8.0.47",
    "Mozilla/5.0 (Linux; Android 12; Redmi) AlipayClient/10.5",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
]
# The state each 差评's follow-up is left in (oldest first among the ones not yet overdue).
RECENT_STATES = ["closed", "called_back", "closed", "verified", "rectifying", "closed", "called_back", "open", "verified", "open"]


def _pick_level(rng: random.Random) -> int:
    roll, total = rng.random(), 0.0
    for level, share in GOOD_LEVELS:
        total += share
        if roll < total:
            return level
    return 5


def _at(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _working_moment(day: dt.date, rng: random.Random, now: dt.datetime) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))) + dt.timedelta(minutes=rng.randint(0, 420))
    return min(moment, now - dt.timedelta(minutes=5))


def _at_own_window(ticket: Ticket) -> bool:
    if ticket.served_by_id is None:
        return False
    profile = StaffProfile.objects.filter(user_id=ticket.served_by_id).only("window_id").first()
    return profile is not None and profile.window_id == ticket.window_id


def _case_user(case: Case) -> User | None:
    if case.applicant_person_id and case.applicant_person and case.applicant_person.user_id:
        return case.applicant_person.user
    enterprise = case.applicant_enterprise
    if enterprise and enterprise.legal_representative and enterprise.legal_representative.user_id:
        return enterprise.legal_representative.user
    return None


def load_ratings_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if Rating.objects.exists():
        return
    rng = random.Random(SEED)
    now = timezone.now()
    tickets = list(
        Ticket.objects.filter(status=Ticket.STATUS_DONE, finished_at__lte=now - dt.timedelta(minutes=20))
        .select_related("window", "served_by", "case")
        .order_by("finished_at", "id")
    )
    cases = list(
        Case.objects.filter(status=Case.STATUS_DONE, finished_at__isnull=False)
        .select_related("applicant_person__user", "applicant_enterprise__legal_representative__user")
        .order_by("finished_at", "id")
    )
    window_department: dict[int, int | None] = {}
    for window in Window.objects.prefetch_related("departments"):
        departments = list(window.departments.all())
        window_department[window.pk] = departments[0].pk if len(departments) == 1 else None

    # Each window's last service of today is left unrated, so the window pads show someone to rate.
    today = timezone.localdate(now)
    last_today = {t.window_id: t.pk for t in tickets if t.day == today}
    waiting = set(last_today.values())
    rated_tickets = [t for t in tickets if rng.random() < TICKET_SHARE and t.window_id and t.pk not in waiting]
    rated_cases = [(c, u) for c in cases if rng.random() < CASE_SHARE and (u := _case_user(c)) is not None]
    bad_tickets = set(rng.sample(range(len(rated_tickets)), min(BAD_TICKETS, len(rated_tickets))))
    bad_cases = set(rng.sample(range(len(rated_cases)), min(BAD_CASES, len(rated_cases))))

    good: list[Rating] = []
    bad_ratings: list[Rating] = []
    for index, ticket in enumerate(rated_tickets):
        roll = rng.random()
        channel = Rating.CHANNEL_WINDOW_DEVICE if roll < 0.74 else Rating.CHANNEL_QR if roll < 0.93 else Rating.CHANNEL_WEB
        assert ticket.finished_at is not None and ticket.window_id is not None
        window_id: int = ticket.window_id
        delay = {"window_device": rng.uniform(0.3, 1.5), "qr": rng.uniform(2, 40), "web": rng.uniform(60, 2880)}[channel]
        moment = min(ticket.finished_at + dt.timedelta(minutes=delay), now - dt.timedelta(minutes=1))
        name = phone = ""
        if channel != Rating.CHANNEL_WINDOW_DEVICE and (ticket.phone or rng.random() < 0.3):
            name, phone = rng.choice(NAMES), ticket.phone or f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"
        device = (
            window_device_id(window_id)
            if channel == Rating.CHANNEL_WINDOW_DEVICE
            else device_fingerprint(
                ip=f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", user_agent=rng.choice(USER_AGENTS)
            )
        )
        if index in bad_tickets:
            level, tags, comment = BAD[len(bad_ratings) % len(BAD)]
            data = RatingInput(level=level, tags=tags, comment=comment, rater_name=name, rater_phone=phone)
            if channel == Rating.CHANNEL_WINDOW_DEVICE:
                # The window pad rates only the ticket it offers now (security review #4), so the
                # demo's past bad ratings through the service come in by QR.
                channel = Rating.CHANNEL_QR
                device = device_fingerprint(ip=f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}", user_agent=rng.choice(USER_AGENTS))
            actor = ticket.served_by if channel == Rating.CHANNEL_WINDOW_DEVICE else None
            with _at(moment):
                bad_ratings.append(
                    rating_submit_for_ticket(
                        actor=actor, token=ticket.token, ticket_id=ticket.pk, channel=channel, data=data, device=device
                    )
                )
            continue
        level = _pick_level(rng)
        good.append(
            Rating(
                kind=Rating.KIND_SERVICE,
                level=level,
                channel=channel,
                tags=rng.choice(GOOD_TAG_SETS) if level >= 4 else [],
                comment=rng.choice(GOOD_COMMENTS) if rng.random() < 0.08 else "",
                centre_id=ticket.centre_id,
                window_id=ticket.window_id,
                staff_id=ticket.served_by_id,
                department_id=(ticket.case.department_id if ticket.case else None) or window_department.get(window_id),
                case_id=ticket.case_id,
                ticket=ticket,
                rater_name=name,
                rater_phone=phone,
                real_name=bool(name and phone),
                device=device,
                created_at=moment,
            )
        )
    for index, (case, user) in enumerate(rated_cases):
        assert case.finished_at is not None
        # People rate a finished case when the notice reaches them: that day or the next ones, by day.
        rated_on = timezone.localdate(case.finished_at) + dt.timedelta(days=rng.randint(0, 3))
        moment = timezone.make_aware(dt.datetime.combine(rated_on, dt.time(8, 0))) + dt.timedelta(minutes=rng.randint(0, 14 * 60))
        moment = min(max(moment, case.finished_at + dt.timedelta(minutes=30)), now - dt.timedelta(minutes=1))
        channel = Rating.CHANNEL_APP if rng.random() < 0.45 else Rating.CHANNEL_WEB
        device = device_fingerprint(ip=f"10.8.{rng.randint(0, 255)}.{rng.randint(1, 254)}", user_agent=rng.choice(USER_AGENTS))
        if index in bad_cases:
            level, tags, comment = BAD[len(bad_ratings) % len(BAD)]
            with _at(moment):
                bad_ratings.append(
                    rating_submit_for_case(
                        actor=user,
                        case_id=case.pk,
                        channel=channel,
                        data=RatingInput(level=level, tags=tags, comment=comment),
                        device=device,
                    )
                )
            continue
        level = _pick_level(rng)
        person = case.applicant_person or (case.applicant_enterprise.legal_representative if case.applicant_enterprise else None)
        good.append(
            Rating(
                kind=Rating.KIND_CASE,
                level=level,
                channel=channel,
                tags=rng.choice(GOOD_TAG_SETS) if level >= 4 else [],
                comment=rng.choice(CASE_GOOD_COMMENTS) if rng.random() < 0.12 else "",
                centre_id=case.centre_id,
                window_id=case.window_id,
                staff_id=case.accepted_by_id,
                department_id=case.department_id,
                case=case,
                rater=user,
                rater_name=person.name if person else user.get_full_name(),
                rater_phone=person.phone if person else "",
                real_name=True,
                device=device,
                created_at=moment,
            )
        )
    Rating.objects.bulk_create(good, batch_size=500)
    report.created["ratings"] += len(good) + len(bad_ratings)
    _follow_ups(bad_ratings, rng, now, report)
    log(f"  好差评：评价 {len(good) + len(bad_ratings)} 条（差评 {len(bad_ratings)} 条），差评整改 {report.created['rating_followups']} 件")


def _handler(followup: FollowUp, admins: dict[tuple[str, int], User]) -> User | None:
    if followup.centre_id and ("centre", followup.centre_id) in admins:
        return admins["centre", followup.centre_id]
    if followup.department_id:
        return admins.get(("department", followup.department_id))
    return None


def _admins() -> dict[tuple[str, int], User]:
    admins: dict[tuple[str, int], User] = {}
    for profile in StaffProfile.objects.filter(user__groups__name=roles.CENTRE_ADMIN, centre__isnull=False).select_related("user"):
        admins.setdefault(("centre", profile.centre_id), profile.user)  # type: ignore[arg-type]
    for profile in StaffProfile.objects.filter(user__groups__name=roles.DEPT_ADMIN, department__isnull=False).select_related("user"):
        admins.setdefault(("department", profile.department_id), profile.user)  # type: ignore[arg-type]
    return admins


def _step_day(after: dt.date, days: int) -> dt.date:
    try:
        return add_working_days(after, days)
    except CalendarError:
        return after + dt.timedelta(days=days)


def _follow_ups(ratings: list[Rating], rng: random.Random, now: dt.datetime, report: Any) -> None:
    """Walk each 差评's follow-up to its planned state, each step on a working day after the last."""
    admins = _admins()
    today = timezone.localdate(now)
    followups = sorted((f for f in FollowUp.objects.filter(rating__in=ratings).select_related("rating")), key=lambda f: (f.opened_on, f.pk))
    report.created["rating_followups"] += len(followups)
    past_due = [f for f in followups if f.due_date and f.due_date < today]
    overdue = set(f.pk for f in rng.sample(past_due, min(OVERDUE, len(past_due))))
    overdue_states = iter(["open", "rectifying", "verified"])
    recent = iter(RECENT_STATES * 3)
    for index, followup in enumerate(followups):
        if followup.pk in overdue:
            target = next(overdue_states)
        elif followup.due_date and followup.due_date < today:
            target = "closed"
        else:
            target = next(recent)
        actor = _handler(followup, admins)
        if actor is None or target == "open":
            continue
        # The finding, rectification and call-back answer the 差评's own complaint.
        texts = next((i for i, (_l, _t, comment) in enumerate(BAD) if comment == followup.rating.comment), index % len(FINDINGS))
        finding, warranted = FINDINGS[texts]
        if target == "rectifying":
            warranted = True
        day = _step_day(followup.opened_on, rng.randint(1, 2))
        steps: list[tuple[str, dict[str, Any]]] = [("verify", {"finding": finding, "warranted": warranted})]
        if warranted and target != "rectifying":
            steps.append(("rectify", {"rectification": RECTIFICATIONS[texts] or "对窗口人员开展服务规范培训。"}))
        if target in ("called_back", "closed") and (followup.rating.real_name or followup.rating.rater_phone):
            steps.append(("callback", {"result": CALLBACKS[texts][0], "satisfaction": CALLBACKS[texts][1]}))
        if target == "closed":
            steps.append(("close", {"note": "整改到位，办结。" if warranted else "已向评价人解释说明，办结。"}))
        for name, args in steps:
            if day > today:
                break
            moment = _working_moment(day, rng, now)
            with _at(moment):
                if name == "verify":
                    followup_verify(actor=actor, followup_id=followup.pk, **args)
                elif name == "rectify":
                    followup_rectify(actor=actor, followup_id=followup.pk, **args)
                elif name == "callback":
                    followup_call_back(actor=actor, followup_id=followup.pk, **args)
                else:
                    followup_close(actor=actor, followup_id=followup.pk, **args)
            day = min(_step_day(day, rng.randint(1, 3)), today)
