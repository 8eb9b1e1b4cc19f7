"""Walk the case event chain and say whether it is intact (CASE-7, tamper evidence)."""

from django.core.management.base import BaseCommand

from govhall.cases.chain import chain_verify


class Command(BaseCommand):
    help = "验证办件日志哈希链：完好时退出码 0，否则报告第一处断链并退出码 1。"

    def handle(self, *args, **options):
        report = chain_verify()
        if report.broken is None:
            self.stdout.write(f"intact: {report.count} events")
            return
        link = report.broken
        self.stderr.write(
            f"broken link after {report.count} intact events: event {link.event_id} case {link.case_number or '-'} "
            f"({link.what}) expected {link.expected} found {link.found}"
        )
        raise SystemExit(1)
