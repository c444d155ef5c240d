"""The reference pages (docs/reference/cli.md and settings.md), generated from the code itself.

`python -m claimbot.reference` rewrites both; tests/test_reference.py regenerates them in memory and
fails when the committed pages differ, so the reference cannot drift from the commands and
settings it describes.
"""

from __future__ import annotations

import argparse
import copy
import re
import tomllib
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import click
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from verifiers.domain.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"
REFERENCE = ROOT / "docs" / "reference"
REGENERATE = "python -m claimbot.reference"
# Help is laid out for this width whatever the terminal, so the page is the same everywhere.
WIDTH = 100

# -- the command line -----------------------------------------------------------------------


def root_command() -> click.Group:
    """The `claimbot` command tree (imported here so that this module loads without it)."""
    from claimbot.main import cli

    return cli


def command_contexts(root: click.Command, name: str = "claimbot") -> Iterator[click.Context]:
    """A context for the root and for every visible subcommand below it, depth first, in the
    order `--help` lists them."""
    settings = {**root.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    shown = _uncached(root)
    yield from _contexts(shown, shown.context_class(shown, info_name=name, **settings))


def _contexts(command: click.Command, ctx: click.Context) -> Iterator[click.Context]:
    yield ctx
    if not isinstance(command, click.Group):
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        shown = _uncached(sub)
        yield from _contexts(shown, shown.context_class(shown, info_name=name, parent=ctx))


def _uncached(command: click.Command) -> click.Command:
    """A copy of `command` that makes its help option afresh for the context it is shown in.

    click keeps the first help option it made for a command, named as the context that asked
    first wanted: a command shown under another root earlier in the process (tests do) would
    list `--help` without `-h`, and the page would depend on what ran before.
    """
    fresh = copy.copy(command)
    fresh.params = list(command.params)
    if getattr(fresh, "_help_option", None) is not None:
        fresh._help_option = None
    return fresh


def visible_options(ctx: click.Context) -> list[click.Option]:
    """The options `--help` shows for this command (its help option included)."""
    return [p for p in ctx.command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def cli_markdown(root: click.Command | None = None) -> str:
    """docs/reference/cli.md: a heading per command with the help it prints, in full."""
    contexts = list(command_contexts(root or root_command()))
    lines = [
        "# Command-line reference",
        "",
        f"Generated from the `claimbot` command tree by `{REGENERATE}`: do not edit by hand.",
        "Each section is what `COMMAND --help` prints. How to use the commands together: the",
        "[guides](../guides/moderators.md); settings: [settings.md](settings.md).",
        "",
    ]
    for ctx in contexts:
        depth = ctx.command_path.count(" ")
        lines.append(f"{'  ' * depth}- [{ctx.command_path}](#{slug(ctx.command_path)})")
    for ctx in contexts:
        help_text = ctx.command.get_help(ctx).rstrip()
        lines += ["", f"## {ctx.command_path}", "", "```text", help_text, "```"]
    return "\n".join(lines) + "\n"


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


# -- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleKey:
    """One key of config.example.toml, with the comment written above it."""

    section: str | None  # None: a top-level key
    key: str
    value: str  # as written in the file
    commented: bool  # written as `# key = value`: unset unless the operator sets it
    comment: str  # the comment block above the key, or above the group of keys it ends
    shares_comment: bool  # the key follows another without a comment of its own

    @property
    def environment(self) -> str:
        return "CLAIMBOT_" + (f"{self.section}_{self.key}" if self.section else self.key).upper()


_SECTION = re.compile(r"^\[([a-z_]+)\]$")
_KEY = re.compile(r"^([a-z_][a-z0-9_]*)\s*=\s*(.+)$")
_COMMENTED_KEY = re.compile(r"^#\s*([a-z_][a-z0-9_]*)\s*=\s*(.+)$")


def example_keys(path: Path = EXAMPLE) -> list[ExampleKey]:
    """Every key config.example.toml sets or shows commented out, in the file's order.

    A comment block belongs to the key right below it and to the keys that follow that one
    without a blank line or a comment of their own; a blank line ends the group.
    """
    keys: list[ExampleKey] = []
    section: str | None = None
    pending: list[str] = []
    group = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            pending, group = [], ""
        elif match := _SECTION.match(line):
            section, pending, group = match[1], [], ""
        elif match := _COMMENTED_KEY.match(line) or _KEY.match(line):
            shares = not pending
            if pending:
                group, pending = " ".join(pending), []
            commented = line.startswith("#")
            keys.append(ExampleKey(section, match[1], match[2], commented, group, shares))
        elif line.startswith("#"):
            pending.append(line.lstrip("#").strip())
    return keys


def model_fields(model: type[BaseModel] = Settings) -> dict[tuple[str | None, str], FieldInfo]:
    """(section, key) -> field for every setting: top-level scalars and each section's keys."""
    fields: dict[tuple[str | None, str], FieldInfo] = {}
    for name, field in model.model_fields.items():
        section = _section_model(field)
        if section is None:
            fields[(None, name)] = field
        else:
            fields.update({(name, key): f for key, f in section.model_fields.items()})
    return fields


def _section_model(field: FieldInfo) -> type[BaseModel] | None:
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def kind_of(field: FieldInfo) -> str:
    """What a setting takes, in words, with the bounds the model enforces."""
    bounds = [
        f"{words} {value}"
        for rule in field.metadata  # pydantic's constraints: Ge(ge=1), MinLen(min_length=1), ...
        for attribute, words in _BOUNDS.items()
        if (value := getattr(rule, attribute, None)) is not None
    ]
    return ", ".join([_kind(field.annotation), *bounds])


_BOUNDS = {
    "ge": "≥",
    "gt": ">",
    "le": "≤",
    "lt": "<",
    "min_length": "length ≥",
    "max_length": "length ≤",
}


def _kind(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        present = [a for a in get_args(annotation) if a is not type(None)]
        return " or ".join(_kind(a) for a in present)
    if origin is Literal:
        return "one of " + ", ".join(_toml(a) for a in get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return f"list of {_kind(item)}s"
    names = {bool: "true or false", int: "integer", float: "number", str: "text"}
    if annotation is SecretStr:
        return "text (secret)"
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _toml(value: Any) -> str:
    """A value as TOML writes it (how the example file and the page show defaults)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def example_value(key: ExampleKey) -> Any:
    """The value the example file writes for a key, parsed as TOML."""
    return tomllib.loads(f"v = {key.value}")["v"]


def settings_markdown(path: Path = EXAMPLE) -> str:
    """docs/reference/settings.md: every setting with its default, type, environment variable
    and the comment config.example.toml gives it."""
    fields = model_fields()
    keys = example_keys(path)
    lines = [
        "# Settings reference",
        "",
        "Generated from `config.example.toml` and `verifiers/domain/settings.py`"
        f" by `{REGENERATE}`:",
        "do not edit by hand.",
        "",
        "claimbot reads its settings from, lowest priority first: the defaults below, the config",
        "file (`--config FILE`, else `$CLAIMBOT_CONFIG`, else `./claimbot.toml` if present), then",
        "environment variables `CLAIMBOT_<SECTION>_<KEY>`. Copy",
        "[`config.example.toml`](../../config.example.toml) to start a file. A missing or",
        "invalid setting stops the program with one line naming it. *Unset* means the setting",
        "is off or empty unless you set it; the example file shows it commented out.",
    ]
    previous: ExampleKey | None = None
    head: ExampleKey | None = None  # the key whose comment the keys sharing it follow
    for key in keys:
        if previous is None or key.section != previous.section:
            title = "Top level" if key.section is None else f"`[{key.section}]`"
            lines += ["", f"## {title}", ""]
            lines += ["| key | default | takes | environment variable | meaning |"]
            lines += ["|---|---|---|---|---|"]
        field = fields.get((key.section, key.key))
        if field is None:
            where = f"[{key.section}] " if key.section else ""
            raise ValueError(f"config.example.toml: {where}{key.key} is not a setting")
        default = "unset" if key.commented else f"`{key.value}`"
        if key.commented and key.value != '"..."':  # "..." stands for a secret, not an example
            default += f" (e.g. `{key.value}`)"
        cells = [f"`{key.key}`", default, kind_of(field), f"`{key.environment}`"]
        if not key.shares_comment:
            head = key
        lines.append("| " + " | ".join([*cells, _meaning(key, field, head)]) + " |")
        previous = key
    return "\n".join(lines) + "\n"


def _meaning(key: ExampleKey, field: FieldInfo, head: ExampleKey | None) -> str:
    """The key's own comment; for a key that shares one, its field's description, else a
    pointer to the key the comment is written above."""
    if not key.shares_comment:
        text = key.comment
    elif field.description:
        text = field.description
    elif head is not None and head.section == key.section and key.comment:
        text = f"As for `{head.key}` above."
    else:
        where = f"[{key.section}] " if key.section else ""
        raise ValueError(f"config.example.toml: {where}{key.key} has no comment")
    return text.replace("|", "\\|")


# -- writing the pages ----------------------------------------------------------------------


def pages() -> dict[str, str]:
    """File name -> content of every generated reference page."""
    return {"cli.md": cli_markdown(), "settings.md": settings_markdown()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m claimbot.reference", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=REFERENCE, help="folder to write into (default: %(default)s)"
    )
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
