"""The layering in docs/architecture.md, enforced: the core never imports an adapter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = ("discord", "bot", "claimbot", "click")


def _imports(path: Path) -> set[str]:
    """The top-level packages `path` imports, anywhere in its code."""
    return {module.split(".")[0] for module in _modules_imported(path) if module}


def test_core_imports_no_adapter() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN_IN_CORE))
        for path in (ROOT / "verifiers").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_adapters_do_not_import_each_other() -> None:
    """The bot never imports the command line; the command line never imports discord.py, and
    imports the bot only where `claimbot run` and `claimbot sync` start it (`bot.runner`)."""
    for path in (ROOT / "bot").rglob("*.py"):
        assert "claimbot" not in _imports(path), f"{path} imports the command line"
    for path in (ROOT / "claimbot").rglob("*.py"):
        assert "discord" not in _imports(path), f"{path} imports discord"
        bot_modules = {m for m in _modules_imported(path) if m.split(".")[0] == "bot"}
        allowed = "bot.runner" if path.name == "run_cmd.py" else None
        wrong = sorted(m for m in bot_modules if allowed is None or not m.startswith(allowed))
        assert not wrong, f"{path} imports {wrong}"


def test_a_cog_imports_no_other_cog() -> None:
    """Each cog is a package of its own: what several show lives in `bot/ui/`."""
    cogs = ROOT / "bot" / "cogs"
    for path in cogs.rglob("*.py"):
        if path.parent == cogs:
            continue
        own = f"bot.cogs.{path.relative_to(cogs).parts[0]}"
        others = sorted(
            m
            for m in _modules_imported(path)
            if m.startswith("bot.cogs.") and m != own and not m.startswith(own + ".")
        )
        assert not others, f"{path.relative_to(ROOT)} imports another cog: {others}"


def test_no_import_circles() -> None:
    """No module imports one that imports it back, directly or not, anywhere in its code."""
    assert _circles() == []


def test_the_runtime_never_imports_the_training_code() -> None:
    """Model fitting lives in `verifiers/training/`: the bot, the CLI and the rest of the core
    run without it (the benchmarks and the tests may use it)."""
    for top in ("verifiers", "bot", "claimbot"):
        for path in (ROOT / top).rglob("*.py"):
            if path.is_relative_to(ROOT / "verifiers" / "training"):
                continue
            training = sorted(
                m for m in _modules_imported(path) if m.startswith("verifiers.training")
            )
            assert not training, f"{path.relative_to(ROOT)} imports {training}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules_imported(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in its code, by full name (a name imported from a
    package counts as that package's module when there is one)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
    return found


def _circles() -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    paths = [p for top in ("verifiers", "bot", "claimbot") for p in (ROOT / top).rglob("*.py")]
    modules = {_module_name(p): p for p in paths}
    graph = {
        name: sorted(m for m in _modules_imported(path) if m in modules and m != name)
        for name, path in modules.items()
    }
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[frozenset[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(frozenset(component))

    for name in sorted(graph):
        if name not in order:
            visit(name)
    return circles


def test_commands_start_without_numpy() -> None:
    """numpy loads with the matcher's bulk features on the first check (docs/decisions.md):
    a command that matches nothing does not pay for its import."""
    code = "import sys, claimbot.main; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
