"""Labelled sets for evaluation: claims, queries and TREC qrels (the CheckThat! 2020 layout).

Files are tab-separated with a header row and standard CSV quoting (fields may be quoted and
span lines). Every problem is reported as one line naming the file and the row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from verifiers.domain.errors import InvalidInput
from verifiers.text.normalize import normalize
from verifiers.text.tokens import tokenize

csv.field_size_limit(1_000_000)


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: str
    text: str
    title: str


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """Claims by id, queries by id (file order), and each query's relevant claim ids."""

    claims: dict[str, ClaimRow]
    queries: dict[str, str]
    qrels: dict[str, frozenset[str]]

    def duplicates(self) -> dict[str, frozenset[str]]:
        """Claim id → ids of claims with the same words (quotes, case and spacing aside).

        The CheckThat! claims hold ~180 such pairs; a database "without the relevant claim" must
        lack its duplicates too, or an answer naming the duplicate would be counted as false.
        """
        groups: dict[str, list[str]] = {}
        for row in self.claims.values():
            groups.setdefault(" ".join(tokenize(normalize(row.text))), []).append(row.id)
        return {i: frozenset(ids) for ids in groups.values() if len(ids) > 1 for i in ids}

    def limited(self, n: int | None) -> LabelledSet:
        """The first `n` labelled queries (all when n is None)."""
        if n is None:
            return self
        return self.subset([q for q in self.queries if q in self.qrels][:n])

    def subset(self, query_ids: Iterable[str]) -> LabelledSet:
        """These labelled queries only, against all the claims."""
        ids = [q for q in query_ids if q in self.qrels]
        return LabelledSet(
            self.claims, {q: self.queries[q] for q in ids}, {q: self.qrels[q] for q in ids}
        )


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each row after the header."""
    if not path.is_file():
        raise InvalidInput(f"{path}: file not found")
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter="\t")
            header = next(reader, None)
            if header is None:
                raise InvalidInput(f"{path}: the file is empty")
            line = reader.line_num
            for row in reader:
                if row:
                    yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InvalidInput(f"{path}: unreadable tab-separated data ({exc})") from None


def load_claims(path: Path) -> dict[str, ClaimRow]:
    """`id <TAB> claim text <TAB> title`; the title may be empty."""
    claims: dict[str, ClaimRow] = {}
    for line, row in _rows(path):
        if len(row) not in (2, 3):
            raise InvalidInput(
                f"{path}, row at line {line}: expected 3 columns (id, claim, title), "
                f"found {len(row)}"
            )
        claim_id, text = row[0].strip(), " ".join(row[1].split())
        title = " ".join(row[2].split()) if len(row) == 3 else ""
        if not claim_id:
            raise InvalidInput(f"{path}, row at line {line}: the claim id is empty")
        if len(text) < 3:
            raise InvalidInput(f"{path}, row at line {line}: claim {claim_id} has no text")
        if claim_id in claims:
            raise InvalidInput(f"{path}, row at line {line}: duplicate claim id {claim_id}")
        claims[claim_id] = ClaimRow(claim_id, text, title)
    if not claims:
        raise InvalidInput(f"{path}: no claims in the file")
    return claims


def load_queries(path: Path) -> dict[str, str]:
    """`id <TAB> text`."""
    queries: dict[str, str] = {}
    for line, row in _rows(path):
        if len(row) != 2:
            raise InvalidInput(
                f"{path}, row at line {line}: expected 2 columns (id, text), found {len(row)}"
            )
        query_id = row[0].strip()
        if not query_id:
            raise InvalidInput(f"{path}, row at line {line}: the query id is empty")
        if query_id in queries:
            raise InvalidInput(f"{path}, row at line {line}: duplicate query id {query_id}")
        queries[query_id] = row[1]
    if not queries:
        raise InvalidInput(f"{path}: no queries in the file")
    return queries


def load_qrels(
    path: Path, claims: dict[str, ClaimRow], queries: dict[str, str]
) -> dict[str, frozenset[str]]:
    """TREC qrels `query_id 0 claim_id relevance`; only relevance > 0 counts."""
    if not path.is_file():
        raise InvalidInput(f"{path}: file not found")
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise InvalidInput(
                    f"{path}, line {line_no}: expected 4 fields "
                    f"(query_id 0 claim_id relevance), found {len(fields)}"
                )
            query_id, _, claim_id, grade = fields
            if query_id not in queries:
                raise InvalidInput(f"{path}, line {line_no}: unknown query id {query_id}")
            if claim_id not in claims:
                raise InvalidInput(f"{path}, line {line_no}: unknown claim id {claim_id}")
            try:
                positive = float(grade) > 0
            except ValueError:
                raise InvalidInput(
                    f"{path}, line {line_no}: relevance {grade!r} is not a number"
                ) from None
            if positive:
                relevant.setdefault(query_id, set()).add(claim_id)
    if not relevant:
        raise InvalidInput(f"{path}: no relevant pairs in the file")
    return {q: frozenset(ids) for q, ids in relevant.items()}


def load_set(claims_path: Path, queries_path: Path, qrels_path: Path) -> LabelledSet:
    claims = load_claims(claims_path)
    queries = load_queries(queries_path)
    return LabelledSet(claims, queries, load_qrels(qrels_path, claims, queries))


CLAIMS_FILE = "verified_claims.docs.tsv"
QUERIES_FILE = "tweets.queries.tsv"
QRELS_FILE = "tweet-vclaim-pairs.qrels"


def load_split(data_dir: Path, split: str) -> LabelledSet:
    """A CheckThat!-style directory: verified_claims.docs.tsv and <split>/ with its files.

    The layouts of the lab's releases differ (2020's test split came as `test-input/`, with the
    queries one folder further down), so a file not at its usual place is looked for under
    every `<split>*` folder; it must then be the only one of its kind there.
    """
    if not data_dir.is_dir():
        raise InvalidInput(f"{data_dir}: no such data directory")
    return load_set(
        _split_file(data_dir, split, data_dir / CLAIMS_FILE, CLAIMS_FILE),
        _split_file(data_dir, split, data_dir / split / QUERIES_FILE, "*queries*.tsv"),
        _split_file(data_dir, split, data_dir / split / QRELS_FILE, "*.qrels"),
    )


def _split_file(data_dir: Path, split: str, usual: Path, pattern: str) -> Path:
    """`usual` if it exists, else the one file matching `pattern` under the split's folders."""
    if usual.is_file():
        return usual
    folders = [f for f in sorted(data_dir.glob(f"{split}*")) if f.is_dir()]
    found = sorted({path for folder in folders for path in folder.rglob(pattern) if path.is_file()})
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidInput(
            f"{usual}: file not found (nor any {pattern} under {data_dir}/{split}*/);"
            " name the files with --claims, --queries and --qrels"
        )
    listed = ", ".join(str(path.relative_to(data_dir)) for path in found[:4])
    raise InvalidInput(
        f"{data_dir}: several {pattern} files for split {split!r} ({listed});"
        " name the one to use with --claims, --queries or --qrels"
    )
