"""Tsunagi (繋ぎ) from Python: scenarios, simulations, results and plots.

    import tsunagi as ts
    sc = ts.Scenario.load("scenarios/demo.yaml")
    sc.set("evacuation.awareness", "high")
    res = ts.run(sc, threads=2)                # releases the GIL; progress bar in notebooks
    res.kpi["deaths_direct"]; res.timeseries("evacuated_safe")["JP"].plot()

The engine classes (Scenario, Simulation, AgentStore, World, ...) and the error classes
(Error → InputError → ScenarioError / DataError / OutputError; ModelError; IoError) have the
names of their C++ counterparts. Results, run(), batch() and tsunagi.viz are pure Python and work
on any output file, even where the compiled module is missing.
"""

from tsunagi.results import Results, read_batch

try:
    from tsunagi import _tsunagi as _core
except ImportError as _e:  # reading results and plotting still work without the engine
    _core = None
    _core_error = _e
    from tsunagi._errors import (  # noqa: F401  pure-Python stand-ins with the same names
        DataError, Error, InputError, IoError, ModelError, OutputError, ScenarioError, TsunagiError)
else:
    from tsunagi._tsunagi import (  # noqa: F401
        AgentStore, DataError, EdgeState, Error, Facilities, Facility, FacilityKind, GridSpec,
        InputError, IoError, ModelError, OutputError, ResidentState, RoadClass, RoadGraph,
        Scenario, ScenarioError, TsunagiError, World, Zone, ZoneLevel, Zones, build_type,
        git_revision, hardware_threads, set_log_level, version)
    from tsunagi.simulation import Simulation  # noqa: F401

    def _int_enum(core_enum):
        """The engine's enum as an IntEnum, so numpy compares arrays with it: a view of the
        resident 'state' field == ResidentState.Walking (pybind11 enums are not ints)."""
        import enum
        e = enum.IntEnum(core_enum.__name__,
                         {k: int(v) for k, v in core_enum.__members__.items()}, module="tsunagi")
        e.__doc__ = core_enum.__doc__
        return e

    ResidentState = _int_enum(ResidentState)
    RoadClass = _int_enum(RoadClass)
    from tsunagi.runner import batch, run, summarize  # noqa: F401

__version__ = version() if _core is not None else "unknown"

__all__ = [
    "AgentStore", "DataError", "EdgeState", "Error", "Facilities", "Facility", "FacilityKind",
    "GridSpec", "InputError", "IoError", "ModelError", "OutputError", "ResidentState", "Results",
    "RoadClass", "RoadGraph", "Scenario", "ScenarioError", "Simulation", "TsunagiError", "World",
    "Zone", "ZoneLevel", "Zones", "batch", "build_type", "git_revision", "hardware_threads",
    "read_batch", "run", "set_log_level", "summarize", "version",
]


def __getattr__(name):
    if _core is None and name in __all__:
        raise ImportError(
            f"tsunagi.{name} needs the compiled engine module tsunagi._tsunagi, which could not "
            f"be imported ({_core_error}). Build it (make demo, or cmake --build --preset release "
            f"--target tsunagi_python) and put build/release/python on PYTHONPATH.")
    raise AttributeError(f"module 'tsunagi' has no attribute '{name}'")
