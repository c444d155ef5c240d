"""Drafts end to end on a real SQLite file: ingest, review, approve into matchable claims.

URLs are served by a real HTTP server on 127.0.0.1 that the tests start; the service is given
a fetch policy that allows that one address (production never sets it).
"""

from __future__ import annotations

import json
import os

import click
import pytest
from click.testing import CliRunner

from claimbot.context import AppContext
from claimbot.ingest_cmd import drafts_group, ingest_command
from tests.paths import REPO, TESTS
from tests.support.local_server import LocalServer, loopback_policy, page
from verifiers.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.domain.models import DraftChanges, DraftState, Scope, SourceRole, Status
from verifiers.domain.settings import Settings
from verifiers.service import ClaimService
from verifiers.sources.fetch import FetchRefused
from verifiers.store.ports import draft_store

FIXTURES = TESTS / "fixtures" / "articles"
GAZETTE = FIXTURES / "gazette-bridge-closure.html"
AGGREGATOR = FIXTURES / "aggregator-ft-moscow.html"
FACT_CHECK = FIXTURES / "factcheck-moscow-order.html"
OP = Scope.everything()
A, B = Scope.guild(111), Scope.guild(222)
BRIDGE = "Mayor Ellen Ortiz said the Harbor Street bridge will close"


@pytest.fixture
def service(store):
    return ClaimService(store, Settings(), fetch_policy=loopback_policy())


@pytest.fixture
def drafts(store):
    return draft_store(store)


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


def draft_with(service, scope, words):
    [draft] = [d for d in draft_store(service.store).list_drafts(scope) if words in d.text]
    return draft


# -- ingesting -------------------------------------------------------------------------------
def test_ingesting_a_file_queues_drafts_with_quotes_and_sources(service, drafts):
    report = service.ingest_file(str(GAZETTE), "cli:mod", OP)
    assert not report.already_ingested
    assert report.article.publisher == "Riverton Gazette"
    assert report.article.url.endswith("/harbor-street-bridge-closure/")
    assert len(report.drafts) >= 6
    assert {d.state for d in report.drafts} == {DraftState.PENDING}
    assert [d.id for d in drafts.list_drafts(OP)] == [d.id for d in report.drafts]
    draft = draft_with(service, OP, BRIDGE)
    assert draft.status is Status.CONFIRMED
    assert draft.quote.startswith("The Harbor Street bridge will close")
    assert draft.sources[0].publisher == "Riverton Gazette"
    assert draft.guild_id is None


def test_ingesting_the_same_article_again_adds_no_drafts(service, drafts):
    first = service.ingest_file(str(GAZETTE), "cli:mod", OP)
    again = service.ingest_file(str(GAZETTE), "cli:mod", OP)
    assert again.already_ingested
    assert [d.id for d in again.drafts] == [d.id for d in first.drafts]
    assert len(drafts.list_drafts(OP)) == len(first.drafts)


def test_the_same_article_at_another_url_or_with_edits_is_recognised(service, server, drafts):
    html = GAZETTE.read_text()
    server.routes["/story"] = page(html)
    server.routes["/story?utm_source=share"] = page(html)
    server.routes["/amp/story"] = page(html.replace("built in 1931", "built in 1932"))
    first = service.ingest_url(server.url("/story"), "mod", A)
    assert not first.already_ingested
    # Same canonical URL: a tracking parameter or an edited copy adds nothing.
    assert service.ingest_url(server.url("/story?utm_source=share"), "mod", A).already_ingested
    assert service.ingest_url(server.url("/amp/story"), "mod", A).already_ingested
    assert len(drafts.list_drafts(A)) == len(first.drafts)


def test_the_same_text_without_a_canonical_url_is_recognised_by_its_hash(service, server):
    html = GAZETTE.read_text().replace('<link rel="canonical"', '<link rel="alternate"')
    html = html.replace('"mainEntityOfPage"', '"notTheMainEntity"')
    server.routes["/one"] = page(html)
    server.routes["/two"] = page(html)
    first = service.ingest_url(server.url("/one"), "mod", A)
    second = service.ingest_url(server.url("/two"), "mod", A)
    assert second.already_ingested
    assert second.article.id == first.article.id


def test_ingest_url_fetches_safely_and_a_refusal_records_nothing(service, store, drafts):
    with pytest.raises(FetchRefused) as caught:
        service.ingest_url("http://169.254.169.254/latest/meta-data/", "mod", A)
    assert str(caught.value) == "refused: 169.254.169.254 is a link-local address"
    strict = ClaimService(store, Settings())  # production policy: no test allowance
    with pytest.raises(FetchRefused, match="loopback"):
        strict.ingest_url("http://localhost:8080/article", "mod", A)
    assert drafts.list_drafts(OP, state=None) == []


