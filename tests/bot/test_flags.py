"""Flags through the real client: the reply buttons, /flag, /unflag, and the review queue."""

from __future__ import annotations

from bot.cogs.flags.review import KEEP_STATUS
from tests.bot.conftest import Harness
from tests.fakediscord import payloads
from verifiers.models import FlagKind, FlagState, Status
from verifiers.notifications import DeliveryState
from verifiers.store.base import Scope

EIFFEL = "The Eiffel Tower was sold for scrap metal in 1925"
REASON = "Why is this claim disputed?"
EVIDENCE = "Evidence link (optional)"


async def _checked(h: Harness, text: str = EIFFEL) -> dict:
    return await h.fake.reply_of(await h.slash("check", {"text": text}))


async def test_flag_button_opens_a_modal_and_records_the_flag(h: Harness) -> None:
    claim = h.add_claim(EIFFEL)
    reply = await _checked(h)
    click = await h.fake.click(reply, "Flag as disputed", user=h.alice, guild=h.alpha)
    assert (await h.fake.modal_of(click))["title"] == "Flag as disputed"

    submitted = await h.fake.submit_modal(
        click,
        {REASON: "It was a con man's scam", EVIDENCE: "https://history.example/lustig"},
        guild=h.alpha,
    )
    thanks = await h.fake.reply_of(submitted)
    assert thanks["flags"] & payloads.EPHEMERAL
    [flag] = h.service.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
    assert thanks["content"].startswith(f"Thanks: flag #{flag.id}")
    assert flag.user_id == f"discord:{h.alice['id']}"
    assert flag.reason == "It was a con man's scam"
    assert str(flag.evidence_url) == "https://history.example/lustig"

    again = await h.fake.click(reply, "Flag as disputed", user=h.alice, guild=h.alpha)
    refused = await h.fake.reply_of(
        await h.fake.submit_modal(again, {REASON: "still wrong"}, guild=h.alpha)
    )
    assert refused["flags"] & payloads.EPHEMERAL
    assert refused["content"] == f"you already have an open dispute on claim {claim.id}"
    assert len(h.service.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)) == 1


async def test_not_the_same_claim_records_a_false_match_with_the_text(h: Harness) -> None:
    claim = h.add_claim(EIFFEL)
    reply = await _checked(h, f"grandpa swears {EIFFEL}")
    click = await h.fake.click(reply, "Not the same claim", user=h.bob, guild=h.alpha)
    assert "moderators will review" in (await h.fake.reply_of(click))["content"]
    [flag] = h.service.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
    assert flag.kind is FlagKind.FALSE_MATCH
    assert flag.message_text.startswith("grandpa swears")


async def test_flag_command_with_autocomplete_and_unflag(h: Harness) -> None:
    claim = h.add_claim(EIFFEL)
    choices = await h.fake.autocomplete(
        "flag", {"claim": "Eiffel"}, "claim", guild=h.alpha, user=h.alice
    )
    assert {"name": f"[False] {EIFFEL}", "value": claim.id} in choices

    flagged = await h.fake.reply_of(
        await h.slash("flag", {"claim": claim.id, "reason": "it never happened like that"})
    )
    assert flagged["content"].startswith("Thanks: flag #")

    mine = await h.fake.autocomplete("unflag", {"flag": ""}, "flag", guild=h.alpha, user=h.alice)
    [choice] = mine
    assert (
        await h.fake.autocomplete("unflag", {"flag": ""}, "flag", guild=h.alpha, user=h.bob) == []
    )

    stolen = await h.fake.reply_of(await h.slash("unflag", {"flag": choice["value"]}, user=h.bob))
    assert (
        stolen["content"] == f"only the person who raised flag #{choice['value']} can withdraw it"
    )
    done = await h.fake.reply_of(await h.slash("unflag", {"flag": choice["value"]}))
    assert done["content"] == f"Flag #{choice['value']} withdrawn."
    [flag] = h.service.list_flags(Scope.guild(h.alpha.id), state=None, claim_id=claim.id)
    assert flag.state is FlagState.WITHDRAWN


