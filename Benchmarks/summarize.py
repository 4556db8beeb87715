#!/usr/bin/env python3
"""One markdown row per benchmark from package-benchmark's JMH export, with fractional per-operation values.

    swift package --disable-sandbox benchmark --format jmh --path /tmp/netkit-bench
    python3 summarize.py /tmp/netkit-bench/Current_run.jmh.json

The text output of `swift package benchmark` rounds every per-operation value to an integer, which hides
sub-nanosecond byte-order operations and fractional malloc counts per round trip. The JMH export keeps the
per-iteration samples; every NetKit benchmark runs 1000 operations per iteration (`scalingFactor: .kilo`),
so this divides by `--ops` (default 1000).

Columns: wall clock per operation (p50 and mean over the iterations), CPU time per operation (mean: the
kernel counts CPU time in 10 ms ticks, so single samples are 0 or 10 ms and only the mean of many is
meaningful), mallocs per operation (mean), and operations per second at the p50 wall clock. The harness itself
makes about 16 mallocs per iteration (0.016 per operation), see "Harness: empty iteration".
"""
import argparse
import json
import statistics
import sys


# The JMH export writes spaces as underscores; these names really contain one.
UNDERSCORED = ("inet_pton", "inet_ntop", "IP(_:)")


def unmangle(name):
    name = name.replace("_", " ")
    for original in UNDERSCORED:
        name = name.replace(original.replace("_", " "), original)
    return name


def fmt_time(ns):
    if ns >= 10_000:
        return f"{ns / 1000:.1f} µs"
    if ns >= 100:
        return f"{ns:.0f} ns"
    if ns >= 10:
        return f"{ns:.1f} ns"
    return f"{ns:.2f} ns"


def fmt_rate(per_second):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.3g} {unit}/s"
    return f"{per_second:.3g} /s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jmh", nargs="+", help="Current_run.jmh.json file(s) from --format jmh")
    parser.add_argument("--ops", type=int, default=1000, help="operations per iteration (scalingFactor)")
    args = parser.parse_args()

    rows = []
    for path in args.jmh:
        with open(path) as f:
            for element in json.load(f):
                # "package.benchmark.<Target>.<name with spaces as underscores>"
                _, _, target, name = element["benchmark"].split(".", 3)
                name = unmangle(name)
                metrics = element["secondaryMetrics"]
                wall = metrics["Time (wall clock)"]["rawData"][0]  # µs per iteration = ns per op at 1000 ops
                per_op_ns = [v * 1000 / args.ops for v in wall]
                cpu = metrics.get("Time (total CPU)", {}).get("rawData", [[]])[0]
                mallocs = metrics.get("Malloc (total)", {}).get("rawData", [[]])[0]
                p50 = statistics.median(per_op_ns)
                rows.append((
                    target,
                    name,
                    fmt_time(p50),
                    fmt_time(statistics.fmean(per_op_ns)),
                    fmt_time(statistics.fmean(cpu) * 1000 / args.ops) if cpu else "–",
                    f"{statistics.fmean(mallocs) / args.ops:.2f}" if mallocs else "–",
                    fmt_rate(1e9 / p50) if p50 > 0 else "–",
                    str(len(wall)),
                ))
    header = ("target", "benchmark", "wall p50", "wall mean", "CPU mean", "mallocs/op", "ops/s (p50)", "samples")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) + "|")
    for row in sorted(rows, key=lambda row: (row[0], row[1])):
        print("| " + " | ".join(row) + " |")
    harness = [row for row in rows if row[1] == "Harness: empty iteration"]
    if harness:
        print(f"\nCPU time comes from the kernel in 10 ms ticks, sampled around each iteration together with the"
              f" harness's own work (the empty iteration shows {harness[0][4]} CPU and {harness[0][5]} mallocs per"
              f" operation): compare CPU only for the network rows, whose iterations last milliseconds.")


if __name__ == "__main__":
    sys.exit(main())
