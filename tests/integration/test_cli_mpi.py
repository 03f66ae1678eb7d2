"""tsunagi under mpiexec: the same output file for any rank count, and fast, named failures."""
import os
import subprocess

import h5py
import numpy as np

from conftest import ROOT, SMALL, group_arrays, kpis, tsunagi, BIN

MPIEXEC = os.environ.get("TSUNAGI_MPIEXEC", "mpiexec")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(n, *args, timeout=600):
    return subprocess.run([MPIEXEC, "-n", str(n), BIN, *map(str, args)], capture_output=True,
                          text=True, env=ENV, timeout=timeout)


def test_output_is_identical_for_1_2_and_4_ranks(tmp_path, demo):
    serial = tmp_path / "serial.h5"
    assert tsunagi("run", demo, *SMALL, "-o", serial, "-q", "--threads", 2).returncode == 0
    for n in (2, 4):
        out = tmp_path / f"ranks{n}.h5"
        r = mpirun(n, "run", demo, *SMALL, "-o", out, "--threads", 1)
        assert r.returncode == 0, r.stderr
        assert kpis(out) == kpis(serial)
        for group in ["kpi/by_zone", "timeseries", "edges", "facilities", "events"]:
            a, b = group_arrays(serial, group), group_arrays(out, group)
            assert a.keys() == b.keys()
            for name in a:
                assert np.array_equal(a[name], b[name]), (n, group, name)
        assert "deaths_direct" in r.stdout  # rank 0 printed the summary, once
        assert r.stdout.count("deaths_direct") == 1


def test_m9_damage_and_lifelines_are_counted_once_on_any_rank_count(tmp_path):
    # Earthquake, damage and lifelines are computed on every rank (world-level state) and
    # reported from rank 0; evacuation's residents are split over ranks and summed.
    nankai = ROOT / "scenarios" / "nankai_synthetic.yaml"
    short = ["--set", "world.synthetic.population=20000", "--set", "scenario.duration_s=86400",
             "--set", "scenario.coarse_after_s=7200", "--set", "scenario.coarse_tick_s=60"]
    serial = tmp_path / "serial.h5"
    assert tsunagi("run", nankai, *short, "-o", serial, "-q").returncode == 0
    k = kpis(serial)
    assert k["buildings_collapsed"] > 0 and k["deaths_collapse"] > 0
    assert k["power_outage_households_peak"] > 0 and k["roads_cleared"] > 0
    # The event log adds up to the KPIs and to the world's final state.
    with h5py.File(serial, "r") as f:
        ev = f["events"]
        kinds = [x.decode() if isinstance(x, bytes) else x for x in ev["kinds"][()]]
        total = {name: int(ev["count"][ev["kind"][()] == i].sum()) for i, name in enumerate(kinds)}
        assert np.all(np.diff(ev["time_s"][()]) >= 0)
        open_final = f["world/roads/edge_open"][()]
        facility_open = f["world/facilities/open_final"][()]
        in_shelters = f["facilities/occupancy"][()]
    assert total["deaths_tsunami"] + total["deaths_collapse"] == k["deaths_direct"]
    assert total["deaths_collapse"] == k["deaths_collapse"] > 0
    sheltered = k["in_shelters"] + k["in_evacuation_buildings"]
    assert total["shelter_arrivals"] == sheltered == in_shelters.sum() > 0
    assert total["road_closed"] > 0 and total["road_reopened"] > 0
    assert total["road_closed"] - total["road_reopened"] == np.count_nonzero(open_final == 0)
    assert total["facility_closed"] - total["facility_reopened"] == np.count_nonzero(
        facility_open == 0)
    out = tmp_path / "ranks3.h5"
    r = mpirun(3, "run", nankai, *short, "-o", out, "-q", "--threads", 1)
    assert r.returncode == 0, r.stderr
    assert kpis(out) == k
    for group in ["kpi/by_zone", "timeseries", "edges", "facilities", "events"]:
        a, b = group_arrays(serial, group), group_arrays(out, group)
        for name in a:
            assert np.array_equal(a[name], b[name]), (group, name)


def test_a_failing_rank_ends_the_job_with_its_name(tmp_path, demo):
    out = tmp_path / "fail.h5"
    # A rank left waiting in a collective would hang the job: the timeout turns that into a
    # failure (TimeoutExpired) instead of a stuck CI run. The abort itself takes about a second.
    r = mpirun(2, "run", demo, *SMALL, "-o", out, "-q", "--test-fail-rank", 1,
               "--test-fail-tick", 5, timeout=60)
    assert r.returncode != 0
    assert "rank 1 of 2" in r.stderr
    assert "deliberate failure at tick 5" in r.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp-*"))


def test_bad_input_under_mpi_exits_2(tmp_path, demo):
    r = mpirun(2, "run", demo, "--set", "world.synthetic.population=-1", "-o", tmp_path / "x.h5")
    assert r.returncode == 2
    assert "[world.synthetic.population]" in r.stderr


def test_restart_on_two_ranks_matches_the_uninterrupted_run(tmp_path, demo):
    full = tmp_path / "full.h5"
    assert tsunagi("run", demo, *SMALL, "-o", full, "-q").returncode == 0
    r = mpirun(2, "run", demo, *SMALL, "-o", tmp_path / "k.h5", "-q", "--threads", 1,
               "--checkpoint-every", 600, "--test-fail-rank", 1, "--test-fail-tick", 1500)
    assert r.returncode != 0 and "rank 1 of 2" in r.stderr
    for rank in (0, 1):
        assert (tmp_path / f"k.ckpt_t1200.rank{rank}.h5").exists()
    resumed = tmp_path / "resumed.h5"
    r = mpirun(2, "run", "--restart", tmp_path / "k.ckpt_t1200.h5", "-o", resumed, "-q",
               "--threads", 1)
    assert r.returncode == 0, r.stderr
    assert kpis(resumed) == kpis(full)
    for group in ["timeseries", "events"]:
        a, b = group_arrays(full, group), group_arrays(resumed, group)
        for name in a:
            assert np.array_equal(a[name], b[name]), (group, name)
    r = mpirun(3, "run", "--restart", tmp_path / "k.ckpt_t1200.h5", "-o", tmp_path / "x.h5")
    assert r.returncode == 2 and ("restart with mpiexec -n 2" in r.stderr or "not found" in r.stderr)
