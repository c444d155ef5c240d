"""Ingestion measured on the article corpus (`claimbot eval --articles`), its floors, the
expectation files' errors, and fact-check pages (the review and the page's own claims)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from claimbot.main import main
from tests.paths import DATA
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Status
from verifiers.evaluation.articles import article_files, evaluate_articles
from verifiers.ingest.pipeline import propose_page, read_page

ARTICLES = DATA / "articles"
KINDS_NEEDED = 20

# Floors a little under the figures measured on the held-out third (docs/ingestion.md gives
# them, first runs and now): recall 96 %, on-target precision 95 %, status 100 %, claimant
# 99 %, publisher and date on every article, well under a second an article.
FLOORS = {
    "recall": 0.93,
    "on_target_precision": 0.90,
    "status_right": 0.95,
    "claimant_right": 0.93,
    "publisher_credited": 1.0,
    "date_credited": 1.0,
}
SECONDS_PER_ARTICLE = 2.0


def run_eval(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["eval", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue() + err.getvalue()


def test_the_corpus_has_a_held_out_third_and_twenty_articles():
    dev = article_files(ARTICLES / "dev")
    heldout = article_files(ARTICLES / "heldout")
    assert len(dev) + len(heldout) >= KINDS_NEEDED
    assert len(heldout) * 3 >= len(dev) + len(heldout) - 1  # about a third


def test_held_out_figures_stay_above_their_floors():
    code, out = run_eval("--articles", str(ARTICLES / "heldout"), "--json")
    assert code == 0, out
    figures = json.loads(out)["articles"]
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, (name, figures[name], figures["per_article"])
    assert figures["seconds_per_article"] <= SECONDS_PER_ARTICLE
    assert figures["forbidden_drafts"] <= 1


def test_the_dev_figures_are_printed_as_a_table():
    code, out = run_eval("--articles", str(ARTICLES / "dev"))
    assert code == 0, out
    assert "recall of expected claims" in out
    assert "on-target precision" in out
    assert "seconds per article" in out


def test_a_broken_expectations_file_is_one_line(tmp_path: Path):
    (tmp_path / "a.html").write_text("<html><body><p>Nothing much here at all.</p></body></html>")
    (tmp_path / "a.expect.json").write_text('{"claims": [{"status": "confirmed"}]}')
    code, out = run_eval("--articles", str(tmp_path))
    assert code != 0
    assert "a.expect.json: not an expectations file" in out
    assert "Traceback" not in out
    with pytest.raises(InvalidInput, match="missing: not a folder"):
        evaluate_articles(tmp_path / "missing")


def test_a_fact_check_page_gives_the_review_with_its_author_and_the_pages_claims():
    page = read_page(str(ARTICLES / "heldout" / "factcheck-turnout-claim.html"))
    proposal = propose_page(page)
    review = proposal.drafts[0]
    assert review.status is Status.FALSE
    assert review.claimant == "Tova Rask"  # an @id reference inside @graph, resolved
    assert proposal.publisher == "FactLens"
    body = proposal.drafts[1:]
    assert any("48.7 per cent" in d.text for d in body)
    # The fact-checker's own page is not a republication of anything it quotes.
    assert all(d.claimant and not d.claimant.startswith("unknown") for d in body)
