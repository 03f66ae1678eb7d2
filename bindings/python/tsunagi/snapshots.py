"""Per-cell snapshots of where residents are during a run, for density maps and animations.

The engine's HDF5 output has no agent positions. run(..., snapshot_every_s=S) records, every S
seconds of simulated time, how many residents are in each grid cell in four groups, and appends
them to the output file as the optional /snapshots group (compact: gzip-compressed counts):

    /snapshots/time_s                 float64 [frames]
    /snapshots/<layer>                uint32  [frames × ny × nx], row 0 = north, for layer in
        waiting     at risk and not yet left (home, or stranded)
        evacuating  on their way: walking, driving or riding as passengers
        safe        arrived at a shelter, evacuation building or safe ground
        dead        killed by the tsunami, where they died
"""

import numpy as np

LAYERS = {
    "waiting": ("Home", "Stranded"),
    "evacuating": ("Walking", "Driving", "Passenger"),
    "safe": ("Safe",),
    "dead": ("Dead",),
}
DESCRIPTIONS = {
    "waiting": "residents at risk who have not left yet (at home, or stranded), per cell",
    "evacuating": "residents on their way (walking, driving, passengers), per cell",
    "safe": "residents who reached a safe place, per cell",
    "dead": "residents killed by the tsunami, per cell where they died",
}


class SnapshotRecorder:
    """Collects per-cell counts from a live Simulation (call record(sim) at each frame)."""

    def __init__(self):
        self.time_s = []
        self.frames = {name: [] for name in LAYERS}

    def record(self, sim):
        from tsunagi import _tsunagi as core
        grid = sim.world().grid
        cells = sim.cells("resident").astype(np.int64)
        state = sim.agents("resident")["state"]
        known = cells != 0xFFFFFFFF
        for name, states in LAYERS.items():
            codes = [int(getattr(core.ResidentState, s)) for s in states]
            keep = known & np.isin(state, codes)
            counts = np.bincount(cells[keep], minlength=grid.cells()).astype(np.uint32)
            self.frames[name].append(counts.reshape(grid.ny(), grid.nx()))
        self.time_s.append(sim.time_s)

    def write(self, path):
        """Appends /snapshots to an existing output file (replacing one already there)."""
        import h5py
        with h5py.File(path, "a") as f:
            if "snapshots" in f:
                del f["snapshots"]
            g = f.create_group("snapshots")
            g.attrs["description"] = "residents per grid cell at times during the run"
            g.create_dataset("time_s", data=np.asarray(self.time_s, dtype=np.float64))
            for name, frames in self.frames.items():
                data = np.stack(frames) if frames else np.zeros((0, 0, 0), np.uint32)
                d = g.create_dataset(name, data=data, compression="gzip", compression_opts=4,
                                     shuffle=True, chunks=(1,) + data.shape[1:] if frames else None)
                d.attrs["unit"] = "persons"
                d.attrs["description"] = DESCRIPTIONS[name]
