"""Where the tests find the repository, their data and their fixtures, from any folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
DATA = TESTS / "data"
FIXTURES = TESTS / "fixtures"
