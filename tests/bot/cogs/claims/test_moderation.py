"""Moderators through the real client: /claim ..., settings, refusals, the mod-log."""

from __future__ import annotations

from tests.bot.conftest import MOD_ROLE, Harness
from tests.fakediscord import payloads
from verifiers.domain.models import Scope, Status

MOD = payloads.MODERATOR_PERMISSIONS
SHARK = "A shark was found swimming in the Zurich main train station"
ADD_FIELDS = ["Claim", "Why this status", "Source URL", "Publisher", "Supporting quote"]


async def _modlog_on(h: Harness) -> int:
    channel = h.alpha.channel("modlog")
    ix = await h.slash(
        "claimbot settings",
        {"modlog_channel": channel},
        user=h.mod,
        permissions=payloads.ADMIN_PERMISSIONS,
    )
    await h.fake.reply_of(ix)
    return channel


async def test_claim_add_through_the_modal_belongs_to_this_server(h: Harness) -> None:
    modlog = await _modlog_on(h)
    opened = await h.as_mod("claim add", {"status": "false", "source_date": "2024-04-01"})
    modal = await h.fake.modal_of(opened)
    assert [c["label"] for c in modal["components"]] == ADD_FIELDS
    done = await h.fake.reply_of(
        await h.fake.submit_modal(
            opened,
            {
                "Claim": SHARK,
                "Why this status": "An April fool's joke by the railway.",
                "Source URL": "https://rail.example/april",
                "Publisher": "Rail News",
                "Supporting quote": "Happy April 1st!",
            },
            guild=h.alpha,
            permissions=MOD,
        )
    )
    assert done["flags"] & payloads.EPHEMERAL
    assert done["embeds"][0]["author"]["name"] == "Claim added"
    [claim] = h.service.store.list_claims(Scope.guild(h.alpha.id), contains="Zurich")
    assert claim.guild_id == h.alpha.id
    assert claim.status is Status.FALSE
    assert claim.created_by == f"discord:{h.mod['id']}"
    [source] = claim.sources
    assert (str(source.url), source.publisher, source.quote) == (
        "https://rail.example/april",
        "Rail News",
        "Happy April 1st!",
    )
    assert source.published.isoformat() == "2024-04-01"

    [posted] = await h.posts_in(modlog)
    assert posted.body["embeds"][0]["author"]["name"] == "Claim added"
    assert f"<@{h.mod['id']}>" in str(posted.body["embeds"][0]["fields"])

    check = await h.fake.reply_of(await h.slash("check", {"text": SHARK}))
    assert SHARK in check["embeds"][0]["description"]


async def test_claim_add_rejects_a_bad_date_before_the_modal(h: Harness) -> None:
    ix = await h.as_mod("claim add", {"status": "false", "source_date": "April 1st"})
    reply = await h.fake.reply_of(ix)
    assert reply["content"] == "invalid date 'April 1st': use YYYY-MM-DD"
    assert ix.modal is None


async def test_claim_add_reports_an_invalid_source_url_in_one_line(h: Harness) -> None:
    opened = await h.as_mod("claim add", {"status": "false"})
    reply = await h.fake.reply_of(
        await h.fake.submit_modal(
            opened, {"Claim": SHARK, "Source URL": "not a link"}, guild=h.alpha, permissions=MOD
        )
    )
    assert reply["content"].startswith("invalid url")
    assert h.service.store.list_claims(Scope.guild(h.alpha.id), contains="Zurich") == []


async def test_claim_edit_through_a_prefilled_modal(h: Harness) -> None:
    claim = h.add_claim(SHARK, Status.FALSE, guild=h.alpha, explanation="A joke.")
    opened = await h.as_mod("claim edit", {"claim": claim.id})
    modal = await h.fake.modal_of(opened)
    prefilled = {c["label"]: c["component"].get("value") for c in modal["components"]}
    assert prefilled["Claim"] == SHARK
    assert prefilled["Why this status"] == "A joke."
    done = await h.fake.reply_of(
        await h.fake.submit_modal(
            opened,
            {
                "Claim": SHARK + " on April 1st",
                "Why this status": "A railway joke.",
                "Claimant": "Swiss railways",
            },
            guild=h.alpha,
            permissions=MOD,
        )
    )
    assert done["embeds"][0]["author"]["name"] == "Claim edited"
    edited = h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id))
    assert edited.text.endswith("on April 1st")
    assert edited.claimant == "Swiss railways"
    assert edited.version == claim.version + 1


async def test_claim_edit_refuses_to_overwrite_a_change_made_meanwhile(h: Harness) -> None:
    claim = h.add_claim(SHARK, Status.FALSE, guild=h.alpha)
    opened = await h.as_mod("claim edit", {"claim": claim.id})
    await h.fake.modal_of(opened)
    await h.fake.reply_of(await h.as_mod("claim status", {"claim": claim.id, "status": "disputed"}))
    reply = await h.fake.reply_of(
        await h.fake.submit_modal(opened, {"Claim": "Overwritten"}, guild=h.alpha, permissions=MOD)
    )
    assert "was changed meanwhile" in reply["content"]
    assert h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).text == SHARK


