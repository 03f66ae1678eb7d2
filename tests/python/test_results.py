"""Results (the HDF5 reader), run() and batch()."""
import gc

import numpy as np
import pandas as pd
import pytest

import tsunagi as ts
from conftest import DEMO, SMALL


def test_kpis_tables_and_series(small_results):
    res = small_results
    k = res.kpi
    assert isinstance(k["population"], int) and k["population"] == 6000
    assert isinstance(k["evacuation_time_mean_s"], float)
    assert k["deaths_direct"] + k["evacuated_safe"] + k["still_exposed"] + k["not_exposed"] == 6000
    t = res.kpis()
    assert t.loc["population", "unit"] == "persons" and t.loc["population", "value"] == 6000
    z = res.zones
    assert list(z.columns) == ["code", "name", "level", "parent"]
    assert z.iloc[0]["code"] == "JP" and z.iloc[0]["level"] == "country"
    assert z.iloc[0]["parent"] is None and z.iloc[1]["parent"] == "JP"
    bz = res.by_zone()
    assert bz.index.name == "zone" and bz.loc["JP", "population"] == 6000
    munis = res.by_zone("municipality")
    assert (munis["level"] == "municipality").all()
    assert munis["population"].sum() == 6000
    age = res.by_age
    assert list(age.index) == ["under_65", "65_74", "75_plus"]
    assert age["population"].sum() == 6000
    ts_ = res.timeseries("evacuated_safe")
    assert ts_.index.name == "time_s" and ts_.index[0] == 0 and ts_.index[-1] == 2400
    assert list(ts_.columns) == list(z["code"])
    assert ts_["JP"].iloc[-1] == k["evacuated_safe"]
    assert list(res.timeseries("deaths_direct", label="name").columns)[0] == "日本"
    table = res.timeseries_table(zone="JP")
    assert set(table.columns) == set(res.series_names) >= {"walking", "still_exposed"}
    with pytest.raises(KeyError, match="no time series"):
        res.timeseries("nope")
    with pytest.raises(ValueError, match="level must be"):
        res.by_zone("county")


def test_event_log_adds_up_to_the_kpis(small_results):
    res = small_results
    ev = res.events()
    assert list(ev.columns) == ["time_s", "kind", "subject_type", "subject", "label", "count"]
    assert (ev["count"] > 0).all() and ev["time_s"].is_monotonic_increasing
    assert set(ev["time_s"]) <= set(res.time_s)
    totals = res.event_totals()
    k = res.kpi
    assert totals.get("deaths_tsunami", 0) + totals.get("deaths_collapse", 0) == k["deaths_direct"]
    assert totals.get("shelter_arrivals", 0) == k["in_shelters"] + k["in_evacuation_buildings"]
    deaths = res.events("deaths_tsunami")
    assert (deaths["subject_type"] == "zone").all()
    by_zone = deaths.groupby("label")["count"].sum()
    munis = res.by_zone("municipality")
    for code, n in by_zone.items():
        assert munis.loc[code, "deaths_direct"] - munis.loc[code, "deaths_collapse"] == n
    arrivals = res.events(["shelter_arrivals"]).groupby("subject")["count"].sum()
    occupancy = res.facilities()["occupancy"]
    assert all(occupancy.iloc[f] == n for f, n in arrivals.items())
    with pytest.raises(KeyError, match="no event kind nope; there are: road_closed"):
        res.events("nope")


def test_edges_facilities_world_snapshots(small_results):
    res = small_results
    e = res.edges()
    roads = res.world.roads()
    assert len(e) == len(roads["edge_source"])
    assert {"length_m", "open", "peak_pedestrian_density", "peak_vehicles"} <= set(e.columns)
    f = res.facilities()
    assert {"kind", "external_id", "capacity", "occupancy"} <= set(f.columns)
    assert set(f["zone"]) <= set(res.zones["code"]) | {None}
    w = res.world
    assert w.raster("elevation_m").shape == (w.ny, w.nx)
    assert w.extent[1] - w.extent[0] == pytest.approx(w.nx * w.geotransform[1])
    assert "tsunami_max_depth_m" in w.rasters and "UTM zone" in w.crs_wkt
    s = res.snapshots
    assert s.layers == ["dead", "evacuating", "safe", "waiting"]
    assert list(s.time_s) == list(range(0, 2401, 300))
    last = sum(s.frame(layer, len(s) - 1).sum() for layer in s.layers)
    assert s.frame("dead", len(s) - 1).sum() == res.kpi["deaths_direct"]
    assert s.frame("safe", len(s) - 1).sum() == res.kpi["evacuated_safe"]
    assert last == res.kpi["at_risk"]  # everyone at risk is in exactly one layer
    frame, t = s.at("evacuating", 1000)
    assert t == 900 and frame.shape == (w.ny, w.nx)
    assert res.first_arrival_s() > 0
    assert "deaths_direct" in res._repr_html_()


