import time

from django.core.management.base import BaseCommand

from govhall.core.scheduler import run_due


class Command(BaseCommand):
    help = "定时任务调度：到期的周期任务（超期标记、到期提醒）交给后台 worker 执行"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=int, default=60, help="检查间隔（秒）")

    def handle(self, *args, **options):
        while True:
            for key in run_due():
                self.stdout.write(f"已排队：{key}")
            if options["once"]:
                return
            time.sleep(options["interval"])
