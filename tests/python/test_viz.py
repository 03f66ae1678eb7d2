"""Plots: every figure function on a small run and on synthetic tables for results that other
models will add (lifelines, supplies); `tsunagi plot` from the CLI; GIS export."""
import shutil

import h5py
import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import tsunagi as ts  # noqa: E402
from tsunagi import viz  # noqa: E402
from conftest import cli  # noqa: E402


def png_size(path):
    assert path.stat().st_size > 5000, path  # not an empty canvas
    with Image.open(path) as im:
        return im.size


def test_standard_set_files_and_sizes(small_results, tmp_path):
    files = viz.standard_set(small_results, tmp_path, dpi=100)
    names = {f.name for f in files}
    expected = {"summary.png", "map_elevation.png", "map_inundation.png",
                "map_roads_congestion.png", "map_roads_state.png", "map_shelters.png",
                "map_density.png", "evacuation_curve.png", "deaths_by_zone.png",
                "outcome_by_age.png", "lifeline_service.png", "evacuation.gif"}
    assert names == expected  # no supply results in this output: skipped
    assert png_size(tmp_path / "summary.png")[0] == 1600
    for name in expected - {"summary.png", "evacuation.gif"}:
        w, h = png_size(tmp_path / name)
        if name.startswith("map_"):  # 12 in wide, as tall as the region's shape needs
            assert w == 1200 and 200 < h < 1600, (name, w, h)
    assert png_size(tmp_path / "evacuation_curve.png") == (1000, 600)
    assert png_size(tmp_path / "outcome_by_age.png") == (700, 400)
    assert png_size(tmp_path / "deaths_by_zone.png")[0] == 1000
    with Image.open(tmp_path / "evacuation.gif") as gif:
        assert gif.n_frames == len(small_results.snapshots) and gif.size[0] == 960
    plt.close("all")


def test_summary_size_is_fixed_width(small_results, tmp_path):
    fig = viz.summary_figure(small_results, tmp_path / "s.png", dpi=50, width=10)
    w, h = png_size(tmp_path / "s.png")
    assert w == 500 and abs(h - round(fig.get_size_inches()[1] * 50)) <= 1
    plt.close(fig)


def test_map_functions_take_an_axes(small_results):
    fig, axes = plt.subplots(3, 2, figsize=(12, 8))
    axes = axes.ravel()
    assert viz.map_elevation(small_results, ax=axes[0]) is axes[0]
    viz.map_inundation(small_results, ax=axes[1])
    viz.map_roads(small_results, ax=axes[2], color_by="state")
    viz.map_roads(small_results, ax=axes[3], color_by="peak_vehicles")
    viz.map_shelters(small_results, ax=axes[4])
    viz.map_density(small_results, time_s=1200, layer=["waiting", "evacuating"], ax=axes[5])
    assert len(axes[2].collections) >= 1
    with pytest.raises(KeyError, match="no per-edge result"):
        viz.map_roads(small_results, ax=axes[3], color_by="nope")
    plt.close(fig)


def test_density_from_a_live_simulation(small_results, small):
    sim = ts.Simulation(small, threads=1)
    sim.step(1500)
    counts = sim.cell_counts([ts.ResidentState.Walking, ts.ResidentState.Driving])
    ax = viz.map_density(small_results, counts=counts, time_s=sim.time_s)
    assert "25 min" in ax.get_title()
    plt.close("all")


def test_density_needs_snapshots(tmp_path, small):
    res = ts.run(small, output=tmp_path / "n.h5", progress=False)
    with pytest.raises(ValueError, match="has no /snapshots"):
        viz.map_density(res)
    with pytest.raises(ValueError, match="no /snapshots to animate"):
        viz.animate_evacuation(res, tmp_path / "a.gif")


