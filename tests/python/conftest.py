"""Shared fixtures of the Python tests (run by ctest with PYTHONPATH set to the build's python
directory and TSUNAGI_BIN to the CLI; both also work from a plain `pytest tests/python` after
`make demo` with PYTHONPATH=build/release/python)."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("TSUNAGI_BIN", str(ROOT / "build" / "release" / "bin" / "tsunagi"))
DEMO = ROOT / "scenarios" / "demo.yaml"
# The demo scaled down (the same overrides the CLI integration tests use).
SMALL = {"world.synthetic.population": 6000, "scenario.duration_s": 2400}
SMALL_SET = [f"{k}={v}" for k, v in SMALL.items()]


def cli(*args, cwd=None):
    """Runs the tsunagi CLI; returns the CompletedProcess."""
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.fixture
def small():
    import tsunagi as ts
    sc = ts.Scenario.load(DEMO)
    for k, v in SMALL.items():
        sc.set(k, v)
    return sc


@pytest.fixture(scope="session")
def small_results(tmp_path_factory):
    """One small run with /snapshots, shared by the read-only tests."""
    import tsunagi as ts
    out = tmp_path_factory.mktemp("run") / "small.h5"
    return ts.run(DEMO, set=SMALL, threads=2, output=out, snapshot_every_s=300, progress=False)
