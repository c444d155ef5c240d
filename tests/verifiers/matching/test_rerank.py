"""The semantic matcher's cross-encoder reranking: the arithmetic, the matcher's use of it, the
shipped model, the setting, and the training command (with its cross-fitted measurement).

The real models run where the semantic extra is installed; the reranker's effect on matching
quality is guarded by tests/verifiers/matching/test_semantic.py's dev-slice floors, which run
with it on.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bot.runner import API_BASE_ENV, GATEWAY_ENV
from claimbot.context import EXIT_ERROR
from tests.test_packaging import run_python
from tests.verifiers.matching.test_semantic import REPO, run_cli_apart
from tests.verifiers.training.test_finetune import CLAIMS, POSTS, labelled_files
from verifiers.domain.model_files import SHIPPED_ADAPTER, SHIPPED_RERANKER, reranker_file
from verifiers.domain.models import Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import ClaimRow, LabelledSet
from verifiers.matching.rerank import passage, reranked_positions, with_rerank_scores
from verifiers.store import Store, open_store

EVERYWHERE = Scope.everything()
SEMANTIC = MatchingSettings(matcher="semantic")


def test_the_best_distinct_claims_get_the_weighted_score_and_the_rest_the_lowest() -> None:
    logits = [5.0, 4.0, 4.5, 1.0, 3.0]
    keys = ["a", "b", "a", "c", "d"]  # the third candidate is a copy of the first
    chosen = reranked_positions(logits, keys, 3)
    assert chosen == [0, 1, 4]  # best first, one per claim: the copy is not read
    out = with_rerank_scores(logits, dict(zip(chosen, [1.0, -2.0, 3.0], strict=True)), 0.5)
    assert out == [5.5, 3.0, 3.5, 0.0, 4.5]  # unread ones get 0.5 x the lowest score (-2)
    assert out.index(max(out)) == 0
    assert out[4] > out[1]
    assert reranked_positions(logits, keys, 0) == []  # reranking off: nothing read
    assert with_rerank_scores(logits, {0: 9.0}, 0.0) == logits  # weight 0: nothing moved
    assert with_rerank_scores(logits, {}, 0.5) == logits
    assert reranked_positions([2.0], ["a"], 3) == [0]  # a lone candidate is read too
    assert with_rerank_scores([2.0], {0: 4.0}, 0.5) == [4.0]
    assert reranked_positions([], [], 3) == []


class Favours:
    """A reranker that prefers passages containing one word, and records what it was asked."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.asked: list[tuple[str, list[str]]] = []

    def scores(self, post: str, passages: Sequence[str]) -> list[float]:
        self.asked.append((post, list(passages)))
        return [10.0 if self.word in p else 0.0 for p in passages]


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Store]:
    store = open_store(str(tmp_path / "claims.db"))  # the 19 seed claims
    yield store
    store.close()


@pytest.mark.semantic
def test_the_matcher_adds_its_rerankers_scores_to_the_best_candidates(
    seeded: Store, tmp_path: Path
) -> None:
    from verifiers.matching.pipeline import Matcher

    text = "Trump asked Zelenskyy if Ukraine could hit Moscow"
    plain = Matcher(seeded, SEMANTIC.model_copy(update={"reranker": "none"}))
    assert not plain.reranking
    before = plain.rank(text, EVERYWHERE, k=5)
    assert before[0].claim_id == "ft-trump-asked-can-you-hit-moscow"
    runner_up = seeded.get_claim(before[1].claim_id, EVERYWHERE)
    favours = Favours(runner_up.text)  # a reranker sure the runner-up is meant
    settings = SEMANTIC.model_copy(update={"rerank_top": 3, "rerank_weight": 1.0})
    reranked = Matcher(seeded, settings, reranker=favours)
    after = reranked.rank(text, EVERYWHERE, k=5)
    assert after[0].claim_id == runner_up.id
    ((post, passages),) = favours.asked
    assert post == text  # as written: the reranker reads case, links and signatures
    assert len(passages) == 3
    assert passage(runner_up.text, runner_up.summary) in passages
    lightly = {"rerank_weight": 0.01, "rerank_order_weight": 0.01}
    light = Matcher(seeded, settings.model_copy(update=lightly), reranker=favours)
    assert light.rank(text, EVERYWHERE, k=1)[0].claim_id == before[0].claim_id  # weighed lightly
    elsewhere = settings.model_copy(update={"reranker": str(tmp_path / "gone.npz")})
    passed_in = Matcher(seeded, elsewhere, reranker=favours)  # stands for the setting's file
    assert passed_in.rank(text, EVERYWHERE, k=1)[0].claim_id == runner_up.id


