"""`python -m bot`: the same as `claimbot run`."""

from __future__ import annotations

import sys

from bot.runner import run
from verifiers.config import load_settings
from verifiers.errors import ClaimbotError


def main() -> int:
    try:
        settings = load_settings()
    except ClaimbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
