"""Ingesting articles and reviewing drafts through the real client: `/claim ingest`, `/drafts`
and its Approve / Edit / Reject / paging buttons, the mod-log, and who sees which drafts.

Articles are served by a real HTTP server on 127.0.0.1; only these tests give the bot a fetch
policy that allows that address (`loopback_policy()`), as production never does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.bot.conftest import Harness, MakeHarness
from tests.fakediscord import payloads
from tests.paths import FIXTURES
from tests.support.local_server import LocalServer, loopback_policy, page
from verifiers.domain.models import DraftState, Scope
from verifiers.store.ports import draft_store

GAZETTE = FIXTURES / "articles" / "gazette-bridge-closure.html"
MOD = payloads.MODERATOR_PERMISSIONS
ADMIN = payloads.ADMIN_PERMISSIONS


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        srv.routes["/bridge"] = page(GAZETTE.read_text())
        yield srv


def with_modlog(h: Harness) -> int:
    channel = h.alpha.channel("modlog")
    settings = h.service.store.get_settings(h.alpha.id)
    h.service.store.save_settings(
        settings.model_copy(update={"modlog_channel_id": channel}), "test"
    )
    return channel


def ingest_here(h: Harness, scope: Scope | None = None) -> list[Any]:
    return h.service.ingest_file(
        str(GAZETTE), "test:setup", scope or Scope.guild(h.alpha.id)
    ).drafts


def shown(message: dict[str, Any]) -> dict[str, Any]:
    [embed] = message["embeds"]
    return embed


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def press(h: Harness, message: dict[str, Any], label: str, **kwargs: Any) -> Any:
    kwargs.setdefault("user", h.mod)
    kwargs.setdefault("guild", h.alpha)
    kwargs.setdefault("permissions", MOD)
    return await h.fake.click(message, label, **kwargs)


async def edited(h: Harness, message: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Wait until the queue message, edited in place, reads `prefix...`."""
    await h.fake.wait_until(
        lambda: (h.fake.messages[int(message["id"])].get("content") or "").startswith(prefix),
        what=f"the queue message to read {prefix!r}",
    )
    return h.fake.messages[int(message["id"])]


async def test_ingest_then_approve_makes_the_claim_matchable_at_once(
    make_harness: MakeHarness, server: LocalServer
) -> None:
    h = await make_harness(fetch_policy=loopback_policy())
    modlog = with_modlog(h)
    report = await h.fake.reply_of(await h.as_mod("claim ingest", {"url": server.url("/bridge")}))
    assert report["flags"] & payloads.EPHEMERAL
    assert report["content"] == (
        "Proposed 10 draft(s) from “Harbor Street bridge to close for eight months, mayor says”"
        " (Riverton Gazette). None is matched until a moderator approves it."
    )
    queue = await h.fake.reply_of(await press(h, report, "Review drafts"))
    assert queue["flags"] & payloads.EPHEMERAL
    embed = shown(queue)
    first = draft_store(h.service.store).list_drafts(Scope.guild(h.alpha.id))[0]
    assert embed["author"]["name"] == f"Draft #{first.id} · 1 of 10 waiting"
    assert embed["title"].startswith("Proposed: CONFIRMED")
    assert "Mayor Ellen Ortiz said the Harbor Street bridge" in embed["description"]
    parts = fields(embed)
    assert parts["Why this status"] == "on the record: Ellen Ortiz said it"
    assert parts["Supporting quote"].startswith("> The Harbor Street bridge will close")
    assert parts["Supporting quote"].endswith("— Riverton Gazette")
    assert "Riverton Gazette" in parts["Sources"]
    assert "rivertongazette.example" in parts["Sources"]

    text = "the mayor said the Harbor Street bridge will close for at least eight months"
    before = await h.fake.reply_of(await h.slash("check", {"text": text}))
    assert before["content"] == "No claim in the database matches this."  # drafts never match

    refused = await press(h, queue, "Approve", user=h.bob, permissions=payloads.MEMBER_PERMISSIONS)
    assert "Manage Messages" in (await h.fake.reply_of(refused))["content"]
    await press(h, queue, "Approve")
    after = await edited(h, queue, "Approved")
    drafts = draft_store(h.service.store).list_drafts(Scope.guild(h.alpha.id), state=None)
    [approved] = [d for d in drafts if d.id == first.id]
    assert approved.state is DraftState.APPROVED
    assert approved.claim_id
    assert after["content"] == (
        f"Approved draft #{first.id}: it is now claim `{approved.claim_id}`, matched from now on."
    )
    assert shown(after)["author"]["name"].endswith("1 of 9 waiting")  # the next draft

    answer = await h.fake.reply_of(await h.slash("check", {"text": text}))
    assert answer["embeds"][0]["footer"]["text"].endswith(f"claim {approved.claim_id}")
    claim = h.service.store.get_claim(approved.claim_id, Scope.guild(h.alpha.id))
    assert claim.guild_id == h.alpha.id  # a server's draft becomes that server's claim

    [post] = await h.posts_in(modlog)
    assert post.body["embeds"][0]["author"]["name"] == f"Draft #{first.id} approved"


