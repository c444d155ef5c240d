"""The wheel a user installs (`pip install .`) holds every file the code reads at run time."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.paths import REPO

ROOT = REPO
PACKAGES = ("verifiers", "bot", "claimbot", "seeds")
TRUMP = "Trump asked Zelensky whether Ukraine could hit Moscow"
# The checkout's top-level seeds/ folder ships as package data of verifiers (setup.py).
SEEDS_IN_WHEEL = "verifiers/seeds/"


def in_wheel(name: str) -> str:
    """Where the checkout's file `name` is in the wheel."""
    return SEEDS_IN_WHEEL + name.removeprefix("seeds/") if name.startswith("seeds/") else name


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
    for name in [*files, "pyproject.toml", "setup.py", "README.md"]:
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
    missing = [name for name in files if in_wheel(name) not in shipped]
    assert not missing, f"not in the wheel: {missing}"


@pytest.mark.slow
def test_the_wheel_adds_only_its_own_import_names(wheel: tuple[Path, list[str]]) -> None:
    """Installing claimbot adds the import names `claimbot`, `bot` and `verifiers`, and no
    generic one such as `seeds`."""
    path, _ = wheel
    with zipfile.ZipFile(path) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {
        "claimbot",
        "bot",
        "verifiers",
    }


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


@pytest.mark.slow
def test_claimbot_seed_runs_installed_from_the_wheel(
    wheel: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The wheel installed in a new virtual environment (its dependencies borrowed from this
    one) gives a `claimbot` command whose `seed` loads every packaged seed claim, and nothing
    named `seeds` can be imported."""
    path, _ = wheel
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    installed = subprocess.run(
        [*pip, "--no-deps", "--no-index", str(path)], capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A .pth line adds a folder to the path without reading its .pth files: this environment's
    # editable install of the checkout stays out.
    (Path(purelib) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    work = tmp_path / "work"
    work.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    clean.pop("PYTHONPATH", None)
    env = {**clean, "CLAIMBOT_DATABASE_SEED_ON_CREATE": "false"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, capture_output=True, text=True, cwd=work, env=env, timeout=300, check=False
        )

    seeded = run(str(scripts / "claimbot"), "--db", "x.db", "seed")
    assert seeded.returncode == 0, seeded.stderr
    count = len((ROOT / "seeds" / "claims.jsonl").read_text(encoding="utf-8").splitlines())
    assert seeded.stdout.startswith(f"seeded: {count} added,")
    where = run(str(python), "-c", "import verifiers; print(verifiers.__file__)")
    assert where.stdout.startswith(purelib), where.stderr  # the wheel's, not the checkout's
    assert run(str(python), "-c", "import seeds").returncode != 0
