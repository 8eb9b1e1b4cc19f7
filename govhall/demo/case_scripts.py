"""The demo cases as scripts: each case's actions, one service call after another, at the moments a
working county would have taken them (see cases.py for which cases there are).

A script is a generator that yields the moment of its next action and, when resumed at that
moment, does it through the case services. `CaseScripts.run` interleaves all scripts and the
nightly clock sweep in time order with the clock patched, so the hash-chained event log, the
document numbers, the due dates and the overdue flags follow the calendar as they would have.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.cases.models import Case, CaseCommitment, CaseTask
from govhall.cases.services import (
    MaterialFinding,
    SupplementPoint,
    case_accept,
    case_accept_rongque,
    case_clock_sweep,
    case_deliver,
    case_draft_save,
    case_extension_decide,
    case_extension_request,
    case_material_upload,
    case_pause_end,
    case_pause_start,
    case_refuse,
    case_request_supplement,
    case_submit,
    case_supplement_submit,
    case_terminate,
    case_withdraw,
    commitment_fulfil,
    commitment_verify,
    task_complete,
)
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.core.calendar import CalendarError
from govhall.core.errors import DomainError, ValidationError
from govhall.demo import case_texts as texts
from govhall.demo.agents_demo import consent_before_agent_submit
from govhall.demo.case_time import WorkingTime
from govhall.demo.county import ALL_DEPARTMENTS

ONLINE_CHANNELS = (Case.CHANNEL_ONLINE, Case.CHANNEL_MOBILE, Case.CHANNEL_KIOSK)
BENEFIT_TYPES = {"05"}  # 行政给付: denied for not meeting the conditions, not for the premises

Script = Generator[dt.datetime, dt.datetime, None]


@dataclass
class ItemInfo:
    """An item the demo applies for, with what the planner and the scripts need to know of it."""

    item: Item
    dept: str
    limit: int
    instant: bool
    questions: list[list[str]]
    materials: list[tuple[Material, set[str]]]
    weight: float
    clerks: list[User] = field(default_factory=list)  # specialised window clerks who accept it

    @property
    def version(self) -> ItemVersion:
        return self.item.current

    @property
    def online(self) -> bool:
        return self.version.online_depth in ("online_submit", "full_online")


@dataclass
class Plan:
    """One demo case: who applies for what, through which channel, who accepts it, on which day,
    and the scenario its script follows."""

    n: int
    scenario: str
    info: ItemInfo
    channel: str
    person: Person | None
    enterprise: Enterprise | None
    owner: User | None  # the account that applies for itself (person or legal representative)
    submitter: User
    clerk: User  # accepts, and hands out the result
    accept_day: int  # index into the working days
    rng: random.Random
    key: str  # the idempotency key of its submission: how a second load recognises it
    answers: list[str] = field(default_factory=list)
    gaozhi: bool = False
    row: Case | None = None  # the case, once drafted
    t: dt.datetime | None = None  # the moment of the action running now

    @property
    def case(self) -> Case:
        assert self.row is not None, "a script drafts its case first"
        return self.row

    @property
    def now(self) -> dt.datetime:
        assert self.t is not None, "a script yields its first moment first"
        return timezone.localtime(self.t)

    @property
    def holder(self) -> Person:
        """The person who applies: the applicant, or the enterprise's legal representative."""
        holder = self.person if self.enterprise is None else self.enterprise.legal_representative
        assert holder is not None
        return holder

    def applicable(self) -> list[Material]:
        """The item's materials for the situations the applicant chose."""
        answers = set(self.answers)
        return [m for m, options in self.info.materials if not options or options & answers]

    def rongque_materials(self) -> list[Material]:
        """The one material accepted as missing under a 容缺 commitment."""
        return [m for m in self.applicable() if m.rongque_allowed][:1]

    @property
    def applicant_name(self) -> str:
        return self.enterprise.name if self.enterprise is not None else self.holder.name

    @property
    def actor_for_applicant(self) -> User:
        """Who acts on the applicant's side: the applicant, or the clerk or agent who submitted."""
        return self.owner if self.channel in ONLINE_CHANNELS and self.owner is not None else self.submitter


