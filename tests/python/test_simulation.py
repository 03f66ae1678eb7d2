"""Simulation from Python: numpy views of the engine's state, step/run, GIL, determinism, and
results identical to the CLI's."""
import gc
import threading
import time

import h5py
import numpy as np
import pytest

import tsunagi as ts
from conftest import DEMO, SMALL, SMALL_SET, cli

RS = ts.ResidentState


def test_views_are_read_only_and_typed(small):
    sim = ts.Simulation(small, threads=1)
    store = sim.agents("resident")
    assert len(store) == 6000 and store.kind() == "resident"
    assert set(store.field_names()) >= {"state", "edge", "pos_m", "cell", "zone"}
    state = store["state"]
    assert state.dtype == np.uint8 and store["pos_m"].dtype == np.float32
    assert store["zone"].dtype == np.uint16 and store["edge"].dtype == np.uint32
    assert not state.flags.writeable and not state.flags.owndata
    with pytest.raises(ValueError):
        state[0] = 1
    with pytest.raises(ValueError):
        state.setflags(write=True)
    w = sim.world()
    for arr in (w.elevation_m, w.tsunami_depth_m, w.roads.state().occupancy,
                w.roads.length_m(), w.facilities.occupancy()):
        assert not arr.flags.writeable
    assert w.elevation_m.shape == (w.grid.ny(), w.grid.nx())
    assert len(w.roads.state().open) == w.roads.edge_count()
    assert w.zones[0].code == "JP" and w.zones.find("99") == 1


def test_views_reflect_state_after_step(small):
    sim = ts.Simulation(small, threads=2)
    store = sim.agents()
    state = store["state"]
    depth = sim.world().tsunami_depth_m
    before = np.bincount(state, minlength=8).copy()
    assert before[RS.Home] > 0 and before[RS.Dead] == 0 and depth.max() == 0
    sim.step(1500)
    assert sim.tick == 1500 and sim.time_s == 1500.0
    after = np.bincount(state, minlength=8)
    assert after[RS.Home] < before[RS.Home]             # people left home...
    assert after[RS.Walking] + after[RS.Safe] > 0       # ... and are on their way or safe
    assert depth.max() > 0                              # the water has arrived
    assert np.count_nonzero((state == RS.Walking) | (state == RS.Driving)) > 0
    # the same numbers as the engine's own counters
    k = sim.kpis()
    assert after[RS.Dead] == k["deaths_direct"]
    assert after[RS.Safe] == k["evacuated_safe"]


def test_views_stay_valid_while_the_simulation_lives(small):
    sim = ts.Simulation(small, threads=1)
    sim.step(2000)
    state = sim.agents()["state"]
    elevation = sim.world().elevation_m
    snap = sim.agents().snapshot(["state"])
    expected = state.copy()
    del sim
    gc.collect()
    # the views hold the simulation: still the engine's memory, still the same values
    assert np.array_equal(state, expected) and np.array_equal(snap["state"], expected)
    assert np.isfinite(elevation).all()


def test_snapshot_copies(small):
    sim = ts.Simulation(small, threads=1)
    snap = sim.agents().snapshot()
    assert set(snap) == {"id", *sim.agents().field_names()}
    assert snap["state"].flags.writeable and snap["state"].flags.owndata
    sim.step(1800)
    assert not np.array_equal(snap["state"], sim.agents()["state"])  # a copy did not move
    assert np.array_equal(snap["id"], np.arange(6000))


def test_step_run_progress_and_done(small):
    sim = ts.Simulation(small, threads=2)
    assert not sim.done() and sim.total_ticks == 2400
    sim.step(100)
    seen = []
    sim.run(progress=lambda done, total: seen.append((done, total)), every=240)
    assert sim.done() and sim.tick == 2400
    assert seen[0] == (240, 2400) and seen[-1] == (2400, 2400)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    sim.step(5)  # past the end: nothing happens
    assert sim.tick == 2400
    assert sim.series("evacuated_safe").shape == (len(sim.times()), 3)
    assert "walking" in sim.series_names()


