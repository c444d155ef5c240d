"""Text that Discord shows exactly as written, within Discord's limits.

All text that came from users or moderators goes through `escape`, so it cannot format itself,
mask a link, mention anyone, or hide or reorder itself with invisible format characters (bidi
controls, zero-width characters); `truncate` and `join_lines` cut without breaking an escape or
a link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

import discord

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBEDS_PER_MESSAGE = 10
MESSAGE_EMBED_CHARS = 6000
CONTENT_MAX = 2000
_LONG_URL = 512

_INLINE_MARKUP = re.compile(r"[*_~`|\[\]<]")
# Headings, quotes and list markers count only at the start of a line; "1." is escaped as "1\.".
_LINE_MARKUP = re.compile(r"^(\s*)(?:([#>+-])|(\d+)\.)", re.MULTILINE)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_ZWJ = "\u200d"
# Pictographs a zero-width joiner glues into one emoji (👩\u200d💻); elsewhere it is dropped.
_PICTOGRAPH = re.compile("[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]")


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters, marking the cut; never leaves a dangling escape."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    return text[: limit - 1].rstrip("\\") + "…"


def escape(text: str) -> str:
    """Show user text literally: no markdown, masked links, headings, quotes or mentions."""
    text = strip_format(text)
    text = text.replace("\\", "\\\\")
    text = _INLINE_MARKUP.sub(lambda m: "\\" + m.group(), text)
    text = _LINE_MARKUP.sub(_escape_line_start, text)
    return discord.utils.escape_mentions(text)


def strip_format(text: str) -> str:
    """Drop format characters (Unicode category Cf): bidi controls and marks such as U+061C,
    U+200E/F, U+202A-E and U+2066-9, zero-width spaces and joiners, soft hyphens. They show
    nothing themselves but can reorder or hide what is around them. A joiner inside an emoji
    sequence is kept."""
    if text.isascii():
        return text
    return "".join(
        ch
        for i, ch in enumerate(text)
        if unicodedata.category(ch) != "Cf" or (ch == _ZWJ and _joins_emoji(text, i))
    )


def _joins_emoji(text: str, i: int) -> bool:
    return (
        0 < i < len(text) - 1
        and bool(_PICTOGRAPH.match(text[i - 1]))
        and bool(_PICTOGRAPH.match(text[i + 1]))
    )


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def safe(text: str, limit: int) -> str:
    return truncate(escape(text), limit)


def unescape(text: str) -> str:
    """Back from `escape` (for text read off one of our own embeds)."""
    return _ESCAPED.sub(r"\1", text.replace("@\u200b", "@"))


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # not a URL at all (e.g. "http://["): named as typed
        return url


def link(text: str, url: str | None) -> str:
    """A masked link whose visible text is escaped and followed by the real host."""
    label = safe(text, 200) or safe(host_of(url or ""), 200)
    if not url:
        return label
    if len(url) > _LONG_URL:
        return f"{label} ({safe(host_of(url), 100)}, link too long to show)"
    # Brackets, parentheses, angle brackets and spaces would end the markdown link early.
    target = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return f"[{label}]({target}) ({safe(host_of(url), 100)})"


def join_lines(lines: Sequence[str], limit: int, *, more: str) -> str:
    """Whole lines up to `limit` characters, then a note of how many were left out."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        rest = len(lines) - i
        note = "\n" + more.format(n=rest - 1) if rest > 1 else ""
        if used + len(line) + len(note) + 1 > limit:
            leftover = more.format(n=rest)
            out.append(leftover if used + len(leftover) < limit else "…")
            break
        out.append(line)
        used += len(line) + 1
    return truncate("\n".join(out), limit)
