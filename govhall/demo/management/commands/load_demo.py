import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govhall.core.errors import DomainError
from govhall.demo.loader import LABELS, DemoDataError, load_demo

DEFAULT_PASSWORD = "govhall-demo-2026"


class Command(BaseCommand):
    help = (
        "载入演示旗县新巴尔虎右旗：部门、政务服务中心和窗口、苏木镇便民服务中心和嘎查村代办点、各角色工作人员、"
        "事项清单及其下放和划转历史、申请人账号、会商联审设置和近两个月的办件（经办件服务逐步办理）。可重复执行，只补充缺少的数据。账号密码取自环境变量 GOVHALL_DEMO_PASSWORD"
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="在 DEBUG 关闭的生产配置下也载入（演示账号的密码是公开的）")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            # The demo accounts share a published password: never create them on a live site by accident.
            raise CommandError("生产配置（DEBUG 关闭）下不载入演示数据：演示账号的密码是公开的。确需载入请加 --allow-production")
        password = os.environ.get("GOVHALL_DEMO_PASSWORD") or DEFAULT_PASSWORD
        verbose = options["verbosity"] >= 2
        started = time.perf_counter()
        try:
            report = load_demo(password=password, log=self.stdout.write if verbose else lambda message: None)
        except (DemoDataError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if not report.changed:
            self.stdout.write(f"演示数据已是最新，未做任何改动（用时 {elapsed:.1f} 秒）。")
            return
        created = "，".join(f"{LABELS[key]} {n}" for key, n in report.created.items() if n)
        self.stdout.write(self.style.SUCCESS(f"演示旗县新巴尔虎右旗已载入（用时 {elapsed:.1f} 秒）：新增 {created}。"))
        self.stdout.write("演示账号见 govhall/demo/ACCOUNTS.md；管理员 admin，密码为 GOVHALL_DEMO_PASSWORD（默认 govhall-demo-2026）。")
