"""Import of administrative division files (ORG-1).

The national files in `shared/data/divisions/` (provinces, cities, areas, streets) and, in the same
shape, a village file (`villages.csv`: code,name,streetCode,...). Rows are streamed from disk and
written in batches, so memory stays bounded whatever the file size; running the import twice
changes nothing (rows are compared and only new or renamed ones are written). A row whose parent
is unknown is refused with its file and row number, and nothing from that batch on is written.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from govhall.org.models import Division

# file name → (level, parent column)
FILES = [
    ("provinces.csv", Division.LEVEL_PROVINCE, None),
    ("cities.csv", Division.LEVEL_CITY, "provinceCode"),
    ("areas.csv", Division.LEVEL_COUNTY, "cityCode"),
    ("streets.csv", Division.LEVEL_TOWNSHIP, "areaCode"),
    ("villages.csv", Division.LEVEL_VILLAGE, "streetCode"),
]
BATCH = 2000


class DivisionImportError(Exception):
    pass


@dataclass
class ImportStats:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    per_file: dict[str, int] = field(default_factory=dict)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def count_rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _flush(batch: list[Division], stats: ImportStats) -> None:
    existing = dict(Division.objects.filter(code__in=[d.code for d in batch]).values_list("code", "name"))
    new = [d for d in batch if d.code not in existing]
    renamed = [d for d in batch if d.code in existing and existing[d.code] != d.name]
    with transaction.atomic():
        Division.objects.bulk_create(new, batch_size=BATCH)
        for d in renamed:
            Division.objects.filter(code=d.code).update(name=d.name)
    stats.created += len(new)
    stats.renamed += len(renamed)
    stats.unchanged += len(batch) - len(new) - len(renamed)


@transaction.atomic
def import_file(
    path: Path,
    level: int,
    parent_column: str | None,
    stats: ImportStats,
    *,
    prefix: str = "",
    progress: Callable[[int], None] | None = None,
) -> None:
    """Import one file. `prefix` limits the import to codes under one division (e.g. "15")."""
    expected = Division.CODE_LENGTH[level]
    known_parents: set[str] = set()
    batch: list[Division] = []
    count = 0
    for number, row in _rows(path):
        if progress:
            progress(1)
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if prefix and not code.startswith(prefix):
            continue
        where = f"{path.name} 第{number}行"
        if len(code) != expected or not code.isdigit():
            raise DivisionImportError(f"{where}：区划代码“{code}”应为{expected}位数字")
        if not name:
            raise DivisionImportError(f"{where}：名称为空")
        parent = None
        if parent_column:
            parent = (row.get(parent_column) or "").strip()
            if parent not in known_parents:
                if not Division.objects.filter(code=parent, level=level - 1).exists():
                    raise DivisionImportError(f"{where}：上级区划“{parent}”不存在，请先导入上级区划")
                known_parents.add(parent)
        batch.append(Division(code=code, name=name, level=level, parent_id=parent))
        count += 1
        if len(batch) >= BATCH:
            _flush(batch, stats)
            batch = []
    if batch:
        _flush(batch, stats)
    stats.per_file[path.name] = count


@transaction.atomic
def import_directory(directory: Path, *, prefix: str = "", progress_factory=None) -> ImportStats:
    stats = ImportStats()
    found = False
    for filename, level, parent_column in FILES:
        path = Path(directory) / filename
        if not path.exists():
            continue
        found = True
        bar = progress_factory(path) if progress_factory else None
        try:
            import_file(path, level, parent_column, stats, prefix=prefix, progress=bar.update if bar else None)
        finally:
            if bar:
                bar.close()
    if not found:
        raise DivisionImportError(f"{directory} 中没有区划文件（provinces.csv、cities.csv、areas.csv、streets.csv、villages.csv）")
    return stats
