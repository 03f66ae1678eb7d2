#!/usr/bin/python3
"""Tsunagi side by side with SUMO's mesoscopic model on the same car evacuation (bench/run).

    bench/sumo_compare.py [--population N] [--threads T] [--modes cars,pedestrians] [--out DIR]
                          [--json FILE] [--export-only]

1. Builds scenarios/demo.yaml at N residents as a car-only evacuation: every exposed resident
   lives alone, is able to drive and drives (no walkers, no passengers), nobody drowns, and no road
   is closed by water, debris or bridges (so both simulators see one static network). Street and
   arterial capacities are 1,200 veh/h per lane on both sides (see the meso headways below).
2. Runs Tsunagi (1 thread by default: SUMO is single-threaded) until every car has arrived (as
   SUMO ends when its last vehicle has) or the duration is up, and records how many cars have
   arrived every 10 s and where each arrived (the safe node its route tree led it to).
3. Exports the road network (every directed link: its length, lanes and free speed) to SUMO plain
   XML (.nod.xml, .edg.xml) → netconvert, and the demand to trips with the same departure times,
   origin and destination junctions (the node each car left from and the node it arrived at in
   Tsunagi). SUMO routes each trip once, at insertion (a trip gets a rerouting device). Here
   (--sumo-routing free-flow, the default) on free-flow travel times (length / free speed), the
   rule of Tsunagi's static car route tree: the like-for-like comparison. --sumo-routing
   adaptive keeps SUMO's own default, current edge travel times (a moving average of the last
   180 s), which routes around queues and costs SUMO more time; bench/run reports both.
4. Runs `sumo --mesosim` (Eissfeldt's queue model, one queue per segment): vehicle length + gap 7.5 m
   (Tsunagi's jam spacing), no speed deviation, all four meso headways 3 s (1,200 veh/h per
   lane, Tsunagi's link capacity here), no junction control (Tsunagi's nodes have none either).
5. Reports both wall times (each simulator from its own inputs: Tsunagi world build + run, SUMO
   process start to end, netconvert not counted), their ratio, and the clearance curves: time to
   50/90/100 % of cars arrived in each and the max abs difference of the arrived-share curves.

--modes cars,pedestrians (the default) also compares an evacuation on foot: the demo's households
walk (car_share 0) to dry ground (shelters off: they fill and re-route evacuees, which static SUMO
routes cannot follow); each walker becomes a SUMO person walking Tsunagi's route (shortest by
length to the node it reached) at its own speed. SUMO's meso runs persons with its
non-interacting pedestrian model (free walking: no density–speed relation, no capacity), so this
checks routing, speeds and departures, not crowd dynamics: it agrees only while crowds are thin.

--export-only writes the network and demand of a tiny run and checks that netconvert accepts
them (the ctest); without netconvert it says so and exits 0.
"""

import argparse
import heapq
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

HOME, DRIVING, SAFE = 0, 2, 5
CAR_BIT = 4
TAU_S = 3.0           # meso headway: 3600 / 3 = 1,200 veh/h per lane
CAPACITY_PER_LANE = 3600.0 / TAU_S

COMMON = {
    "evacuation.mortality.mu_m": "1000",
    "damage.roads.flood_closure": "false",
    "damage.roads.debris": "false",
    "damage.roads.bridges": "false",
    "damage.casualties.enabled": "false",
    "output.world_layers": "false",
    "output.record_every_s": "10",
}
CARS = {
    "evacuation.car_share": "1",
    "evacuation.car_min_distance_m": "0",
    "evacuation.population.household_sizes": "[1, 0, 0, 0, 0]",
    "evacuation.population.share_65_74": "0",
    "evacuation.population.share_75_plus": "0",
    "evacuation.population.p_needs_care_65_74": "0",
    "evacuation.population.p_needs_care_75_plus": "0",
    "world.synthetic.street_capacity_vph": f"{CAPACITY_PER_LANE:g}",
    "world.synthetic.arterial_capacity_vph": f"{2 * CAPACITY_PER_LANE:g}",
}
# On foot: households as in the demo, dry ground only (shelters fill and re-route evacuees, which
# SUMO's static routes could not follow).
PEDESTRIANS = {
    "evacuation.car_share": "0",
    "evacuation.destinations.shelters": "false",
    "evacuation.destinations.evacuation_buildings": "false",
}


