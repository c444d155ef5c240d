"""The claims' vector index: approximate nearest neighbours (usearch HNSW) over claim embeddings.

A graph of the claim vectors quantised to int8 finds a few times more candidates than asked
for; those are re-ranked exactly against the float32 vectors, so the order given is the exact
one among them, and only the recall of the graph is approximate (measured in
docs/benchmarks.md). Scope is applied after the search: a guild may see global claims and its
own, so the search over-fetches, drops the claims the scope may not see, and falls back to an
exact search over the visible claims when too few are left.

The index is derived: the database stays the source of truth, and the index can always be
rebuilt from it. It records the change it reflects (a row of the store's change feed for
vectors: its sequence, and a fingerprint telling it from another database's row of the same
sequence; an empty fingerprint when unknown), the embedding model and the dimension; one of
another model, dimension or format is rebuilt by its owner. Claims are keyed by integers
(usearch's keys): a claim's key is the row of its vector; a changed claim gets a new key and
its old one leaves the graph.

The folder holds:
    state.json      {"format", "model", "dimensions", "sequence", "fingerprint", "base",
                    "graph", "meta"}, replaced whole on every save (written by older
                    versions without "fingerprint": read as unknown)
    writer.lock     locked by the one process that saves the folder
    v-<hex>.f32     the float32 vectors of the claims indexed at build (rows = keys), raw
                    little-endian, read a row at a time
    g-<hex>.usearch the graph, written whole at every save
    m-<hex>.npz     for each key: the claim id, its guild, the hash of its text, whether it is
                    live; and the float32 vectors of the keys added since the build

Every save writes new graph and meta files and then switches state.json to them, so a reader
always opens a consistent pair; the files state.json no longer names are then removed. A save
that only moves the recorded change (nothing the index holds changed) rewrites state.json
alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Scope
from verifiers.files import written_whole
from verifiers.store.index.state import STATE, IndexUnusable, first_line, read_state

log = logging.getLogger(__name__)

FORMAT = 1  # bumped when the files change: an index of another format is rebuilt

LOCK = "writer.lock"
NAME = re.compile(r"[vgm]-[0-9a-f]{12}\.(f32|usearch|npz)")
GLOBAL = -1  # the guild of a global claim
# The graph: links per node (twice usearch's default: on stand-in vectors at 100k claims,
# recall@50 0.95 against 0.87 for the same search time) and the candidate list while linking.
CONNECTIVITY = 32
EXPANSION_ADD = 128
# Candidates taken from the graph for a top k, re-ranked exactly: at least FETCH_MIN, and
# OVERFETCH times what is asked (measured: recall@50 against exact search, docs/benchmarks.md).
FETCH_MIN = 400
OVERFETCH = 8
ADD_BLOCK = 50_000  # vectors added to the graph at a time (and between progress reports)
BUILD_THREADS = os.cpu_count() or 1  # a build is rare and long: every core
SCAN_FROM = 20_000  # rows read from the float file by reading it through rather than one by one

Item = tuple[str, int | None, str, np.ndarray]
"""A claim as the index takes it: id, guild (None: global), text hash, float32 vector."""

Progress = Callable[[int], None]
"""Told how many claims each finished block indexed."""


class IndexBusy(ClaimbotError):
    """Another process saves this index; this one may change it only in memory."""


@dataclass(frozen=True, slots=True)
class _State:
    model: str
    dimensions: int
    sequence: int
    base: str
    graph: str
    meta: str
    fingerprint: str = ""


def _name(prefix: str, suffix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}.{suffix}"


def _usearch_index() -> Any:
    """usearch's `Index` class. ONNX Runtime (the semantic encoder's, when installed) is
    imported first: imported after usearch's extension, its own crashes the process
    (segmentation fault, usearch 2.26 with onnxruntime 1.32), so the order must not depend
    on which the process happens to need first."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def _new_graph(dimensions: int) -> Any:
    Index = _usearch_index()

    # Inner product: a claim vector is the sum of two unit vectors, and the matcher ranks by
    # its dot product with the unit query, as the exact search does.
    return Index(
        ndim=dimensions,
        metric="ip",
        dtype="i8",
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
    )