@pytest.mark.semantic
def test_the_list_follows_the_order_weight_and_answers_only_what_the_answer_weight_puts_first(
    seeded: Store,
) -> None:
    """Two weights: the claims are listed by `rerank_order_weight`, answer scores come from
    `rerank_weight`. When they disagree on the first claim, nothing is answered confidently:
    the claim listed first has no lead by the answer's weights, and the one that has is
    offered as related below it, not hidden by the lower score above it."""
    from verifiers.matching.pipeline import Matcher

    text = "Trump asked Zelenskyy if Ukraine could hit Moscow"
    meant = "ft-trump-asked-can-you-hit-moscow"
    plain = Matcher(seeded, SEMANTIC.model_copy(update={"reranker": "none"}))
    runner_up = seeded.get_claim(plain.rank(text, EVERYWHERE, k=2)[1].claim_id, EVERYWHERE)
    favours = Favours(runner_up.text)
    weights = {"rerank_top": 3, "rerank_weight": 0.01, "rerank_order_weight": 1.0}
    split = Matcher(seeded, SEMANTIC.model_copy(update=weights), reranker=favours)
    listed = split.rank(text, EVERYWHERE, k=2)
    assert [r.claim_id for r in listed] == [runner_up.id, meant]  # ordered by the heavy weight
    assert listed[0].score < 0.35 < listed[1].score  # scored by the light one
    result = split.check(text, EVERYWHERE).results[0]
    assert result.match is None
    assert [m.claim.id for m in result.related][:1] == [meant]
    agree = {**weights, "rerank_order_weight": 0.01}  # the same first claim: answered
    answered = Matcher(seeded, SEMANTIC.model_copy(update=agree), reranker=favours)
    match = answered.check(text, EVERYWHERE).results[0].match
    assert match is not None
    assert match.claim.id == meant


@pytest.mark.semantic
def test_either_weight_turns_reranking_on_and_the_training_table_moves_both(
    seeded: Store,
) -> None:
    from verifiers.matching.pipeline import Matcher
    from verifiers.training import rerank_train

    text = "Trump asked Zelenskyy if Ukraine could hit Moscow"
    for weights, reranks in (((0.0, 0.75), True), ((0.25, 0.0), True), ((0.0, 0.0), False)):
        favours = Favours("Moscow")
        update = {"rerank_weight": weights[0], "rerank_order_weight": weights[1]}
        matcher = Matcher(seeded, SEMANTIC.model_copy(update=update), reranker=favours)
        matcher.rank(text, EVERYWHERE, k=3)
        assert matcher.reranking == reranks == bool(favours.asked), weights
    row = rerank_train._settings(5, 0.5)  # a row of the --cross-fit table: one weight for all
    assert (row.rerank_top, row.rerank_weight, row.rerank_order_weight) == (5, 0.5, 0.5)


@pytest.mark.semantic
def test_checks_skip_the_reranker_where_nothing_could_reach_the_related_tier(
    seeded: Store,
) -> None:
    from verifiers.matching.pipeline import Matcher

    chatter = "My cousin baked a lemon cake for the school fair last Saturday."
    claim = "Trump asked Zelenskyy if Ukraine could hit Moscow"
    favours = Favours("Moscow")
    matcher = Matcher(seeded, SEMANTIC, reranker=favours)
    assert not matcher.check(chatter, EVERYWHERE).results[0].related
    assert favours.asked == []  # nothing near the tiers: the cross-encoder was not asked
    matcher.rank(chatter, EVERYWHERE, k=5)
    assert len(favours.asked) == 1  # a ranked list is reranked whatever its scores
    found = matcher.check(claim, EVERYWHERE).results[0].match
    assert found is not None
    assert len(favours.asked) == 2
    always = Matcher(seeded, SEMANTIC.model_copy(update={"rerank_from": 0.0}), reranker=favours)
    always.check(chatter, EVERYWHERE)
    assert len(favours.asked) == 3


