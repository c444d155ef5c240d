"""The tuned MiniLM: the shipped adapter is merged into the model's weights at load, and the
fine-tuning command writes an adapter that brings posts closer to their claims.

The tests marked `semantic` run only where the semantic extra is installed; the adapter's
effect on matching quality is guarded by tests/verifiers/matching/test_semantic.py's dev-slice
regression floor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verifiers.evaluation.data import ClaimRow, LabelledSet

QUERY = "encoder.layer.0.attention.self.query"


@pytest.mark.semantic
def test_the_adapter_is_added_to_the_layers_it_names(tmp_path: Path) -> None:
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


@pytest.mark.semantic
def test_the_shipped_adapter_changes_the_embeddings() -> None:
    import numpy as np

    from verifiers.domain.model_files import SHIPPED_ADAPTER, adapter_file
    from verifiers.domain.settings import MatchingSettings
    from verifiers.matching.semantic import Encoder

    assert adapter_file(MatchingSettings().minilm_adapter) == SHIPPED_ADAPTER  # the default
    assert SHIPPED_ADAPTER.is_file()
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


@pytest.mark.semantic
def test_finetuning_brings_the_training_posts_closer_to_their_claims(tmp_path: Path) -> None:
    import numpy as np

    from verifiers.matching.semantic import Encoder, claim_matrix
    from verifiers.training import finetune

    labelled = LabelledSet(
        claims={i: ClaimRow(i, text, title) for i, (text, title) in CLAIMS.items()},
        queries={q: post for q, (post, _) in POSTS.items()},
        qrels={q: frozenset({claim}) for q, (_, claim) in POSTS.items()},
    )
    base = Encoder(adapter=None)
    texts = finetune.claim_texts(labelled)
    assert texts == CLAIMS  # short texts: stored as they are, the title as the summary
    pairs = finetune.training_pairs(labelled, texts, base)
    assert len(pairs) == 4
    assert all(hard != claim for _, claim, hard in pairs)
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


def labelled_files(folder: Path) -> list[str]:
    """CLAIMS and POSTS as the files `claimbot eval` reads, as command-line options."""
    claims = folder / "claims.tsv"
    claims.write_text(
        "id\tclaim\ttitle\n" + "".join(f"{i}\t{t}\t{s}\n" for i, (t, s) in CLAIMS.items())
    )
    queries = folder / "posts.tsv"
    queries.write_text("id\ttext\n" + "".join(f"{q}\t{p}\n" for q, (p, _) in POSTS.items()))
    qrels = folder / "posts.qrels"
    qrels.write_text("".join(f"{q} 0 {c} 1\n" for q, (_, c) in POSTS.items()))
    return ["--claims", str(claims), "--queries", str(queries), "--qrels", str(qrels)]


def write_adapter(path: Path, seed: int) -> Path:
    """A small random adapter for the first query layer, as `finetune` would write one."""
    import numpy as np

    rng = np.random.default_rng(seed)
    a = rng.normal(size=(2, 384)).astype(np.float16)
    b = rng.normal(size=(384, 2)).astype(np.float16)
    np.savez(path, scale=np.float32(0.002), **{f"{QUERY}.A": a, f"{QUERY}.B": b})
    return path


@pytest.mark.semantic
def test_each_model_stores_its_vectors_under_its_own_key(tmp_path: Path) -> None:
    """matching.minilm_adapter picks the model: plain MiniLM keeps the key its vectors were
    stored with before the tuned model shipped; an adapter of one's own gets a key naming its
    file and contents, so vectors of two models are never mixed."""
    from verifiers.domain.model_files import SHIPPED_ADAPTER, adapter_file
    from verifiers.matching.semantic import embedding_key

    assert adapter_file("none") is None
    assert adapter_file("shipped") == SHIPPED_ADAPTER
    assert embedding_key(None) == "all-MiniLM-L6-v2/text+summary/v1"
    assert embedding_key(SHIPPED_ADAPTER) == (
        "all-MiniLM-L6-v2+checkthat2020-lora-v1/text+summary/v1"
    )
    own = write_adapter(tmp_path / "ours.npz", seed=1)
    key = embedding_key(adapter_file(str(own)))
    assert key.startswith("all-MiniLM-L6-v2+ours-")
    assert key.endswith("/text+summary/v1")
    write_adapter(own, seed=2)  # retrained: same name, other weights
    assert embedding_key(own) != key


@pytest.mark.semantic
def test_the_matcher_uses_the_configured_model(tmp_path: Path) -> None:
    from verifiers.domain.model_files import SHIPPED_ADAPTER
    from verifiers.domain.models import Scope
    from verifiers.domain.settings import MatchingSettings
    from verifiers.matching.pipeline import Matcher
    from verifiers.matching.semantic import embedding_key
    from verifiers.store import open_store

    own = write_adapter(tmp_path / "ours.npz", seed=1)
    store = open_store(str(tmp_path / "claims.db"))  # the 19 seed claims
    try:
        text = "Trump asked Zelenskyy if Ukraine could hit Moscow"
        vectors = {}
        for setting, adapter in (("none", None), (str(own), own), ("shipped", SHIPPED_ADAPTER)):
            settings = MatchingSettings(matcher="semantic", minilm_adapter=setting)
            result = Matcher(store, settings).check(text, Scope.everything())
            assert [m.claim.id for m in result.matches] == ["ft-trump-asked-can-you-hit-moscow"]
            key = embedding_key(adapter)
            assert store.missing_embeddings(key) == []  # the seeds embedded by this model
            claim_id = "ft-trump-asked-can-you-hit-moscow"
            vectors[setting] = store.get_embeddings([claim_id], key)[claim_id].vector
        assert len(set(vectors.values())) == 3  # three models, three different vectors
    finally:
        store.close()


def test_the_adapter_setting_reads_its_old_variable_and_refuses_a_missing_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from verifiers.domain.settings import ConfigError, MatchingSettings, load_settings

    monkeypatch.setenv("CLAIMBOT_MINILM_ADAPTER", "none")  # its first name, used by the refit
    assert MatchingSettings().minilm_adapter == "none"
    monkeypatch.delenv("CLAIMBOT_MINILM_ADAPTER")
    monkeypatch.setenv("CLAIMBOT_MATCHING_MINILM_ADAPTER", str(tmp_path / "gone.npz"))
    with pytest.raises(ConfigError) as problem:
        load_settings(None)
    message = str(problem.value)
    assert "\n" not in message
    assert "matching.minilm_adapter" in message
    assert f"no file at {tmp_path / 'gone.npz'}" in message


@pytest.mark.semantic
def test_cross_fitting_ranks_each_post_with_a_model_that_never_trained_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The semantic weights are fitted on features no adapter saw in training: each fold's
    posts are ranked by a model trained on the other folds only, and every post is ranked
    once, with its claim present and withheld."""
    from verifiers.matching.pipeline import whole_query
    from verifiers.training import crossfit, finetune

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

    def spy_collect(subset, kind, encoder, reranker):  # type: ignore[no-untyped-def]
        assert reranker is None  # without --fold-rerankers no cross-encoder is trained
        ranked.append({whole_query(post) for post in subset.queries.values()})
        return real_collect(subset, kind, encoder=encoder)

    monkeypatch.setattr(finetune, "train", spy_train)
    monkeypatch.setattr(crossfit, "collect", spy_collect)
    collected = crossfit.cross_fitted(labelled, 2)

    assert len(trained_on) == len(ranked) == 2
    for seen, fold in zip(trained_on, ranked, strict=True):
        assert fold
        assert not seen & fold
        assert seen | fold == {whole_query(p) for p, _ in POSTS.values()}
    assert len(collected.messages) == len(collected.messages_withheld) == 4
    assert all(any(g.relevant) for g in collected.messages)  # each post's claim is retrieved
    assert not any(r for g in collected.messages_withheld for r in g.relevant)
    assert all(g.rerank is None for g in collected.messages + collected.messages_withheld)


