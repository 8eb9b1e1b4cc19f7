"""Build the demo county (新巴尔虎右旗) through the same services the product uses.

Idempotent: every row is looked up by its natural key (division code, department and centre name,
window number, username, item code, 公民身份号码, 统一社会信用代码) and only what is missing is
created; nothing that exists is changed, so a second run writes nothing and makes no new item
versions. History (下放, 划转) is applied to an item only if its event is not there yet, a 会商联审
process only to an item without a process, and the two months of cases (`cases.py`) only when none
of them exists. The whole load is one transaction: it either completes or leaves the database as it
was. It ends with the daily clock sweep, so overdue flags and reminders are those of today.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import enterprise_register, person_register
from govhall.cases.services import case_clock_sweep
from govhall.catalog.models import Item, ItemEvent
from govhall.catalog.services import item_create, item_delegate, item_transfer, item_update, version_to_data
from govhall.demo import history
from govhall.demo.agents_demo import load_agents_demo
from govhall.demo.anomalies_demo import load_anomalies_demo
from govhall.demo.bundles_demo import load_bundles_demo
from govhall.demo.cases import DAYS_BACK, bind_joint_reviews, load_cases
from govhall.demo.complaints_demo import load_complaints_demo
from govhall.demo.county import (
    ALL_DEPARTMENTS,
    CENTRE_ADDRESS,
    CENTRE_NAME,
    CENTRE_PHONE,
    COUNTY_CODE,
    COUNTY_WINDOWS,
    OFFICE_HOURS,
    TOWNSHIPS,
    VILLAGE_WINDOW,
    WindowSpec,
    township_windows,
)
from govhall.demo.crossregion_demo import load_crossregion_demo
from govhall.demo.hall_demo import load_hall_demo
from govhall.demo.histimport_demo import load_histimport_demo
from govhall.demo.items import all_item_specs
from govhall.demo.licences_demo import load_licences_demo
from govhall.demo.monitor_demo import load_monitor_demo
from govhall.demo.people import ENTERPRISES, person_specs, staff_names, staff_specs
from govhall.demo.ratings_demo import load_ratings_demo
from govhall.demo.shareddata_demo import load_shareddata_demo
from govhall.demo.supervision_demo import load_supervision_demo
from govhall.demo.surveys_demo import load_surveys_demo
from govhall.demo.villages import VILLAGES_CSV, village_names, village_rows
from govhall.org import roles
from govhall.org.divisions import ImportStats, import_file
from govhall.org.models import Department, Division, ServiceCentre, StaffProfile, Window
from govhall.org.services import department_save, window_set_items
from govhall.supervision.facts import projection_suspended

LABELS = {
    "villages": "村级区划",
    "departments": "部门",
    "centres": "服务中心和代办点",
    "windows": "窗口",
    "staff": "工作人员账号",
    "items": "事项",
    "delegated": "下放事项",
    "transferred": "划转事项",
    "window_items": "窗口可受理事项",
    "applicants": "申请人账号",
    "persons": "自然人",
    "enterprises": "企业",
    "processes": "会商联审流程",
    "cases": "办件",
    "clock": "办件期限检查（超期标记和到期提醒）",
    "seals": "电子印章",
    "licences": "电子证照",
    "shareddata": "共享数据",
    "shared_records": "共享数据记录",
    "shared_lookups": "共享数据查询记录",
    "case_data_uses": "免提交材料",
    "shareddata_owners": "共享数据源责任部门",
    "materials_licence_marked": "可由电子证照替代的材料",
    "hall": "大厅：业务类型、预约时段、排队号",
    "hall_types": "取号业务类型",
    "hall_slots": "预约时段",
    "hall_appointments": "网上预约",
    "hall_tickets": "排队号",
    "ratings": "好差评",
    "rating_followups": "差评整改",
    "complaints": "投诉和12345工单",
    "agents": "帮办代办",
    "crossregion": "跨区通办",
    "crossregion agreements": "通办协议",
    "crossregion peers": "对端节点",
    "crossregion cases": "跨区通办办件",
    "bundles": "一件事一次办套餐",
    "bundle_cases": "一件事办件",
    "item_form_fields": "设置申请表字段的事项",
    "agent_consents": "代办授权",
    "agent_handovers": "代办交接记录",
    "knowledge": "知识库条目",
    "cant_do": "办不成事反映",
    "supervision": "监管指标：办件事实与汇总",
    "supervision_facts": "监管办件事实（本系统办件）",
    "histimport": "历史办件导入",
    "history_records": "导入的历史办件记录",
    "history_anomalies": "历史记录中预置的异常",
    "anomalies": "异常预警复核与交办",
    "anomaly_hits": "异常预警",
    "anomaly_reviews": "已复核的异常",
    "anomaly_tasks": "交办任务",
    "anomaly_suggestions": "整改建议",
    "monitor": "监管月报",
    "monitor_reports": "监管月报",
    "surveys": "满意度调查",
    "survey_invitations": "满意度调查邀请",
    "survey_responses": "满意度调查答卷",
}


class DemoDataError(Exception):
    """The database is not ready for the demo (reference data missing)."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


