"""The layering in docs/architecture.md, enforced: the core never imports an adapter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = ("discord", "bot", "cli", "click")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_adapter() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN_IN_CORE))
        for path in (ROOT / "verifiers").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_adapters_do_not_import_each_other() -> None:
    for adapter, other in (("bot", "cli"), ("cli", "discord")):
        for path in (ROOT / adapter).rglob("*.py"):
            assert other not in _imports(path), f"{path} imports {other}"


def test_commands_start_without_numpy() -> None:
    """numpy loads with the matcher's bulk features on the first check (docs/decisions.md):
    a command that matches nothing does not pay for its import."""
    code = "import sys, cli.main; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
