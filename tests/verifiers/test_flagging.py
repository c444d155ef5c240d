"""The rules against brigading, in the core: who may flag, which flags count publicly, and the
pattern of a claim's flags that moderators see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.domain.errors import NotYetEligible
from verifiers.domain.models import Flag, FlagKind, FlagState, HoldReason, Scope, utcnow
from verifiers.domain.settings import FlagSettings, Settings
from verifiers.flagging import Standing, age_holds, check_eligible, patterns
from verifiers.service import ClaimService
from verifiers.store import open_store

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
RULES = FlagSettings()  # 7 and 3 days to flag; 30 and 7 days to count; 5 an hour
A = Scope.guild(111)


def ago(days: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, minutes=minutes)


def test_the_defaults() -> None:
    assert (RULES.min_account_days, RULES.min_member_days) == (7, 3)
    assert (RULES.public_account_days, RULES.public_member_days) == (30, 7)
    assert RULES.rate == (5, timedelta(hours=1))


def test_a_new_account_is_told_when_it_may_flag() -> None:
    with pytest.raises(NotYetEligible) as info:
        check_eligible(Standing(ago(days=2), ago(days=200)), RULES, NOW)
    assert info.value.eligible_at == ago(days=2) + timedelta(days=7)
    assert info.value.needs == ["a Discord account 7 days old"]
    assert str(info.value) == (
        "Thanks for wanting to flag this: flagging needs a Discord account 7 days old, "
        "so you can flag from 2026-12-11 12:00 UTC."
    )


def test_a_new_member_is_told_when_they_may_flag() -> None:
    with pytest.raises(NotYetEligible) as info:
        check_eligible(Standing(ago(days=1), ago(days=1)), RULES, NOW)
    assert info.value.needs == ["a Discord account 7 days old", "3 days in this server"]
    assert info.value.eligible_at == ago(days=1) + timedelta(days=7)  # the later of the two
    with pytest.raises(NotYetEligible) as info:
        check_eligible(Standing(ago(days=400), ago(minutes=30)), RULES, NOW)
    assert info.value.needs == ["3 days in this server"]
    assert info.value.eligible_at == ago(minutes=30) + timedelta(days=3)


def test_who_passes_the_bar() -> None:
    check_eligible(Standing(ago(days=7), ago(days=3)), RULES, NOW)  # exactly at the bar
    check_eligible(Standing(ago(days=40), None), RULES, NOW)  # a DM: no server to have joined
    check_eligible(Standing(ago(minutes=1), ago(minutes=1), moderator=True), RULES, NOW)
    check_eligible(Standing(), RULES, NOW)  # nothing known: the adapter vouches


def test_new_accounts_and_members_are_held_from_the_public_count() -> None:
    assert age_holds(Standing(ago(days=10), ago(days=4)), RULES, NOW) == [
        HoldReason.NEW_ACCOUNT,
        HoldReason.NEW_MEMBER,
    ]
    assert age_holds(Standing(ago(days=300), ago(days=4)), RULES, NOW) == [HoldReason.NEW_MEMBER]
    assert age_holds(Standing(ago(days=30), ago(days=7)), RULES, NOW) == []
    assert age_holds(Standing(ago(days=1), ago(days=1), moderator=True), RULES, NOW) == []


def _flag(n: int, at: datetime, *, account_days: float, member_days: float, **kw: object) -> Flag:
    return Flag(
        id=n,
        claim_id=str(kw.pop("claim", "c1")),
        guild_id=111,
        user_id=f"u{n}",
        reason="no",
        created_at=at,
        account_created_at=at - timedelta(days=account_days),
        member_joined_at=at - timedelta(days=member_days),
        **kw,
    )


def test_the_pattern_moderators_see() -> None:
    old = [_flag(n, ago(days=3, minutes=n), account_days=900, member_days=200) for n in (1, 2)]
    burst = [
        _flag(10 + n, ago(minutes=20 - n), account_days=9 + n, member_days=4, held=["new_account"])
        for n in range(12)
    ]
    other = _flag(99, ago(minutes=5), account_days=1000, member_days=500, claim="c2")
    closed = _flag(50, ago(minutes=1), account_days=1, member_days=1, state=FlagState.DISMISSED)
    report = _flag(60, ago(minutes=1), account_days=1, member_days=1, kind=FlagKind.FALSE_MATCH)
    found = patterns([*old, *burst, other, closed, report], RULES)
    c1 = found["c1"]
    assert (c1.disputes, c1.counted, c1.held) == (14, 2, 12)
    assert (c1.new_accounts, c1.new_members) == (12, 12)
    assert (c1.burst, c1.burst_span) == (12, timedelta(minutes=11))
    assert c1.last_held_id == 21
    assert c1.suspicious
    c2 = found["c2"]
    assert (c2.disputes, c2.counted, c2.burst, c2.suspicious) == (1, 1, 1, False)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ClaimService]:
    with open_store(str(tmp_path / "claims.db"), seed=False) as store:
        yield ClaimService(store, Settings(flags=FlagSettings(burst_limit=2)))


def test_the_service_refuses_holds_and_counts(service: ClaimService) -> None:
    claim = service.add_claim(make_fields(), "op", Scope.everything())
    now = utcnow()

    def flag(user: str, account_days: float, member_days: float) -> Flag:
        standing = Standing(now - timedelta(days=account_days), now - timedelta(days=member_days))
        return service.flag(claim.id, user_id=user, scope=A, reason="no", standing=standing)

    with pytest.raises(NotYetEligible):
        flag("fresh", 1, 1)
    assert service.store.list_flags(A, state=None) == []  # refused: nothing stored
    assert flag("newish", 12, 5).held == [HoldReason.NEW_ACCOUNT, HoldReason.NEW_MEMBER]
    settled = flag("settled", 400, 100)
    assert settled.held == []
    assert settled.account_created_at is not None
    assert flag("third", 400, 100).held == [HoldReason.BURST]  # the third within the hour
    assert service.store.open_flag_counts([claim.id], A) == {claim.id: 1}
    done = service.dismiss_held_flags(claim.id, moderator="m", note="brigade", scope=A)
    assert [f.user_id for f in done.flags] == ["newish", "third"]
    assert done.notify_user_ids == ["newish", "third"]
    assert service.flag_patterns(service.store.list_flags(A))[claim.id].held == 0
