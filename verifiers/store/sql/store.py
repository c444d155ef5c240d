"""`RelationalStore`: every shared part put together; a backend adds the engine's own."""

from __future__ import annotations

from verifiers.store.ports import DraftStore, SourceCheckStore, Store
from verifiers.store.sql.drafts import ArticleDrafts
from verifiers.store.sql.edits import ClaimEdits
from verifiers.store.sql.embeddings import ClaimEmbeddings
from verifiers.store.sql.flags import ClaimFlags
from verifiers.store.sql.liveness import SourceChecks
from verifiers.store.sql.search import SearchedClaims
from verifiers.store.sql.settings import GuildSettingsRecords


class RelationalStore(
    SearchedClaims,
    ClaimEdits,
    ClaimFlags,
    ArticleDrafts,
    SourceChecks,
    ClaimEmbeddings,
    GuildSettingsRecords,
    Store,
    DraftStore,
    SourceCheckStore,
):
    """The `Store` written once; subclasses connect and run transactions."""
