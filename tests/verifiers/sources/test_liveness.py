"""Source liveness against real pages served on 127.0.0.1, results kept in a real SQLite file."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from claimbot.context import AppContext
from claimbot.ingest_cmd import sources_group
from tests.conftest import make_fields
from tests.support.local_server import LocalServer, drip, loopback_policy, page, send
from verifiers.domain.models import LinkState, Scope, Source
from verifiers.sources.fetch import FetchPolicy
from verifiers.sources.liveness import LIVENESS_CONTENT_TYPES, check_sources, quote_present
from verifiers.store.sqlite.store import SqliteStore

QUOTE = "The Harbor Street bridge will close for at least eight months"
ARTICLE = f"""<html><head><title>Bridge</title></head><body><article>
<h1>Harbor Street bridge to close</h1>
<p>{QUOTE} starting in June, Mayor Ellen Ortiz said on Monday.</p>
<p>The repairs will cost $14.2 million, according to a city budget document.</p>
<p>Council member Raj Patel said the closure would add 20 minutes to commutes.</p>
</article></body></html>"""
OP = Scope.everything()


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


def cite(store, url: str, quote: str = "", text: str = "A claim citing a page") -> str:
    source = Source(url=url, publisher="Riverton Gazette", quote=quote)
    return store.add_claim(make_fields(text, sources=[source]), "mod").id


def policy(**changes) -> FetchPolicy:
    return loopback_policy(content_types=LIVENESS_CONTENT_TYPES, **changes)


def run(store, **kwargs):
    return check_sources(store.iter_claims(OP), store, policy(**kwargs.pop("p", {})), **kwargs)


def test_a_live_page_with_its_quote_is_alive_and_its_text_becomes_the_baseline(store, server):
    server.routes["/bridge"] = page(ARTICLE)
    claim_id = cite(store, server.url("/bridge"), QUOTE)
    report = run(store)
    [check] = report.checks
    assert (check.state, check.http_status, check.detail) == (LinkState.ALIVE, 200, "")
    assert check.content_hash is not None
    assert check.baseline_at is not None
    assert report.claims_by_url == {server.url("/bridge"): [claim_id]}
    assert store.get_source_check(server.url("/bridge")) == check


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_error_status_is_dead(store, server, status):
    server.routes["/gone"] = lambda h: send(h, status, b"gone", "text/html")
    cite(store, server.url("/gone"))
    [check] = run(store).checks
    assert (check.state, check.http_status, check.detail) == (
        LinkState.DEAD,
        status,
        f"HTTP {status}",
    )


def test_a_refused_link_is_dead_and_never_fetched(store):
    cite(store, "http://169.254.169.254/latest/meta-data/")
    [check] = run(store).checks
    assert check.state is LinkState.DEAD
    assert check.detail == "refused: 169.254.169.254 is a link-local address"
    assert check.http_status is None


def test_a_link_that_times_out_is_unreachable_and_keeps_its_last_check(store, server):
    server.routes["/slow"] = page(ARTICLE)
    url = server.url("/slow")
    cite(store, url, QUOTE)
    assert run(store).checks[0].state is LinkState.ALIVE
    server.routes["/slow"] = drip(chunks=100, pause=0.05)
    [check] = run(store, p={"deadline": 0.5}).checks
    assert check.state is LinkState.UNREACHABLE
    assert check.detail.startswith("timed out")
    assert store.get_source_check(url).state is LinkState.ALIVE  # no answer judges nothing


def test_offline_marks_no_link_dead(tmp_path, monkeypatch):
    """With no network every lookup fails: the links are unreachable, never dead, and the
    command says the machine looks offline."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "claims.db"
    with SqliteStore(db) as store:
        cite(store, "https://news.example/a")
        cite(store, "https://news.example/b", text="Another claim citing a page")

    def no_dns(host: str, port: int) -> list[str]:
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr("verifiers.sources.fetch.system_resolver", no_dns)
    result = CliRunner().invoke(cli_root(tmp_path, db), ["sources", "check"])
    assert result.exit_code == 0, result.output
    assert "checked 2 link(s): 0 alive, 0 changed, 0 dead, 2 unreachable" in result.stdout
    assert "DEAD" not in result.stdout
    assert result.stderr.strip() == (
        "2 link(s) could not be reached (none answered: is this machine offline?);"
        " their last check is kept"
    )
    with SqliteStore(db) as store:
        assert store.list_source_checks() == []


