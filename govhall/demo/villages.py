"""The county's 12 社区 and 51 嘎查 (seeds/001), in the national village file format
(`data/villages.csv`: code,name,streetCode,provinceCode,cityCode,areaCode). Codes follow the
statistics convention: the 苏木镇's 9 digits, then 001–099 for a 社区 (居委会) and 201– for a
嘎查 (村委会). The names are realistic Mongolian place names, not the official list."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from govhall.demo.county import TOWNSHIPS

VILLAGES_CSV = Path(__file__).resolve().parent / "data" / "villages.csv"


@cache
def village_rows() -> tuple[dict[str, str], ...]:
    with open(VILLAGES_CSV, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def village_names() -> dict[str, str]:
    """Village code → "苏木镇 + 嘎查/社区" (the 代办点's place name)."""
    towns = {t.division_code: t.town for t in TOWNSHIPS}
    return {row["code"]: f"{towns[row['streetCode']]}{row['name']}" for row in village_rows()}
