"""The layering in docs/architecture.md, enforced: the core never imports an adapter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO

ROOT = REPO
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
    assert _cogs_importing_other_cogs(ROOT) == {}


def test_the_shared_ui_imports_no_cog() -> None:
    """`bot/ui/` is what cogs share: it never reaches into a cog (nor lets one reach another)."""
    for path in (ROOT / "bot" / "ui").rglob("*.py"):
        cogs = sorted(m for m in _modules_imported(path) if m.startswith("bot.cogs"))
        assert not cogs, f"{path.relative_to(ROOT)} imports {cogs}"


def test_no_import_circles() -> None:
    """No module imports one that imports it back, directly or not, anywhere in its code."""
    assert _circles(ROOT) == []


def test_the_checks_find_a_cog_importing_another_and_a_circle(tmp_path: Path) -> None:
    """Planted offenders are found: a cog importing another (absolutely or relatively), and a
    circle between two modules of bot/ imported only for type checking."""
    files = {
        "bot/cogs/drafts/buttons.py": "from bot.ui.pager import Queue\n",
        "bot/cogs/drafts/modals.py": "from ..flags.review import VERDICTS\n",
        "bot/cogs/flags/review.py": "import bot.cogs.drafts.buttons\n",
        "bot/ui/pager.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.ui.persistent import PersistentButton\n",
        "bot/ui/persistent.py": "from bot.ui import pager\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert _cogs_importing_other_cogs(tmp_path) == {
        "bot/cogs/drafts/modals.py": ["bot.cogs.flags.review", "bot.cogs.flags.review.VERDICTS"],
        "bot/cogs/flags/review.py": ["bot.cogs.drafts.buttons"],
    }
    assert _circles(tmp_path) == [frozenset({"bot.ui.pager", "bot.ui.persistent"})]


def _cogs_importing_other_cogs(root: Path) -> dict[str, list[str]]:
    """Each module under `root`'s bot/cogs/<cog>/ that imports another cog: what it imports."""
    cogs = root / "bot" / "cogs"
    found: dict[str, list[str]] = {}
    for path in sorted(cogs.rglob("*.py")):
        if path.parent == cogs:
            continue
        own = f"bot.cogs.{path.relative_to(cogs).parts[0]}"
        others = sorted(
            m
            for m in _modules_imported(path, root)
            if m.startswith("bot.cogs.") and m != own and not m.startswith(own + ".")
        )
        if others:
            found[path.relative_to(root).as_posix()] = others
    return found


# The core's leaves: they import nothing of the core but one another.
LEAVES = (
    "verifiers.domain.errors",
    "verifiers.domain.models",
    "verifiers.paths",
    "verifiers.domain.validation",
    "verifiers.domain.model_files",
    "verifiers.domain.settings",
)


def test_the_settings_are_a_leaf() -> None:
    """Loading the settings (`verifiers/domain/settings.py`) loads no matcher, store or service: the
    settings import only the other leaves, and these only one another."""
    for leaf in LEAVES:
        path = ROOT / f"{leaf.replace('.', '/')}.py"
        core = {m for m in _modules_imported(path) if m.split(".")[0] == "verifiers"}
        wrong = sorted(m for m in core if not any(m == x or m.startswith(x + ".") for x in LEAVES))
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


# What uses the store: the store imports none of it (its interfaces speak only domain models).
ABOVE_THE_STORE = (
    "verifiers.ingest",
    "verifiers.sources.liveness",
    "verifiers.matching",
    "verifiers.external",
    "verifiers.evaluation",
    "verifiers.service",
)


def test_the_store_imports_nothing_that_uses_it() -> None:
    """Every store interface (`verifiers/store/ports.py`) and backend needs only the domain
    models: drafts and source checks are models too, not types of ingestion or liveness."""
    for path in (ROOT / "verifiers" / "store").rglob("*.py"):
        above = sorted(
            m
            for m in _modules_imported(path)
            if any(m == x or m.startswith(x + ".") for x in ABOVE_THE_STORE)
        )
        assert not above, f"{path.relative_to(ROOT)} imports {above}"


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


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules_imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, anywhere in its code, by full name (a name imported from a
    package counts as that package's module when there is one)."""
    name = _module_name(path, root)
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


def _circles(root: Path) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    paths = [p for top in ("verifiers", "bot", "claimbot") for p in (root / top).rglob("*.py")]
    modules = {_module_name(p, root): p for p in paths}
    graph = {
        name: sorted(m for m in _modules_imported(path, root) if m in modules and m != name)
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


# Test folders that hold no code's tests: shared helpers, the fake Discord, data, fuzzing.
TEST_SUPPORT = {"support", "fakediscord", "fuzz", "data", "fixtures"}


def test_the_tests_mirror_the_code() -> None:
    """Every test folder under tests/ names a package of the code (tests/verifiers/matching/
    holds the tests of verifiers/matching/), so a module's tests are found by its path."""
    tests = ROOT / "tests"
    strays = []
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        relative = folder.relative_to(tests)
        if relative.parts[0] in TEST_SUPPORT:
            continue
        if not (ROOT / relative / "__init__.py").is_file():
            strays.append(str(relative))
    assert not strays, f"test folders with no package of that name in the code: {strays}"
    assert (tests / "verifiers" / "matching" / "test_identity.py").is_file()
