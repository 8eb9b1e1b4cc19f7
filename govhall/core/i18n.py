"""Chinese source strings shown in the language of the request.

Every user-facing string is written in Chinese (the msgid) and translated into English through
locale/en/LC_MESSAGES/django.po. Most are marked where they are used (`gettext`, `gettext_lazy`).

Some Chinese names are also data: the catalog's Excel workbook has the field names as its column
headers and the choice names in its cells, in every language (other counties read the same
format), and the item data accepts a choice by its Chinese name. Such names are written once, as
plain Chinese marked with `gettext_noop` so that makemessages still collects them, and the pages,
forms and messages show them through the helpers below, lazily, in the active language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def translated_choices(options: list[tuple[str, str]]) -> list[tuple[str, StrPromise]]:
    """(code, Chinese name) pairs with the names in the language of the request."""
    return [(code, gettext_lazy(name)) for code, name in options]


def translated_labels(names: dict[str, str]) -> dict[str, StrPromise]:
    """{key: Chinese name} with the names in the language of the request."""
    return {key: gettext_lazy(name) for key, name in names.items()}
