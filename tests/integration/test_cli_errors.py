"""Every bad-input path: a one-paragraph message naming file, key and fix; exit code 2; no output
file left behind."""
import pytest

from conftest import SMALL, tsunagi


def run_bad(tmp_path, *args, yaml=None):
    """Runs `tsunagi run` expecting failure; returns stderr. Checks exit code and no output."""
    scenario = args[0] if args else None
    if yaml is not None:
        scenario = tmp_path / "bad.yaml"
        scenario.write_text(yaml)
    out = tmp_path / "result.h5"
    r = tsunagi("run", scenario, *args[1:], "-o", out, "-q")
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp-*"))
    assert "Fix:" in r.stderr
    return r.stderr


def test_missing_scenario_file(tmp_path):
    err = run_bad(tmp_path, tmp_path / "nope.yaml")
    assert "nope.yaml: scenario file not found" in err
    assert "scenarios/demo.yaml" in err


def test_malformed_yaml(tmp_path):
    err = run_bad(tmp_path, yaml="scenario:\n  name: x\n  seed: [1, 2\nworld: {}\n")
    assert "bad.yaml:" in err and "malformed YAML" in err


def test_wrong_type(tmp_path):
    err = run_bad(tmp_path, yaml="world:\n  synthetic:\n    population: many\n")
    assert "bad.yaml:3: [world.synthetic.population]" in err
    assert "expected a whole number in [1, 4000000000], got 'many'" in err


def test_unknown_key_with_suggestion(tmp_path):
    err = run_bad(tmp_path, yaml="evacuation:\n  walk_speed: 1.0\n")
    assert "bad.yaml:2: [evacuation.walk_speed]: unknown key" in err
    assert "did you mean 'walk_speed_mps'?" in err


def test_unknown_section(tmp_path):
    err = run_bad(tmp_path, yaml="evacuaton:\n  walk_speed_mps: 1.0\n")
    assert "[evacuaton]: unknown key" in err and "did you mean 'evacuation'?" in err


def test_negative_count(tmp_path):
    err = run_bad(tmp_path, yaml="world:\n  synthetic:\n    population: -500\n")
    assert "[world.synthetic.population]" in err and "got -500" in err


