from django.core.management import call_command
from django.core.management.base import BaseCommand

from govhall.org.models import Division
from govhall.org.roles import ensure_roles


class Command(BaseCommand):
    help = "载入参考数据：角色、工作日历（2004–2026）、全国行政区划（省—乡四级）。可重复执行"

    def handle(self, *args, **options):
        ensure_roles()
        call_command("seed_calendar", stdout=self.stdout)
        if Division.objects.count() < 44703:
            call_command("import_divisions", stdout=self.stdout)
        else:
            self.stdout.write("行政区划已导入，跳过")
