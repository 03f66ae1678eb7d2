"""tsunagi.Simulation: the engine's Simulation with Python conveniences (a progress bar by
default, scenario from a path or a dict, agent positions and per-cell counts for maps).

It wraps the compiled tsunagi._tsunagi.Simulation (every method of which it offers, by
delegation) rather than subclassing it: an instance whose constructor raised must stay safe to
inspect (tracebacks show `self`), which a half-built extension object is not.
"""

import os

import numpy as np

from tsunagi import _tsunagi as _core
from tsunagi._progress import ProgressBar

NO_ID = np.uint32(0xFFFFFFFF)  # kNoNode / kNoEdge / kNoCell


def as_scenario(scenario):
    """A Scenario from a Scenario (copied), a YAML file path or a dict."""
    if isinstance(scenario, _core.Scenario):
        return scenario.copy()
    if isinstance(scenario, dict):
        return _core.Scenario.from_dict(scenario)
    if isinstance(scenario, (str, os.PathLike)):
        return _core.Scenario.load(os.fspath(scenario))
    raise TypeError(f"expected a tsunagi.Scenario, a YAML file path or a dict, got "
                    f"{type(scenario).__name__}")


class Simulation:
    __doc__ = _core.Simulation.__doc__ + """
In Python, `scenario` may also be a YAML file path or a dict (see Scenario.from_dict); it is
copied, so later changes to it do not affect the simulation. Every method of the engine's
Simulation is available (tick, time_s, total_ticks, tick_s, done(), kpis(), output(),
write(path), describe(), scenario(), config(), world(), agents(kind), times(), series(name),
...), plus cells(), positions() and cell_counts() below.
"""

    def __init__(self, scenario, threads=0, check_invariants=None, chunk_size=0):
        self._sim = _core.Simulation(as_scenario(scenario), threads=threads,
                                     check_invariants=check_invariants, chunk_size=chunk_size)

    def __getattr__(self, name):
        if name == "_sim":  # the constructor raised
            raise AttributeError("this Simulation was not constructed (its constructor raised)")
        return getattr(self._sim, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(dir(_core.Simulation)))

    def __repr__(self):
        sim = self.__dict__.get("_sim")
        return repr(sim) if sim is not None else "<tsunagi.Simulation (not constructed)>"

    @staticmethod
    def check(scenario):
        """Reads and checks every section of a scenario (types, ranges, unknown keys) without
        building the world: cheap. Raises ScenarioError. `scenario` as for the constructor."""
        _core.Simulation.check(as_scenario(scenario))

    @classmethod
    def restart(cls, path, threads=0):
        """A Simulation resumed from a checkpoint file (see write_checkpoint(path))."""
        self = cls.__new__(cls)
        self._sim = _core.Simulation.restart(os.fspath(path), threads=threads)
        return self

    @property
    def core(self):
        """The compiled tsunagi._tsunagi.Simulation this wraps."""
        return self._sim

    def run(self, progress=True, every=0):
        """Runs to the end with the GIL released. Returns self.

        progress: True for a progress bar (HTML in Jupyter, text on a terminal), False/None for
        none, or a callable progress(ticks_done, total_ticks) called every `every` ticks
        (default: 1 % of the run). Ctrl-C (Jupyter: interrupt) stops between two ticks;
        run() again continues.
        """
        sim = self._sim
        if progress is True:
            start = sim.tick
            bar = ProgressBar(sim.total_ticks - start, lambda d: sim.time_of(start + d),
                              sim.config()["name"])
            sim.run(lambda done, total: bar.update(done - start), every)
            bar.finish()
        else:
            sim.run(progress if callable(progress) else None, every)
        return self

    def step(self, n=1):
        """Runs n ticks (fewer at the end of the run) with the GIL released. Returns self."""
        self._sim.step(n)
        return self

    def cells(self, kind="resident"):
        """The grid cell (row * nx + col) where each agent of `kind` is now (uint32 array, a
        copy; 0xFFFFFFFF where unknown): on a road link, the cell of its interpolated position;
        at a node, the node's cell; before leaving (home, stranded), its location cell."""
        return agent_cells(self._sim, kind)

    def positions(self, kind="resident"):
        """(x, y) of each agent of `kind` now, in the world's projected CRS (float64 copies;
        NaN where unknown), positioned as in cells()."""
        return agent_positions(self._sim, kind)

    def cell_counts(self, states=None, kind="resident"):
        """Agents per grid cell now, as a [ny, nx] int64 array (row 0 = north); `states` limits
        the count to some ResidentState values, e.g. [ResidentState.Walking]."""
        grid = self._sim.world().grid
        c = self.cells(kind)
        keep = c != NO_ID
        if states is not None:
            st = self._sim.agents(kind)["state"]
            keep &= np.isin(st, [int(s) for s in states])
        counts = np.bincount(c[keep].astype(np.int64), minlength=grid.cells())
        return counts.reshape(grid.ny(), grid.nx())
def _fields(store, names):
    return [store[n] if n in store else None for n in names]


def _edge_points(world, edge, node, pos):
    """Interpolated (x, y) on links: node is the link's start, pos the metres travelled."""
    roads = world.roads
    nx_, ny_ = roads.node_x(), roads.node_y()
    v = roads.target()[edge]
    f = np.minimum(1.0, pos / roads.length_m()[edge])
    x = nx_[node] + f * (nx_[v] - nx_[node])
    y = ny_[node] + f * (ny_[v] - ny_[node])
    return x, y


def agent_positions(sim, kind="resident"):
    store = sim.agents(kind)
    w = sim.world()
    n = len(store)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    state, edge, node, pos, cell = _fields(store, ["state", "edge", "node", "pos_m", "cell"])
    waiting = np.zeros(n, bool)
    if state is not None:
        waiting = np.isin(state, [int(_core.ResidentState.Home),
                                  int(_core.ResidentState.Stranded)])
    if edge is not None and node is not None and pos is not None:
        on = (edge != NO_ID) & (node != NO_ID) & ~waiting
        x[on], y[on] = _edge_points(w, edge[on], node[on], pos[on])
        at = (edge == NO_ID) & (node != NO_ID) & ~waiting
        x[at] = w.roads.node_x()[node[at]]
        y[at] = w.roads.node_y()[node[at]]
    if cell is not None:
        grid = w.grid
        x0, dx, _, y0, _, dy = grid.transform()
        rest = np.isnan(x) & (cell != NO_ID)
        x[rest] = x0 + (cell[rest] % grid.nx() + 0.5) * dx
        y[rest] = y0 + (cell[rest] // grid.nx() + 0.5) * dy
    return x, y


def agent_cells(sim, kind="resident"):
    grid = sim.world().grid
    x, y = agent_positions(sim, kind)
    x0, dx, _, y0, _, dy = grid.transform()
    out = np.full(len(x), NO_ID, dtype=np.uint32)
    ok = ~np.isnan(x)
    col = np.floor((x[ok] - x0) / dx).astype(np.int64)
    row = np.floor((y[ok] - y0) / dy).astype(np.int64)
    inside = (col >= 0) & (col < grid.nx()) & (row >= 0) & (row < grid.ny())
    idx = np.flatnonzero(ok)[inside]
    out[idx] = (row[inside] * grid.nx() + col[inside]).astype(np.uint32)
    return out
