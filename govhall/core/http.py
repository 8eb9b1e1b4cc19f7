"""Typing helpers for our views."""

from django.http import HttpRequest
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request our views receive: `HtmxMiddleware` (in MIDDLEWARE) sets `request.htmx`, which
    Django's `HttpRequest` does not declare — the pattern django-htmx documents for type checking."""

    htmx: HtmxDetails


def attachment_disposition(filename: str) -> str:
    """The Content-Disposition value of a download. Django returns None only for an inline
    response without a file name, which the stub cannot tell apart from this call."""
    header = content_disposition_header(True, filename)
    if header is None:
        raise ValueError("content_disposition_header returned None for an attachment")
    return header