@pytest.mark.semantic
def test_the_shipped_cross_encoder_scores_the_claim_a_post_states_highest(seeded: Store) -> None:
    from verifiers.matching.rerank import CrossEncoder

    assert reranker_file(SEMANTIC.reranker) == SHIPPED_RERANKER  # on by default
    claims = {c.id: passage(c.text, c.summary) for c in seeded.iter_claims(EVERYWHERE)}
    model = CrossEncoder()
    for post, meant in (
        ("did trump really ask zelensky whether ukraine could strike moscow??", "ft-trump-asked-"
         "can-you-hit-moscow"),
        ("so NATO countries are paying for the patriots going to ukraine, not the US",
         "ft-trump-new-weapons-patriots-nato-pays"),
    ):  # fmt: skip
        ids = list(claims)
        scores = model.scores(post, [claims[i] for i in ids])
        assert ids[scores.index(max(scores))] == meant, sorted(zip(scores, ids, strict=True))[-3:]
        assert model.scores(post, [claims[meant]]) == [max(scores)]  # remembered, unchanged


def test_a_missing_reranker_file_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from verifiers.domain.settings import ConfigError, load_settings

    monkeypatch.setenv("CLAIMBOT_MATCHING_RERANKER", str(tmp_path / "gone.npz"))
    with pytest.raises(ConfigError) as problem:
        load_settings(None)
    message = str(problem.value)
    assert "\n" not in message
    assert "matching.reranker" in message
    assert f"no file at {tmp_path / 'gone.npz'}" in message
    assert "rerank_train --out" in message
    assert reranker_file("none") is None


TRUMP = "Trump asked Zelensky whether Ukraine could hit Moscow"
OWN_FILE = '(use "shipped", "none" or the path of a file made by rerank_train --out)'
SHIPPED_FIX = '(the shipped model: reinstall claimbot, or set "none")'


def damaged_copy(model: Path, to: Path) -> Path:
    """The model with 16 bytes flipped in the middle of its arrays."""
    data = bytearray(model.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    to.write_bytes(bytes(data))
    return to


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("missing", "no file at {path}"),
        ("garbage", "{path} is not a NumPy .npz model file: File is not a zip file"),
        ("an adapter", "{path} lacks head.weight, head.bias"),
        ("damaged", "{path} is damaged: its array "),
    ],
)
def test_a_reranker_file_that_is_missing_or_not_a_cross_encoder_is_one_line_before_any_check(
    tmp_path: Path, kind: str, problem: str
) -> None:
    """`[matching] reranker` naming a file of one's own that cannot be read as a cross-encoder
    stops every command that could match, at start-up, in one line naming the setting and
    the path; nothing is created."""
    path = tmp_path / "ours.npz"
    if kind == "garbage":
        path.write_bytes(b"not a model, just some bytes\n" * 100)
    elif kind == "an adapter":
        shutil.copy(SHIPPED_ADAPTER, path)
    elif kind == "damaged":
        damaged_copy(SHIPPED_RERANKER, path)
    config = tmp_path / "claimbot.toml"
    config.write_text(f'[matching]\nmatcher = "semantic"\nreranker = "{path}"\n')
    db = tmp_path / "claims.db"
    files = labelled_files(tmp_path)
    for command in (["check", TRUMP], ["eval", "--matcher", "semantic", *files], ["run"]):
        code, out, err = run_cli_apart("--config", str(config), "--db", str(db), *command)
        assert (code, out) == (EXIT_ERROR, ""), command
        line = f"error: invalid setting matching.reranker: {problem.format(path=path)}"
        assert err.startswith(line), (command, err)
        assert err.endswith(f" {OWN_FILE}\n"), (command, err)
        assert err.count("\n") == 1
    assert not db.exists()


