"""What members and moderators type into the bot: parsed or refused in one line, and shown
escaped, whatever it holds."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.forms import iso_date, source_from
from bot.text import escape, safe, strip_format, unescape
from tests.fuzz.strategies import INPUTS, TRICKY_STRINGS, messages
from verifiers.domain.errors import ClaimbotError

UNESCAPED_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
fields = st.none() | messages | st.sampled_from([*TRICKY_STRINGS, "http://[", "https://[::1"])


@given(messages)
def test_escaped_text_shows_no_markup_and_no_format_characters(text: str) -> None:
    INPUTS["bot text"] += 1
    shown = escape(text)
    assert not UNESCAPED_MASKED_LINK.search(shown)
    assert "@everyone" not in shown
    assert "@here" not in shown
    assert all(unicodedata.category(ch) != "Cf" or ch in "\u200b\u200d" for ch in shown)
    assert unescape(shown) == strip_format(text)
    assert len(safe(text, 100)) <= 100


@given(fields, fields, fields, fields, fields)
def test_source_fields_make_a_source_or_one_line(url, publisher, title, published, quote) -> None:
    INPUTS["bot text"] += 1
    try:
        source_from(url, publisher, title=title, published=published, quote=quote)
    except ClaimbotError as exc:
        assert str(exc)
        assert "\n" not in str(exc)


@given(fields)
def test_dates_are_read_or_refused_in_one_line(text: str | None) -> None:
    INPUTS["bot text"] += 1
    try:
        iso_date(text)
    except ClaimbotError as exc:
        assert str(exc)
        assert "\n" not in str(exc)
