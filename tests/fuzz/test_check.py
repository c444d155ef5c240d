"""The check path on any text: an answer or a one-line refusal, never an exception.

A real SQLite file holds the seed claims and claims made of hostile text; its search is forced
through the pooled path and its cache of word counts kept full, so every branch of retrieval
runs. Each answer is also rendered as the bot would send it, within Discord's limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import check_reply
from tests.conftest import make_fields
from tests.fakediscord.server import embed_problems
from tests.fuzz.strategies import INPUTS, SEED_TEXTS, TRICKY_WORDS, WORDS, messages
from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Scope
from verifiers.domain.settings import Settings
from verifiers.seeding import load_seed_claims
from verifiers.service import ClaimService
from verifiers.store.sqlite.store import SqliteStore

BATCH = 20  # texts per example: hypothesis's own cost is paid once for twenty checks
SCOPES = [Scope.everything(), Scope.guild(1)]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimService]:
    path: Path = tmp_path_factory.mktemp("fuzz-check") / "claims.db"
    with SqliteStore(path) as store:
        store.seed(load_seed_claims())
        odd = [f"{text} {word} {word}" for text in SEED_TEXTS[:8] for word in TRICKY_WORDS[:20]]
        store.add_claims([make_fields(t, guild_id=1) for t in odd if len(t) <= 4000], "fuzz")
        yield ClaimService(store, Settings())


def _check(service: ClaimService, text: str, scope: Scope) -> None:
    INPUTS["check path"] += 1
    try:
        result = service.check(text, scope)
    except ClaimbotError as exc:  # e.g. an empty message: said in one line
        assert str(exc)
        assert "\n" not in str(exc)
        return
    reply = check_reply(result)
    embeds = [embed.to_dict() for embed in reply.embeds]
    if reply.related is not None:
        embeds.append(reply.related.to_dict())
    assert embed_problems(embeds) == [], text  # type: ignore[arg-type]
    assert len(reply.content) <= 2000


@given(st.lists(messages, min_size=BATCH, max_size=BATCH), st.sampled_from(SCOPES))
def test_any_text_is_checked_or_refused_in_one_line(
    service: ClaimService, batch: list[str], scope: Scope
) -> None:
    for text in batch:
        _check(service, text, scope)


@given(st.lists(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=12),
                min_size=BATCH, max_size=BATCH))  # fmt: skip
def test_the_store_searches_any_terms(service: ClaimService, batch: list[list[str]]) -> None:
    """The matcher hands the store its terms; FTS5's query syntax must never leak through."""
    for terms in batch:
        INPUTS["check path"] += 1
        found = service.store.search(terms, SCOPES[len(terms) % 2], limit=10)
        assert len(found) <= 10
