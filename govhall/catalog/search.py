"""Search text for Chinese names: the name itself, its full pinyin and its pinyin initials.

`yyzz` and `yingyezhizhao` both find 营业执照. Polyphonic characters get every reading's initials
(银行 → yh and yx), so an applicant who guesses either finds the item.
"""

from __future__ import annotations

import itertools

from pypinyin import Style, lazy_pinyin, pinyin

MAX_VARIANTS = 8


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> list[str]:
    readings = pinyin(text, style=Style.FIRST_LETTER, heteronym=True, errors="ignore")
    variants = []
    for combo in itertools.islice(itertools.product(*[sorted(set(r)) for r in readings]), MAX_VARIANTS):
        variants.append("".join(combo).lower())
    return variants or [""]


def build_search_text(*parts: str) -> str:
    chunks = []
    for part in parts:
        if not part:
            continue
        chunks.append(part.lower())
        chunks.append(pinyin_full(part))
        chunks.extend(pinyin_initials(part))
    return " ".join(dict.fromkeys(c for c in chunks if c))


def normalise_query(q: str) -> str:
    return "".join((q or "").split()).lower()