@pytest.mark.semantic
@pytest.mark.parametrize(
    ("module", "constant", "setting"),
    [
        ("verifiers.domain.model_files", "SHIPPED_RERANKER", "matching.reranker"),
        ("verifiers.domain.model_files", "SHIPPED_ADAPTER", "matching.minilm_adapter"),
    ],
)
def test_a_shipped_model_missing_from_the_install_is_one_line_when_the_semantic_matcher_starts(
    tmp_path: Path, module: str, constant: str, setting: str
) -> None:
    """An install that lost a model file (as a wheel without it did) is refused by `check`,
    `eval`, `run` (and `embed`, for the adapter) with the semantic matcher in one line naming
    the setting and the path, before any check runs; the lexical matcher still answers."""
    gone = tmp_path / "site-packages" / "model.npz"
    patch = f"import {module}; from pathlib import Path; {module}.{constant} = Path({str(gone)!r})"
    db = str(tmp_path / "claims.db")
    files = labelled_files(tmp_path)
    semantic = {"CLAIMBOT_MATCHING_MATCHER": "semantic", "CLAIMBOT_DISCORD_TOKEN": "x"}
    # Were `run` to get past its start-up, it would find no Discord there.
    semantic |= {API_BASE_ENV: "http://127.0.0.1:9/api/v10", GATEWAY_ENV: "ws://127.0.0.1:9"}
    expected = f"{setting}: no file at {gone} {SHIPPED_FIX}\n"
    code, out, err = run_patched(
        patch, ["--db", db, "check", "--matcher", "lexical", TRUMP], tmp_path
    )  # the lexical matcher never reads the file; this also creates the database
    assert code == 0, err
    assert "error" not in err, err
    assert "ft-trump-asked-can-you-hit-moscow" in out
    commands = [["check", TRUMP], ["eval", "--matcher", "semantic", *files], ["run"]]
    if constant == "SHIPPED_ADAPTER":
        commands.append(["embed"])  # which reads no cross-encoder
    for command in commands:
        code, out, err = run_patched(patch, ["--db", db, *command], tmp_path, semantic)
        assert code == EXIT_ERROR, (command, err)
        assert err.endswith(f"error: {expected}"), (command, err)
        assert err.count("\n") == 1
        assert "Traceback" not in err


