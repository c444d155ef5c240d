"""Claim embeddings kept between evaluation runs.

`claimbot eval` loads its claims into a fresh temporary database, so without a cache the
semantic matcher would embed the 10,375 benchmark claims (~3 minutes on 2 cores) on every run.
The cache is one .npz file of text hashes and vectors, keyed like the store's rows (hash of the
embedded text, one file per embedding recipe), so a changed claim is never served stale.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from verifiers.domain.models import Scope
from verifiers.matching.semantic import Encoder, backfill, text_hash
from verifiers.store.ports import Store
from verifiers.store.records import StoredEmbedding


def default_cache_path(key: str) -> Path:
    """Where `claimbot eval` keeps vectors stored under `key` (one file per model)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = re.sub(r"[^A-Za-z0-9.+-]+", "_", key)
    return base / "claimbot" / f"embeddings-{name}.npz"


def load_cache(path: Path) -> dict[str, bytes]:
    import numpy as np

    if not path.is_file():
        return {}
    with np.load(path) as data:
        hashes, vectors = data["hashes"], data["vectors"].astype("<f4")
    return {str(h): v.tobytes() for h, v in zip(hashes, vectors, strict=True)}


def save_cache(path: Path, vectors: dict[str, bytes]) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = np.array(sorted(vectors))
    matrix = np.stack([np.frombuffer(vectors[h], dtype="<f4") for h in hashes])
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, hashes=hashes, vectors=matrix)
    tmp.replace(path)


def embed_store(
    store: Store,
    encoder: Encoder,
    cache: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Give every claim of `store` its embedding by `encoder`, from `cache` (a file of that
    encoder's vectors) where it has one; returns how many had to be computed.
    `progress(done, total)` follows the computing."""
    cached = load_cache(cache) if cache is not None else {}
    known: list[tuple[str, StoredEmbedding]] = []
    for claim in store.iter_claims(Scope.everything()):
        digest = text_hash(claim.text, claim.summary)
        if digest in cached:
            known.append((claim.id, StoredEmbedding(digest, cached[digest])))
    store.put_embeddings(encoder.key, known)
    missing = store.count_claims(Scope.everything()) - len(known)
    if missing <= 0:
        return 0
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, missing)

    added = backfill(store, encoder, progress=advance)
    if cache is not None:
        for _, _, stored in store.iter_embeddings(encoder.key):
            cached[stored.text_hash] = stored.vector
        save_cache(cache, cached)
    return added
