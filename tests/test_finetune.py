"""The tuned MiniLM: the shipped adapter is merged into the model's weights at load, and the
fine-tuning command writes an adapter that brings posts closer to their claims.

Runs only where the semantic extra is installed (as tests/test_semantic.py); the adapter's
effect on matching quality is guarded by that file's dev-slice regression floor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_semantic import need_extra
from verifiers.evaluation.data import ClaimRow, LabelledSet

QUERY = "encoder.layer.0.attention.self.query"


def test_the_adapter_is_added_to_the_layers_it_names(tmp_path: Path) -> None:
    need_extra()
    import numpy as np

    from verifiers.matching.semantic import Encoder

    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 384)).astype(np.float16)
    b = rng.normal(size=(384, 2)).astype(np.float16)
    path = tmp_path / "adapter.npz"
    np.savez(path, scale=np.float32(0.5), **{f"{QUERY}.A": a, f"{QUERY}.B": b})

    def weights(encoder: Encoder) -> dict[str, np.ndarray]:
        layers = encoder.model[0].auto_model.state_dict()
        return {k: v.numpy().copy() for k, v in layers.items() if k.endswith(".weight")}

    plain, adapted = weights(Encoder(adapter=None)), weights(Encoder(adapter=path))
    update = 0.5 * (b.astype(np.float32) @ a.astype(np.float32))
    np.testing.assert_allclose(adapted[f"{QUERY}.weight"], plain[f"{QUERY}.weight"] + update)
    changed = [k for k in plain if not np.array_equal(plain[k], adapted[k])]
    assert changed == [f"{QUERY}.weight"]


def test_the_shipped_adapter_changes_the_embeddings() -> None:
    need_extra()
    import numpy as np

    from verifiers.matching.semantic import ADAPTER_FILE, SHIPPED_ADAPTER, Encoder

    assert ADAPTER_FILE == SHIPPED_ADAPTER and SHIPPED_ADAPTER.is_file()
    text = ["Photos show sharks swimming on a flooded highway after the hurricane"]
    plain, tuned = Encoder(adapter=None).encode(text)[0], Encoder().encode(text)[0]
    assert np.linalg.norm(tuned) == pytest.approx(1.0, abs=1e-5)
    assert 0.5 < float(plain @ tuned) < 0.999  # moved, but still the same sentence


CLAIMS = {
    "c1": ("Bill Gates wants to put microchips in the coronavirus vaccine", "Gates microchips"),
    "c2": ("Drinking bleach cures COVID-19", "Bleach cure"),
    "c3": ("5G towers spread the coronavirus", "5G and COVID-19"),
    "c4": ("The Eiffel Tower was sold for scrap in 1925", "Eiffel Tower scrap sale"),
    "c5": ("Sharks were photographed swimming on a flooded highway", "Highway sharks"),
    "c6": ("A vaccine ingredient is made from aborted fetal cells", "Fetal cells"),
}
POSTS = {
    "q1": ("wow so gates is literally chipping us through the jab now??", "c1"),
    "q2": ("my aunt swears a shot of bleach knocks out covid lol", "c2"),
    "q3": ("they put up new masts and everyone got sick. coincidence? #5G", "c3"),
    "q4": ("a shark. on the freeway. during the storm. unreal", "c5"),
}


def test_finetuning_brings_the_training_posts_closer_to_their_claims(tmp_path: Path) -> None:
    need_extra()
    import numpy as np

    from verifiers.matching import finetune
    from verifiers.matching.semantic import Encoder, claim_matrix

    labelled = LabelledSet(
        claims={i: ClaimRow(i, text, title) for i, (text, title) in CLAIMS.items()},
        queries={q: post for q, (post, _) in POSTS.items()},
        qrels={q: frozenset({claim}) for q, (_, claim) in POSTS.items()},
    )
    base = Encoder(adapter=None)
    texts = finetune.claim_texts(labelled)
    assert texts == CLAIMS  # short texts: stored as they are, the title as the summary
    pairs = finetune.training_pairs(labelled, texts, base)
    assert len(pairs) == 4 and all(hard != claim for _, claim, hard in pairs)
    wrapped = finetune.train(base.model, pairs, texts, epochs=40, learning_rate=1e-3)
    path = tmp_path / "adapter.npz"
    finetune.save_adapter(wrapped, path)
    with np.load(path) as saved:
        assert len([k for k in saved.files if k.endswith(".A")]) == 6 * len(finetune.TARGETS)

    def margins(encoder: Encoder) -> np.ndarray:
        ids = list(CLAIMS)
        matrix = claim_matrix(
            encoder, [t for t, _ in CLAIMS.values()], [s for _, s in CLAIMS.values()]
        )
        posts = encoder.encode([p for p, _, _ in pairs])
        scores = posts @ matrix.T
        return np.array(
            [s[ids.index(c)] - s[ids.index(h)] for s, (_, c, h) in zip(scores, pairs, strict=True)]
        )

    before, after = margins(Encoder(adapter=None)), margins(Encoder(adapter=path))
    assert after.mean() > before.mean() + 0.01, (before, after)


def test_plain_minilm_can_be_chosen_and_has_its_own_key() -> None:
    """CLAIMBOT_MINILM_ADAPTER=none: plain MiniLM under the key plain vectors were stored
    with, so a database embedded before the adapter serves as it is (and a refit of the fusion
    weights sees plain features)."""
    need_extra()
    code = (
        "from verifiers.matching.semantic import EMBEDDING_KEY, ADAPTER_FILE, shared_encoder;"
        "import numpy as np;"
        "v = shared_encoder().encode(['Sharks swim on a flooded highway'])[0];"
        "print(EMBEDDING_KEY, ADAPTER_FILE, np.round(v[:3], 5).tolist())"
    )

    def run(adapter: str) -> list[str]:
        env = {**os.environ, "CLAIMBOT_MINILM_ADAPTER": adapter}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split(" ", 2)

    plain, tuned = run("none"), run("")
    assert plain[:2] == ["all-MiniLM-L6-v2/text+summary/v1", "None"]
    assert tuned[0] == "all-MiniLM-L6-v2+checkthat2020-lora-v1/text+summary/v1"
    assert tuned[1].endswith("minilm_adapter.npz") and plain[2] != tuned[2]


def test_cross_fitting_ranks_each_post_with_a_model_that_never_trained_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The semantic weights are fitted on features no adapter saw in training: each fold's
    posts are ranked by a model trained on the other folds only, and every post is ranked
    once, with its claim present and withheld."""
    need_extra()
    from verifiers.matching import crossfit, finetune
    from verifiers.matching.pipeline import whole_query

    labelled = LabelledSet(
        claims={i: ClaimRow(i, text, title) for i, (text, title) in CLAIMS.items()},
        queries={q: post for q, (post, _) in POSTS.items()},
        qrels={q: frozenset({claim}) for q, (_, claim) in POSTS.items()},
    )
    trained_on: list[set[str]] = []
    ranked: list[set[str]] = []
    real_train, real_collect = finetune.train, crossfit.collect

    def spy_train(model, pairs, claims, epochs):  # type: ignore[no-untyped-def]
        trained_on.append({post for post, _, _ in pairs})
        return real_train(model, pairs, claims, epochs=0.5)

    def spy_collect(subset, kind, encoder):  # type: ignore[no-untyped-def]
        ranked.append({whole_query(post) for post in subset.queries.values()})
        return real_collect(subset, kind, encoder=encoder)

    monkeypatch.setattr(finetune, "train", spy_train)
    monkeypatch.setattr(crossfit, "collect", spy_collect)
    collected = crossfit.cross_fitted(labelled, 2)

    assert len(trained_on) == len(ranked) == 2
    for seen, fold in zip(trained_on, ranked, strict=True):
        assert fold and not seen & fold  # a fold's posts were never trained on
        assert seen | fold == {whole_query(p) for p, _ in POSTS.values()}
    assert len(collected.messages) == len(collected.messages_withheld) == 4
    assert all(any(g.relevant) for g in collected.messages)  # each post's claim is retrieved
    assert not any(r for g in collected.messages_withheld for r in g.relevant)


def test_folds_are_a_seeded_partition() -> None:
    from verifiers.matching.crossfit import folds

    ids = [f"q{n}" for n in range(23)]
    parts = folds(ids, 5)
    assert sorted(q for part in parts for q in part) == sorted(ids)
    assert sorted(len(p) for p in parts) == [4, 4, 5, 5, 5]
    assert parts == folds(ids, 5) and parts != folds(ids, 5, seed=1)
    assert all(part == sorted(part, key=ids.index) for part in parts)
    with pytest.raises(ValueError, match="at least 2"):
        folds(ids, 1)


def test_cross_fit_is_refused_for_the_lexical_matcher(capsys: pytest.CaptureFixture[str]) -> None:
    from verifiers.matching import fit

    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", "unused", "--cross-fit", "5"])
    assert exit_info.value.code == 2
    assert "--cross-fit is for the tuned semantic matcher" in capsys.readouterr().err
