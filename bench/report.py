"""Tables (Markdown) and plots (PNG, when matplotlib is installed) from the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    return "\n".join([_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows)])


def tables(r: dict[str, Any]) -> str:
    out: list[str] = []
    if r.get("postgres", {}).get("skipped"):
        out.append(f"PostgreSQL: not measured ({r['postgres']['skipped']})")
    if "latency" in r:
        out += _latency_tables(r["latency"])
    if "ready" in r:
        rd = r["ready"]
        rows = []
        for state in ("new", "existing"):
            h, b = rd["heroes"][state], rd["baseline"][state]
            h_wall, b_wall = (
                h["excluding_guild_ready_timeout_s"],
                b["excluding_guild_ready_timeout_s"],
            )
            rows.append(
                [
                    f"{state} database",
                    f"{h['total_s']} ({h_wall})",
                    f"{b['total_s']} ({b_wall})",
                    _ratio(h_wall, b_wall),
                    f"{h.get('cpu_s', '?')} / {b.get('cpu_s', '?')}"
                    + (f" ({_ratio(h['cpu_s'], b['cpu_s'])})" if "cpu_s" in h else ""),
                    f"{_mb(h['peak_kb'])} / {_mb(b['peak_kb'])}",
                ]
            )
        out.append(
            f"Process start → on_ready, s (in brackets: excluding guild_ready_timeout = "
            f"{rd['guild_ready_timeout_s']} s, which the ratio compares), median; CPU s: what "
            "the process used from its start to ready\n\n"
            + _table(
                [
                    "start",
                    "heroes-bot",
                    "baseline",
                    "ratio",
                    "CPU s heroes / baseline",
                    "peak MB heroes / baseline",
                ],
                rows,
            )
        )
    if "servers" in r:
        out.append(
            "Peak memory at ready by number of servers (MB)\n\n"
            + _table(
                ["servers", "heroes-bot", "baseline", "ratio", "difference", "ready s h / b"],
                [
                    [
                        s["servers"],
                        _mb(s["heroes"]["peak_kb"]),
                        _mb(s["baseline"]["peak_kb"]),
                        s["ratio"],
                        _mb(s["heroes"]["peak_kb"] - s["baseline"]["peak_kb"]),
                        f"{s['heroes']['ready_s']:.2f} / {s['baseline']['ready_s']:.2f}",
                    ]
                    for s in r["servers"]
                ],
            )
        )
    if "scale" in r:
        out += _scale_tables(r["scale"])
    if "broadcast" in r:
        bc = r["broadcast"]
        if "pending" in bc:
            out.append(f"Broadcast: pending ({bc['pending']})")
        else:
            out.append(
                f"Broadcast of one update (global limit {bc['global_per_second']}/s)\n\n"
                + _table(
                    ["channels", "sent", "seconds", "floor s", "ratio", "429s"],
                    [
                        [
                            b["channels"],
                            b["sent"],
                            b["seconds"],
                            b["floor_s"],
                            b["ratio"],
                            b["http_429"],
                        ]
                        for b in bc["rows"]
                    ],
                )
            )
            if bc.get("sharded_postgres"):
                out.append(_sharded_table(bc["sharded_postgres"], bc["global_per_second"]))
    if "speed" in r:
        out.append(_speed_table(r["speed"]))
    if "feeds" in r:
        out.append(_feeds_table(r["feeds"]))
    if "languages" in r:
        out.append(_languages_table(r["languages"]))
    return "\n\n".join(out)


FEED_CYCLES = {
    "first": "first poll (every item new)",
    "not_modified": "nothing new, ETag answered 304",
    "one_new_item_each": "one new item in each feed",
    "unchanged_full_body": "nothing new, whole feed re-sent",
}


def _feeds_table(fd: dict[str, Any]) -> str:
    """One poll cycle of N feeds by the feed watcher: CPU, wall time and peak memory."""
    if "pending" in fd:
        return f"Feeds: pending ({fd['pending']})"
    rows = [
        [
            FEED_CYCLES.get(c["cycle"], c["cycle"]),
            c["feeds_polled"],
            c["items_stored"],
            f"{c['cpu_s']:.2f}",
            f"{c['wall_s']:.2f}",
            _mb(c["peak_kb"]) + ("" if c["peak_is_this_cycle"] else " (process peak)"),
            _mb(c["peak_kb"] - c["rss_before_kb"]) if c["peak_is_this_cycle"] else "–",
        ]
        for c in fd["cycles"]
    ]
    return f"Polling {fd['feeds']} feeds: one cycle of the feed watcher (SQLite)\n\n" + _table(
        ["cycle", "feeds", "items stored", "CPU s", "wall s", "peak MB", "peak − before MB"],
        rows,
    )


def _languages_table(lg: dict[str, Any]) -> str:
    """Per language: a translated lookup, a number, the /sequel status card rendered anew."""
    rows = [
        [row["locale"], row["lookup_ns"], row["number_us"], row["card_us"]] for row in lg["rows"]
    ]
    payload = (
        f"the translated command payload (sync fingerprint): {lg['payload_first_ms']} ms the "
        f"first time, {lg['payload_ms']} ms after"
    )
    return (
        "Languages, in the bot's process\n\n"
        + _table(["language", "_() ns", "format_number µs", "/sequel status card µs"], rows)
        + "\n"
        + payload
    )


def _speed_table(sp: dict[str, Any]) -> str:
    """Each bot with discord.py's [speed] extra against itself without it (ratio with / without)."""
    if "skipped" in sp:
        return f"discord.py [speed] extra: not measured ({sp['skipped']})"

    def cell(fig: dict[str, Any]) -> str:
        return f"{fig.get('p50')} / {fig.get('p99')} / {fig.get('cpu_ms_per_interaction')}"

    rows = [
        [kind]
        + [cell(fig[name]) for name in ("heroes", "heroes_without")]
        + [_ratio3(fig["ratio"]["heroes"])]
        + [cell(fig[name]) for name in ("baseline", "baseline_without")]
        + [_ratio3(fig["ratio"]["baseline"])]
        for kind, fig in sp["kinds"].items()
        if "error" not in fig
    ]
    rows += [
        [kind, fig["error"], "", "", "", "", ""]
        for kind, fig in sp["kinds"].items()
        if "error" in fig
    ]
    ready, mem = sp["ready_s"], sp["memory_kb"]
    for title, values, show in (
        ("start → ready, s (new database, one start)", ready, str),
        ("peak memory (VmHWM, MB)", {n: mem[n].get("VmHWM") for n in mem}, _mb),
    ):
        row = [title]
        for bot in ("heroes", "baseline"):
            with_, without = values[bot], values[f"{bot}_without"]
            row += [show(with_), show(without), _ratio(with_, without)]
        rows.append(row)
    return (
        "discord.py [speed] extra (orjson, zstd-stream gateway, aiodns, Brotli): each bot with "
        "it and without it, in one run, the four processes alternating; ms p50 / p99 / bot CPU "
        "ms per interaction; ratio = with / without (below 1: the extra helps)\n\n"
        + _table(SPEED_HEAD, rows)
    )


