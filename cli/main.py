"""`claimbot`: the command-line adapter over the core (`verifiers`)."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from cli.check_cmd import check_command
from cli.claims_cmd import claims_group
from cli.context import AppContext
from cli.data_cmd import export_command, import_command, seed_command
from cli.db_cmd import backup_command, copy_command, migrate_command
from cli.flags_cmd import flag_command, flags_group
from cli.ingest_cmd import drafts_group, ingest_command, sources_group
from cli.run_cmd import run_command, sync_command
from verifiers import __version__
from verifiers.errors import ClaimbotError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--db",
    "db_url",
    metavar="PATH|URL",
    help="Database to use: a SQLite file path, or a PostgreSQL URL "
    "(postgresql://user@host/db?schema=claimbot); created and seeded if new. Default: from config.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (TOML). Default: $CLAIMBOT_CONFIG, else ./claimbot.toml if present.",
)
@click.version_option(__version__, prog_name="claimbot")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, config_path: Path | None) -> None:
    """Check claims against a curated, sourced claims database, and manage it."""
    app = AppContext(config_path=config_path, db_url=db_url)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (
    check_command,
    claims_group,
    flag_command,
    flags_group,
    import_command,
    export_command,
    seed_command,
    run_command,
    sync_command,
    ingest_command,
    drafts_group,
    sources_group,
    migrate_command,
    backup_command,
    copy_command,
):
    cli.add_command(command)

try:  # the evaluation command lives beside the matcher it measures
    from cli.eval_cmd import eval_command
except ImportError:  # pragma: no cover - only while it is being built
    pass
else:
    cli.add_command(eval_command)

try:  # like eval: the embedding backfill lives beside the semantic matcher
    from cli.embed_cmd import embed_command
except ImportError:  # pragma: no cover - only while it is being built
    pass
else:
    cli.add_command(embed_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a ClaimbotError becomes one line on stderr and exit status 1."""
    try:
        code = cli.main(args=argv, prog_name="claimbot", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "claimbot"
        click.echo(f"error: {exc.format_message()} (see '{command} --help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ClaimbotError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # (after BrokenPipeError, one of them) a file the user named, and why
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except Exception:
        if os.environ.get("CLAIMBOT_LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        click.echo(
            "error: internal error; run again with CLAIMBOT_LOG_LEVEL=DEBUG for details", err=True
        )
        sys.exit(70)
    if isinstance(code, int) and code:
        sys.exit(code)
