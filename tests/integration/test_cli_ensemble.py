"""tsunagi batch under mpiexec: members spread over groups of ranks, results as on one process."""
import os
import subprocess

import h5py
import numpy as np

from conftest import BIN, ROOT, tsunagi
from test_cli_batch import SWEEP

MPIEXEC = os.environ.get("TSUNAGI_MPIEXEC", "mpiexec")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def test_ensemble_equals_serial_batch(tmp_path):
    p = tmp_path / "sweep.yaml"
    p.write_text(SWEEP.format(scenario=ROOT / "scenarios" / "demo.yaml"))
    serial = tmp_path / "serial.h5"
    assert tsunagi("batch", p, "-o", serial, "-q").returncode == 0
    for n, per_member in [(3, 1), (4, 2)]:
        text = p.read_text() + f"  ranks_per_member: {per_member}\n"
        q = tmp_path / f"sweep{n}.yaml"
        q.write_text(text)
        out = tmp_path / f"mpi{n}.h5"
        r = subprocess.run([MPIEXEC, "-n", str(n), BIN, "batch", str(q), "-o", str(out),
                            "--threads", "1"], capture_output=True, text=True, env=ENV, timeout=600)
        assert r.returncode == 0, r.stderr
        with h5py.File(serial) as a, h5py.File(out) as b:
            for name in a["batch/kpi"]:
                assert np.array_equal(a["batch/kpi"][name][()], b["batch/kpi"][name][()]), name
            assert list(b["batch/members/ok"][()]) == [1, 1, 1, 1]
        assert not list(tmp_path.glob("*.members"))  # scratch removed