SPEED_HEAD = [
    "interaction", "heroes-bot with", "heroes-bot without", "ratio", "baseline with",
    "baseline without", "ratio",
]  # fmt: skip


def _ratio3(ratio: dict[str, float]) -> str:
    return " / ".join(str(ratio.get(k, "–")) for k in ("p50", "p99", "cpu_ms_per_interaction"))


def _latency_tables(lat: dict[str, Any]) -> list[str]:
    pg = any("postgres" in fig for fig in lat["kinds"].values())
    head = ["interaction", "heroes-bot (SQLite)", "baseline", "ratio"]
    head += ["heroes-bot (PostgreSQL)", "ratio PostgreSQL"] if pg else []
    rows = []
    for kind, fig in lat["kinds"].items():
        row = [kind, _p3(fig["heroes"]), _p3(fig["baseline"]), _p3(fig["ratio"])]
        if pg:
            row += [_p3(fig.get("postgres", {})), _p3(fig.get("postgres_ratio", {}))]
        rows.append(row)
    names = [n for n in ("heroes", "postgres") if n in lat["sustained"]]
    label = {"heroes": "heroes-bot (SQLite)", "postgres": "heroes-bot (PostgreSQL)"}
    sus, held, mem = lat["sustained"], lat.get("memory_in_flight_kb"), lat["memory_kb"]

    def line(title: str, values: dict[str, Any], show: Any = str) -> list[Any]:
        cells = [f"{show(values[n])} ({_ratio(values[n], values['baseline'])})" for n in names]
        return [title, *cells, show(values["baseline"])]

    rates = {n: sus[n]["ceiling_per_s"] for n in sus}
    lines = [line("sustained-rate ceiling: highest offered rate with p99 < 100 ms (/s)", rates)]
    for title, kb in (
        ("peak memory at 200 in flight (VmHWM, MB)", held),
        ("peak memory after the sustained-rate steps too (VmHWM, MB)", mem),
    ):
        if kb:
            lines.append(line(title, {n: kb[n].get("VmHWM") for n in kb}, _mb))
    return [
        f"Latency, INTERACTION_CREATE sent → first acknowledgement received, "
        f"{lat['in_flight']} in flight (ms, p50 / p95 / p99; ratio to the baseline)\n\n"
        + _table(head, rows),
        _table(["", *(f"{label[n]} (ratio)" for n in names), "baseline"], lines),
        _ceiling_table(lat),
    ]


