"""`claimbot`: the command-line adapter over the core (`verifiers`)."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from claimbot.check_cmd import check_command
from claimbot.claims_cmd import claims_group
from claimbot.context import EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED, AppContext, Group
from claimbot.data_cmd import export_command, import_command, seed_command
from claimbot.db_cmd import (
    backup_command,
    copy_command,
    info_command,
    migrate_command,
    reindex_command,
)
from claimbot.embed_cmd import embed_command
from claimbot.eval_cmd import eval_command
from claimbot.flags_cmd import flag_command, flags_group
from claimbot.ingest_cmd import drafts_group, ingest_command, sources_group
from claimbot.run_cmd import run_command, sync_command
from verifiers import __version__
from verifiers.domain.errors import ClaimbotError


@click.group(
    cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--db",
    "db_url",
    metavar="PATH|URL",
    help="Database to use: a SQLite file path, or a PostgreSQL URL "
    "(postgresql://user@host/db?schema=claimbot); created and seeded if new, which is said on "
    "stderr. Default: from config, else claimbot.db in the user data folder (see `claimbot info`).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (TOML). Default: $CLAIMBOT_CONFIG, else ./claimbot.toml, else "
    "claimbot.toml in the user config folder (see `claimbot info`).",
)
@click.option(
    "--guild",
    type=int,
    metavar="ID",
    help="Act as this Discord server: see its claims and flags plus global ones, and own what "
    "is added. Default: the operator, who sees everything.",
)
@click.version_option(__version__, prog_name="claimbot")
@click.pass_context
def cli(
    ctx: click.Context, db_url: str | None, config_path: Path | None, guild: int | None
) -> None:
    """Check claims against a curated, sourced claims database, and manage it.

    Exit status: 0 success (for check: some text was answered confidently), 1 check answered
    nothing confidently, 2 bad input or any other error, 70 internal error, 130 interrupted.
    """
    app = AppContext(config_path=config_path, db_url=db_url, guild=guild)
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
    reindex_command,
    eval_command,
    embed_command,
    info_command,
):
    cli.add_command(command)


def fail(message: str, status: int = EXIT_ERROR) -> NoReturn:
    """End the command with one line on stderr: every error the CLI reports looks alike."""
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def _usage_line(exc: click.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx else "claimbot"
    line = f"{exc.format_message()} (see '{command} --help')"
    if isinstance(exc, click.NoSuchOption) and exc.option_name == "--guild":
        line += "; --guild goes before the command: claimbot --guild ID COMMAND ..."
    return line


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: any error a user can cause becomes one line on stderr (`fail`)."""
    try:
        code = cli.main(args=argv, prog_name="claimbot", standalone_mode=False)
    except click.exceptions.Abort:
        fail("aborted", EXIT_INTERRUPTED)
    except click.UsageError as exc:
        fail(_usage_line(exc))
    except click.ClickException as exc:
        fail(exc.format_message())
    except ClaimbotError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # (after BrokenPipeError, one of them) a file the user named, and why
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}")
    except Exception:
        if os.environ.get("CLAIMBOT_LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        fail("internal error; run again with CLAIMBOT_LOG_LEVEL=DEBUG for details", EXIT_INTERNAL)
    if isinstance(code, int) and code:
        sys.exit(code)
