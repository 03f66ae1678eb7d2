"""The Nankai-style scenario end to end through the CLI, at small scale: earthquake, damage,
tsunami, evacuation and lifelines land in the output file where docs/output.md says."""
import h5py
import numpy as np

from conftest import ROOT, group_arrays, kpis, tsunagi

NANKAI = ROOT / "scenarios" / "nankai_synthetic.yaml"
SMALL = ["--set", "world.synthetic.population=5000", "--set", "scenario.duration_s=21600",
         "--set", "scenario.tick_s=5"]


def test_nankai_scenario_writes_hazard_damage_and_lifeline_outputs(tmp_path):
    out = tmp_path / "nankai.h5"
    r = tsunagi("run", NANKAI, *SMALL, "-o", out, "--threads", 2, "-q", "--check-invariants")
    assert r.returncode == 0, r.stderr
    k = kpis(out)
    for name in ["buildings_collapsed", "deaths_collapse", "trapped", "roads_blocked",
                 "power_outage_households_peak", "water_outage_people_peak", "jma_intensity_max",
                 "buildings_destroyed_tsunami", "bridges_failed", "telecom_outage_people_peak"]:
        assert name in k, name
    assert k["earthquake_mw"] == 9.0
    assert k["jma_intensity_max"] > 5.5
    assert k["buildings_collapsed"] > 0 and k["power_outage_households_peak"] > 0
    pop = k["population"]
    assert k["deaths_direct"] == k["deaths_tsunami"] + k["deaths_collapse"]
    assert k["deaths_direct"] + k["evacuated_safe"] + k["still_exposed"] + k["not_exposed"] == pop
    with h5py.File(out, "r") as f:
        nz = len(f["zones/code"])
        t = f["timeseries/time_s"][()]
        for name in ["roads_open_share", "power_served", "water_served", "telecom_served"]:
            s = f["timeseries"][name][()]
            assert s.shape == (len(t), nz), name
            assert f["timeseries"][name].attrs["unit"] == "share"
            assert np.all((s >= 0) & (s <= 1)), name
        for layer in ["jma_intensity", "pgv_cm_s", "okada_uplift_m", "tsunami_max_depth_m",
                      "buildings_collapsed", "vs30_mps", "liquefaction_pl"]:
            assert f["world"][layer].shape == (f["world"].attrs["ny"], f["world"].attrs["nx"]), layer
        assert "edge_bridge" in f["world/roads"] and "edge_emergency_route" in f["world/roads"]
        kinds = {x.decode() for x in f["world/facilities/kind"][()]}
        assert {"substation", "water_plant", "base_station"} <= kinds
        assert "backup_hours" in f["world/facilities"] and "open_final" in f["world/facilities"]
    edges = group_arrays(out, "edges")
    assert "road_damage" in edges and "reopened_s" in edges


def test_nankai_scenario_validates_and_bad_faults_exit_2(tmp_path):
    r = tsunagi("validate", NANKAI, "--set", "world.synthetic.population=3000")
    assert r.returncode == 0, r.stderr
    r = tsunagi("run", NANKAI, *SMALL, "-o", tmp_path / "x.h5",
                "--set", "hazard.earthquake.faults=[{x_km: 0, y_km: 0, strike_deg: 0, dip_deg: 95,"
                " length_km: 10, width_km: 10}]")
    assert r.returncode == 2
    assert "[hazard.earthquake.faults[0].dip_deg]" in r.stderr
    assert not (tmp_path / "x.h5").exists()
