"""run() and batch(): a scenario to results in one call, and variants × seeds to a KPI table.

batch() runs in this process, one run after the other, each with `threads` worker threads. The
C++ `tsunagi batch SWEEP.yaml` (relief-logistics issue) will run sweeps from a file; this
function keeps the same vocabulary (variants of key overrides × seeds → a table of KPIs, mean and
spread per variant from summarize()) so scripts move over without changes.
"""

import os
import pathlib
import re
import tempfile
import time

import numpy as np

from tsunagi import _tsunagi as _core
from tsunagi._progress import ProgressBar, in_notebook
from tsunagi.results import Results
from tsunagi.simulation import Simulation, as_scenario
from tsunagi.snapshots import SnapshotRecorder


def apply_overrides(scenario, overrides):
    """Applies overrides to a Scenario in place: a dict {key.path: value} or an iterable of
    'key.path=value' strings (as the CLI's --set)."""
    if not overrides:
        return scenario
    if isinstance(overrides, dict):
        for key, value in overrides.items():
            scenario.set(key, value)
    elif isinstance(overrides, str):
        scenario.set(overrides)
    else:
        for item in overrides:
            scenario.set(item)
    return scenario


def prepare(scenario, set=None, seed=None):
    """A copy of `scenario` (Scenario, path or dict) with overrides and seed applied."""
    sc = as_scenario(scenario)
    apply_overrides(sc, set)
    if seed is not None:
        sc.set("scenario.seed", int(seed))
    return sc


def run(scenario, *, threads=0, output=None, set=None, seed=None, progress=True,
        snapshot_every_s=None, check_invariants=None, chunk_size=0):
    """Runs a scenario to the end and returns its Results.

    scenario: a Scenario, a YAML file path or a dict (never modified).
    threads: worker threads (0 = all cores); results are identical for any number.
    output: the HDF5 file to write; None writes a temporary file that is removed when the
        Results object is garbage collected (Results.save(path) keeps a copy).
    set: overrides, {key.path: value} or ['key.path=value', ...] (as the CLI's --set).
    seed: overrides scenario.seed.
    progress: True for a progress bar, False for none, or a callable(ticks_done, total).
    snapshot_every_s: if given, also record where residents are every so many simulated seconds
        and store it as /snapshots in the output (for density maps and animations).
    """
    sc = prepare(scenario, set, seed)
    tmpdir = None
    if output is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="tsunagi-")
        name = re.sub(r"[^\w.-]", "_", sc.get("scenario.name") or "unnamed") or "unnamed"
        output = pathlib.Path(tmpdir.name) / f"{name}.h5"
    output = pathlib.Path(output)
    sim = Simulation(sc, threads=threads, check_invariants=check_invariants,
                     chunk_size=chunk_size)
    if snapshot_every_s is None:
        sim.run(progress=progress)
        sim.write(output)
    else:
        rec = _run_with_snapshots(sim, snapshot_every_s, progress)
        tmp = output.with_name(output.name + f".tmp-py{os.getpid()}")
        try:
            sim.write(tmp)
            rec.write(tmp)
            os.replace(tmp, output)
        finally:
            if tmp.exists():
                tmp.unlink()
    res = Results(output)
    res._tmpdir = tmpdir  # keeps a temporary file alive as long as the results
    return res


