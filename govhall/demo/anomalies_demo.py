"""异常数据复核与交办 of the demo county (`002`: 1512 anomalies reviewed, 37 tasks, 25 suggestions;
outcomes 8 流程合并简化, 2 规范审批程序, 4 便民措施).

Runs after the facts exist (the live demo cases, and the imported history when it is there): every
rule scans all facts and ratings, then the supervisors review. Most hits are dismissed with the
reason a reviewer would give for that rule; up to 37 become tasks — to departments, some to
windows — spread over the months since the platform went live, answered by the department or the
centre with their rectification, and closed; a few are still open, two of them overdue, one was
returned once. With few facts there are fewer hits: fewer tasks are made, never invented hits.

Idempotent: nothing is done when any task exists (a scan adds no hit twice anyway).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.anomalies import engine, services
from govhall.anomalies.models import AnomalyHit, Suggestion, SupervisionTask
from govhall.org import roles
from govhall.org.models import StaffProfile

SEED = "150727-anomalies"
TASKS = 37
SUGGESTIONS = 25
LEFT_PENDING = 12  # hits still waiting for review, so the list has something to do
LIVE_DAYS = 160  # the platform went live in June

DISMISS_REASONS: dict[str, list[str]] = {
    "out_of_order": [
        "经核实，系统迁移时补录纸质办件，时间以纸质档案为准，不属违规。",
        "受理系统与审批系统时钟不同步，已由信息中心校准。",
        "容缺受理后补正材料，系统重新生成受理时间所致，办理程序合规。",
    ],
    "too_fast": [
        "该办件为告知承诺制办理，审查环节依法简化，当场决定属正常。",
        "经核查，审查人员在受理前已完成预审，决定时间正常。",
        "系批量导入的历史办件，决定时间为导入时间，非实际办理时间。",
    ],
    "overdue_no_pause": [
        "经核实，办件依法进行了专家评审，特别程序在原系统中登记，未同步到监管平台。",
        "申请人主动申请延期提交材料，已补录特别程序记录。",
        "系统办结时间晚于实际出证时间，实际已按期办结。",
    ],
    "single_actor": [
        "该乡镇便民服务中心仅一名工作人员，经授权一人受理审批，符合规定。",
        "该事项已实行“一审一核”改革，由首席审批员一人办结。",
        "系统账号代录，实际审查、决定由不同人员签字，有纸质审批表为证。",
    ],
    "repeated_rejections": [
        "申请人多次提交不符合法定条件的申请，窗口均已一次性书面告知，驳回理由充分。",
        "经核查，申请人为同一企业不同项目分别申请，驳回理由各不相同，无刁难情形。",
    ],
    "off_hours": [
        "延时服务、周末不打烊期间办理，有值班安排表为证。",
        "重点项目专班加班审批，已报备。",
        "系统定时任务自动办结，非人工操作。",
    ],
    "rating_burst": [
        "集中办理的团体业务（同一单位多人），当场逐一评价，不属刷评。",
        "评价器故障重复提交，已由设备厂家确认并修复。",
    ],
}

# Per rule: (title, description, answer, category, measures, suggestions) — {item}, {dept} and
# {window} are filled from the task's first hit; category codes of TaskAnswer.
CASES: dict[str, list[tuple[str, str, str, str, str, list[str]]]] = {
    "overdue_no_pause": [
        (
            "{item}办件超期且无特别程序记录",
            "平台监测发现{dept}“{item}”办件超过承诺时限办结，系统中无补正、公告、专家评审等特别程序或延期审批记录。请核查超期原因，说明是否存在体外循环，并提出整改措施。",
            "经核查，超期系审查、决定环节分设两个股室，材料线下流转等待所致，无体外循环。",
            "process",
            "将审查、决定两个环节合并，由首席审批员一审一核；材料全部电子流转。",
            ["合并审查与决定环节", "材料流转全部改为线上"],
        ),
        (
            "{item}超期未启动特别程序",
            "平台监测发现{dept}“{item}”办件超期，经办人员未按规定启动特别程序或申请延期。请核查并规范。",
            "经核查，该办件需现场核查，经办人员未在系统中登记现场核查特别程序，情况属实。",
            "approval",
            "严格执行特别程序登记制度，需现场核查、专家评审的一律在系统中登记并告知申请人。",
            ["特别程序一律在系统中登记并告知申请人"],
        ),
    ],
    "too_fast": [
        (
            "{item}受理后数分钟内即作出决定",
            "监测发现{dept}“{item}”（非即办件）受理后极短时间内即作出决定，审查、决定环节存在未经实际审查的风险。请核查审批过程并整改。",
            "经核查，相关办件为告知承诺件，审查人员按承诺制简化审查，但系统未标注告知承诺方式。",
            "approval",
            "系统中区分告知承诺件与一般程序件；一般程序件审查、决定须由不同人员在系统中操作。",
            ["告知承诺件在系统中单独标注"],
        ),
    ],
    "single_actor": [
        (
            "{item}受理、审批由同一人完成",
            "监测发现{dept}“{item}”办件的全部环节由同一名工作人员完成，审批权缺少制衡。请核查授权情况并规范审批程序。",
            "经核查，系窗口人员使用股室负责人账号代为点击决定，已对当事人批评教育。",
            "approval",
            "清理共用账号，启用数字证书登录；决定环节必须由具有审批权限的人员本人操作。",
            ["全面清理共用、借用账号"],
        ),
        (
            "{item}设置多个环节但由一人办理",
            "复核发现{dept}“{item}”设置多个办理环节，但实际由一人完成，环节设置与实际办理不符。请梳理办理流程。",
            "经梳理，该事项审查与决定内容重复，实际由首席代表一人即可办结。",
            "process",
            "申请将该事项调整为即办件，合并审查、决定环节，办事指南同步调整。",
            ["申请调整为即办件", "同步更新办事指南"],
        ),
    ],
    "off_hours": [
        (
            "{item}夜间、节假日办理",
            "监测发现{dept}“{item}”办件在夜间或节假日办理，存在事后补录或代他人操作的可能。请核查。",
            "经核查，系工作人员白天窗口接件后晚间集中录入系统，实际办理在工作时间内完成。",
            "service",
            "推行即收即录，窗口配置高拍仪；高峰期增设帮办代办人员，杜绝事后补录。",
            ["窗口配置高拍仪即收即录"],
        ),
    ],
    "out_of_order": [
        (
            "{item}办件时间顺序倒置",
            "监测发现{dept}“{item}”办件的决定（办结）时间早于受理时间，存在先批后补、倒签的可能。请核查。",
            "经核查，系线下会审后补录系统，存在先审批后受理的问题。",
            "approval",
            "所有申请一律先受理后审批，线下会审纪要作为附件上传系统；对补录行为开展专项检查。",
            ["开展补录行为专项检查"],
        ),
    ],
    "repeated_rejections": [
        (
            "同一申请人在{dept}反复被驳回",
            "监测发现同一申请人 90 天内在{dept}多次被不予受理或不予许可，可能存在一次性告知不到位的情况。请核查并回访申请人。",
            "经核查，申请人多次申请均因缺少不同材料被驳回，窗口未做到一次性告知，情况属实。",
            "service",
            "对窗口人员开展一次性告知培训；编制材料清单口袋书；已电话回访申请人并帮办完成业务。",
            ["编制材料清单口袋书", "对申请人上门帮办"],
        ),
    ],
    "rating_burst": [
        (
            "{window}评价短时间内集中提交",
            "监测发现{window}的评价设备短时间内连续提交大量评价，存在工作人员代评、刷好评的可能。请核查。",
            "调取录像核查，系窗口人员在群众离开后代为点击评价器，情况属实，已对当事人批评教育。",
            "other",
            "评价器调整为群众确认后方可评价；将代评行为纳入窗口考核负面清单。",
            ["将代评纳入考核负面清单"],
        ),
    ],
}


PROCESS_MEASURES = [
    "将申请、审核两个环节合并为一个环节，由窗口首席代表一次办结。",
    "与相关部门数据共享，取消申请人提交证明材料，审查环节合并。",
    "推行并联审批，多部门同步审查，办理时限压缩一半。",
    "取消内部流转签批环节，实行股室负责人一审一核。",
    "推行“受审分离、一窗通办”，后台审批环节合并。",
]
SERVICE_MEASURES = [
    "开设周末不打烊和延时服务窗口，公布值班表。",
    "增设帮办代办岗，为老年人、残疾人提供全程帮办。",
    "完善办事指南，材料清单统一标注示例和常见错误。",
]
APPROVAL_MEASURES = ["严格执行审查、决定分离，决定须由审批负责人本人操作。"]
OTHER_MEASURES = [
    "对当事人批评教育，纳入月度考核。",
    "开展专题业务培训，建立办件质量月度抽查制度。",
    "与信息中心核对数据，修正监管平台接口字段映射。",
]


def _at(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _work_moment(day: dt.date, rng: random.Random) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([9, 10, 11, 15, 16]), rng.randrange(60))))
    return min(moment, timezone.now() - dt.timedelta(minutes=5))


def _backdate(hits: list[AnomalyHit], rng: random.Random) -> None:
    """The demo's hits were found by the nightly scans since the platform went live, not all today:
    each gets a detection night after it happened, within the last LIVE_DAYS days."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=LIVE_DAYS)
    for hit in hits:
        earliest = max(first, (hit.occurred_on or first) + dt.timedelta(days=1))
        day = earliest + dt.timedelta(days=rng.randrange(max(1, (today - earliest).days)))
        hit.detected_at = min(timezone.make_aware(dt.datetime.combine(min(day, today), dt.time(2, 10))), timezone.now())
    AnomalyHit.objects.bulk_update(hits, ["detected_at"], batch_size=1000)


