"""Errors arrive as Python exceptions of the matching types, with the CLI's messages."""
import pytest

import tsunagi as ts
from conftest import DEMO, cli


def cli_message(r):
    """The message of a failed CLI run (stderr 'tsunagi: error: MESSAGE')."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    text = r.stderr.strip()
    prefix = "tsunagi: error: "
    assert prefix in text, text
    return text[text.index(prefix) + len(prefix):]


def test_hierarchy():
    assert ts.TsunagiError is ts.Error
    for cls in (ts.ScenarioError, ts.DataError, ts.OutputError):
        assert issubclass(cls, ts.InputError)
    assert issubclass(ts.InputError, ts.Error) and issubclass(ts.InputError, ValueError)
    assert issubclass(ts.ModelError, ts.Error) and issubclass(ts.ModelError, RuntimeError)
    assert issubclass(ts.IoError, ts.Error) and issubclass(ts.IoError, OSError)
    assert ts.ScenarioError.__module__ == "tsunagi"


def test_unknown_key_same_message_as_cli(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario:\n  name: x\nevacuation:\n  walk_speed: 1.0\n")
    with pytest.raises(ts.ScenarioError) as e:
        ts.Simulation(ts.Scenario.load(bad))
    assert str(e.value) == cli_message(cli("validate", bad))
    assert "did you mean 'walk_speed_mps'" in str(e.value)


def test_missing_file_same_message_as_cli(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ts.ScenarioError) as e:
        ts.Scenario.load(missing)
    assert str(e.value) == cli_message(cli("validate", missing))


def test_bad_override_same_message_as_cli():
    sc = ts.Scenario.load(DEMO)
    with pytest.raises(ts.ScenarioError) as e:
        sc.set("world.synthetic.population=-5")
        ts.Simulation(sc)
    assert str(e.value) == cli_message(cli("validate", DEMO, "--set",
                                           "world.synthetic.population=-5"))
    with pytest.raises(ts.ScenarioError) as e:
        ts.Scenario.load(DEMO).set("scenario.seed=[1")
    assert str(e.value) == cli_message(cli("validate", DEMO, "--set", "scenario.seed=[1"))
    with pytest.raises(ts.ScenarioError, match="expected KEY=VALUE"):
        ts.Scenario.load(DEMO).set("novalue")


def test_python_values_that_are_not_yaml():
    with pytest.raises(ts.ScenarioError, match=r"\[scenario.seed\]: nan is not a finite"):
        ts.Scenario.from_dict({"scenario": {"seed": float("nan")}})
    with pytest.raises(ts.ScenarioError, match=r"the key 1 is not text"):
        ts.Scenario.from_dict({"scenario": {1: 2}})
    with pytest.raises(ts.InputError, match="cannot be written to a scenario"):
        ts.Scenario.load(DEMO).set("scenario.seed", object())
    with pytest.raises(ValueError):  # InputError is a ValueError
        ts.Simulation(DEMO, threads=-1)


def test_output_error(tmp_path, small):
    sim = ts.Simulation(small, threads=1)
    (tmp_path / "dir.h5").mkdir()
    with pytest.raises(ts.OutputError, match="is a directory. Fix:"):
        sim.write(tmp_path / "dir.h5")


def test_results_of_a_bad_file_raise_data_error(tmp_path):
    with pytest.raises(ts.DataError, match="no such file"):
        ts.Results(tmp_path / "missing.h5")
    junk = tmp_path / "junk.h5"
    junk.write_text("not hdf5")
    with pytest.raises(ts.DataError, match="cannot be read as HDF5"):
        ts.Results(junk)


def test_agent_and_field_lookups(small):
    sim = ts.Simulation(small, threads=1)
    with pytest.raises(KeyError, match="no agents of kind 'truck'; this run has: resident"):
        sim.agents("truck")
    with pytest.raises(KeyError, match="has no field 'x'; its fields are: state"):
        sim.agents()["x"]
