"""Running the anomaly rules over the case facts and the ratings.

`scan` walks the facts in id ranges (chunks). For each chunk ONE query asks the database for the
rows that meet any row rule's condition, with one boolean column per rule saying which; only those
rows come back to Python, where each rule confirms its hit and describes it. The applicant rule
then groups rejections by applicant (a GROUP BY first, so only applicants with enough rejections
are read), and the rating rule groups ratings by device. Hits are unique per (rule, subject): a
second scan over the same data finds the same subjects and adds nothing.

Used three ways: the on-demand full scan a supervisor starts from the page (background job with
progress), the periodic scan of what changed since the last watermark (`scan_changed`), and the
benchmark (`bench/`), which reports records per second.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections
from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.anomalies.models import AnomalyHit, ScanState
from govhall.anomalies.rules import FACT_FIELDS, ROW_RULES, RULES, Context, Rule, enabled_rules
from govhall.catalog.models import Step
from govhall.ratings.models import Rating
from govhall.supervision.models import CaseFact

CHUNK_SIZE = 200_000
# Threads of the row scan on PostgreSQL (GOVHALL_ANOMALY_SCAN_WORKERS).
SCAN_WORKERS = int(os.environ.get("GOVHALL_ANOMALY_SCAN_WORKERS", "2"))
Progress = Callable[[int, int, str], None]

# Channels whose device is the rater's own phone or browser (the window pads are the hall's).
PERSONAL_CHANNELS = (Rating.CHANNEL_QR, Rating.CHANNEL_WEB, Rating.CHANNEL_APP)


@dataclass
class ScanResult:
    records: int = 0  # facts and ratings examined
    hits_created: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "hits_created": self.hits_created,
            "by_rule": dict(self.by_rule),
            "seconds": round(self.seconds, 2),
        }


def _context() -> Context:
    """The number of steps of each item's current version (for facts that carry no step count)."""
    rows = Step.objects.filter(version__item__current_version=F("version")).values("version__item_id").annotate(n=Count("id"))
    return Context(item_steps={r["version__item_id"]: r["n"] for r in rows})


def _fact_hit(rule: Rule, row: dict[str, Any], summary: str, detail: dict[str, Any], now: dt.datetime) -> AnomalyHit:
    return AnomalyHit(
        rule=rule.code,
        severity=rule.severity,
        subject_key=f"fact:{row['id']}",
        fact_id=row["id"],
        department_id=row["department_id"],
        centre_id=row["centre_id"],
        window_id=row["window_id"],
        division_id=row["division_id"],
        item_id=row["item_id"],
        occurred_on=row["accepted_on"] or row["decided_on"] or (timezone.localdate(row["submitted_at"]) if row["submitted_at"] else None),
        summary=summary[:300],
        detail={"source": row["source"], "external_id": row["external_id"], "case_id": row["case_id"], **detail},
        detected_at=now,
    )


def _save(hits: list[AnomalyHit], result: ScanResult) -> None:
    """Insert the hits whose (rule, subject) is new; count them per rule."""
    if not hits:
        return
    by_rule: dict[str, list[AnomalyHit]] = defaultdict(list)
    for hit in hits:
        by_rule[hit.rule].append(hit)
    fresh = []
    for code, group in by_rule.items():
        keys = [h.subject_key for h in group]
        known: set[str] = set()
        for start in range(0, len(keys), 5000):
            known.update(
                AnomalyHit.objects.filter(rule=code, subject_key__in=keys[start : start + 5000]).values_list("subject_key", flat=True)
            )
        new = [h for h in group if h.subject_key not in known]
        result.by_rule[code] += len(new)
        fresh += new
    # ignore_conflicts: a periodic scan running beside an on-demand one must not fail on a duplicate
    AnomalyHit.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    result.hits_created += len(fresh)


def _row_rules_query(facts: QuerySet[CaseFact], rules: list[Rule], params: dict[str, dict[str, Any]]) -> QuerySet[CaseFact]:
    conditions = {rule.code: rule.condition(params[rule.code]) for rule in rules if rule.condition}
    any_rule = Q()
    for condition in conditions.values():
        any_rule |= condition
    flags = {
        f"hit_{code}": Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        for code, condition in conditions.items()
    }
    return facts.filter(any_rule).annotate(**flags)


