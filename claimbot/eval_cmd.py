"""`claimbot eval`: measure the matcher on a labelled set (and stance on a labelled pair set,
and ingestion on a folder of articles with expectations)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from claimbot.context import AppContext, pass_app
from claimbot.files import replaced_whole
from verifiers.domain.errors import InvalidInput
from verifiers.evaluation.articles import ArticlesReport, evaluate_articles, format_articles
from verifiers.evaluation.data import load_set, load_split
from verifiers.evaluation.embedding_cache import default_cache_path
from verifiers.evaluation.identity import (
    SPLITS,
    IdentityReport,
    evaluate_identity,
    load_identity_set,
    summarise_identity,
)
from verifiers.evaluation.metrics import AnswerDecision, Report
from verifiers.evaluation.runner import evaluate
from verifiers.evaluation.stance import StanceReport, evaluate_stance, load_stance_pairs
from verifiers.files import writable
from verifiers.matching.semantic import require_semantic, setting_key

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("eval")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    help="A CheckThat!-style directory: verified_claims.docs.tsv and <split>/ with "
    "tweets.queries.tsv and tweet-vclaim-pairs.qrels.",
)
@click.option("--split", default="dev", show_default=True, help="Split directory under --data.")
@click.option("--claims", "claims_path", type=_FILE, help="Claims TSV: id, claim, title.")
@click.option("--queries", "queries_path", type=_FILE, help="Queries TSV: id, text.")
@click.option("--qrels", "qrels_path", type=_FILE, help="TREC qrels: query 0 claim relevance.")
@click.option("--limit", type=click.IntRange(min=1), help="Evaluate the first N queries only.")
@click.option(
    "--matcher",
    type=click.Choice(["lexical", "semantic"]),
    default="lexical",
    show_default=True,
    help="Matcher to evaluate.",
)
@click.option(
    "--confident-threshold",
    type=click.FloatRange(0.0, 1.0),
    help="Override the matcher's confident threshold for this run.",
)
@click.option(
    "--sweep",
    callback=lambda _ctx, _param, value: _thresholds(value),
    metavar="T1,T2,...",
    help="Also give the answer decision at each of these confident thresholds "
    "(e.g. 0.5,0.6,0.7,0.8): the trade-off to choose one from.",
)
@click.option(
    "--embeddings-cache",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Semantic matcher: claim embeddings kept between runs "
    "(default: ~/.cache/claimbot/embeddings-<model>.npz).",
)
@click.option("--stance", "stance_path", type=_FILE, help="Also report stance accuracy (JSONL).")
@click.option(
    "--identity",
    "identity_path",
    type=_FILE,
    help="Also report claim identity on a labelled pairs file (JSONL, with claims.jsonl "
    "beside it): false answers, false contradictions, paraphrases answered, contradictions "
    "caught, attribution right; per split, category and message form.",
)
@click.option(
    "--mistakes",
    type=_FILE,
    help="With --identity: write every pair handled wrongly to this file (JSONL).",
)
@click.option(
    "--per-query",
    "per_query",
    type=_FILE,
    help="Also write each query's outcome to this file, one JSON object a line: its text, "
    "relevant claims, top 5 with scores, first relevant rank, and the answer decision.",
)
@click.option(
    "--articles",
    "articles_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also report ingestion on a folder of pages, each with NAME.expect.json beside it: "
    "recall of expected claims, on-target precision, status and claimant right, publisher "
    "and date credited, seconds per article.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@pass_app
def eval_command(
    app: AppContext,
    data: Path | None,
    split: str,
    claims_path: Path | None,
    queries_path: Path | None,
    qrels_path: Path | None,
    limit: int | None,
    matcher: str,
    confident_threshold: float | None,
    sweep: tuple[float, ...],
    embeddings_cache: Path | None,
    stance_path: Path | None,
    identity_path: Path | None,
    mistakes: Path | None,
    per_query: Path | None,
    articles_dir: Path | None,
    as_json: bool,
) -> None:
    """Evaluate matching (MAP@5, MRR, P@1, Recall@5, answer decisions) on a labelled set.

    Claims are loaded into a fresh temporary database; your own database is not touched.
    With --articles, measure ingestion on a folder of articles with their expectations.
    """
    files = (claims_path, queries_path, qrels_path)
    if data is not None and any(files):
        raise InvalidInput("give either --data or --claims/--queries/--qrels, not both")
    if data is None and any(files) and not all(files):
        raise InvalidInput("--claims, --queries and --qrels must be given together")
    if (
        data is None
        and not any(files)
        and stance_path is None
        and identity_path is None
        and articles_dir is None
    ):
        raise InvalidInput(
            "nothing to evaluate: give --data DIR, the three files, --stance, --identity "
            "or --articles DIR"
        )
    if mistakes is not None and identity_path is None:
        raise InvalidInput("--mistakes needs --identity FILE")
    mistakes = writable(mistakes, "--mistakes") if mistakes else None
    for option, given in (("--sweep", sweep), ("--per-query", per_query)):
        if given and data is None and not any(files):
            raise InvalidInput(f"{option} needs a labelled set: give --data DIR or the three files")
    per_query = writable(per_query, "--per-query") if per_query else None

    settings = app.settings.matching
    if confident_threshold is not None:
        key = "confident_threshold_semantic" if matcher == "semantic" else "confident_threshold"
        settings = settings.model_copy(update={key: confident_threshold})
    if matcher == "semantic":
        require_semantic()  # before loading anything, so the user hears at once

    output: dict[str, object] = {}
    report: Report | None = None
    trade_off: tuple[AnswerDecision, ...] = ()
    if data is not None or all(files):
        labelled = (
            load_split(data, split)
            if data is not None
            else load_set(claims_path, queries_path, qrels_path)  # type: ignore[arg-type]
        ).limited(limit)
        cache = None
        if matcher == "semantic":
            key = setting_key(settings.minilm_adapter)
            cache = embeddings_cache or default_cache_path(key)
        with _Bar("embedding claims") as bar:
            evaluation = evaluate(
                labelled,
                settings,
                matcher=matcher,
                sweep=sweep,
                cache=cache,
                embed_progress=bar.update,
            )
        report, trade_off = evaluation.report, evaluation.sweep
        if per_query is not None:
            threshold = report.confident_threshold
            with replaced_whole(per_query) as out:
                for outcome in evaluation.outcomes:
                    row = outcome.as_row(labelled.queries[outcome.query_id], threshold)
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        output.update(report.as_dict())
        if trade_off:
            output["sweep"] = [asdict(point) for point in trade_off]
        output["claims"] = len(labelled.claims)
        output["matcher"] = matcher
        if matcher == "semantic":  # which models and reranking gave these figures
            output["semantic_model"] = settings.model_dump(
                include={
                    "minilm_adapter",
                    "reranker",
                    "rerank_top",
                    "rerank_weight",
                    "rerank_order_weight",
                }
            )
    stance: StanceReport | None = None
    if stance_path is not None:
        stance = evaluate_stance(load_stance_pairs(stance_path))
        output["stance"] = stance.as_dict()
    identity: dict[str, IdentityReport] = {}
    if identity_path is not None:
        claims, pairs = load_identity_set(identity_path)
        cache = None
        if matcher == "semantic":
            cache = embeddings_cache or default_cache_path(setting_key(settings.minilm_adapter))
        with _Bar("checking messages") as bar:
            everything = evaluate_identity(
                claims, pairs, settings, matcher=matcher, cache=cache, progress=bar.update
            )
        identity = {"all": everything} | {
            split: summarise_identity([o for o in everything.outcomes if o.pair.split == split])
            for split in SPLITS
        }
        output["identity"] = {name: r.as_dict() for name, r in identity.items()}
        output.setdefault("matcher", matcher)
        if mistakes is not None:
            with replaced_whole(mistakes) as out:
                for outcome in everything.mistakes:
                    row = {**asdict(outcome.pair), "answers": outcome.answers}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")

    articles: ArticlesReport | None = None
    if articles_dir is not None:
        articles = evaluate_articles(articles_dir)
        output["articles"] = articles.as_dict()

    if as_json:
        click.echo(json.dumps(output, indent=2, sort_keys=True, default=str))
        return
    if report is not None:
        click.echo(_format_report(report, int(output["claims"]), matcher))  # type: ignore[call-overload]
    if trade_off:
        click.echo(_format_sweep(trade_off))
    if stance is not None:
        click.echo(_format_stance(stance))
    if identity:
        click.echo(_format_identity(identity, matcher))
    if mistakes is not None:
        click.echo(f"pairs handled wrongly: {mistakes} ({len(identity['all'].mistakes)} lines)")
    if per_query is not None and report is not None:
        click.echo(f"each query's outcome: {per_query} ({report.queries} lines)")
    if articles is not None:
        click.echo(format_articles(articles))


def _thresholds(value: str | None) -> tuple[float, ...]:
    """`--sweep 0.5,0.6` as numbers; anything else is one line naming the bad item."""
    if not value:
        return ()
    found: list[float] = []
    for item in value.split(","):
        try:
            threshold = float(item)
        except ValueError:
            threshold = -1.0
        if not 0.0 <= threshold <= 1.0:
            raise InvalidInput(
                f"--sweep: {item.strip()!r} is not a threshold between 0 and 1 "
                "(give a comma-separated list such as 0.5,0.6,0.7)"
            )
        found.append(threshold)
    return tuple(found)


class _Bar:
    """A progress bar on stderr that appears only once there is progress to show."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _format_report(r: Report, claims: int, matcher: str) -> str:
    rows = [  # label, figure, what it means
        ("MAP@5", f"{r.map_at_5:.4f}", ""),
        ("MRR", f"{r.mrr:.4f}", ""),
        ("P@1", f"{r.p_at_1:.4f}", ""),
        ("Recall@5", f"{r.recall_at_5:.4f}", ""),
        (
            "answered correctly",
            _pct(r.answered_correctly),
            f"confident threshold {r.confident_threshold:.2f}",
        ),
        ("answered wrongly", _pct(r.answered_wrongly), ""),
        (
            "false answers",
            _pct(r.false_answers),
            "relevant claims and their exact duplicates withheld",
        ),
        (
            "false answers, strict",
            _pct(r.false_answers_strict),
            "only the claims the qrels name withheld",
        ),
    ]
    width = max(len(label) for label, _, _ in rows)
    lines = [f"{r.queries} queries against {claims:,} claims ({matcher} matcher)"]
    lines += [
        f"  {label:<{width}}  {figure:>6}" + (f"  ({note})" if note else "")
        for label, figure, note in rows
    ]
    lines.append(
        f"  {'time per query':<{width}}  {r.ms_per_query:.1f} ms mean, {r.ms_p50:.1f} ms p50,"
        f" {r.ms_p99:.1f} ms p99 (rank over the whole text, full set)"
    )
    return "\n".join(lines)


