"""Walk schema.org JSON-LD: the nodes of a document, `@id` references resolved, a page's blocks.

Publishers put the facts we need (publisher, dates, the original a story is based on) in
`<script type="application/ld+json">` blocks, often as an `@graph` whose nodes refer to each
other by `@id`. A broken block is skipped, never fatal: the page text is still worth reading.
So is a block longer than MAX_BLOCK_CHARS or beyond the JSON limits of `parse_json` (nesting,
long numbers): the walkers here and in the ClaimReview reader recurse.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

from verifiers.domain.validation import JsonProblem, parse_json

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "Report",
        "LiveBlogPosting",
    }
)
MAX_BLOCK_CHARS = 500_000
EMBED_DEPTH = 3  # a review's author, a claim's author: references are never nested deeper


class _ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._inside = kind == "application/ld+json"
            self._parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._parts))
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._parts.append(data)


def jsonld_documents(html: str) -> list[Any]:
    """Every JSON-LD block of the page that parses; broken ones are skipped."""
    collector = _ScriptCollector()
    collector.feed(html)
    collector.close()
    documents = []
    for block in collector.blocks:
        if len(block) > MAX_BLOCK_CHARS:
            continue
        try:
            documents.append(parse_json(block))
        except JsonProblem:
            continue
    return documents


def nodes(document: Any, through: tuple[str, ...] = ("@graph",)) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, top level and inside the lists and objects of the
    keys `through` (`@graph`; a fact-check page also nests its reviews in `mainEntity`,
    `hasPart` or `review`)."""
    if isinstance(document, list):
        for item in document:
            yield from nodes(item, through)
    elif isinstance(document, dict):
        yield document
        for key in through:
            if key in document:
                yield from nodes(document[key], through)


def types_of(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).removeprefix("schema:").removeprefix("https://schema.org/") for k in kinds if k}


class Graph:
    """All nodes of a page's JSON-LD, with `@id` references resolved on request."""

    def __init__(self, documents: list[Any]) -> None:
        self.nodes = [n for doc in documents for n in nodes(doc)]
        self._by_id = {str(n["@id"]): n for n in self.nodes if "@id" in n and len(n) > 1}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self._by_id.get(str(value["@id"]), value)
        return value

    def embedded(self, node: dict[str, Any], depth: int = EMBED_DEPTH) -> dict[str, Any]:
        """`node` with the references among its values replaced by the nodes they name, to
        `depth` levels ("author": {"@id": "#org"} becomes the organisation itself)."""
        if depth <= 0:
            return node
        return {key: self._embedded_value(value, depth) for key, value in node.items()}

    def _embedded_value(self, value: Any, depth: int) -> Any:
        if isinstance(value, list):
            return [self._embedded_value(v, depth) for v in value]
        value = self.resolve(value)
        return self.embedded(value, depth - 1) if isinstance(value, dict) else value

    def article(self) -> dict[str, Any] | None:
        return next((n for n in self.nodes if types_of(n) & ARTICLE_TYPES), None)

    def name(self, value: Any) -> str | None:
        """The name of a person, organisation or plain string value (first of a list)."""
        value = self.resolve(value)
        if isinstance(value, list):
            names = [self.name(v) for v in value]
            return ", ".join(n for n in names if n) or None
        if isinstance(value, dict):
            value = value.get("name")
        text = " ".join(str(value).split()) if value else ""
        return text or None

    def url(self, value: Any) -> str | None:
        value = self.resolve(value)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("url") or value.get("@id")
        text = str(value).strip() if value else ""
        return text if text.startswith(("http://", "https://")) else None


def parse_date(value: Any) -> date | None:
    """The calendar date of an ISO 8601 date or date-time string, or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
