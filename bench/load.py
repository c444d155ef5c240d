"""The bot under passive load: `claimbot run` against the fake Discord at rising message rates.

    python bench/load.py --rates 100,200,500 --seconds 20 --claims 10000 --out bench-out/load

One real `claimbot run` process (its own SQLite file: the seed claims and `--claims` synthetic
ones, listening in every channel of one server) is driven through the fake Discord on
127.0.0.1 (tests/fakediscord) by this process: at each rate, for `--seconds`, messages from
`synthetic.messages` (about half state a claim, half are chatter) are posted across
`--channels` channels by as many members, while a member asks `/check` twice a second, after a
warm-up at 50 messages a second that fills the matcher's (bounded) caches. The
reply budgets are raised (`--budgets raised`, the default) so that every message costs a check,
the worst case; `--budgets default` keeps the shipped ones. Reported per rate: messages posted
and replied to, passive reply p50/p99 (from the post to the reply reaching Discord), the
checks shed, the `/check` acknowledgement and answer p50/p99, the worst event-loop lag the bot
logged (its `load` lines), and its memory after the warm-up, at the peak, and a minute after
the last rate. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scale
import synthetic
from arguments import counts, positive

from bot.runner import API_BASE_ENV, GATEWAY_ENV
from tests.fakediscord import FakeDiscord, FakeInteraction
from verifiers.store import open_store

CHECKS_PER_SECOND = 2  # `/check`s asked during each rate
WARMUP_RATE = 50  # messages a second before the measured rates (`--warmup` seconds)
START_DEADLINE = 120.0
_LOAD_LINE = re.compile(r"event=load\b.*")


def build_database(path: Path, size: int, seed: int) -> None:
    store = open_store(str(path), seed=True)
    try:
        batch: list[dict[str, Any]] = []
        for c in synthetic.claims(seed, size):
            batch.append(scale.claim_fields(c))
            if len(batch) == scale.IMPORT_BATCH:
                store.add_claims(batch, actor="bench")
                batch = []
        if batch:
            store.add_claims(batch, actor="bench")
    finally:
        store.close()


def listen_everywhere(path: Path, guild_id: int, channel_ids: list[int]) -> None:
    store = open_store(str(path), seed=False)
    try:
        settings = store.get_settings(guild_id)
        store.save_settings(
            settings.model_copy(update={"listen_channel_ids": channel_ids}), "bench"
        )
    finally:
        store.close()


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class BotLog:
    """The bot's log (stdout), read as it comes: its `load` lines give the loop lag and the
    sheds."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self.loads: list[tuple[float, dict[str, str]]] = []
        self._task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            text = line.decode(errors="replace").rstrip()
            self.lines.append(text)
            found = _LOAD_LINE.search(text)
            if found:
                fields = dict(re.findall(r"(\w+)=(\S+)", found.group(0)))
                self.loads.append((time.monotonic(), fields))

    def between(self, start: float, end: float) -> list[dict[str, str]]:
        return [fields for at, fields in self.loads if start <= at <= end]


async def ask_checks(
    fake: FakeDiscord, guild: Any, user: dict[str, Any], texts: list[str], seconds: float
) -> list[tuple[float | None, float | None]]:
    """`/check` twice a second; per interaction, seconds to its acknowledgement and answer."""
    watchers = []
    for n in range(int(seconds * CHECKS_PER_SECOND)):
        ix = await fake.slash(
            "check", {"text": texts[n % len(texts)]}, guild=guild, channel="c0", user=user
        )
        watchers.append(asyncio.create_task(_watch(ix, time.monotonic())))
        await asyncio.sleep(1 / CHECKS_PER_SECOND)
    return list(await asyncio.gather(*watchers))


async def _watch(ix: FakeInteraction, asked_at: float) -> tuple[float | None, float | None]:
    """Seconds until the bot acknowledged the interaction, and until it answered it."""
    ack = answer = None
    deadline = asked_at + 30
    while answer is None and time.monotonic() < deadline:
        if ack is None and ix.callbacks:
            ack = time.monotonic() - asked_at
        if ix.messages or ix.edits:
            answer = time.monotonic() - asked_at
        await asyncio.sleep(0.002)
    return ack, answer