def _ceiling_table(lat: dict[str, Any]) -> str:
    """Each bot's ceiling with the CPU (in cores) each process used at it and just above it."""
    label = {"heroes": "heroes-bot (SQLite)", "postgres": "heroes-bot (PostgreSQL)"}
    search = lat.get("ceiling_search", {})

    def cores(cpu: dict[str, float] | None) -> str:
        if not cpu:
            return "–"
        return f"{cpu['harness']} / {cpu['bot']} / {cpu['rest_of_machine']}"

    rows = []
    for name, sus in lat["sustained"].items():
        first_failing = sus["first_failing_per_s"] or f"none up to {search.get('max_rate')}"
        rows.append(
            [
                label.get(name, "baseline (discord.py)"),
                sus["ceiling_per_s"],
                lat.get("ceiling_ratio", {}).get(name, "1"),
                ", ".join(str(c) for c in sus.get("ceilings_per_s", [])),
                first_failing,
                cores(sus.get("cpu_cores_at_ceiling")),
                cores(sus.get("cpu_cores_at_failure")),
                "yes" if sus.get("harness_saturated_at_failure") else "no",
                "yes" if sus.get("machine_saturated_at_failure") else "no",
            ]
        )
    load = lat.get("load_average_before"), lat.get("load_average_after")
    return (
        f"Sustained-rate ceiling: a mix of every kind but buttons offered open loop for "
        f"{search.get('step_seconds')} s a step, x{search.get('factor')} until p99 > 100 ms, "
        f"then bisected to {search.get('precision', 0) * 100:.0f}%; CPU in cores (1.0 = one "
        f"core busy) of harness (emulator + load generator) / bot / rest of the machine; "
        f"at the first failing step, harness saturated = it used >= 0.9 core or offered < 97% "
        f"of the rate, machine saturated = every core >= 95% busy (the bot was short of CPU); "
        f"load average before / after: {_load(load[0])} / {_load(load[1])}\n\n"
        + _table(CEILING_HEAD, rows)
    )


CEILING_HEAD = [
    "bot", "ceiling /s", "ratio", "every search", "first failing /s", "cores at ceiling",
    "cores at first failing", "harness saturated", "machine saturated",
]  # fmt: skip


def _load(values: list[float] | None) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "?"


def _p3(fig: dict[str, Any]) -> str:
    return f"{fig.get('p50')} / {fig.get('p95')} / {fig.get('p99')}"


def _scale_tables(sc: dict[str, Any]) -> list[str]:
    pg = sc.get("postgres")
    tables = []
    for key, first, label, measures in (
        ("quotes", "quotes", "number of quotes", ("search", "autocomplete")),
        ("cast", "cast", "cast size", ("lookup", "autocomplete")),
    ):
        names = {"search": "/quote search:", "lookup": "/cast name: lookup"}
        head = [first] + [f"{names.get(m, m)} SQLite" if pg else names.get(m, m) for m in measures]
        head += [f"{names.get(m, m)} PostgreSQL" for m in measures] if pg else []
        by_n = {row["n"]: row for row in (pg or {}).get(key, [])}
        rows = []
        for row in sc[key]:
            cells = [row["n"], *(_pp(row[m]) for m in measures)]
            if pg:
                other = by_n.get(row["n"], {})
                cells += [_pp(other[m]) if m in other else "–" for m in measures]
            rows.append(cells)
        note = "; PostgreSQL ANALYZEd after each bulk load, as autovacuum would" if pg else ""
        tables.append(f"Handler time by {label} (ms, p50 / p99{note})\n\n" + _table(head, rows))
    return tables