def test_lifeline_service_on_synthetic_tables():
    t = np.arange(0, 8 * 86400, 3600.0)
    df = pd.DataFrame({"power_served": np.clip(0.2 + t / 4e5, 0, 1),
                       "water_served": np.clip(0.1 + t / 6e5, 0, 1),
                       "telecom_served": 1000 * np.clip(0.5 + t / 3e5, 0, 1)}, index=t)
    ax = viz.lifeline_service(df)
    assert len(ax.lines) == 3 and ax.get_xlabel() == "days after the main shock"
    power = ax.lines[0].get_ydata()
    assert power[0] == pytest.approx(20.0) and power[-1] == pytest.approx(100.0)
    assert ax.lines[2].get_ydata()[0] == pytest.approx(100.0)  # counts: % of the first value
    plt.close("all")


def test_lifeline_chart_from_a_run_and_supply_chart_skipped_without_results(small_results):
    ax = viz.lifeline_service(small_results)  # the lifelines model runs in every scenario
    labels = {line.get_label() for line in ax.lines}
    assert {"power", "water", "telecom", "roads"} <= labels and ax.get_ylabel() == "% served"
    for line in ax.lines:
        y = line.get_ydata()
        assert ((0 <= y) & (y <= 100)).all()
    plt.close("all")
    assert viz.supply_shortfall(small_results) is None


def test_supply_shortfall_on_synthetic_tables():
    days = pd.Index([1, 2, 3, 4, 5], name="day")
    unmet = pd.DataFrame({"meals": [900, 500, 100, 0, 0], "water_l": [3000, 1000, 0, 0, 0],
                          "infant_formula": [20, 20, 10, 5, 0]}, index=days)
    demand = pd.DataFrame({"meals": [1000] * 5, "water_l": [3000] * 5,
                           "infant_formula": [20] * 5}, index=days)
    ax = viz.supply_shortfall(unmet, demand=demand)
    img = ax.images[0].get_array()
    assert img.shape == (3, 5) and img[0, 0] == pytest.approx(90.0) and img[1, 0] == 100.0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["meals", "water l", "infant formula"]
    plt.close("all")
    assert viz.supply_shortfall(unmet).images[0].get_array()[0, 1] == 500
    plt.close("all")


def test_lifeline_and_supply_series_in_an_output_file(small_results, tmp_path):
    """What the lifelines and logistics models will write, added to a copy of a real output."""
    path = tmp_path / "more.h5"
    shutil.copy(small_results.path, path)
    with h5py.File(path, "a") as f:
        t = np.arange(0, 3 * 86400 + 1, 3600.0)
        nz = len(f["zones/code"])
        g = f["timeseries"]
        del g["time_s"]
        for name in list(g):
            del g[name]
        g["time_s"] = t
        share = np.repeat(np.clip(0.3 + t / 3e5, 0, 1)[:, None], nz, 1)
        g["power_served"] = share
        g["power_served"].attrs["unit"] = "share"
        g["meals_unmet"] = np.repeat(np.minimum(t / 60, 2000.0)[:, None], nz, 1)
        g["meals_demand"] = np.repeat((t / 20)[:, None], nz, 1)
    res = ts.Results(path)
    ax = viz.lifeline_service(res)
    assert len(ax.lines) == 1 and ax.lines[0].get_ydata()[0] == pytest.approx(30.0)
    plt.close("all")
    ax = viz.supply_shortfall(res)
    img = ax.images[0].get_array()
    assert img.shape == (1, 3)  # one item, three days
    assert img[0, 0] == pytest.approx(100.0 * 1440 / 4320)  # day 1: 1440 unmet of 4320
    assert img[0, 2] == pytest.approx(0.0)  # unmet stopped growing at 2000
    plt.close("all")


def test_compare_strategies_and_curves(small_results, small):
    df = ts.batch(small, {"low": {"evacuation.awareness": "low"},
                          "high": {"evacuation.awareness": "high"}}, seeds=[1, 2],
                  progress=False)
    axes = viz.compare_strategies(df)
    assert [a.get_title() for a in axes[:3]] == ["deaths direct", "evacuated safe",
                                                 "still exposed"]
    assert len(axes[0].patches) == 2  # one bar per variant
    plt.close("all")
    ax = viz.compare_curves({"a": small_results, "b": small_results.path})
    assert len(ax.lines) == 2
    plt.close("all")