def import_tsunagi(build):
    sys.path.insert(0, os.path.join(build, "python"))
    import tsunagi  # noqa: E402
    return tsunagi


def run_tsunagi(ts, mode, population, duration_s, threads):
    sc = ts.Scenario.load(os.path.join(ROOT, "scenarios", "demo.yaml"))
    sc.set("world.synthetic.population", str(population))
    sc.set("scenario.duration_s", str(duration_s))
    for k, v in {**COMMON, **(CARS if mode == "cars" else PEDESTRIANS)}.items():
        sc.set(k, v)
    t0 = time.perf_counter()
    sim = ts.Simulation(sc, threads=threads)
    r = sim.agents("resident")
    state = np.array(r["state"])
    profile = np.array(r["profile"])
    car = (profile & CAR_BIT) != 0
    # The movers compared: drivers (cars mode) or walkers (no passengers in either mode).
    drivers = np.nonzero((state == HOME) & (car if mode == "cars" else ~car))[0]
    others = int(np.count_nonzero(state == HOME)) - len(drivers)
    origin = np.array(r["node"])[drivers]
    depart = np.array(r["depart_tick"])[drivers].astype(np.float64) * sim.tick_s
    speed = np.array(r["speed_mps"])[drivers]
    # Like SUMO, which ends when its last vehicle has arrived, stop once every car has arrived
    # (checked every simulated minute; the check costs microseconds).
    state_view = r["state"]
    while not sim.done():
        sim.step(max(1, int(round(60.0 / sim.tick_s))))
        if np.all(state_view[drivers] == SAFE):
            break
    wall = time.perf_counter() - t0
    state = np.array(r["state"])[drivers]
    dest = np.array(r["node"])[drivers]
    times = np.array(sim.times())
    safe = sim.series("evacuated_safe")
    # Zone 0 is the root of the zone hierarchy; take whichever column reproduces the count.
    arrived_now = int(np.count_nonzero(state == SAFE))
    col = safe[:, 0] if abs(safe[-1, 0] - arrived_now) < 0.5 else safe.sum(axis=1)
    return dict(sim=sim, drivers=drivers, others=others, origin=origin, dest=dest, speed=speed,
                depart=depart, arrived=state == SAFE, times=times, arrived_count=col,
                wall_s=wall, run_s=sim.run_seconds(), init_s=sim.init_seconds())


def export_network(sim, out):
    g = sim.world().roads
    x, y = np.array(g.node_x()), np.array(g.node_y())
    x0, y0 = x.min(), y.min()
    src, tgt = np.array(g.source()), np.array(g.target())
    length, lanes = np.array(g.length_m()), np.array(g.lanes())
    speed, open_ = np.array(g.free_speed_mps()), np.array(g.state().open)
    nod = os.path.join(out, "tsunagi.nod.xml")
    edg = os.path.join(out, "tsunagi.edg.xml")
    with open(nod, "w") as f:
        f.write("<nodes>\n")
        for n in range(len(x)):
            f.write(f'  <node id="n{n}" x="{x[n] - x0:.2f}" y="{y[n] - y0:.2f}" type="priority"/>\n')
        f.write("</nodes>\n")
    exported = 0
    with open(edg, "w") as f:
        f.write("<edges>\n")
        for e in range(len(src)):
            if not open_[e] or src[e] == tgt[e]:
                continue
            f.write(f'  <edge id="e{e}" from="n{src[e]}" to="n{tgt[e]}" numLanes="{max(1, lanes[e])}" '
                    f'speed="{speed[e]:.3f}" length="{length[e]:.2f}" allow="passenger pedestrian"/>\n')
            exported += 1
        f.write("</edges>\n")
    return nod, edg, exported


