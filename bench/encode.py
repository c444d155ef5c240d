"""CPU time of one message's MiniLM encoding: torch (sentence-transformers) against the
model's ONNX Runtime copy, and how closely their vectors agree.

    python bench/encode.py --rounds 5 --repeats 3

Both encoders are the product's (`Encoder()` and `Encoder(exported=True)`, one thread each)
with the shipped adapter; the copy is exported into a temporary folder. Messages are synthetic
posts of ~40 tokens (like a claim-like chat segment), timed alternately, one call at a time,
with `time.process_time`; prints the median per repeat, then the CPU per claim of a batch
encoded in one call. Agreement is the least and mean
cosine over texts of 1 to 256+ tokens. Needs the semantic extra. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verifiers.matching.semantic import Encoder

WORDS = (
    "the government vaccine million people says study new climate tax border police covid "
    "president election fraud water drinking cure cancer doctors secret billion dollars "
    "immigrants crime rate rising falling percent school children phone 5g towers virus "
    "masks do not work banned country europe china wheat prices inflation record lowest "
    "highest ever scientists confirm deny rumour fake photo shows shark flooded street"
)
EXTRAS = ("🤯", "!!!", "#breaking", "@user", "https://t.co/xyz", "1,200,000", "é à ü", "?")


def texts(n: int, lengths: tuple[int, ...], seed: int) -> list[str]:
    """`n` posts of the given word counts, with a few hashtags, emoji, numbers and links."""
    rnd = random.Random(seed)
    words = WORDS.split()
    out = []
    for _ in range(n):
        post = [rnd.choice(words) for _ in range(rnd.choice(lengths))]
        for _ in range(rnd.randint(0, 3)):
            post.insert(rnd.randrange(len(post) + 1), rnd.choice(EXTRAS))
        out.append(" ".join(post))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="calls per message per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--claims", type=int, default=256, help="texts encoded in one call")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        encoders = {
            "torch": Encoder(),
            "onnxruntime": Encoder(exported=True, folder=Path(folder)),
        }
        assert encoders["onnxruntime"].runtime == "onnxruntime", "no exported copy"
        varied = [*texts(200, (1, 3, 8, 15, 30, 60, 120, 300), seed=21), "", "x " * 400]
        a, b = (e.encode(varied) for e in encoders.values())
        cosines = (a * b).sum(axis=1)
        print(f"agreement over {len(varied)} texts: least cosine {cosines.min():.7f}, "
              f"mean {cosines.mean():.7f}")  # fmt: skip
        messages = texts(args.messages, (28, 30, 32), seed=7)
        tokens = statistics.mean(
            len(encoders["torch"].model[0].tokenizer(m)["input_ids"]) for m in messages
        )
        print(f"{len(messages)} messages of {tokens:.1f} tokens on average")
        for repeat in range(args.repeats):
            spent: dict[str, list[float]] = {name: [] for name in encoders}
            for _ in range(args.rounds):
                for message in messages:
                    for name, encoder in encoders.items():
                        start = time.process_time()
                        encoder.encode([message])
                        spent[name].append(time.process_time() - start)
            medians = {n: statistics.median(v) * 1000 for n, v in spent.items()}
            saved = 1 - medians["onnxruntime"] / medians["torch"]
            line = ", ".join(f"{n} {ms:.2f} ms" for n, ms in medians.items())
            print(f"repeat {repeat + 1}: CPU per message (median) {line}: {saved:.0%} less")
        # Claims are encoded in batches (`claimbot embed`: 256 at a time, summaries too).
        claims = texts(args.claims, (8, 15, 25, 40, 60), seed=3)
        for name, encoder in encoders.items():
            start = time.process_time()
            encoder.encode(claims)
            spent_ms = (time.process_time() - start) * 1000 / len(claims)
            print(f"{len(claims)} claims in one call, {name}: {spent_ms:.2f} ms CPU per claim")


if __name__ == "__main__":
    main()
