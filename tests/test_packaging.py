"""The wheel a user installs (`pip install .`) holds every file the code reads at run time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("verifiers", "bot", "claimbot", "seeds")
TRUMP = "Trump asked Zelensky whether Ukraine could hit Moscow"


def tracked_files() -> list[str]:
    """The checkout's files under the packages that git tracks (and that are there)."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: which files belong in the wheel is unknown")
    listed = subprocess.run(
        [git, "ls-files", "-z", "--", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in listed.split("\0") if name and (ROOT / name).is_file())


def run_python(
    code: str, cwd: Path, python_path: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -c code` in a new process and in `cwd`, importing from `python_path` first, in
    this process's environment without claimbot's settings (plus `env`)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**clean, **(env or {}), "PYTHONPATH": str(python_path)},
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The wheel built from a copy of the tracked files alone (so a stale build/ folder or an
    untracked file cannot stand in for a missing one), and those files."""
    files = tracked_files()
    source = tmp_path_factory.mktemp("source")
    for name in [*files, "pyproject.toml", "README.md"]:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(dist)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (path,) = dist.glob("claimbot-*.whl")
    return path, files


@pytest.mark.slow
def test_the_wheel_holds_every_tracked_file_of_the_packages(wheel: tuple[Path, list[str]]) -> None:
    """Models, migrations, seeds: anything under verifiers/, bot/, claimbot/ or seeds/ ships."""
    path, files = wheel
    with zipfile.ZipFile(path) as archive:
        shipped = set(archive.namelist())
    data = [name for name in files if not name.endswith(".py")]
    assert {"verifiers/matching/cross_encoder.npz", "seeds/claims.jsonl"} <= set(data)
    missing = [name for name in files if name not in shipped]
    assert not missing, f"not in the wheel: {missing}"


@pytest.mark.slow
def test_a_check_runs_from_the_wheels_files_alone(
    wheel: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """Unpacked outside the checkout, the wheel's own files migrate and seed a new database
    and answer a claim (the seeds are read as package data)."""
    path, _ = wheel
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unpacked)
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "import verifiers, sys; print(verifiers.__file__, file=sys.stderr); "
        f"from claimbot.main import main; main(['--db', 'x.db', 'check', '--json', {TRUMP!r}])"
    )
    proc = run_python(code, work, unpacked)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(str(unpacked / "verifiers"))  # not the checkout's
    assert '"ft-trump-asked-can-you-hit-moscow"' in proc.stdout
