"""Run the anomaly rules from the command line: over the whole history (default), over the facts
after an id, or over what changed since the last periodic scan."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from govhall.anomalies import engine


class Command(BaseCommand):
    help = "运行异常预警规则：默认全量扫描；--since-id 只扫描该 id 之后的办件事实；--changed 扫描上次定时扫描以来的变化"

    def add_arguments(self, parser):
        parser.add_argument("--since-id", type=int, default=None)
        parser.add_argument("--changed", action="store_true")

    def handle(self, *args, since_id: int | None = None, changed: bool = False, **options):
        if changed:
            result = engine.scan_changed()
        else:
            result = engine.scan(since_id=since_id)
        rate = result.records / result.seconds if result.seconds else 0
        by_rule = "，".join(f"{code} {n}" for code, n in sorted(result.by_rule.items()) if n)
        self.stdout.write(
            f"扫描 {result.records} 条记录，用时 {result.seconds:.1f} 秒（{rate:,.0f} 条/秒），新发现异常 {result.hits_created} 条"
            + (f"（{by_rule}）" if by_rule else "")
        )