def test_run_to_a_temporary_file_and_save(tmp_path):
    res = ts.run(DEMO, set=SMALL, threads=1, progress=False)
    path = res.path
    assert path.exists() and not res.has_snapshots
    kept = res.save(tmp_path / "kept.h5")
    assert kept.kpi == res.kpi
    del res
    gc.collect()
    assert not path.exists()  # the temporary file went with its Results
    assert (tmp_path / "kept.h5").exists()


def test_run_leaves_the_scenario_alone_and_checks_snapshot_interval(small):
    ts.run(small, set={"scenario.seed": 3}, progress=False)
    assert small.get("scenario.seed") == "42"
    with pytest.raises(ts.ScenarioError, match="not a whole number of ticks"):
        ts.run(small, snapshot_every_s=0.5, progress=False)


def test_snapshots_follow_simulated_time_when_ticks_get_longer(small, tmp_path):
    # 1 s ticks for 20 min, then 60 s ticks: frames every 30 s, then one per (60 s) tick.
    res = ts.run(small, set={"scenario.coarse_after_s": 1200, "scenario.coarse_tick_s": 60},
                 snapshot_every_s=30, progress=False, output=tmp_path / "coarse.h5")
    t = np.asarray(res.snapshots.time_s)
    fine, coarse = t[t <= 1200], t[t >= 1200]
    assert np.array_equal(fine, np.arange(0, 1201, 30))
    assert np.array_equal(coarse, np.arange(1200, 2401, 60))
    sim = ts.Simulation(small.copy().set("scenario.coarse_after_s", 1200)
                        .set("scenario.coarse_tick_s", 60))
    assert sim.time_of(1200) == 1200 and sim.time_of(1201) == 1260 and sim.tick_at(1230) == 1201


def test_batch_table_is_deterministic_and_matches_run(tmp_path):
    variants = {"low": {"evacuation.awareness": "low"},
                "immediate": ["evacuation.awareness=immediate"]}
    base = ts.Scenario.load(DEMO).set("world.synthetic.population", 3000)
    base.set("scenario.duration_s", 1800)
    df = ts.batch(base, variants, seeds=[1, 2], threads=1, progress=False,
                  output_dir=tmp_path)
    assert df.index.names == ["variant", "seed"]
    assert list(df.index) == [("low", 1), ("low", 2), ("immediate", 1), ("immediate", 2)]
    assert (df["population"] == 3000).all()
    assert (df.xs("immediate")["deaths_direct"].mean() < df.xs("low")["deaths_direct"].mean())
    again = ts.batch(base, variants, seeds=[1, 2], threads=2, progress=False,
                     kpis=["deaths_direct", "evacuated_safe"])
    assert list(again.columns) == ["deaths_direct", "evacuated_safe"]
    pd.testing.assert_frame_equal(again, df[["deaths_direct", "evacuated_safe"]])
    # a kept file is the same run as run() with that seed
    one = ts.run(base, set=variants["low"], seed=2, progress=False)
    assert ts.Results(df.loc[("low", 2), "file"]).kpi == one.kpi
    assert one.kpi["deaths_direct"] == df.loc[("low", 2), "deaths_direct"]
    s = ts.summarize(df, ["deaths_direct"])
    assert list(s.index) == ["low", "immediate"]
    assert list(s.columns) == [("deaths_direct", st) for st in ("mean", "std", "min", "max")]
    # seeds as a count from the base seed; a typo fails before any run
    assert list(ts.batch(base, seeds=2, progress=False).index) == [("base", 42), ("base", 43)]
    with pytest.raises(ts.ScenarioError):
        ts.batch(base, {"bad": {"evacuation.awareness": "[x"}}, progress=False)
    with pytest.raises(KeyError, match="no KPI"):
        ts.batch(base, kpis=["nope"], progress=False)


