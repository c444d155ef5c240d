"""Flags that resist brigading, through the real client: new accounts are told when they may
flag, a rush of flags is kept for moderators without moving the public count, and the queue
shows the rush and dismisses it as a group."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from tests.bot.conftest import Harness
from tests.fakediscord import payloads
from verifiers.domain.models import FlagState, HoldReason, Scope, Status, utcnow

TOWER = "The Eiffel Tower was completed in 1889 for the World's Fair"
REASON = "Why is this claim disputed?"
MOD = {"permissions": payloads.MODERATOR_PERMISSIONS}


def newcomer(h: Harness, name: str, *, account_days: float, member_days: float) -> dict[str, Any]:
    """A member whose Discord account and time in Alpha are this many days old."""
    now = utcnow()
    user = h.fake.add_user(name, created_at=now - timedelta(days=account_days))
    h.fake.join(h.alpha, user, now - timedelta(days=member_days))
    return user


async def public_count(h: Harness, text: str = TOWER) -> int:
    """The "N open flags" everyone sees beside the claim in a public answer."""
    reply = await h.fake.reply_of(await h.slash("check", {"text": text, "public": True}))
    assert not reply["flags"] & payloads.EPHEMERAL
    footer = reply["embeds"][0]["footer"]["text"]
    found = re.search(r"(\d+) open flags?", footer)
    assert found, footer
    return int(found[1])


async def flag(h: Harness, claim_id: str, user: dict[str, Any], **kwargs: Any) -> str:
    """What `/flag` answers `user`."""
    options = {"claim": claim_id, "reason": "This is wrong, everyone knows it"}
    return (await h.fake.reply_of(await h.slash("flag", options, user=user, **kwargs)))["content"]


def timestamp(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:f>"


async def test_brand_new_accounts_are_told_when_they_may_flag_and_nothing_moves(
    h: Harness,
) -> None:
    claim = h.add_claim(TOWER, Status.CONFIRMED)
    assert await public_count(h) == 0
    for n in range(50):
        user = newcomer(h, f"fresh{n}", account_days=0.5, member_days=0.5)
        line = await flag(h, claim.id, user)
        made = datetime.fromtimestamp(((int(user["id"]) >> 22) + 1_420_070_400_000) / 1000)
        assert line.startswith("Thanks for wanting to flag this.")
        assert "flagging needs a Discord account 7 days old and 3 days in this server" in line
        assert timestamp(made.astimezone() + timedelta(days=7)) in line  # when they may
    assert h.service.store.list_flags(Scope.guild(h.alpha.id), state=None) == []  # none recorded
    assert await public_count(h) == 0

    # Through the button and its form too; an old account that just joined is told the date
    # its membership comes of age.
    joined = utcnow() - timedelta(hours=2)
    carol = newcomer(h, "carol", account_days=900, member_days=2 / 24)
    reply = await h.fake.reply_of(await h.slash("check", {"text": TOWER}))
    click = await h.fake.click(reply, "Flag as disputed", user=carol, guild=h.alpha)
    line = (
        await h.fake.reply_of(
            await h.fake.submit_modal(click, {REASON: "It opened in 1890"}, guild=h.alpha)
        )
    )["content"]
    assert "flagging needs 3 days in this server: you can flag from <t:" in line
    eligible = int(re.search(r"<t:(\d+):f>", line)[1])  # type: ignore[index]
    assert abs(eligible - (joined + timedelta(days=3)).timestamp()) < 60

    # Moderators are not held to it, and their flag counts.
    new_mod = newcomer(h, "newmod", account_days=1, member_days=1)
    assert (await flag(h, claim.id, new_mod, **MOD)).startswith("Thanks: flag #")
    assert await public_count(h) == 1


async def test_fifty_new_accounts_flag_a_confirmed_claim_and_the_count_does_not_move(
    h: Harness,
) -> None:
    claim = h.add_claim(TOWER, Status.CONFIRMED, guild=h.alpha)
    h.service.store.save_settings(
        h.service.store.get_settings(h.alpha.id).model_copy(
            update={"modlog_channel_id": h.alpha.channel("modlog")}
        ),
        "test:setup",
    )
    for member in (h.alice, h.bob):  # members of long standing dispute it first
        assert (await flag(h, claim.id, member)).startswith("Thanks: flag #")
    assert await public_count(h) == 2

    # Fifty accounts old enough to flag, but made in the last month and joined days ago.
    brigade = [newcomer(h, f"acct{n}", account_days=8 + n % 20, member_days=4) for n in range(50)]
    for user in brigade:
        assert (await flag(h, claim.id, user)).startswith("Thanks: flag #")  # nothing lost
    scope = Scope.guild(h.alpha.id)
    flags = h.service.store.list_flags(scope, claim_id=claim.id, limit=100)
    assert len(flags) == 52
    assert all(f.state is FlagState.OPEN for f in flags)
    held = [f for f in flags if f.held]
    assert len(held) == 50
    assert all(HoldReason.NEW_ACCOUNT in f.held for f in held)
    assert sum(HoldReason.BURST in f.held for f in held) == 50 - 3  # past 5 an hour
    assert await public_count(h) == 2  # the public count did not move

    # The moderator's queue shows the burst and who it came from.
    queue = await h.fake.reply_of(await h.as_mod("flags"))
    note = queue["content"]
    assert note.startswith("52 open flags; showing 1–4.")
    assert f"⚠ Claim `{claim.id}` (Confirmed: {TOWER[:20]}" in note
    assert re.search(
        r"52 open disputes, 52 of them in [\w ]+ \(a burst: more than 5 in an hour\)", note
    )
    assert "50 from accounts under 30 days old, 50 from members in the server under 7 days" in note
    assert "2 counted publicly, 50 held" in note
    first_held = next(e for e in queue["embeds"] if "Not counted publicly" in str(e))
    fields = {f["name"]: f["value"] for f in first_held["fields"]}
    assert fields["When flagging"] == "account 8 days old · in the server 4 days"
    assert fields["Not counted publicly"] == "new account, new member"

    # One press dismisses them as a group, with one note each of them reads.
    click = await h.fake.click(
        queue, f"Dismiss 50 held · {claim.id}", user=h.mod, guild=h.alpha, **MOD
    )
    assert (await h.fake.modal_of(click))["title"] == "Dismiss held flags as a group"
    done = await h.fake.reply_of(
        await h.fake.submit_modal(
            click, {"Note for the record": "A coordinated rush; see #rules"}, guild=h.alpha, **MOD
        )
    )
    assert done["content"] == (
        f"50 held flags on claim `{claim.id}` dismissed as a group; the claim stays Confirmed."
        " 50 flaggers will be told by DM."
    )
    left = h.service.store.list_flags(scope, claim_id=claim.id)
    assert sorted(f.user_id for f in left) == sorted(f"discord:{m['id']}" for m in (h.alice, h.bob))
    gone = h.service.store.list_flags(scope, state=FlagState.DISMISSED, limit=100)
    assert len(gone) == 50
    assert all(f.group_dismissed for f in gone)
    [modlog] = await h.posts_in(h.alpha.channel("modlog"))
    assert modlog.body["embeds"][0]["author"]["name"] == "50 held flags dismissed as a group"
    [dm] = await h.dms_to(brigade[0])
    assert "was dismissed" in dm.body["content"]
    assert "A coordinated rush" in dm.body["content"]
    after = await h.fake.reply_of(await h.as_mod("flags"))
    assert "⚠" not in after["content"]
    assert len(after["embeds"]) == 2
    assert await public_count(h) == 2

    # Flagging again after a group dismissal is kept for moderators, not counted.
    assert (await flag(h, claim.id, brigade[0])).startswith("Thanks: flag #")
    [again] = h.service.store.list_flags(
        scope, claim_id=claim.id, user_id=f"discord:{brigade[0]['id']}"
    )
    assert HoldReason.DISMISSED_BEFORE in again.held
    assert await public_count(h) == 2


async def test_established_members_past_the_rate_are_kept_but_not_counted(h: Harness) -> None:
    claim = h.add_claim(TOWER, Status.CONFIRMED)
    members = [h.fake.add_user(f"regular{n}") for n in range(8)]  # accounts from 2024
    for member in members:
        assert (await flag(h, claim.id, member)).startswith("Thanks: flag #")
    assert await public_count(h) == 5  # at most 5 new flags an hour count publicly
    flags = h.service.store.list_flags(Scope.guild(h.alpha.id), claim_id=claim.id)
    assert [f.held for f in flags] == [[]] * 5 + [[HoldReason.BURST]] * 3
    queue = await h.fake.reply_of(await h.as_mod("flags"))
    assert "8 open disputes, 8 of them in" in queue["content"]
    assert "5 counted publicly, 3 held" in queue["content"]
    assert "accounts under" not in queue["content"]  # none of them new
    buttons = [c["label"] for row in queue["components"] for c in row["components"]]
    assert buttons[-3:] == ["◀ Previous", "Next ▶", f"Dismiss 3 held · {claim.id}"]


async def test_in_a_dm_only_the_account_age_applies(h: Harness) -> None:
    claim = h.add_claim(TOWER, Status.CONFIRMED)
    fresh = h.fake.add_user("dmfresh", created_at=utcnow() - timedelta(days=1))
    line = await flag(h, claim.id, fresh, guild=None, channel=None)
    assert "flagging needs a Discord account 7 days old: you can flag from <t:" in line
    settled = h.fake.add_user("dmsettled", created_at=utcnow() - timedelta(days=10))
    assert (await flag(h, claim.id, settled, guild=None, channel=None)).startswith("Thanks")
    [held] = h.service.store.list_flags(Scope(), claim_id=claim.id)
    assert held.held == [HoldReason.NEW_ACCOUNT]
    assert held.member_joined_at is None
