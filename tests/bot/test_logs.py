"""Log lines: one per event whatever the user typed, never the token."""

from __future__ import annotations

import logging
import sys

from bot.logs import KeyValueFormatter, kv


def _format(record: logging.LogRecord, secrets: list[str] | None = None) -> str:
    return KeyValueFormatter(secrets).format(record)


def _record(
    msg: str, *args: object, name: str = "claimbot", exc: bool = False
) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad\nthing")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, exc_info)


def test_user_text_cannot_forge_a_log_line() -> None:
    line = _format(_record(kv(event="check", text="hi\r\nts=0 level=error forged=1")))
    assert "\n" not in line
    assert "\r" not in line
    assert 'text="hi\\r\\nts=0 level=error forged=1"' in line


def test_tracebacks_and_library_messages_stay_on_one_line() -> None:
    line = _format(_record("event=crashed", exc=True))
    assert "\n" not in line
    assert "ValueError: bad\\nthing" in line
    other = _format(_record("multi\nline %s", "x", name="discord.gateway"))
    assert other.endswith('msg="multi\\nline x"')


def test_the_token_is_redacted_wherever_it_appears() -> None:
    token = "MTIzNDU2.secret.token"
    line = _format(_record("Authorization: Bot %s", token, name="discord.http"), [token])
    assert token not in line
    assert "[redacted]" in line
