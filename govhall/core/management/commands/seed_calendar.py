from django.core.management.base import BaseCommand

from govhall.core.calendar_load import PACKAGE_YEARS, seed_from_package
from govhall.core.models import CalendarYear


class Command(BaseCommand):
    help = "载入 chinesecalendar 已知年份（2004–2026）的节假日安排；已载入的年份不重复载入，除非 --force"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="重新载入已存在的年份（会覆盖管理员的修改）")

    def handle(self, *args, force=False, **options):
        have = set(CalendarYear.objects.values_list("year", flat=True))
        years = [y for y in PACKAGE_YEARS if force or y not in have]
        done = seed_from_package(years)
        self.stdout.write(f"载入 {len(done)} 个年份；跳过已有 {len(PACKAGE_YEARS) - len(done)} 个")