async def test_review_queue_uphold_changes_status_tells_flagger_and_mod_log(h: Harness) -> None:
    claim = h.add_claim(EIFFEL, Status.UNVERIFIED, guild=h.alpha)
    await h.fake.reply_of(
        await h.slash("flag", {"claim": claim.id, "reason": "two papers disagree"})
    )
    settings = await h.fake.reply_of(
        await h.slash(
            "claimbot settings",
            {"modlog_channel": h.alpha.channel("modlog")},
            user=h.mod,
            permissions=payloads.ADMIN_PERMISSIONS,
        )
    )
    assert f"<#{h.alpha.channel('modlog')}>" in str(settings["embeds"])

    queue = await h.fake.reply_of(await h.as_mod("flags"))
    assert queue["flags"] & payloads.EPHEMERAL
    [entry] = queue["embeds"]
    fields = {f["name"]: f["value"] for f in entry["fields"]}
    assert fields["Flagged by"] == f"<@{h.alice['id']}>"  # moderators see who flagged
    assert fields["Reason"] == "two papers disagree"
    flag_id = int(entry["title"].split("#")[1].split()[0])

    refused = await h.fake.click(queue, f"Uphold #{flag_id}", user=h.bob, guild=h.alpha)
    assert "Manage Messages" in (await h.fake.reply_of(refused))["content"]

    click = await h.fake.click(
        queue,
        f"Uphold #{flag_id}",
        user=h.mod,
        guild=h.alpha,
        permissions=payloads.MODERATOR_PERMISSIONS,
    )
    done = await h.fake.reply_of(
        await h.fake.submit_modal(
            click,
            {
                "Note for the record": "Confirmed conflict",
                "New status for the claim": Status.DISPUTED.value,
            },
            guild=h.alpha,
            permissions=payloads.MODERATOR_PERMISSIONS,
        )
    )
    assert done["content"] == (
        f"Flag #{flag_id} upheld; the claim is Disputed. 1 flagger will be told by DM."
    )
    assert h.service.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.DISPUTED

    [modlog] = h.fake.messages_in(h.alpha.channel("modlog"))
    assert modlog.body["embeds"][0]["author"]["name"] == f"Flag #{flag_id} upheld"
    [dm] = await h.dms_to(h.alice)
    assert dm.body["content"].startswith("**claimbot** · Alpha\n")  # which server it is about
    assert f"Your flag #{flag_id} was upheld" in dm.body["content"]
    assert "Confirmed conflict" in dm.body["content"]


async def test_dismiss_keeps_the_status_and_a_failed_dm_is_recorded(h: Harness) -> None:
    claim = h.add_claim(EIFFEL, Status.FALSE, guild=h.alpha)
    await h.fake.reply_of(await h.slash("flag", {"claim": claim.id, "reason": "I disagree"}))
    del h.fake.users[int(h.alice["id"])]  # the flagger left Discord: the DM cannot be sent
    queue = await h.fake.reply_of(await h.as_mod("flags"))
    flag_id = int(queue["embeds"][0]["title"].split("#")[1].split()[0])
    click = await h.fake.click(
        queue,
        f"Dismiss #{flag_id}",
        user=h.mod,
        guild=h.alpha,
        permissions=payloads.MODERATOR_PERMISSIONS,
    )
    modal = await h.fake.modal_of(click)
    assert [c["label"] for c in modal["components"]] == ["Note for the record"]
    done = await h.fake.reply_of(
        await h.fake.submit_modal(
            click,
            {"Note for the record": "No evidence given"},
            guild=h.alpha,
            permissions=payloads.MODERATOR_PERMISSIONS,
        )
    )
    assert done["content"] == (
        f"Flag #{flag_id} dismissed; the claim is False. 1 flagger will be told by DM."
    )
    [flag] = h.service.list_flags(Scope.guild(h.alpha.id), state=None, claim_id=claim.id)
    assert flag.state is FlagState.DISMISSED and flag.resolution_note == "No evidence given"
    [failed] = await h.fake.wait_until(
        lambda: h.service.list_notifications(state=DeliveryState.FAILED), what="a failed DM"
    )
    assert failed.error.startswith("unknown Discord user (Discord 404")


async def test_uphold_can_keep_the_status(h: Harness) -> None:
    claim = h.add_claim(EIFFEL, Status.FALSE, guild=h.alpha)
    reply = await _checked(h)
    await h.fake.reply_of(
        await h.fake.click(reply, "Not the same claim", user=h.bob, guild=h.alpha)
    )
    queue = await h.fake.reply_of(await h.as_mod("flags"))
    assert queue["embeds"][0]["title"].endswith("Not the same claim")
    flag_id = int(queue["embeds"][0]["title"].split("#")[1].split()[0])
    click = await h.fake.click(
        queue,
        f"Uphold #{flag_id}",
        user=h.mod,
        guild=h.alpha,
        permissions=payloads.MODERATOR_PERMISSIONS,
    )
    await h.fake.reply_of(
        await h.fake.submit_modal(
            click,
            {"Note for the record": "Wrong match", "New status for the claim": KEEP_STATUS},
            guild=h.alpha,
            permissions=payloads.MODERATOR_PERMISSIONS,
        )
    )
    assert h.service.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.FALSE
