"""Flags through the real client: the reply buttons, /flag, /unflag, and the review queue."""

from __future__ import annotations

from bot.cogs.flags.review import KEEP_STATUS
from tests.bot.conftest import Harness
from tests.fakediscord import FakeInteraction, payloads
from verifiers.domain.models import ClaimFields, FlagKind, FlagState, Scope, Status
from verifiers.notifications import DeliveryState

EIFFEL = "The Eiffel Tower was sold for scrap metal in 1925"
REASON = "Why is this claim disputed?"
EVIDENCE = "Evidence link (optional)"


async def _checked(h: Harness, text: str = EIFFEL) -> dict:
    return await h.fake.reply_of(await h.slash("check", {"text": text}))


def _flag_id(entry: dict) -> int:
    """The flag's number, from a queue entry titled "Flag #<id> ..."."""
    return int(entry["title"].split("#")[1].split()[0])


async def _press_as_mod(h: Harness, queue: dict, label: str) -> FakeInteraction:
    return await h.fake.click(
        queue, label, user=h.mod, guild=h.alpha, permissions=payloads.MODERATOR_PERMISSIONS
    )


async def _submit_as_mod(h: Harness, click: FakeInteraction, values: dict[str, str]) -> dict:
    """The reply to the resolve modal the moderator's `click` opened, filled with `values`."""
    return await h.fake.reply_of(
        await h.fake.submit_modal(
            click, values, guild=h.alpha, permissions=payloads.MODERATOR_PERMISSIONS
        )
    )


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
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
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
    assert len(h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)) == 1


async def test_not_the_same_claim_records_a_false_match_with_the_text(h: Harness) -> None:
    claim = h.add_claim(EIFFEL)
    reply = await _checked(h, f"grandpa swears {EIFFEL}")
    click = await h.fake.click(reply, "Not the same claim", user=h.bob, guild=h.alpha)
    assert "moderators will review" in (await h.fake.reply_of(click))["content"]
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
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
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), state=None, claim_id=claim.id)
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
    flag_id = _flag_id(entry)

    refused = await h.fake.click(queue, f"Uphold #{flag_id}", user=h.bob, guild=h.alpha)
    assert "Manage Messages" in (await h.fake.reply_of(refused))["content"]

    click = await _press_as_mod(h, queue, f"Uphold #{flag_id}")
    done = await _submit_as_mod(
        h,
        click,
        {
            "Note for the record": "Confirmed conflict",
            "New status for the claim": Status.DISPUTED.value,
        },
    )
    assert done["content"] == (
        f"Flag #{flag_id} upheld; the claim is Disputed. 1 flagger will be told by DM."
    )
    assert h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.DISPUTED

    [modlog] = await h.posts_in(h.alpha.channel("modlog"))
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
    flag_id = _flag_id(queue["embeds"][0])
    click = await _press_as_mod(h, queue, f"Dismiss #{flag_id}")
    modal = await h.fake.modal_of(click)
    assert [c["label"] for c in modal["components"]] == ["Note for the record"]
    done = await _submit_as_mod(h, click, {"Note for the record": "No evidence given"})
    assert done["content"] == (
        f"Flag #{flag_id} dismissed; the claim is False. 1 flagger will be told by DM."
    )
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), state=None, claim_id=claim.id)
    assert flag.state is FlagState.DISMISSED
    assert flag.resolution_note == "No evidence given"
    [failed] = await h.fake.wait_until(
        lambda: h.service.store.list_notifications(state=DeliveryState.FAILED), what="a failed DM"
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
    flag_id = _flag_id(queue["embeds"][0])
    click = await _press_as_mod(h, queue, f"Uphold #{flag_id}")
    await _submit_as_mod(
        h, click, {"Note for the record": "Wrong match", "New status for the claim": KEEP_STATUS}
    )
    assert h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.FALSE


def compact(h: Harness) -> None:
    settings = h.service.store.get_settings(h.alpha.id)
    h.service.store.save_settings(settings.model_copy(update={"reply_style": "compact"}), "test")


async def test_not_the_same_claim_keeps_the_text_with_the_compact_style(h: Harness) -> None:
    claim = h.add_claim(EIFFEL)
    compact(h)
    said = f"my uncle read that {EIFFEL}"
    reply = await _checked(h, said)
    assert reply["embeds"][0].get("fields", []) == []  # nothing to read the text back from
    click = await h.fake.click(reply, "Not the same claim", user=h.bob, guild=h.alpha)
    await h.fake.reply_of(click)
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
    assert flag.message_text == said  # carried in the button itself

    # A long claim id leaves less room: the text is cut to fit Discord's 100 characters.
    fields = ClaimFields(text="The Statue of Liberty was a gift from Spain", status=Status.FALSE)
    long_id = "seed-statue-of-liberty-was-a-gift-from-spain-to-new-york-1886"
    h.store.add_claim(fields, "test:setup", claim_id=long_id)
    said = "The Statue of Liberty was a gift from Spain"
    reply = await _checked(h, said)
    buttons = [c for row in reply["components"] for c in row["components"]]
    [carried] = [b["custom_id"] for b in buttons if b["label"] == "Not the same claim"]
    assert len(carried) == 100
    assert carried.endswith("…")
    await h.fake.reply_of(
        await h.fake.click(reply, "Not the same claim", user=h.alice, guild=h.alpha)
    )
    [cut] = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=long_id)
    assert cut.message_text == carried.split("|", 1)[1]
    assert said.startswith(cut.message_text[:-1])


