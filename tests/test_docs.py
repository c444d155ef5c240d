"""The documents speak of the product, and every link in them leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimbot.reference import slug
from tests.paths import REPO

ROOT = REPO
CODE_FOLDERS = ("verifiers", "bot", "claimbot", "seeds", "bench")

# How work was organised is history (git log, CHANGELOG.md's releases), not product text. The
# pattern and the examples below are written in pieces ([(], [ ], N) so that searching the
# repository for these words finds only real offenders.
DIARY = re.compile(r"\bsessions? \d+|[(]session|\bissues? #?\d+|design[ ]card", re.IGNORECASE)


def product_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "config.example.toml"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    for folder in CODE_FOLDERS:
        files += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.md"))
    return files


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_documents_are_found() -> None:
    names = {_name(p) for p in product_files()}
    assert {"README.md", "CHANGELOG.md", "docs/guides/moderators.md", "claimbot/main.py"} <= names


@pytest.mark.parametrize("path", product_files(), ids=_name)
def test_no_diary_in_product_files(path: Path) -> None:
    hits = [
        f"{_name(path)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIARY.search(line)
    ]
    assert hits == [], "product files speak of the product, not of how it was made"


def test_the_diary_pattern_catches_what_it_is_for() -> None:
    diary = ["measured in session N", "(" + "session N)", "Sessions N and 8", "issue N asks"]
    for text in [t.replace("N", "7") for t in diary] + [" ".join(["the design", "card"])]:
        assert DIARY.search(text), text
    for text in ("a session cookie", "aiohttp.ClientSession", "an issue with quotes"):
        assert not DIARY.search(text), text


# -- links ------------------------------------------------------------------------------------

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for a Markdown file's headings (a repeated one gets -1, -2…)."""
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        anchor, n = slug(text), 0
        while (anchor if n == 0 else f"{anchor}-{n}") in found:
            n += 1
        found.add(anchor if n == 0 else f"{anchor}-{n}")
    return found


def broken_links(path: Path) -> list[str]:
    problems = []
    for target in LINK.findall(_prose(path.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not checked offline
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading with that anchor")
    return problems


@pytest.mark.parametrize("path", markdown_files(), ids=_name)
def test_every_relative_link_leads_to_a_file_and_heading(path: Path) -> None:
    assert broken_links(path) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# Getting started\n\n## Step `one`\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#step-one) [ok](#top) [web](https://example.org/x)\n"
        "[gone](missing.md) [bad anchor](there.md#step-two)\n"
        "`[not a link](nowhere.md)`\n\n```\n[nor this](nowhere.md)\n```\n\n# Top\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "there.md#step-two: no heading with that anchor",
    ]