def _run_with_snapshots(sim, every_s, progress):
    every = int(round(float(every_s) / sim.tick_s))
    if every < 1 or abs(every * sim.tick_s - float(every_s)) > 1e-9 * max(1.0, float(every_s)):
        raise _core.ScenarioError(
            f"snapshot_every_s={every_s}: not a whole number of ticks of {sim.tick_s} s. Fix: "
            f"give a multiple of scenario.tick_s")
    rec = SnapshotRecorder()
    bar = None
    start = sim.tick
    if progress is True:
        bar = ProgressBar(sim.total_ticks - start, lambda d: sim.time_of(start + d),
                          sim.config()["name"])
    rec.record(sim)
    t0, step_s = sim.time_of(start), every * sim.tick_s
    while not sim.done():
        # Every `every_s` of simulated time (every tick once ticks are longer than that).
        k = int((sim.time_s - t0) // step_s) + 1
        sim.step(max(1, sim.tick_at(t0 + k * step_s) - sim.tick))
        rec.record(sim)
        if bar is not None:
            bar.update(sim.tick - start)
        elif callable(progress):
            progress(sim.tick, sim.total_ticks)
    if bar is not None:
        bar.finish()
    return rec


def _variant_items(variants):
    if variants is None:
        return [("base", {})]
    if isinstance(variants, dict):
        return list(variants.items())
    return [(f"variant {i + 1}", v) for i, v in enumerate(variants)]


def _is_sweep(scenario):
    """True for the path of a `tsunagi batch` sweep file (a YAML file with a batch: section)."""
    if not isinstance(scenario, (str, os.PathLike)):
        return False
    try:
        return _core.Scenario.load(os.fspath(scenario)).get("batch") is not None
    except _core.ScenarioError:
        return False


def batch(scenario, variants=None, seeds=None, *, threads=0, kpis=None, output_dir=None,
          progress=True):
    """Runs every variant with every seed and returns a pandas DataFrame of KPIs.

    scenario: the base (Scenario, path or dict; never modified) - or the path of a sweep file of
        `tsunagi batch` (a YAML file with a batch: section naming the scenario, variants and
        seeds; then leave variants and seeds out): the same members in the same order.
    variants: {name: overrides} with overrides as in run(set=...), e.g.
        {"low": {"evacuation.awareness": "low"}, "high": {"evacuation.awareness": "high"}};
        a list of overrides is named 'variant 1', 'variant 2', ...; None runs the base only.
    seeds: an iterable of seeds, or an int n for the n seeds from the base's scenario.seed on;
        None: the base's seed only.
    kpis: the KPI columns to keep (default: every scalar KPI).
    output_dir: if given, each run's HDF5 file is kept there as <variant>_seed<seed>.h5 and a
        'file' column names it.
    Rows are indexed by (variant, seed), variant-major as `tsunagi batch` numbers its members;
    summarize(df) gives the mean and spread per variant. Same scenario and seeds ⇒ the same
    table, for any thread count. Every variant is checked before the first run.
    """
    import pandas as pd

    if _is_sweep(scenario):
        if variants is not None or seeds is not None:
            raise ValueError("batch(sweep_file): the sweep file names the variants and seeds; "
                             "leave out variants= and seeds=")
        sweep = _core.load_sweep(os.fspath(scenario))  # checks every variant's scenario
        runs = [(name, sc, int(s)) for name, s, sc in sweep["members"]]
        items = [(name, sets) for name, sets in sweep["variants"]]
    else:
        base = as_scenario(scenario)
        base_seed = int(base.get("scenario.seed") or 1)
        if seeds is None:
            seeds = [base_seed]
        elif isinstance(seeds, (int, np.integer)):
            seeds = list(range(base_seed, base_seed + int(seeds)))
        seeds = [int(s) for s in seeds]
        items = _variant_items(variants)
        # Every variant is read and checked (types, ranges, unknown keys) before the first run,
        # so a typo fails in milliseconds.
        for name, ov in items:
            _core.Simulation.check(apply_overrides(base.copy(), ov))
        runs = [(name, prepare(base, ov, s), s) for name, ov in items for s in seeds]
    if output_dir is not None:
        output_dir = pathlib.Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)

    bar = ProgressBar(len(runs), 1.0, "batch") if progress is True and in_notebook() else None
    rows, index = [], []
    for i, (name, sc, s) in enumerate(runs):
        t0 = time.monotonic()
        sim = Simulation(sc, threads=threads)
        sim.run(progress=False)
        row = dict(sim.kpis())
        if output_dir is not None:
            safe = re.sub(r"[^\w.-]", "_", str(name))
            path = output_dir / f"{safe}_seed{s}.h5"
            sim.write(path)
            row["file"] = str(path)
        del sim
        rows.append(row)
        index.append((name, s))
        if bar is not None:
            bar.update(i + 1)
        elif progress is True:
            print(f"batch {i + 1}/{len(runs)}: {name}, seed {s} ({time.monotonic() - t0:.1f} s)",
                  flush=True)
        elif callable(progress):
            progress(i + 1, len(runs))
    if bar is not None:
        bar.finish()
    df = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["variant", "seed"]))
    if kpis is not None:
        cols = list(kpis) + (["file"] if "file" in df.columns else [])
        missing = [k for k in kpis if k not in df.columns]
        if missing:
            raise KeyError(f"no KPI {missing}; the KPIs are: {', '.join(df.columns)}")
        df = df[cols]
    df.attrs["variants"] = {name: ov for name, ov in items}
    return df


NOT_KPIS = ("file", "ok", "error", "member")


def summarize(df, kpis=None, stats=("mean", "std", "min", "max")):
    """Mean and spread of each KPI per variant of a batch() or read_batch() table (columns:
    (kpi, stat))."""
    cols = [c for c in (kpis or df.columns) if c not in NOT_KPIS]
    return df[cols].groupby(level="variant", sort=False).agg(list(stats))
