"""MiniLM run by ONNX Runtime: the same weights, exported from torch once, faster per text.

The semantic matcher encodes one short message at a time on one thread, where torch spends a
good part of its time around the arithmetic rather than in it. The model exported to ONNX and
run by ONNX Runtime (fp32, full graph optimisation, one thread) gives the same vectors (cosine
to torch's ≥ 0.99999 on varied texts) in ~30–40% less CPU time (docs/benchmarks.md).

Nothing is downloaded: the first process to need it exports the model it has loaded (with its
adapter merged in) into the user cache folder (~/.cache/claimbot/models on Linux, ~10 s and
~90 MB once per set of weights); the file is named by a digest of the weights, so another
adapter gets another file and a stale one is never read. Every load checks the file against
torch on a few probe texts: a file that does not load or does not agree is built again, and
when that fails too (no `onnxruntime` or `onnx` installed, an export error), the caller keeps
torch, with one log line.

Texts are run one at a time, never padded into a batch: measured, ONNX Runtime is fastest so
(in batches of 64, claims took ~80% more CPU per text than one text after another).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifiers.paths import cache_path

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger(__name__)

EXPORT_RECIPE = "bert-hidden/torchscript-opset17/v1"  # change with `export`: new files
OPSET = 17
# Texts the exported copy must agree on with torch before it is used (varied lengths).
PROBES = (
    "",
    "5G towers spread the virus, says a post shared 40,000 times 🤯",
    "The minister did not resign; the photo of the flooded street is from 2017 and shows "
    "another city entirely, according to the local newspaper's archive.",
)
AGREEMENT = 0.99999  # least cosine between an exported copy's vectors and torch's
UNUSED_DAYS = 30  # an exported copy no process loaded for this long is removed


def models_folder() -> Path:
    """Where exported models are kept: `models/` in the user cache folder."""
    return cache_path("models")


class ExportedBert:
    """A BERT model's last hidden state for one text (or text pair), by ONNX Runtime.

    Not locked: the session itself is thread-safe, and its owner serialises the tokenizer.
    """

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # as torch: one thread (see `semantic.Encoder`)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting thread pool on a shared machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: a load's warnings are not the user's
        self.path = path
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def hidden(self, tokens: dict[str, Any]) -> np.ndarray:
        """The last hidden state, (1, tokens, hidden), of one tokenised text (numpy arrays)."""
        import numpy as np

        feed = {name: np.asarray(tokens[name], dtype=np.int64) for name in self._inputs}
        return self._session.run(None, feed)[0]  # type: ignore[no-any-return]


def weights_digest(bert: Any) -> str:
    """A digest of the model's weights and of the export recipe: the exported file's name."""
    digest = hashlib.sha256(EXPORT_RECIPE.encode())
    for name, tensor in sorted(bert.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:20]


def mean_pooled(hidden: np.ndarray) -> np.ndarray:
    """The mean of one text's token vectors (no padding: every token counts)."""
    return hidden[0].mean(axis=0)  # type: ignore[no-any-return]


def unit(vector: np.ndarray) -> np.ndarray:
    """`vector` scaled to length 1 (as sentence-transformers' Normalize: eps 1e-12)."""
    import numpy as np

    return vector / max(float(np.linalg.norm(vector)), 1e-12)  # type: ignore[no-any-return]


def exported_bert(
    bert: Any, tokenizer: Any, name: str, folder: Path | None = None
) -> ExportedBert | None:
    """The exported copy of `bert` (a transformers BertModel in eval mode), loaded from
    `folder` (default `models_folder()`) or exported there first; None, with one log line,
    when it cannot be had or does not agree with torch (the caller then keeps torch)."""
    folder = folder or models_folder()
    try:
        import onnxruntime  # noqa: F401  (missing: say so before exporting for nothing)

        path = folder / f"{name}-{weights_digest(bert)}.onnx"
        if path.is_file():
            loaded = _checked(path, bert, tokenizer)
            if loaded is not None:
                os.utime(path)  # in use: `forget_unused` keeps it
                return loaded
            log.info("the exported model %s was broken or stale: exporting it again", path)
        export(bert, tokenizer, path)
        loaded = _checked(path, bert, tokenizer)
        if loaded is None:
            raise ValueError("the exported file does not load, or its vectors differ from torch's")
        forget_unused(folder, name)
        return loaded
    except Exception as exc:  # any failure here only costs speed: torch does the work
        log.warning("%s runs on torch (no ONNX Runtime copy: %s)", name, _one_line(exc))
        return None


def forget_unused(folder: Path, name: str, days: float = UNUSED_DAYS) -> list[Path]:
    """Remove the copies of `name` no process has loaded for `days` (each ~90 MB: one per
    set of weights, so a changed adapter would leave the old one behind for good). A copy
    in use is touched at every load; one of weights still in use elsewhere is exported
    again if ever removed. Returns the files removed."""
    cutoff = time.time() - days * 86_400
    removed = []
    for old in folder.glob(f"{name}-*.onnx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                removed.append(old)
        except OSError:  # another process removed or replaced it first
            continue
    if removed:
        log.info("removed %d exported model(s) unused for %g days", len(removed), days)
    return removed


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def _checked(path: Path, bert: Any, tokenizer: Any) -> ExportedBert | None:
    """The session of `path` when it loads and agrees with `bert` on `PROBES`, else None."""
    try:
        exported = ExportedBert(path)
        return exported if agreement(exported, bert, tokenizer) >= AGREEMENT else None
    except Exception as exc:  # a truncated or foreign file: ONNX Runtime's own error
        log.debug("could not load %s: %s", path, _one_line(exc))
        return None


def agreement(exported: ExportedBert, bert: Any, tokenizer: Any) -> float:
    """The least cosine, over `PROBES` and their pairs, between the pooled vectors of the
    exported copy and of torch."""
    import numpy as np
    import torch

    inputs: list[tuple[str, ...]] = [(p,) for p in PROBES] + [(PROBES[1], PROBES[2])]
    least = 1.0
    for text in inputs:
        tokens = tokenizer(*text, return_tensors="np")
        with torch.inference_mode():
            reference = bert(**{k: torch.from_numpy(v) for k, v in tokens.items()})
        a = unit(mean_pooled(reference.last_hidden_state.numpy()))
        b = unit(mean_pooled(exported.hidden(tokens)))
        least = min(least, float(np.dot(a, b)))
    return least


def export(bert: Any, tokenizer: Any, path: Path) -> None:
    """Write `bert` to `path` as an ONNX model of one text (or pair) of any length: written
    to a temporary file beside it, then renamed, so no reader sees half a file.

    torch's TorchScript exporter (`dynamo=False`): its graph ran ~8% faster here than the
    `torch.export` one's and it needs `onnx` only; the check on load guards what tracing
    might have fixed (the texts are never padded, so the attention mask is all ones).
    """
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tokens = tokenizer("an example text", "and its pair", return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {1: "tokens"} for n in [*names, "hidden"]}
    fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".onnx.tmp", dir=path.parent)
    os.close(fd)
    try:
        with _quiet(), torch.no_grad():
            torch.onnx.export(
                _hidden_state(bert).eval(),
                tuple(tokens[n] for n in names),
                tmp,
                input_names=names,
                output_names=["hidden"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _hidden_state(bert: Any) -> Any:
    """`bert` as a module of positional inputs returning its last hidden state (what the
    exporter takes)."""
    import torch

    class HiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return HiddenState()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's progress lines, warnings and log records are not the user's: a
    semantic `claimbot check` prints its answer and nothing else."""
    loggers = [logging.getLogger(n) for n in ("torch", "torch.onnx")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
