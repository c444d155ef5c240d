"""`claimbot embed`: compute the sentence embeddings the semantic matcher needs.

Claims are embedded once and the vectors stored with them; the matcher reads them at start.
After a large import (or when switching `matching.matcher` to "semantic", or after an upgrade
that changed the model) this backfills every claim that has none, with a progress bar (~45-100
claims/s on 2 CPU cores), deletes the vectors of models no longer used, and, once the database
holds enough claims for the approximate search (`matching.approximate_from`), brings the vector
index up to date, so that the first semantic check does not spend minutes building it.
"""

from __future__ import annotations

import sys

import click

from claimbot.context import AppContext, pass_app
from verifiers.domain.model_files import adapter_file
from verifiers.domain.models import Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.semantic import (
    backfill,
    embedding_key,
    require_semantic,
    shared_encoder,
    vector_folder,
    vector_index,
)
from verifiers.store.ports import Store


def count_missing(store: Store, key: str) -> int:
    """Live claims without a vector under `key` (reads every stored vector: a one-off cost)."""
    embedded = sum(1 for _ in store.iter_embeddings(key))
    return max(store.count_claims(Scope.everything()) - embedded, 0)


def embed_missing(store: Store, settings: MatchingSettings, *, batch: int = 256) -> tuple[int, str]:
    """Backfill with the configured model and a progress bar on stderr; returns how many
    claims were embedded, and the key of the model's vectors (a custom adapter's key hashes
    its file: worked out once)."""
    require_semantic()
    adapter = adapter_file(settings.minilm_adapter)
    key = embedding_key(adapter)
    total = count_missing(store, key)
    if total == 0:
        return 0, key
    encoder = shared_encoder(adapter)
    with click.progressbar(length=total, label="embedding claims", file=sys.stderr) as bar:
        return backfill(store, encoder, batch=batch, progress=bar.update), key


def index_vectors(store: Store, settings: MatchingSettings, key: str) -> int | None:
    """Build or update the vector index of `key` with a progress bar, where the matcher would
    search through it (`approximate_from` live claims or more); how many claims it holds, or
    None where the matcher searches every vector instead."""
    if store.claim_count_for_search() < settings.approximate_from:
        return None
    total = store.count_claims(Scope.everything())
    with click.progressbar(length=total, label="indexing vectors", file=sys.stderr) as bar:
        return len(vector_index(store, key, progress=bar.update))


@click.command("embed")
@click.option(
    "--batch", type=click.IntRange(1, 10_000), default=256, show_default=True,
    help="Claims embedded and stored per transaction.",
)  # fmt: skip
@pass_app
def embed_command(app: AppContext, batch: int) -> None:
    """Embed every claim that has no sentence embedding yet, for the semantic matcher.

    Vectors computed by an earlier model are deleted (a process of an older claimbot on the
    same database would compute its own again). From `matching.approximate_from` claims on,
    the vector index the semantic matcher searches is then built or brought up to date."""
    require_semantic()
    added, key = embed_missing(app.store, app.settings.matching, batch=batch)
    click.echo(f"embedded {added} claim(s)" if added else "every claim already has an embedding")
    dropped = app.store.drop_other_embeddings(key)
    if dropped:
        click.echo(f"deleted {dropped} vector(s) of another model")
    indexed = index_vectors(app.store, app.settings.matching, key)
    if indexed is not None:
        folder = vector_folder(app.store, key)
        click.echo(f"the vector index holds {indexed} claim(s) ({folder})")
