"""The claims' lexical index: BM25 over claim text and summary in a tantivy index on disk.

tantivy (Lucene's design, in Rust) finds the top k by block-max WAND: it skips the blocks of a
common word's postings that cannot beat the k-th best score so far, so a query of common words
stays cheap at a million claims, where FTS5 scores every row holding any of its terms.

The index is derived: the database stays the source of truth and the index can always be
rebuilt from it. It records the change sequence it reflects, the largest `audit.id` (every
change to a claim writes an audit row in the same transaction), and that audit row's
fingerprint, so that whoever follows the changes knows where to resume and can tell a database
that is no longer the one indexed (restored from a backup, recreated). Applying a claim's
current state twice changes nothing, so resuming from a sequence older than the index's
content is safe.

Terms are the matcher's: text and summary are indexed as `tokenize(normalize(...))` joined by
spaces and cut on whitespace only, so every indexed term is a term the matcher can send.
Retired claims are not in the index: never returned, and not counted in BM25's statistics.
tantivy ranks the claims with its own BM25; the hits it returns are then scored again with
SQLite FTS5's bm25() (bm25.py), whose scores the answer models were fitted on, over counts of
the live claims only.
A field `words` holds each claim's distinct terms of text and summary together: the matcher's
vocabulary and document frequencies (a claim counts once, whichever field holds the word).
Each claim's terms are stored too, with the stems of its content words (`content_words`):
a search returns them with the hit, so that the matcher screens its candidates without
tokenizing them again.

The folder holds:
    state.json    {"format", "generation", "sequence", "fingerprint"}, replaced whole on
                  every change
    writer.lock   locked while a process writes the index (a build or an apply), then released
    g-<hex>/      the tantivy index `state.json` names; a rebuild writes a new one, switches
                  `state.json` to it, then removes the old one

One process writes at a time: a build, an apply or an import's bulk add (`adding`) holds
writer.lock while it runs, and another process trying meanwhile gets `IndexBusy` (or, asked
to, waits its turn). Any number of processes search; each search looks at state.json (one
stat), which the writer replaces after every commit, so a reader sees a commit or a rebuild at
its next search (tantivy's own reader would notice a commit only within half a second).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import tantivy

from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Candidate, Scope
from verifiers.files import written_whole
from verifiers.store.index.bm25 import BM25_WEIGHTS, Bm25
from verifiers.store.index.state import STATE, IndexUnusable, first_line, read_state
from verifiers.text.normalize import normalize
from verifiers.text.tokens import content_words, tokenize

FORMAT = 4  # bumped when the fields or the terms change: an index of another format is rebuilt

LOCK = "writer.lock"
GENERATION = re.compile(r"g-[0-9a-f]{12}")
TOKENIZER = "claimbot_terms"
GLOBAL = 0  # a global claim's guild, as the store's external-id index writes it: no real id
BUILD_HEAP_BYTES = 128 * 2**20
APPLY_HEAP_BYTES = 32 * 2**20  # tantivy needs at least 15 MB a thread
PROGRESS_EVERY = 1_000
# A guild's search asks for this many times `limit` hits of every scope and keeps those it may
# see; only when other guilds' claims crowd its own out does it search with a filter, which
# is exact too but cannot prune (it scores every claim holding a term, as FTS5 does).
OVERFETCH = 2
MAX_COUNTED_WORDS = 100_000  # words whose claims a commit's BM25 figures remember

Progress = Callable[[int], None]
"""Told how many claims each finished batch indexed."""


class IndexBehind(ValueError):
    """Changes up to a sequence the index is already past: another process applied more."""


class IndexBusy(ClaimbotError):
    """Another process writes this index; this one may only search it."""


def _schema() -> tantivy.Schema:
    fields = tantivy.SchemaBuilder()
    fields.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    fields.add_text_field("body", tokenizer_name=TOKENIZER, index_option="freq")
    fields.add_text_field("words", tokenizer_name=TOKENIZER, index_option="basic")
    fields.add_integer_field("guild", indexed=True, fast=True)
    # The claim's own words, for the candidates (bytes: stored without being indexed again).
    fields.add_bytes_field("shown_text", stored=True)
    fields.add_bytes_field("shown_summary", stored=True)
    # Its terms (text, a newline, summary) and their count, for scoring the hits exactly.
    fields.add_bytes_field("terms", stored=True)
    fields.add_integer_field("length", fast=True)
    # The stems of its content words (text, a newline, summary), for screening the hits.
    fields.add_bytes_field("stems", stored=True)
    return fields.build()


SCHEMA = _schema()


class Indexed(Protocol):
    """What the index takes of a claim: a `Claim` has it, and so has a row read for a build
    (`IndexedClaim`), which costs no model to make."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def guild_id(self) -> int | None: ...
    @property
    def retired(self) -> bool: ...


