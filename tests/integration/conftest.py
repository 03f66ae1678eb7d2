"""Shared helpers for the CLI integration tests (run by ctest with TSUNAGI_BIN set)."""
import os
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("TSUNAGI_BIN", str(ROOT / "build" / "release" / "bin" / "tsunagi"))

# A small, fast version of the demo: the same scenario file, scaled down with --set.
SMALL = ["--set", "world.synthetic.population=6000", "--set", "scenario.duration_s=2400"]


def tsunagi(*args, cwd=None):
    """Runs the CLI; returns the CompletedProcess (never raises on a non-zero exit)."""
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def kpis(path):
    """All scalar KPIs of an output file as a dict."""
    with h5py.File(path, "r") as f:
        return {k: f["kpi"][k][()] for k in f["kpi"] if isinstance(f["kpi"][k], h5py.Dataset)}


def group_arrays(path, group):
    with h5py.File(path, "r") as f:
        return {k: np.asarray(f[group][k][()]) for k in f[group]
                if isinstance(f[group][k], h5py.Dataset)}


@pytest.fixture
def demo():
    return ROOT / "scenarios" / "demo.yaml"
