"""Recorded features of fixed (message, claim) pairs (`python -m tests.support.feature_cases`).

The matcher's feature values must not move when the way they are computed changes. This module
builds varied pairs from the repository's own texts (the identity set's and stance sets'
messages, the CheckThat! dev slice's tweets, the seed claims, and the edge cases below) against
the identity set's and seed claims, and records each pair's features to `FIXTURE`;
`tests/verifiers/matching/test_feature_values.py` computes them again and compares. Re-record
only when the features change on purpose (a refit follows).

Retrieval is left out: each message's candidates are the claims sharing the most idf-weighted
stems with it, and that shared weight stands in for the BM25 score, so the pairs stay the same
whatever the search engine returns.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

from tests.paths import DATA, REPO
from verifiers.matching.bulk import Retrieved, feature_matrix, screen_matrix
from verifiers.matching.features import claim_profile, claim_stems, profile_normalised
from verifiers.matching.vocab import Vocabulary
from verifiers.text.normalize import normalize
from verifiers.text.segment import message_query
from verifiers.text.tokens import tokenize

ROOT = REPO
FIXTURE = DATA / "feature_values.json.gz"
CANDIDATES = 6  # the best-sharing claims per message, plus one sharing nothing

# Claims the sets lack: no summary, a text longer than the fuzzy ratios read, numbers in words
# and digits, look-alike letters, a claim of stop words only.
EDGE_CLAIMS: dict[str, tuple[str, str]] = {
    "edge-no-summary": ("Zelenskyy met Trump in Washington on 28 February 2025.", ""),
    "edge-long": (
        " ".join(
            f"Report {n}: the ministry said that grain exports through the Black Sea corridor "
            f"rose by {n * 7} percent in the quarter, according to port authority figures."
            for n in range(1, 12)
        ),
        "Grain exports through the Black Sea corridor rose, ministry says",
    ),
    "edge-numbers": (
        "Fifty-two thousand people attended the rally, 3.5 times more than in 2019.",
        "52,000 at the rally",
    ),
    "edge-homoglyph": ("Рutіn signed the decree on mobilisation.", "Putin decree"),
    "edge-stopwords": ("It is what it is.", "it was"),
    "edge-repeats": (
        "Vaccines vaccines vaccinated vaccinating: vaccine mandates ended in March.",
        "vaccine vaccine vaccine",
    ),
}

# Messages the sets lack: typos, glued words, nothing shared, no content words, numbers,
# a very long paste, repeated words.
EDGE_MESSAGES: tuple[str, ...] = (
    "Zelenksy met Trump in Washingtn on 28 Feb 2025?!",
    "zelenskyymettrump in washington",
    "lol what a day, see you all tomorrow",
    "the and of it is",
    "52000 people went to that rally, three and a half times more than 2019",
    "Putin signed a decree on mobilization " * 40,
    "vaccine vaccine vaccine mandates mandates ended",
    "grain exports black sea corridor rose 14 percent ministry port authority figures",
    "",
)


class Pair(NamedTuple):
    """A message, a claim and the retrieval figures its features read."""

    message: int
    claim: str
    bm25: float
    best: float
    rank: int


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def claims() -> dict[str, tuple[str, str]]:
    """The claims the pairs are drawn from, by id: (text, summary)."""
    out = {
        c["id"]: (c["text"], c.get("summary") or "")
        for path in (ROOT / "seeds" / "claims.jsonl", DATA / "identity" / "claims.jsonl")
        for c in _jsonl(path)
    }
    return out | EDGE_CLAIMS


def messages(seed_claims: dict[str, tuple[str, str]]) -> list[str]:
    """Normalised messages, as the matcher reads them, without repeats."""
    texts = [p["message"] for p in _jsonl(DATA / "identity" / "pairs.jsonl")]
    for name in ("stance_pairs.jsonl", "stance_pairs_heldout.jsonl"):
        texts += [p["text"] for p in _jsonl(DATA / name)]
    with (DATA / "checkthat2020-dev-slice" / "tweets.queries.tsv").open(encoding="utf-8") as f:
        texts += [row[1] for row in csv.reader(f, delimiter="\t") if len(row) > 1]
    texts += [part for text, summary in seed_claims.values() for part in (text, summary)]
    texts += EDGE_MESSAGES
    return list(dict.fromkeys(normalize(message_query(t)) for t in texts))


def vocabulary(by_id: dict[str, tuple[str, str]]) -> Vocabulary:
    """Document frequencies over the claims' tokens, text and summary together."""
    counts = Counter(t for text, summary in by_id.values() for t in set(_tokens(text, summary)))
    return Vocabulary(counts, len(by_id))