def netconvert(nod, edg, out):
    net = os.path.join(out, "tsunagi.net.xml")
    log = os.path.join(out, "netconvert.log")
    cmd = ["netconvert", "--node-files", nod, "--edge-files", edg, "-o", net,
           "--no-internal-links", "--offset.disable-normalization", "--no-warnings",
           "--log", log]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"netconvert failed ({p.returncode}): {p.stderr[-2000:]}")
    return net, time.perf_counter() - t0


def write_trips(t, out):
    path = os.path.join(out, "tsunagi.trips.xml")
    order = np.argsort(t["depart"], kind="stable")
    n = 0
    with open(path, "w") as f:
        f.write("<routes>\n")
        f.write('  <vType id="car" vClass="passenger" length="5" minGap="2.5" speedDev="0" '
                'speedFactor="1"/>\n')
        for k in order:
            if not t["arrived"][k]:
                continue  # a car that never arrived in Tsunagi has no destination to give SUMO
            f.write(f'  <trip id="v{t["drivers"][k]}" type="car" depart="{t["depart"][k]:.1f}" '
                    f'fromJunction="n{t["origin"][k]}" toJunction="n{t["dest"][k]}"/>\n')
            n += 1
        f.write("</routes>\n")
    return path, n


def shortest_paths_to(sim, targets):
    """Next link towards the nearest of `targets` by length from every node (Dijkstra on the
    reversed graph, as Tsunagi's pedestrian route tree; ties may be broken differently)."""
    g = sim.world().roads
    src, tgt = np.array(g.source()), np.array(g.target())
    length, open_ = np.array(g.length_m()), np.array(g.state().open)
    incoming = [[] for _ in range(g.node_count())]
    for e in np.nonzero(open_)[0]:
        incoming[tgt[e]].append(e)
    dist = np.full(g.node_count(), np.inf)
    nxt = np.full(g.node_count(), -1, dtype=np.int64)
    heap = []
    for n in set(int(x) for x in targets):
        dist[n] = 0.0
        heap.append((0.0, n))
    heapq.heapify(heap)
    while heap:
        d, v = heapq.heappop(heap)
        if d > dist[v]:
            continue
        for e in incoming[v]:
            u, nd = src[e], d + float(length[e])
            if nd < dist[u]:
                dist[u], nxt[u] = nd, e
                heapq.heappush(heap, (nd, u))
    return dist, nxt, tgt, length


def write_walks(t, out):
    """SUMO persons walking Tsunagi's routes (by length, to the node each walker reached) at
    each walker's own speed. Walkers whose home node is safe arrive at once in both (no walk)."""
    path = os.path.join(out, "tsunagi.walks.xml")
    dist, nxt, tgt, length = shortest_paths_to(t["sim"], t["dest"][t["arrived"]])
    order = np.argsort(t["depart"], kind="stable")
    n, instant = 0, []
    with open(path, "w") as f:
        f.write("<routes>\n")
        for k in order:
            if not t["arrived"][k]:
                continue
            node, edges = int(t["origin"][k]), []
            while dist[node] > 0.0 and nxt[node] >= 0:
                e = int(nxt[node])
                edges.append(e)
                node = int(tgt[e])
            if not edges:
                instant.append(t["depart"][k])
                continue
            f.write(f'  <person id="p{t["drivers"][k]}" depart="{t["depart"][k]:.1f}" '
                    f'departPos="0"><walk edges="{" ".join(f"e{e}" for e in edges)}" '
                    f'speed="{t["speed"][k]:.3f}" arrivalPos="{length[edges[-1]]:.2f}"/>'
                    f'</person>\n')
            n += 1
        f.write("</routes>\n")
    return path, n, np.array(instant)


