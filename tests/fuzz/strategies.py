"""Hostile inputs: message text, JSON (deep, with huge numbers, cut, garbled) and import files.

Each strategy mixes what real users and real files hold (the seed claims' words, the import
columns, ClaimReview's keys) with what breaks parsers: nesting thousands deep, integers past
Python's 4,300-digit limit, format characters, lone surrogates, cut and garbled text.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import strategies as st

from tests.paths import REPO
from verifiers.domain.models import SourceRole, Status
from verifiers.interchange.tabular import COLUMNS, EXPORT_ONLY

ROOT = REPO
INPUTS: Counter[str] = Counter()  # inputs fed to each part, printed at the end of the run

SEED_TEXTS = [
    json.loads(line)["text"]
    for line in (ROOT / "seeds" / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
FORMAT_CHARS = "\u061c\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\u2069\ufeff"
TRICKY_WORDS = [
    "5G", "covid-19", "€60m", "60 million euros", "half", "a third", "50%", "1,000,000", "1e999",
    "Zelenskyy", "Зеленский", "Ζελένσκι", "ｆｕｌｌ", "𝐛𝐨𝐥𝐝", "@everyone", "<@123456789>",
    "[x](https://evil.example/p)", "http://a.example/b?c=d", "#", "```", "\\", '"', "'", "didn't",
    "not", "never", "could", "will", "said", "?", "!", "…", "\x00", "\r\n", "\t", "\udcff",
    "\ud800", "NaN", "Infinity", "-0", "🇺🇦", "👩\u200d💻", "e\u0301", "ﬁ", "İ", "ß", "",
]  # fmt: skip
WORDS = sorted({word for text in SEED_TEXTS for word in text.split()}) + TRICKY_WORDS

# Every key an import or a page may hold, so that generated objects reach deep into the readers.
TABULAR_KEYS = [*COLUMNS, *(a for c in COLUMNS.values() for a in c.aliases), *EXPORT_ONLY]
REVIEW_KEYS = [
    "@context", "@type", "@id", "@graph", "mainEntity", "hasPart", "review", "claimReviewed",
    "reviewRating", "alternateName", "ratingExplanation", "name", "itemReviewed", "author",
    "datePublished", "dateModified", "citation", "url", "publisher", "headline", "text", "genre",
    "identifier", "value", "appearance", "isBasedOn", "sourceOrganization", "description",
]  # fmt: skip
TYPES = ["ClaimReview", "Claim", "Rating", "Organization", "Person", "CreativeWork",
         "NewsArticle", "Article", "WebPage", "PropertyValue", "schema:NewsArticle"]  # fmt: skip
TRICKY_STRINGS = [
    "", " ", "true", "false", "yes", "0", "1", "2025-07-04", "2025-13-45", "0000-00-00",
    "2025-07-04T25:61:00Z", "https://news.example/a", "http://127.0.0.1/", "javascript:alert(1)",
    "https://", "//evil.example", "ftp://x.example", "http://[", "https://[::1", "http://:99999",
    "False", "Pants on fire", "fact_check", "Fact check", "REPUBLICATION", "x" * 5000, "[[[",
    "{", "\ufeff", "\x00", "\udcff",
    *(s.value for s in Status), *(r.value for r in SourceRole), *TYPES,
]  # fmt: skip

texts = st.text(max_size=40) | st.sampled_from(TRICKY_STRINGS)
URLS = [
    "https://news.example/a", "http://[", "https://[::1", "http://[::1]:99999/", "http://:0",
    "javascript:alert(1)", "https://", "//evil.example", "ftp://x.example", "http://127.0.0.1/",
    "https://xn--80ak6aa92e.com/", "http://a.example:abc/", "https://user:pw@x.example/",
]  # fmt: skip
urls = st.sampled_from(URLS) | texts
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**99, max_value=10**101),
    st.floats(),
    texts,
)
keys = st.sampled_from(TABULAR_KEYS + REVIEW_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=25,
)


# -- message text ------------------------------------------------------------------------------
@st.composite
def _soup(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(WORDS) | st.sampled_from(FORMAT_CHARS), max_size=60))
    return draw(st.sampled_from([" ", "", "\n", " \u200b"])).join(parts)


@st.composite
def _mutated_seed(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(TRICKY_WORDS) | st.text(max_size=5)) + text[at:]
    return text * draw(st.sampled_from([1, 1, 1, 3, 40]))


messages = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=100),  # surrogates
    _soup(),
    _mutated_seed(),
)


# -- JSON text ---------------------------------------------------------------------------------
OPENERS = {"[": "]", '{"a": ': "}", '{"@graph": ': "}", '{"claimReviewed": ': "}"}


@st.composite
def json_text(draw: st.DrawFn, values: st.SearchStrategy[Any] = json_values) -> str:
    """`values` as JSON, often made hostile: nested deep, a huge number, cut, or garbled."""
    value = draw(values)
    mutation = draw(st.sampled_from(["none", "none", "none", "deep", "number", "cut", "garble"]))
    if mutation == "deep" or mutation == "number":
        if mutation == "deep":
            opener = draw(st.sampled_from(sorted(OPENERS)))
            depth = draw(st.sampled_from([62, 63, 64, 65, 66, 200, 1000, 3000, 20000]))
            inner = opener * depth + json.dumps(draw(scalars)) + OPENERS[opener] * depth
        else:
            digits = draw(st.sampled_from([99, 100, 101, 4299, 4300, 4301, 5000, 50000]))
            inner = draw(st.sampled_from(["", "-"])) + "7" * digits
        key = draw(keys)
        if isinstance(value, dict):
            return json.dumps(value)[:-1] + ("," if value else "") + f"{json.dumps(key)}: {inner}}}"
        return inner if draw(st.booleans()) else f"[{json.dumps(value)}, {inner}]"
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if mutation == "cut":
        return text[: draw(st.integers(0, len(text)))]
    if mutation == "garble":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(max_size=5) | st.sampled_from(TRICKY_STRINGS)) + text[at:]
    return text


# -- claim rows and ClaimReview objects ------------------------------------------------------
sources = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "url": urls | json_values,
            "publisher": texts | json_values,
            "title": texts,
            "published": texts | scalars,
            "quote": texts,
            "role": st.sampled_from([r.value for r in SourceRole]) | texts | scalars,
        },
    )
    | json_values,
    max_size=3,
)
rows = st.fixed_dictionaries(
    {"text": st.sampled_from(SEED_TEXTS) | messages | scalars},
    optional={
        "id": texts | scalars,
        "status": st.sampled_from([s.value for s in Status]) | texts | scalars,
        "summary": texts,
        "explanation": texts,
        "claimant": texts | scalars,
        "claim_date": texts | scalars,
        "sources": sources | scalars,
        "guild_id": scalars,
        "retired": scalars,
        "source_url": texts,
        "publisher": texts,
        "version": scalars,
    },
) | st.dictionaries(keys, json_values, max_size=6)


# Rows a real file holds, so that whole files import and the writing path runs too.
_plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ÉéüØ-", min_size=1, max_size=30)
good_sources = st.fixed_dictionaries(
    {"publisher": _plain.filter(str.strip)},
    optional={
        "url": st.sampled_from(["https://news.example/a", "http://x.example/b?c=1#d"]),
        "title": _plain,
        "published": st.dates().map(date.isoformat),
        "quote": _plain,
        "role": st.sampled_from([r.value for r in SourceRole]),
    },
)
good_rows = st.fixed_dictionaries(
    {"text": st.builds("{} {}".format, st.sampled_from(SEED_TEXTS), _plain)},
    optional={
        "id": st.text(alphabet="abcdefghij0123456789-", min_size=1, max_size=12),
        "status": st.sampled_from([s.value for s in Status]),
        "summary": _plain,
        "explanation": _plain,
        "claimant": _plain.filter(str.strip),
        "claim_date": st.dates().map(date.isoformat),
        "sources": st.lists(good_sources, max_size=3),
    },
)


def _node(kind: str, fields: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    types = st.one_of(st.just(kind), st.just(kind), st.lists(st.sampled_from(TYPES)), scalars)
    return st.fixed_dictionaries({"@type": types}, optional=fields)


organizations = _node("Organization", {"name": texts | json_values, "url": urls})
reviews = _node(
    "ClaimReview",
    {
        "claimReviewed": st.sampled_from(SEED_TEXTS) | texts | json_values,
        "reviewRating": _node(
            "Rating",
            {"alternateName": texts, "name": texts, "ratingExplanation": texts | json_values},
        )
        | json_values,
        "itemReviewed": _node(
            "Claim",
            {"name": texts, "author": organizations | json_values, "datePublished": texts},
        )
        | json_values,
        "author": organizations | json_values,
        "publisher": organizations,
        "url": urls | json_values,
        "datePublished": texts | scalars,
        "identifier": texts | scalars | json_values,
        "citation": st.lists(
            _node(
                "CreativeWork",
                {
                    "url": urls | json_values,
                    "publisher": organizations | json_values,
                    "headline": texts,
                    "text": texts | scalars,
                    "genre": texts | scalars,
                    "datePublished": texts,
                },
            )
            | st.fixed_dictionaries({"url": urls})  # a link alone: credited to its site
            | texts
            | json_values,
            max_size=3,
        )
        | json_values,
    },
)
articles = _node(
    "NewsArticle",
    {
        "headline": texts,
        "publisher": organizations | json_values,
        "author": organizations | st.lists(organizations, max_size=2) | json_values,
        "datePublished": texts | scalars,
        "isBasedOn": json_values,
        "sourceOrganization": organizations | json_values,
        "@id": texts,
        "url": urls,
    },
)


def _documents(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One item alone, in a list, in an `@graph` or under the keys the readers descend."""
    return st.one_of(
        item,
        st.lists(item | json_values, max_size=4),
        st.builds(lambda xs: {"@context": "https://schema.org", "@graph": xs}, st.lists(item)),
        st.builds(
            lambda k, x: {"@type": "WebPage", k: x},
            st.sampled_from(["mainEntity", "hasPart", "review"]),
            item | st.lists(item, max_size=2),
        ),
    )


