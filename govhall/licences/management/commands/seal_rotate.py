"""Create or rotate departments' electronic seals (SM2 key pairs):

    manage.py seal_rotate --department <USCC>   # one department
    manage.py seal_rotate --missing             # every active department that has none

The old key is retired, not deleted: it stays in /licences/keys.json for the licences it signed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govhall.licences.models import Seal
from govhall.licences.services import seal_rotate
from govhall.org.models import Department


class Command(BaseCommand):
    help = "创建或轮换部门电子印章 (create or rotate a department's seal key)"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--department", help="部门统一社会信用代码")
        group.add_argument("--missing", action="store_true", help="为所有还没有印章的部门创建")

    def handle(self, *args, **options):
        if options["department"]:
            department = Department.objects.filter(uscc=options["department"]).first()
            if department is None:
                raise CommandError(f"没有统一社会信用代码为 {options['department']} 的部门")
            departments = [department]
        else:
            with_seal = Seal.objects.filter(retired_at__isnull=True).values_list("department_id", flat=True)
            departments = list(Department.objects.filter(is_active=True).exclude(pk__in=with_seal))
        for department in departments:
            seal = seal_rotate(actor=None, department=department)
            self.stdout.write(f"{department.name}: {seal.key_id}")
        self.stdout.write(self.style.SUCCESS(f"共 {len(departments)} 个部门"))
