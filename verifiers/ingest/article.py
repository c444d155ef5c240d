"""An article's main text and metadata, from a saved or fetched page or a plain-text file.

trafilatura finds the main text (dropping navigation, share bars, related links, footers) and
reads the usual metadata; the page's JSON-LD, when present, is preferred for the publisher,
date and author because publishers fill it in for search engines and it is rarely wrong.
A date is taken from metadata, or from the page's own statement of it ("Published 3 June
2026", a press-release dateline: `stated.py`); trafilatura's guessing from copyright lines and
URLs is turned off, since a wrong date on a source is worse than none. Without metadata the
copyright holder ("© 2026 Harbour Media Ltd") is the publisher, never the page's title.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from verifiers.domain.errors import InvalidInput
from verifiers.domain.validation import parse_json
from verifiers.ingest.outlets import canonical_outlet, same_outlet
from verifiers.ingest.stated import stated_date, stated_publisher, visible_text
from verifiers.interchange.jsonld import Graph, jsonld_documents, parse_date

MAX_ARTICLE_CHARS = 300_000
MIN_PARAGRAPH_WORDS = 5
_TERMINAL = re.compile(r"[.!?…:\"”’)]\s*$")
_CREDIT_LINE = re.compile(r"^\(?\s*(?:reporting|writing|editing|additional reporting)\s+by\b", re.I)


@dataclass(frozen=True)
class Credit:
    """An outlet credited with the original reporting an article republishes."""

    publisher: str
    url: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class Article:
    title: str
    publisher: str
    text: str  # main text, one paragraph per line, page furniture removed
    url: str | None = None  # where it was read from
    canonical_url: str | None = None
    published: date | None = None
    author: str | None = None
    based_on: Credit | None = None  # from metadata (JSON-LD isBasedOn / a sidecar file)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.split("\n") if line.strip()]

    @property
    def content_hash(self) -> str:
        return text_hash(self.text)

    @property
    def link(self) -> str | None:
        """The link to credit: the canonical URL if the page gives one."""
        return self.canonical_url or self.url


def text_hash(text: str) -> str:
    """A hash of the words of a text, so whitespace or markup changes do not count."""
    words = " ".join(text.casefold().split())
    return hashlib.sha256(words.encode()).hexdigest()


def extract_html(html: str, url: str | None = None) -> Article:
    """Main text and metadata of an HTML page. InvalidInput if it holds no article text."""
    import trafilatura  # imported here: loading it takes a moment and most commands never need it

    html = html[: MAX_ARTICLE_CHARS * 5]
    graph = Graph(jsonld_documents(html))
    node = graph.article() or {}
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,  # trafilatura dedups across calls: a second read would lose text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    # trafilatura gives a Document (or, asked to, a dict): either way its fields as a dict.
    meta: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    title = _clean(graph.name(node.get("headline")) or meta.get("title") or "")
    sitename = meta.get("sitename")
    if sitename and "og:site_name" not in html and _clean(sitename).casefold() in title.casefold():
        sitename = None  # guessed from the page title (a blog without metadata): not a publisher
    visible = visible_text(html)
    stated = stated_publisher(visible)
    if stated and stated.casefold() in title.casefold():
        stated = None
    publisher = (
        graph.name(node.get("publisher"))
        or sitename
        or stated
        or _host(meta.get("url") or url)
        or "unknown publisher"
    )
    text = tidy_text(str(meta.get("text") or ""), title)
    if not text:
        raise InvalidInput("no article text found on the page")
    return Article(
        title=title or "untitled",
        publisher=_clean(publisher),
        text=text,
        url=url,
        canonical_url=meta.get("url") or graph.url(node.get("mainEntityOfPage")) or url,
        published=parse_date(node.get("datePublished"))
        or _metadata_date(meta, html)
        or stated_date(visible),
        author=graph.name(node.get("author")) or meta.get("author"),
        based_on=_based_on(graph, node, publisher),
    )


def read_text_file(path: Path) -> Article:
    """A plain-text article, with metadata from a `.json` beside it (as in seeds/articles/)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    meta = _sidecar(path)
    title = _clean(str(meta.get("title") or ""))
    listed = meta.get("page_furniture")
    listed = listed if isinstance(listed, list) else []
    furniture = {_clean(line) for line in listed if isinstance(line, str)}
    lines = [line for line in raw.splitlines() if _clean(line) not in furniture]
    text = tidy_text("\n".join(lines), title)
    if not text:
        raise InvalidInput(f"no article text found in {path}")
    original = meta.get("original") if isinstance(meta.get("original"), dict) else None
    based_on = None
    if original and original.get("publisher"):
        based_on = Credit(
            publisher=canonical_outlet(str(original["publisher"])),
            url=_string(original.get("url")),
            published=parse_date(original.get("published")),
        )
    url = _string(meta.get("url"))
    return Article(
        title=title or path.stem,
        publisher=_clean(str(meta.get("publisher") or "")) or "unknown publisher",
        text=text,
        url=url,
        canonical_url=url,
        published=parse_date(meta.get("published")),
        author=_string(meta.get("author")),
        based_on=based_on,
    )


def read_article_file(path: Path) -> Article:
    """An article saved as HTML, or as plain text with an optional `.json` sidecar."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
        try:
            html = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
        return extract_html(html, url=None)
    return read_text_file(path)


def tidy_text(text: str, title: str = "") -> str:
    """One paragraph per line, without the headline, kickers, buttons and credit lines."""
    title_key = _clean(title).casefold()
    kept: list[str] = []
    for line in text[:MAX_ARTICLE_CHARS].splitlines():
        line = _clean(line)
        if not line or line.casefold() == title_key or _CREDIT_LINE.match(line):
            continue
        if len(line.split()) < MIN_PARAGRAPH_WORDS and not _TERMINAL.search(line):
            continue  # "Next Story", "Send Push", a section kicker
        kept.append(line)
    return "\n".join(kept)


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _metadata_date(meta: dict[str, Any], html: str) -> date | None:
    """trafilatura's date, only when the page states one in its metadata."""
    found = parse_date(meta.get("date"))
    if found is None:
        return None
    markers = ("published_time", "datePublished", "pubdate", "publish-date", "<time")
    return found if any(marker in html for marker in markers) else None


def _based_on(graph: Graph, node: dict[str, Any], publisher: str) -> Credit | None:
    source = graph.resolve(node.get("isBasedOn") or node.get("sourceOrganization"))
    if isinstance(source, list):
        source = source[0] if source else None
    if isinstance(source, str):
        return None  # a bare URL names no outlet
    if not isinstance(source, dict):
        return None
    name = graph.name(source.get("publisher")) or graph.name(source)
    if not name or same_outlet(name, publisher):
        return None
    return Credit(
        publisher=canonical_outlet(name),
        url=graph.url(source) if source.get("url") else None,
        published=parse_date(source.get("datePublished")),
    )


def _string(value: Any) -> str | None:
    """A metadata value meant as text; anything else in its place (a number, a list) is dropped."""
    return (value.strip() or None) if isinstance(value, str) else None


def _sidecar(path: Path) -> dict[str, Any]:
    meta_path = path.with_suffix(".json")
    if not meta_path.is_file():
        return {}
    try:
        data = parse_json(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, InvalidInput) as exc:
        raise InvalidInput(f"cannot read metadata {meta_path}: {exc}") from None
    return data if isinstance(data, dict) else {}
