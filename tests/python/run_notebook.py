"""Executes a notebook headless (nbclient) with this interpreter as the kernel, in the
notebook's directory, and fails on the first cell error. Nothing is written back (committed
notebooks stay without outputs) unless --save OUT.ipynb names a copy to write, for review.
Usage: python3 run_notebook.py NOTEBOOK.ipynb [--save OUT.ipynb]"""
import json
import os
import pathlib
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient


def main(path, save=None):
    path = pathlib.Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as jp:
        # A kernel spec naming this very interpreter (Debian's python3, with the packages the
        # tests use), whatever other kernels this machine has registered.
        spec = pathlib.Path(jp) / "kernels" / "tsunagi-test"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "tsunagi test", "language": "python"}))
        os.environ["JUPYTER_PATH"] = jp + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger note
        t0 = time.monotonic()
        client = NotebookClient(nb, kernel_name="tsunagi-test", timeout=600,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"{path.name}: {cells} code cells ran in {time.monotonic() - t0:.1f} s")
    if save:
        nbformat.write(nb, save)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--save" else None)
