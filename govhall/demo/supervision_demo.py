"""监管指标 of the demo county: every demo case projected into its fact and the rollups rebuilt.

Runs after the "clock" phase (the last one that changes cases: it marks today's overdue cases
with a bulk update that sends no signal), so the facts see each case as it stands today, and after
the ratings phase (its good ratings are bulk-created). Idempotent: a second run finds every fact
unchanged and rebuilds the same rollups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govhall.supervision.facts import rebuild_facts
from govhall.supervision.models import CaseFact, Rollup


def load_supervision_demo(*, report: Any, log: Callable[[str], None] = lambda message: None) -> None:
    counts = rebuild_facts()
    report.created["supervision_facts"] += counts["created"]
    live = CaseFact.objects.filter(source=CaseFact.SOURCE_LIVE).count()
    log(f"  办件事实 {live} 条（新增 {counts['created']}，更新 {counts['updated']}），指标汇总 {Rollup.objects.count()} 行")
