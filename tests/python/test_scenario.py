"""Scenario from Python: dict → Scenario → resolved YAML → values, set/get, copies."""
import copy
import pathlib

import numpy as np
import pytest

import tsunagi as ts
from conftest import DEMO


def test_dict_round_trip_through_a_simulation():
    d = {
        "scenario": {"name": "round trip", "seed": 5, "duration_s": 600},
        "world": {"synthetic": {"population": 2000, "tsunami": {"height_m": 8.5}}},
        "event": {"time_of_day": "day"},
        "evacuation": {"awareness": {"immediate": 0.5, "errands": 0.3, "imminent": 0.2},
                       "population": {"household_sizes": [0.4, 0.3, 0.1, 0.1, 0.1]},
                       "destinations": {"shelters": False}},
    }
    sc = ts.Scenario.from_dict(d)
    assert sc.to_dict() == d  # before any defaults: exactly what was given
    sim = ts.Simulation(sc, threads=1)
    resolved = sim.scenario()
    back = resolved.to_dict()
    # every given value survives, typed
    assert back["scenario"]["name"] == "round trip" and back["scenario"]["seed"] == 5
    assert back["world"]["synthetic"]["tsunami"]["height_m"] == 8.5
    assert back["evacuation"]["awareness"] == d["evacuation"]["awareness"]
    assert back["evacuation"]["population"]["household_sizes"] == [0.4, 0.3, 0.1, 0.1, 0.1]
    assert back["evacuation"]["destinations"]["shelters"] is False
    # and defaults are filled in (docs/scenario.md)
    assert back["scenario"]["tick_s"] == 1
    assert back["evacuation"]["walk_speed_mps"] == 0.74
    assert back["output"]["record_every_s"] == 60
    # the resolved YAML parses back to the same values, and is what the run records
    again = ts.Scenario.from_string(resolved.resolved_yaml()).to_dict()
    assert again == back
    assert sim.output()["meta"]["scenario"] == resolved.resolved_yaml()
    assert sim.config() == {"name": "round trip", "description": "", "seed": 5,
                            "duration_s": 600.0, "tick_s": 1.0}


def test_set_and_get_by_key_path(small):
    assert small.get("world.synthetic.population") == "6000"
    small.set("evacuation.awareness", "high")          # YAML text, as --set
    small.set("evacuation.car_share", 0.35)            # Python values become YAML
    small.set("evacuation.destinations", {"shelters": False, "evacuation_buildings": True})
    small.set("evacuation.population.household_sizes", (0.2, 0.2, 0.2, 0.2, 0.2))
    small.set("scenario.seed=11")                       # the CLI's KEY=VALUE form
    small.set("scenario.description", '"a: b"')        # YAML text: quote text that looks like YAML
    assert small.get("evacuation.awareness") == "high"
    assert small.get("evacuation.car_share") == "0.35"
    assert small.get("scenario.seed") == "11"
    assert small.get("no.such.key") is None
    assert small.to_dict()["scenario"]["description"] == "a: b"
    d = small.to_dict()
    assert d["evacuation"]["destinations"] == {"shelters": False, "evacuation_buildings": True}
    assert d["evacuation"]["population"]["household_sizes"] == [0.2] * 5
    sim = ts.Simulation(small, threads=1)
    assert sim.config()["seed"] == 11
    assert sim.scenario().to_dict()["evacuation"]["car_share"] == 0.35


def test_values_of_many_python_types():
    sc = ts.Scenario.from_dict({"scenario": {"seed": np.int64(3), "duration_s": np.float32(120),
                                             "name": pathlib.Path("p")},
                                "world": {"synthetic": {"population": 1000}}})
    d = sc.to_dict()
    assert d["scenario"] == {"seed": 3, "duration_s": 120.0, "name": "p"}
    assert ts.Simulation(sc).config()["duration_s"] == 120.0


def test_copies_are_independent(small):
    a = small.copy()
    b = copy.deepcopy(small)
    c = ts.Scenario(small)
    a.set("scenario.seed", 100)
    assert small.get("scenario.seed") == "42" and b.get("scenario.seed") == "42"
    assert c.get("scenario.seed") == "42" and a.get("scenario.seed") == "100"
    # a Simulation copies its scenario: later changes do not reach it
    sim = ts.Simulation(small)
    small.set("scenario.seed", 7)
    assert sim.config()["seed"] == 42


def test_load_path_like_and_validate():
    sc = ts.Scenario.load(pathlib.Path(DEMO))
    assert sc.origin().endswith("demo.yaml")
    assert pathlib.Path(sc.directory()) == DEMO.parent
    sc.set("world.synthetic.population", 3000)
    rows = sc.validate()
    assert rows["population"] == "3000"
    assert "evacuation" in rows["models"]
    assert "demo" in repr(sc)


def test_simulation_accepts_paths_and_dicts():
    assert ts.Simulation(str(DEMO)).config()["name"] == "demo"
    sim = ts.Simulation({"world": {"synthetic": {"population": 1000}},
                         "scenario": {"duration_s": 60}})
    assert sim.total_ticks == 60
    with pytest.raises(TypeError):
        ts.Simulation(42)
