"""Ten years of a county's cases (2017 to today), written straight into PostgreSQL with COPY.

Run in a child process set up for the target database (see bench/pgdb.py):

    DATABASE_URL=postgres://…/govhall_bench_cases_1000000 python -m bench.cases_data 1000000

The demo county (`load_demo`) must be there: its items, departments, centres, windows and staff
are what the cases use. Generated: the applicants (bench/cases_people.py) and the cases with their
tasks, events, process instances, pauses, extensions, 告知承诺 and case-number counters.

Realism: volume grows year on year with a monthly pattern (春节 low in February, 国庆 in October,
spring and year-end peaks, the 2020 and late-2022 dips), almost all on working days (online ones
at weekends too); a few popular items take most cases; online and mobile grow from 8% to about
half; case numbers are 实施编码 + yyyyMMdd + the 4-digit daily sequence. Most cases are done;
recent ones are open at the stage their age implies (open tasks hold the process state the engine
would have saved, so they can be worked on), with a small overdue backlog.
Simplifications: no documents or uploaded materials; an event's hash is unique but the events do
not form a valid SM3 chain; every case uses its item's current version and the default process of
its kind (即办件 / 承诺件 / 承诺件 with 制证), not a 会商 binding.

Resumable: one transaction per month, recorded in `bench_meta`; an interrupted run continues with
the months still missing, and the same months always get the same cases.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench import pgdb
from bench.cases_county import (
    FIRST_DAY,
    LAST_DAY,
    PAUSE_KINDS,
    QUERY_CODE_ALPHABET,
    SEED,
    TZ,
    County,
    ItemRef,
    add_wd,
    at,
    channel_for,
    daily_plan,
    load_county,
    office_after,
    office_hours,
    process_path,
)
from bench.cases_people import People, load_people, make_people

# --- one case's life -----------------------------------------------------------------------------


@dataclass
class Draft:
    """One case as it stands at the end of the generated history."""

    id: int
    item: ItemRef
    number: str
    query_code: str
    channel: str
    person_id: int | None
    enterprise_id: int | None
    submitter: int | None
    on_behalf: bool
    gaozhi: bool
    submitted: dt.datetime
    clerk: int
    window: int
    status: str = "submitted"
    accepted_at: dt.datetime | None = None
    accepted_on: dt.date | None = None
    limit_days: int | None = None
    extension_days: int = 0
    due_date: dt.date | None = None
    overdue: bool = False
    decision: str = ""
    decided_at: dt.datetime | None = None
    decision_reason: str = ""
    delivery_method: str = ""
    delivered_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    closed_reason: str = ""
    updated_at: dt.datetime | None = None
    visits: int = 0
    last_visit: dt.date | None = None
    at_window: bool = False  # a clerk has handled it: centre and window are set
    events: list = field(default_factory=list)
    tasks: list = field(default_factory=list)

    def row(self) -> tuple:
        window = self.at_window or self.on_behalf
        return (
            self.id,
            self.number,
            self.query_code,
            self.on_behalf,
            self.channel,
            "[]",
            "{}",
            self.status,
            self.submitted,
            self.submitted,
            self.accepted_at,
            self.enterprise_id,
            self.person_id,
            self.item.id,
            self.item.version_id,
            self.submitter,
            self.clerk if self.accepted_at else None,
            self.accepted_on,
            self.item.centre_id if window else None,
            self.closed_reason,
            self.decided_at,
            self.decision,
            self.decision_reason,
            self.delivered_at,
            "",
            self.delivery_method,
            "",
            self.item.department_id,
            self.due_date,
            self.extension_days,
            self.finished_at,
            self.gaozhi,
            self.last_visit,
            self.limit_days,
            self.overdue,
            self.updated_at or self.submitted,
            self.visits,
            self.window if window else None,
        )


CASE_COLUMNS = (
    "id, number, query_code, on_behalf, channel, answers, form, status, created_at, submitted_at, accepted_at, "
    "applicant_enterprise_id, applicant_person_id, item_id, item_version_id, submitted_by_id, accepted_by_id, accepted_on, "
    "centre_id, closed_reason, decided_at, decision, decision_reason, delivered_at, delivery_address, delivery_method, "
    "delivery_note, department_id, due_date, extension_days, finished_at, gaozhi, last_visit_on, limit_days, overdue, "
    "updated_at, visits, window_id"
)
TABLES = {
    "cases": f"cases_case ({CASE_COLUMNS})",
    "tasks": "cases_casetask (case_id, spiff_id, spec, name, role, is_decision, department_id, centre_id, status, "
    "opened_at, completed_at, completed_by_id, outcome, opinion)",
    "events": "cases_caseevent (case_id, seq, kind, at, actor_id, before, after, prev_hash, hash)",
    "processes": "cases_processinstance (case_id, definition_id, state, finished, updated_at)",
    "pauses": "cases_casepause (case_id, kind, reason, started_on, ended_on, end_reason, started_by_id, ended_by_id)",
    "extensions": "cases_caseextension (case_id, days, reason, status, requested_by_id, requested_at, decided_by_id, decided_at, note)",
    "commitments": "cases_casecommitment (case_id, kind, text, due_date, status, created_by_id, created_at, closed_by_id, "
    "closed_at, materials, note)",
}


class Month:
    """The cases submitted in one month, as rows per table."""

    def __init__(self, county: County, people: People, end: dt.datetime, rng: random.Random, *, focus: bool):
        self.c, self.p, self.end, self.rng, self.focus = county, people, end, rng, focus
        self.rows: dict[str, list] = {name: [] for name in TABLES}
        self.counters: dict[tuple[str, dt.date], int] = {}

    def event(self, d: Draft, kind: str, when: dt.datetime, actor: int | None, before: dict, after: dict) -> None:
        if when <= self.end:
            d.events.append((kind, when, actor, before, after))
            d.updated_at = max(d.updated_at or when, when)

    def pick_person(self, year: int) -> tuple[int, int | None]:
        persons = self.p.persons
        if self.focus:  # the small database: one applicant, with an online account
            pid, uid, _birth = next(p for p in reversed(persons) if p[1] is not None)
            return pid, uid
        for _ in range(4):  # some people apply far more often than others; adults only
            pid, uid, birth = persons[int(len(persons) * self.rng.random() ** 1.5)]
            if birth <= year - 18:
                break
        return pid, uid

    def case(self, case_id: int, day: dt.date, item: ItemRef) -> None:
        rng, c, end = self.rng, self.c, self.end
        ordinal = day.toordinal()
        workday = ordinal in c.workday_set
        channel = channel_for(rng, day, workday, item.town)
        person_id = enterprise_id = None
        if item.for_enterprise and (not item.for_person or rng.random() < 0.25) and not self.focus:
            enterprise_id, user_id = self.p.enterprises[int(len(self.p.enterprises) * rng.random() ** 1.3)]
        else:
            person_id, user_id = self.pick_person(day.year)
        if channel in ("online", "mobile") and user_id is None:
            if workday:
                channel = "window"  # no online account: at the window
            else:  # at a weekend only people with an account apply
                for _ in range(20):
                    person_id, user_id = self.pick_person(day.year)
                    if user_id is not None:
                        break
                else:
                    return
                enterprise_id = None
        clerk, window = rng.choice(c.clerks.get(item.centre_id) or c.clerks[c.county_centre])
        if channel in ("online", "mobile"):
            hours = rng.choice((rng.uniform(8, 23), rng.uniform(9, 18), rng.uniform(19, 23)))
            submitter, on_behalf = user_id, False
        elif channel == "kiosk":
            hours, submitter, on_behalf = rng.uniform(7, 21), user_id, False
        else:
            hours = office_hours(rng)
            submitter, on_behalf = (rng.choice(c.agents) if channel == "agent_point" and c.agents else clerk), True
        submitted = at(ordinal, hours)
        if submitted > end:  # today's cases: earlier today
            submitted = max(at(ordinal, 0.2), end - dt.timedelta(minutes=rng.uniform(1, 240)))
        seq = self.counters.get((item.code, day), 0) + 1
        self.counters[(item.code, day)] = seq
        d = Draft(
            id=case_id,
            item=item,
            number=f"{item.code}{day:%Y%m%d}{seq:04d}",
            query_code="".join(rng.choice(QUERY_CODE_ALPHABET) for _ in range(6)),
            channel=channel,
            person_id=person_id,
            enterprise_id=enterprise_id,
            submitter=submitter,
            on_behalf=on_behalf,
            gaozhi=item.gaozhi and day.year >= 2019 and rng.random() < 0.15,
            submitted=submitted,
            clerk=clerk,
            window=window,
        )
        if on_behalf and channel != "agent_point":
            d.visits, d.last_visit = 1, day
        self.event(d, "submitted", submitted, submitter, {"status": "draft"}, {"status": "submitted", "channel": channel})
        accepted = self.prereview(d)
        if accepted is not None and accepted <= end:
            self.accept(d, accepted)
        self.emit(d)

    def prereview(self, d: Draft) -> dt.datetime | None:
        """At the window at once, online within a working day or two: not accepted, withdrawn,
        补正 first, or accepted (the moment returned)."""
        rng, c, end = self.rng, self.c, self.end
        if d.channel in ("window", "cross_region"):
            review = d.submitted + dt.timedelta(minutes=rng.uniform(3, 25))
        else:
            review = office_after(c, d.submitted, rng, spread=4.0)
            if rng.random() < 0.2:
                review = office_after(c, review + dt.timedelta(days=1), rng, spread=4.0)
        r = rng.random()
        if r < 0.03:
            if review <= end:
                d.status, d.finished_at, d.closed_reason, d.at_window = "not_accepted", review, "申请事项不属于本机关职权范围", True
                self.event(d, "not_accepted", review, d.clerk, {"status": "submitted"}, {"status": "not_accepted"})
            return None
        if r < 0.045:
            withdrawn = d.submitted + dt.timedelta(hours=rng.uniform(1, 40))
            if withdrawn <= end:
                d.status, d.finished_at, d.closed_reason = "withdrawn", withdrawn, "申请人主动撤回"
                self.event(d, "withdrawn", withdrawn, d.submitter, {"status": "submitted"}, {"status": "withdrawn"})
            return None
        if r >= 0.12:
            return review
        # 一次性告知补正, then the applicant brings or uploads what was missing (or never does).
        if review > end:
            return None
        d.status, d.at_window = "supplement", True
        self.event(d, "supplement_requested", review, d.clerk, {"status": "submitted"}, {"status": "supplement", "points": 2})
        if rng.random() < 0.08:
            gone = review + dt.timedelta(days=60)
            if gone <= end:
                d.status, d.finished_at, d.closed_reason = "withdrawn", gone, "逾期未补正，视为撤回申请"
                self.event(d, "withdrawn", gone, None, {"status": "supplement"}, {"status": "withdrawn"})
            return None
        back_day = add_wd(c, review.astimezone(TZ).date().toordinal(), rng.randint(1, 8))
        if back_day is None or at(back_day, 17.3) > end:
            return None
        back = at(back_day, rng.uniform(8.6, 17.2))
        d.status = "submitted"
        self.event(d, "supplemented", back, d.submitter, {"status": "supplement"}, {"status": "submitted"})
        if d.on_behalf and d.channel != "agent_point":
            d.visits, d.last_visit = d.visits + 1, dt.date.fromordinal(back_day)
        return back + dt.timedelta(minutes=rng.uniform(3, 25)) if d.on_behalf else office_after(c, back, rng, spread=4.0)

    def accept(self, d: Draft, accepted: dt.datetime) -> None:
        rng, c, end, item = self.rng, self.c, self.end, d.item
        accepted_on = accepted.astimezone(TZ).date().toordinal()
        extension = rng.randint(5, 10) if not item.instant and rng.random() < 0.01 else 0
        pause_days = rng.randint(3, 15) if not item.instant and rng.random() < 0.02 else 0
        due = add_wd(c, accepted_on, item.limit + extension + pause_days)
        if due is None:  # past the loaded calendar: the service would refuse to accept it yet
            return
        d.status, d.accepted_at, d.accepted_on, d.at_window = "in_progress", accepted, dt.date.fromordinal(accepted_on), True
        d.limit_days, d.extension_days, d.due_date = item.limit, extension, dt.date.fromordinal(due)
        self.event(d, "accepted", accepted, d.clerk, {"status": "submitted"}, {"status": "in_progress", "due_date": str(d.due_date)})
        dept = item.department_id
        approver = rng.choice(c.approvers.get(dept) or [d.clerk])
        head = rng.choice(c.heads.get(dept) or c.approvers.get(dept) or [d.clerk])
        # When each step is done, and by whom.
        if item.instant:
            code, steps = "instant", [(accepted + dt.timedelta(minutes=rng.uniform(2, 15)), d.clerk)]
        else:
            code = "promised_certify" if item.licence else "promised"
            r = rng.random()
            if (end - accepted).days < 540 and r < 0.004:  # the backlog: cases nobody finishes in time
                k = item.limit + extension + pause_days + rng.randint(15, 250)
            elif r < 0.02:  # late
                k = item.limit + extension + pause_days + rng.randint(1, 8)
            else:  # most are decided well within the promised limit
                k = max(1, round(item.limit * rng.uniform(0.15, 0.95))) + pause_days
            decide_day = add_wd(c, accepted_on, k)
            decide_at = at(decide_day, rng.uniform(8.6, 17.3)) if decide_day else end + dt.timedelta(days=3650)
            review_k = int(k * rng.uniform(0.3, 0.85))
            review_day = add_wd(c, accepted_on, review_k) if review_k else None
            review_at = at(review_day, rng.uniform(8.6, 17.3)) if review_day else accepted + dt.timedelta(hours=rng.uniform(0.3, 3))
            steps = [(min(review_at, decide_at - dt.timedelta(minutes=30)), approver), (decide_at, head)]
            if item.licence:
                steps.append((office_after(c, decide_at + dt.timedelta(hours=rng.uniform(0.5, 20)), rng), approver))
        # Termination (the applicant died, the enterprise was deregistered …) before the end.
        terminated = accepted + (steps[-1][0] - accepted) * rng.uniform(0.1, 0.9) if rng.random() < 0.004 else None
        finished = self.work(d, code, steps, approved=rng.random() >= (0.01 if item.instant else 0.035), terminated=terminated)
        if pause_days:
            self.pause(d, accepted_on, pause_days, approver, head)
        if extension and accepted + dt.timedelta(days=10) <= end:
            requested = accepted + dt.timedelta(days=rng.uniform(3, 10))
            self.rows["extensions"].append(
                (
                    d.id,
                    extension,
                    "案情复杂，需进行现场核查",
                    "approved",
                    approver,
                    requested,
                    head,
                    requested + dt.timedelta(hours=5),
                    "同意延期",
                )
            )
        if terminated is not None and terminated <= end:
            d.status, d.finished_at, d.closed_reason = "terminated", terminated, "申请人依法终止，办理终止"
            self.event(d, "terminated", terminated, head, {"status": "in_progress"}, {"status": "terminated"})
        elif finished:
            self.deliver(d, approver)
        if d.status in ("in_progress", "suspended"):
            d.overdue = d.due_date < end.date()

    def work(self, d: Draft, code: str, steps: list, *, approved: bool, terminated: dt.datetime | None) -> bool:
        """The tasks of the process up to the end of the history; True when the process finished."""
        end, item = self.end, d.item
        path = process_path(self.c, code, item.department_id, item.licence)
        decision_index = 0 if item.instant else 1
        opened = d.accepted_at
        assert opened is not None
        finished = False
        for index, (done, actor) in enumerate(steps):
            if opened > end or (terminated and opened > terminated):
                break
            spec = path[index][1][0]
            if terminated and terminated < done:
                status = "cancelled" if terminated <= end else "open"
            else:
                status = "done" if done <= end else "open"
            deciding = index == decision_index
            outcome = ("approve" if approved or not deciding else "reject") if status == "done" else ""
            d.tasks.append(
                (
                    spec.spiff_id,
                    spec.spec,
                    spec.name,
                    spec.role,
                    spec.is_decision,
                    None if spec.role == "clerk" else item.department_id,
                    item.centre_id if spec.role == "clerk" else None,
                    status,
                    opened,
                    done if status == "done" else None,
                    actor if status == "done" else None,
                    outcome,
                    {"approve": "同意", "reject": "不符合法定条件"}.get(outcome, ""),
                )
            )
            if status != "done":
                break
            self.event(d, "task_completed", done, actor, {}, {"task": spec.name, "outcome": outcome})
            if deciding:
                assert d.due_date is not None
                d.decision, d.decided_at = ("approved" if approved else "denied"), done
                d.decision_reason = "" if approved else "经审查，申请材料所述情况不符合法定条件"
                d.overdue = done.astimezone(TZ).date() > d.due_date
                self.event(d, "decided", done, actor, {}, {"decision": d.decision, "on_time": not d.overdue})
                if not approved:  # 不予: the process ends with the decision
                    finished = True
                    break
            opened = done
            finished = index == len(steps) - 1
        open_stage = next((i for i, task in enumerate(d.tasks) if task[7] == "open"), None)
        state = path[open_stage][0] if open_stage is not None else ""
        stopped = finished or (terminated is not None and terminated <= end)
        self.rows["processes"].append((d.id, self.c.definitions[code], state, stopped, d.updated_at))
        return finished

    def pause(self, d: Draft, accepted_on: int, days: int, approver: int, head: int) -> None:
        """A special procedure (专家评审 …) that stops the clock; still running at the end: 特别程序中."""
        start = add_wd(self.c, accepted_on, max(1, int(d.item.limit * 0.3)))
        if start is None or at(start, 9) > self.end or not d.tasks:
            return
        stop = add_wd(self.c, start, days)
        ended = dt.date.fromordinal(stop) if stop and at(stop, 17) <= self.end else None
        reason = "依法需要组织专家评审，所需时间不计入办理期限"
        self.rows["pauses"].append(
            (
                d.id,
                self.rng.choice(PAUSE_KINDS),
                reason,
                dt.date.fromordinal(start),
                ended,
                "专家评审结束" if ended else "",
                approver,
                head if ended else None,
            )
        )
        if ended is None and d.decided_at is None and d.status == "in_progress":
            d.status = "suspended"

    def deliver(self, d: Draft, approver: int) -> None:
        """一个窗口出件: electronic at once, collected at the window within days, or posted."""
        rng, end = self.rng, self.end
        last = max(task[9] for task in d.tasks)
        d.status = "to_deliver"
        if d.channel in ("online", "mobile"):
            method = rng.choices(("electronic", "window", "post"), (0.7, 0.2, 0.1))[0]
        else:
            method = rng.choices(("window", "post", "electronic"), (0.8, 0.1, 0.1))[0]
        if method == "electronic":
            delivered = last + dt.timedelta(minutes=rng.uniform(1, 30))
        elif method == "window" and d.item.instant and d.on_behalf:
            delivered = last + dt.timedelta(minutes=rng.uniform(1, 10))
        else:
            delivered = office_after(self.c, last + dt.timedelta(days=rng.uniform(0, 3)), rng)
        if delivered > end:
            return
        day = delivered.astimezone(TZ).date()
        if method == "window" and d.last_visit != day:
            d.visits, d.last_visit = d.visits + 1, day
        d.status, d.delivery_method, d.delivered_at, d.finished_at = "done", method, delivered, delivered
        self.event(d, "delivered", delivered, d.clerk, {}, {"method": method})
        self.event(d, "done", delivered, d.clerk, {"status": "to_deliver"}, {"status": "done", "decision": d.decision})
        if d.gaozhi and d.decision == "approved" and d.decided_at is not None:
            # 告知承诺: verified within 20 working days of the decision.
            due = add_wd(self.c, d.decided_at.astimezone(TZ).date().toordinal(), 20)
            if due:
                checked = at(due, 10)
                passed = checked <= end
                text = "申请人承诺所填信息和所附材料真实，符合许可条件"
                self.rows["commitments"].append(
                    (
                        d.id,
                        "gaozhi",
                        text,
                        dt.date.fromordinal(due),
                        "passed" if passed else "open",
                        approver,
                        d.decided_at,
                        approver if passed else None,
                        checked if passed else None,
                        "[]",
                        "",
                    )
                )

    def emit(self, d: Draft) -> None:
        self.rows["cases"].append(d.row())
        for task in d.tasks:
            self.rows["tasks"].append((d.id, *task))
        prev = ""
        for seq, (kind, when, actor, before, after) in enumerate(sorted(d.events, key=lambda e: e[1]), start=1):
            digest = hashlib.blake2b(f"{d.id}:{seq}".encode(), digest_size=32).hexdigest()
            self.rows["events"].append((d.id, seq, kind, when, actor, js(before), js(after), prev, digest))
            prev = digest


# --- writing -------------------------------------------------------------------------------------


def js(value: dict) -> str:
    return _js(tuple(value.items()))


@functools.cache
def _js(items: tuple) -> str:
    return json.dumps(dict(items), ensure_ascii=False)


def write_month(conn, month: Month) -> None:
    with conn.cursor() as cur:
        for name, target in TABLES.items():
            if month.rows[name]:
                pgdb.copy_rows(cur, target, month.rows[name])
        counters = ((code, day, last) for (code, day), last in month.counters.items())
        pgdb.copy_rows(cur, "cases_casenumbercounter (implementation_code, day, last)", counters)


# The tables that get millions of rows (their indexes are built after loading, see pgdb).
BULK_TABLES = ["cases_case", "cases_casetask", "cases_caseevent", "cases_processinstance", "cases_casenumbercounter"]


def generate(total: int, *, persons: int, enterprises: int, focus: bool = False, log=print) -> None:
    """Generate `total` cases (or finish an interrupted run); nothing to do when they are there.
    `focus`: the small database — the last week's 承诺件 of 市场监督管理局, all by one applicant."""
    from django.conf import settings
    from django.utils import timezone

    with pgdb.connect(settings.DATABASES["default"]["NAME"]) as conn:
        pgdb.meta_set(conn, "scale_target", str(total))
        conn.commit()
        if pgdb.meta(conn, "scale_complete") == str(total):
            return
        end_text = pgdb.meta(conn, "scale_end")
        if end_text is None:
            end = min(timezone.now().astimezone(TZ), dt.datetime.combine(LAST_DAY, dt.time(23, 59), tzinfo=TZ))
            pgdb.meta_set(conn, "scale_end", end.isoformat())
            conn.commit()
        else:
            end = dt.datetime.fromisoformat(end_text)
        started = time.perf_counter()
        conn.execute("set synchronous_commit = off")
        # Every reference is valid by construction: skip the per-row foreign-key triggers (Django's
        # deferred constraints would otherwise check every row again at commit).
        conn.execute("set session_replication_role = replica")
        if total >= 100_000:
            pgdb.indexes_off(conn, BULK_TABLES)
        done_months = {row[0] for row in conn.execute("select key from bench_meta where key like 'scale_month:%'")}
        county = load_county(department_only=_market_department() if focus else None)
        if pgdb.meta(conn, "scale_people") is None:
            make_people(conn, persons=persons, enterprises=enterprises, log=log)
            pgdb.meta_set(conn, "scale_people", "done")
            conn.commit()
        people = load_people(conn)
        first = (end - dt.timedelta(days=7)).date() if focus else FIRST_DAY
        months: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        for day, count in daily_plan(county, total, first, end.date()):
            months[f"{day:%Y-%m}"].append((day, count))
        next_id = 1
        made = 0
        for key, days in sorted(months.items()):
            if f"scale_month:{key}" in done_months:
                next_id += sum(n for _day, n in days)
                continue
            rng = random.Random(f"{SEED}-{key}")
            month = Month(county, people, end, rng, focus=focus)
            for day, n in days:
                for item in rng.choices(county.items, weights=county.item_weights, k=n):
                    month.case(next_id, day, item)
                    next_id += 1
            write_month(conn, month)
            pgdb.meta_set(conn, f"scale_month:{key}", str(len(month.rows["cases"])))
            conn.commit()
            made += len(month.rows["cases"])
            if key.endswith("-12") or key == max(months):
                log(f"  {key}: {made:,} cases written in this run ({made / (time.perf_counter() - started):,.0f}/s)")
        pgdb.indexes_on(conn, log)
        conn.execute("select setval(pg_get_serial_sequence('cases_case', 'id'), (select coalesce(max(id), 1) from cases_case))")
        pgdb.meta_set(conn, "scale_complete", str(total))
        conn.commit()
    with pgdb.connect(settings.DATABASES["default"]["NAME"], autocommit=True) as conn:
        conn.execute("vacuum analyze")
    log(f"  generated in {time.perf_counter() - started:,.0f} s")


def _market_department() -> int:
    from govhall.org.models import Department

    return Department.objects.get(short_name="市场监督管理局").pk


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    django.setup()
    wanted = int(sys.argv[1])
    small = wanted < 1000
    generate(wanted, persons=20 if small else 100_000, enterprises=5 if small else 20_000, focus=small)