@dataclass
class _County:
    departments: dict[str, Department] = field(default_factory=dict)
    centres: dict[str, ServiceCentre] = field(default_factory=dict)  # "county", township key, village code
    windows: list[tuple[Window, WindowSpec]] = field(default_factory=list)
    window_by_place: dict[tuple[str, str], Window] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    password_hash: str = ""

    def hashed(self, password: str) -> str:
        # One PBKDF2 hash for every demo account: hashing 230 passwords one by one would take most
        # of the load time, and they share the one published demo password anyway.
        self.password_hash = self.password_hash or make_password(password)
        return self.password_hash


def load_demo(*, password: str, log: Callable[[str], None] = lambda message: None) -> LoadReport:
    _require_reference_data()
    report = LoadReport()
    county = _County()
    phases = [
        ("villages", lambda: _villages(report)),
        ("departments", lambda: _departments(county, report)),
        ("centres", lambda: _centres_and_windows(county, report)),
        ("staff", lambda: _staff(county, password, report)),
        ("items", lambda: _items(county, report, log)),
        ("history", lambda: _history(county, report)),
        ("window_items", lambda: _window_items(county, report)),
        ("applicants", lambda: _applicants(county, password, report)),
        ("processes", lambda: _processes(county, report)),
        ("cases", lambda: _cases(county, report, log)),
        ("licences", lambda: load_licences_demo(report=report, log=log)),
        ("shareddata", lambda: load_shareddata_demo(report=report, log=log)),
        ("hall", lambda: load_hall_demo(report=report, log=log)),
        ("ratings", lambda: load_ratings_demo(report=report, log=log)),
        ("complaints", lambda: load_complaints_demo(report=report, log=log)),
        ("agents", lambda: load_agents_demo(report=report, log=log)),
        ("crossregion", lambda: load_crossregion_demo(report=report, log=log)),
        ("bundles", lambda: load_bundles_demo(report=report, log=log)),
        # Last: every case made above, bundle parts and cross-region cases too, gets today's flags.
        ("clock", lambda: _clock(log)),
        # Supervision reads the cases as they stand after the clock: their facts and rollups, then
        # the history imported from the old systems, the anomaly rules over both, last month's report.
        ("supervision", lambda: load_supervision_demo(report=report, log=log)),
        ("histimport", lambda: load_histimport_demo(report=report, log=log)),
        ("anomalies", lambda: load_anomalies_demo(report=report, log=log)),
        ("monitor", lambda: load_monitor_demo(report=report, log=log)),
        # After the cases (the sample) and the ratings; the scorecards read the answers when asked.
        ("surveys", lambda: load_surveys_demo(report=report, log=log)),
    ]
    # The case phases write thousands of cases: their supervision facts are projected once, by the
    # supervision phase, instead of on every save.
    with transaction.atomic(), projection_suspended():
        for name, phase in phases:
            started = time.perf_counter()
            phase()
            report.seconds[name] = time.perf_counter() - started
            log(f"{LABELS.get(name, '事项历史（下放、划转）')}：{report.seconds[name]:.1f} 秒")
    return report


