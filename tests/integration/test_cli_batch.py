"""tsunagi batch: sweeps of variants × seeds, failures, and ensembles under mpiexec."""
import os
import subprocess

import h5py
import numpy as np
import pytest

from conftest import BIN, ROOT, tsunagi

SWEEP = """batch:
  name: t
  scenario: {scenario}
  seeds: [1, 2]
  set: {{world.synthetic.population: 4000, scenario.duration_s: 1800, output.world_layers: false}}
  variants:
    - {{name: low, set: {{evacuation.awareness: low}}}}
    - {{name: high, set: {{evacuation.awareness: high}}}}
"""


def sweep(tmp_path, text=None, **kw):
    p = tmp_path / "sweep.yaml"
    p.write_text(text if text is not None else SWEEP.format(scenario=ROOT / "scenarios" / "demo.yaml", **kw))
    return p


def test_batch_writes_members_and_a_comparison(tmp_path):
    out = tmp_path / "b.h5"
    r = tsunagi("batch", sweep(tmp_path), "-o", out, "--threads", 2)
    assert r.returncode == 0, r.stderr
    assert "deaths_direct" in r.stdout and "low" in r.stdout and "high" in r.stdout
    with h5py.File(out) as f:
        assert [v.decode() for v in f["batch/members/variant"][()]] == ["low", "low", "high", "high"]
        assert list(f["batch/members/seed"][()]) == [1, 2, 1, 2]
        assert list(f["batch/members/ok"][()]) == [1, 1, 1, 1]
        deaths = f["batch/kpi/deaths_direct"][()]
        mean = f["batch/summary/deaths_direct/mean"][()]
        assert mean[0] == pytest.approx(deaths[:2].mean())
        assert mean[1] == pytest.approx(deaths[2:].mean())
        assert mean[1] < mean[0]  # high awareness saves lives
        assert f["batch/summary/deaths_direct/sd"][0] == pytest.approx(np.std(deaths[:2], ddof=1))
        for i in range(4):  # every member's full result
            assert f[f"members/{i}/kpi/population"][()] == 4000
            assert f[f"members/{i}/timeseries/evacuated_safe"].ndim == 2


def test_a_failing_member_is_reported_and_the_batch_goes_on(tmp_path):
    text = SWEEP.format(scenario=ROOT / "scenarios" / "demo.yaml") + """    - name: no_safe_place
      set:
        world.synthetic.shelter_min_elevation_m: 100000
        world.synthetic.evacuation_buildings: 0
        world.synthetic.tsunami.height_m: 5000
        world.synthetic.tsunami.decay_km: 500
        evacuation.safe_depth_m: 0.001
"""
    out = tmp_path / "b.h5"
    r = tsunagi("batch", sweep(tmp_path, text), "-o", out)
    assert r.returncode == 1
    assert "no safe place for evacuees" in r.stdout
    with h5py.File(out) as f:
        assert list(f["batch/members/ok"][()]) == [1, 1, 1, 1, 0, 0]
        assert "no safe place" in f["batch/members/error"][4].decode()
        assert list(f["batch/summary/failed"][()]) == [0, 0, 2]


@pytest.mark.parametrize("text,message", [
    ("batch:\n  name: x\n", "[batch.scenario]: is required but missing"),
    ("batch:\n  scenario: nowhere.yaml\n", "nowhere.yaml does not exist"),
    ("batch:\n  scenario: {demo}\n  seedz: [1]\n", "[batch.seedz]: unknown key"),
    ("batch:\n  scenario: {demo}\n  variants:\n    - {{name: a, set: {{evacuation.awarenes: high}}}}\n",
     "variant 'a'"),
    ("batch:\n  scenario: {demo}\n  variants:\n    - {{name: a}}\n    - {{name: a}}\n",
     "variant 'a' appears twice"),
    ("batch:\n  scenario: {demo}\n  seeds: [1.5]\n", "1.5 is not a whole number"),
])
def test_bad_sweeps_are_explained(tmp_path, text, message):
    p = sweep(tmp_path, text.format(demo=ROOT / "scenarios" / "demo.yaml"))
    out = tmp_path / "b.h5"
    r = tsunagi("batch", p, "-o", out)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert "Fix:" in r.stderr
    assert not out.exists()


def test_stockpile_compare_is_deterministic_and_compares_strategies(tmp_path):
    # The sweep file as shipped: four strategies × three seeds, twice, bit-identical.
    spec = ROOT / "scenarios" / "stockpile_compare.yaml"
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    r = tsunagi("batch", spec, "-o", a, "--threads", 2)
    assert r.returncode == 0, r.stderr
    assert "unmet_person_days_d1_3" in r.stdout and "central_prepositioned" in r.stdout
    assert tsunagi("batch", spec, "-o", b, "--threads", 1, "-q").returncode == 0
    with h5py.File(a) as fa, h5py.File(b) as fb:
        assert list(fa["batch/members/ok"][()]) == [1] * 12
        for name in ["meals_unmet", "water_l_unmet", "unmet_person_days_d1_3", "truck_trips",
                     "first_delivery_median_h"]:
            assert np.array_equal(fa[f"batch/kpi/{name}"][()], fb[f"batch/kpi/{name}"][()]), name
        demand = fa["batch/kpi/meals_demand"][()]
        unmet = fa["batch/kpi/meals_unmet"][()]
        delivered = fa["batch/kpi/meals_delivered"][()]
        assert np.array_equal(demand, unmet + delivered)
        # The same seed gives the same people in the shelters whatever the strategy ...
        assert np.array_equal(demand[0:3], demand[3:6])
        # ... and there is a shortfall to compare.
        assert unmet.min() > 0
        # Pre-positioning adds stock at remote shelters: never worse in days 1-3 than central.
        d13 = fa["batch/kpi/unmet_person_days_d1_3"][()]
        assert np.all(d13[6:9] <= d13[3:6])
