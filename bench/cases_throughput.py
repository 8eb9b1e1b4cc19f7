"""How many whole cases per second does the JSON API carry? (issue 4)

Full cases over HTTP against gunicorn (2 × CPUs + 1 sync workers) on PostgreSQL: the applicant
submits online, a clerk accepts (every material found in order), the department's approver reviews,
the section head decides, the approver issues the licence (制证), the clerk delivers it — each step
the way a client does it: the staff member lists their tasks, finds the case, completes the task.
Concurrent clients (threads), each with its own sessions (login form with CSRF, then the CSRF
token in X-CSRFToken). Reported in cases/s beside a bare JSON endpoint on the same server
(GET /api/calendar/is-working-day: routing, one indexed query, a small JSON) in requests/s.

The database is a fresh copy of the demo county for each run (see bench/pgdb.py).

    python -m bench.cases_throughput
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench import pgdb

DATABASE = "govhall_bench_http"
CLIENTS = int(os.environ.get("GOVHALL_BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("GOVHALL_BENCH_SECONDS", "20"))
PASSWORD = "bench-pw-" + "2026"  # set on the bench database only
ITEM_NAME = "食品经营许可证延续"  # 市场监督管理局, 承诺件 with a licence: review → decide → 制证
STAFF = {"clerk": "clerk01", "approver": "approver_scj", "head": "section_scj"}


# --- in the child process: the users and the item ------------------------------------------------


def setup() -> dict:
    """Passwords for the staff, one applicant (person with an account) per client, the item and its
    materials."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from stdnum.cn import ric

    from govhall.applicants.models import Person
    from govhall.catalog.models import Item, Material

    users = get_user_model().objects
    hashed = make_password(PASSWORD)
    users.filter(username__in=STAFF.values()).update(password=hashed)
    applicants = []
    for i in range(CLIENTS):
        user, _created = users.get_or_create(username=f"bench_applicant_{i}", defaults={"first_name": f"申请人{i}"})
        user.password = hashed
        user.save(update_fields=["password"])
        body = f"150727{2001 + i % 5}0101{100 + i:03d}"
        Person.objects.get_or_create(
            user=user, defaults={"name": f"申请人{i}", "id_number": body + ric.calc_check_digit(body + "0"), "phone": f"1390000{i:04d}"}
        )
        applicants.append(user.username)
    item = Item.objects.filter(name=ITEM_NAME).select_related("current_version").get()
    materials = list(Material.objects.filter(version=item.current_version).values_list("id", flat=True))
    return {"item": item.pk, "materials": materials, "applicants": applicants}


# --- the HTTP client -----------------------------------------------------------------------------


class ApiError(Exception):
    pass


