"""End-to-end runs of the tsunagi CLI on the demo scenario at small scale."""
import shutil

import h5py
import numpy as np

from conftest import ROOT, SMALL, group_arrays, kpis, tsunagi


def test_demo_runs_and_writes_a_complete_file(tmp_path, demo):
    out = tmp_path / "demo.h5"
    r = tsunagi("run", demo, *SMALL, "-o", out, "--threads", 2, "--check-invariants")
    assert r.returncode == 0, r.stderr
    assert "population" in r.stdout and "deaths_direct" in r.stdout  # KPI summary
    assert "progress: 100%" in r.stderr                               # plain progress lines
    assert not list(tmp_path.glob("*.tmp-*"))
    with h5py.File(out, "r") as f:
        meta = f["meta"].attrs
        for key in ["version", "git_revision", "seed", "threads", "ranks", "scenario"]:
            assert key in meta, key
        assert meta["seed"] == 42 and meta["threads"] == 2 and meta["ranks"] == 1
        assert "population: 6000" in meta["scenario"]  # the resolved scenario, overrides applied
        codes = [c.decode() for c in f["zones/code"][()]]
        assert codes[0] == "JP" and codes[1] == "99"
        nz = len(codes)
        for name in ["deaths_direct", "evacuated_safe", "still_exposed", "population"]:
            assert f["kpi/by_zone"][name].shape == (nz,)
        t = f["timeseries/time_s"][()]
        assert t[0] == 0 and t[-1] == 2400 and np.all(np.diff(t) == 60)
        for name in ["evacuated_safe", "deaths_direct"]:
            ts = f["timeseries"][name][()]
            assert ts.shape == (len(t), nz)
            assert np.all(np.diff(ts, axis=0) >= 0)  # cumulative counts never fall
            assert ts[-1, 0] == f["kpi"][name][()]  # the last sample is the final KPI
        assert f["world/elevation_m"].ndim == 2
    k = kpis(out)
    assert k["population"] == 6000
    # Conservation: every resident ends in exactly one state.
    assert k["deaths_direct"] + k["evacuated_safe"] + k["still_exposed"] + k["not_exposed"] == 6000
    by_zone = group_arrays(out, "kpi/by_zone")
    assert by_zone["population"][0] == 6000


def test_kpis_are_identical_for_one_and_two_threads(tmp_path, demo):
    # Small work chunks so that two threads really process residents concurrently.
    a, b = tmp_path / "t1.h5", tmp_path / "t2.h5"
    assert tsunagi("run", demo, *SMALL, "-o", a, "--threads", 1, "-q").returncode == 0
    assert tsunagi("run", demo, *SMALL, "-o", b, "--threads", 2, "-q",
                   "--chunk-size", 97).returncode == 0
    ka, kb = kpis(a), kpis(b)
    assert ka == kb
    for group in ["kpi/by_zone", "timeseries", "events"]:
        ga, gb = group_arrays(a, group), group_arrays(b, group)
        assert ga.keys() == gb.keys()
        for name in ga:
            assert np.array_equal(ga[name], gb[name]), (group, name)


def test_seed_changes_the_run_and_is_recorded(tmp_path, demo):
    a, b = tmp_path / "s1.h5", tmp_path / "s2.h5"
    assert tsunagi("run", demo, *SMALL, "-o", a, "-q").returncode == 0
    assert tsunagi("run", demo, *SMALL, "-o", b, "-q", "--seed", 43).returncode == 0
    ta, tb = group_arrays(a, "timeseries"), group_arrays(b, "timeseries")
    assert not np.array_equal(ta["evacuated_safe"], tb["evacuated_safe"])
    with h5py.File(b, "r") as f:
        assert f["meta"].attrs["seed"] == 43


def test_resolved_scenario_reproduces_the_run(tmp_path, demo):
    a = tmp_path / "a.h5"
    assert tsunagi("run", demo, *SMALL, "-o", a, "-q").returncode == 0
    with h5py.File(a, "r") as f:
        (tmp_path / "resolved.yaml").write_text(f["meta"].attrs["scenario"])
    b = tmp_path / "b.h5"
    r = tsunagi("run", tmp_path / "resolved.yaml", "-o", b, "-q")
    assert r.returncode == 0, r.stderr
    assert kpis(a) == kpis(b)


