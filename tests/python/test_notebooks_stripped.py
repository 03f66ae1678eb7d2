"""Notebooks are committed without outputs (scripts/strip-notebooks strips them)."""
import json
import subprocess

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"01_quickstart", "03_evacuation_awareness"}


def test_committed_notebooks_have_no_outputs():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], path.name
                assert cell["execution_count"] is None, path.name
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name


def test_strip_script_agrees():
    r = subprocess.run([str(ROOT / "scripts" / "strip-notebooks"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
