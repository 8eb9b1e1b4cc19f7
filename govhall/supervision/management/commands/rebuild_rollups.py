"""manage.py rebuild_rollups [--facts]: recompute the indicator rollups from the facts (and, with
--facts, re-project every live case into its fact first)."""

import time

from django.core.management.base import BaseCommand

from govhall.supervision import facts, rollups


class Command(BaseCommand):
    help = "从办件事实重算指标汇总（--facts：先按本系统办件重新生成事实）"

    def add_arguments(self, parser):
        parser.add_argument("--facts", action="store_true", help="先重新生成本系统办件的事实")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["facts"]:
            counts = facts.rebuild_facts(rebuild_rollups=False)
            self.stdout.write(
                f"办件事实：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}，删除 {counts['deleted']}"
            )
        rows = rollups.rebuild()
        self.stdout.write("指标汇总：" + "，".join(f"{dim} {n}" for dim, n in rows.items()))
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒")