class IndexedClaim(NamedTuple):
    """A claim as the index takes it, read straight from the database's columns."""

    id: str
    text: str
    summary: str
    guild_id: int | None
    retired: bool = False


def body_terms(claim: Indexed) -> str:
    """What BM25 scores: the text's terms as often as its weight says, then the summary's
    (one field, so that a word counts once towards rarity and the claim's length is one)."""
    return _body(tokenize(normalize(claim.text)), tokenize(normalize(claim.summary)))


def _body(text: list[str], summary: list[str]) -> str:
    text_weight, summary_weight = BM25_WEIGHTS
    parts = [" ".join(text)] * int(text_weight) + [" ".join(summary)] * int(summary_weight)
    return " ".join(part for part in parts if part)


def _document(claim: Indexed) -> tantivy.Document:
    text, summary = tokenize(normalize(claim.text)), tokenize(normalize(claim.summary))
    doc = tantivy.Document()
    doc.add_text("id", claim.id)
    doc.add_text("body", _body(text, summary))
    doc.add_text("words", " ".join(set(text).union(summary)))  # a set: no positions kept
    doc.add_integer("guild", claim.guild_id or GLOBAL)
    doc.add_bytes("shown_text", claim.text.encode("utf-8"))
    doc.add_bytes("shown_summary", claim.summary.encode("utf-8"))
    doc.add_bytes("terms", (" ".join(text) + "\n" + " ".join(summary)).encode("utf-8"))
    doc.add_integer("length", len(text) + len(summary))
    stems = " ".join(content_words(text).stems) + "\n" + " ".join(content_words(summary).stems)
    doc.add_bytes("stems", stems.encode("utf-8"))
    return doc


