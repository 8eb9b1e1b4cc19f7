"""Search text for Chinese names: the name itself, its full pinyin and its pinyin initials.

`yyzz` and `yingyezhizhao` both find 营业执照.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> list[str]:
    """Initials of the usual reading (phrase-aware: 银行 → yh). Every reading of every polyphonic
    character would make short queries match unrelated names (涂 read as 'chu' or 'ye')."""
    return ["".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()]


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
