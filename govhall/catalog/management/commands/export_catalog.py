from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from govhall.catalog.excel import catalog_export
from govhall.catalog.models import Item
from govhall.org.models import Department


class Command(BaseCommand):
    help = "把事项清单（各事项的当前版本）导出为 Excel 工作簿，格式见 docs/catalog-excel-format.md"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件，例如 catalog.xlsx")
        parser.add_argument("--department", help="只导出此部门的事项（部门全称、简称或统一社会信用代码）")
        parser.add_argument("--include-cancelled", action="store_true", help="同时导出已取消的事项")
        parser.add_argument("--template", action="store_true", help="只写表头和说明，作为新清单的空白模板")

    def handle(self, *args, path, department, include_cancelled, template, **options):
        items = Item.objects.none() if template else Item.objects.order_by("code")
        if department:
            found = Department.objects.filter(Q(name=department) | Q(short_name=department) | Q(uscc=department)).first()
            if found is None:
                raise CommandError(f"找不到部门“{department}”")
            items = items.filter(department=found)
        if not include_cancelled:
            items = items.exclude(status=Item.STATUS_CANCELLED)
        Path(path).write_bytes(catalog_export(items=items))
        self.stdout.write(f"已导出{items.count()}个事项到 {path}")