async def test_not_the_same_claim_under_a_compact_public_reply_rereads_the_message(
    h: Harness,
) -> None:
    claim = h.add_claim(EIFFEL)
    compact(h)
    said = f"Listen everyone: {EIFFEL}. My uncle, who knows towers, insists it is all true."
    message, _ = await h.say(h.alpha, "general", h.alice, said, mention_bot=True)
    [reply] = h.replies_to(message)
    click = await h.fake.click(reply, "Not the same claim", user=h.bob, guild=h.alpha)
    await h.fake.reply_of(click)
    [flag] = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
    assert flag.message_text == said  # the whole message, without the bot's mention


async def test_the_review_queue_pages_beyond_the_first_flags(h: Harness) -> None:
    claims = [h.add_claim(f"Claim number {n} about towers", guild=h.alpha) for n in range(10)]
    for claim in claims:
        h.service.flag(
            claim.id, user_id=f"discord:{h.alice['id']}", scope=Scope.guild(h.alpha.id),
            reason=f"doubt {claim.text}",
        )  # fmt: skip
    flags = h.service.store.list_flags(Scope.guild(h.alpha.id))
    queue = await h.fake.reply_of(await h.as_mod("flags"))
    mod = {"user": h.mod, "guild": h.alpha, "permissions": payloads.MODERATOR_PERMISSIONS}

    def page() -> tuple[str, list[int]]:
        current = h.fake.messages[int(queue["id"])]
        ids = [_flag_id(e) for e in current["embeds"]]
        return current["content"], ids

    assert page() == ("10 open flags; showing 1–4.", [f.id for f in flags[:4]])
    labels = [c["label"] for row in queue["components"] for c in row["components"]]
    assert labels[-2:] == ["◀ Previous", "Next ▶"]
    assert len(queue["components"]) == 5

    await h.fake.click(h.fake.messages[int(queue["id"])], "Next ▶", **mod)
    await h.fake.wait_until(lambda: page()[0] == "10 open flags; showing 5–8.", what="page 2")
    await h.fake.click(h.fake.messages[int(queue["id"])], "Next ▶", **mod)
    await h.fake.wait_until(lambda: page()[0] == "10 open flags; showing 9–10.", what="page 3")
    assert page()[1] == [f.id for f in flags[8:]]
    last = h.fake.messages[int(queue["id"])]
    next_button = [c for row in last["components"] for c in row["components"]][-1]
    assert next_button["label"] == "Next ▶"
    assert next_button["disabled"]

    click = await h.fake.click(last, f"Uphold #{flags[9].id}", **mod)  # from a later page
    assert (await h.fake.modal_of(click))["title"] == f"Uphold flag #{flags[9].id}"
    await h.fake.click(last, "◀ Previous", **mod)
    await h.fake.wait_until(lambda: page()[0] == "10 open flags; showing 5–8.", what="back")

    refused = await h.fake.click(h.fake.messages[int(queue["id"])], "◀ Previous", user=h.bob,
                                 guild=h.alpha)  # fmt: skip
    assert "Manage Messages" in (await h.fake.reply_of(refused))["content"]