def _format_sweep(points: tuple[AnswerDecision, ...]) -> str:
    lines = ["  threshold  answered correctly  answered wrongly  false answers  false, strict"]
    lines += [
        f"  {p.threshold:9.2f}  {_pct(p.answered_correctly):>18}  {_pct(p.answered_wrongly):>16}"
        f"  {_pct(p.false_answers):>13}  {_pct(p.false_answers_strict):>13}"
        for p in points
    ]
    return "\n".join(lines)


def _format_stance(s: StanceReport) -> str:
    kinds = ", ".join(f"{kind or 'unlabelled'} {100 * acc:.0f}%" for kind, acc in s.by_kind.items())
    return f"stance: {s.pairs} pairs, accuracy {100 * s.accuracy:.1f}% ({kinds})"


def _format_identity(reports: dict[str, IdentityReport], matcher: str) -> str:
    """The identity figures side by side for every split, then by category and by form."""
    names = [name for name in ("heldout", "tune", "all") if reports[name].pairs]

    def cell(value: float | int | None) -> str:
        return "     –" if value is None else _pct(float(value))

    lines = [
        f"claim identity ({matcher} matcher): "
        + ", ".join(f"{reports[n].pairs} pairs {n}" for n in names),
        "  " + " " * 24 + "".join(f"{n:>10}" for n in names),
    ]
    for figure in reports["all"].figures:
        label = figure.replace("_", " ")
        lines.append(
            f"  {label:<24}" + "".join(f"{cell(reports[n].figures[figure]):>10}" for n in names)
        )
    for title, attribute in (("category", "by_category"), ("form (paraphrases)", "by_form")):
        lines.append(f"  right, by {title}:")
        groups = sorted({g for n in names for g in getattr(reports[n], attribute)})
        for group in groups:
            row = ""
            for n in names:
                stats = getattr(reports[n], attribute).get(group)
                row += f"{cell(stats['right']) if stats else '     –':>10}"
            lines.append(f"    {group:<22}{row}")
    return "\n".join(lines)