@dataclass(frozen=True, slots=True)
class _State:
    generation: str
    sequence: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class _Figures:
    """BM25's figures for one commit (`_Loaded.key`): the live claims' tokens of text and
    summary, and the live claims holding each word counted so far."""

    key: tuple[int, int]
    tokens: int
    holding: dict[str, int]


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The generation searched, with the state it came from and that state file's identity
    (a replaced file has a new inode: a reader compares it to notice a rebuild)."""

    key: tuple[int, int]
    state: _State
    index: tantivy.Index


class LexicalIndex:
    """The index in one folder. Open one with `open`, make one with `create`; safe to share
    between threads (writes take turns, searches run alongside them)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()
        self._lock = threading.RLock()
        self._loaded: _Loaded | None = None
        self._figures: _Figures | None = None
        self._closed = False

    @classmethod
    def open(cls, folder: str | os.PathLike[str]) -> LexicalIndex:
        """The index in `folder`; `IndexUnusable` if there is none or it cannot be read."""
        index = cls(folder)
        index._load()
        return index

    @classmethod
    def create(
        cls,
        folder: str | os.PathLike[str],
        claims: Iterable[Indexed],
        sequence: int,
        progress: Progress | None = None,
        *,
        fingerprint: str = "",
    ) -> LexicalIndex:
        """A new index of `claims` in `folder` (replacing any index there), as of `sequence`."""
        index = cls(folder)
        try:
            index.build(claims, sequence, progress, fingerprint=fingerprint)
        except BaseException:
            index.close()
            raise
        return index

    # -- state -----------------------------------------------------------------------------
    def _state_key(self) -> tuple[int, int]:
        try:
            found = (self.folder / STATE).stat()
        except FileNotFoundError:
            raise IndexUnusable(f"no search index in {self.folder}: build it") from None
        except OSError as exc:
            raise IndexUnusable(f"cannot read the search index in {self.folder}: {exc}") from None
        return found.st_ino, found.st_mtime_ns

    def _read_state(self) -> _State:
        path = self.folder / STATE
        data = read_state(self.folder, "search index", FORMAT)
        generation, sequence = data.get("generation"), data.get("sequence")
        fingerprint = data.get("fingerprint")
        if (
            not (isinstance(generation, str) and GENERATION.fullmatch(generation))
            or not (type(sequence) is int and sequence >= 0)
            or not isinstance(fingerprint, str)
        ):
            raise IndexUnusable(f"search index state {path} is damaged: rebuild the index")
        return _State(generation, sequence, fingerprint)

    def _save_state(self, state: _State) -> None:
        data = {
            "format": FORMAT,
            "generation": state.generation,
            "sequence": state.sequence,
            "fingerprint": state.fingerprint,
        }
        with written_whole(self.folder / STATE) as partial:
            partial.write_text(json.dumps(data) + "\n", encoding="utf-8")

    def _open_generation(self, generation: str) -> tantivy.Index:
        path = self.folder / generation
        try:
            index = tantivy.Index.open(str(path))
            index.register_tokenizer(TOKENIZER, _analyzer())
            index.searcher()  # opens every segment and checks its files' footers
        except ValueError as exc:
            raise IndexUnusable(
                f"search index {path} is damaged ({first_line(exc)}): rebuild it"
            ) from None
        return index

    def _load(self) -> _Loaded:
        """Read state.json and open the generation it names (kept if it is the one open)."""
        with self._lock:
            if self._closed:
                raise ClaimbotError(f"the search index in {self.folder} is closed")
            for attempt in range(2):
                key = self._state_key()
                state = self._read_state()
                loaded = self._loaded
                if loaded is not None and loaded.state.generation == state.generation:
                    index = loaded.index
                    index.reload()  # the writer saves the state after each commit
                    break
                try:
                    index = self._open_generation(state.generation)
                    break
                except IndexUnusable:
                    # A rebuild may have removed the generation just read: look once more.
                    if attempt or self._state_key() == key:
                        raise
            self._loaded = _Loaded(key, state, index)
            return self._loaded

    def _current(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None or self._state_key() != loaded.key:
            loaded = self._load()
        return loaded

    @property
    def sequence(self) -> int:
        """The change sequence (largest audit id) whose changes the index holds."""
        return self._current().state.sequence

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the audit row at `sequence`, as the writer was told it."""
        return self._current().state.fingerprint

    @property
    def position(self) -> tuple[int, str]:
        """`sequence` and `fingerprint` from one reading of the state."""
        state = self._current().state
        return state.sequence, state.fingerprint

    @property
    def claim_count(self) -> int:
        """Live claims in the index."""
        return int(self._current().index.searcher().num_docs)

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed term with the live claims holding it, commonest first."""
        searcher = self._current().index.searcher()
        # Filtered by a query, the counts skip claims deleted since their segment was last
        # merged (an edited claim's old entry, a retired one); tantivy's own counts do not.
        found = searcher.terms_with_prefix("words", "", filter_query=tantivy.Query.all_query())
        return [(str(term), int(n)) for term, n in found if n]

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Live claims holding each term, normalised and tokenized as the claims were (a term
        of several words: the claims holding all of them)."""
        searcher = self._current().index.searcher()
        found: dict[str, int] = {}
        for term in terms:
            words = list(dict.fromkeys(tokenize(normalize(str(term)))))
            if not words:
                found[term] = 0
                continue
            found[term] = _holding_all(searcher, words)
        return found

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def _writing(self, wait: bool) -> Iterator[None]:
        """Be the one process writing the folder for the block: wait for another's turn to
        end, or (`wait` false) raise `IndexBusy` at once."""
        if self._closed:
            raise ClaimbotError(f"the search index in {self.folder} is closed")
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / LOCK).open("a+b") as handle:  # closing it releases the lock
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusy(
                    f"another process writes the search index in {self.folder}"
                ) from None
            yield

    def build(
        self,
        claims: Iterable[Indexed],
        sequence: int,
        progress: Progress | None = None,
        *,
        fingerprint: str = "",
        wait: bool = False,
    ) -> int:
        """Index `claims` from scratch in a new generation, then switch to it: searches see the
        old index until the new one is whole, and a failure leaves the old one as it was.

        Read `sequence` before the claims (or in the same snapshot): a change made meanwhile
        is then applied again later, which changes nothing. Retired claims are left out.
        Returns how many claims were indexed.
        """
        with self._lock, self._writing(wait):
            generation = "g-" + secrets.token_hex(6)
            state = _State(generation, sequence, fingerprint)
            path = self.folder / generation
            path.mkdir()
            writer: tantivy.IndexWriter | None = None
            try:
                index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
                index.register_tokenizer(TOKENIZER, _analyzer())
                writer = index.writer(BUILD_HEAP_BYTES, 1)
                count = batch = 0
                for claim in claims:
                    if claim.retired:
                        continue
                    writer.add_document(_document(claim))
                    count += 1
                    batch += 1
                    if progress is not None and batch == PROGRESS_EVERY:
                        progress(batch)
                        batch = 0
                writer.commit()
                done, writer = writer, None
                done.wait_merging_threads()
                index.reload()
                self._save_state(state)
            except BaseException:
                if writer is not None:  # its threads write into the folder until stopped
                    writer.rollback()
                    writer.wait_merging_threads()
                shutil.rmtree(path, ignore_errors=True)
                raise
            self._loaded = _Loaded(self._state_key(), state, index)
            for other in self.folder.iterdir():
                if other.is_dir() and GENERATION.fullmatch(other.name) and other != path:
                    shutil.rmtree(other, ignore_errors=True)
            if progress is not None and batch:
                progress(batch)
            return count

    def apply(
        self,
        changes: Iterable[Indexed],
        sequence: int,
        *,
        removed: Iterable[str] = (),
        fingerprint: str = "",
        wait: bool = False,
    ) -> int:
        """Bring the index to `sequence` (whose audit row has `fingerprint`): each claim of
        `changes` as it now is (a retired one leaves the index, a live one replaces its old
        entry), and the claims `removed` out. All of it becomes searchable at once, or none
        of it. Returns the claims written."""
        with self._lock, self._writing(wait):
            loaded = self._load()  # the state as the last writer left it
            if sequence < loaded.state.sequence:
                raise IndexBehind(
                    f"change sequence {sequence} is behind the index's {loaded.state.sequence}"
                )
            # A writer per apply: tantivy's writer holds a lock of its own in the folder,
            # which must not outlive this process's turn.
            writer = loaded.index.writer(APPLY_HEAP_BYTES, 1)
            written = 0
            try:
                for claim in changes:
                    writer.delete_documents_by_term("id", claim.id)
                    if not claim.retired:
                        writer.add_document(_document(claim))
                        written += 1
                for claim_id in removed:
                    writer.delete_documents_by_term("id", claim_id)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            # Committed before the sequence is saved: a crash between the two only makes the
            # next start apply these changes again.
            self._committed(loaded, sequence, fingerprint)
            return written

    def _committed(self, loaded: _Loaded, sequence: int, fingerprint: str) -> None:
        """After a writer's commit to the generation `loaded`: this process sees it at once,
        and the state file names the sequence (and fingerprint) the index now reflects."""
        loaded.index.reload()
        state = _State(loaded.state.generation, sequence, fingerprint)
        self._save_state(state)
        self._loaded = _Loaded(self._state_key(), state, loaded.index)

    @contextmanager
    def adding(self, *, wait: bool = False) -> Iterator[NewClaims]:
        """A writer for claims the index does not hold yet, fed while a database transaction
        writes them (an import): tantivy's thread indexes them as they come, and nothing is
        searchable until `NewClaims.commit`. Leaving the block without committing discards
        them. `IndexBusy` if another process writes the folder (unless `wait`)."""
        with self._lock, self._writing(wait):
            loaded = self._load()
            new = NewClaims(loaded, loaded.index.writer(BUILD_HEAP_BYTES, 1), self._committed)
            try:
                yield new
            finally:
                new.finish()

    def close(self) -> None:
        """Stop searching (a write under way finishes first); the folder stays for next time."""
        with self._lock:
            self._closed = True
            self._loaded = None

    def __enter__(self) -> LexicalIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- searching -------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """BM25 over the terms (OR), text weighted twice the summary, best first, among the
        live claims `scope` may see; terms are normalised and tokenized as the claims were."""
        words = list(dict.fromkeys(w for term in terms for w in tokenize(normalize(str(term)))))
        if not words or limit <= 0:
            return []
        if self._closed:
            raise ClaimbotError(f"the search index in {self.folder} is closed")
        loaded = self._current()
        searcher = loaded.index.searcher()
        query = _query(words)
        if scope.operator:
            hits = searcher.search(query, limit, count=False).hits
        else:
            fetch = OVERFETCH * limit
            found = searcher.search(query, fetch, count=False).hits
            guilds = searcher.fast_field_values("guild", [address for _, address in found])
            hits = [
                hit
                for hit, guild in zip(found, guilds, strict=True)
                if scope.can_see(int(guild) if guild else None)
            ]
            if len(hits) < limit and len(found) == fetch:
                hits = searcher.search(_query(words, scope), limit, count=False).hits
        if not hits:
            return []
        return _scored(
            searcher, self._bm25(loaded, searcher, words), [address for _, address in hits[:limit]]
        )

    def _bm25(self, loaded: _Loaded, searcher: tantivy.Searcher, words: list[str]) -> Bm25:
        """FTS5's BM25 of `words` over the live claims of this commit. Its figures are counted,
        not read from tantivy's statistics, which go on counting a claim edited or retired
        until its segment is merged; they are kept until the next commit (a million lengths
        take a few milliseconds to sum, a common word's claims about one to count)."""
        figures = self._figures
        if figures is None or figures.key != loaded.key:
            found: Any = searcher.aggregate(
                tantivy.Query.all_query(), {"t": {"sum": {"field": "length"}}}
            )
            figures = self._figures = _Figures(loaded.key, int(found["t"]["value"] or 0), {})
        holding = figures.holding
        counts: dict[str, int] = {}  # this query's own: another thread may clear `holding`
        for word in words:
            count = holding.get(word)
            if count is None:
                if len(holding) >= MAX_COUNTED_WORDS:
                    holding.clear()
                count = holding[word] = _holding_all(searcher, [word])
            counts[word] = count
        return Bm25(words, int(searcher.num_docs), figures.tokens, counts)


class NewClaims:
    """New claims going into the index (see `LexicalIndex.adding`)."""

    def __init__(
        self,
        loaded: _Loaded,
        writer: tantivy.IndexWriter,
        committed: Callable[[_Loaded, int, str], None],
    ) -> None:
        self._loaded = loaded
        self._writer: tantivy.IndexWriter | None = writer
        self._committed = committed
        self.added = 0

    @property
    def position(self) -> tuple[int, str]:
        """The sequence and fingerprint the index is at: the caller adds claims written after
        that point only."""
        return self._loaded.state.sequence, self._loaded.state.fingerprint

    def add(self, claims: Iterable[Indexed]) -> None:
        assert self._writer is not None, "added after the commit"
        for claim in claims:
            if not claim.retired:
                self._writer.add_document(_document(claim))
                self.added += 1

    def commit(self, sequence: int, fingerprint: str) -> None:
        """Make the claims searchable as of `sequence`, once the database has committed them
        (a crash before the state is saved only makes the next start apply them again)."""
        writer, self._writer = self._writer, None
        assert writer is not None, "committed twice"
        try:
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        self._committed(self._loaded, sequence, fingerprint)

    def finish(self) -> None:
        """Discard what was not committed and stop the writer's threads."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.rollback()
            writer.wait_merging_threads()


def _analyzer() -> tantivy.TextAnalyzer:
    """Whitespace only: the text arrives as the matcher's tokens (no length limit, no case
    folding of its own, unlike tantivy's built-in analyzers)."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def _query(words: list[str], scope: Scope | None = None) -> tantivy.Query:
    """Any of the words in the text (boosted) or the summary; with `scope`, only the claims it
    may see, the filter adding nothing to the score."""
    should = tantivy.Occur.Should
    clauses = [(should, tantivy.Query.term_query(SCHEMA, "body", word)) for word in words]
    query = tantivy.Query.boolean_query(clauses)
    if scope is None:
        return query
    guilds = [GLOBAL] if scope.guild_id is None else [GLOBAL, scope.guild_id]
    visible = tantivy.Query.term_set_query(SCHEMA, "guild", guilds)
    must = tantivy.Occur.Must
    return tantivy.Query.boolean_query(
        [(must, query), (must, tantivy.Query.const_score_query(visible, 0.0))]
    )


def _holding_all(searcher: tantivy.Searcher, words: list[str]) -> int:
    """Live claims holding every one of `words`."""
    must = tantivy.Occur.Must
    query = tantivy.Query.boolean_query(
        [(must, tantivy.Query.term_query(SCHEMA, "words", word)) for word in words]
    )
    result: Any = searcher.search(query, 1, count=True)  # the stubs lack `count`
    return int(result.count or 0)


def _scored(
    searcher: tantivy.Searcher, bm25: Bm25, found: list[tantivy.DocAddress]
) -> list[Candidate]:
    """The hits scored by `bm25` (FTS5's formula, see bm25.py), best first, with their tokens
    and stems; a tie keeps tantivy's order."""
    scored = []
    for address in found:
        doc = searcher.doc(address)
        text_terms, _, summary_terms = _text(doc, "terms").partition("\n")
        text, summary = text_terms.split(), summary_terms.split()
        text_stems, _, summary_stems = _text(doc, "stems").partition("\n")
        scored.append(
            Candidate(
                str(doc.get_first("id")),
                bm25.score(text, summary),
                _text(doc, "shown_text"),
                _text(doc, "shown_summary"),
                text,
                summary,
                text_stems.split(),
                summary_stems.split(),
            )
        )
    scored.sort(key=lambda hit: -hit.bm25)  # stable: equal scores keep tantivy's order
    return scored


def _text(doc: tantivy.Document, field: str) -> str:
    return bytes(doc.get_first(field) or b"").decode("utf-8")