def _require_reference_data() -> None:
    towns = [t.division_code for t in TOWNSHIPS]
    if Division.objects.filter(code__in=[COUNTY_CODE, *towns]).count() != len(towns) + 1:
        raise DemoDataError("缺少新巴尔虎右旗及其苏木镇的行政区划，请先运行 manage.py migrate 和 manage.py setup_reference_data")
    if Group.objects.filter(name__in=roles.ROLE_LABELS).count() != len(roles.ROLE_LABELS):
        raise DemoDataError("缺少角色，请先运行 manage.py setup_reference_data")


def _villages(report: LoadReport) -> None:
    stats = ImportStats()
    import_file(VILLAGES_CSV, Division.LEVEL_VILLAGE, "streetCode", stats)
    report.created["villages"] += stats.created + stats.renamed


def _departments(county: _County, report: LoadReport) -> None:
    existing = {d.name: d for d in Department.objects.filter(name__in=[s.name for s in ALL_DEPARTMENTS.values()])}
    divisions = Division.objects.in_bulk([s.division_code for s in ALL_DEPARTMENTS.values()])
    for key, spec in ALL_DEPARTMENTS.items():
        department = existing.get(spec.name)
        if department is None:
            department = department_save(
                actor=None,
                name=spec.name,
                short_name=spec.short_name,
                uscc=spec.uscc,
                kind=spec.kind,
                division=divisions[spec.division_code],
                phone=spec.phone,
                address=spec.address,
            )
            report.created["departments"] += 1
        county.departments[key] = department


def _centre(report: LoadReport, name: str, **defaults) -> ServiceCentre:
    centre, created = ServiceCentre.objects.get_or_create(name=name, defaults=defaults)
    report.created["centres"] += created
    return centre


def _window(county: _County, report: LoadReport, place: str, spec: WindowSpec, departments: list[Department]) -> None:
    centre = county.centres[place]
    window, created = Window.objects.get_or_create(
        centre=centre,
        number=spec.number,
        defaults={"name": spec.name, "kind": spec.kind, "accepts_all_items": spec.accepts_all_items},
    )
    if created:
        window.departments.set(departments)
        report.created["windows"] += 1
    county.windows.append((window, spec))
    county.window_by_place[(place, spec.number)] = window


def _centres_and_windows(county: _County, report: LoadReport) -> None:
    divisions = Division.objects.in_bulk([COUNTY_CODE] + [t.division_code for t in TOWNSHIPS] + [r["code"] for r in village_rows()])
    hall = _centre(
        report,
        CENTRE_NAME,
        level=ServiceCentre.LEVEL_COUNTY,
        division=divisions[COUNTY_CODE],
        address=CENTRE_ADDRESS,
        phone=CENTRE_PHONE,
        hours=OFFICE_HOURS,
    )
    county.centres["county"] = hall
    # The 26 departments stationed in the hall (seeds/001) and the 审批局 that runs it.
    resident = sorted({key for w in COUNTY_WINDOWS for key in w.departments} | {"spj"}, key=lambda k: ALL_DEPARTMENTS[k].number)
    for spec in COUNTY_WINDOWS:
        keys = list(spec.departments) or resident
        _window(county, report, "county", spec, [county.departments[k] for k in keys])

    names = village_names()
    for town in TOWNSHIPS:
        county.centres[town.key] = _centre(
            report,
            town.centre_name,
            level=ServiceCentre.LEVEL_TOWNSHIP,
            division=divisions[town.division_code],
            parent=hall,
            address=town.address,
            phone=town.phone,
            hours=OFFICE_HOURS,
        )
        for spec in township_windows(town):
            _window(county, report, town.key, spec, [county.departments[town.key]])
    for row in village_rows():
        town = next(t for t in TOWNSHIPS if t.division_code == row["streetCode"])
        county.centres[row["code"]] = _centre(
            report,
            f"{names[row['code']]}代办点",
            level=ServiceCentre.LEVEL_VILLAGE,
            division=divisions[row["code"]],
            parent=county.centres[town.key],
            address=f"新巴尔虎右旗{names[row['code']]}党群服务中心",
            phone=town.phone,
            hours="工作日 9:00-17:00，农忙和接羔季节预约上门代办",
        )
        _window(county, report, row["code"], VILLAGE_WINDOW, [county.departments[town.key]])