def _users(role: str) -> list[User]:
    return list(User.objects.filter(groups__name=role, is_active=True, staff__isnull=False).select_related("staff").order_by("id"))


def load_anomalies_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if SupervisionTask.objects.exists():
        return
    result = engine.scan()
    report.created["anomaly_hits"] += result.hits_created
    log(f"  异常预警：扫描 {result.records} 条记录，发现异常 {result.hits_created} 条")
    supervisors = _users(roles.SUPERVISOR)
    if not supervisors:
        log("  异常预警：没有监管人员账号，跳过复核与交办")
        return
    rng = random.Random(SEED)
    answerers = _answerers()
    pending = list(
        AnomalyHit.objects.filter(status=AnomalyHit.STATUS_PENDING).select_related("window", "department", "item").order_by("id")
    )
    rng.shuffle(pending)
    _backdate(pending, rng)
    # With the history there are far more hits than tasks; with only the live cases, at most a
    # third of the hits become tasks and a fifth stay pending, so the lists look like real work.
    n_tasks = min(TASKS, len(pending) // 3)
    left = min(LEFT_PENDING, len(pending) // 5)
    tasks = _assign(pending, n_tasks, supervisors, answerers, rng)
    report.created["anomaly_suggestions"] += Suggestion.objects.count()
    used = {h.pk for t in tasks for h in t.hits.all()}
    rest = [h for h in pending if h.pk not in used]
    dismissed = _dismiss(rest[left:], supervisors, rng)
    report.created["anomaly_reviews"] += dismissed + len(used)
    report.created["anomaly_tasks"] += len(tasks)
    log(f"  异常复核：排除 {dismissed} 条，交办任务 {len(tasks)} 项，待复核 {len(rest) - dismissed} 条")


def _answerers() -> dict[tuple[str, int], User]:
    """The department admin of each department, the centre admin of each centre."""
    found: dict[tuple[str, int], User] = {}
    for profile in StaffProfile.objects.filter(
        user__groups__name=roles.DEPT_ADMIN, user__is_active=True, department__isnull=False
    ).order_by("id"):
        found.setdefault(("department", profile.department_id), profile.user)  # type: ignore[arg-type]
    for profile in StaffProfile.objects.filter(user__groups__name=roles.CENTRE_ADMIN, user__is_active=True, centre__isnull=False).order_by(
        "id"
    ):
        found.setdefault(("centre", profile.centre_id), profile.user)  # type: ignore[arg-type]
    return found


def _dismiss(hits: list[AnomalyHit], supervisors: list[User], rng: random.Random) -> int:
    today = timezone.localdate()
    for hit in hits:
        reasons = DISMISS_REASONS.get(hit.rule) or ["经核实，情况正常。"]
        day = min(today, timezone.localdate(hit.detected_at) + dt.timedelta(days=rng.randrange(0, 8)))
        with _at(_work_moment(day, rng)):
            services.hit_dismiss(actor=rng.choice(supervisors), hit=hit, reason=rng.choice(reasons))
    return len(hits)


def _plan(n: int) -> list[str]:
    """The state each task ends in: two overdue, two fresh, two answered, one returned, the rest closed."""
    states = ["overdue", "overdue", "fresh", "fresh", "answered", "answered", "returned"]
    states = states[: max(0, min(len(states), n - 1))] if n < 8 else states
    return (states + ["closed"] * n)[:n]


def _categories(n_closed: int) -> list[str]:
    """8 流程合并简化, 2 规范审批程序, 4 便民措施 (`002`), the rest 其他 — as far as there are tasks."""
    wanted = ["process"] * 8 + ["approval"] * 2 + ["service"] * 4
    return (wanted + ["other"] * n_closed)[:n_closed]


def _assign(
    pending: list[AnomalyHit], n_tasks: int, supervisors: list[User], answerers: dict[tuple[str, int], User], rng: random.Random
) -> list[SupervisionTask]:
    by_department: dict[int, list[AnomalyHit]] = defaultdict(list)
    for hit in pending:
        if hit.department_id and ("department", hit.department_id) in answerers:
            by_department[hit.department_id].append(hit)
    groups: list[list[AnomalyHit]] = []
    # Round-robin over departments, one to three hits a task, until n_tasks or no hits are left.
    while len(groups) < n_tasks and any(by_department.values()):
        for hits in by_department.values():
            if hits and len(groups) < n_tasks:
                # With few hits (only the live cases, no history) one hit a task, so that most are still dismissed.
                take = min(len(hits), rng.choice([1, 1, 2, 3]) if len(pending) > 10 * TASKS else 1)
                groups.append([hits.pop() for _ in range(take)])
    if not groups:
        return []
    states = _plan(len(groups))
    categories = _categories(states.count("closed"))
    suggestion_budget = SUGGESTIONS
    today = timezone.localdate()
    tasks = []
    closed_seen = 0
    for index, (hits, state) in enumerate(zip(groups, states, strict=True)):
        hit = hits[0]
        templates = CASES.get(hit.rule) or CASES["overdue_no_pause"]
        title, description, answer_text, case_category, measures, suggestions = templates[index % len(templates)]
        names = {
            "item": hit.item.name if hit.item else "相关事项",
            "dept": hit.department.short_name or hit.department.name if hit.department else "",
            "window": f"{hit.window.number}{hit.window.name}" if hit.window else "该窗口",
        }
        title, description = title.format(**names), description.format(**names)
        if state == "closed":
            category = categories[closed_seen]
            closed_seen += 1
            if category != case_category:
                measures = rng.choice(
                    {"process": PROCESS_MEASURES, "service": SERVICE_MEASURES, "approval": APPROVAL_MEASURES, "other": OTHER_MEASURES}[
                        category
                    ]
                )
        else:
            category = case_category
        texts = list(suggestions)[:suggestion_budget]
        suggestion_budget -= len(texts)
        supervisor = rng.choice(supervisors)
        to_window = state == "closed" and index % 6 == 0 and hit.window is not None and ("centre", hit.window.centre_id) in answerers
        if state in ("overdue",):
            created = today - dt.timedelta(days=rng.randrange(20, 30))
        elif state in ("fresh", "returned"):
            created = today - dt.timedelta(days=rng.randrange(1, 3) if state == "fresh" else 6)
        elif state == "answered":
            created = today - dt.timedelta(days=rng.randrange(6, 10))
        else:
            created = today - dt.timedelta(days=rng.randrange(25, LIVE_DAYS))
        found = timezone.make_aware(dt.datetime.combine(created - dt.timedelta(days=rng.randrange(1, 4)), dt.time(2, 10)))
        for h in hits:
            h.detected_at = found
        AnomalyHit.objects.bulk_update(hits, ["detected_at"])
        with _at(_work_moment(created, rng)):
            task = services.task_assign(
                actor=supervisor,
                hits=hits,
                target_kind=SupervisionTask.TARGET_WINDOW if to_window else SupervisionTask.TARGET_DEPARTMENT,
                department=hit.department,
                window=hit.window if to_window else None,
                due_days=5 if state != "overdue" else rng.choice([5, 7]),
                title=title,
                description=description,
                suggestions=texts,
            )
        tasks.append(task)
        if state in ("overdue", "fresh"):
            continue
        answerer = answerers[("centre", task.centre_id) if to_window else ("department", task.department_id)]  # type: ignore[index]
        own = list(task.suggestions.all())
        adopted = [s.pk for s in own if rng.random() < 0.8]
        answered_on = created + dt.timedelta(days=rng.randrange(2, 6))
        if state == "returned" or (state == "closed" and closed_seen % 11 == 3):
            with _at(_work_moment(answered_on, rng)):
                services.task_answer(
                    actor=answerer, task=task, content=answer_text, category=category, measures="加强教育管理。", adopted=[]
                )
            with _at(_work_moment(answered_on + dt.timedelta(days=1), rng)):
                services.task_return(actor=supervisor, task=task, reason="整改措施过于笼统，请细化到具体环节和时限。", due_days=5)
            if state == "returned":
                continue
            answered_on += dt.timedelta(days=4)
        with _at(_work_moment(answered_on, rng)):
            services.task_answer(actor=answerer, task=task, content=answer_text, category=category, measures=measures, adopted=adopted)
        if state == "answered":
            continue
        outcome = SupervisionTask.STATUS_CLOSED if category == "other" and index % 2 else SupervisionTask.STATUS_RECTIFIED
        with _at(_work_moment(min(answered_on + dt.timedelta(days=rng.randrange(1, 5)), today), rng)):
            services.task_close(
                actor=supervisor,
                task=task,
                outcome=outcome,
                note="整改到位，同意办结。" if outcome == "rectified" else "经核查情况已说明，同意办结。",
            )
    return tasks
