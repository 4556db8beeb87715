#!/usr/bin/env python3
"""Plot server CPU µs per request against connections from the echo harness's results.jsonl files.

    Scripts/plot-performance.py ../shared/bench/results/<run>/results.jsonl [more.jsonl ...] -o cpu.png

Reads the pingpong rows (one JSON object per line, written by ../shared/bench/run.sh), computes the server's
CPU cost per request as the harness does (server_cpu_pct / 100 / rps * 1e6, i.e. µs of server CPU time per
request), and plots its median over the repetitions against the number of connections (1, 64, 1000: whatever
the files hold), one line per server, with the min–max range as error bars. Go, C, NIO, FlyingSocks and NetKit
servers get fixed colours by name. A markdown table of the same numbers, with req/s and the ratio to go-echo,
goes to stdout.

Compare servers only within one run: the machine drifts 10–30 % between runs (see perf-anchors.md). When the
same server name appears in several files, each gets its own line, labelled with its run folder.

Uses matplotlib when it is installed (`pip install matplotlib`); otherwise a small built-in PNG writer draws
the same lines without text, and the legend (colour → server) is printed on stderr.
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import zlib
from collections import defaultdict

# Fixed colours per server family (matched on the server name's prefix).
FAMILIES = [
    ("Go", ("go",), "#00add8"),
    ("C", ("c-", "c_"), "#555555"),
    ("NIO", ("nio",), "#f05138"),
    ("FlyingSocks", ("flyingsocks", "fs-", "fs_"), "#9b59b6"),
    ("NetKit", ("nk", "netkit"), "#2e7d32"),
]
EXTRA_COLOURS = ["#e6a700", "#1f77b4", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]


def family_of(server):
    name = server.lower()
    for family, prefixes, colour in FAMILIES:
        if name.startswith(prefixes):
            return family, colour
    return None, None


def load(paths, size):
    """(label, conns) -> list of (cpu µs/req, rps), and the run label of every series."""
    samples = defaultdict(list)
    servers_per_file = []
    rows_per_file = []
    for path in paths:
        rows = []
        with open(path) as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    print(f"{path}:{number}: skipped, not JSON ({error})", file=sys.stderr)
        rows_per_file.append(rows)
        servers_per_file.append({r.get("server") for r in rows})
    # A server name seen in more than one file is labelled with its run folder.
    seen = defaultdict(int)
    for servers in servers_per_file:
        for server in servers:
            seen[server] += 1
    runs = [os.path.basename(os.path.dirname(os.path.abspath(path))) or path for path in paths]
    if len(set(runs)) < len(runs):  # the same folder name twice: fall back to the paths
        runs = list(paths)
    for run, rows in zip(runs, rows_per_file):
        for r in rows:
            if r.get("mode") != "pingpong" or r.get("status", "ok") != "ok":
                continue
            if size is not None and r.get("size") != size:
                continue
            cpu, rps, conns, server = r.get("server_cpu_pct"), r.get("rps"), r.get("conns"), r.get("server")
            if cpu is None or not rps or rps <= 0 or conns is None or server is None:
                continue
            label = f"{server} @ {run}" if seen[server] > 1 else server
            samples[(label, conns)].append((cpu / 100 / rps * 1e6, rps))
    return samples


def summarize(values):
    return statistics.median(values), min(values), max(values)


def colours_for(labels):
    colours, extra = {}, 0
    for label in labels:
        _, colour = family_of(label)
        if colour is None or colour in colours.values():
            colour = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
        colours[label] = colour
    return colours


def order_key(label):
    family, _ = family_of(label)
    names = [f[0] for f in FAMILIES]
    return (names.index(family) if family in names else len(names), label)


def markdown(samples, labels, conns_list, baseline):
    print("### Server CPU µs per request (pingpong), median (min–max) over repetitions; lower is better\n")
    print("| server | " + " | ".join(f"{c} conn{'s' if c != 1 else ''}" for c in conns_list) + " |")
    print("|---|" + "---:|" * len(conns_list))
    for label in labels:
        cells = []
        for conns in conns_list:
            data = samples.get((label, conns))
            if not data:
                cells.append("–")
                continue
            med, lo, hi = summarize([d[0] for d in data])
            cells.append(f"**{med:.2f}** ({lo:.2f}–{hi:.2f}, n={len(data)})")
        print(f"| {label} | " + " | ".join(cells) + " |")

    print("\n### Requests per second, median over repetitions; higher is better\n")
    print("| server | " + " | ".join(f"{c} conn{'s' if c != 1 else ''}" for c in conns_list) + " |")
    print("|---|" + "---:|" * len(conns_list))
    for label in labels:
        cells = []
        for conns in conns_list:
            data = samples.get((label, conns))
            cells.append(f"{statistics.median([d[1] for d in data]):,.0f}" if data else "–")
        print(f"| {label} | " + " | ".join(cells) + " |")

    def baseline_of(label):  # the baseline of the same run when labels carry "@ run"
        return baseline + label[label.index(" @ "):] if " @ " in label else baseline

    if any(baseline_of(label) in labels for label in labels):
        print(f"\n### CPU µs per request relative to {baseline} of the same run (< 1 = cheaper than {baseline})\n")
        print("| server | " + " | ".join(f"{c} conn{'s' if c != 1 else ''}" for c in conns_list) + " |")
        print("|---|" + "---:|" * len(conns_list))
        for label in labels:
            cells = []
            for conns in conns_list:
                data, base = samples.get((label, conns)), samples.get((baseline_of(label), conns))
                if not data or not base:
                    cells.append("–")
                    continue
                ratio = summarize([d[0] for d in data])[0] / summarize([d[0] for d in base])[0]
                cells.append(f"{ratio:.2f}×")
            print(f"| {label} | " + " | ".join(cells) + " |")


def plot_matplotlib(samples, labels, conns_list, colours, output, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for label in labels:
        xs, ys, lows, highs = [], [], [], []
        for conns in conns_list:
            data = samples.get((label, conns))
            if not data:
                continue
            med, lo, hi = summarize([d[0] for d in data])
            xs.append(conns)
            ys.append(med)
            lows.append(med - lo)
            highs.append(hi - med)
        if not xs:
            continue
        family, _ = family_of(label)
        name = f"{label} ({family})" if family and family.lower() not in label.lower() else label
        ax.errorbar(xs, ys, yerr=[lows, highs], marker="o", capsize=4, linewidth=2, color=colours[label], label=name)
        for x, y in zip(xs, ys):
            ax.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8, color=colours[label])
    ax.set_xscale("log")
    ax.set_xticks(conns_list)
    ax.set_xticklabels([str(c) for c in conns_list])
    ax.minorticks_off()
    ax.set_xlim(min(conns_list) / 1.8, max(conns_list) * 1.8)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("connections (pingpong, 64 B messages)")
    ax.set_ylabel("server CPU µs per request (lower is better)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(output)
    plt.close(fig)


def plot_fallback(samples, labels, conns_list, colours, output):
    """A minimal PNG (no text): axes, grid lines every 5 µs, one coloured polyline with markers per server."""
    width, height, left, right, top, bottom = 800, 500, 60, 30, 30, 50
    pixels = bytearray(b"\xff" * (width * height * 3))

    def put(x, y, rgb):
        if 0 <= x < width and 0 <= y < height:
            i = (y * width + x) * 3
            pixels[i:i + 3] = rgb

    def line(x0, y0, x1, y1, rgb, thick=1):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for s in range(steps + 1):
            x = round(x0 + (x1 - x0) * s / steps)
            y = round(y0 + (y1 - y0) * s / steps)
            for dx in range(-(thick // 2), thick - thick // 2):
                for dy in range(-(thick // 2), thick - thick // 2):
                    put(x + dx, y + dy, rgb)

    def rgb_of(colour):
        return bytes(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    top_value = max((max(d[0] for d in v) for v in samples.values()), default=1) * 1.1
    lx, hx = math.log(min(conns_list) / 1.8), math.log(max(conns_list) * 1.8)

    def to_px(conns, value):
        x = left + (math.log(conns) - lx) / (hx - lx) * (width - left - right)
        y = height - bottom - value / top_value * (height - top - bottom)
        return round(x), round(y)

    grey, black = bytes((225, 225, 225)), bytes((0, 0, 0))
    for v in range(0, int(top_value) + 1, 5):
        _, y = to_px(1, v)
        line(left, y, width - right, y, grey)
    for conns in conns_list:
        x, _ = to_px(conns, 0)
        line(x, top, x, height - bottom, grey)
    line(left, height - bottom, width - right, height - bottom, black)
    line(left, top, left, height - bottom, black)
    for label in labels:
        rgb = rgb_of(colours[label])
        points = []
        for conns in conns_list:
            data = samples.get((label, conns))
            if data:
                points.append(to_px(conns, summarize([d[0] for d in data])[0]))
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            line(x0, y0, x1, y1, rgb, thick=3)
        for x, y in points:
            for dx in range(-4, 5):
                for dy in range(-4, 5):
                    if dx * dx + dy * dy <= 16:
                        put(x + dx, y + dy, rgb)
        print(f"fallback PNG: {colours[label]} = {label}", file=sys.stderr)
    print(f"fallback PNG: grid lines every 5 µs; x = {', '.join(map(str, conns_list))} connections (log scale)",
          file=sys.stderr)

    raw = b"".join(b"\x00" + bytes(pixels[y * width * 3:(y + 1) * width * 3]) for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(output, "wb") as f:
        f.write(png)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", help="results.jsonl files written by bench/run.sh")
    parser.add_argument("-o", "--output", default="server-cpu-per-request.png", help="PNG to write")
    parser.add_argument("--size", type=int, default=64, help="message size to plot (default 64; 0 = any)")
    parser.add_argument("--baseline", default="go-echo", help="server for the ratio table (default go-echo)")
    parser.add_argument("--title", default="Echo servers over loopback: server CPU cost per request")
    parser.add_argument("--no-matplotlib", action="store_true", help="use the built-in PNG writer")
    args = parser.parse_args()

    samples = load(args.results, args.size or None)
    if not samples:
        print("no pingpong rows with server_cpu_pct in the given files", file=sys.stderr)
        return 1
    labels = sorted({label for label, _ in samples}, key=order_key)
    conns_list = sorted({conns for _, conns in samples})
    colours = colours_for(labels)

    markdown(samples, labels, conns_list, args.baseline)
    used = "built-in PNG writer"
    if not args.no_matplotlib:
        try:
            plot_matplotlib(samples, labels, conns_list, colours, args.output, args.title)
            used = "matplotlib"
        except ImportError:
            print("matplotlib is not installed (pip install matplotlib): using the built-in PNG writer",
                  file=sys.stderr)
    if used != "matplotlib":
        plot_fallback(samples, labels, conns_list, colours, args.output)
    print(f"\nPlot: {args.output} ({used})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
