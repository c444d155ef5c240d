"""Text typed into options and modals → the core's models, or one line saying what is wrong."""

from __future__ import annotations

from datetime import date

from bot.text import host_of
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Source, SourceRole
from verifiers.domain.validation import build


def optional(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def source_from(
    url: str | None,
    publisher: str | None,
    *,
    title: str | None = None,
    published: str | None = None,
    quote: str | None = None,
    role: str = SourceRole.ORIGINAL.value,
) -> Source | None:
    """A source from form fields; the publisher defaults to the link's host."""
    url, publisher, quote = optional(url), optional(publisher), optional(quote)
    if not url and not publisher:
        if quote or optional(published):
            raise InvalidInput("a quote or date needs a source: give its URL or publisher")
        return None
    return build(
        Source,
        url=url,
        publisher=publisher or host_of(url or ""),
        title=optional(title) or "",
        published=optional(published),
        quote=quote or "",
        role=role,
    )


def iso_date(text: str | None) -> str | None:
    """Validate a YYYY-MM-DD option before a modal opens, so the mistake costs no typing."""
    text = optional(text)
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(f"invalid date {text!r}: use YYYY-MM-DD") from None