class Client:
    """One user's session: cookies, the CSRF token, a new connection per request (gunicorn's sync
    workers close each one)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def call(self, method: str, path: str, *, body=None, form: dict | None = None, headers: dict | None = None, expect=(200, 201)):
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            data = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method != "GET":
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        self.requests += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status not in expect:
            raise ApiError(f"{method} {path} → {response.status}: {content[:400].decode(errors='replace')}")
        ctype = response.headers.get("Content-Type", "")
        return json.loads(content) if ctype.startswith("application/json") else content

    def login(self, username: str) -> Client:
        self.call("GET", "/login/")
        token = self.cookies["csrftoken"]
        self.call("POST", "/login/", form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}, expect=(302,))
        return self


# --- one case, step by step ----------------------------------------------------------------------


def complete_task(staff: Client, case_id: int, name: str) -> None:
    """The staff member opens their task list, finds the case, does the step."""
    for page in (1, 2, 3):
        listed = staff.call("GET", f"/api/cases/tasks?page={page}")
        task = next((t for t in listed["items"] if t["case"]["id"] == case_id and t["name"] == name), None)
        if task is not None:
            staff.call("POST", f"/api/cases/tasks/{task['id']}/complete", body={"outcome": "approve", "opinion": "符合条件"})
            return
        if not listed["items"]:
            break
    raise ApiError(f"task {name!r} of case {case_id} is not in the task list")


def one_case(applicant: Client, clerk: Client, approver: Client, head: Client, setup_data: dict) -> None:
    case = applicant.call(
        "POST",
        "/api/cases/submit",
        body={"item": setup_data["item"], "channel": "online", "answers": [], "form": {"经营场所": "阿拉坦额莫勒镇"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    case_id = case["id"]
    findings = [{"material": m, "result": "ok"} for m in setup_data["materials"]]
    clerk.call("POST", f"/api/cases/{case_id}/accept", body={"findings": findings})
    complete_task(approver, case_id, "审查")
    complete_task(head, case_id, "决定")
    complete_task(approver, case_id, "制证")
    done = clerk.call("POST", f"/api/cases/{case_id}/deliver", body={"method": "electronic"})
    if done["status"]["code"] != "done":
        raise ApiError(f"case {case_id} is {done['status']['code']!r} after delivery")


# --- load ----------------------------------------------------------------------------------------


def run_threads(worker: Callable[[int, Callable[[], bool]], int], seconds: float) -> tuple[int, float, list[str]]:
    """Run `worker(i, keep_going)` in CLIENTS threads for about `seconds`; (units done, elapsed, errors)."""
    deadline = time.perf_counter() + seconds
    results = [0] * CLIENTS
    errors: list[str] = []

    def target(i: int) -> None:
        try:
            results[i] = worker(i, lambda: time.perf_counter() < deadline)
        except Exception as exc:  # reported, and the figure is then not printed
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=target, args=(i,)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(results), time.perf_counter() - start, errors


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, var_dir: str, workers: int) -> subprocess.Popen:
    env = pgdb.child_env(DATABASE, var_dir)
    env.update(GOVHALL_DEBUG="0", SECRET_KEY="bench-" + uuid.uuid4().hex, GOVHALL_ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "govhall.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--worker-class=sync",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=pgdb.ROOT,
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            Client(port).call("GET", "/api/calendar/is-working-day?date=2026-11-25")
            return server
        except (OSError, ApiError):
            if server.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn was not ready within 60 s")


def bench(report: Callable[[str, str, str, str], None]) -> None:
    reason = pgdb.unavailable_reason()
    if reason:
        print(f"case throughput benchmark skipped: {reason}")
        return
    var_dir = tempfile.mkdtemp(prefix="govhall-bench-http-")
    pgdb.ensure_base(var_dir=var_dir)
    pgdb.drop(DATABASE)
    pgdb.ensure_copy(DATABASE, var_dir=var_dir)
    data = json.loads(pgdb.run_django(DATABASE, ["-m", "bench.cases_throughput", "setup"], var_dir=var_dir, capture=True))
    workers = 2 * (os.cpu_count() or 1) + 1
    port = free_port()
    server = start_server(port, var_dir, workers)
    try:
        sessions = []
        for i in range(CLIENTS):
            sessions.append(
                (
                    Client(port).login(data["applicants"][i]),
                    Client(port).login(STAFF["clerk"]),
                    Client(port).login(STAFF["approver"]),
                    Client(port).login(STAFF["head"]),
                )
            )
        for applicant, clerk, approver, head in sessions[:2]:  # warm every worker's connection and caches
            one_case(applicant, clerk, approver, head, data)

        def cases_worker(i: int, keep_going: Callable[[], bool]) -> int:
            done = 0
            while keep_going():
                one_case(*sessions[i], data)
                done += 1
            return done

        before = sum(c.requests for s in sessions for c in s)
        cases, case_seconds, errors = run_threads(cases_worker, SECONDS)
        requests_per_case = (sum(c.requests for s in sessions for c in s) - before) / max(cases, 1)
        bare_clients = [Client(port) for _ in range(CLIENTS)]

        def bare_worker(i: int, keep_going: Callable[[], bool]) -> int:
            done = 0
            while keep_going():
                bare_clients[i].call("GET", "/api/calendar/is-working-day?date=2026-11-25")
                done += 1
            return done

        bare, bare_seconds, bare_errors = run_threads(bare_worker, min(SECONDS, 10))
    finally:
        server.terminate()
        server.wait(timeout=30)
    if errors or bare_errors:
        print(f"case throughput benchmark failed: {(errors + bare_errors)[0]}")
        return
    case_rate, bare_rate = cases / case_seconds, bare / bare_seconds
    report(
        f"full case over the JSON API ({CLIENTS} clients, {workers} workers), cases/s",
        f"{case_rate:,.1f}",
        "bare GET /api/calendar/is-working-day",
        f"{bare_rate:,.0f} req/s (a case = {bare_rate / case_rate:,.0f} bare requests; it makes {requests_per_case:.0f} requests)",
    )


def main(argv: list[str]) -> None:
    if argv[:1] == ["setup"]:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
        django.setup()
        print(json.dumps(setup()))
        return

    def report(name: str, value: str, baseline_name: str, baseline: str) -> None:
        print(f"{name:<60} {value:>10}   vs {baseline_name}: {baseline}", flush=True)

    bench(report)


if __name__ == "__main__":
    main(sys.argv[1:])