def test_gis_export(small_results, tmp_path):
    from osgeo import gdal, ogr
    files = viz.export_gis(small_results, tmp_path)
    names = {f.name for f in files}
    assert {"elevation_m.tif", "tsunami_max_depth_m.tif", "tsunami_arrival_s.tif",
            "peak_evacuating.tif", "deaths.tif", "results.gpkg"} <= names
    w = small_results.world
    ds = gdal.Open(str(tmp_path / "tsunami_max_depth_m.tif"))
    assert (ds.RasterXSize, ds.RasterYSize) == (w.nx, w.ny)
    assert ds.GetGeoTransform() == pytest.approx(w.geotransform)
    assert "UTM zone" in ds.GetProjection()
    assert np.allclose(ds.GetRasterBand(1).ReadAsArray(), w.raster("tsunami_max_depth_m"))
    arrival = gdal.Open(str(tmp_path / "tsunami_arrival_s.tif"))  # GDAL: keep the dataset
    assert np.isnan(arrival.GetRasterBand(1).GetNoDataValue())
    deaths = gdal.Open(str(tmp_path / "deaths.tif"))
    dead = deaths.GetRasterBand(1).ReadAsArray()
    assert dead.sum() == small_results.kpi["deaths_direct"]
    g = ogr.Open(str(tmp_path / "results.gpkg"))
    layers = {g.GetLayer(i).GetName(): g.GetLayer(i) for i in range(g.GetLayerCount())}
    assert set(layers) == {"roads", "facilities", "zones"}
    assert layers["roads"].GetFeatureCount() * 2 == len(small_results.edges())
    assert layers["facilities"].GetFeatureCount() == len(small_results.facilities())
    zones = layers["zones"]
    assert zones.GetFeatureCount() == (small_results.zones["level"] == "municipality").sum()
    f = zones.GetNextFeature()
    assert f.GetField("code") == "99201" and f.GetField("population") == 6000
    assert f.GetGeometryRef().GetArea() > 1e6


def test_plot_command(small_results, tmp_path):
    r = cli("plot", small_results.path, "-o", tmp_path / "set", "-q")
    assert r.returncode == 0, r.stderr
    assert png_size(tmp_path / "set" / "summary.png")[0] == 1600
    assert (tmp_path / "set" / "evacuation.gif").exists()
    r = cli("plot", small_results.path, "--summary", tmp_path / "demo.png")
    assert r.returncode == 0, r.stderr
    assert f"wrote {tmp_path / 'demo.png'}" in r.stdout
    assert png_size(tmp_path / "demo.png")[0] == 1600
    r = cli("plot", tmp_path / "missing.h5")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_plot_animate_reruns_a_file_without_snapshots(tmp_path, small):
    out = tmp_path / "plain.h5"
    res = ts.run(small.copy().set("scenario.duration_s", 1200), output=out, progress=False)
    assert not res.has_snapshots
    r = cli("plot", out, "-o", tmp_path / "p", "--animate", "--snapshot-every", 300, "--gis",
            "-q")
    assert r.returncode == 0, r.stderr
    with Image.open(tmp_path / "p" / "evacuation.gif") as gif:
        assert gif.n_frames == 5  # t = 0, 300, ..., 1200
    assert (tmp_path / "p" / "gis" / "results.gpkg").exists()


def test_standard_set_without_some_world_layers(small_results, tmp_path):
    """Outputs of other worlds (real data) may lack layers: maps that need them are skipped."""
    path = tmp_path / "fewer.h5"
    shutil.copy(small_results.path, path)
    with h5py.File(path, "a") as f:
        del f["world/elevation_m"], f["world/tsunami_max_depth_m"], f["snapshots"]
    files = {f.name for f in viz.standard_set(path, tmp_path / "out")}
    assert "summary.png" in files and "map_shelters.png" in files
    assert not files & {"map_elevation.png", "map_inundation.png", "evacuation.gif"}
    plt.close("all")
