"""Refitting the scoring model: the fitters learn what decides relevance, a refit from saved
features writes the same coefficients, and the answer sweep reads the way a threshold should."""

from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path

import pytest

from tests.paths import DATA
from verifiers.evaluation.runner import Group
from verifiers.matching.features import FEATURES
from verifiers.training import fit

SLICE = DATA / "checkthat2020-dev-slice"


def test_the_relevance_fit_learns_which_feature_marks_the_relevant_candidate() -> None:
    """Feature 0 is higher for the relevant candidate; feature 1 is noise."""
    rng = random.Random(3)
    groups = []
    for _ in range(60):
        rows = [[rng.gauss(0, 1), rng.gauss(0, 1)] for _ in range(5)]
        rows[0][0] += 2.0
        groups.append(Group(rows, [True, False, False, False, False]))
    weights = fit.fit_relevance(groups)
    assert weights[0] > 1.0
    assert abs(weights[1]) < weights[0] / 4


def test_the_logistic_fit_orders_probabilities_by_the_evidence() -> None:
    rng = random.Random(5)
    rows = [[rng.uniform(-3, 3)] for _ in range(300)]
    labels = [rng.random() < 1 / (1 + 2.718 ** (-2 * x)) for (x,) in rows]
    slope, bias = fit.fit_logistic(rows, labels)
    assert 1.0 < slope < 3.5
    assert abs(bias) < 0.6


@pytest.fixture(scope="module")
def slice_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CI dev slice in the CheckThat! layout, against its 3,021 claims."""
    root = tmp_path_factory.mktemp("fit-slice")
    (root / "dev").mkdir()
    with (
        gzip.open(SLICE / "semantic" / "verified_claims.docs.tsv.gz", "rb") as src,
        (root / "verified_claims.docs.tsv").open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    shutil.copy(SLICE / "tweets.queries.tsv", root / "dev")
    shutil.copy(SLICE / "tweet-vclaim-pairs.qrels", root / "dev")
    return root


def test_a_refit_from_saved_features_writes_the_same_coefficients(
    slice_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--data", str(slice_dir), "--split", "dev", "--limit", "40"]
    saved = tmp_path / "features.json"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert fit.main([*common, "--out", str(first), "--save-features", str(saved)]) == 0
    assert fit.main([*common, "--out", str(second), "--from-features", str(saved)]) == 0
    assert first.read_text() == second.read_text()
    model = json.loads(first.read_text())
    assert "40 queries" in model["fitted_on"]
    assert tuple(model["features"]) == FEATURES
    assert len(model["relevance_weights"]) == len(FEATURES)

    err = capsys.readouterr().err
    sweep = [line for line in err.splitlines() if "answered correctly" in line]
    assert "in sample" in err
    assert len(sweep) == 2 * len(fit.SWEEP)
    sweep, again = sweep[: len(fit.SWEEP)], sweep[len(fit.SWEEP) :]
    assert sweep == again
    right = [float(line.split("correctly ")[1].split("%")[0]) for line in sweep]
    false = [float(line.split("false answers ")[1].rstrip("%")) for line in sweep]
    # A higher threshold answers fewer queries, rightly and falsely.
    assert right == sorted(right, reverse=True)
    assert false == sorted(false, reverse=True)
    assert right[0] > 40  # the fitted model does answer most of these queries rightly


def test_saved_features_of_another_matcher_are_refused(
    slice_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "features.json"
    saved.write_text('{"features": ["cosine"], "messages": [], "messages_withheld": []}')
    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", str(slice_dir), "--from-features", str(saved), "--out", "unused"])
    assert "saved for other features than this matcher's" in str(exit_info.value.code)
    saved.write_text("{not json")
    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", str(slice_dir), "--from-features", str(saved), "--out", "unused"])
    assert "cannot read saved features" in str(exit_info.value.code)


def test_a_missing_data_directory_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", "/no/such", "--out", "unused.py"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == "error: /no/such: no such data directory\n"


def test_features_with_cross_encoder_scores_measure_the_answer_model_on_reranked_logits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fit --cross-fit K --fold-rerankers`, here from saved features: the answer decision on
    the recorded reranked logits, with the shipped answer model and with one refitted on them
    (cross-validated), and no coefficients written."""
    from verifiers.evaluation.runner import Collected
    from verifiers.matching.model import SEMANTIC, relevance_logit
    from verifiers.matching.rerank import reranked_positions

    rng = random.Random(7)
    dim = len(SEMANTIC.features)
    messages, withheld = [], []
    for n in range(120):  # near-identical candidates: only the cross-encoder tells them apart
        rows = [[rng.gauss(0, 0.02) for _ in range(dim)] for _ in range(8)]
        keys = [f"c{n}-{i}" for i in range(8)]
        read = reranked_positions([relevance_logit(r, SEMANTIC) for r in rows], keys, 5)
        right = read[n % 3]
        scores = {i: 8.0 if i == right else rng.gauss(-4, 0.5) for i in read}
        messages.append(Group(rows, [i == right for i in range(8)], keys, scores))
        rest = [i for i in range(8) if i != right]
        held, held_keys = [rows[i] for i in rest], [keys[i] for i in rest]
        chosen = reranked_positions([relevance_logit(r, SEMANTIC) for r in held], held_keys, 5)
        low = {i: rng.gauss(-4, 0.5) for i in chosen}
        withheld.append(Group(held, [False] * len(held), held_keys, low))
    saved, out = tmp_path / "features.json", tmp_path / "answer_model.json"
    fit.save_features(saved, Collected(messages, withheld), SEMANTIC.features)
    args = ["--data", "unused", "--matcher", "semantic", "--from-features", str(saved)]
    assert fit.main([*args, "--out", str(out)]) == 0
    assert not out.exists()

    err = capsys.readouterr().err.splitlines()
    assert "logits reranked at weight 0.25" in err[0]
    assert err[-1].startswith("no coefficients")
    rows = {line.split(":")[0].strip(): line.split(":")[1].split() for line in err[2:-1]}
    assert sorted(rows) == [f"{t:.2f}" for t in fit.SWEEP]
    shipped_right, refit_right = (float(rows["0.60"][i].rstrip("%")) for i in (0, 4))
    refit_false = float(rows["0.60"][6].rstrip("%"))
    # The lead the cross-encoder gives is the only signal here; a model refitted on these
    # logits learns to answer on it, and does so on queries it was not fitted on.
    assert refit_right > 90
    assert refit_false < 5
    assert refit_right > shipped_right


def test_fold_rerankers_need_cross_fitting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        fit.main(["--data", "unused", "--matcher", "semantic", "--fold-rerankers"])
    assert exit_info.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith("error: --fold-rerankers needs --cross-fit K")
    )