def test_a_page_whose_quote_disappeared_is_changed(store, server):
    server.routes["/bridge"] = page(ARTICLE)
    cite(store, server.url("/bridge"), QUOTE)
    assert run(store).checks[0].state is LinkState.ALIVE
    server.routes["/bridge"] = page(ARTICLE.replace(QUOTE, "The bridge will stay open"))
    [check] = run(store).checks
    assert check.state is LinkState.CHANGED
    assert check.detail.startswith("quote no longer on the page: “The Harbor Street bridge")


def test_an_edited_page_is_changed_until_rebaselined(store, server):
    server.routes["/bridge"] = page(ARTICLE)
    cite(store, server.url("/bridge"), QUOTE)
    first = run(store).checks[0]
    server.routes["/bridge"] = page(ARTICLE.replace("$14.2 million", "$19 million"))
    changed = run(store).checks[0]
    assert changed.state is LinkState.CHANGED
    assert changed.detail == "the page's text changed since it was first checked"
    assert changed.content_hash == first.content_hash  # the baseline is kept
    assert run(store).checks[0].state is LinkState.CHANGED  # still changed on the next run
    accepted = run(store, rebaseline=True).checks[0]
    assert accepted.state is LinkState.ALIVE
    assert accepted.content_hash != first.content_hash


def test_typography_does_not_count_as_a_change():
    assert quote_present('He said "very quickly"', "he said “very  quickly” on Monday")
    assert quote_present("Putin’s refusal", "Putin's refusal to engage")
    assert not quote_present("the bridge will close", "the bridge will stay open forever")


def test_each_url_is_checked_once_and_results_are_listed_by_state(store, server):
    server.routes["/bridge"] = page(ARTICLE)
    a = cite(store, server.url("/bridge"), QUOTE, "First claim citing the bridge page")
    b = cite(store, server.url("/bridge"), "", "Second claim citing the bridge page")
    cite(store, server.url("/missing"), "", "Third claim citing a missing page")
    report = run(store)
    assert len(report.checks) == 2
    assert report.claims_by_url[server.url("/bridge")] == [a, b]
    assert server.paths().count("/bridge") == 1
    assert [c.url for c in store.list_source_checks(state=LinkState.DEAD)] == [
        server.url("/missing")
    ]
    assert (report.count(LinkState.ALIVE), report.count(LinkState.DEAD)) == (1, 1)


def test_sources_without_a_link_are_skipped(store):
    store.add_claim(
        make_fields("A paywalled claim", sources=[Source(publisher="Financial Times")]), "m"
    )
    assert run(store).checks == []


def cli_root(tmp_path, db) -> click.Group:
    """`claimbot sources` over `db`, without seeding."""
    config = tmp_path / "claimbot.toml"
    config.write_text("[database]\nseed_on_create = false\n")

    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = AppContext(config_path=config, db_url=str(db))
        ctx.call_on_close(ctx.obj.close)

    root.add_command(sources_group)
    return root


def test_cli_sources_check_reports_dead_links_and_uses_the_production_guard(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "claims.db"
    with SqliteStore(db) as store:
        claim_id = cite(store, "http://127.0.0.1:9/page")  # loopback: refused in production

    result = CliRunner().invoke(cli_root(tmp_path, db), ["sources", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "DEAD     http://127.0.0.1:9/page",
        "         refused: 127.0.0.1 is a loopback address",
        f"         cited by: {claim_id}",
        "checked 1 link(s): 0 alive, 0 changed, 1 dead",
    ]
    with SqliteStore(db) as store:
        assert store.get_source_check("http://127.0.0.1:9/page").state is LinkState.DEAD