def run_patched(
    patch: str, args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """The real entry point of this checkout in a new process, in `cwd`, after `patch`
    (Python) ran: (status, stdout, stderr)."""
    proc = run_python(f"{patch}; from claimbot.main import main; main({args!r})", cwd, REPO, env)
    return proc.returncode, proc.stdout, proc.stderr


def labelled() -> LabelledSet:
    return LabelledSet(
        claims={i: ClaimRow(i, text, title) for i, (text, title) in CLAIMS.items()},
        queries={q: post for q, (post, _) in POSTS.items()},
        qrels={q: frozenset({claim}) for q, (_, claim) in POSTS.items()},
    )


@pytest.mark.semantic
def test_cross_fitting_reranks_each_post_with_a_model_that_never_trained_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from verifiers.training import rerank_train

    data = labelled()
    texts = rerank_train.passages(data)
    groups = rerank_train.training_groups(data, rerank_train.top_claims(data))
    assert sorted(groups) == sorted(POSTS)  # every post has 3 wrong claims among its 10 best
    for post_id, [(post, ids)] in groups.items():
        assert post == POSTS[post_id][0]
        assert ids[0] == POSTS[post_id][1]
        assert len(set(ids)) == 4
        assert texts[ids[1]] == passage(*CLAIMS[ids[1]])
    trained_on: list[set[str]] = []
    real_train = rerank_train.train

    def spy_train(groups, texts, epochs):  # type: ignore[no-untyped-def]
        trained_on.append({post for post, _ in groups})
        return real_train(groups, texts, epochs=0.5)

    monkeypatch.setattr(rerank_train, "train", spy_train)
    reranker = rerank_train.cross_fitted(data, groups, texts, 2)
    assert len(trained_on) == 2
    models = reranker._models
    for query, _ in POSTS.values():
        fold = reranker._fold_of[query]
        assert query not in trained_on[fold]
        assert query in trained_on[1 - fold]
        claim_text = texts["c4"]
        assert reranker.scores(query, [claim_text]) == models[fold].scores(query, [claim_text])
    assert reranker.scores("warm up", ["x", "y"]) == [0.0, 0.0]  # not a labelled post


@pytest.mark.semantic
def test_the_training_command_measures_then_writes_a_model_the_setting_can_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A community's own labelled posts → a cross-encoder file that `[matching] reranker`
    accepts and the matcher uses; `--cross-fit` prints a row per depth and weight first."""
    import numpy as np

    from verifiers.matching.pipeline import Matcher
    from verifiers.matching.rerank import CrossEncoder
    from verifiers.training import rerank_train

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the claim vectors' cache
    out = tmp_path / "ours.npz"
    files = labelled_files(tmp_path)
    args = [*files, "--epochs", "1", "--cross-fit", "2", "--tops", "3", "--weights", "0,1"]
    assert rerank_train.main([*args, "--out", str(out)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("top weight  MAP@5")
    assert len(table) == 3
    assert [row.split()[:2] for row in table[1:]] == [["3", "0.00"], ["3", "1.00"]]
    thresholds = ("0.70", "0.75", "0.80", "0.85")
    assert table[0].split()[4:] == [f"answered/false@{t}" for t in thresholds]
    assert all(len(row.split()) == 4 + 4 for row in table[1:])  # a cell per threshold
    with np.load(out) as saved:
        assert {"head.weight", "head.bias", "scale"} <= set(saved.files)
    settings = SEMANTIC.model_copy(update={"reranker": str(out)})
    assert reranker_file(settings.reranker) == out
    model = CrossEncoder(out)
    post, claim = POSTS["q1"]
    assert len(model.scores(post, [passage(*CLAIMS[claim])])) == 1
    store = open_store(str(tmp_path / "claims.db"))
    try:
        matcher = Matcher(store, settings)
        assert matcher.reranking
        assert matcher.check("Trump asked Zelenskyy if Ukraine could hit Moscow", EVERYWHERE)
    finally:
        store.close()


@pytest.mark.semantic
def test_fold_adapters_evaluate_each_post_with_an_adapter_and_reranker_that_never_saw_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--cross-fit K --fold-adapters`: each fold's posts are ranked by an embedding adapter and
    a cross-encoder both trained without them, every post once per (depth, weight); without
    `--out` it only measures."""
    from verifiers.evaluation import runner
    from verifiers.matching.pipeline import whole_query
    from verifiers.training import finetune, rerank_train

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    adapters_saw: list[set[str]] = []
    rerankers_saw: list[set[str]] = []
    evaluated: list[tuple[set[str], object, object]] = []
    real_adapter, real_reranker, real_run = finetune.train, rerank_train.train, runner.run_queries

    def spy_adapter(model, pairs, claims, epochs):  # type: ignore[no-untyped-def]
        adapters_saw.append({post for post, _, _ in pairs})
        return real_adapter(model, pairs, claims, epochs=0.5)

    def spy_reranker(groups, texts, epochs):  # type: ignore[no-untyped-def]
        rerankers_saw.append({whole_query(post) for post, _ in groups})
        return real_reranker(groups, texts, epochs=0.5)

    def spy_run(subset, settings, **kwargs):  # type: ignore[no-untyped-def]
        posts = {whole_query(p) for p in subset.queries.values()}
        evaluated.append((posts, kwargs["encoder"], kwargs["reranker"]))
        return real_run(subset, settings, **kwargs)

    monkeypatch.setattr(finetune, "train", spy_adapter)
    monkeypatch.setattr(rerank_train, "train", spy_reranker)
    monkeypatch.setattr(rerank_train, "run_queries", spy_run)
    args = ["--cross-fit", "2", "--fold-adapters", "--tops", "3", "--weights", "0,1"]
    assert rerank_train.main([*labelled_files(tmp_path), *args]) == 0

    table = capsys.readouterr().out.splitlines()
    assert [row.split()[:2] for row in table[1:]] == [["3", "0.00"], ["3", "1.00"]]
    assert len(adapters_saw) == len(rerankers_saw) == 2
    assert len(evaluated) == 4  # two folds, two weights
    everyone = {whole_query(p) for p, _ in POSTS.values()}
    for fold in range(2):
        ranked = [posts for posts, _, _ in evaluated[2 * fold : 2 * fold + 2]]
        assert ranked[0] == ranked[1]
        assert ranked[0]
        assert not ranked[0] & adapters_saw[fold]
        assert not ranked[0] & rerankers_saw[fold]
        assert ranked[0] | adapters_saw[fold] == everyone
        encoders = {id(e) for _, e, _ in evaluated[2 * fold : 2 * fold + 2]}
        assert len(encoders) == 1  # the fold's own adapter, for every cell
    assert evaluated[0][1] is not evaluated[2][1]
    assert evaluated[0][2] is not evaluated[2][2]
    assert not list(tmp_path.glob("*.npz"))  # measured only: no model written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.npz"], "give either --data DIR or all three"),
        (["--data", "d"], "give --out FILE (or --cross-fit K to measure only)"),
        (["--data", "d", "--fold-adapters", "--out", "x"], "--fold-adapters needs --cross-fit K"),
        (["--data", "d", "--cross-fit", "1", "--out", "x.npz"], "--cross-fit needs at least 2"),
        (["--data", "d", "--weights", "1,x", "--out", "x.npz"], "not a list of numbers: '1,x'"),
        (["--data", "/no/such/dir", "--out", "x.npz"], "error: /no/such/dir: no such data dir"),
    ],
)  # fmt: skip
def test_the_training_command_refuses_bad_input_in_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from verifiers.training import rerank_train

    with pytest.raises(SystemExit) as exit_info:
        rerank_train.main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.semantic
