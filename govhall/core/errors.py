"""Domain errors that the API and the pages both turn into a clear message.

A service raises `ValidationError(field=..., rule=..., message=...)` (or several at once with
`ValidationError.many([...])`); the API answers 400 with
`{"detail": [{"field": ..., "rule": ..., "message": ...}]}`, a page shows each message next to its
field. Messages are written in Chinese and translated through gettext when English is asked for:
raise them with the message already in the active language (`gettext`, named placeholders).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": str(self.message)}


class DomainError(Exception):
    """Base for errors a user can act on."""

    status_code = 400
    errors: list[FieldError]

    def as_list(self) -> list[dict[str, str]]:
        return [e.as_dict() for e in self.errors]


class ValidationError(DomainError):
    def __init__(self, field: str = "", rule: str = "", message: str = "", *, errors: list[FieldError] | None = None):
        self.errors: list[FieldError] = list(errors or [])
        if field or rule or message:
            self.errors.insert(0, FieldError(field, rule, message))
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def many(cls, errors: list[FieldError]) -> ValidationError:
        return cls(errors=errors)


class PermissionDenied(DomainError):
    status_code = 403

    def __init__(self, message: str = ""):
        message = message or _("无权执行此操作")
        self.errors = [FieldError("", "permission", message)]
        super().__init__(message)


class Conflict(DomainError):
    """The object changed under the user (another clerk acted first)."""

    status_code = 409

    def __init__(self, message: str = ""):
        message = message or _("已被他人处理，请刷新后重试")
        self.errors = [FieldError("", "conflict", message)]
        super().__init__(message)


class ErrorCollector:
    """Collects field errors during validation so the user hears about all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, rule: str, message: str) -> None:
        self.errors.append(FieldError(field, rule, str(message)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError.many(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)
