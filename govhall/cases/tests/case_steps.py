"""Steps the case behaviour tests share: moving the clock, applying, taking tasks, reading errors.

Plain functions (not fixtures), so every test module says in its own fixtures which county it
uses: the ordinary one in a test transaction, or a committed one for the threaded tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from unittest import mock

import pytest
from django.utils import timezone

from govhall.cases.models import Case, CaseTask
from govhall.cases.services import case_submit
from govhall.catalog.models import Item, Material
from govhall.core.errors import DomainError
from govhall.tests_support import item_payload

PDF = b"%PDF-1.4\n% test material\n"
# The food item's materials an applicant with answers q1.a (企业) and q2.y (冷藏冷冻) brings.
LAYOUT = "与食品经营相适应的主要设备设施布局、操作流程等文件"
COLD_STORAGE = "冷藏冷冻设施清单"
APPLICATION_FORM = "食品经营许可申请书"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """`hour` o'clock on `day` in Asia/Shanghai."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@contextlib.contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Everything inside happens at `hour` o'clock on `day` (services, auto_now fields, the log)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, hour)):
        yield


def submit(
    actor,
    item: Item,
    *,
    person=None,
    enterprise=None,
    channel: str = Case.CHANNEL_ONLINE,
    answers: Sequence[str] = ("q1.a", "q2.y"),
    key: str | None = None,
    gaozhi: bool = False,
) -> Case:
    return case_submit(
        actor=actor,
        item=item,
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=channel,
        answers=list(answers),
        form={"经营场所": "宝格德乌拉街1号"},
        idempotency_key=key,
        gaozhi=gaozhi,
    )


def material(case: Case, name: str) -> Material:
    return Material.objects.get(version=case.item_version, name=name)


def open_tasks(case: Case) -> list[CaseTask]:
    return list(CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).select_related("department").order_by("id"))


def only_open_task(case: Case) -> CaseTask:
    tasks = open_tasks(case)
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def event_kinds(case: Case) -> list[str]:
    return list(case.events.order_by("seq").values_list("kind", flat=True))


def first_error(caught: pytest.ExceptionInfo[DomainError]) -> tuple[str, str, str]:
    error = caught.value.errors[0]
    return error.field, error.rule, str(error.message)


def errors_of(caught: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str, str]]:
    return [(e.field, e.rule, str(e.message)) for e in caught.value.errors]


def instant_item() -> Item:
    """即办件: a 个体工商户 name check, decided at the window the same day."""
    from govhall.catalog.services import item_create

    return item_create(
        actor=None,
        data=item_payload(
            code="000111022000",
            name="个体工商户名称变更登记",
            item_type="20",
            handling_type="instant",
            legal_limit_days=1,
            promised_limit_days=0,
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_name="个体工商户营业执照",
            result_type="other",
            licence_type="",
            situations=[],
            materials=[{"name": "变更登记申请书", "originals": 1}],
            steps=[{"name": "受理", "role": "clerk", "limit_days": 0}],
        ),
    )


def plain_item() -> Item:
    """承诺件 whose result is a written decision, not a licence: 审查 → 决定, no 制证."""
    from govhall.catalog.services import item_create

    return item_create(
        actor=None,
        data=item_payload(
            code="000111033000",
            name="食品经营许可证注销",
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
