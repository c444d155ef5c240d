"""`claimbot migrate | backup | copy | reindex | info`: the database itself, whichever backend
holds it, and the search index derived from it."""

from __future__ import annotations

import sys
from typing import Any

import click

from claimbot.context import AppContext, pass_app
from claimbot.output import echo_as
from verifiers import __version__
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Scope, Status
from verifiers.domain.settings import config_file
from verifiers.store import (
    database_exists,
    describe_database,
    is_postgres_url,
    migrate,
    migration_status,
    open_store,
)
from verifiers.store import sqlite_path as sqlite_file
from verifiers.store.copy import copy_database


def _existing(url: str, what: str) -> str:
    """Refuse a SQLite path with no file: opening it would create an empty database."""
    if not is_postgres_url(url) and not sqlite_file(url).exists():
        raise InvalidInput(f"{what} {sqlite_file(url)} does not exist")
    return url


@click.command("migrate")
@click.option(
    "--upgrade", is_flag=True, help="Apply the pending migrations (creating the database if new)."
)
@pass_app
def migrate_command(app: AppContext, upgrade: bool) -> None:
    """Show which schema migrations the database has and which are pending; --upgrade applies them.

    Every other command applies pending migrations on its own when it opens the database; this
    one lets you see them first, or apply them ahead of starting several bot processes.
    """
    url = app.settings.database.url
    if upgrade:
        applied = migrate(url)
        click.echo(f"migrated: {', '.join(applied)}" if applied else "nothing to migrate")
    status = migration_status(url)
    click.echo(f"applied: {', '.join(status.applied) or 'none'}")
    click.echo(f"pending: {', '.join(status.pending) or 'none'}")


@click.command("backup")
@click.argument("dest")
@click.option("--overwrite", is_flag=True, help="Replace DEST if it exists.")
@pass_app
def backup_command(app: AppContext, dest: str, overwrite: bool) -> None:
    """Write a consistent copy of the live SQLite database to the file DEST.

    Safe while the bot runs (SQLite's online backup). A PostgreSQL database is backed up with
    pg_dump instead; this command prints the command line to use.
    """
    url = _existing(app.settings.database.url, "database")
    with open_store(url, seed=False) as store:
        store.backup(dest, overwrite=overwrite)
    click.echo(f"backed up to {dest}")


@click.command("copy")
@click.option("--from", "source_url", required=True, metavar="DB", help="Database to copy.")
@click.option("--to", "target_url", required=True, metavar="DB", help="Database to copy into.")
@click.option(
    "--replace", is_flag=True, help="Discard what the target holds (it must be empty otherwise)."
)
def copy_command(source_url: str, target_url: str, replace: bool) -> None:
    """Copy a whole database (claims, sources, history, flags, settings, drafts) to another.

    Each DB is what --db takes: a SQLite file or a postgresql:// URL. Ids, timestamps, versions
    and authorship are kept. The copy is one transaction, checked before it is committed: each
    table's row count and a SHA-256 over its canonical dump must equal the source's.
    """
    source_url = _existing(source_url, "source database")
    with (
        open_store(source_url, seed=False) as source,
        open_store(target_url, seed=False) as target,
    ):
        report = copy_database(
            source,
            target,
            replace=replace,
            progress=lambda table, rows: click.echo(f"copied {table}: {rows} rows", err=True),
        )
    width = max(len(t.name) for t in report.tables)
    for table in report.tables:
        click.echo(f"{table.name:<{width}}  {table.rows:>9} rows  sha256 {table.sha256}")
    total = sum(t.rows for t in report.tables)
    click.echo(f"copied {total} rows; every table's count and checksum match the source's")


@click.command("reindex")
@pass_app
def reindex_command(app: AppContext) -> None:
    """Build the search index anew from the database, with a progress bar.

    The index is derived from the claims and kept current on its own: built when missing,
    damaged or made from another database (a restored backup), and followed by every process
    as claims change. This rebuilds it on demand. Safe while the bot runs: searches use the
    old index until the new one is whole.
    """
    url = _existing(app.settings.database.url, "database")
    with open_store(url, seed=False) as store:
        total = store.count_claims(Scope.everything())
        with click.progressbar(length=total, label="indexing claims", file=sys.stderr) as bar:
            count = store.reindex(bar.update)
        click.echo(f"indexed {count} claims in {store.search_index_folder}")


@click.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def info_command(app: AppContext, as_json: bool) -> None:
    """Show the version, the database in use (path, size, claims by status), the matcher, the
    config file, and the folder of the database's indexes: how many claims the search index
    and any vector index hold, and whether the search index is current. Creates nothing: a
    database or index not made yet is said to be so."""
    url = app.settings.database.url
    info: dict[str, Any] = {
        "version": __version__,
        "config_file": str(path) if (path := config_file(app.config_path)) else None,
        "database": describe_database(url),
        "database_exists": database_exists(url),
        "database_bytes": None,
        "matcher": app.settings.matching.matcher,
        "claims": None,
        "indexes": None,
    }
    if info["database_exists"]:
        if not is_postgres_url(url):
            info["database_bytes"] = sqlite_file(url).stat().st_size
        scope = app.scope
        counts = {s.value: app.store.count_claims(scope, status=s) for s in Status}
        live = sum(counts.values())
        retired = app.store.count_claims(scope, include_retired=True) - live
        info["claims"] = {"total": live, "by_status": counts, "retired": retired}
        status = app.store.index_status()
        info["indexes"] = {
            "folder": str(status.folder),
            "search": None
            if status.search_claims is None
            else {"claims": status.search_claims, "current": status.search_current},
            "vectors": status.vectors,
        }
    echo_as(as_json, info, lambda i: i, _format_info)


def _format_info(info: dict[str, Any]) -> str:
    size = info["database_bytes"]
    where = info["database"] + (f" ({size / 1_000_000:.1f} MB)" if size is not None else "")
    lines = [
        f"claimbot {info['version']}",
        f"config:   {info['config_file'] or 'none (built-in defaults)'}",
        f"database: {where}",
        f"matcher:  {info['matcher']}",
    ]
    claims = info["claims"]
    if claims is None:
        lines.append("claims:   none yet (the first command that uses the database creates it)")
    else:
        by_status = ", ".join(f"{n} {status}" for status, n in claims["by_status"].items() if n)
        lines.append(f"claims:   {claims['total']}" + (f" ({by_status})" if by_status else ""))
        if claims["retired"]:
            lines.append(f"retired:  {claims['retired']}")
    if info["indexes"] is not None:
        lines += _format_indexes(info["indexes"])
    return "\n".join(lines)


def _format_indexes(indexes: dict[str, Any]) -> list[str]:
    search = indexes["search"]
    if search is None:
        held = "not built yet (built at the first search, or by claimbot reindex)"
    else:
        now = (
            "current" if search["current"] else "behind the database (caught up at the next search)"
        )
        held = f"{search['claims']} claims, {now}"
    lines = [f"indexes:  {indexes['folder']}", f"  search:  {held}"]
    for model, count in indexes["vectors"].items():
        lines.append(
            f"  vectors: {count} claims of {model} (brought up to date at the first check)"
        )
    return lines