SHARDED_HEAD = [
    "channels", "sent", "seconds", "floor s", "ratio", "first sent s", "global 429s", "429s",
    "duplicates", "servers per shard",
]  # fmt: skip


def _sharded_table(rows: list[dict[str, Any]], per_second: int) -> str:
    return (
        f"Broadcast of one update by three shard processes on one PostgreSQL database (global "
        f"limit {per_second}/s; from the update stored to the last delivery 'sent')\n\n"
        + _table(
            SHARDED_HEAD,
            [
                [
                    b["channels"],
                    b["sent"],
                    b["seconds"],
                    b["floor_s"],
                    b["ratio"],
                    b["first_sent_s"],
                    b["served_global_429"],
                    b["http_429"],
                    b["duplicates"],
                    " / ".join(str(n) for n in b["servers_per_shard"]),
                ]
                for b in rows
            ],
        )
    )


def _mb(kb: int | None) -> str:
    return "?" if kb is None else f"{kb / 1024:.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.3f}" if a and b else "–"


def _pp(fig: dict[str, Any]) -> str:
    return f"{fig.get('p50')} / {fig.get('p99')}"


def plots(r: dict[str, Any], out: Path) -> list[Path]:
    """One PNG per scale curve; none (and no error) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made: list[Path] = []

    def save(fig: Any, name: str) -> None:
        path = out / name
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)

    sc = r.get("scale")
    if sc:
        for key, xlabel, curves, name in (
            (
                "quotes",
                "quotes",
                [("search", "/quote search:"), ("autocomplete", "autocomplete")],
                "scale-quotes.png",
            ),
            (
                "cast",
                "cast members",
                [("lookup", "/cast name: lookup"), ("autocomplete", "autocomplete")],
                "scale-cast.png",
            ),
        ):
            fig, ax = plt.subplots(figsize=(6, 4))
            xs = [row["n"] for row in sc[key]]
            for metric, label in curves:
                for pct, style in (("p50", "-o"), ("p99", "--o")):
                    ax.plot(
                        xs, [row[metric][pct] for row in sc[key]], style, label=f"{label} {pct}"
                    )
            ax.axhline(5, color="grey", lw=0.8, ls=":", label="5 ms target (autocomplete p99)")
            ax.set(
                xscale="log",
                yscale="log",
                xlabel=xlabel,
                ylabel="handler time (ms)",
                title=f"Handler time by number of {xlabel}",
            )
            ax.legend(fontsize=7)
            save(fig, name)
    servers = r.get("servers")
    if servers:
        fig, ax = plt.subplots(figsize=(6, 4))
        xs = [s["servers"] for s in servers]
        for bot in ("heroes", "baseline"):
            ax.plot(
                xs,
                [s[bot]["peak_kb"] / 1024 for s in servers],
                "-o",
                label="heroes-bot" if bot == "heroes" else "baseline (discord.py)",
            )
        ax.set(
            xscale="log",
            xlabel="servers",
            ylabel="peak memory at ready (MB)",
            title="Memory by number of servers",
        )
        ax.legend()
        save(fig, "scale-servers.png")
    bc = r.get("broadcast")
    if bc and bc.get("rows"):
        fig, ax = plt.subplots(figsize=(6, 4))
        xs = [b["channels"] for b in bc["rows"]]
        ax.plot(xs, [b["seconds"] for b in bc["rows"]], "-o", label="broadcast")
        ax.plot(xs, [b["floor_s"] for b in bc["rows"]], "--", label="floor (50 requests/s)")
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="following channels",
            ylabel="seconds",
            title="Broadcast time by following channels",
        )
        ax.legend()
        save(fig, "scale-broadcast.png")
    lat = r.get("latency")
    if lat:
        fig, ax = plt.subplots(figsize=(6, 4))
        for bot in ("heroes", "baseline"):
            steps = sorted(lat["sustained"][bot]["steps"], key=lambda s: s["offered_per_s"])
            ax.plot(
                [s["offered_per_s"] for s in steps],
                [s.get("p99", 0) for s in steps],
                "-o",
                label="heroes-bot" if bot == "heroes" else "baseline (discord.py)",
            )
        ax.axhline(100, color="grey", lw=0.8, ls=":", label="100 ms")
        ax.set(
            xlabel="offered interactions/s",
            ylabel="p99 latency (ms)",
            yscale="log",
            title="p99 latency by offered rate",
        )
        ax.legend()
        save(fig, "sustained-rate.png")
    return made