def _tokens(text: str, summary: str) -> list[str]:
    return tokenize(normalize(f"{text} {summary}"))


def pairs(norms: list[str], by_id: dict[str, tuple[str, str]], vocab: Vocabulary) -> list[Pair]:
    """Each message's best-sharing claims (shared stem weight as the stand-in BM25), then the
    first claim sharing nothing with it, ranked last as a claim only embeddings found."""
    out: list[Pair] = []
    ids = sorted(by_id)
    for n, norm in enumerate(norms):
        query = profile_normalised(norm).stem_set
        shared = {
            i: sum(vocab.stem_idfs(query & set(claim_stems(t) + claim_stems(s))))
            for i, (t, s) in ((i, by_id[i]) for i in ids)
        }
        ranked = sorted(ids, key=lambda i: (-shared[i], i))[:CANDIDATES]
        best = shared[ranked[0]]
        out += [Pair(n, i, shared[i], best, rank) for rank, i in enumerate(ranked)]
        unrelated = next((i for i in ids if shared[i] == 0.0 and i not in ranked), None)
        if unrelated is not None:
            out.append(Pair(n, unrelated, 0.0, best, 50))
    return out


def features(
    norms: list[str], by_id: dict[str, tuple[str, str]], cases: list[Pair], vocab: Vocabulary
) -> tuple[list[list[float]], list[list[float]]]:
    """Each pair's full features and screening features, computed by the matcher's code: all
    of a message's candidates at once, as the matcher does."""
    full: list[list[float]] = []
    screen: list[list[float]] = []
    for n, group in groupby(cases, key=lambda case: case.message):
        batch = list(group)
        query = profile_normalised(norms[n])
        weight = sum(vocab.stem_idf(s) for s in query.stem_set)
        texts = [by_id[case.claim][0] for case in batch]
        summaries = [by_id[case.claim][1] for case in batch]
        screened = screen_matrix(
            query,
            weight,
            [claim_stems(t) for t in texts],
            [claim_stems(s) for s in summaries],
            Retrieved([c.bm25 for c in batch], [c.rank for c in batch], batch[0].best),
            vocab,
        )
        profiles = [claim_profile(t) for t in texts], [claim_profile(s) for s in summaries]
        full += feature_matrix(query, *profiles, screened, vocab).tolist()
        screen += screened.tolist()
    return full, screen


def load() -> dict[str, Any]:
    """The recorded fixture."""
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        return json.load(f)


def record() -> dict[str, Any]:
    """Build the pairs and compute their features with the code as it is."""
    by_id = claims()
    norms = messages(by_id)
    vocab = vocabulary(by_id)
    cases = pairs(norms, by_id, vocab)
    full, screen = features(norms, by_id, cases, vocab)
    return {
        "claims": by_id,
        "messages": norms,
        "pairs": [list(case) for case in cases],
        "features": full,
        "screen_features": screen,
    }


if __name__ == "__main__":
    with gzip.open(FIXTURE, "wt", encoding="utf-8") as out:
        json.dump(record(), out, separators=(",", ":"))
    print(f"wrote {FIXTURE}")