async def test_reingesting_says_so_and_a_refused_fetch_is_one_line(
    make_harness: MakeHarness, server: LocalServer
) -> None:
    h = await make_harness(fetch_policy=loopback_policy())
    await h.fake.reply_of(await h.as_mod("claim ingest", {"url": server.url("/bridge")}))
    again = await h.fake.reply_of(await h.as_mod("claim ingest", {"url": server.url("/bridge")}))
    assert again["content"].startswith("Already ingested: “Harbor Street bridge")
    assert (
        "has 10 draft(s), 10 still waiting for review. Nothing new was added." in again["content"]
    )

    for url, line in [
        ("file:///etc/passwd", "refused: only http and https URLs are fetched, not file:"),
        ("http://10.0.0.7/story", "refused: 10.0.0.7 is a private address"),
        (server.url("/missing"), None),
    ]:
        answer = await h.fake.reply_of(await h.as_mod("claim ingest", {"url": url}))
        assert answer["flags"] & payloads.EPHEMERAL
        assert "\n" not in answer["content"]
        if line is not None:
            assert answer["content"] == line
        else:
            assert "404" in answer["content"]
    assert not answer.get("components")

    refused = await h.fake.reply_of(await h.slash("claim ingest", {"url": server.url("/bridge")}))
    assert "Manage Messages" in refused["content"]  # members cannot ingest


async def test_the_default_policy_refuses_the_test_server(h: Harness, server: LocalServer) -> None:
    answer = await h.fake.reply_of(await h.as_mod("claim ingest", {"url": server.url("/bridge")}))
    assert answer["content"] == "refused: 127.0.0.1 is a loopback address"
    assert server.paths() == []  # refused before connecting


async def test_edit_page_and_reject_through_the_forms(h: Harness) -> None:
    modlog = with_modlog(h)
    drafts = ingest_here(h)
    queue = await h.fake.reply_of(await h.as_mod("drafts"))
    first, second = drafts[0], drafts[1]
    assert shown(queue)["author"]["name"] == f"Draft #{first.id} · 1 of 10 waiting"
    buttons = [c for row in queue["components"] for c in row["components"]]
    assert [(b["label"], b.get("disabled", False)) for b in buttons] == [
        ("Approve", False), ("Edit", False), ("Reject", False),
        ("◀ Previous", True), ("Next ▶", False),
    ]  # fmt: skip

    click = await press(h, queue, "Edit")
    form = await h.fake.modal_of(click)
    assert [c["label"] for c in form["components"]] == [
        "Claim", "Status", "Why this status", "Claimant"
    ]  # fmt: skip
    await h.fake.submit_modal(
        click,
        {"Claim": "Ellen Ortiz said the bridge closes in June", "Status": "disputed"},
        guild=h.alpha,
        permissions=MOD,
    )
    saved = await edited(h, queue, "Saved")
    assert saved["content"] == f"Saved draft #{first.id}."
    assert shown(saved)["title"].startswith("Proposed: DISPUTED")
    assert "closes in June" in shown(saved)["description"]
    changed = draft_store(h.service.store).get_draft(first.id, Scope.guild(h.alpha.id))
    assert changed.status.value == "disputed"
    assert changed.claimant == first.claimant

    await press(h, saved, "Next ▶")
    await h.fake.wait_until(
        lambda: shown(h.fake.messages[int(queue["id"])])["author"]["name"].startswith(
            f"Draft #{second.id} · 2 of 10"
        ),
        what="the second page",
    )
    await press(h, h.fake.messages[int(queue["id"])], "◀ Previous")
    await h.fake.wait_until(
        lambda: shown(h.fake.messages[int(queue["id"])])["author"]["name"].startswith(
            f"Draft #{first.id} · 1 of 10"
        ),
        what="the first page again",
    )

    click = await press(h, h.fake.messages[int(queue["id"])], "Reject")
    await h.fake.submit_modal(
        click, {"Why reject it? (kept on record)": "Duplicate of #2"}, guild=h.alpha,
        permissions=MOD,
    )  # fmt: skip
    rejected = await edited(h, queue, "Rejected")
    assert rejected["content"] == f"Rejected draft #{first.id}."
    assert shown(rejected)["author"]["name"] == f"Draft #{second.id} · 1 of 9 waiting"
    decided = draft_store(h.service.store).get_draft(first.id, Scope.guild(h.alpha.id))
    assert decided.state is DraftState.REJECTED
    assert decided.decision_note == "Duplicate of #2"
    [post] = await h.posts_in(modlog)
    assert post.body["embeds"][0]["author"]["name"] == f"Draft #{first.id} rejected"
    assert fields(post.body["embeds"][0])["Note"] == "Duplicate of #2"