async def drive(opts: argparse.Namespace, out: Path) -> dict[str, Any]:
    fake = FakeDiscord()
    await fake.start()
    channels = [f"c{n}" for n in range(opts.channels)]
    guild = fake.add_guild("Load", channels=channels)
    members = [fake.add_user(f"member{n}") for n in range(opts.channels)]
    asker = fake.add_user("asker")
    work = Path(tempfile.mkdtemp(prefix="claimbot-load-"))
    db = work / "claims.db"
    print(f"building {opts.claims} claims…", file=sys.stderr)
    build_database(db, opts.claims, opts.seed)
    listen_everywhere(db, guild.id, list(guild.channels.values()))
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    environ.update(
        CLAIMBOT_DISCORD_TOKEN=fake.token,
        CLAIMBOT_DATABASE_URL=str(db),
        CLAIMBOT_DISCORD_DEV_GUILD_ID=str(guild.id),
        CLAIMBOT_DISCORD_COMMAND_RATE="100000",
        **{API_BASE_ENV: fake.api_base, GATEWAY_ENV: fake.gateway_url},
    )
    if opts.budgets == "raised":
        environ.update(
            CLAIMBOT_DISCORD_PASSIVE_CHANNEL_RATE="100000",
            CLAIMBOT_DISCORD_PASSIVE_USER_RATE="100000",
        )
    claimbot = shutil.which("claimbot") or sys.exit("claimbot is not installed: pip install -e .")
    process = await asyncio.create_subprocess_exec(
        claimbot, "run", env=environ, cwd=work,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    log = BotLog(process.stdout)
    try:
        await fake.wait_until(
            lambda: guild.id in fake.commands or process.returncode is not None,
            what="the bot to start",
            timeout=START_DEADLINE,
        )
        if process.returncode is not None:
            sys.exit("the bot exited:\n" + "\n".join(log.lines))
        messages = synthetic.messages(opts.seed, opts.claims, opts.messages)
        asked = [m.text for m in messages if m.source is not None][:50]
        scene = Scene(fake, guild, members, asker, messages, asked, process.pid)
        if opts.warmup:
            # The matcher's caches (bounded) fill on the first few thousand messages: memory
            # is compared from there, so that what a burst keeps is told from warm caches.
            warm = argparse.Namespace(**{**vars(opts), "seconds": opts.warmup})
            await one_rate(scene, WARMUP_RATE, warm)
        await asyncio.sleep(2)  # let the start settle
        rss_start = rss_mb(process.pid)
        rows = []
        peak = rss_start or 0.0
        for rate in opts.rates:
            row, peak_here = await one_rate(scene, rate, opts)
            row.update(summarise_log(log, row.pop("window")))
            rows.append(row)
            peak = max(peak, peak_here)
            print(json.dumps(row), file=sys.stderr)
            await asyncio.sleep(opts.pause)
        await asyncio.sleep(opts.settle)
        rss_after = rss_mb(process.pid)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 60)
        await fake.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "claims": opts.claims,
        "channels": opts.channels,
        "seconds": opts.seconds,
        "budgets": opts.budgets,
        "settle": opts.settle,
        "warmup": opts.warmup,
        "rates": rows,
        "rss_mb": {"start": rss_start, "peak": peak, "a_minute_after": rss_after},
    }


@dataclass(frozen=True, slots=True)
class Scene:
    """The fake Discord, who posts what, and the bot process being measured."""

    fake: FakeDiscord
    guild: Any
    members: list[dict[str, Any]]
    asker: dict[str, Any]
    messages: list[synthetic.Message]
    asked: list[str]
    bot_pid: int