def _parallel_workers(workers: int | None) -> int:
    """Threads for the row scan: each has its own connection, so only on PostgreSQL and outside a
    transaction (another connection would not see the transaction's rows)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, workers if workers is not None else SCAN_WORKERS)


def scan_facts(
    facts: QuerySet[CaseFact],
    *,
    rules: list[Rule],
    result: ScanResult,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
) -> None:
    """Run the row rules over `facts` chunk by chunk (ids `chunk_size` apart), on PostgreSQL in
    `workers` threads at once: the database evaluates the conditions, which is most of the work."""
    bounds = facts.aggregate(low=Min("id"), high=Max("id"), n=Count("id"))
    total = bounds["n"] or 0
    result.records += total
    row_rules = [rule for rule in rules if rule.kind == "row" and rule.condition is not None]
    if not total or not row_rules:
        return
    ctx = _context()
    params = {rule.code: rule.values() for rule in row_rules}
    fields = [*FACT_FIELDS, *(f"hit_{rule.code}" for rule in row_rules)]
    low, high = bounds["low"], bounds["high"]
    lock = threading.Lock()
    chunks_done = [0]
    n_chunks = (high - low) // chunk_size + 1

    def run(start: int) -> None:
        chunk = facts.filter(id__gte=start, id__lt=start + chunk_size)
        now = timezone.now()
        hits = []
        for row in _row_rules_query(chunk, row_rules, params).values(*fields).iterator(chunk_size=2000):
            for rule in row_rules:
                if row[f"hit_{rule.code}"] and rule.confirm is not None:
                    found = rule.confirm(row, params[rule.code], ctx)
                    if found is not None:
                        hits.append(_fact_hit(rule, row, found[0], found[1], now))
        with lock:
            _save(hits, result)
            chunks_done[0] += 1
            done = total if chunks_done[0] == n_chunks else round(total * chunks_done[0] / n_chunks)
            if progress is not None:
                progress(done, total, _("已扫描 %(done)d / %(total)d 条办件") % {"done": done, "total": total})

    starts = range(low, high + 1, chunk_size)
    threads = _parallel_workers(workers)
    if threads == 1:
        for start in starts:
            run(start)
        return

    def run_in_thread(start: int) -> None:
        try:
            run(start)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(run_in_thread, start) for start in starts]:
            future.result()


# --- 同一申请人反复被驳回 -------------------------------------------------------------------------


def _rejections() -> QuerySet[CaseFact]:
    return CaseFact.objects.filter(Q(decision="denied") | Q(status="not_accepted")).exclude(applicant_key="")


def scan_applicants(*, result: ScanResult, applicant_keys: Iterable[str] | None = None) -> None:
    """Clusters of rejections of one applicant: from the earliest rejection, those within
    `within_days` days; a cluster of `min_rejections` or more is a hit, the next cluster starts
    after it. The subject is the applicant and the cluster's first fact, so a later rejection
    starts a new cluster rather than duplicating one already found."""
    rule = RULES["repeated_rejections"]
    p = rule.values()
    rejections = _rejections()
    if applicant_keys is not None:
        keys = list(applicant_keys)
        if not keys:
            return
        rejections = rejections.filter(applicant_key__in=keys)
    suspects = list(
        rejections.values("applicant_key")
        .annotate(n=Count("id"))
        .filter(n__gte=p["min_rejections"])
        .values_list("applicant_key", flat=True)
    )
    now = timezone.now()
    hits: list[AnomalyHit] = []
    span = dt.timedelta(days=p["within_days"])
    for start in range(0, len(suspects), 2000):
        rows = (
            _rejections()
            .filter(applicant_key__in=suspects[start : start + 2000])
            .values(
                "id",
                "applicant_key",
                "external_id",
                "source",
                "decided_at",
                "submitted_at",
                "department_id",
                "centre_id",
                "window_id",
                "division_id",
                "item_id",
                "decided_on",
                "accepted_on",
            )
            .order_by("applicant_key", "id")
        )
        per_applicant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for values in rows:
            row: dict[str, Any] = {**values, "moment": values["decided_at"] or values["submitted_at"]}
            if row["moment"] is not None:
                per_applicant[row["applicant_key"]].append(row)
        for key, found in per_applicant.items():
            found.sort(key=lambda r: (r["moment"], r["id"]))
            i = 0
            while i < len(found):
                cluster = [r for r in found[i:] if r["moment"] - found[i]["moment"] <= span]
                if len(cluster) >= p["min_rejections"]:
                    hits.append(_applicant_hit(rule, key, cluster, now))
                    i += len(cluster)
                else:
                    i += 1
    _save(hits, result)


def _applicant_hit(rule: Rule, key: str, cluster: list[dict[str, Any]], now: dt.datetime) -> AnomalyHit:
    first, last = cluster[0], cluster[-1]
    departments = Counter(r["department_id"] for r in cluster)
    department_id = departments.most_common(1)[0][0]
    days = (last["moment"] - first["moment"]).days
    summary = _("同一申请人（标识 %(key)s）%(days)d 天内被驳回 %(n)d 次") % {"key": key[:10], "days": days, "n": len(cluster)}
    return AnomalyHit(
        rule=rule.code,
        severity=rule.severity,
        subject_key=f"applicant:{key[:64]}:{first['id']}",
        fact_id=last["id"],
        department_id=department_id,
        centre_id=last["centre_id"],
        window_id=last["window_id"],
        division_id=last["division_id"],
        item_id=last["item_id"],
        occurred_on=last["decided_on"] or last["accepted_on"] or timezone.localdate(last["moment"]),
        summary=summary,
        detail={
            "applicant_key": key,
            "rejections": len(cluster),
            "days": days,
            "facts": [
                {
                    "id": r["id"],
                    "external_id": r["external_id"],
                    "source": r["source"],
                    "at": timezone.localtime(r["moment"]).isoformat(timespec="minutes"),
                }
                for r in cluster
            ],
        },
        detected_at=now,
    )


# --- 评价集中刷评 ---------------------------------------------------------------------------------


def scan_ratings(*, result: ScanResult, since_id: int = 0) -> int:
    """Ratings bunched on one device: `burst_count` or more within `burst_minutes` (a cluster
    starting at its first rating), or, for the raters' own devices (QR, web, app), one device
    giving `share_percent` % or more of a window's ratings on a day with at least
    `share_min_count` ratings. Returns the highest rating id seen."""
    rule = RULES["rating_burst"]
    p = rule.values()
    ratings = Rating.objects.exclude(device="")
    top = ratings.aggregate(top=Max("id"))["top"] or 0
    if since_id:
        new = ratings.filter(id__gt=since_id)
        first = new.aggregate(first=Min("created_at"))["first"]
        if first is None:
            return since_id
        # bursts and days that the new ratings belong to start at most a day earlier
        ratings = ratings.filter(created_at__gte=first - dt.timedelta(days=1), device__in=new.values("device"))
    result.records += ratings.filter(id__gt=since_id).count() if since_id else ratings.count()
    now = timezone.now()
    hits: list[AnomalyHit] = []
    fields = ("id", "device", "created_at", "channel", "window_id", "centre_id", "department_id", "level")
    # Devices with enough ratings at all; then their ratings, device by device.
    devices = list(
        ratings.values("device")
        .annotate(n=Count("id"))
        .filter(n__gte=min(p["burst_count"], p["share_min_count"]))
        .values_list("device", flat=True)
    )
    span = dt.timedelta(minutes=p["burst_minutes"])
    for start in range(0, len(devices), 500):
        rows = list(ratings.filter(device__in=devices[start : start + 500]).order_by("device", "created_at", "id").values(*fields))
        per_device: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            per_device[row["device"]].append(row)
        for device, found in per_device.items():
            i = 0
            while i + p["burst_count"] <= len(found):
                cluster = [r for r in found[i:] if r["created_at"] - found[i]["created_at"] <= span]
                if len(cluster) >= p["burst_count"]:
                    hits.append(_rating_hit(rule, f"device:{device[:60]}:{cluster[0]['id']}", cluster, now, burst=True))
                    i += len(cluster)
                else:
                    i += 1
    hits += _share_hits(rule, ratings, p, now)
    _save(hits, result)
    return top


def _share_hits(rule: Rule, ratings: QuerySet[Rating], p: dict[str, Any], now: dt.datetime) -> list[AnomalyHit]:
    from django.db.models.functions import TruncDate

    personal = ratings.filter(channel__in=PERSONAL_CHANNELS, window__isnull=False)
    per_device = (
        personal.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("window_id", "day", "device")
        .annotate(n=Count("id"))
        .filter(n__gte=p["share_min_count"])
    )
    hits = []
    for group in per_device:
        day_ratings = Rating.objects.filter(window_id=group["window_id"], channel__in=PERSONAL_CHANNELS)
        start = timezone.make_aware(dt.datetime.combine(group["day"], dt.time.min))
        day_ratings = day_ratings.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
        total = day_ratings.count()
        if total and group["n"] * 100 >= p["share_percent"] * total:
            mine = [
                dict(values)
                for values in day_ratings.filter(device=group["device"])
                .order_by("created_at", "id")
                .values("id", "device", "created_at", "channel", "window_id", "centre_id", "department_id", "level")
            ]
            key = f"device-day:{group['device'][:50]}:{group['window_id']}:{group['day']:%Y%m%d}"
            hits.append(_rating_hit(rule, key, mine, now, burst=False, window_total=total))
    return hits


def _rating_hit(rule: Rule, key: str, cluster: list[dict[str, Any]], now: dt.datetime, *, burst: bool, window_total: int = 0) -> AnomalyHit:
    first, last = cluster[0], cluster[-1]
    minutes = int((last["created_at"] - first["created_at"]).total_seconds() // 60)
    department_id = Counter(r["department_id"] for r in cluster).most_common(1)[0][0]
    if burst:
        summary = _("同一评价设备 %(m)d 分钟内提交 %(n)d 条评价") % {"m": max(minutes, 1), "n": len(cluster)}
    else:
        summary = _("同一设备一天内提交该窗口 %(total)d 条扫码/网上评价中的 %(n)d 条") % {"total": window_total, "n": len(cluster)}
    levels = Counter(str(r["level"]) for r in cluster)
    return AnomalyHit(
        rule=rule.code,
        severity=rule.severity,
        subject_key=key[:120],
        rating_id=first["id"],
        department_id=department_id,
        centre_id=first["centre_id"],
        window_id=first["window_id"],
        occurred_on=timezone.localdate(first["created_at"]),
        summary=summary,
        detail={
            "device": first["device"],
            "ratings": [r["id"] for r in cluster],
            "count": len(cluster),
            "minutes": minutes,
            "levels": dict(levels),
            "window_total": window_total,
            "from": timezone.localtime(first["created_at"]).isoformat(timespec="minutes"),
            "to": timezone.localtime(last["created_at"]).isoformat(timespec="minutes"),
        },
        detected_at=now,
    )


# --- entry points ----------------------------------------------------------------------------------


def scan(since_id: int | None = None, progress: Progress | None = None, *, chunk_size: int = CHUNK_SIZE) -> ScanResult:
    """Run every rule over the facts with id > `since_id` (all facts when None) and over all ratings.
    Idempotent: what was found before is not found twice."""
    started = time.perf_counter()
    result = ScanResult()
    facts = CaseFact.objects.all() if since_id is None else CaseFact.objects.filter(id__gt=since_id)
    running = {rule.code for rule in enabled_rules()}  # a rule stopped on the rules page does not run
    scan_facts(facts, rules=[RULES[code] for code in RULES if code in running], result=result, progress=progress, chunk_size=chunk_size)
    if "repeated_rejections" in running:
        if progress is not None:
            progress(result.records, result.records, _("正在检查同一申请人反复被驳回"))
        scan_applicants(
            result=result,
            applicant_keys=None
            if since_id is None
            else _rejections().filter(id__gt=since_id).values_list("applicant_key", flat=True).distinct(),
        )
    if "rating_burst" in running:
        if progress is not None:
            progress(result.records, result.records, _("正在检查评价集中刷评"))
        scan_ratings(result=result)
    result.seconds = time.perf_counter() - started
    return result


PERIODIC_KEY = "periodic"


def scan_changed() -> ScanResult:
    """The periodic scan: facts updated since the last watermark and ratings made since. The
    watermark moves only after the scan completed, to the moment it started (a fact updated
    while it ran is looked at again next time, and adds nothing twice)."""
    started = time.perf_counter()
    result = ScanResult()
    state, _created = ScanState.objects.get_or_create(key=PERIODIC_KEY)
    began = timezone.now()
    facts = CaseFact.objects.all()
    if state.facts_updated_at is not None:
        facts = facts.filter(updated_at__gte=state.facts_updated_at)
    running = {rule.code for rule in enabled_rules()}
    scan_facts(facts, rules=[rule for rule in ROW_RULES if rule.code in running], result=result)
    if "repeated_rejections" in running:
        keys = set(_rejections().filter(pk__in=facts.values("pk")).values_list("applicant_key", flat=True))
        scan_applicants(result=result, applicant_keys=keys)
    # A stopped rating rule leaves the ratings' watermark where it was: started again, it catches up.
    top = scan_ratings(result=result, since_id=state.rating_id) if "rating_burst" in running else state.rating_id
    ScanState.objects.filter(pk=state.pk).update(facts_updated_at=began, rating_id=max(top, state.rating_id), scanned_at=timezone.now())
    result.seconds = time.perf_counter() - started
    return result