async def test_an_old_queue_message_pages_from_its_draft_for_moderators_only(h: Harness) -> None:
    """◀ / ▶ carry the draft a page shows: a member is refused and the page stays; when every
    later draft was decided meanwhile, Next shows the last one still waiting, with nothing to
    page to either way."""
    first, *later = ingest_here(h)
    queue = await h.fake.reply_of(await h.as_mod("drafts"))
    refused = await press(h, queue, "Next ▶", user=h.bob, permissions=payloads.MEMBER_PERMISSIONS)
    assert "Manage Messages" in (await h.fake.reply_of(refused))["content"]
    assert shown(h.fake.messages[int(queue["id"])])["author"]["name"].startswith(
        f"Draft #{first.id} · 1 of 10"
    )

    for draft in later:
        draft_store(h.service.store).reject_draft(
            draft.id, "test:setup", Scope.guild(h.alpha.id), "duplicate"
        )
    await press(h, queue, "Next ▶")
    await h.fake.wait_until(
        lambda: (
            shown(h.fake.messages[int(queue["id"])])["author"]["name"]
            == f"Draft #{first.id} · 1 of 1 waiting"
        ),
        what="the one draft left",
    )
    buttons = [
        c for row in h.fake.messages[int(queue["id"])]["components"] for c in row["components"]
    ]
    assert [(b["label"], b.get("disabled", False)) for b in buttons][-2:] == [
        ("◀ Previous", True), ("Next ▶", True),
    ]  # fmt: skip


async def test_servers_see_only_their_drafts_and_only_the_owner_sees_global_ones(
    h: Harness,
) -> None:
    ingest_here(h, Scope.everything())  # the operator's drafts: they would become global claims
    [beta_first, *_] = ingest_here(h, Scope.guild(h.beta.id))

    empty = await h.fake.reply_of(await h.as_mod("drafts"))
    assert empty["content"] == "No drafts are waiting for review."
    assert not empty["embeds"]

    beta_queue = await h.fake.reply_of(await h.as_mod("drafts", guild=h.beta))
    assert shown(beta_queue)["author"]["name"] == f"Draft #{beta_first.id} · 1 of 10 waiting"
    forged = await press(h, beta_queue, "Approve")  # Beta's button pressed by Alpha's moderator
    assert (await h.fake.reply_of(forged))["content"] == f"no draft with id {beta_first.id}"
    assert (
        draft_store(h.service.store).get_draft(beta_first.id, Scope.guild(h.beta.id)).state
        is DraftState.PENDING
    )

    owner = await h.fake.reply_of(await h.slash("drafts", user=h.fake.owner, permissions=ADMIN))
    embed = shown(owner)
    assert embed["author"]["name"].endswith("1 of 10 waiting")
    assert "global (operator)" in embed["footer"]["text"]
    await press(h, owner, "Approve", user=h.fake.owner, permissions=ADMIN)
    after = await edited(h, owner, "Approved")
    claim_id = after["content"].split("`")[1]
    assert h.service.store.get_claim(claim_id, Scope()).guild_id is None  # global: seen everywhere


async def test_a_page_with_hostile_json_ld_is_read_as_an_article(
    make_harness: MakeHarness, server: LocalServer
) -> None:
    """JSON-LD nested thousands deep, or holding a number Python will not read, is skipped like
    a broken block: the page's text is still ingested, and the answer is never a crash."""
    deep = '{"@type": "ClaimReview", "itemReviewed": ' + "[" * 5000 + "]" * 5000 + "}"
    long = '{"@type": "NewsArticle", "wordCount": ' + "9" * 5000 + "}"
    blocks = "".join(f'<script type="application/ld+json">{b}</script>' for b in (deep, long))
    server.routes["/hostile"] = page(GAZETTE.read_text().replace("</head>", blocks + "</head>"))
    h = await make_harness(fetch_policy=loopback_policy())
    report = await h.fake.reply_of(await h.as_mod("claim ingest", {"url": server.url("/hostile")}))
    assert report["content"].startswith("Proposed 10 draft(s) from “Harbor Street bridge")