def test_folds_are_a_seeded_partition() -> None:
    from verifiers.training.folds import folds

    ids = [f"q{n}" for n in range(23)]
    parts = folds(ids, 5)
    assert sorted(q for part in parts for q in part) == sorted(ids)
    assert sorted(len(p) for p in parts) == [4, 4, 5, 5, 5]
    assert parts == folds(ids, 5)
    assert parts != folds(ids, 5, seed=1)
    assert all(part == sorted(part, key=ids.index) for part in parts)
    with pytest.raises(ValueError, match="at least 2"):
        folds(ids, 1)


def test_cross_fit_is_refused_for_the_lexical_matcher(capsys: pytest.CaptureFixture[str]) -> None:
    from verifiers.training import fit

    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", "unused", "--cross-fit", "5"])
    assert exit_info.value.code == 2
    assert "--cross-fit is for the tuned semantic matcher" in capsys.readouterr().err


@pytest.mark.semantic
def test_the_finetune_command_trains_an_adapter_the_setting_can_name(tmp_path: Path) -> None:
    """A community's own labelled posts (the files `claimbot eval` reads) → an adapter file
    that `[matching] minilm_adapter` accepts."""
    import numpy as np

    from verifiers.domain.model_files import adapter_file
    from verifiers.domain.settings import MatchingSettings
    from verifiers.matching.semantic import embedding_key
    from verifiers.training import finetune

    out = tmp_path / "ours.npz"
    files = labelled_files(tmp_path)
    assert finetune.main([*files, "--epochs", "1", "--out", str(out)]) == 0
    with np.load(out) as saved:
        assert len([k for k in saved.files if k.endswith(".B")]) == 6 * len(finetune.TARGETS)
    settings = MatchingSettings(matcher="semantic", minilm_adapter=str(out))
    assert embedding_key(adapter_file(settings.minilm_adapter)).startswith("all-MiniLM-L6-v2+ours-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.npz"], "give either --data DIR or all three"),
        (["--data", "d", "--claims", "c", "--out", "x.npz"], "give either --data DIR or all three"),
        (
            ["--data", "/no/such/dir", "--out", "x.npz"],
            "error: /no/such/dir: no such data directory",
        ),
    ],
)
def test_the_finetune_command_refuses_bad_input_in_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from verifiers.training import finetune

    with pytest.raises(SystemExit) as exit_info:
        finetune.main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