def test_fold_rerankers_record_scores_from_a_cross_encoder_that_never_saw_the_post(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`fit --cross-fit K --fold-rerankers`: each fold's posts are ranked by an adapter and
    read by a cross-encoder both trained without them, and every ranking (claims present and
    withheld) keeps the scores of the candidates the matcher would rerank, for the answer
    model's refit."""
    from verifiers.training import crossfit, finetune, rerank_train

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the claim vectors' cache
    data = labelled()
    real_adapter, real_reranker, real_collect = finetune.train, rerank_train.train, crossfit.collect
    reranker_saw: dict[int, set[str]] = {}
    folds: list[tuple[set[str], set[str]]] = []  # (posts ranked, posts its reranker saw)

    def spy_adapter(model, pairs, claims, epochs):  # type: ignore[no-untyped-def]
        return real_adapter(model, pairs, claims, epochs=0.5)

    def spy_reranker(groups, texts, epochs):  # type: ignore[no-untyped-def]
        model = real_reranker(groups, texts, epochs=0.5)
        reranker_saw[id(model)] = {post for post, _ in groups}
        return model

    def spy_collect(subset, kind, encoder, reranker):  # type: ignore[no-untyped-def]
        folds.append((set(subset.queries.values()), reranker_saw[id(reranker)]))
        return real_collect(subset, kind, encoder=encoder, reranker=reranker)

    monkeypatch.setattr(finetune, "train", spy_adapter)
    monkeypatch.setattr(rerank_train, "train", spy_reranker)
    monkeypatch.setattr(crossfit, "collect", spy_collect)
    collected = crossfit.cross_fitted(data, 2, rerankers=True)

    assert len(folds) == 2
    for ranked, saw in folds:
        assert ranked
        assert saw
        assert not ranked & saw
    assert {p for ranked, _ in folds for p in ranked} == {p for p, _ in POSTS.values()}
    groups = collected.messages + collected.messages_withheld
    assert len(groups) == 2 * len(POSTS)
    for g in groups:
        assert g.rerank is not None
        assert g.keys is not None
        distinct = len(set(g.keys))
        assert len(g.rerank) == min(SEMANTIC.rerank_top, distinct)  # the best distinct claims
        assert len({g.keys[i] for i in g.rerank}) == len(g.rerank)  # one copy of each
        assert all(0 <= i < len(g.rows) for i in g.rerank)


@pytest.mark.semantic
@pytest.mark.parametrize("weight", [0.25, 2.0])
def test_recorded_rerank_scores_replay_the_matchers_ranking_and_answer_score(
    weight: float,
) -> None:
    """Refitting the answer model on reranked logits sees what the matcher computes: the
    recorded scores, replayed by `fit.answer_rows` at a weight, give each post the top claim
    and the answer score that the matcher reranking at that weight gives it."""
    from verifiers.evaluation.runner import collect, run_queries
    from verifiers.matching.model import SEMANTIC as FITTED
    from verifiers.matching.model import sigmoid
    from verifiers.training.fit import answer_rows

    data = labelled()
    favours = Favours("vaccine")  # moves claims about vaccines up, whatever the post
    collected = collect(data, "semantic", reranker=favours)
    both = {"rerank_weight": weight, "rerank_order_weight": weight}  # the answer's own order
    settings = SEMANTIC.model_copy(update=both)
    outcomes, _ = run_queries(data, settings, matcher="semantic", reranker=favours)
    relevance, floor = list(FITTED.relevance), FITTED.rival_floor
    rows, labels = answer_rows(collected.messages, [], relevance, floor, weight)
    assert len(rows) == len(outcomes) == len(POSTS)
    for row, label, outcome in zip(rows, labels, outcomes, strict=True):
        x = sum(w * v for w, v in zip(FITTED.answer, row, strict=True))
        assert sigmoid(FITTED.answer_bias + x) == pytest.approx(outcome.scores[0], abs=1e-9)
        assert label == (outcome.ranked[0] in outcome.relevant)
    plain, _ = answer_rows(collected.messages, [], relevance, floor)
    assert plain != rows  # the recorded scores did move the answer features