def test_negative_count_from_set(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--set", "world.synthetic.shelters=-2")
    assert "--set world.synthetic.shelters=-2: [world.synthetic.shelters]" in err


def test_bad_set_syntax(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--set", "population")
    assert "expected KEY=VALUE" in err


def test_period_not_a_whole_number_of_ticks(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--set", "output.record_every_s=2.5")
    assert "[output.record_every_s]" in err and "not a whole number of base ticks" in err


def test_no_shelter_reachable(tmp_path, demo):
    err = run_bad(tmp_path, demo, *SMALL,
                  "--set", "world.synthetic.shelter_min_elevation_m=100000",
                  "--set", "world.synthetic.tsunami.height_m=5000",
                  "--set", "world.synthetic.tsunami.decay_km=500",
                  "--set", "evacuation.safe_depth_m=0.001")
    assert "no safe place for evacuees" in err


def test_unwritable_output_fails_before_the_run(tmp_path, demo):
    out_dir = tmp_path / "a_dir.h5"
    out_dir.mkdir()
    r = tsunagi("run", demo, *SMALL, "-o", out_dir)
    assert r.returncode == 2
    assert "is a directory" in r.stderr and "Fix:" in r.stderr
    assert "progress" not in r.stderr  # refused before simulating anything
    r = tsunagi("run", demo, *SMALL, "-o", "/proc/tsunagi/out.h5")
    assert r.returncode == 2 and "Fix:" in r.stderr
    assert "progress" not in r.stderr


def test_yaml_aliases_and_duplicate_keys(tmp_path):
    err = run_bad(tmp_path, yaml="evacuation:\n  departure_delay_s: {min: &d 300, mean: *d}\n")
    assert "bad.yaml:2: YAML aliases" in err
    err = run_bad(tmp_path, yaml="scenario:\n  seed: 1\n  seed: 2\n")
    assert "bad.yaml:3: key 'seed' appears twice" in err


def test_behaviour_shares_must_add_up(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--set",
                  "evacuation.awareness={immediate: 0.5, errands: 0.4, imminent: 0.3}")
    assert "[evacuation.awareness]" in err and "add up to 1.2" in err
    err = run_bad(tmp_path, demo, "--set", "evacuation.awareness=medium")
    assert "'medium' is not a known value" in err and "low, high, immediate" in err
    err = run_bad(tmp_path, demo, "--set", "evacuation.population.household_sizes=[0.5, 0.2]")
    assert "[evacuation.population.household_sizes]" in err and "add up to 0.7" in err


def test_unknown_time_of_day(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--set", "event.time_of_day=noon")
    assert "[event.time_of_day]" in err and "night, day, evening" in err


@pytest.mark.parametrize("key", ["hills=1e12", "hubs=1e15", "population=1e13"])
def test_absurd_counts_are_refused(tmp_path, demo, key):
    err = run_bad(tmp_path, demo, "--set", f"world.synthetic.{key}")
    assert f"[world.synthetic.{key.split('=')[0]}]" in err


def test_negative_seed(tmp_path, demo):
    err = run_bad(tmp_path, demo, "--seed", "-1")
    assert "--seed -1" in err and "≥ 0" in err


@pytest.mark.parametrize("content", [None, "this is not HDF5"])
def test_info_on_a_missing_or_foreign_file(tmp_path, content):
    p = tmp_path / "x.h5"
    if content is not None:
        p.write_text(content)
    r = tsunagi("info", p)
    assert r.returncode == 2
    assert ("file not found" if content is None else "not an HDF5 file") in r.stderr


def test_usage_errors_exit_2():
    r = tsunagi("run")
    assert r.returncode == 2 and "SCENARIO" in r.stderr
    r = tsunagi("frobnicate")
    assert r.returncode == 2
    r = tsunagi("run", "scenarios/demo.yaml", "--threads", "-3")
    assert r.returncode == 2


def test_bad_restarts(tmp_path, demo):
    not_ckpt = tmp_path / "plain.h5"
    assert tsunagi("run", demo, *SMALL, "-o", not_ckpt, "-q").returncode == 0
    r = tsunagi("run", "--restart", not_ckpt, "-o", tmp_path / "x.h5", "-q")
    assert r.returncode == 2 and "not a Tsunagi checkpoint" in r.stderr
    r = tsunagi("run", demo, "--restart", not_ckpt, "-o", tmp_path / "x.h5", "-q")
    assert r.returncode == 2 and "cannot be given with it" in r.stderr
    r = tsunagi("run", "-o", tmp_path / "x.h5", "-q")
    assert r.returncode == 2 and "needs a SCENARIO" in r.stderr
    r = tsunagi("run", "--restart", tmp_path / "gone.ckpt_t60.h5", "-o", tmp_path / "x.h5")
    assert r.returncode == 2 and "gone.ckpt_t60.h5: checkpoint not found" in r.stderr
    assert "--checkpoint-every" in r.stderr
    r = tsunagi("run", "--restart", tmp_path / "k.ckpt_t60.rank0.h5", "-o", tmp_path / "x.h5")
    assert r.returncode == 2 and "without .rank<N>" in r.stderr
    assert not (tmp_path / "x.h5").exists()
    err = run_bad(tmp_path, demo, *SMALL, "--checkpoint-every", "2.5")
    assert "not a whole number of base ticks" in err


def test_logistics_bad_policy(tmp_path):
    err = run_bad(tmp_path, yaml="shelters: {enabled: true}\nlogistics:\n  enabled: true\n"
                                 "  policy: fastest\n")
    assert "bad.yaml:4: [logistics.policy]" in err
    assert "proportional" in err and "nearest_first" in err


def test_logistics_negative_truck_capacity(tmp_path, demo):
    err = run_bad(tmp_path, demo, *SMALL, "--set", "logistics.trucks.capacity_kg=-3")
    assert "[logistics.trucks.capacity_kg]: expected a number > 0, got -3" in err


def test_logistics_without_shelters(tmp_path):
    err = run_bad(tmp_path, yaml="world: {synthetic: {population: 3000}}\n"
                                 "logistics:\n  enabled: true\n")
    assert "bad.yaml:3: [logistics.enabled]" in err
    assert "shelters.enabled: true" in err


def test_logistics_pull_before_push(tmp_path):
    err = run_bad(tmp_path, yaml="logistics:\n  supply:\n    push_start_s: 259200\n"
                                 "    pull_start_s: 3600\n")
    assert "bad.yaml:4: [logistics.supply.pull_start_s]" in err
    assert "is before push_start_s" in err


def test_shelters_unknown_norm_with_suggestion(tmp_path):
    err = run_bad(tmp_path, yaml="shelters:\n  norms:\n    water_per_day: 3\n")
    assert "bad.yaml:3: [shelters.norms.water_per_day]" in err
    assert "water_l_per_day" in err
