"""MiniLM's ONNX Runtime copy: the same vectors as torch, rebuilt when its file is broken or
missing, and torch kept (one log line) when it cannot be had."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.semantic

PROSE = (
    "harbour committee denies rumour that bridge tolls triple next spring while farmers "
    "report drought losses of 3.5 billion euros and a viral clip shows sharks swimming "
    "through a flooded motorway near the airport, officials say the footage is old"
)


def varied_texts(n: int) -> list[str]:
    """Texts made here, of 1 to ~300 tokens, with digits, accents, emoji and a bare URL."""
    rnd = random.Random(2026)
    extras = ["😂", "#fakenews", "https://t.co/a1B2", "1,250,000", "naïve café", "?!"]
    texts = ["", "ok", "x " * 300]  # empty, tiny, cut at 256 tokens
    for _ in range(n):
        words = [rnd.choice(PROSE.split()) for _ in range(rnd.choice([2, 9, 20, 35, 60]))]
        words.insert(rnd.randrange(len(words) + 1), rnd.choice(extras))
        texts.append(" ".join(words))
    return texts


@pytest.fixture(scope="module")
def reference() -> Any:
    """The encoder on torch (today's path), shared by the tests of this module."""
    from verifiers.matching.semantic import Encoder

    return Encoder()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from verifiers.matching.semantic import Encoder

    return Encoder(exported=True, folder=tmp_path_factory.mktemp("models"))


def test_the_exported_copy_gives_torchs_vectors(reference: Any, exported: Any) -> None:
    texts = varied_texts(40)
    assert exported.runtime == "onnxruntime"
    assert reference.runtime == "torch"
    ours, theirs = exported.encode(texts), reference.encode(texts)
    assert ours.shape == theirs.shape == (len(texts), 384)
    assert float((ours * theirs).sum(axis=1).min()) >= 0.9999
    assert exported.encode([]).shape == (0, 384)


def test_a_broken_or_missing_file_is_built_again(
    reference: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from verifiers.matching.exported import exported_bert

    bert, tokenizer = reference.model[0].auto_model, reference.model[0].tokenizer
    first = exported_bert(bert, tokenizer, "minilm", tmp_path)  # none there: exported
    assert first is not None
    path = first.path
    assert path.parent == tmp_path
    assert path.stat().st_size > 50_000_000

    path.write_bytes(path.read_bytes()[:1_000_000])  # cut short
    with caplog.at_level(logging.INFO, "verifiers.matching.exported"):
        again = exported_bert(bert, tokenizer, "minilm", tmp_path)
    assert again is not None
    assert again.path == path
    assert path.stat().st_size > 50_000_000
    assert "exporting it again" in caplog.text

    path.unlink()
    assert exported_bert(bert, tokenizer, "minilm", tmp_path) is not None
    assert path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_without_an_exported_copy_torch_does_the_work(
    reference: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from verifiers.matching import exported as module
    from verifiers.matching.semantic import Encoder

    def fail(*_: object) -> None:
        raise RuntimeError("no exporter here\nsecond line")

    monkeypatch.setattr(module, "export", fail)
    with caplog.at_level(logging.WARNING, "verifiers.matching.exported"):
        encoder = Encoder(exported=True, folder=tmp_path)
    assert encoder.runtime == "torch"
    [record] = caplog.records
    assert record.getMessage() == (
        "minilm runs on torch (no ONNX Runtime copy: RuntimeError: no exporter here)"
    )
    texts = varied_texts(3)
    assert float((encoder.encode(texts) * reference.encode(texts)).sum(axis=1).min()) >= 0.9999


def test_handing_out_the_torch_model_turns_the_copy_off(reference: Any, tmp_path: Path) -> None:
    from verifiers.matching.semantic import Encoder

    encoder = Encoder(exported=True, folder=tmp_path)
    assert encoder.runtime == "onnxruntime"
    model = encoder.model  # loaded again; fine-tuning changes its weights: the copy is stale
    assert encoder.runtime == "torch"
    assert model is encoder.model
    texts = varied_texts(3)
    assert float((encoder.encode(texts) * reference.encode(texts)).sum(axis=1).min()) >= 0.9999


def test_the_process_encoder_uses_the_copy_in_the_user_cache(cache_folder: Path) -> None:
    from verifiers.matching.semantic import shared_encoder

    assert shared_encoder().runtime == "onnxruntime"
    assert list((cache_folder / "claimbot" / "models").glob("minilm-*.onnx"))


def test_without_onnxruntime_nothing_is_exported(
    reference: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import sys

    from verifiers.matching.exported import exported_bert

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if not installed
    bert, tokenizer = reference.model[0].auto_model, reference.model[0].tokenizer
    with caplog.at_level(logging.WARNING, "verifiers.matching.exported"):
        assert exported_bert(bert, tokenizer, "minilm", tmp_path) is None
    assert list(tmp_path.iterdir()) == []
    [record] = caplog.records
    assert record.getMessage().startswith("minilm runs on torch (no ONNX Runtime copy: ")


def test_copies_unused_for_a_month_are_removed_when_one_is_exported(
    reference: Any, tmp_path: Path
) -> None:
    import os
    import time

    from verifiers.matching.exported import exported_bert

    stale = tmp_path / "minilm-0123456789ab.onnx"  # another adapter's copy, long unused
    recent = tmp_path / "minilm-ba9876543210.onnx"  # one loaded last week
    other = tmp_path / "reranker-0123456789ab.onnx"  # not this model's
    for path, days in ((stale, 45), (recent, 7), (other, 45)):
        path.write_bytes(b"onnx")
        when = time.time() - days * 86_400
        os.utime(path, (when, when))
    bert, tokenizer = reference.model[0].auto_model, reference.model[0].tokenizer
    made = exported_bert(bert, tokenizer, "minilm", tmp_path)
    assert made is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [made.path.name, recent.name, other.name]
    )
    # Loading a copy marks it used: a month later it is not the stale one.
    old = time.time() - 45 * 86_400
    os.utime(made.path, (old, old))
    assert exported_bert(bert, tokenizer, "minilm", tmp_path) is not None
    assert made.path.stat().st_mtime > time.time() - 60
