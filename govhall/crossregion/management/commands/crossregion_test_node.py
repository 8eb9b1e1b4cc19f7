"""A minimal second deployment for the two-deployment test (and for trying the protocol by hand):
`seed` loads just what a peer county needs; `process` runs that county's own services on a case
it received (its clerk accepts, its department approves), so its data lives only in its database.
"""

from __future__ import annotations

import io
import json

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govhall.catalog.services import item_create
from govhall.org import roles
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window
from govhall.tests_support import item_payload

DEPARTMENT = "新巴尔虎左旗市场监督管理局"
DEPARTMENT_USCC = "11150726MB12345681"
ITEM_CODE = "000111033000"


def _user(username: str, role: str, **profile) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": username})
    if created:
        user.set_password("govhall-test-pw")
        user.save()
        user.groups.add(Group.objects.get(name=role))
        StaffProfile.objects.create(user=user, **profile)
    return user


class Command(BaseCommand):
    help = "跨区通办测试节点：seed 载入对端所需的最少数据并登记对端；process 在本节点受理并审批一个转入的办件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed")
        seed.add_argument("--peer-node", required=True)
        seed.add_argument("--peer-name", required=True)
        seed.add_argument("--peer-url", required=True)
        seed.add_argument("--peer-key", required=True)
        process = sub.add_parser("process")
        process.add_argument("--number", required=True)
        process.add_argument("--decision", choices=["approve", "supplement"], default="approve")

    def handle(self, *args, **options):
        if options["action"] == "seed":
            self._seed(options)
        else:
            self._process(options)

    def _seed(self, options) -> None:
        from govhall.crossregion import protocol
        from govhall.crossregion.models import Peer
        from govhall.org.roles import ensure_roles

        quiet = io.StringIO()
        call_command("seed_calendar", stdout=quiet)
        call_command("import_divisions", prefix="15", no_progress=True, stdout=quiet)
        ensure_roles()
        with transaction.atomic():
            division = Division.objects.get(code=protocol.node_id())
            department, _c = Department.objects.get_or_create(
                name=DEPARTMENT, defaults={"short_name": "市场监管局", "uscc": DEPARTMENT_USCC, "division": division}
            )
            centre, _c = ServiceCentre.objects.get_or_create(
                name=f"{division.name}政务服务中心", defaults={"level": ServiceCentre.LEVEL_COUNTY, "division": division}
            )
            window, _c = Window.objects.get_or_create(
                centre=centre, number="A01", defaults={"name": "综合受理窗口", "kind": Window.KIND_COMPREHENSIVE, "accepts_all_items": True}
            )
            _user("b_clerk", roles.CLERK, centre=centre, window=window)
            _user("b_approver", roles.APPROVER, department=department)
            _user("b_head", roles.SECTION_HEAD, department=department)
            from govhall.catalog.models import Item

            if not Item.objects.filter(code=ITEM_CODE).exists():
                item_create(
                    actor=None,
                    data=item_payload(
                        code=ITEM_CODE,
                        name="食品经营许可证注销",
                        department=DEPARTMENT,
                        item_type="20",
                        legal_limit_days=10,
                        promised_limit_days=3,
                        commitment_allowed=False,
                        commitment_verify_days=None,
                        rongque=False,
                        result_name="注销决定书",
                        result_type="other",
                        licence_type="",
                        situations=[],
                        materials=[{"name": "注销申请书", "originals": 1}],
                        steps=[{"name": "审查", "role": "approver", "limit_days": 2}, {"name": "决定", "role": "leader", "limit_days": 1}],
                    ),
                )
            peer, _c = Peer.objects.update_or_create(
                node_id=options["peer_node"],
                defaults={
                    "name": options["peer_name"],
                    "base_url": options["peer_url"],
                    "public_key": options["peer_key"],
                    "enabled": True,
                },
            )
            peer.inbound_items.add(Item.objects.get(code=ITEM_CODE))
        key = protocol.node_key()
        self.stdout.write(json.dumps({"node_id": key.node_id, "name": key.name, "public_key": key.public_key}, ensure_ascii=False))

    def _process(self, options) -> None:
        from govhall.cases.models import Case, CaseTask
        from govhall.cases.services import SupplementPoint, case_accept, case_request_supplement, task_complete

        case = Case.objects.filter(number=options["number"]).first()
        if case is None:
            raise CommandError(f"no case {options['number']}")
        clerk, approver, head = (User.objects.get(username=n) for n in ("b_clerk", "b_approver", "b_head"))
        if options["decision"] == "supplement":
            case_request_supplement(actor=clerk, case=case, points=[SupplementPoint(problem="缺少法定代表人签字", name="注销申请书")])
        else:
            case_accept(actor=clerk, case=case)
            for _round in range(5):
                tasks = list(CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).order_by("id"))
                if not tasks:
                    break
                for task in tasks:
                    actor = approver if task.role in ("approver", "certifier") else head
                    task_complete(actor=actor, task=task, outcome=CaseTask.OUTCOME_APPROVE, opinion="同意")
        case.refresh_from_db()
        self.stdout.write(json.dumps({"number": case.number, "status": case.status, "decision": case.decision}, ensure_ascii=False))
