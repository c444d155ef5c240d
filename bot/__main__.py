"""`python -m bot`: the same as `claimbot run`."""

from __future__ import annotations

import sys

from bot.runner import run
from verifiers.domain.errors import ClaimbotError
from verifiers.domain.settings import load_settings


def main() -> int:
    try:
        settings = load_settings()
    except ClaimbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