def test_info_prints_provenance_and_kpis(tmp_path, demo):
    out = tmp_path / "i.h5"
    assert tsunagi("run", demo, *SMALL, "-o", out, "-q").returncode == 0
    r = tsunagi("info", out, "--zones", "--scenario")
    assert r.returncode == 0, r.stderr
    for text in ["git_revision", "seed", "42", "deaths_direct", "evacuated_safe", "99201",
                 "Town 1", "# resolved scenario", "walk_speed_mps"]:
        assert text in r.stdout, text


def test_validate_reports_what_was_loaded(demo):
    r = tsunagi("validate", demo, "--set", "world.synthetic.population=3000")
    assert r.returncode == 0, r.stderr
    for text in ["population", "3000", "road network", "shelters", "EPSG:6690", "OK:"]:
        assert text in r.stdout, text


def test_default_output_path_uses_the_scenario_name(tmp_path, demo):
    r = tsunagi("run", demo, *SMALL, "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "demo.h5").is_file()


def test_default_output_name_cannot_leave_the_out_directory(tmp_path, demo):
    r = tsunagi("run", demo, *SMALL, "-q", "--set", "scenario.name=../../escape", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "_.._escape.h5").is_file()
    assert not (tmp_path.parent / "escape.h5").exists()


def test_info_skips_attributes_it_cannot_read(tmp_path, demo):
    # A file touched by another tool: an integer array where a scalar is expected.
    out = tmp_path / "x.h5"
    assert tsunagi("run", demo, *SMALL, "-o", out, "-q").returncode == 0
    with h5py.File(out, "a") as f:
        del f["meta"].attrs["seed"]
        f["meta"].attrs["seed"] = np.arange(64, dtype=np.int64)
        f["meta"].attrs["tags"] = np.array([b"a", b"b"])
    r = tsunagi("info", out)
    assert r.returncode == 0, r.stderr
    assert "deaths_direct" in r.stdout


def test_version_and_help():
    r = tsunagi("--version")
    assert r.returncode == 0 and r.stdout.startswith("tsunagi ")
    r = tsunagi("--help")
    assert r.returncode == 0
    for cmd in ["run", "validate", "info"]:
        assert cmd in r.stdout
    r = tsunagi("run", "--help")
    assert r.returncode == 0 and "--set" in r.stdout and "--threads" in r.stdout


def test_a_killed_run_resumed_from_its_checkpoint_ends_as_if_uninterrupted(tmp_path, demo):
    full = tmp_path / "full.h5"
    assert tsunagi("run", demo, *SMALL, "-o", full, "-q").returncode == 0
    killed = tmp_path / "killed.h5"
    r = tsunagi("run", demo, *SMALL, "-o", killed, "-q", "--checkpoint-every", 600,
                "--test-fail-rank", 0, "--test-fail-tick", 1500)
    assert r.returncode == 1 and "deliberate failure" in r.stderr
    assert not killed.exists()
    ckpt = tmp_path / "killed.ckpt_t1200.h5"
    assert ckpt.exists() and not (tmp_path / "killed.ckpt_t1800.h5").exists()
    resumed = tmp_path / "resumed.h5"
    r = tsunagi("run", "--restart", ckpt, "-o", resumed, "-q")
    assert r.returncode == 0, r.stderr
    assert kpis(resumed) == kpis(full)
    for group in ["timeseries", "kpi/by_zone", "edges", "facilities", "events"]:
        a, b = group_arrays(full, group), group_arrays(resumed, group)
        for name in a:
            assert np.array_equal(a[name], b[name]), (group, name)


def test_longer_ticks_keep_the_days_of_repair_on_time(tmp_path):
    # Three days after the M9: 1 s ticks throughout vs 60 s ticks after 2 h. Lifelines update
    # every 5 min and crews work in seconds either way, so service curves agree closely (a
    # model counting ticks instead of time would update 60 times less often after 2 h).
    scenario = ROOT / "scenarios" / "nankai_synthetic.yaml"
    common = ["--set", "world.synthetic.population=20000", "--set", "scenario.duration_s=259200",
              "--set", "output.record_every_s=3600"]
    runs = {}
    for name, after, tick in [("fine", 0, 0), ("coarse", 7200, 60)]:
        out = tmp_path / f"{name}.h5"
        r = tsunagi("run", scenario, *common, "--set", f"scenario.coarse_after_s={after}",
                    "--set", f"scenario.coarse_tick_s={tick}", "-o", out, "-q")
        assert r.returncode == 0, r.stderr
        runs[name] = group_arrays(out, "timeseries")
    fine, coarse = runs["fine"], runs["coarse"]
    assert np.array_equal(fine["time_s"], coarse["time_s"])
    power = fine["power_served"][:, 0]
    assert power[-1] > power[1] + 0.3  # the crews restore power over the three days
    for name in ["power_served", "telecom_served", "water_served", "roads_open_share"]:
        assert np.abs(fine[name] - coarse[name]).max() < 0.02, name


def test_relief_logistics_resume_from_a_checkpoint_as_if_uninterrupted(tmp_path):
    # Shelters and logistics (stocks, trucks mid-trip with their routes, accounting) over two
    # days on the damaged synthetic coast, killed after day 1 and resumed.
    nankai = ROOT / "scenarios" / "nankai_synthetic.yaml"
    short = ["--set", "world.synthetic.population=12000", "--set", "scenario.duration_s=172800",
             "--set", "scenario.tick_s=2", "--set", "scenario.coarse_after_s=3600",
             "--set", "scenario.coarse_tick_s=600", "--set", "lifelines.period_s=600",
             "--set", "logistics.strategy.plan_fill=0.1"]
    full = tmp_path / "full.h5"
    assert tsunagi("run", nankai, *short, "-o", full, "-q").returncode == 0
    killed = tmp_path / "killed.h5"
    r = tsunagi("run", nankai, *short, "-o", killed, "-q", "--checkpoint-every", 43200,
                "--test-fail-rank", 0, "--test-fail-tick", 1800 + 100)
    assert r.returncode == 1 and "deliberate failure" in r.stderr
    ckpts = list(tmp_path.glob("killed.ckpt_t*.h5"))  # named by tick: 1,800 + 66 (t = 43,200 s)
    assert len(ckpts) == 1
    ckpt = ckpts[0]
    resumed = tmp_path / "resumed.h5"
    r = tsunagi("run", "--restart", ckpt, "-o", resumed, "-q")
    assert r.returncode == 0, r.stderr
    k = kpis(full)
    assert k["truck_trips"] > 0 and k["meals_unmet"] > 0
    assert kpis(resumed) == k
    for group in ["timeseries", "kpi/by_zone", "kpi/by_phase", "edges", "facilities", "events"]:
        a, b = group_arrays(full, group), group_arrays(resumed, group)
        assert a.keys() == b.keys(), group
        for name in a:
            assert np.array_equal(a[name], b[name]), (group, name)
    # A checkpoint whose truck paths do not add up is refused with a clear error, not read.
    broken = tmp_path / "broken.ckpt_t1866.h5"
    shutil.copy(ckpt, broken)
    with h5py.File(broken, "r+") as f:
        (key,) = [k for k in ("state/models/logistics/path_offsets",
                              "models/logistics/path_offsets") if k in f]
        data = f[key][()]
        size = f[key].attrs["element_size"]
        del f[key]
        f[key] = data[:-8]  # one offset short
        f[key].attrs["element_size"] = size
    r = tsunagi("run", "--restart", broken, "-o", tmp_path / "x.h5", "-q")
    assert r.returncode == 2
    assert "logistics truck paths are inconsistent" in r.stderr
    assert "restart from an intact checkpoint" in r.stderr
    assert not (tmp_path / "x.h5").exists()
