"""The real-data world through the CLI: scenarios/uwajima.yaml on ../shared/data, an OSM extract,
and the bad-input paths of the data loaders (exit code 2, a message naming the file and a fix).
Tests that need ../shared/data skip, saying so, when it is absent; TSUNAGI_DATA_DIR overrides
where it is looked for."""
import bz2
import hashlib
import os
import pathlib
import re
import subprocess

import h5py
import pytest

from conftest import BIN, ROOT, kpis

DEFAULT_DATA = ROOT.parent / "shared" / "data"
DATA = pathlib.Path(os.environ.get("TSUNAGI_DATA_DIR") or DEFAULT_DATA)
UWAJIMA = ROOT / "scenarios" / "uwajima.yaml"
FILES = ["boundaries/N03-21_38_210101.json",
         "ehime/population/mesh_500m_38203.geojson",
         "ehime/population/mesh_500m_38204.geojson",
         "inundation/case1/500/132_33.json",
         "ehime/shelters/shelters_joined.csv"]
needs_data = pytest.mark.skipif(
    not all((DATA / f).exists() for f in FILES),
    reason=f"real data not found in {DATA} (../shared/data; set TSUNAGI_DATA_DIR to its location)")


def run(*args, data_dir=DATA, cwd=None):
    """Runs the CLI with TSUNAGI_DATA_DIR set (None: unset); never raises on failure."""
    env = dict(os.environ)
    env.pop("TSUNAGI_DATA_DIR", None)
    if data_dir is not None:
        env["TSUNAGI_DATA_DIR"] = str(data_dir)
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def failed(r, out=None):
    """Checks a bad-input failure: exit code 2, a fix, no output file; returns stderr."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Fix:" in r.stderr
    if out is not None:
        assert not out.exists()
    return r.stderr


@needs_data
def test_validate_prints_what_was_loaded():
    r = run("validate", UWAJIMA)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for expected in ["EPSG:6690 (JGD2011 / UTM zone 53N)", "38203 宇和島市", "38204 八幡浜市",
                     "93,206 residents", "62,694 persons", "30,512 persons",
                     "case 1: 2,920 points", "cell graph:", "121 loaded",
                     "data warnings", "quadrants 2 and 3 swapped", "38203 吉田町",
                     "duplicated ids", "truncated common_id", "rows without an id",
                     "selected rows without coordinates: not loaded: 9 records",
                     "OK: "]:
        assert expected in out, expected


@needs_data
@pytest.mark.skipif(DATA.resolve() != DEFAULT_DATA.resolve(),
                    reason="the scenario's default root is ../shared/data")
def test_data_root_is_relative_to_the_scenario_not_the_working_directory(tmp_path):
    r = run("validate", UWAJIMA, data_dir=None, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "93,206 residents" in r.stdout


@needs_data
def test_a_short_run_writes_results_provenance_and_the_world(tmp_path):
    out = tmp_path / "uwajima.h5"
    r = run("run", UWAJIMA, "--set", "scenario.duration_s=900", "-o", out, "--threads", 2,
            "--check-invariants")
    assert r.returncode == 0, r.stderr
    k = kpis(out)
    assert k["population"] == 93206
    assert k["deaths_direct"] + k["evacuated_safe"] + k["still_exposed"] + k["not_exposed"] == 93206
    assert k["at_risk"] > 10000 and k["inundated_area_km2"] > 10
    with h5py.File(out, "r") as f:
        meta = f["meta"].attrs
        assert meta["world_source"] == "data"
        inputs = meta["inputs"]
        for rel in FILES:
            digest = hashlib.sha256((DATA / rel).read_bytes()).hexdigest()
            assert f"sha256:{digest}" in inputs, rel
        assert [c.decode() for c in f["zones/code"][()]] == ["JP", "38", "38203", "38204"]
        w = f["world"]
        assert w["population"][()].sum() == 93206
        share = w["age_65plus_share"][()]
        assert 0.3 < share[w["population"][()] > 0].mean() < 0.5
        assert len(w["facilities/external_id"]) == 121
        assert "JGD2011 / UTM zone 53N" in w.attrs["crs_wkt"]


@needs_data
def test_case_4_is_chosen_by_one_key(tmp_path):
    a, b = tmp_path / "case1.h5", tmp_path / "case4.h5"
    for case, out in [(1, a), (4, b)]:
        r = run("run", UWAJIMA, "--set", f"world.data.tsunami.case={case}",
                "--set", "scenario.duration_s=300", "-o", out, "-q")
        assert r.returncode == 0, r.stderr
    assert kpis(a)["inundated_area_km2"] != kpis(b)["inundated_area_km2"]
    with h5py.File(b, "r") as f:
        assert "inundation/case4/500/132_33.json" in f["meta"].attrs["inputs"]
        assert "case: 4" in f["meta"].attrs["scenario"]


@needs_data
def test_osm_xml_and_pbf_give_the_same_network(tmp_path):
    xml = tmp_path / "liechtenstein.osm"
    xml.write_bytes(bz2.decompress((DATA / "osm/liechtenstein-2013-08-03.osm.bz2").read_bytes()))
    rows = []
    for path in [DATA / "osm/liechtenstein-2013-08-03.osm.pbf", xml]:
        scenario = tmp_path / "osm.yaml"
        scenario.write_text("scenario: {name: liechtenstein}\n"
                            "world:\n  source: data\n  data:\n    cell_size_m: 200\n"
                            f"    network: {{source: osm, path: '{path}'}}\n")
        r = run("validate", scenario)
        assert r.returncode == 0, r.stderr
        network = next(line for line in r.stdout.splitlines() if line.strip().startswith("network"))
        rows.append(re.search(r"([\d,]+) nodes, ([\d,]+) directed edges", network).groups())
        assert "2,748 of 3,014 line features used" in network
    assert rows[0] == rows[1]


def test_missing_data_is_a_clear_error(tmp_path):
    r = run("validate", UWAJIMA, data_dir=tmp_path / "nowhere")
    err = failed(r)
    assert "file not found" in err and "TSUNAGI_DATA_DIR" in err


def test_unknown_data_keys_fail_before_any_file_is_read(tmp_path):
    r = run("validate", UWAJIMA, "--set", "world.data.cell_size=100", data_dir=tmp_path / "nowhere")
    err = failed(r)
    assert "[world.data.cell_size]: unknown key" in err and "did you mean 'cell_size_m'?" in err


@needs_data
def test_a_case_without_a_file(tmp_path):
    out = tmp_path / "x.h5"
    err = failed(run("run", UWAJIMA, "--set", "world.data.tsunami.case=9", "-o", out), out)
    assert "case9/500/132_33.json: tsunami inundation file not found" in err


@needs_data
def test_a_population_total_that_disagrees_with_its_cells(tmp_path):
    scenario = tmp_path / "uwajima.yaml"
    scenario.write_text(UWAJIMA.read_text().replace("expected_total: 62694", "expected_total: 62695"))
    out = tmp_path / "x.h5"
    err = failed(run("run", scenario, "-o", out), out)
    assert "mesh_500m_38203.geojson: the 562 records add up to 62694 persons" in err
    assert "expected_total is 62695" in err


def test_a_mesh_code_that_does_not_parse(tmp_path):
    (tmp_path / "tblT001141H5132.txt").write_text(
        "KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001141001\n,,,,population\n"
        "513240011,0,,,12\n51324001X,0,,,7\n")
    scenario = tmp_path / "mesh.yaml"
    scenario.write_text("world:\n  source: data\n  data:\n    population:\n      sources:\n"
                        "        - {path: tblT001141H5132.txt}\n")
    out = tmp_path / "x.h5"
    err = failed(run("run", scenario, "-o", out), out)
    assert "tblT001141H5132.txt: record 3 has mesh code '51324001X', which does not parse" in err