def test_ingest_url_never_reads_a_local_file(service):
    with pytest.raises(InvalidInput, match="give an http or https URL"):
        service.ingest_url(str(GAZETTE), "mod", A)
    with pytest.raises(InvalidInput, match="is a URL, not a file"):
        service.ingest_file("http://example.com/", "mod", OP)


def test_a_fact_check_page_becomes_a_draft_from_its_claimreview(service):
    report = service.ingest_file(str(FACT_CHECK), "mod", OP)
    draft = report.drafts[0]
    assert draft.text == "Trump ordered Ukraine to bomb Moscow."
    assert draft.status is Status.MISLEADING
    assert draft.reason == "fact-check verdict “Missing context” by Checkpoint Desk"
    assert draft.claimant == "Viral social media posts"
    [source] = draft.sources
    assert source.role is SourceRole.FACT_CHECK
    assert str(source.url) == (
        "https://checkpointdesk.example/fact-check/trump-did-not-order-ukraine-to-bomb-moscow"
    )
    assert service.ingest_file(str(FACT_CHECK), "mod", OP).already_ingested


def test_metadata_of_the_wrong_shape_is_passed_over(service, tmp_path):
    """A text article's .json metadata with a number for its URL, a lone surrogate (which JSON
    allows and no database stores) for its author, and no list of page furniture."""
    seed = REPO / "seeds" / "articles"
    text = (seed / "newspoint-2025-07-can-you-hit-moscow.txt").read_text(encoding="utf-8")
    (tmp_path / "story.txt").write_text(text, encoding="utf-8")
    meta = '{"url": 9223372036854775808, "author": "A\\udcffB", "page_furniture": 5,'
    meta += ' "original": {"publisher": "Financial Times", "url": ["x"]}, "title": "\\ud800"}'
    (tmp_path / "story.json").write_text(meta, encoding="utf-8")
    report = service.ingest_file(str(tmp_path / "story.txt"), "mod", OP)
    assert report.drafts
    assert report.article.url is None
    assert report.article.title == "\ufffd"


# -- reviewing -------------------------------------------------------------------------------
def test_drafts_are_not_matched_until_approved(service, drafts):
    service.ingest_file(str(GAZETTE), "cli:mod", OP)
    text = "Did the mayor say the Harbor Street bridge will close for at least eight months?"
    assert service.check(text, Scope()).matches == []
    draft = draft_with(service, OP, BRIDGE)
    claim = service.approve_draft(draft.id, "cli:mod", OP)
    assert claim.status is Status.CONFIRMED
    assert claim.claimant == "Ellen Ortiz"
    assert claim.sources == draft.sources
    assert claim.explanation == draft.explanation
    [match] = service.check(text, Scope()).matches
    assert match.claim.id == claim.id
    actions = [(e.action, e.field, e.new) for e in service.store.history(claim.id, OP)]
    assert actions == [("create", None, None), ("from_draft", "draft", str(draft.id))]
    approved = drafts.get_draft(draft.id, OP)
    assert (approved.state, approved.claim_id, approved.decided_by) == (
        DraftState.APPROVED,
        claim.id,
        "cli:mod",
    )
    assert draft.id not in [d.id for d in drafts.list_drafts(OP)]


def test_a_draft_is_approved_once(service):
    service.ingest_file(str(GAZETTE), "mod", OP)
    draft = draft_with(service, OP, BRIDGE)
    service.approve_draft(draft.id, "mod", OP)
    with pytest.raises(Conflict, match=f"draft {draft.id} was already approved"):
        service.approve_draft(draft.id, "mod", OP)
    assert service.store.count_claims(OP) == 1


def test_rejected_drafts_stay_on_record_and_cannot_be_approved(service, drafts):
    service.ingest_file(str(GAZETTE), "mod", OP)
    draft = draft_with(service, OP, "$14.2 million")
    rejected = drafts.reject_draft(draft.id, "mod", OP, "budget figure is out of date")
    assert rejected.state is DraftState.REJECTED
    assert rejected.decision_note == "budget figure is out of date"
    with pytest.raises(Conflict, match="already rejected"):
        service.approve_draft(draft.id, "mod", OP)
    assert [d.id for d in drafts.list_drafts(OP, state=DraftState.REJECTED)] == [draft.id]
    assert service.store.count_claims(OP) == 0


