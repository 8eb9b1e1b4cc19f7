"""Demo electronic seals and licences (DATA-3).

Runs after the cases phase. The demo cases that ended with a licence already got theirs from the
case services (制证); this phase
- gives every department that issues licences in the demo catalog a seal (the others get one on
  their first licence),
- fills in a licence for any approved licence case that lacks one (a county loaded before the
  licences app existed),
- issues each demo enterprise that has none yet the 营业执照 it was registered with, by the 市场监督管理局, dated at
  its founding (a later application pre-fills from it), and a 食品经营许可证 for the food
  businesses, one of them past its five years so the wallet and the verify page show 已过期.
Idempotent: nothing happens once the prior 营业执照 exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.utils import timezone

from govhall.applicants.models import Enterprise
from govhall.cases.models import Case
from govhall.demo.county import COUNTY_CODE
from govhall.demo.people import ENTERPRISES
from govhall.licences.models import Licence, LicenceType, Seal
from govhall.licences.services import _current_seal, licence_issue, licence_issue_for_case, licence_type_for_version
from govhall.org.models import Department

MARKET = "新巴尔虎右旗市场监督管理局"
KIND = {"91": "有限责任公司（自然人投资或控股）", "92": "个体工商户", "93": "农民专业合作社"}


def load_licences_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    business = LicenceType.objects.get(code="YYZZ")
    # The prior licences are the only ones without a case: once they exist, this phase has run.
    if Licence.objects.filter(case__isnull=True).exists():
        return
    # Seals for every department whose items end with a licence issued here.
    issuing = set()
    from govhall.catalog.models import Item

    for item in Item.objects.filter(current_version__result_type="licence").select_related("current_version", "department"):
        if licence_type_for_version(item.current_version) is not None:
            issuing.add(item.department_id)
    had = set(Seal.objects.values_list("department_id", flat=True))
    for department in Department.objects.filter(pk__in=issuing - had):
        _current_seal(department)
        report.created["seals"] += 1

    # Approved licence cases without their licence (issued at the moment of the decision).
    missing = (
        Case.objects.filter(decision=Case.DECISION_APPROVED, item_version__result_type="licence", licence__isnull=True)
        .exclude(status__in=[Case.STATUS_IN_PROGRESS, Case.STATUS_SUSPENDED])
        .select_related("item_version", "department", "applicant_person", "applicant_enterprise")
    )
    for case in missing:
        with mock.patch("django.utils.timezone.now", return_value=case.decided_at or timezone.now()):
            if licence_issue_for_case(case=case, actor=None) is not None:
                report.created["licences"] += 1

    market = Department.objects.get(name=MARKET)
    food = LicenceType.objects.get(code="SPJYXKZ")
    today = timezone.localdate()
    rng = random.Random(f"{COUNTY_CODE}-licences")
    by_uscc = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[spec.uscc for spec in ENTERPRISES])}
    expired_done = False
    for spec in ENTERPRISES:
        enterprise = by_uscc.get(spec.uscc)
        if enterprise is None:
            continue
        founded = _working_day(today - dt.timedelta(days=rng.randint(400, 3650)))
        has_business = Licence.objects.filter(holder_enterprise=enterprise, licence_type=business, status=Licence.STATUS_VALID).exists()
        data = {
            "名称": enterprise.name,
            "类型": KIND.get(spec.registration, "有限责任公司"),
            "法定代表人": enterprise.legal_representative_name,
            "经营范围": "、".join(spec.business[:3]) + "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            "注册资本": f"{rng.choice([10, 30, 50, 100, 200])}万元人民币" if spec.registration == "91" else "—",
            "成立日期": founded.isoformat(),
            "住所": enterprise.address,
        }
        # A paper licence of the past, signed now as an e-licence (存量证照电子化): valid from its
        # original date, signed with today's seal.
        # (An enterprise registered through a demo case already holds the newer one.)
        if not has_business:
            licence_issue(actor=None, licence_type=business, department=market, holder=enterprise, data=data, valid_from=founded)
            report.created["licences"] += 1
        if "食品经营" in spec.business and not Licence.objects.filter(holder_enterprise=enterprise, licence_type=food).exists():
            # The first food business's permit is past its 5 years (食品经营许可管理办法): 已过期.
            issued = _working_day(founded + dt.timedelta(days=20) if expired_done else today - dt.timedelta(days=5 * 365 + 40))
            expired_done = True
            food_data = {
                "经营者名称": enterprise.name,
                "法定代表人（负责人）": enterprise.legal_representative_name,
                "住所": enterprise.address,
                "经营场所": enterprise.address,
                "主体业态": "餐饮服务经营者（小型餐馆）",
                "经营项目": "热食类食品制售",
            }
            licence_issue(actor=None, licence_type=food, department=market, holder=enterprise, data=food_data, valid_from=issued)
            report.created["licences"] += 1
    log(f"电子证照：{Licence.objects.count()} 本，电子印章：{Seal.objects.count()} 枚")


def _working_day(day: dt.date) -> dt.date:
    """The working day on or before `day` (a registration is dated on a day the office was open)."""
    from govhall.core.calendar import CalendarError, is_working_day

    try:
        while not is_working_day(day):
            day -= dt.timedelta(days=1)
    except CalendarError:
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
    return day