good_reviews = st.fixed_dictionaries(
    {
        "@type": st.just("ClaimReview"),
        "claimReviewed": st.builds("{} {}".format, st.sampled_from(SEED_TEXTS), _plain),
        "reviewRating": st.fixed_dictionaries(
            {"alternateName": st.sampled_from(["False", "Mostly true", "Pants on fire", "Eh"])}
        ),
    },
    optional={
        "url": st.sampled_from(["https://checks.example/1", "https://checks.example/2"]),
        "author": st.fixed_dictionaries({"name": _plain.filter(str.strip)}),
        "identifier": st.text(alphabet="abcdef0123456789", min_size=1, max_size=10),
        "citation": st.lists(good_sources, max_size=2),
    },
)
claimreview_documents = _documents(good_reviews | reviews | articles | json_values)


# -- files -------------------------------------------------------------------------------------
@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):  # a file as a program writes it: often imported whole
        lines = [json.dumps(row) for row in draw(st.lists(good_rows, min_size=1, max_size=4))]
    else:
        hostile = json_text(rows) | json_text() | st.text(max_size=20)
        lines = draw(st.lists(hostile | good_rows.map(json.dumps), max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    return _encoded(draw, text)


@st.composite
def table_files(draw: st.DrawFn, delimiter: str) -> bytes:
    names = draw(st.lists(st.sampled_from(TABULAR_KEYS) | st.text(max_size=8), max_size=7))
    if draw(st.booleans()):
        names = ["text", *names]
    cells = texts | st.sampled_from(SEED_TEXTS) | json_text(sources) | json_text()
    body = draw(st.lists(st.lists(cells, max_size=len(names) + 1), max_size=5))
    if draw(st.booleans()):  # a file as a program writes it: often imported whole
        names = ["text", "status", "id", "publisher", "source_url", "sources"]
        good = draw(st.lists(good_rows, min_size=1, max_size=4))
        cited = [json.dumps(r.get("sources", [])) for r in good]
        body = [
            [r["text"], r.get("status", ""), r.get("id", ""), "", "", sources]
            for r, sources in zip(good, cited, strict=True)
        ]
    if draw(st.integers(0, 4)) == 0:  # written by hand: quotes and separators unbalanced
        text = "\n".join(delimiter.join(row) for row in [names, *body])
    else:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerows([names, *body])
        text = out.getvalue()
    return _encoded(draw, text)


@st.composite
def claimreview_files(draw: st.DrawFn) -> bytes:
    return _encoded(draw, draw(json_text(claimreview_documents)))


def _encoded(draw: st.DrawFn, text: str) -> bytes:
    """UTF-8 (with or without a byte-order mark); now and then bytes that are not UTF-8."""
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "bom", "latin-1"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8


# -- pages -------------------------------------------------------------------------------------
HTML_NOISE = [
    '<link rel="canonical" href="http://[">', '<meta property="og:url" content="https://[::1">',
    "<script>", "</script>", "<!--", "-->", "&#0;", "&#x110000;", "&amp", "<![CDATA[", "<p>",
    "</p>", "<div", "<br/>", "<table><tr><td>", "<script type=application/ld+json>", "\x00",
]  # fmt: skip


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    blocks = draw(
        st.lists(json_text(claimreview_documents) | json_text(_documents(articles)), max_size=3)
    )
    kinds = st.sampled_from(["application/ld+json", "application/LD+JSON; charset=utf-8"])
    scripts = "".join(f'<script type="{draw(kinds)}">{block}</script>' for block in blocks)
    paragraphs = draw(
        st.lists(st.sampled_from(SEED_TEXTS) | messages | st.sampled_from(HTML_NOISE), max_size=12)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<title>{draw(texts)}</title>{scripts}"
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"
