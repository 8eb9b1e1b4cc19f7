"""The issue's Done-when: two govhall deployments, each with its own database and seal key.

A is pytest-django's live server (新巴尔虎右旗, node 150727); B (新巴尔虎左旗, node 150726) is a
second Django process started here on its own SQLite file. A forwards a case to B, B's own clerk
and department accept and approve it (B's services, run in B's process), and A receives the
status and the decision document; a replayed request and an unknown node are refused.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from govhall.cases.models import Case, CaseDocument
from govhall.cases.services import case_deliver, case_material_upload, case_submit
from govhall.cases.tests.case_steps import PDF, plain_item
from govhall.crossregion import protocol, services
from govhall.crossregion.models import CaseRoute, Message

ROOT = Path(__file__).resolve().parents[3]
B_NODE = "150726"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NodeB:
    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "govhall.crossregion.tests.node_settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}",
            "GOVHALL_VAR_DIR": str(tmp_path / "b_var"),
            "GOVHALL_SEAL_KEY": "b7e1c0d2a9f84e6b3c5d7e9f1a2b4c6d",
            "GOVHALL_COUNTY_CODE": B_NODE,
            "GOVHALL_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--nothreading"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/crossregion/node", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("node B did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


@pytest.fixture
def node_b(tmp_path):
    node = NodeB(tmp_path)
    try:
        yield node
    finally:
        node.stop()


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST", headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_case_forwarded_to_another_deployment_comes_back_decided(live_county, live_server, node_b, settings):
    county = live_county
    clerk, sysadmin = county.users["clerk"], county.users["sysadmin"]
    local_item = plain_item()
    a_key = protocol.node_key()

    # B: its own database, reference data, one department and the item; A registered as its peer.
    node_b.manage("migrate", "--run-syncdb", "--noinput", timeout=120)
    seeded = json.loads(
        node_b.manage(
            "crossregion_test_node", "seed", "--peer-node", a_key.node_id, "--peer-name", a_key.name,
            "--peer-url", live_server.url, "--peer-key", a_key.public_key,
        ).strip().splitlines()[-1]
    )  # fmt: skip
    assert seeded["node_id"] == B_NODE
    node_b.start()

    # A: B as a peer, B's item, and the agreement: A's hall accepts it for B.
    peer = services.peer_save(actor=sysadmin, node_id=B_NODE, name="新巴尔虎左旗", base_url=node_b.url, public_key=seeded["public_key"])
    remote = services.remote_item_save(actor=sysadmin, peer=peer, code=local_item.code, name="食品经营许可证注销")
    assert remote.local_item == local_item
    import datetime as dt

    services.agreement_save(
        actor=sysadmin,
        data=services.AgreementData(
            name="新巴尔虎右旗—新巴尔虎左旗跨旗通办",
            valid_from=dt.date(2026, 1, 1),
            accepting_centres=(county.centre,),
            handling_peer=peer,
            remote_items=(remote,),
        ),
    )

    # The applicant at A's window.
    from govhall.applicants.services import person_register

    person = person_register(
        actor=clerk, name="巴特尔", id_number="150727200501011232", phone="13800001234", user=county.users["applicant"]
    )
    case = case_submit(
        actor=clerk,
        item=local_item,
        applicant_person=person,
        channel=Case.CHANNEL_CROSS_REGION,
        answers=[],
        form={"注销原因": "停止经营"},
        idempotency_key=None,
        window=county.windows["综合1"],
    )
    case_material_upload(actor=clerk, case=case, material=local_item.current.materials.first(), data=PDF, filename="申请书.pdf")

    services.case_forward(actor=clerk, case=case, remote_item=remote)

    route = CaseRoute.objects.get(case=case)
    assert route.remote_number, Message.objects.values("status", "last_error").first()
    assert route.remote_number.startswith("11150726MB12345681" + local_item.code)
    assert case.events.filter(kind="crossregion_received").exists()

    # B accepts and approves in its own process, against its own database; it pushes the status.
    processed = json.loads(node_b.manage("crossregion_test_node", "process", "--number", route.remote_number).strip().splitlines()[-1])
    assert processed["decision"] == "approved"
    assert processed["status"] == Case.STATUS_DONE  # B closed it: the result goes out at A

    case.refresh_from_db()
    route.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    assert case.decision == Case.DECISION_APPROVED
    labels = [e.after.get("label") for e in case.events.filter(kind="crossregion_status").order_by("seq")]
    assert labels == ["对端已受理", "对端已作出决定"]
    document = CaseDocument.objects.get(case=case, kind=CaseDocument.KIND_APPROVAL)
    assert document.number.endswith(f"（{B_NODE}）")
    from govhall.cases.documents import document_pdf

    assert document_pdf(document).startswith(b"%PDF-")

    # Delivered at A's window, where the applicant chose.
    case_deliver(actor=clerk, case=case, method=Case.DELIVERY_WINDOW)
    case.refresh_from_db()
    assert case.status == Case.STATUS_DONE

    # The applicant sees where the case went and what came back.
    from django.test import Client

    client = Client()
    client.force_login(county.users["applicant"])
    from django.urls import reverse

    page = client.get(reverse("cases_applicant:case", args=[case.pk])).content.decode()
    assert "新巴尔虎左旗" in page and route.remote_number in page

    # A replayed request is refused, and a node B does not know is refused.
    body = protocol.canonical_json({"hello": "B"})
    path = "/api/crossregion/inbox/ping"
    headers = protocol.signed_headers("POST", path, body, receiver=B_NODE)
    assert _post(node_b.url + path, body, headers)[0] == 200
    status, answer = _post(node_b.url + path, body, headers)
    assert status == 409 and answer["detail"][0]["rule"] == "replay"
    settings.GOVHALL_NODE_ID = "150781"
    status, answer = _post(node_b.url + path, body, protocol.signed_headers("POST", path, body, receiver=B_NODE))
    assert status == 403 and answer["detail"][0]["rule"] == "unknown_peer"
