from django.core.management.base import BaseCommand, CommandError

from govhall.core.calendar_load import load_csv
from govhall.core.errors import ValidationError


class Command(BaseCommand):
    help = "从 CSV（date,kind,name；kind 为 holiday 或 makeup）载入新年度的节假日安排"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            loaded = load_csv(path)
        except ValidationError as exc:
            raise CommandError("\n".join(e.message for e in exc.errors)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件 {path}") from exc
        for year, days in loaded.items():
            self.stdout.write(f"{year} 年：载入 {days} 天")
