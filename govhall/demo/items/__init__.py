"""The demo catalog: ~640 items of 新巴尔虎右旗 written as per-department tables (see build.py).

Basic codes are 12 digits: 15 (自治区), the department number, the item type and a sequence within
the department and type, then 000 (no 办理项 split): `152101001000` is the first 行政许可 of the
市场监督管理局. A 下放 copy adds its 苏木镇's three digits (`-101`). Append new rows at the end of a
table so existing codes stay put.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from govhall.demo.county import ALL_DEPARTMENTS, TOWNSHIPS
from govhall.demo.items import (
    economy,
    health_culture,
    land,
    market,
    public_security,
    rural,
    safety,
    social,
    townships,
    transport,
)
from govhall.demo.items.build import ItemSpec, build_data, parse_table

MODULES = [market, public_security, social, land, transport, rural, health_culture, safety, economy]


def _code(dept_number: int, item_type: str, seq: int) -> str:
    return f"15{dept_number:02d}{item_type}{seq:03d}000"


@cache
def all_item_specs() -> tuple[ItemSpec, ...]:
    specs: list[ItemSpec] = []
    for module in MODULES:
        for dept_key, table in module.TABLES.items():
            dept = ALL_DEPARTMENTS[dept_key]
            seq: Counter[str] = Counter()
            for row in parse_table(table, source=f"{module.__name__.rsplit('.', 1)[1]}.py {dept_key}"):
                seq[row.item_type] += 1
                code = _code(dept.number, row.item_type, seq[row.item_type])
                if row.flag("dl"):
                    for town in TOWNSHIPS:
                        copy = f"{code}-{town.division_code[-3:]}"
                        specs.append(ItemSpec(copy, dept_key, row.template, build_data(row, code=copy, dept=dept), delegate_to=town.key))
                else:
                    specs.append(ItemSpec(code, dept_key, row.template, build_data(row, code=code, dept=dept)))
    rows = parse_table(townships.TABLE, source="townships.py")
    for town in TOWNSHIPS:
        dept = ALL_DEPARTMENTS[town.key]
        seq = Counter()
        for row in rows:
            seq[row.item_type] += 1
            code = _code(dept.number, row.item_type, seq[row.item_type])
            specs.append(ItemSpec(code, town.key, row.template, build_data(row, code=code, dept=dept, level="township")))
    codes = Counter(spec.code for spec in specs)
    duplicates = [code for code, n in codes.items() if n > 1]
    if duplicates:
        raise ValueError(f"重复的事项编码：{duplicates[:5]}")
    return tuple(specs)