class _FloatRows:
    """The float32 vectors of the build, read from their file a row at a time (not mapped: a
    mapping faults in the pages around each row read, and a few hundred searches would hold
    most of the 1.5 GB file of a million claims in the process's memory)."""

    def __init__(self, file: IO[bytes] | None, dimensions: int) -> None:
        self._file = file
        self._width = 4 * dimensions
        self.dimensions = dimensions
        size = 0 if file is None else os.fstat(file.fileno()).st_size
        if size % self._width:
            raise ValueError("the vector file is cut short")
        self.count = size // self._width
        if file is not None and hasattr(os, "posix_fadvise"):
            # Into the page cache in the background (not this process's memory): a row read
            # from the disk costs ~50 µs, and a search reads hundreds of them.
            os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)

    def take(self, keys: np.ndarray) -> np.ndarray:
        """Rows `keys` (all below `count`), in that order."""
        out = np.empty((len(keys), self.dimensions), dtype="<f4")
        if not len(keys) or self._file is None:
            return out
        fd = self._file.fileno()
        if len(keys) < SCAN_FROM:
            data = b"".join(os.pread(fd, self._width, k * self._width) for k in keys.tolist())
            return np.frombuffer(data, dtype="<f4").reshape(len(keys), self.dimensions)
        # Many rows (the exact fallback): read the file through, a block at a time.
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        for start in range(0, self.count, ADD_BLOCK):
            stop = min(start + ADD_BLOCK, self.count)
            lo, hi = np.searchsorted(ordered, [start, stop])
            if lo == hi:
                continue
            data = os.pread(fd, (stop - start) * self._width, start * self._width)
            block = np.frombuffer(data, dtype="<f4").reshape(-1, self.dimensions)
            out[order[lo:hi]] = block[ordered[lo:hi] - start]
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class VectorIndex:
    """The index in one folder, in memory (the float vectors of the build read from their file).

    Open one with `open`, make one with `create`. Safe to share between threads: changes and
    searches take turns (a search takes a few milliseconds)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser()
        self._lock = threading.RLock()
        self._lockfile: IO[bytes] | None = None
        self._state: _State | None = None
        self._graph: Any = None
        self._base = _FloatRows(None, 1)
        self._ids: list[str] = []
        self._guilds = np.zeros(0, dtype=np.int64)
        self._hashes: list[str] = []
        self._live = np.zeros(0, dtype=bool)
        self._extra = np.zeros((0, 0), dtype="<f4")
        self._key: dict[str, int] = {}
        self._unsaved = False  # the graph or meta differ from the files the state names

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: str | os.PathLike[str], model: str, dimensions: int) -> VectorIndex:
        """The index in `folder`; `IndexUnusable` if there is none, it cannot be read, or it
        holds vectors of another model or dimension."""
        index = cls(folder)
        for attempt in range(2):
            state = index._read_state()
            if state.model != model or state.dimensions != dimensions:
                raise IndexUnusable(
                    f"vector index in {index.folder} is of {state.model} ({state.dimensions}"
                    f" dimensions), not {model} ({dimensions}): rebuild it"
                )
            try:
                index._load(state)
                return index
            except FileNotFoundError:
                # A save may have replaced the files just named: read the state once more.
                if attempt:
                    raise IndexUnusable(f"vector index in {index.folder} is incomplete") from None
        raise AssertionError("unreachable")

    @classmethod
    def create(
        cls,
        folder: str | os.PathLike[str],
        model: str,
        dimensions: int,
        items: Iterable[Item],
        sequence: int,
        progress: Progress | None = None,
        *,
        fingerprint: str = "",
        save: bool = True,
    ) -> VectorIndex:
        """A new index of `items` in `folder` as of change `sequence` (with its
        `fingerprint`), replacing whatever is there. With `save=False`, or when another
        process saves the folder, it lives in memory only (its float vectors in an unlinked
        file)."""
        index = cls(folder)
        index._build(model, dimensions, items, sequence, fingerprint, progress, save=save)
        return index

    def rebuild(
        self,
        items: Iterable[Item],
        sequence: int,
        progress: Progress | None = None,
        *,
        fingerprint: str = "",
        save: bool = True,
    ) -> None:
        """Build this index anew from `items`, as `create` does, with its model and dimension;
        searches meanwhile wait for it."""
        state = self._current()
        self._build(
            state.model, state.dimensions, items, sequence, fingerprint, progress, save=save
        )

    def _read_state(self) -> _State:
        path = self.folder / STATE
        data = read_state(self.folder, "vector index", FORMAT)
        try:
            fields = {f: data[f] for f in _State.__slots__ if f != "fingerprint"}  # type: ignore[attr-defined]
            state = _State(**fields, fingerprint=data.get("fingerprint", ""))
        except (KeyError, TypeError):
            raise IndexUnusable(f"vector index state {path} is damaged: rebuild it") from None
        names = (state.base, state.graph, state.meta)
        if not (
            isinstance(state.model, str)
            and type(state.dimensions) is int
            and state.dimensions > 0
            and type(state.sequence) is int
            and state.sequence >= 0
            and isinstance(state.fingerprint, str)
            and all(isinstance(n, str) and NAME.fullmatch(n) for n in names)
        ):
            raise IndexUnusable(f"vector index state {path} is damaged: rebuild it")
        return state

    def _load(self, state: _State) -> None:
        Index = _usearch_index()

        damaged = f"vector index in {self.folder} is damaged"
        try:
            base = _FloatRows((self.folder / state.base).open("rb", buffering=0), state.dimensions)
            graph = Index.restore(str(self.folder / state.graph))
            with np.load(self.folder / state.meta, allow_pickle=False) as meta:
                ids = meta["ids"].tolist()
                guilds = meta["guilds"].astype(np.int64)
                hashes = meta["hashes"].tolist()
                live = meta["live"].astype(bool)
                extra = meta["extra"].astype("<f4")
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise IndexUnusable(f"{damaged} ({first_line(exc)}): rebuild it") from None
        if graph is None:
            raise IndexUnusable(f"{damaged}: rebuild it")
        keys = base.count + len(extra)
        if not (
            len(ids) == len(guilds) == len(hashes) == len(live) == keys
            and graph.ndim == state.dimensions
            and (len(extra) == 0 or extra.shape[1] == state.dimensions)
            and len(graph) == int(live.sum())
        ):
            raise IndexUnusable(f"{damaged}: its files disagree; rebuild it")
        self._state, self._graph, self._base = state, graph, base
        self._ids, self._guilds, self._hashes, self._live = ids, guilds, hashes, live
        self._extra = extra.reshape(-1, state.dimensions)
        self._key = {ids[k]: k for k in np.flatnonzero(live).tolist()}

    # -- figures ---------------------------------------------------------------------------
    @property
    def sequence(self) -> int:
        """The change sequence whose changes the index holds."""
        return self._current().sequence

    @property
    def position(self) -> tuple[int, str]:
        """The change the index reflects: its sequence and fingerprint ("": unknown)."""
        state = self._current()
        return state.sequence, state.fingerprint

    @property
    def model(self) -> str:
        return self._current().model

    def __len__(self) -> int:
        """Live claims in the index."""
        return len(self._key)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._key

    def text_hash(self, claim_id: str) -> str | None:
        """The hash of the text the claim's indexed vector was computed from (None: absent)."""
        key = self._key.get(claim_id)
        return None if key is None else self._hashes[key]

    def entry(self, claim_id: str) -> tuple[int | None, str] | None:
        """The claim's guild and text hash as indexed (None: absent)."""
        with self._lock:
            key = self._key.get(claim_id)
            if key is None:
                return None
            guild = int(self._guilds[key])
            return None if guild == GLOBAL else guild, self._hashes[key]

    def vector(self, claim_id: str) -> np.ndarray | None:
        """The claim's float32 vector as indexed (None: absent)."""
        key = self._key.get(claim_id)
        return None if key is None else self._row(key)

    def claims(self) -> dict[str, tuple[int | None, str]]:
        """Every indexed claim: its guild and text hash (to compare with the database)."""
        with self._lock:
            return {
                claim_id: (None if self._guilds[k] == GLOBAL else int(self._guilds[k]), h)
                for claim_id, k in self._key.items()
                for h in (self._hashes[k],)
            }

    def size_bytes(self) -> int:
        """The index's files on disk."""
        state = self._current()
        return sum((self.folder / n).stat().st_size for n in (state.base, state.graph, state.meta))

    def _current(self) -> _State:
        if self._state is None:
            raise ClaimbotError(f"the vector index in {self.folder} is not loaded")
        return self._state

    def _row(self, key: int) -> np.ndarray:
        return self._rows(np.array([key], dtype=np.int64))[0]

    def _rows(self, keys: np.ndarray) -> np.ndarray:
        base = self._base.count
        later = keys >= base
        if not later.any():
            return self._base.take(keys)
        out = np.empty((len(keys), self._extra.shape[1]), dtype="<f4")
        out[~later] = self._base.take(keys[~later])
        out[later] = self._extra[keys[later] - base]
        return out

    # -- writing ---------------------------------------------------------------------------
    def _take_writing(self) -> bool:
        """Become the one process that saves the folder; False if another one does."""
        if self._lockfile is not None:
            return True
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = (self.folder / LOCK).open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lockfile = handle
        return True

    def _build(
        self,
        model: str,
        dimensions: int,
        items: Iterable[Item],
        sequence: int,
        fingerprint: str,
        progress: Progress | None,
        *,
        save: bool,
    ) -> None:
        with self._lock:
            saving = save and self._take_writing()
            self.folder.mkdir(parents=True, exist_ok=True)
            base_name = _name("v", "f32")
            path = self.folder / base_name
            ids: list[str] = []
            guilds: list[int] = []
            hashes: list[str] = []
            graph = _new_graph(dimensions)
            block: list[np.ndarray] = []

            def flush() -> None:
                # Streamed a block at a time: a million vectors are 1.5 GB, held once, on disk.
                rows = np.stack(block)
                out.write(rows.tobytes())
                keys = np.arange(len(ids) - len(rows), len(ids), dtype=np.uint64)
                graph.add(keys, rows, threads=BUILD_THREADS)
                block.clear()
                if progress is not None:
                    progress(len(rows))

            try:
                with path.open("wb") as out:
                    for claim_id, guild, text_hash, vector in items:
                        row = np.ascontiguousarray(vector, dtype="<f4")
                        if row.shape != (dimensions,):
                            raise ValueError(f"claim {claim_id}: a vector of {row.shape}")
                        block.append(row)
                        ids.append(claim_id)
                        guilds.append(GLOBAL if guild is None else guild)
                        hashes.append(text_hash)
                        if len(block) == ADD_BLOCK:
                            flush()
                    if block:
                        flush()
                base = _FloatRows(path.open("rb", buffering=0), dimensions)
                if not saving:
                    path.unlink()  # the open file stays readable; nothing is left behind
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            self._base.close()
            self._graph, self._base = graph, base
            self._ids, self._hashes = ids, hashes
            self._guilds = np.asarray(guilds, dtype=np.int64)
            self._live = np.ones(len(ids), dtype=bool)
            self._extra = np.zeros((0, dimensions), dtype="<f4")
            self._key = {claim_id: k for k, claim_id in enumerate(ids)}
            if len(self._key) != len(ids):
                raise ValueError("a claim appears twice among the vectors")
            self._state = _State(model, dimensions, sequence, base_name, "", "", fingerprint)
            self._unsaved = True
            if saving:
                self._save()

    def apply(
        self,
        changed: Iterable[Item],
        removed: Iterable[str],
        sequence: int,
        *,
        fingerprint: str | None = None,
        save: bool = True,
    ) -> int:
        """Bring the index to change `sequence` (with its `fingerprint`; None: the one it
        has): each claim of `changed` with its current vector (added, or replacing its old
        one), and the claims `removed` (retired, deleted, no longer embedded) out. Saved to
        the folder unless `save=False` or another process saves it. Returns how many claims
        were written."""
        with self._lock:
            state = self._current()
            if sequence < state.sequence:
                raise ValueError(
                    f"change sequence {sequence} is behind the index's {state.sequence}"
                )
            dimensions = state.dimensions
            gone = [self._key.pop(c) for c in removed if c in self._key]
            new: list[tuple[str, int, str, np.ndarray]] = []
            for claim_id, guild, text_hash, vector in changed:
                row = np.ascontiguousarray(vector, dtype="<f4")
                if row.shape != (dimensions,):
                    raise ValueError(f"claim {claim_id}: a vector of {row.shape}")
                old = self._key.pop(claim_id, None)
                if old is not None:
                    gone.append(old)
                new.append((claim_id, GLOBAL if guild is None else guild, text_hash, row))
            if gone:
                self._graph.remove(np.asarray(gone, dtype=np.uint64))
                self._live[gone] = False
                self._unsaved = True
            if new:
                first = len(self._ids)
                keys = np.arange(first, first + len(new), dtype=np.uint64)
                vectors = np.stack([row for *_, row in new])
                self._graph.add(keys, vectors, threads=1)
                self._extra = np.concatenate([self._extra, vectors])
                self._ids += [claim_id for claim_id, *_ in new]
                self._hashes += [text_hash for _, _, text_hash, _ in new]
                self._guilds = np.concatenate([self._guilds, [g for _, g, _, _ in new]])
                self._live = np.concatenate([self._live, np.ones(len(new), dtype=bool)])
                self._key.update({claim_id: first + i for i, (claim_id, *_) in enumerate(new)})
                self._unsaved = True
            if fingerprint is None:
                fingerprint = state.fingerprint
            self._state = replace(state, sequence=sequence, fingerprint=fingerprint)
            if save and self._take_writing():
                self._save()
            return len(new)

    def _save(self) -> None:
        """Write the graph and the meta file anew, then switch state.json to them; only
        state.json when they hold what the files it names hold (a graph is hundreds of MB at
        a million claims)."""
        state = self._current()
        if not self._unsaved and self._names_on_disk() == (state.base, state.graph, state.meta):
            self._write_state(state)
            return
        graph, meta = _name("g", "usearch"), _name("m", "npz")
        with written_whole(self.folder / graph) as partial:
            self._graph.save(str(partial))
        with written_whole(self.folder / meta) as partial, partial.open("wb") as out:
            np.savez(
                out,
                ids=np.asarray(self._ids, dtype=str),
                guilds=self._guilds,
                hashes=np.asarray(self._hashes, dtype=str),
                live=self._live,
                extra=self._extra,
            )
        state = replace(state, graph=graph, meta=meta)
        self._write_state(state)
        self._unsaved = False
        keep = {state.base, state.graph, state.meta}
        for other in self.folder.iterdir():
            if NAME.fullmatch(other.name) and other.name not in keep:
                other.unlink(missing_ok=True)

    def _names_on_disk(self) -> tuple[str, str, str] | None:
        """The files the folder's state names (another process that saved before this one
        held the writer's lock may have replaced those this one loaded)."""
        try:
            data = read_state(self.folder, "vector index", FORMAT)
            return str(data["base"]), str(data["graph"]), str(data["meta"])
        except (IndexUnusable, KeyError):
            return None

    def _write_state(self, state: _State) -> None:
        data = {"format": FORMAT} | {f: getattr(state, f) for f in _State.__slots__}  # type: ignore[attr-defined]
        with written_whole(self.folder / STATE) as partial:
            partial.write_text(json.dumps(data) + "\n", encoding="utf-8")
        self._state = state

    def close(self) -> None:
        """Stop saving (if this process did) and searching; the folder stays for next time."""
        with self._lock:
            self._base.close()
            if self._lockfile is not None:
                self._lockfile.close()  # closing the file releases its lock
                self._lockfile = None

    def __enter__(self) -> VectorIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- searching -------------------------------------------------------------------------
    def search(
        self, query: np.ndarray, k: int, scope: Scope, exclude: Collection[str] = ()
    ) -> list[str]:
        """The `k` claims visible in `scope` with the largest dot product with `query`, best
        first, leaving out `exclude`."""
        with self._lock:
            if k <= 0 or not self._key:
                return []
            q = np.ascontiguousarray(query, dtype=np.float32)
            fetch = min(len(self._key), max(FETCH_MIN, OVERFETCH * (k + len(exclude))))
            self._graph.expansion_search = fetch
            keys = np.asarray(self._graph.search(q, fetch, threads=1).keys, dtype=np.int64)
            found = self._ranked(keys, q, k, scope, exclude)
            if len(found) < k and len(keys) == fetch < len(self._key):
                # Other guilds' claims crowd this scope's out: search what it may see exactly.
                found = self._ranked(self._visible(scope), q, k, scope, exclude)
            return found

    def _visible(self, scope: Scope) -> np.ndarray:
        seen = self._live.copy()
        if not scope.operator:
            allowed = self._guilds == GLOBAL
            if scope.guild_id is not None:
                allowed |= self._guilds == scope.guild_id
            seen &= allowed
        return np.flatnonzero(seen)

    def _ranked(
        self, keys: np.ndarray, q: np.ndarray, k: int, scope: Scope, exclude: Collection[str]
    ) -> list[str]:
        """The best `k` of `keys` by exact dot product, visible in `scope`, not excluded."""
        if not scope.operator and len(keys):
            guilds = self._guilds[keys]
            allowed = guilds == GLOBAL
            if scope.guild_id is not None:
                allowed |= guilds == scope.guild_id
            keys = keys[allowed]
        if exclude:
            keys = np.array([x for x in keys.tolist() if self._ids[x] not in exclude], np.int64)
        if not len(keys):
            return []
        scores = self._rows(keys) @ q
        want = min(k, len(keys))
        best = np.argpartition(-scores, want - 1)[:want]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [self._ids[int(x)] for x in keys[best]]


def vector_folders(folder: Path) -> dict[str, int]:
    """The vector indexes in `folder` (one subfolder per embedding model): each model and the
    live claims its index holds, read from the state and meta files without loading the graph.
    A damaged or unfinished one is left out (it is rebuilt at its next use)."""
    found: dict[str, int] = {}
    for sub in sorted(folder.glob(f"*/{STATE}")):
        try:
            state = read_state(sub.parent, "vector index", FORMAT)
            with np.load(sub.parent / str(state["meta"]), allow_pickle=False) as meta:
                found[str(state["model"])] = int(meta["live"].sum())
        except (IndexUnusable, OSError, ValueError, KeyError):
            continue
    return found