async def test_status_source_retire_show_and_history(h: Harness) -> None:
    claim = h.add_claim(SHARK, Status.UNVERIFIED, guild=h.alpha)
    await h.fake.reply_of(await h.slash("flag", {"claim": claim.id, "reason": "it is a joke"}))

    status = await h.fake.reply_of(
        await h.as_mod(
            "claim status",
            {"claim": claim.id, "status": "false", "explanation": "Railway's April joke"},
        )
    )
    assert status["embeds"][0]["title"].startswith("FALSE")
    assert status["content"] == "1 flagger will be told by DM."
    [dm] = await h.dms_to(h.alice)  # the flagger hears of it, through the outbox
    assert "changed from Unverified to False" in dm.body["content"]
    assert "Railway's April joke" in dm.body["content"]

    added = await h.fake.reply_of(
        await h.as_mod(
            "claim source add",
            {
                "claim": claim.id,
                "url": "https://fact.example/x",
                "date": "2024-04-02",
                "role": "fact_check",
            },
        )
    )
    assert added["embeds"][0]["author"]["name"] == "Source added"
    sources = h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).sources
    assert sources[-1].publisher == "fact.example"  # defaults to the link's site

    shown = await h.fake.reply_of(await h.as_mod("claim show", {"claim": claim.id}))
    assert SHARK in shown["embeds"][0]["description"]
    assert [c["label"] for row in shown["components"] for c in row["components"]] == ["Sources"]

    history = await h.fake.reply_of(await h.as_mod("claim history", {"claim": claim.id}))
    assert (
        f"**update** status: unverified → false — <@{h.mod['id']}>"
        in (history["embeds"][0]["description"])
    )

    retired = await h.fake.reply_of(
        await h.as_mod("claim retire", {"claim": claim.id, "reason": "duplicate"})
    )
    assert retired["embeds"][0]["author"]["name"] == "Claim retired"
    check = await h.fake.reply_of(await h.slash("check", {"text": SHARK}))
    assert check["embeds"] == []


async def test_non_moderator_is_refused_in_code(h: Harness) -> None:
    claim = h.add_claim(SHARK, Status.FALSE, guild=h.alpha)
    # Server admins can override default permissions, so Discord may deliver the command.
    for command, options in (
        ("claim status", {"claim": claim.id, "status": "confirmed"}),
        ("claim add", {"status": "confirmed"}),
        ("flags", None),
        ("claimbot listen", {"state": "on"}),
    ):
        ix = await h.slash(command, options, user=h.bob)
        reply = await h.fake.reply_of(ix)
        assert reply["content"] == (
            "You need the Manage Messages permission or this server's moderator role."
        ), command
        assert reply["flags"] & payloads.EPHEMERAL
        assert ix.modal is None
    assert h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.FALSE


async def test_moderator_role_grants_moderation(h: Harness) -> None:
    claim = h.add_claim(SHARK, Status.FALSE, guild=h.alpha)
    role = h.alpha.roles[MOD_ROLE]
    await h.fake.reply_of(
        await h.slash(
            "claimbot settings",
            {"moderator_role": role},
            user=h.mod,
            permissions=payloads.ADMIN_PERMISSIONS,
        )
    )
    ix = await h.slash(
        "claim status", {"claim": claim.id, "status": "misleading"}, user=h.bob, roles=[MOD_ROLE]
    )
    assert (await h.fake.reply_of(ix))["embeds"][0]["title"].startswith("MISLEADING")


async def test_settings_need_manage_server(h: Harness) -> None:
    ix = await h.as_mod("claimbot settings", {"reply_style": "compact"})
    reply = await h.fake.reply_of(ix)
    assert (
        reply["content"] == "You need the Manage Server permission to change claimbot's settings."
    )
    assert h.service.store.get_settings(h.alpha.id).reply_style == "embed"


async def test_moderator_commands_are_refused_in_dms(h: Harness) -> None:
    ix = await h.slash("claim show", {"claim": "anything"}, guild=None, user=h.mod, permissions=MOD)
    assert (await h.fake.reply_of(ix))["content"] == "Moderator commands work only inside a server."


async def test_seeded_global_claims_cannot_be_changed_from_a_server(h: Harness) -> None:
    [seeded, *_] = h.service.store.list_claims(Scope(), limit=1)
    ix = await h.as_mod("claim status", {"claim": seeded.id, "status": "false"})
    reply = await h.fake.reply_of(ix)
    assert reply["flags"] & payloads.EPHEMERAL
    assert reply["content"].endswith("is global: only the bot operator can change it")
    assert h.service.store.get_claim(seeded.id, Scope()).status is seeded.status


async def test_status_and_owner_only_sync(h: Harness) -> None:
    status = await h.fake.reply_of(await h.as_mod("claimbot status"))
    text = status["embeds"][0]["description"]
    assert "**Claims visible here** " in text
    assert "**Message content intent** on" in text
    puts = len(h.fake.requests_to("PUT", rf"/applications/{h.fake.app_id}/commands"))

    refused = await h.fake.reply_of(await h.as_mod("claimbot sync"))
    assert refused["content"] == "Only the bot's owner can do this."
    synced = await h.fake.reply_of(await h.slash("claimbot sync", user=h.fake.owner))
    assert synced["content"].startswith("Synced 8 commands globally")
    assert len(h.fake.requests_to("PUT", rf"/applications/{h.fake.app_id}/commands")) == puts + 1


async def test_compact_reply_style_applies_to_this_server_only(h: Harness) -> None:
    h.add_claim(SHARK, Status.FALSE)  # global: matched in both servers
    shown = await h.fake.reply_of(
        await h.slash(
            "claimbot settings",
            {"reply_style": "compact"},
            user=h.mod,
            permissions=payloads.ADMIN_PERMISSIONS,
        )
    )
    assert {"name": "Reply style", "value": "compact", "inline": True} in shown["embeds"][0][
        "fields"
    ]
    compact = await h.fake.reply_of(await h.slash("check", {"text": SHARK}))
    assert compact["embeds"][0].get("fields", []) == []
    full = await h.fake.reply_of(await h.slash("check", {"text": SHARK}, guild=h.beta))
    assert "Sources" in [f["name"] for f in full["embeds"][0]["fields"]]
