"""Shared data of the demo county (DATA-2): what the 公安局, 民政局, 人社局, 不动产登记中心 and
市场监督管理局 hold about the demo people and enterprises, and the look-ups already made for the
demo cases (materials waived at submission, clerks checking at acceptance).

Deterministic (seeded by the county code); does nothing when records already exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db.models import F

from govhall.cases.models import Case, CaseMaterial
from govhall.catalog.models import Material
from govhall.catalog.selectors import applicable
from govhall.demo.county import COUNTY_CODE
from govhall.demo.people import ENTERPRISES, HAN_GIVEN, HAN_SURNAMES, RESIDENT_HAN_GIVEN, person_specs
from govhall.shareddata.models import CaseDataUse, DataSource, LookupLog, SharedRecord
from govhall.shareddata.registry import source_code_for
from govhall.shareddata.services import PURPOSE_SUBMISSION, ROLE_SELF, sources_link_owners

POLICE_STATIONS = {
    "150727100": "阿拉坦额莫勒派出所",
    "150727101": "阿日哈沙特派出所",
    "150727102": "呼伦派出所",
    "150727200": "贝尔派出所",
    "150727201": "克尔伦派出所",
    "150727202": "达赉派出所",
    "150727203": "宝格德乌拉派出所",
}
CAPITAL = {"91": ("100万元", "200万元", "500万元", "1000万元", "3000万元"), "93": ("50万元", "120万元"), "92": ("10万元",)}
ENTERPRISE_TYPES = {"91": "有限责任公司（自然人投资或控股）", "93": "农民专业合作社", "92": "个体工商户"}
# Share of the demo cases whose acceptance clerk checked the applicant's household record.
CLERK_CHECK_SHARE = 0.25


def _han(name: str) -> bool:
    return name[0] in HAN_SURNAMES and name[1:] in HAN_GIVEN + RESIDENT_HAN_GIVEN


def _born(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _age(born: dt.date) -> int:
    return 2026 - born.year


def _mark_licence_materials() -> int:
    """A material that is itself an electronic licence (the 食品经营许可证 of a 变更 or 延续) can be
    replaced by it: name the licence type where the demo items left it empty."""
    from django.apps import apps

    try:
        names = set(apps.get_model("licences", "LicenceType").objects.values_list("name", flat=True))
    except LookupError:
        return 0
    return Material.objects.filter(licence_type="", name__in=names).update(licence_type=F("name"))


def load_shareddata_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    if SharedRecord.objects.exists():
        return
    report.created["shareddata_owners"] += sources_link_owners()
    # The demo cases were submitted (in the loader's `cases` phase) before these records existed:
    # their look-ups found nothing. They are replaced by the look-ups made below.
    LookupLog.objects.filter(purpose=PURPOSE_SUBMISSION, found=0).delete()
    report.created["materials_licence_marked"] += _mark_licence_materials()
    rng = random.Random(f"{COUNTY_CODE}-shareddata")
    sources = {s.code: s for s in DataSource.objects.all()}
    records: list[SharedRecord] = []

    def add(code: str, kind: str, subject: str, data: dict[str, Any], valid_from: dt.date | None = None) -> None:
        records.append(SharedRecord(source=sources[code], subject_kind=kind, subject_id=subject, data=data, valid_from=valid_from))

    people = person_specs()
    # 户籍: everyone, each the head of their own household (the demo has no family members).
    for n, spec in enumerate(people, start=1):
        born = _born(spec.id_number)
        add(
            "household",
            "person",
            spec.id_number,
            {
                "name": spec.name,
                "id_number": spec.id_number,
                "gender": "男" if int(spec.id_number[16]) % 2 else "女",
                "ethnicity": "汉族" if _han(spec.name) else "蒙古族",
                "birth_date": born.isoformat(),
                "address": spec.address,
                "household_number": f"{spec.village[:9]}{n:05d}",
                "household_head": spec.name,
                "relation": "户主",
                "police_station": "新巴尔虎右旗公安局" + POLICE_STATIONS.get(spec.village[:9], "阿拉坦额莫勒派出所"),
            },
        )
    # 婚姻登记: couples of a man and a woman of about the same age, about half of the adults.
    men = [p for p in people if int(p.id_number[16]) % 2 and _age(_born(p.id_number)) >= 24]
    women = [p for p in people if not int(p.id_number[16]) % 2 and _age(_born(p.id_number)) >= 22]
    rng.shuffle(men)
    married = 0
    for man in men:
        partner = next((w for w in women if abs(_born(w.id_number).year - _born(man.id_number).year) <= 6), None)
        if partner is None or rng.random() < 0.2:
            continue
        women.remove(partner)
        on = max(_born(man.id_number), _born(partner.id_number)).replace(day=1) + dt.timedelta(days=365 * rng.randint(23, 28) + 40)
        on = min(on, dt.date(2025, 10, 1))
        number = f"J150727-{on.year}-{rng.randrange(1, 999):06d}"
        for me, spouse in ((man, partner), (partner, man)):
            add(
                "marriage",
                "person",
                me.id_number,
                {
                    "status": "已婚",
                    "spouse_name": spouse.name,
                    "spouse_id_number": spouse.id_number,
                    "registered_on": on.isoformat(),
                    "certificate_number": number,
                    "registry": "新巴尔虎右旗民政局婚姻登记处",
                },
                on,
            )
        married += 1
    # 社保参保: most adults; herders in the 城乡居民 schemes, town people also in the employees' ones.
    for spec in people:
        born = _born(spec.id_number)
        if _age(born) < 18 or rng.random() < 0.12:
            continue
        town = spec.village[9:10] == "0"
        employed = town and _age(born) < 60 and rng.random() < 0.6
        since = max(born.replace(day=1) + dt.timedelta(days=365 * 20), dt.date(2009, 1, 1)) + dt.timedelta(days=rng.randrange(700))
        add(
            "social_security",
            "person",
            spec.id_number,
            {
                "insurance_types": "企业职工基本养老保险、职工基本医疗保险、失业保险、工伤保险"
                if employed
                else "城乡居民基本养老保险、城乡居民基本医疗保险",
                "status": "正常参保" if _age(born) < 60 or not employed else "退休待遇领取",
                "insured_since": min(since, dt.date(2025, 6, 1)).isoformat(),
                "employer": "新巴尔虎右旗"
                + rng.choice(("阿拉坦额莫勒镇个体工商户", "草原明珠餐饮有限公司", "巴尔虎乳业有限公司", "宏达燃气有限公司"))
                if employed
                else "",
                "card_number": f"K{spec.id_number[-9:]}",
            },
        )
    # 不动产登记: about four in ten households own their home (住宅), herders a 宅基地 house.
    for spec in people:
        if rng.random() > 0.4 or _age(_born(spec.id_number)) < 22:
            continue
        on = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
        town = spec.village[9:10] == "0"
        add(
            "real_estate",
            "person",
            spec.id_number,
            {
                "certificate_number": f"蒙（{on.year}）新巴尔虎右旗不动产权第{rng.randrange(1, 9999):07d}号",
                "location": spec.address,
                "usage": "住宅" if town else "宅基地/住宅",
                "area": f"{rng.randint(55, 140)}.{rng.randint(0, 99):02d}",
                "right_type": "国有建设用地使用权/房屋所有权" if town else "宅基地使用权/房屋所有权",
                "registered_on": on.isoformat(),
            },
            on,
        )
    # 企业登记: every demo enterprise, as on its 营业执照.
    representatives = {p.username: p for p in people if p.username}
    for n, firm in enumerate(ENTERPRISES):
        established = dt.date(2012 + n % 12, 1 + (n * 5) % 12, 1 + (n * 7) % 27)
        rep = representatives.get(firm.representative)
        add(
            "enterprise_registration",
            "enterprise",
            firm.uscc,
            {
                "name": firm.name,
                "uscc": firm.uscc,
                "enterprise_type": ENTERPRISE_TYPES[firm.registration],
                "legal_representative": rep.name if rep else "",
                "registered_capital": rng.choice(CAPITAL[firm.registration]),
                "established_on": established.isoformat(),
                "address": firm.address,
                "business_scope": "许可项目："
                + "、".join(firm.business[:4])
                + "。一般项目：除依法须经批准的项目外，凭营业执照依法自主开展经营活动",
                "status": "存续（在营、开业、在册）",
            },
            established,
        )
        if n % 3 == 0:  # some own their premises
            add(
                "real_estate",
                "enterprise",
                firm.uscc,
                {
                    "certificate_number": f"蒙（{established.year}）新巴尔虎右旗不动产权第{rng.randrange(1, 9999):07d}号",
                    "location": firm.address,
                    "usage": "商服用地/商业" if firm.registration == "91" else "设施农用地",
                    "area": f"{rng.randint(180, 2400)}.00",
                    "right_type": "国有建设用地使用权/房屋所有权",
                    "registered_on": established.isoformat(),
                },
                established,
            )
    SharedRecord.objects.bulk_create(records, batch_size=500)
    report.created["shared_records"] += len(records)
    log(f"共享数据：{len(records)} 条记录（婚姻登记 {married} 对）")
    _case_lookups(report, rng, sources)


def _case_lookups(report: Any, rng: random.Random, sources: dict[str, DataSource]) -> None:
    """The demo cases as if shared data had been there: materials waived at submission (and the
    applicant's look-up behind each), and some clerks checking the household record at acceptance."""
    held = set(SharedRecord.objects.values_list("source__code", "subject_kind", "subject_id"))
    cases = list(
        Case.objects.exclude(status=Case.STATUS_DRAFT)
        .filter(submitted_at__isnull=False)
        .select_related("applicant_person", "applicant_enterprise__legal_representative", "accepted_by__staff__centre", "window")
        .order_by("id")
    )
    uploaded = set(CaseMaterial.objects.filter(material__isnull=False).values_list("case_id", "material_id"))
    applicable_cache: dict[tuple[int, tuple[str, ...]], list] = {}
    uses: list[CaseDataUse] = []
    logs: list[LookupLog] = []
    pending: list[tuple[LookupLog, list[CaseDataUse]]] = []
    for case in cases:
        subjects = []
        if case.applicant_person is not None:
            subjects.append(("person", case.applicant_person.id_number))
        if case.applicant_enterprise is not None:
            subjects.append(("enterprise", case.applicant_enterprise.uscc))
            if case.applicant_enterprise.legal_representative is not None:
                subjects.append(("person", case.applicant_enterprise.legal_representative.id_number))
        key = (case.item_version_id, tuple(case.answers or []))
        if key not in applicable_cache:
            applicable_cache[key] = applicable(case.item_version, set(case.answers or []))[0]
        by_source: dict[tuple[str, str, str], list[CaseDataUse]] = {}
        for material in applicable_cache[key]:
            code = source_code_for(material.shared_source)
            if not code or (case.pk, material.pk) in uploaded:
                continue
            subject = next((s for s in subjects if (code, *s) in held), None)
            if subject is None:
                continue
            source = sources[code]
            use = CaseDataUse(
                case=case,
                material=material,
                material_name=material.name[:200],
                kind=CaseDataUse.KIND_SHARED,
                source=source,
                fields=[f["key"] for f in source.fields],
            )
            by_source.setdefault((code, *subject), []).append(use)
        online = case.channel in (Case.CHANNEL_ONLINE, Case.CHANNEL_MOBILE)
        for (code, kind, subject_id), rows in by_source.items():
            actor = case.submitted_by
            staff_side = not online
            log = LookupLog(
                actor=actor,
                actor_name=(actor.get_full_name() or actor.username)[:100] if actor else "",
                role="窗口人员" if staff_side else ROLE_SELF,
                department_name=(case.centre.name if staff_side and case.centre else ""),
                subject_kind=kind,
                subject_id=subject_id,
                source=sources[code],
                fields=[f["key"] for f in sources[code].fields],
                purpose=PURPOSE_SUBMISSION,
                case=case,
                found=1,
                at=case.submitted_at or case.created_at,
            )
            pending.append((log, rows))
        if case.accepted_by is not None and case.accepted_at is not None and subjects and rng.random() < CLERK_CHECK_SHARE:
            kind, subject_id = subjects[0]
            code = "household" if kind == "person" else "enterprise_registration"
            if (code, kind, subject_id) in held:
                profile = getattr(case.accepted_by, "staff", None)
                unit = profile.centre.name if profile is not None and profile.centre is not None else ""
                if case.window is not None:
                    unit = f"{unit} {case.window.number}".strip()
                fields = ["name", "id_number", "address"] if kind == "person" else ["name", "uscc", "legal_representative", "address"]
                logs.append(
                    LookupLog(
                        actor=case.accepted_by,
                        actor_name=(case.accepted_by.get_full_name() or case.accepted_by.username)[:100],
                        role="窗口人员",
                        department_name=unit[:200],
                        subject_kind=kind,
                        subject_id=subject_id,
                        source=sources[code],
                        fields=fields,
                        purpose="受理核验申请人身份信息",
                        case=case,
                        found=1,
                        at=case.accepted_at - dt.timedelta(minutes=rng.randint(2, 15)),
                    )
                )
    created = LookupLog.objects.bulk_create([log for log, _rows in pending] + logs, batch_size=500)
    for (_log, rows), saved in zip(pending, created, strict=False):
        for use in rows:
            use.lookup = saved
            uses.append(use)
    CaseDataUse.objects.bulk_create(uses, batch_size=500, ignore_conflicts=True)
    report.created["shared_lookups"] += len(created)
    report.created["case_data_uses"] += len(uses)
