from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govhall.catalog.excel import catalog_import


class Command(BaseCommand):
    help = "从 Excel 工作簿导入事项清单（系统导入）；先校验全部行，有错误时不保存任何事项"

    def add_arguments(self, parser):
        parser.add_argument("path", help="Excel 工作簿（.xlsx），格式见 docs/catalog-excel-format.md")
        parser.add_argument("--valid-only", action="store_true", help="只导入无误的事项，跳过有错误的事项")
        parser.add_argument("--reason", default="Excel导入", help="新版本的修改原因（默认“Excel导入”）")
        parser.add_argument("--error-report", metavar="PATH", help="有错误时把错误报告写入此 Excel 文件")

    def handle(self, *args, path, valid_only, reason, error_report, **options):
        if not Path(path).is_file():
            raise CommandError(f"文件不存在：{path}")
        report = catalog_import(actor=None, file=path, valid_only=valid_only, reason=reason)
        for error in report.errors:
            self.stdout.write(f"  {error}")
        if report.errors and error_report:
            Path(error_report).write_bytes(report.errors_workbook())
            self.stdout.write(f"错误报告已写入 {error_report}")
        if report.blocked:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