def run_sumo(net, trips, out, end_s, routing):
    tripinfo = os.path.join(out, "tripinfo.xml")
    stats = os.path.join(out, "statistics.xml")
    cmd = ["sumo", "--mesosim", "-n", net, "-r", trips, "--junction-taz",
           "--meso-tauff", f"{TAU_S}", "--meso-taufj", f"{TAU_S}", "--meso-taujf", f"{TAU_S}",
           "--meso-taujj", f"{TAU_S}", "--end", f"{end_s}", "--no-step-log", "--no-warnings",
           "--tripinfo-output", tripinfo, "--statistic-output", stats,
           "--duration-log.statistics", "--log", os.path.join(out, "sumo.log")]
    if routing == "free-flow":
        cmd += ["--device.rerouting.adaptation-interval", "0"]  # weights stay at free flow
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"sumo failed ({p.returncode}): {p.stderr[-2000:]}")
    root = ET.parse(tripinfo).getroot()
    arrivals = [float(ti.get("arrival")) for ti in root.iter("tripinfo")]
    for pi in root.iter("personinfo"):
        walks = pi.findall("walk")
        if walks and float(walks[-1].get("arrival", "-1")) >= 0:
            arrivals.append(float(walks[-1].get("arrival")))
    teleports = 0
    st = ET.parse(stats).getroot().find("teleports")
    if st is not None:
        teleports = int(st.get("total", "0"))
    return np.sort(np.array(arrivals)), wall, teleports


def clearance(times, share):
    """First time the arrived share reaches 50, 90 and 100 % (nan if never)."""
    out = []
    for q in (0.5, 0.9, 1.0):
        hit = np.nonzero(share >= q - 1e-9)[0]
        out.append(float(times[hit[0]]) if len(hit) else float("nan"))
    return out


