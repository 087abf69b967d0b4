"""discord.py's [speed] extra measured within one run: each bot with it and without it.

The four bot processes run from the same venv; "without" starts them with
``--without-speed-extra`` (bench.bot_process), which blocks orjson, zstandard, aiodns/pycares and
Brotli before discord.py is imported, exactly as if they were not installed. Each bot then speaks
zlib-stream to the emulator and parses JSON with the standard library; "with" speaks zstd-stream
(the emulator sends zstd frames, as Discord does) and parses with orjson.
"""

from __future__ import annotations

import contextlib
import importlib.util
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import live

EXTRA = ("orjson", "zstandard", "aiodns", "brotli")
WITHOUT = ["--without-speed-extra"]
# name -> (bot kind, arguments of bench.bot_process)
TARGETS = {
    "heroes": ("heroes", []),
    "heroes_without": ("heroes", WITHOUT),
    "baseline": ("baseline", []),
    "baseline_without": ("baseline", WITHOUT),
}


def missing_extra() -> list[str]:
    return [name for name in EXTRA if importlib.util.find_spec(name) is None]


async def run_speed(
    kinds: list[str], per_kind: int, in_flight: int, rounds: int, work: Path, log: Callable
) -> dict[str, Any]:
    """Per kind: latency and the bot's CPU per interaction, closed loop, the four alternating."""
    missing = missing_extra()
    if missing:
        return {"skipped": f"not installed: {', '.join(missing)} (pip install 'discord.py[speed]')"}
    out: dict[str, Any] = {"kinds": {}}
    async with contextlib.AsyncExitStack() as stack:
        targets = {
            name: await stack.enter_async_context(
                live.target(
                    kind,
                    workdir=work / name,
                    users=in_flight,
                    guild_ready_timeout=0.1,
                    extra_args=args,
                )
            )
            for name, (kind, args) in TARGETS.items()
        }
        out["modules"] = {name: t.bot.ready["speed"] for name, t in targets.items()}
        out["ready_s"] = {name: round(t.bot.ready_seconds, 3) for name, t in targets.items()}
        for kind in kinds:
            try:
                figure = await _measure_kind(targets, kind, per_kind, in_flight, rounds)
            except TimeoutError:  # one stalled bot (a busy machine) costs this kind, not the run
                figure = {"error": f"an interaction was not acknowledged in {live.ACK_TIMEOUT} s"}
            out["kinds"][kind] = figure
            log(f"speed {kind}: {figure.get('ratio', figure.get('error'))}")
        last = next(reversed(targets["heroes"].emu.state.interactions.values()))
        out["micro_us"] = micro(last.payload)
        out["memory_kb"] = {name: t.bot.memory() for name, t in targets.items()}
        out["violations"] = {name: len(t.emu.violations) for name, t in targets.items()}
    return out


async def _measure_kind(
    targets: dict[str, live.Target], kind: str, per_kind: int, in_flight: int, rounds: int
) -> dict[str, Any]:
    names = list(targets)
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu_seconds = dict.fromkeys(names, 0.0)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            t = targets[name]
            send = t.sends[kind]
            await live.closed_loop(send, total=in_flight, in_flight=in_flight)  # warm-up
            before = live.proc_cpu_seconds(t.bot.pid)
            samples[name] += await live.closed_loop(
                send, total=per_kind // rounds, in_flight=in_flight
            )
            cpu_seconds[name] += live.proc_cpu_seconds(t.bot.pid) - before
    figure: dict[str, Any] = {}
    for name in names:
        figure[name] = live.percentiles(samples[name])
        figure[name]["cpu_ms_per_interaction"] = round(
            cpu_seconds[name] * 1000 / max(1, len(samples[name])), 4
        )
    figure["ratio"] = {bot: _ratios(figure[bot], figure[f"{bot}_without"]) for bot in BOTS}
    return figure


BOTS = ("heroes", "baseline")


def micro(interaction: dict[str, Any], number: int = 5000) -> dict[str, Any]:
    """What the extra changes per interaction, in this process (µs, best of 5): decoding one
    INTERACTION_CREATE gateway frame (as the emulator sent it) with each library and stream
    compression, and encoding a sequel-card-sized reply body as discord.py does."""
    import json
    import zlib

    import orjson
    import zstandard

    from .baseline import LARGE_EMBED

    text = json.dumps({"op": 0, "s": 1, "t": "INTERACTION_CREATE", "d": interaction})
    reply = {"type": 4, "data": {"embeds": [LARGE_EMBED.to_dict()], "flags": 64}}

    def best(call: Callable[[], object]) -> float:
        return round(min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6, 2)

    frames = _frames(text.encode(), zlib, zstandard)
    zstd = zstandard.ZstdDecompressor()
    return {
        "frame_bytes": {"json": len(text)} | {k: len(f[0]) for k, f in frames.items()},
        "decode_json": best(lambda: json.loads(text)),
        "decode_orjson": best(lambda: orjson.loads(text)),
        "encode_json": best(lambda: json.dumps(reply, separators=(",", ":"), ensure_ascii=True)),
        "encode_orjson": best(lambda: orjson.dumps(reply).decode()),
        "inflate_zlib": best(_inflater(frames["zlib-stream"][0], zlib.decompressobj)),
        "inflate_zstd": best(_inflater(frames["zstd-stream"][0], zstd.decompressobj)),
    }


def _frames(data: bytes, zlib: Any, zstandard: Any) -> dict[str, list[bytes]]:
    """The message as the first and the second frame of each stream: the first carries the
    stream's header (it decodes alone), the second is what each later message costs."""
    deflate, zstd = zlib.compressobj(), zstandard.ZstdCompressor().compressobj()
    frames: dict[str, list[bytes]] = {"zlib-stream": [], "zstd-stream": []}
    for _ in range(2):
        frames["zlib-stream"].append(deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH))
        frames["zstd-stream"].append(
            zstd.compress(data) + zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        )
    return frames


def _inflater(frame: bytes, new: Callable[[], Any]) -> Callable[[], object]:
    """Decode one frame with a fresh decompressor (its set-up included: an upper bound)."""
    return lambda: new().decompress(frame)


def _ratios(with_: dict[str, Any], without: dict[str, Any]) -> dict[str, float]:
    """with / without: below 1 is the extra helping."""
    return {
        key: round(with_[key] / without[key], 3)
        for key in ("p50", "p99", "cpu_ms_per_interaction")
        if without.get(key)
    }
