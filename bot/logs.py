"""Structured logs: one `key=value` line per event, safe to grep and to ship.

User text can hold CR/LF (which would forge extra log lines) and the token must never appear,
so every line passes through one formatter that escapes and redacts.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

logger = logging.getLogger("claimbot")

_ESCAPES = str.maketrans({"\r": "\\r", "\n": "\\n", "\t": "\\t", '"': '\\"', "\\": "\\\\"})


def _value(value: object) -> str:
    text = str(value)
    if not text or any(c in text for c in ' ="\\\r\n\t'):
        return '"' + text.translate(_ESCAPES) + '"'
    return text


def kv(**fields: object) -> str:
    """`a=1 b="two words"`: the one place user text is escaped for a log line."""
    return " ".join(f"{key}={_value(val)}" for key, val in fields.items() if val is not None)


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    logger.log(level, kv(event=event, **fields))


class KeyValueFormatter(logging.Formatter):
    """Renders every record (ours and discord.py's) as one escaped, token-free line."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [s for s in (secrets or []) if s]

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        fields: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        line = kv(**fields)
        line += " " + (message if record.name == logger.name else kv(msg=message))
        if record.exc_info:
            line += " " + kv(exc="".join(traceback.format_exception(*record.exc_info)).strip())
        line = line.replace("\r", "\\r").replace("\n", "\\n")
        for secret in self._secrets:
            line = line.replace(secret, "[redacted]")
        return line


def configure_logging(level: str, *, secrets: list[str] | None = None) -> None:
    """Route the root logger (discord.py included) through the key=value formatter on stdout,
    leaving stderr to the one line that explains a fatal start-up error."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(KeyValueFormatter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py's HTTP debug lines carry request bodies and interaction tokens (in webhook
    # URLs): keep them out even at DEBUG.
    quieter = max(logging.INFO, logging.getLevelName(level))
    for name in ("discord.http", "discord.webhook.async_", "discord.gateway"):
        logging.getLogger(name).setLevel(quieter)