def _staff(county: _County, password: str, report: LoadReport) -> None:
    specs = staff_specs()
    names = staff_names()
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_LABELS)}
    for spec in specs:
        user = existing.get(spec.username)
        if user is None:
            user = User.objects.create(
                username=spec.username,
                first_name=names[spec.username],
                password=county.hashed(password),
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            user.groups.add(groups[spec.role])
            department = county.departments.get(spec.department)
            StaffProfile.objects.create(
                user=user,
                department=department,
                centre=county.centres.get(spec.centre),
                window=county.window_by_place.get((spec.centre, spec.window)),
                title=spec.title,
                phone=department.phone if department else CENTRE_PHONE,
            )
            report.created["staff"] += 1
        county.users[spec.username] = user


def _items(county: _County, report: LoadReport, log: Callable[[str], None]) -> None:
    existing = set(Item.objects.values_list("code", flat=True))
    for spec in all_item_specs():
        if spec.code in existing:
            continue
        item_create(actor=county.users[f"deptadmin_{spec.dept}"], data=spec.data, reason=history.CREATE_REASON)
        report.created["items"] += 1
        if report.created["items"] % 100 == 0:
            log(f"  已录入 {report.created['items']} 项事项")


def _history(county: _County, report: LoadReport) -> None:
    done = set(ItemEvent.objects.filter(kind__in=["delegated", "transferred"]).values_list("item__code", "kind"))
    specs = all_item_specs()
    for spec in specs:
        if not spec.delegate_to or (spec.code, "delegated") in done:
            continue
        item = Item.objects.get(code=spec.code)
        if item.status == Item.STATUS_CANCELLED:
            continue
        town = next(t for t in TOWNSHIPS if t.key == spec.delegate_to)
        township = county.departments[town.key]
        reason = history.DELEGATE_REASON.format(name=item.name, town=town.town)
        delegated = item_delegate(actor=county.users[f"deptadmin_{spec.dept}"], item=item, to_department=township, reason=reason)
        # The 苏木镇 then publishes its own guide: where to apply and whom to call.
        data = version_to_data(delegated) | {"location": f"{town.centre_name}农牧业和自然资源窗口", "phone": town.phone}
        item_update(
            actor=county.users[f"deptadmin_{town.key}"],
            item=item,
            data=data,
            reason=history.RELOCATE_REASON.format(centre=town.centre_name),
        )
        report.created["delegated"] += 1

    by_name = {(s.dept, s.data["name"]): s for s in specs if not s.delegate_to}
    bureau = county.departments["spj"]
    for dept_key, names in history.TRANSFERS.items():
        for name in names:
            spec = by_name[(dept_key, name)]
            if (spec.code, "transferred") in done:
                continue
            item = Item.objects.get(code=spec.code)
            if item.status == Item.STATUS_CANCELLED or item.department_id == bureau.id:
                continue
            reason = history.TRANSFER_REASON.format(department=ALL_DEPARTMENTS[dept_key].name, name=name)
            item_transfer(actor=county.users["admin"], item=item, to_department=bureau, reason=reason)
            report.created["transferred"] += 1


def _window_items(county: _County, report: LoadReport) -> None:
    """Fill the item list of a specialised window once; a list a centre admin has set is kept."""
    ids = dict(Item.objects.values_list("code", "id"))
    specs = [s for s in all_item_specs() if s.code in ids]
    configured = set(Window.items.through.objects.values_list("window_id", flat=True).distinct())
    places = {window.id: place for place, window in county.window_by_place.items()}
    for window, spec in county.windows:
        if window.id in configured or window.accepts_all_items:
            continue
        wanted = [ids[s.code] for s in specs if spec.accepts(s)]
        if wanted:
            centre = places[window.id][0]
            admin = county.users["centreadmin" if centre == "county" else f"centreadmin_{centre}"]
            window_set_items(actor=admin, window=window, items=wanted)
            report.created["window_items"] += len(wanted)


def _applicants(county: _County, password: str, report: LoadReport) -> None:
    """The residents (with an online account or without) and the enterprises, registered through
    the applicants' services (which check every 公民身份号码 and 统一社会信用代码), at dates before
    the cases they apply for."""
    specs = person_specs()
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs if s.username])}
    persons = {p.id_number: p for p in Person.objects.filter(id_number__in=[s.id_number for s in specs])}
    villages = Division.objects.in_bulk([s.village for s in specs], field_name="code")
    rng = random.Random(f"{COUNTY_CODE}-registrations")
    first_case_day = timezone.localdate() - dt.timedelta(days=DAYS_BACK)
    for spec in specs:
        registered = timezone.make_aware(dt.datetime.combine(first_case_day - dt.timedelta(days=rng.randint(20, 900)), dt.time(10)))
        user = users.get(spec.username) if spec.username else None
        if spec.username and user is None:
            user = User.objects.create(
                username=spec.username, first_name=spec.name, password=county.hashed(password), date_joined=registered
            )
            report.created["applicants"] += 1
        if user is not None:
            county.users[spec.username] = user
        if spec.id_number not in persons:
            with mock.patch("django.utils.timezone.now", return_value=registered):
                persons[spec.id_number] = person_register(
                    actor=None,
                    name=spec.name,
                    id_number=spec.id_number,
                    phone=spec.phone,
                    address=spec.address,
                    division=villages[spec.village],
                    user=user,
                )
            report.created["persons"] += 1
    representatives = {s.username: persons[s.id_number] for s in specs if s.username}
    existing = set(Enterprise.objects.filter(uscc__in=[e.uscc for e in ENTERPRISES]).values_list("uscc", flat=True))
    for company in ENTERPRISES:
        if company.uscc in existing:
            continue
        representative = representatives[company.representative]
        registered = timezone.make_aware(dt.datetime.combine(first_case_day - dt.timedelta(days=rng.randint(100, 1500)), dt.time(10)))
        with mock.patch("django.utils.timezone.now", return_value=registered):
            enterprise_register(
                actor=None,
                name=company.name,
                uscc=company.uscc,
                legal_representative_name=representative.name,
                legal_representative=representative,
                address=company.address,
                phone=company.phone,
            )
        report.created["enterprises"] += 1


def _processes(county: _County, report: LoadReport) -> None:
    # Set by the system administrator a month before the first demo case.
    at = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=DAYS_BACK + 30), dt.time(16)))
    report.created["processes"] += bind_joint_reviews(actor=county.users["sysadmin01"], departments=county.departments, at=at)


def _cases(county: _County, report: LoadReport, log: Callable[[str], None]) -> None:
    report.created["cases"] += load_cases(users=county.users, log=log)


def _clock(log: Callable[[str], None]) -> None:
    """What `manage.py clock_sweep` does every night, run now: today's overdue flags and reminders."""
    sweep = case_clock_sweep()
    log(f"  超期标记 {sweep.overdue_marked} 件，提醒 {sweep.reminders} 条，特别程序中期限更新 {sweep.suspended_refreshed} 件")
