from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from govhall.org.divisions import DivisionImportError, count_rows, import_directory


class Command(BaseCommand):
    help = "导入行政区划文件（省、地、县、乡，以及可选的村级 villages.csv）；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.SHARED_DATA_DIR / "divisions"))
        parser.add_argument("--prefix", default="", help="只导入此代码开头的区划，例如 15（内蒙古）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, directory, prefix, no_progress, **options):
        def bar(path: Path):
            return tqdm(total=count_rows(path), desc=path.name, unit="行", disable=no_progress, file=self.stderr)

        try:
            stats = import_directory(Path(directory), prefix=prefix, progress_factory=bar)
        except DivisionImportError as exc:
            raise CommandError(str(exc)) from exc
        files = "，".join(f"{name} {n}行" for name, n in stats.per_file.items())
        self.stdout.write(f"区划导入完成：新增 {stats.created}，更名 {stats.renamed}，未变 {stats.unchanged}（{files}）")