async def one_rate(
    scene: Scene, rate: int, opts: argparse.Namespace
) -> tuple[dict[str, Any], float]:
    """Post `rate` messages a second for `opts.seconds`; the row of figures and the bot's
    peak memory (MiB) sampled once a second."""
    fake, guild, members, messages = scene.fake, scene.guild, scene.members, scene.messages
    channel_ids = list(guild.channels.values())
    sent_before = len(fake.sent)
    posted: dict[str, float] = {}
    checks = asyncio.create_task(ask_checks(fake, guild, scene.asker, scene.asked, opts.seconds))
    start = time.monotonic()
    total = int(rate * opts.seconds)
    peak = 0.0
    for n in range(total):
        due = start + n / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        k = n % len(channel_ids)
        data = await fake.post_message(
            guild, channel_ids[k], members[k], messages[n % len(messages)].text
        )
        posted[data["id"]] = time.monotonic()
        if n % rate == 0:
            peak = max(peak, rss_mb(scene.bot_pid) or 0.0)
    posting_took = time.monotonic() - start
    timings = await checks
    await asyncio.sleep(opts.drain)
    end = time.monotonic()
    replies = []
    for sent in fake.sent[sent_before:]:
        reference = (sent.body.get("message_reference") or {}).get("message_id")
        if reference is not None and str(reference) in posted:
            replies.append(sent.at - posted[str(reference)])
    acks = [a for a, _ in timings if a is not None]
    answers = [b for _, b in timings if b is not None]
    row = {
        "rate": rate,
        "posted": total,
        "posting_s": round(posting_took, 2),
        "replied": len(replies),
        "reply_p50_ms": _ms(scale.percentile(replies, 50)),
        "reply_p99_ms": _ms(scale.percentile(replies, 99)),
        "check_asked": len(timings),
        "check_ack_p99_ms": _ms(scale.percentile(acks, 99)),
        "check_answer_p50_ms": _ms(scale.percentile(answers, 50)),
        "check_answer_p99_ms": _ms(scale.percentile(answers, 99)),
        "check_unanswered": len(timings) - len(answers),
        "window": (start, end),
    }
    return row, peak


def summarise_log(log: BotLog, window: tuple[float, float]) -> dict[str, Any]:
    # A `load` line sums the ten seconds before it: take those ending in the window, and one past.
    loads = log.between(window[0], window[1] + 10.5)
    return {
        "checks": sum(int(f.get("checks", 0)) for f in loads),
        "shed": sum(int(f.get("shed", 0)) for f in loads),
        "worst_loop_lag_ms": max((int(f.get("worst_lag_ms", 0)) for f in loads), default=None),
        "bot_rss_mb": max((int(f["rss_mb"]) for f in loads if f.get("rss_mb", "None") != "None"),
                          default=None),
    }  # fmt: skip


def _ms(seconds: float) -> float | None:
    return None if seconds != seconds else round(seconds * 1000, 1)  # NaN: none measured


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"{report['claims']:,} synthetic claims + seeds, {report['channels']} channels, "
        f"{report['seconds']} s per rate, budgets {report['budgets']}",
        "",
        "| msg/s | posted | replied | reply p50 / p99 | checks | shed | worst loop lag | "
        "/check ack p99 | /check answer p50 / p99 | bot RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rates"]:
        lines.append(
            f"| {r['rate']} | {r['posted']} | {r['replied']} | {r['reply_p50_ms']} / "
            f"{r['reply_p99_ms']} ms | {r['checks']} | {r['shed']} | {r['worst_loop_lag_ms']} ms "
            f"| {r['check_ack_p99_ms']} ms | {r['check_answer_p50_ms']} / "
            f"{r['check_answer_p99_ms']} ms | {r['bot_rss_mb']} MiB |"
        )
    rss = report["rss_mb"]
    lines += [
        "",
        f"Bot memory: {rss['start']:.0f} MiB after {report['warmup']:.0f} s of warm-up at "
        f"{WARMUP_RATE} msg/s, {rss['peak']:.0f} MiB at the peak, "
        f"{rss['a_minute_after']:.0f} MiB {report['settle']:.0f} s after the last rate.",
    ]
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=counts, default=[100, 200, 500])
    parser.add_argument("--seconds", type=positive, default=20)
    parser.add_argument("--claims", type=positive, default=10_000)
    parser.add_argument("--channels", type=positive, default=50)
    parser.add_argument("--messages", type=positive, default=2_000, help="distinct texts")
    parser.add_argument("--budgets", choices=("raised", "default"), default="raised")
    parser.add_argument("--pause", type=float, default=10.0, help="seconds between rates")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help=f"seconds at {WARMUP_RATE} msg/s first"
    )
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for replies")
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds before memory is read again"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder for load.json and load.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    report = asyncio.run(drive(opts, opts.out or Path(".")))
    text = markdown(report)
    print(text)
    if opts.out is not None:
        opts.out.mkdir(parents=True, exist_ok=True)
        (opts.out / "load.json").write_text(json.dumps(report, indent=2))
        (opts.out / "load.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