def test_interrupt_stops_between_ticks_and_run_continues(small):
    reference = ts.Simulation(small, threads=1)
    reference.run(progress=False)

    sim = ts.Simulation(small, threads=1)

    def interrupt(done, total):
        if done >= 1000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(progress=interrupt, every=100)
    assert sim.tick == 1000 and not sim.done()
    sim.run(progress=False)
    assert sim.kpis() == reference.kpis()


def test_run_releases_the_gil(small):
    sim = ts.Simulation(small.copy().set("scenario.duration_s", 7200), threads=1)
    counter = 0
    t = threading.Thread(target=lambda: sim.step(7200))  # one chunk: the GIL is never retaken
    t.start()
    while t.is_alive():
        counter += 1
        time.sleep(0)
    t.join()
    assert sim.done()
    assert counter > 50, counter  # this thread kept running while the engine stepped


def test_one_thread_drives_a_simulation_at_a_time(small):
    sim = ts.Simulation(small, threads=1)
    with pytest.raises(RuntimeError, match="already running"):
        sim.run(progress=lambda done, total: sim.step(1), every=10)
    sim.run(progress=False)  # the guard was released
    assert sim.done()


def test_positions_and_cell_counts(small):
    sim = ts.Simulation(small, threads=1)
    sim.step(1500)
    x, y = sim.positions()
    w = sim.world()
    x0, dx, _, y0, _, dy = w.grid.transform()
    assert np.isfinite(x).all()
    assert (x >= x0).all() and (x <= x0 + dx * w.grid.nx()).all()
    assert (y <= y0).all() and (y >= y0 + dy * w.grid.ny()).all()
    counts = sim.cell_counts()
    assert counts.shape == (w.grid.ny(), w.grid.nx()) and counts.sum() == 6000
    walking = sim.cell_counts([RS.Walking])
    assert walking.sum() == np.count_nonzero(sim.agents()["state"] == RS.Walking)
    # residents still at home are in their home cell
    home = sim.agents()["state"] == RS.Home
    assert np.array_equal(sim.cells()[home], sim.agents()["cell"][home])


def _arrays(path, group):
    with h5py.File(path, "r") as f:
        return {k: f[group][k][()] for k in f[group] if isinstance(f[group][k], h5py.Dataset)}


def test_results_equal_the_cli_for_the_same_seed(tmp_path):
    a = tmp_path / "cli.h5"
    r = cli("run", DEMO, *sum((["--set", s] for s in SMALL_SET), []), "--seed", 9,
            "-o", a, "-q", "--threads", 2)
    assert r.returncode == 0, r.stderr
    b = tmp_path / "py.h5"
    res = ts.run(DEMO, set=SMALL, seed=9, threads=1, output=b, progress=False)
    cli_res = ts.Results(a)
    assert res.kpi == cli_res.kpi and res.kpi["population"] == 6000
    assert res.meta["scenario"] == cli_res.meta["scenario"]  # the same resolved scenario
    assert res.seed == 9
    for group in ["kpi/by_zone", "kpi/by_age", "timeseries", "edges", "facilities"]:
        ga, gb = _arrays(a, group), _arrays(b, group)
        assert ga.keys() == gb.keys()
        for name in ga:
            assert np.array_equal(ga[name], gb[name]), (group, name)


def test_one_and_two_threads_give_identical_results(tmp_path):
    r1 = ts.run(DEMO, set=SMALL, threads=1, output=tmp_path / "t1.h5", progress=False)
    r2 = ts.run(DEMO, set=SMALL, threads=2, chunk_size=97, output=tmp_path / "t2.h5",
                progress=False)
    assert r2.meta["threads"] == 2
    assert r1.kpi == r2.kpi
    for name in r1.series_names:
        assert r1.timeseries(name).equals(r2.timeseries(name)), name
    assert r1.by_zone().equals(r2.by_zone())
    assert r1.edges().equals(r2.edges())