def compare(ts, a, mode):
    out = os.path.join(a.out, mode)
    os.makedirs(out, exist_ok=True)
    t = run_tsunagi(ts, mode, a.population, a.duration, a.threads)
    nod, edg, n_edges = export_network(t["sim"], out)
    instant = np.array([])
    if mode == "cars":
        demand, n_trips = write_trips(t, out)
    else:
        demand, n_trips, instant = write_walks(t, out)
    movers = len(t["drivers"])
    arrived = int(t["arrived"].sum())
    what = "cars" if mode == "cars" else "walkers"
    print(f"[{mode}] tsunagi: {movers} {what} ({t['others']} others leaving home), {arrived} "
          f"arrived in {a.duration:.0f} s; {n_edges} links exported, {n_trips} trips"
          + (f" (+{len(instant)} already safe at home)" if len(instant) else ""))
    if a.export_only:
        ET.parse(nod), ET.parse(edg), ET.parse(demand)  # well-formed XML
        if n_trips == 0 or n_edges == 0:
            print("sumo_compare: nothing exported", file=sys.stderr)
            return None
        if shutil.which("netconvert") is None:
            print("sumo_compare: netconvert not installed (Debian package sumo); XML checked "
                  "for well-formedness only")
            return {}
        net, _ = netconvert(nod, edg, out)
        edges = sum(1 for e in ET.parse(net).getroot().iter("edge") if e.get("function") is None)
        print(f"netconvert: {edges} edges in {net}")
        if edges != n_edges:
            print(f"sumo_compare: netconvert kept {edges} of {n_edges} links", file=sys.stderr)
            return None
        return {}

    net, netconvert_s = netconvert(nod, edg, out)
    sumo_arr, sumo_wall, teleports = run_sumo(net, demand, out, 4 * a.duration, a.sumo_routing)
    sumo_arr = np.sort(np.concatenate([sumo_arr, instant]))

    # Arrived-share curves on a 10-s grid (share of the movers both simulated).
    total = max(1, arrived)
    times = t["times"]
    ts_share = t["arrived_count"] / total
    grid = np.arange(0.0, max(times[-1], sumo_arr[-1] if len(sumo_arr) else 0.0) + 10.0, 10.0)
    ts_on_grid = np.interp(grid, times, ts_share, left=0.0, right=ts_share[-1])
    sumo_on_grid = np.searchsorted(sumo_arr, grid, side="right") / total
    max_diff = float(np.max(np.abs(ts_on_grid - sumo_on_grid)))
    c_ts = clearance(grid, ts_on_grid)
    c_sumo = clearance(grid, sumo_on_grid)
    rel = [(x - y) / y if y > 0 else float("nan") for x, y in zip(c_ts, c_sumo)]
    ratio = sumo_wall / t["wall_s"]
    ratio_run = sumo_wall / t["run_s"]

    print(f"[{mode}] network: {t['sim'].world().roads.node_count()} nodes, {n_edges} links; "
          f"netconvert {netconvert_s:.1f} s (not counted)")
    print(f"{'':>16} {'wall_s':>8} {'t50_s':>8} {'t90_s':>8} {'t100_s':>8} {'arrived':>8}")
    print(f"{'tsunagi':>16} {t['wall_s']:>8.2f} {c_ts[0]:>8.0f} {c_ts[1]:>8.0f} {c_ts[2]:>8.0f} "
          f"{int(round(t['arrived_count'][-1])):>8}")
    print(f"{'sumo --mesosim':>16} {sumo_wall:>8.2f} {c_sumo[0]:>8.0f} {c_sumo[1]:>8.0f} "
          f"{c_sumo[2]:>8.0f} {len(sumo_arr):>8}")
    print(f"tsunagi − sumo: t50 {100 * rel[0]:+.1f} %, t90 {100 * rel[1]:+.1f} %, t100 "
          f"{100 * rel[2]:+.1f} %; max |Δ arrived share| {max_diff:.3f}; sumo teleports "
          f"{teleports}")
    print(f"wall-time ratio sumo / tsunagi: {ratio:.1f} (tsunagi world build + run, "
          f"{threads_word(a.threads)}); sumo / tsunagi run only: {ratio_run:.1f}")
    return dict(
        bench="sumo_meso", mode=mode, sumo_routing=a.sumo_routing, population=a.population, movers=movers, trips=n_trips,
        nodes=int(t["sim"].world().roads.node_count()), links=n_edges, threads=a.threads,
        tsunagi_wall_s=t["wall_s"], tsunagi_run_s=t["run_s"], sumo_wall_s=sumo_wall,
        netconvert_s=netconvert_s, ratio=ratio, ratio_run_only=ratio_run,
        tsunagi_t50_90_100_s=c_ts, sumo_t50_90_100_s=c_sumo, rel_diff_t50_90_100=rel,
        max_abs_share_diff=max_diff, sumo_arrived=len(sumo_arr), sumo_teleports=teleports)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--population", type=int, default=50000)
    ap.add_argument("--duration", type=float, default=7200.0, help="simulated seconds (Tsunagi)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sumo-routing", choices=("adaptive", "free-flow"), default="free-flow",
                    help="SUMO's travel times for routing trips at insertion (see the top)")
    ap.add_argument("--modes", default="cars,pedestrians",
                    help="comma-separated: cars (the headline), pedestrians")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "bench", "sumo"))
    ap.add_argument("--json", help="append a JSON line per mode with the results")
    ap.add_argument("--export-only", action="store_true",
                    help="tiny run; export and check the SUMO files with netconvert (ctest)")
    a = ap.parse_args()
    if a.export_only:
        a.population, a.duration = min(a.population, 3000), 3600.0
    ts = import_tsunagi(a.build)
    if not a.export_only:
        for tool in ("netconvert", "sumo"):
            if shutil.which(tool) is None:
                print(f"sumo_compare: {tool} not found; run scripts/install-deps --bench "
                      "(Debian package sumo)", file=sys.stderr)
                return 2
    ratio = None
    for mode in a.modes.split(","):
        if mode not in ("cars", "pedestrians"):
            print(f"sumo_compare: --modes: unknown mode {mode!r} (cars, pedestrians)",
                  file=sys.stderr)
            return 2
        r = compare(ts, a, mode)
        if r is None:
            return 1
        if r and a.json:
            with open(a.json, "a") as f:
                f.write(json.dumps(r) + "\n")
        if r and mode == "cars":
            ratio = r["ratio"]
    if ratio is not None:
        print(f"sumo_meso_ratio={ratio:.2f}")
    return 0


def threads_word(n):
    return "1 thread" if n == 1 else f"{n} threads"


if __name__ == "__main__":
    sys.exit(main())
