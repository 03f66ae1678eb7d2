#!/usr/bin/python3
"""Tables and the summary line of one bench/run (its JSON-lines file).

    bench/report.py [--cores N] RUN.jsonl      tables + `summary: ...` (the last line)
    bench/report.py --micro GBENCH.json        Google Benchmark's JSON as one of our JSON lines

sumo_meso_ratio = SUMO meso wall time ÷ Tsunagi's on the same car evacuation, SUMO routing on
free-flow times as Tsunagi does (bench/sumo_compare.py).
bandwidth_fraction = bytes moved per agent-update (cache-line model, tsunagi_bench) × updates per
second ÷ the STREAM triad bandwidth with the same number of threads, for the largest population
run on one thread (see docs/benchmarks.md for the byte model and what it leaves out).
"""

import argparse
import json
import math
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def micro_line(path):
    with open(path) as f:
        g = json.load(f)
    rows = []
    bench = g.get("benchmarks", [])
    # With --benchmark_repetitions keep only the medians.
    if any(b.get("run_type") == "aggregate" for b in bench):
        bench = [b for b in bench if b.get("aggregate_name") == "median"]
    for b in bench:
        rows.append({k: b[k] for k in ("name", "real_time", "cpu_time", "time_unit",
                                       "items_per_second", "bytes_per_second") if k in b})
    print(json.dumps({"bench": "micro", "context": {k: g["context"].get(k) for k in
                                                    ("num_cpus", "mhz_per_cpu", "load_avg")},
                      "results": rows}))


