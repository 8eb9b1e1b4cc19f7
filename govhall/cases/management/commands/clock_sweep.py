from django.core.management.base import BaseCommand

from govhall.cases.services import case_clock_sweep


class Command(BaseCommand):
    help = "标记超期办件并向待办人员发送到期前两个工作日的提醒（可重复运行）"

    def handle(self, *args, **options):
        report = case_clock_sweep()
        self.stdout.write(
            f"超期标记 {report.overdue_marked} 件，提醒 {report.reminders} 条，特别程序中期限更新 {report.suspended_refreshed} 件"
        )
