"""A page's date and publisher as its visible text states them, when its metadata does not.

Only explicit statements count: "Published 3 June 2026", "Posted on June 3, 2026", a
press-release dateline ("CAMBRIDGE, Mass., Aug. 19, 2026 --") for the date; a copyright line
("© 2026 Harbour Media Ltd") for the publisher. A date merely mentioned in the story ("the vote
on September 20") is never taken for the page's own.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = r"(?P<m>[A-Za-z]{3,9})\.?"
_DATE = (
    rf"(?:(?P<d1>\d{{1,2}})\s+{_MONTH.replace('m>', 'm1>')}\s+(?P<y1>\d{{4}})"
    rf"|{_MONTH.replace('m>', 'm2>')}\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))"
)
_PUBLISHED = re.compile(
    rf"\b(?:first\s+)?(?:published|posted)\s*(?:on|:)?\s*(?:\w+day,?\s+)?{_DATE}", re.IGNORECASE
)
_DATELINE = re.compile(rf"(?:^|\n)\s*[A-Z][A-Z .'’-]{{2,}},[^\n—]{{0,40}}?{_DATE}\s*(?:--|—|–)")
_COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s+)?"
    r"(?P<name>[A-Z][\w&.'’ -]{1,60}?)(?:\s*[.,|]|\s+all\s+rights|\s*$)",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)
MAX_SCAN_CHARS = 200_000


def visible_text(html: str) -> str:
    """The page's text without markup, one line per block (good enough to find a date line)."""
    text = _TAGS.sub("\n", html[:MAX_SCAN_CHARS])
    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())


def stated_date(text: str) -> date | None:
    """The date the page says it was published, from a "Published …" line or a dateline."""
    for pattern in (_PUBLISHED, _DATELINE):
        if match := pattern.search(text):
            return _date(match)
    return None


def stated_publisher(text: str) -> str | None:
    """The copyright holder named on the page ("© 2026 Harbour Media Ltd")."""
    match = _COPYRIGHT.search(text)
    if match is None:
        return None
    name = re.sub(r"\s+\d{4}$", "", match.group("name").strip(" .,|-"))  # "The Calder Post 2026"
    return name if len(name) > 1 and not name.lower().startswith("all rights") else None


def _date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("y3"):
            return date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
        day, month, year = (
            (groups["d1"], groups["m1"], groups["y1"])
            if groups.get("d1")
            else (groups["d2"], groups["m2"], groups["y2"])
        )
        number = _MONTHS.get(month.lower().rstrip("."))
        return date(int(year), number, int(day)) if number else None
    except (TypeError, ValueError):
        return None
