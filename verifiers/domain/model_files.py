"""The model files the `[matching]` settings name: the shipped ones, or files of one's own.

Here, not in `matching/`, so that the settings can refuse a file that is missing or not a
model without importing the matcher: the settings stay a leaf.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path

from verifiers.domain.errors import ConfigError

MODELS = Path(__file__).resolve().parent.parent / "matching"  # shipped with the matcher
SHIPPED_ADAPTER = MODELS / "minilm_adapter.npz"
SHIPPED_RERANKER = MODELS / "cross_encoder.npz"
# What a cross-encoder file holds besides its adapter's matrices (`rerank_train.save`).
HEAD_ARRAYS = ("scale", "head.weight", "head.bias")


def model_file(
    setting: str, name: str, shipped: Path, made_by: str, arrays: Collection[str] = ("scale",)
) -> Path | None:
    """The file a model setting names: "shipped" (the file in this package), "none", or the
    path of a file of one's own. A file that is missing or is not such a model (`arrays` and
    the adapter's matrices) is refused in one line naming the setting and the path, before
    anything is loaded: the shipped one too, so a broken install is not a traceback later."""
    choice = setting.strip()
    if choice.lower() == "none":
        return None
    own = choice.lower() != "shipped"
    path = Path(choice).expanduser() if own else shipped
    problem = model_file_problem(path, arrays)
    if problem is not None:
        fix = (
            f'use "shipped", "none" or the path of a file made by {made_by}'
            if own
            else 'the shipped model: reinstall claimbot, or set "none"'
        )
        raise ConfigError(f"{name}: {problem} ({fix})")
    return path


def model_file_problem(path: Path, arrays: Collection[str]) -> str | None:
    """Why `path` is not a model file, or None: a NumPy .npz archive, intact, holding
    `arrays` and at least one low-rank update (the `.A` and `.B` halves of each). Checks the
    archive's index and checksums (~30 ms for the shipped files) without numpy."""
    if not path.is_file():
        return f"no file at {path}"
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
            names = {n.removesuffix(".npy") for n in archive.namelist()}
    except zlib.error as exc:  # compressed data that does not inflate
        return f"{path} is damaged: {exc}"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"{path} is not a NumPy .npz model file: {exc}"
    if damaged is not None:
        return f"{path} is damaged: its array {damaged} fails its checksum"
    halves = {n for n in names if n.endswith((".A", ".B"))}
    unpaired = sorted(n for n in halves if f"{n[:-1]}{'B' if n[-1] == 'A' else 'A'}" not in names)
    missing = [a for a in arrays if a not in names] + ([] if halves else ["the .A/.B updates"])
    if missing or unpaired:
        lacks = ", ".join(missing + [f"the other half of {n}" for n in unpaired])
        return f"{path} lacks {lacks}"
    return None


def adapter_file(setting: str) -> Path | None:
    """The adapter the `matching.minilm_adapter` setting names: "shipped" (the tuned model),
    "none" (plain MiniLM: how the fusion weights are refitted, and a way back should the
    tuned model not suit a community) or the path of an adapter made by `finetune --out`."""
    return model_file(setting, "matching.minilm_adapter", SHIPPED_ADAPTER, "finetune --out")


def reranker_file(setting: str) -> Path | None:
    """The model the `matching.reranker` setting names: "shipped", "none" (no reranking) or
    the path of a file made by `rerank_train --out`."""
    return model_file(
        setting, "matching.reranker", SHIPPED_RERANKER, "rerank_train --out", HEAD_ARRAYS
    )