def sci(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    e = int(math.floor(math.log10(abs(x)))) if x else 0
    return f"{x / 10 ** e:.2f}e{e}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run", nargs="?")
    ap.add_argument("--micro")
    ap.add_argument("--cores", type=int, default=0)
    a = ap.parse_args()
    if a.micro:
        micro_line(a.micro)
        return 0
    rows = load(a.run)
    stream = {r["threads"]: r for r in rows if r["bench"] == "stream"}
    syn = [r for r in rows if r["bench"] == "synthetic"]
    mpi = [r for r in rows if r["bench"] == "mpi"]
    micro = [r for r in rows if r["bench"] == "micro"]
    sumo = [r for r in rows if r["bench"] == "sumo_meso"]

    if stream:
        print("\nSTREAM (GB/s, best of the repetitions)")
        print(f"{'threads':>7} {'copy':>8} {'scale':>8} {'add':>8} {'triad':>8}")
        for t, r in sorted(stream.items()):
            print(f"{t:>7} {r['copy_gbs']:>8.2f} {r['scale_gbs']:>8.2f} {r['add_gbs']:>8.2f} "
                  f"{r['triad_gbs']:>8.2f}")

    def fraction(r, key="line_gb_per_s"):
        s = stream.get(r["threads"])
        return r[key] / s["triad_gbs"] if s and key in r else float("nan")

    if syn:
        print("\nSynthetic scenario (scenarios/demo.yaml scaled; active updates per core-second; "
              "bytes per update: streamed lower bound / cache-line model; bw = cache-line GB/s "
              "÷ triad)")
        print(f"{'residents':>10} {'thr':>3} {'build_s':>7} {'run_s':>7} {'upd/core-s':>10} "
              f"{'B/res':>6} {'store':>5} {'B/upd':>5} {'line':>5} {'rnd':>4} {'GB/s':>5} "
              f"{'bw':>6} {'advance':>7} {'transfer':>8} {'other':>6}")
        for r in syn:
            tasks = r.get("tasks_s", {})
            adv = tasks.get("evacuation.advance", 0.0)
            tra = tasks.get("evacuation.transfer", 0.0)
            print(f"{r['residents']:>10} {r['threads']:>3} {r['build_s']:>7.2f} {r['run_s']:>7.2f} "
                  f"{sci(r['active_updates_per_core_s']):>10} "
                  f"{r['peak_rss_bytes_per_resident']:>6.1f} {r['store_bytes_per_resident']:>5} "
                  f"{r.get('streamed_bytes_per_update', float('nan')):>5.1f} "
                  f"{r.get('line_bytes_per_update', float('nan')):>5.1f} "
                  f"{r.get('random_accesses_per_update', float('nan')):>4.2f} "
                  f"{r.get('line_gb_per_s', float('nan')):>5.2f} {100 * fraction(r):>5.1f}% "
                  f"{adv:>7.2f} {tra:>8.2f} {r['run_s'] - adv - tra:>6.2f}")
        by = {}
        for r in syn:
            by.setdefault(r["residents"], {})[r["threads"]] = r["run_s"]
        sc = [(n, t[1] / t[2]) for n, t in sorted(by.items()) if 1 in t and 2 in t]
        if sc:
            print("thread scaling (run_s 1 thread ÷ 2 threads, same bench/run): " +
                  ", ".join(f"{n:.0e}: {s:.2f}×" for n, s in sc))

    if mpi:
        print("\nRank scaling (tsunagi_bench_mpi; oversubscribed = more ranks × threads than "
              "cores)")
        base = next((r["run_s"] for r in mpi if r["ranks"] == 1), None)
        print(f"{'ranks':>5} {'threads':>7} {'residents':>9} {'run_s':>7} {'speedup':>7} "
              f"{'comm%':>6} {'halo B/tick':>11} {'migr B/tick':>11}")
        for r in mpi:
            over = a.cores and r["ranks"] * r["threads"] > a.cores
            print(f"{r['ranks']:>5} {r['threads']:>7} {r['residents']:>9} {r['run_s']:>7.2f} "
                  f"{(base / r['run_s'] if base else float('nan')):>6.2f}× "
                  f"{100 * r['comm_s_max'] / r['run_s']:>5.1f}% "
                  f"{r['halo_bytes'] / r['ticks']:>11.0f} {r['migration_bytes'] / r['ticks']:>11.0f}"
                  f"{'  oversubscribed' if over else ''}")

    for m in micro:
        print("\nMicro-benchmarks (Google Benchmark; Debian's library is a DEBUG build, our code "
              "is -O3)")
        for b in m["results"]:
            ips = b.get("items_per_second")
            bps = b.get("bytes_per_second")
            rate = f"{sci(ips)} items/s" if ips else f"{bps / 1e6:.0f} MB/s" if bps else ""
            print(f"  {b['name']:<32} {b['real_time']:>10.3f} {b['time_unit']:<3} {rate}")

    for s in sumo:
        what = "cars" if s.get("mode", "cars") == "cars" else "walkers"
        how = (f", SUMO routing {s.get('sumo_routing', 'adaptive')}" if what == "cars"
               else ", Tsunagi's routes")
        print(f"\nSUMO side by side ({s.get('mode', 'cars')}{how}): {s['movers']} {what}, "
              f"{s['nodes']} nodes, {s['links']} links")
        print(f"  wall: tsunagi {s['tsunagi_wall_s']:.2f} s ({s['threads']} thread), sumo --mesosim "
              f"{s['sumo_wall_s']:.2f} s → ratio {s['ratio']:.1f} (run only {s['ratio_run_only']:.1f})")
        for name, i in (("t50", 0), ("t90", 1), ("t100", 2)):
            print(f"  {name}: tsunagi {s['tsunagi_t50_90_100_s'][i]:.0f} s, sumo "
                  f"{s['sumo_t50_90_100_s'][i]:.0f} s ({100 * s['rel_diff_t50_90_100'][i]:+.1f} %)")
        print(f"  max |Δ arrived share| {s['max_abs_share_diff']:.3f}; sumo teleports "
              f"{s['sumo_teleports']}")

    # The summary: the largest population run on one thread (updates, bandwidth), the largest
    # population measured (bytes per resident).
    one = [r for r in syn if r["threads"] == 1]
    head = max(one, key=lambda r: r["residents"]) if one else None
    big = max(syn, key=lambda r: r["residents"]) if syn else None
    upd = head["active_updates_per_core_s"] if head else float("nan")
    bpr = big["peak_rss_bytes_per_resident"] if big else float("nan")
    bw = fraction(head) if head else float("nan")
    # The like-for-like comparison: SUMO routing on free-flow times, as Tsunagi's car tree.
    cars = [s for s in sumo if s.get("mode", "cars") == "cars"
            and s.get("sumo_routing") == "free-flow"]
    ratio = cars[-1]["ratio"] if cars else float("nan")
    print(f"\nsummary: updates_per_core_s={upd:.3g} bytes_per_resident={bpr:.1f} "
          f"bandwidth_fraction={bw:.3f} sumo_meso_ratio={ratio:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