class CaseScripts:
    def __init__(self, *, users: dict[str, User], time: WorkingTime, dept_keys: dict[int, str]):
        self.users = users
        self.time = time
        self.dept_keys = dept_keys  # department id → key in ALL_DEPARTMENTS

    def later(self, p: Plan, days: int = 0, gap: tuple[int, int] = (5, 90)) -> dt.datetime:
        return self.time.later(p.rng, p.now, days, gap)

    def soon(self, p: Plan, gap: tuple[int, int]) -> dt.datetime:
        return self.time.soon(p.rng, p.now, gap)

    # --- running ----------------------------------------------------------------------------------

    def run(self, plans: list[Plan]) -> None:
        heap: list[tuple[dt.datetime, int, Script, Plan | None]] = []
        scripts: list[tuple[Script, Plan | None]] = [(self._sweeps(), None)]
        scripts += [(getattr(self, f"_s_{p.scenario}")(p), p) for p in plans]
        for seq, (script, plan) in enumerate(scripts):
            first = next(script, None)
            if first is not None and first <= self.time.cutoff:
                heap.append((first, seq, script, plan))
        heapq.heapify(heap)
        clock = [self.time.cutoff]
        with mock.patch("django.utils.timezone.now", side_effect=lambda: clock[0]):
            while heap:
                when, seq, script, plan = heapq.heappop(heap)
                clock[0] = when
                if plan is not None:
                    plan.t = when
                try:
                    following = script.send(when)
                except StopIteration:
                    continue
                except CalendarError:
                    # A limit running into a year whose holidays are not loaded yet: the case stays
                    # where it is rather than the load failing.
                    script.close()
                    continue
                except DomainError as exc:
                    # A service refused a step: the script is wrong, say which case it was.
                    assert plan is not None
                    message = f"演示办件 {plan.n}（{plan.scenario}，{plan.info.item.name}）：{exc}"
                    raise ValidationError("demo_case", "refused", message) from exc
                if following > self.time.cutoff:
                    script.close()
                    continue
                heapq.heappush(heap, (max(following, when), seq, script, plan))

    def _sweeps(self) -> Script:
        """The scheduler's nightly clock sweep (overdue flags, reminders) on every day of the load."""
        day = self.time.first_date
        while day <= self.time.today:
            yield self.time.minute(day, 30)
            case_clock_sweep(today=day)
            day += dt.timedelta(days=1)

    # --- the steps every script is made of --------------------------------------------------------

    def _upload(self, p: Plan, actor: User, materials: list[Material]) -> None:
        for material in materials:
            data = texts.scan_pdf([material.name, f"申请人：{p.applicant_name}", f"事项：{p.info.item.name}", "演示数据：扫描件示意"])
            case_material_upload(actor=actor, case=p.case, material=material, data=data, filename=f"{material.name}.pdf")

    def _submit(self, p: Plan, *, leave_out: list[Material] | None = None) -> Script:
        """Draft, attach the scans, submit: online from home, or at a window or 代办点 by staff."""
        leave_out = leave_out or []
        if p.channel in ONLINE_CHANNELS:
            accept = self.time.work_time(p.rng, p.accept_day)
            if p.channel == Case.CHANNEL_KIOSK:
                # The 24-hour kiosks stand in the county hall: during the day, before acceptance.
                yield max(accept - dt.timedelta(hours=p.rng.randint(2, 30)), self.time.minute(self.time.first_date, 9 * 60))
            elif p.scenario == "queue":  # applied since yesterday, some overnight: today's queue
                yield self.time.applicant_time(p.rng, self.time.cutoff, max_days=1)
            else:
                yield self.time.applicant_time(p.rng, accept)
        elif p.channel == Case.CHANNEL_AGENT_POINT:
            yield self.time.work_time(p.rng, p.accept_day - 1)  # the agent submits the day before the centre accepts
        else:
            yield self.time.work_time(p.rng, p.accept_day)
        contact = p.holder
        form = {"contact_name": contact.name, "contact_phone": contact.phone, "address": contact.address}
        p.row = case_draft_save(
            actor=p.submitter,
            item=p.info.item,
            applicant_person=p.person,
            applicant_enterprise=p.enterprise,
            channel=p.channel,
            answers=p.answers,
            form=form,
            gaozhi=p.gaozhi,
        )
        # Government-issued papers (营业执照, 户口簿 …) come from shared data; the rest are scanned.
        self._upload(p, p.submitter, [m for m in p.applicable() if m.source != "government" and m not in leave_out])
        if p.channel == Case.CHANNEL_AGENT_POINT:
            # 帮办代办 (ONE-4): the resident's recorded consent comes before the agent submits.
            consent_before_agent_submit(agent=p.submitter, person=p.person, enterprise=p.enterprise, item=p.info.item)
        p.row = case_submit(
            actor=p.submitter,
            item=p.info.item,
            applicant_person=p.person,
            applicant_enterprise=p.enterprise,
            channel=p.channel,
            answers=p.answers,
            form=form,
            gaozhi=p.gaozhi,
            idempotency_key=p.key,
            draft=p.case,
        )

    def _findings(self, p: Plan, missing: list[Material] | None = None) -> list[MaterialFinding]:
        return [MaterialFinding(m.pk, "missing" if m in (missing or []) else "ok") for m in p.applicable()]

    def _accept(self, p: Plan, *, rongque_days: int = 0) -> Script:
        if p.channel in ONLINE_CHANNELS or p.channel == Case.CHANNEL_AGENT_POINT:
            yield self.time.work_time(p.rng, max(p.accept_day, self.time.index_on_or_after(p.now.date())), after=p.now)
        else:
            yield self.soon(p, (8, 25))  # the same visit: checked while the applicant waits
        if rongque_days:
            missing = p.rongque_materials()
            case_accept_rongque(
                actor=p.clerk,
                case=p.case,
                missing_material_ids=[m.pk for m in missing],
                commitment_text=texts.rongque_commitment(p.applicant_name, [m.name for m in missing], rongque_days),
                days=rongque_days,
                findings=self._findings(p, missing),
            )
        else:
            case_accept(actor=p.clerk, case=p.case, findings=self._findings(p))

    def _open_tasks(self, p: Plan, **filters) -> list[CaseTask]:
        return list(
            CaseTask.objects.filter(case=p.case, status=CaseTask.STATUS_OPEN, **filters).select_related("department").order_by("id")
        )

    def _staff_for(self, p: Plan, task: CaseTask) -> User:
        if task.role == "clerk":
            return p.clerk
        assert task.department is not None and task.department_id is not None
        if task.department_id not in self.dept_keys:  # a 会商 department
            self.dept_keys[task.department_id] = next(k for k, s in ALL_DEPARTMENTS.items() if s.name == task.department.name)
        key = self.dept_keys[task.department_id]
        if task.role in ("section_head", "leader"):
            return self.users[f"section_{key}"]
        approvers = [self.users[name] for name in (f"approver_{key}", f"approver_{key}2") if name in self.users]
        return p.rng.choice(approvers)

    def _approver(self, p: Plan) -> User:
        return self.users[f"approver_{p.info.dept}"]

    def _head(self, p: Plan) -> User:
        return self.users[f"section_{p.info.dept}"]

    def _review(self, p: Plan, *, within: int = 1, outcome: str = "approve") -> Script:
        """Every open review (the lead department's and each 会商 department's), each on its own day."""
        start = p.t
        for task in self._open_tasks(p, is_decision=False, role="approver"):
            p.t = start
            yield self.later(p, p.rng.randint(0, max(within, 0)), gap=(30, 240))
            if outcome == "approve":
                joint = task.department_id != p.case.department_id
                opinion = texts.review_opinion(p.rng, joint=joint, inspection=p.info.version.result_type == "licence")
            else:
                opinion = p.rng.choice(texts.REVIEW_REJECT_OPINIONS)
            task_complete(actor=self._staff_for(p, task), task=task, outcome=outcome, opinion=opinion)

    def _decide(self, p: Plan, *, days: int = 0, outcome: str = "approve") -> Script:
        yield self.later(p, days, gap=(20, 180))
        (task,) = self._open_tasks(p, is_decision=True)
        if outcome == "approve":
            opinion = p.rng.choice(texts.DECIDE_OPINIONS)
        elif outcome == "return":
            opinion = p.rng.choice(texts.RETURN_OPINIONS)
        else:
            opinion = texts.deny_reason(p.rng, benefit=p.info.version.item_type in BENEFIT_TYPES)
        task_complete(actor=self._staff_for(p, task), task=task, outcome=outcome, opinion=opinion)

    def _certify(self, p: Plan) -> Script:
        for task in self._open_tasks(p, role="certifier"):
            yield self.later(p, p.rng.choice((0, 0, 1)), gap=(15, 120))
            task_complete(actor=self._staff_for(p, task), task=task, outcome="approve", opinion=p.rng.choice(texts.CERTIFY_OPINIONS))

    def _instant(self, p: Plan) -> Script:
        (task,) = self._open_tasks(p, role="clerk")
        yield self.soon(p, (3, 12))
        task_complete(actor=p.clerk, task=task, outcome="approve", opinion="当场办结")

    def _deliver(self, p: Plan) -> Script:
        rng = p.rng
        if p.channel in ONLINE_CHANNELS:
            method = rng.choices(["electronic", "post", "window"], weights=[65, 20, 15])[0]
        else:
            method = rng.choices(["window", "post", "electronic"], weights=[60, 25, 15])[0]
        if p.info.instant and p.channel == Case.CHANNEL_WINDOW:
            method = "window"  # 即办件: handed over in the same visit
        if method == "electronic" or (method == "window" and p.info.instant and p.channel == Case.CHANNEL_WINDOW):
            yield self.soon(p, (3, 40))
        else:
            yield self.later(p, rng.randint(1, 3) if method == "window" else 1, gap=(10, 240))
        p.case.refresh_from_db()  # accepted at the clerk's centre since it was submitted
        address = p.enterprise.address if p.enterprise is not None else p.holder.address
        note = {"electronic": texts.ELECTRONIC_NOTE, "window": texts.WINDOW_NOTE, "post": texts.post_note(rng)}[method]
        case_deliver(actor=p.clerk, case=p.case, method=method, address=address if method == "post" else "", note=note)

    def _pause(self, p: Plan, *, end: bool) -> Script:
        kind = texts.pause_kind(p.info.item.name)
        yield self.later(p, p.rng.randint(0, 1), gap=(30, 180))
        case_pause_start(actor=self._approver(p), case=p.case, kind=kind, reason=texts.PAUSE_REASONS[kind])
        if end:
            yield self.later(p, p.rng.randint(*texts.PAUSE_DAYS[kind]), gap=(30, 180))
            case_pause_end(actor=self._approver(p), case=p.case, reason=texts.PAUSE_RESULTS[kind])

    def _extension(self, p: Plan, *, decide: bool) -> Script:
        days = p.rng.choice((5, 10))
        yield self.later(p, 0 if decide else p.rng.randint(0, 1), gap=(30, 180))
        extension = case_extension_request(
            actor=self._approver(p),
            case=p.case,
            days=days,
            reason=texts.extension_reason(p.info.limit, days),
        )
        if decide:
            yield self.later(p, p.rng.randint(0, 1), gap=(30, 180))
            case_extension_decide(actor=self._head(p), extension=extension, approve=True, note="同意延期")

    def _fulfil_rongque(self, p: Plan) -> Script:
        yield self.later(p, p.rng.randint(1, 3), gap=(30, 300))
        actor = p.actor_for_applicant
        self._upload(p, actor, p.rongque_materials())
        commitment_fulfil(actor=actor, case=p.case)

    def _finish(self, p: Plan, *, review_within: int | None = None, decide_days: int | None = None) -> Script:
        """From acceptance to delivery on time: review, decide, make the licence, hand it out."""
        limit = p.info.limit
        yield from self._review(p, within=review_within if review_within is not None else max(0, limit // 3))
        yield from self._decide(p, days=decide_days if decide_days is not None else p.rng.choice((0, 1)) if limit > 1 else 0)
        yield from self._certify(p)
        yield from self._deliver(p)

    # --- the scenarios ----------------------------------------------------------------------------

    def _s_done(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        if p.info.instant:
            yield from self._instant(p)
            yield from self._deliver(p)
            return
        yield from self._finish(p)
        if p.gaozhi:
            yield from self._verify(p, passed=True)

    _s_done_instant = _s_done

    def _s_done_denied(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=max(0, p.info.limit // 3), outcome="reject")
        yield from self._decide(p, days=1, outcome="reject")
        yield from self._deliver(p)

    def _s_done_paused(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)
        yield from self._pause(p, end=True)
        yield from self._decide(p, days=p.rng.choice((0, 1)))
        yield from self._certify(p)
        yield from self._deliver(p)

    def _s_done_extended(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=p.info.limit - 3)
        yield from self._extension(p, decide=True)
        # Decided after the first limit has run out, within the extended one.
        yield self.time.work_time(p.rng, p.accept_day + p.info.limit + p.rng.randint(1, 3), after=p.now)
        yield from self._decide(p)
        yield from self._certify(p)
        yield from self._deliver(p)

    def _s_done_returned(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)
        yield from self._decide(p, days=1, outcome="return")
        yield from self._review(p, within=1)
        yield from self._decide(p, days=p.rng.choice((0, 1)))
        yield from self._certify(p)
        yield from self._deliver(p)

    def _s_done_late(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=p.info.limit - 1)
        yield from self._decide(p, days=p.rng.randint(2, 3))
        yield from self._certify(p)
        yield from self._deliver(p)

    def _s_done_rongque(self, p: Plan) -> Script:
        yield from self._submit(p, leave_out=p.rongque_materials())
        yield from self._accept(p, rongque_days=p.rng.choice((5, 10)))
        yield from self._review(p, within=1)
        yield from self._fulfil_rongque(p)
        yield from self._decide(p, days=p.rng.choice((0, 1)))
        yield from self._certify(p)
        yield from self._deliver(p)

    def _verify(self, p: Plan, *, passed: bool) -> Script:
        commitment = CaseCommitment.objects.filter(case=p.case, kind=CaseCommitment.KIND_GAOZHI).first()
        if commitment is None:
            return
        yield self.later(p, p.rng.randint(5, 12), gap=(30, 240))
        note = p.rng.choice(texts.VERIFY_PASSED) if passed else texts.VERIFY_FAILED
        commitment_verify(actor=self._approver(p), commitment=commitment, passed=passed, note=note)

    _s_done_gaozhi = _s_done  # with p.gaozhi set: verified (属实) some days after the decision

    def _s_gaozhi_due(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._finish(p, review_within=min(1, p.info.limit - 1), decide_days=0)

    def _s_gaozhi_revoked(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._finish(p)
        yield from self._verify(p, passed=False)

    def _s_to_deliver(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)
        yield from self._decide(p, days=p.rng.choice((0, 1)))
        yield from self._certify(p)  # the licence waits at the window for the applicant

    def _s_review_open(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)

    def _s_decide_open(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)

    def _s_certify_open(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=0)
        yield from self._decide(p, days=1)

    def _s_due_soon(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=p.info.limit - 2)

    _s_overdue = _s_due_soon

    def _s_extension_pending(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=p.info.limit - 3)
        yield from self._extension(p, decide=False)

    def _s_suspended(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)
        yield from self._pause(p, end=False)

    def _s_rongque_open(self, p: Plan) -> Script:
        yield from self._submit(p, leave_out=p.rongque_materials())
        yield from self._accept(p, rongque_days=10)
        yield from self._review(p, within=1)

    def _s_rongque_overdue(self, p: Plan) -> Script:
        yield from self._submit(p, leave_out=p.rongque_materials())
        yield from self._accept(p, rongque_days=5)
        yield from self._review(p, within=2)

    def _s_queue(self, p: Plan) -> Script:
        # Applied online since yesterday (some overnight), or registered at a window today and not
        # yet accepted: the pre-review queue of today.
        yield from self._submit(p)

    def _s_queue_resubmitted(self, p: Plan) -> Script:
        yield from self._supplement(p, days_before=p.rng.randint(2, 4), resubmit=True)

    def _s_supplement(self, p: Plan) -> Script:
        yield from self._supplement(p, days_before=0, resubmit=False)

    def _supplement(self, p: Plan, *, days_before: int, resubmit: bool) -> Script:
        p.accept_day -= days_before
        flagged = [m for m in p.applicable() if m.source == "applicant"][: p.rng.randint(1, 2)]
        yield from self._submit(p)
        yield self.time.work_time(p.rng, p.accept_day, after=p.t)
        points = [SupplementPoint(problem=texts.supplement_problem(m.name), material_id=m.pk) for m in flagged]
        if not points:
            points = [SupplementPoint(problem="请补充提交申请人的联系方式和送达地址确认书", name="送达地址确认书")]
        case_request_supplement(actor=p.clerk, case=p.case, points=points)
        if resubmit:
            actor = p.actor_for_applicant
            yield self.later(p, p.rng.randint(1, max(1, days_before - 1)), gap=(60, 400))
            self._upload(p, actor, flagged)
            case_supplement_submit(actor=actor, case=p.case)

    def _s_not_accepted(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield self.time.work_time(p.rng, max(p.accept_day, self.time.index_on_or_after(p.now.date())), after=p.now)
        reasons = texts.REFUSE_REASONS_ENTERPRISE if p.enterprise is not None else texts.REFUSE_REASONS_PERSON
        case_refuse(actor=p.clerk, case=p.case, reason=p.rng.choice(reasons))

    def _s_withdrawn(self, p: Plan) -> Script:
        yield from self._submit(p)
        if not p.info.instant and p.rng.random() < 0.5:
            yield from self._accept(p)
            yield self.later(p, p.rng.randint(1, 2), gap=(60, 300))
        else:
            yield self.later(p, 0, gap=(60, 600))
        actor = p.owner if p.channel in ONLINE_CHANNELS else p.submitter
        case_withdraw(actor=actor, case=p.case, reason=p.rng.choice(texts.WITHDRAW_REASONS))

    def _s_terminated(self, p: Plan) -> Script:
        yield from self._submit(p)
        yield from self._accept(p)
        yield from self._review(p, within=1)
        yield self.later(p, p.rng.randint(1, 2), gap=(60, 240))
        reasons = texts.TERMINATE_REASONS_ENTERPRISE if p.enterprise is not None else texts.TERMINATE_REASONS_PERSON
        case_terminate(actor=self._head(p), case=p.case, reason=p.rng.choice(reasons))
