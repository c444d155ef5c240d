"""Argument types and checks shared by the benchmark scripts: bad input is one line, never a
traceback or a run that silently measures something else."""

from __future__ import annotations

import argparse
from pathlib import Path


def positive(text: str) -> int:
    """A whole number of at least 1 (claims, messages)."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def counts(text: str) -> list[int]:
    """Comma-separated claim counts, e.g. 10000,100000 (empty: none)."""
    try:
        return [positive(part.strip()) for part in text.split(",") if part.strip()]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"{exc} (give claim counts such as 10000,100000)"
        ) from None


def settle_sizes(parser: argparse.ArgumentParser, opts: argparse.Namespace) -> None:
    """`--quick` means 10k claims only; at least one size."""
    if opts.quick:
        opts.sizes = [10_000]
    if not opts.sizes:
        parser.error("--sizes: give at least one claim count")


def results_folder(parser: argparse.ArgumentParser, opts: argparse.Namespace) -> None:
    """The results folder, created once every argument is checked (not in a worker process,
    which writes only its result file)."""
    if not opts.worker:
        output_folder(parser, opts.out)


def output_folder(parser: argparse.ArgumentParser, folder: str) -> Path:
    """The results folder, created now, so that a bad path is refused before any work."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"--out {folder}: cannot create it ({exc.strerror or exc})")
    return path


def existing_database(parser: argparse.ArgumentParser, db: str) -> str:
    """A database file that must already exist (opening a missing one would create it empty)."""
    if not Path(db).is_file():
        parser.error(f"--db {db}: no such database (build one with scale.py --keep-db)")
    return db