def test_editing_a_draft_before_approving_it(service, drafts):
    service.ingest_file(str(GAZETTE), "mod", OP)
    draft = draft_with(service, OP, "Council member Raj Patel said")
    edited = drafts.edit_draft(
        draft.id,
        DraftChanges(
            text="Raj Patel said the closure adds 20 minutes to commutes", claimant="Raj Patel"
        ),
        "mod",
        OP,
    )
    assert edited.text == "Raj Patel said the closure adds 20 minutes to commutes"
    assert edited.version == draft.version + 1
    assert edited.status is Status.CONFIRMED  # untouched fields stay
    with pytest.raises(InvalidInput, match="nothing to change"):
        drafts.edit_draft(draft.id, DraftChanges(), "mod", OP)
    claim = service.approve_draft(draft.id, "mod", OP)
    assert claim.text == "Raj Patel said the closure adds 20 minutes to commutes"
    with pytest.raises(Conflict, match="already approved"):
        drafts.edit_draft(draft.id, DraftChanges(status=Status.FALSE), "mod", OP)


def test_unknown_draft_is_not_found(service):
    with pytest.raises(NotFound, match="no draft with id 999"):
        service.approve_draft(999, "mod", OP)


# -- guilds ----------------------------------------------------------------------------------
def test_a_guilds_drafts_are_its_own(service, server, drafts):
    server.routes["/a"] = page(AGGREGATOR.read_text())
    report = service.ingest_url(server.url("/a"), "discord:1", A)
    assert {d.guild_id for d in report.drafts} == {111}
    assert drafts.list_drafts(B) == []
    draft = report.drafts[0]
    with pytest.raises(NotFound):
        service.approve_draft(draft.id, "discord:2", B)
    with pytest.raises(NotFound):
        drafts.get_draft(draft.id, B)
    # Another guild ingesting the same article gets its own queue.
    assert not service.ingest_url(server.url("/a"), "discord:2", B).already_ingested
    claim = service.approve_draft(draft.id, "discord:1", A)
    assert claim.guild_id == 111
    assert service.store.get_claim(claim.id, A).id == claim.id
    with pytest.raises(NotFound):
        service.store.get_claim(claim.id, B)


def test_operator_drafts_are_global_and_only_the_operator_decides_them(service, store, drafts):
    service.ingest_file(str(GAZETTE), "cli:op", OP)
    draft = draft_with(service, OP, BRIDGE)
    assert drafts.list_drafts(A) == []
    with pytest.raises((NotFound, PermissionDenied)):
        service.approve_draft(draft.id, "discord:1", A)
    assert service.approve_draft(draft.id, "cli:op", OP).guild_id is None


# -- the CLI ---------------------------------------------------------------------------------
@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CLAIMBOT_"):
            monkeypatch.delenv(name)

    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = AppContext(config_path=None, db_url=str(tmp_path / "claims.db"))
        ctx.call_on_close(ctx.obj.close)

    root.add_command(ingest_command)
    root.add_command(drafts_group)

    def invoke(*args: str):
        return CliRunner().invoke(root, list(args), catch_exceptions=True)

    return invoke


def test_cli_ingest_list_approve(run):
    result = run("ingest", str(AGGREGATOR))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested “'Can you hit Moscow?' Trump asks Zelenskyy")
    assert "draft(s) to review" in result.output
    listed = run("drafts", "list")
    assert listed.exit_code == 0
    out = listed.output
    assert "proposed status: REPORTED — anonymous sourcing: two people briefed" in out
    assert 'quote: “"Volodymyr, can you hit Moscow?' in out
    assert "Financial Times (original reporting) no link recorded" in out
    assert "Newspoint (republication)" in out
    again = run("ingest", str(AGGREGATOR))
    assert "already ingested" in again.output
    assert "no new drafts" in again.output
    draft_id = next(
        line.split()[1].lstrip("#") for line in out.splitlines() if line.startswith("draft #")
    )
    approved = run("drafts", "approve", draft_id)
    assert approved.exit_code == 0, approved.output
    assert approved.output.startswith(f"approved draft #{draft_id} as claim ")


def test_cli_edit_and_reject(run):
    run("ingest", str(GAZETTE))
    drafts = json.loads(run("drafts", "list", "--json").output)
    first = drafts[0]["id"]
    edited = run(
        "drafts", "edit", str(first), "--status", "unverified", "--text", "Edited claim text"
    )
    assert edited.exit_code == 0, edited.output
    assert "proposed status: UNVERIFIED" in edited.output
    assert "Edited claim text" in edited.output
    rejected = run("drafts", "reject", str(first), "--note", "duplicate")
    assert rejected.output == f"rejected draft #{first}\n"
    shown = json.loads(run("drafts", "show", str(first), "--json").output)
    assert (shown["state"], shown["decision_note"]) == ("rejected", "duplicate")
    failed = run("drafts", "approve", str(first))
    assert failed.exit_code != 0
    assert isinstance(failed.exception, Conflict)