def test_results_work_without_the_engine(small_results, tmp_path):
    """Results and viz are pure Python: reading a file in a process where _tsunagi is missing."""
    import subprocess
    import sys
    code = (
        "import sys; sys.modules['tsunagi._tsunagi'] = None\n"
        "import tsunagi\n"
        f"r = tsunagi.Results({str(small_results.path)!r})\n"
        "assert tsunagi._core is None and r.kpi['population'] == 6000\n"
        "try:\n    tsunagi.Scenario\nexcept ImportError as e:\n    print('ImportError', e)\n"
        "try:\n    tsunagi.Results('/nonexistent.h5')\nexcept tsunagi.DataError:\n    print('DataError')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "ImportError tsunagi.Scenario needs the compiled engine module" in r.stdout
    assert "DataError" in r.stdout


def test_output_dict_matches_the_file(small_results, small):
    sim = ts.Simulation(small, threads=2)
    sim.run(progress=False)
    out = sim.output()
    assert out["kpi"] == small_results.kpi
    assert out["meta"]["seed"] == 42
    assert np.array_equal(out["timeseries"]["evacuated_safe"],
                          small_results.timeseries("evacuated_safe").to_numpy())
    assert list(out["by_category"]["age"]["labels"]) == ["under_65", "65_74", "75_plus"]
    assert [z.code for z in out["zones"]] == list(small_results.zones["code"])


SWEEP = """batch:
  name: small_awareness
  scenario: {scenario}
  seeds: [1, 2]
  set: {{world.synthetic.population: 3000, scenario.duration_s: 1800}}
  variants:
    - {{name: low, set: {{evacuation.awareness: low}}}}
    - {{name: immediate, set: {{evacuation.awareness: immediate}}}}
"""


def test_sweep_files_of_tsunagi_batch(tmp_path):
    """ts.batch(sweep file) runs the members `tsunagi batch` runs, and read_batch() reads the
    CLI's file into the same table."""
    from conftest import cli
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(SWEEP.format(scenario=DEMO))
    out = tmp_path / "batch.h5"
    r = cli("batch", sweep, "-o", out, "-q", "--threads", 2)
    assert r.returncode == 0, r.stderr
    cli_table = ts.read_batch(out)
    assert list(cli_table.index) == [("low", 1), ("low", 2), ("immediate", 1), ("immediate", 2)]
    assert cli_table["ok"].all() and list(cli_table["member"]) == [0, 1, 2, 3]
    py_table = ts.batch(sweep, threads=1, progress=False)
    assert list(py_table.index) == list(cli_table.index)
    for k in py_table.columns:
        assert np.array_equal(py_table[k].to_numpy(float), cli_table[k].to_numpy(float)), k
    s = ts.summarize(cli_table, ["deaths_direct"])
    assert list(s.index) == ["low", "immediate"]
    # one member of the batch file as a Results
    member = ts.Results(out, member=3)
    assert member.kpi["deaths_direct"] == py_table.loc[("immediate", 2), "deaths_direct"]
    assert member.timeseries("evacuated_safe")["JP"].iloc[-1] == member.kpi["evacuated_safe"]
    with pytest.raises(ts.DataError, match="is the output of `tsunagi batch`"):
        ts.Results(out)
    single = ts.run(DEMO, set=SMALL, progress=False)
    with pytest.raises(ts.DataError, match="not the output of `tsunagi batch`"):
        ts.read_batch(single.path)
    with pytest.raises(ValueError, match="the sweep file names the variants"):
        ts.batch(sweep, seeds=[1], progress=False)


def test_check_and_checkpoint_restart(tmp_path, small):
    ts.Simulation.check(small)
    with pytest.raises(ts.ScenarioError, match="did you mean 'awareness'"):
        ts.Simulation.check(small.copy().set("evacuation.awarenes", "low"))
    with pytest.raises(ts.ScenarioError, match="did you mean 'awareness'"):
        ts.batch(small, {"typo": {"evacuation.awarenes": "low"}}, progress=False)
    whole = ts.Simulation(small, threads=1).run(progress=False)
    sim = ts.Simulation(small, threads=1).step(1200)
    sim.write_checkpoint(tmp_path / "ckpt.h5")
    again = ts.Simulation.restart(tmp_path / "ckpt.h5", threads=2)
    assert again.tick == 1200
    again.run(progress=False)
    assert again.kpis() == whole.kpis()
