"""Do the everyday case lists stay fast over ten years of cases? (issue 4)

p50/p95 latency of
  (a) an approver's task list: `tasks_for_staff`, a page of 50, with `remaining_days` for it;
  (b) an applicant's case list: `cases_for_applicant`, the first page of 20;
  (c) tracking by number: `case_for_tracking` and the steps shown with it;
measured on a database with 10 cases and on one with a million (goal: the million < 2× the ten),
both PostgreSQL copies of the demo county. The million are generated once by bench/cases_data.py
(minutes) and kept; measuring takes seconds.

    python -m bench.cases_scale            # prepare what is missing, measure, print
    python -m bench.cases_scale --explain  # EXPLAIN ANALYZE of the three queries on both databases

Measuring runs in a child process per database (`serve`), both probed in turn.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from bench import pgdb

LARGE = int(os.environ.get("GOVHALL_BENCH_CASES", "1000000"))
SMALL = 10
ITERATIONS = 200  # per query and database
ROUNDS = 10
APPROVER = "approver_scj"  # 市场监督管理局: the department with the most items


def database_for(cases: int) -> str:
    return f"govhall_bench_cases_{cases}"


# --- in the child process (Django on one database) ------------------------------------------------


def subjects() -> tuple:
    """(approver, applicant user, sample of (number, query code)) — chosen the same way in both
    databases: the applicant is the person with an account who applied last."""
    from django.contrib.auth import get_user_model

    from govhall.cases.models import Case

    approver = get_user_model().objects.get(username=APPROVER)
    applicant_id = (
        Case.objects.filter(applicant_person__user__isnull=False)
        .order_by("-id")
        .values_list("applicant_person__user_id", flat=True)
        .first()
    )
    if applicant_id is None:
        raise RuntimeError("no case by a person with an account: was the database generated?")
    applicant = get_user_model().objects.get(pk=applicant_id)
    top = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = random.Random(4).sample(range(1, top + 1), min(top, 400))
    tracked = list(Case.objects.filter(pk__in=ids, number__isnull=False).values_list("number", "query_code"))
    return approver, applicant, tracked


def serve() -> None:
    """The child's loop: print what the database holds, then for each line "<probe> <n>" on stdin
    run the probe n times and print the n durations (seconds) as JSON."""
    from django.contrib.auth import get_user_model

    from govhall.cases.clock import remaining_days
    from govhall.cases.models import Case
    from govhall.cases.selectors import case_for_tracking, cases_for_applicant, tasks_for_staff

    users = get_user_model().objects
    approver, applicant, tracked = subjects()
    counter = iter(range(10**9))

    def task_page(user) -> None:
        tasks = list(tasks_for_staff(user=user)[:50])
        remaining_days([t.case for t in tasks])

    def applicant_page(user) -> None:
        list(cases_for_applicant(user=user)[:20])

    def track(_user) -> None:
        number, code = tracked[next(counter) % len(tracked)]
        case = case_for_tracking(number=number, code=code)
        list(case.events.order_by("seq"))

    probes = {"tasks": (task_page, approver.pk), "applicant": (applicant_page, applicant.pk), "track": (track, applicant.pk)}
    print(
        json.dumps(
            {
                "cases": Case.objects.count(),
                "open_tasks": tasks_for_staff(user=users.get(pk=approver.pk)).count(),
                "applicant_cases": cases_for_applicant(user=applicant).count(),
            }
        ),
        flush=True,
    )
    for line in sys.stdin:
        name, n = line.split()
        probe, user_id = probes[name]
        samples = []
        for _ in range(int(n)):
            # A fresh user object each time, as in a request: permissions and profile are read again.
            user = users.get(pk=user_id)
            start = time.perf_counter()
            probe(user)
            samples.append(time.perf_counter() - start)
        print(json.dumps(samples), flush=True)


def explain() -> str:
    from django.contrib.auth import get_user_model

    from govhall.cases.models import Case
    from govhall.cases.selectors import cases_for_applicant, tasks_for_staff

    approver, applicant, tracked = subjects()
    users = get_user_model().objects
    parts = []
    for title, qs in (
        (f"tasks_for_staff({APPROVER})[:50]", tasks_for_staff(user=users.get(pk=approver.pk))[:50]),
        (f"cases_for_applicant(user #{applicant.pk})[:20]", cases_for_applicant(user=users.get(pk=applicant.pk))[:20]),
        ("case_for_tracking: case by number", Case.objects.select_related("item_version").filter(number=tracked[0][0])[:1]),
    ):
        parts.append(f"--- {title}\n{qs.explain(analyze=True, buffers=True)}")
    return "\n\n".join(parts)


# --- in the parent process --------------------------------------------------------------------------


def prepare(var_dir: str, log=print) -> None:
    """The base database, the two copies and their cases (each step skipped when already done)."""
    pgdb.ensure_base(var_dir=var_dir, log=log)
    for cases in (SMALL, LARGE):
        database = database_for(cases)
        pgdb.ensure_copy(database, var_dir=var_dir, without_cases=True)
        if pgdb.meta_get(database, "scale_complete") != str(cases):
            log(f"  generating {cases:,} cases in {database} (resumable; kept for later runs)…")
        pgdb.run_django(database, ["-m", "bench.cases_data", str(cases)], var_dir=var_dir)


def run_child(database: str, command: str, var_dir: str) -> str:
    return pgdb.run_django(database, ["-m", "bench.cases_scale", command], var_dir=var_dir, capture=True)


class Prober:
    """A `serve` child on one database."""

    def __init__(self, database: str, var_dir: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.cases_scale", "serve"],
            cwd=pgdb.ROOT,
            env=pgdb.child_env(database, var_dir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.info = json.loads(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the measuring process ended (exit code {self.process.wait()})")
        return line

    def run(self, probe: str, n: int) -> list[float]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{probe} {n}\n")
        self.process.stdin.flush()
        return json.loads(self._line())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


PROBES = {
    "tasks": "approver's tasks, page of 50 + remaining days",
    "applicant": "applicant's cases, first page of 20",
    "track": "tracking by number + steps",
}


def _ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] * 1000


def bench(report: Callable[[str, str, str, str], None]) -> None:
    reason = pgdb.unavailable_reason()
    if reason:
        print(f"case scale benchmark skipped: {reason}")
        return
    var_dir = tempfile.mkdtemp(prefix="govhall-bench-cases-")
    prepare(var_dir)
    small, large = Prober(database_for(SMALL), var_dir), Prober(database_for(LARGE), var_dir)
    samples: dict[tuple[str, str], list[float]] = {(probe, size): [] for probe in PROBES for size in ("small", "large")}
    try:
        # Both databases in turn, a few iterations at a time, so a busy moment of the machine
        # falls on both alike; the first round warms connections, plans and buffers.
        for round_no in range(ROUNDS + 1):
            for probe in PROBES:
                pair = [("small", small), ("large", large)]
                for size, prober in pair if round_no % 2 else reversed(pair):
                    durations = prober.run(probe, ITERATIONS // ROUNDS)
                    if round_no:
                        samples[probe, size] += durations
    finally:
        small.close()
        large.close()
    print(
        f"  {large.info['cases']:,} cases: {APPROVER} has {large.info['open_tasks']:,} open tasks, the applicant "
        f"{large.info['applicant_cases']} cases; {small.info['cases']} cases: {small.info['open_tasks']} and "
        f"{small.info['applicant_cases']}"
    )
    for probe, label in PROBES.items():
        big, few = samples[probe, "large"], samples[probe, "small"]
        b50, b95, f50, f95 = _ms(big, 0.5), _ms(big, 0.95), _ms(few, 0.5), _ms(few, 0.95)
        report(
            f"{label}, {large.info['cases']:,} cases, p50/p95 ms",
            f"{b50:.2f} / {b95:.2f}",
            f"{small.info['cases']} cases",
            f"{f50:.2f} / {f95:.2f} ms ({b50 / f50:.2f}× / {b95 / f95:.2f}×; goal < 2×)",
        )


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "bench"
    if command in ("serve", "explain"):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
        django.setup()
        if command == "serve":
            serve()
        else:
            print(explain())
        return
    reason = pgdb.unavailable_reason()
    if reason:
        print(f"case scale benchmark skipped: {reason}")
        return
    var_dir = tempfile.mkdtemp(prefix="govhall-bench-cases-")
    if command == "--explain":
        prepare(var_dir)
        for cases in (SMALL, LARGE):
            print(f"===== {database_for(cases)}\n{run_child(database_for(cases), 'explain', var_dir)}")
        return

    def report(name: str, value: str, baseline_name: str, baseline: str) -> None:
        print(f"{name:<60} {value:>18}   vs {baseline_name}: {baseline}", flush=True)

    bench(report)


if __name__ == "__main__":
    main(sys.argv[1:])
