"""Stand-in claim vectors with structure: what the semantic benchmarks search instead of MiniLM's.

Random vectors in 384 dimensions are all nearly orthogonal, which no sentence embedding is and
which makes any graph index look bad; real embeddings lie near a low-dimensional surface. So a
claim's text vector here is a point of a 32-dimensional latent space (gathered around 20,000
topics) projected to 384 dimensions plus a little isotropic noise, its summary's a noisy copy
of it, and the claim's vector their sum (two unit vectors, as `semantic.claim_matrix` makes
them). A query restates one claim: its text vector with noise, unit length. Deterministic for a
seed and size; a smaller set is a prefix of a larger one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

DIMENSIONS = 384
LATENT = 32
TOPICS = 20_000
SPREAD = 0.6  # a claim's distance from its topic, per latent dimension (a topic's is 1)
BLOCK = 50_000
TEXT_NOISE = 0.35  # against a latent part of norm ~1 (both before normalising)
SUMMARY_NOISE = 0.6
QUERY_NOISE = 0.5


def _projection(seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 0])
    return (rng.standard_normal((LATENT, DIMENSIONS)) / np.sqrt(LATENT)).astype(np.float32)


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _texts(seed: int, block: int, projection: np.ndarray) -> np.ndarray:
    topics = np.random.default_rng([seed, 4]).standard_normal((TOPICS, LATENT))
    rng = np.random.default_rng([seed, 1, block])
    spread = SPREAD * rng.standard_normal((BLOCK, LATENT))
    latent = (topics[rng.integers(0, TOPICS, BLOCK)] + spread).astype(np.float32)
    noise = rng.standard_normal((BLOCK, DIMENSIONS)).astype(np.float32)
    return _unit(latent @ projection + TEXT_NOISE * noise / np.sqrt(DIMENSIONS / LATENT))


def claim_blocks(seed: int, size: int) -> Iterator[np.ndarray]:
    """The claims' float32 vectors (text + summary), `BLOCK` rows at a time."""
    projection = _projection(seed)
    for block in range(-(-size // BLOCK)):
        texts = _texts(seed, block, projection)
        rng = np.random.default_rng([seed, 2, block])
        noise = rng.standard_normal(texts.shape).astype(np.float32)
        summaries = _unit(texts + SUMMARY_NOISE * noise / np.sqrt(DIMENSIONS / LATENT))
        yield (texts + summaries)[: size - block * BLOCK].astype(np.float32)


def claims(seed: int, size: int) -> np.ndarray:
    """All `size` claim vectors as one matrix."""
    return np.concatenate(list(claim_blocks(seed, size)))


def queries(seed: int, size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` unit query vectors, each restating a claim, and which claim (row) each restates."""
    projection = _projection(seed)
    rng = np.random.default_rng([seed, 3, size])
    rows = np.sort(rng.choice(size, count, replace=False))
    out = np.empty((count, DIMENSIONS), dtype=np.float32)
    for block in np.unique(rows // BLOCK):
        texts = _texts(seed, int(block), projection)
        mine = np.flatnonzero(rows // BLOCK == block)
        out[mine] = texts[rows[mine] - block * BLOCK]
    noise = rng.standard_normal(out.shape).astype(np.float32)
    order = rng.permutation(count)  # not in storage order
    return _unit(out + QUERY_NOISE * noise / np.sqrt(DIMENSIONS / LATENT))[order], rows[order]
