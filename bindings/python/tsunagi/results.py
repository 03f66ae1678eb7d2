"""Results: a reader of Tsunagi's HDF5 output (layout in docs/output.md) with KPIs as dicts and
time series and tables as pandas DataFrames. Pure Python (h5py, numpy, pandas): it reads any
output file, also where the engine module is not built.

    res = tsunagi.Results("out/demo.h5")
    res.kpi["deaths_direct"]                       # scalar KPIs as a dict
    res.by_zone(level="municipality")              # KPIs per zone, with codes and names
    res.timeseries("evacuated_safe")["JP"]         # time × zone DataFrame; "JP" = the country
    res.timeseries_table(zone="JP")                # every series of one zone
    res.by("age"); res.edges(); res.facilities(); res.world.raster("tsunami_max_depth_m")
"""

import contextlib
import os
import pathlib
import shutil

import numpy as np

LEVELS = {0: "country", 1: "prefecture", 2: "municipality"}


def _error(kind, message):
    try:
        from tsunagi import _tsunagi as core
    except ImportError:
        from tsunagi import _errors as core
    return getattr(core, kind)(message)


def _py(v):
    """An HDF5 attribute or scalar as a plain Python value (str, int, float, list)."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _py(v[()])
        return [_py(x) for x in v.tolist()] if v.dtype.kind in "OSU" else v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _strings(a):
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in a]


class World:
    """The /world group: grid, raster layers, roads and facilities, for maps and GIS export."""

    def __init__(self, results):
        self._res = results
        with results._open() as f:
            if "world" not in f:
                raise _error("DataError",
                             f"{results.path}: has no /world group (the run had "
                             f"output.world_layers: false). Fix: run again with "
                             f"--set output.world_layers=true")
            w = f["world"]
            self.attrs = {k: _py(v) for k, v in w.attrs.items()}
            self.rasters = [k for k in w if k not in ("roads", "facilities")
                            and isinstance(w[k], results._h5py.Dataset)]
        self.name = self.attrs.get("name", "")
        self.source = self.attrs.get("source", "")
        self.crs_wkt = self.attrs.get("crs_wkt", "")
        self.geotransform = tuple(float(x) for x in self.attrs["geotransform"])
        self.nx = int(self.attrs["nx"])
        self.ny = int(self.attrs["ny"])
        self._cache = {}

    @property
    def extent(self):
        """(west, east, south, north) in the projected CRS (metres), for imshow(extent=...)."""
        x0, dx, _, y0, _, dy = self.geotransform
        return (x0, x0 + self.nx * dx, y0 + self.ny * dy, y0)

    @property
    def cell_area_m2(self):
        return abs(self.geotransform[1] * self.geotransform[5])

    def raster(self, name):
        """A raster layer as a 2-D numpy array [ny, nx] (row 0 = north)."""
        if name not in self._cache:
            if name not in self.rasters:
                raise KeyError(f"no raster '{name}' in /world; there are: {', '.join(self.rasters)}")
            with self._res._open() as f:
                self._cache[name] = f["world"][name][()]
        return self._cache[name]

    def roads(self):
        """Road nodes and directed edges: dict of numpy arrays (node_x, node_y, edge_source,
        edge_target, edge_length_m, edge_width_m, edge_class, edge_open)."""
        if "roads" not in self._cache:
            with self._res._open() as f:
                g = f["world/roads"]
                self._cache["roads"] = {k: g[k][()] for k in g}
        return self._cache["roads"]

    def cell_centres(self):
        """(x, y) 1-D arrays of the cell-centre coordinates of columns and rows."""
        x0, dx, _, y0, _, dy = self.geotransform
        return x0 + (np.arange(self.nx) + 0.5) * dx, y0 + (np.arange(self.ny) + 0.5) * dy


class Snapshots:
    """The optional /snapshots group: residents per cell at times during the run (see
    tsunagi.snapshots)."""

    def __init__(self, results):
        self._res = results
        with results._open() as f:
            g = f["snapshots"]
            self.time_s = g["time_s"][()]
            self.layers = [k for k in g if k != "time_s"]

    def __len__(self):
        return len(self.time_s)

    def frame(self, layer, index):
        """Counts of one layer at one frame, [ny, nx]."""
        with self._res._open() as f:
            return f["snapshots"][layer][index]

    def at(self, layer, time_s):
        """Counts of one layer at the last frame at or before time_s, and that frame's time."""
        i = int(np.searchsorted(self.time_s, time_s, side="right")) - 1
        i = min(max(i, 0), len(self.time_s) - 1)
        return self.frame(layer, i), float(self.time_s[i])

    def all(self, layer):
        """Every frame of one layer, [frames, ny, nx]."""
        with self._res._open() as f:
            return f["snapshots"][layer][()]


class Results:
    """A Tsunagi output file (docs/output.md). Reads lazily; nothing keeps the file open.
    member=i reads member i of a `tsunagi batch` file (its /members/<i> group) as one run."""

    def __init__(self, path, member=None):
        import h5py
        self._h5py = h5py
        self.path = pathlib.Path(os.fspath(path))
        self.member = member
        self._group = f"members/{int(member)}" if member is not None else ""
        self._tmpdir = None
        if not self.path.is_file():
            raise _error("DataError", f"{self.path}: no such file. Fix: give the output of "
                                      f"`tsunagi run` (e.g. out/demo.h5)")
        try:
            with self._h5py.File(self.path, "r") as h5:
                if member is None and "batch" in h5 and "kpi" not in h5:
                    raise _error("DataError",
                                 f"{self.path}: is the output of `tsunagi batch`. Fix: read its "
                                 f"table with tsunagi.read_batch(path), or one member with "
                                 f"Results(path, member=i)")
                if self._group and self._group not in h5:
                    raise _error("DataError", f"{self.path}: has no member {member} (members "
                                              f"that failed are not stored)")
            with self._open() as f:
                if "kpi" not in f or ("meta" not in f and not self._group):
                    raise _error("DataError", f"{self.path}: not a Tsunagi output file (no /meta "
                                              f"or /kpi group)")
                meta = f["meta"] if "meta" in f else f
                self.meta = {k: _py(v) for k, v in meta.attrs.items()}
                self.run_info = ({k: _py(v) for k, v in meta["run"].attrs.items()}
                                 if "run" in meta else {})
                self.kpi = {}
                self._kpi_attrs = {}
                for k, d in f["kpi"].items():
                    if isinstance(d, h5py.Dataset) and d.shape == ():
                        self.kpi[k] = _py(d[()])
                        self._kpi_attrs[k] = {a: _py(v) for a, v in d.attrs.items()}
                z = f["zones"]
                self._zones = {
                    "code": _strings(z["code"][()]),
                    "name": _strings(z["name"][()]),
                    "level": z["level"][()].astype(int),
                    "parent": z["parent"][()].astype(int),
                }
                self.series_names = [k for k in f["timeseries"] if k != "time_s"] \
                    if "timeseries" in f else []
                self.time_s = f["timeseries/time_s"][()] if "timeseries" in f else np.zeros(0)
                self.categories = [k[3:] for k in f["kpi"] if k.startswith("by_")
                                   and k != "by_zone" and isinstance(f["kpi"][k], h5py.Group)]
                self.has_world = "world" in f
                self.has_snapshots = "snapshots" in f
        except OSError as e:
            raise _error("DataError", f"{self.path}: cannot be read as HDF5 ({e}). Fix: give "
                                      f"the output of `tsunagi run`") from None
        self._world = None
        self._snapshots = None

    @contextlib.contextmanager
    def _open(self):
        """The file's root group (or the batch member's group), open for reading."""
        with self._h5py.File(self.path, "r") as f:
            yield f[self._group] if self._group else f

    # --- provenance -------------------------------------------------------------------------
    @property
    def name(self):
        """The scenario's name (`scenario.name`), from /meta."""
        return self.meta.get("scenario_name", "")

    @property
    def seed(self):
        """The seed the run used (`scenario.seed` or `--seed`), from /meta."""
        return self.meta.get("seed")

    @property
    def scenario(self):
        """The fully resolved scenario YAML the run used (reproduces it exactly)."""
        return self.meta.get("scenario", "")

    def scenario_dict(self):
        """The resolved scenario as nested dicts (needs the engine module)."""
        from tsunagi import _tsunagi as core
        return core.Scenario.from_string(self.scenario, str(self.path)).to_dict()

    # --- KPIs -------------------------------------------------------------------------------
    def kpis(self):
        """Scalar KPIs as a DataFrame: value, unit, description (index: name)."""
        import pandas as pd
        return pd.DataFrame(
            {"value": pd.Series(self.kpi, dtype=object),
             "unit": pd.Series({k: a.get("unit", "") for k, a in self._kpi_attrs.items()}),
             "description": pd.Series({k: a.get("description", "")
                                       for k, a in self._kpi_attrs.items()})},
            index=list(self.kpi))

    def unit(self, name):
        """Unit of a KPI or time series."""
        if name in self._kpi_attrs:
            return self._kpi_attrs[name].get("unit", "")
        with self._open() as f:
            for group in ("timeseries", "kpi/by_zone", "edges", "facilities"):
                if group in f and name in f[group]:
                    return _py(f[group][name].attrs.get("unit", ""))
        return ""

    @property
    def zones(self):
        """Zones as a DataFrame: code, name, level ('country', 'prefecture', 'municipality'),
        parent (code); in file order, parents before children."""
        import pandas as pd
        z = self._zones
        parent = [z["code"][p] if p >= 0 else None for p in z["parent"]]
        return pd.DataFrame({"code": z["code"], "name": z["name"],
                             "level": [LEVELS.get(int(v), str(v)) for v in z["level"]],
                             "parent": parent})

    def zone_names(self):
        """{code: name} of every zone."""
        return dict(zip(self._zones["code"], self._zones["name"]))

    def _zone_mask(self, level):
        if level is None:
            return np.ones(len(self._zones["code"]), bool)
        levels = {v: k for k, v in LEVELS.items()}
        if level not in levels:
            raise ValueError(f"level must be one of {', '.join(levels)} or None")
        return self._zones["level"] == levels[level]

    def by_zone(self, level=None):
        """KPIs per zone as a DataFrame indexed by zone code, with name and level columns.
        level: None (every zone), 'country', 'prefecture' or 'municipality'."""
        import pandas as pd
        mask = self._zone_mask(level)
        codes = np.asarray(self._zones["code"])[mask]
        data = {"name": np.asarray(self._zones["name"])[mask],
                "level": [LEVELS.get(int(v)) for v in self._zones["level"][mask]]}
        with self._open() as f:
            if "kpi/by_zone" in f:
                for k, d in f["kpi/by_zone"].items():
                    data[k] = d[()][mask]
        df = pd.DataFrame(data, index=pd.Index(codes, name="zone"))
        return df

    def by(self, category):
        """A KPI split by a category other than zone (e.g. 'age'), as a DataFrame indexed by
        the category's labels, one column per KPI."""
        import pandas as pd
        with self._open() as f:
            key = f"kpi/by_{category}"
            if key not in f:
                raise KeyError(f"no /kpi/by_{category}; categories here: "
                               f"{', '.join(self.categories) or 'none'}")
            g = f[key]
            labels = _strings(g["labels"][()])
            data = {k: d[()] for k, d in g.items() if k != "labels"}
        return pd.DataFrame(data, index=pd.Index(labels, name=category))

    @property
    def by_age(self):
        """by('age'): population, at_risk, deaths_direct, ... per age band (if present)."""
        return self.by("age")

    # --- time series ------------------------------------------------------------------------
    def timeseries(self, name, level=None, label="code"):
        """One time series as a DataFrame: index time_s (seconds since the main shock),
        one column per zone (its code, or its name with label='name'); level as in by_zone()."""
        import pandas as pd
        if name not in self.series_names:
            raise KeyError(f"no time series '{name}'; there are: {', '.join(self.series_names)}")
        with self._open() as f:
            values = f["timeseries"][name][()]
        mask = self._zone_mask(level)
        cols = np.asarray(self._zones[label if label in ("code", "name") else "code"])[mask]
        df = pd.DataFrame(values[:, mask], index=pd.Index(self.time_s, name="time_s"),
                          columns=pd.Index(cols, name="zone"))
        return df

    def timeseries_table(self, names=None, zone="JP"):
        """Several time series of one zone (default the whole country) side by side: index
        time_s, one column per series (default: every series)."""
        import pandas as pd
        names = self.series_names if names is None else list(names)
        codes = self._zones["code"]
        if zone not in codes:
            raise KeyError(f"no zone '{zone}'")
        z = codes.index(zone)
        out = {}
        with self._open() as f:
            for n in names:
                if n not in self.series_names:
                    raise KeyError(f"no time series '{n}'; there are: {', '.join(self.series_names)}")
                out[n] = f["timeseries"][n][:, z]
        return pd.DataFrame(out, index=pd.Index(self.time_s, name="time_s"))

    # --- events ------------------------------------------------------------------------------
    def events(self, kind=None):
        """The event log (/events) as a DataFrame: time_s (the end of the sampling interval in
        which it happened), kind, subject_type ('zone', 'facility' or 'edge'), subject (its
        index: /zones, /world/facilities or the road edge), label (the zone code or the
        facility's id; empty for edges) and count. kind: keep only these kinds (a name or a
        list). Files written before events existed give an empty table."""
        import pandas as pd
        cols = ["time_s", "kind", "subject_type", "subject", "label", "count"]
        with self._open() as f:
            if "events" not in f:
                return pd.DataFrame({c: [] for c in cols})
            g = f["events"]
            kinds = _strings(g["kinds"][()])
            subjects = _strings(g["kind_subject"][()])
            k = g["kind"][()]
            subject = g["subject"][()]
            facility_ids = (_strings(f["world/facilities/external_id"][()])
                            if "world/facilities/external_id" in f else None)
            df = pd.DataFrame({"time_s": g["time_s"][()],
                               "kind": np.asarray(kinds, dtype=object)[k] if len(k) else [],
                               "subject_type": np.asarray(subjects, dtype=object)[k]
                               if len(k) else [],
                               "subject": subject, "count": g["count"][()]})
        codes = self._zones["code"]

        def label(row):
            if row.subject_type == "zone":
                return codes[row.subject]
            if row.subject_type == "facility" and facility_ids is not None:
                return facility_ids[row.subject]
            return ""
        df["label"] = [label(r) for r in df.itertuples()] if len(df) else []
        df = df[cols]
        if kind is not None:
            wanted = [kind] if isinstance(kind, str) else list(kind)
            unknown = sorted(set(wanted) - set(kinds))
            if unknown:
                raise KeyError(f"no event kind {', '.join(unknown)}; there are: {', '.join(kinds)}")
            df = df[df["kind"].isin(wanted)].reset_index(drop=True)
        return df

    def event_totals(self):
        """How many times each kind of event happened over the run (a Series by kind)."""
        df = self.events()
        return df.groupby("kind")["count"].sum() if len(df) else df["count"]

    # --- per edge / per facility ------------------------------------------------------------
    def edges(self):
        """One row per directed road edge: static attributes from /world/roads (source, target,
        length_m, width_m, class, open) and every /edges result."""
        import pandas as pd
        data = {}
        with self._open() as f:
            if "world/roads" in f:
                g = f["world/roads"]
                for k in g:
                    if k.startswith("edge_"):
                        data[k[5:]] = g[k][()]
            if "edges" in f:
                for k, d in f["edges"].items():
                    data[k] = d[()]
        return pd.DataFrame(data)

    def facilities(self):
        """One row per facility: kind, external_id, name, x, y, capacity, zone (code), node,
        occupancy_final from /world/facilities, and every /facilities result."""
        import pandas as pd
        data = {}
        with self._open() as f:
            if "world/facilities" in f:
                g = f["world/facilities"]
                for k in g:
                    v = g[k][()]
                    data[k] = _strings(v) if v.dtype.kind in "OS" else v
            if "facilities" in f:
                for k, d in f["facilities"].items():
                    data[k] = d[()]
        df = pd.DataFrame(data)
        if "zone" in df:
            codes = self._zones["code"]
            df["zone"] = [codes[z] if 0 <= z < len(codes) else None for z in df["zone"]]
        return df

    # --- world and snapshots ----------------------------------------------------------------
    @property
    def world(self):
        """The /world group (grid, rasters, roads) - see World."""
        if self._world is None:
            self._world = World(self)
        return self._world

    @property
    def snapshots(self):
        """The /snapshots group (residents per cell over time), or None if the run had none."""
        if not self.has_snapshots:
            return None
        if self._snapshots is None:
            self._snapshots = Snapshots(self)
        return self._snapshots

    def first_arrival_s(self):
        """The earliest tsunami arrival on land (s), or None."""
        if not self.has_world or "tsunami_arrival_s" not in self.world.rasters:
            return None
        a = self.world.raster("tsunami_arrival_s")
        zone = self.world.raster("zone") if "zone" in self.world.rasters else None
        a = a[np.isfinite(a) & (zone >= 0)] if zone is not None else a[np.isfinite(a)]
        return float(a.min()) if a.size else None

    def save(self, path):
        """Copies the output file to `path` (e.g. to keep the temporary file of run())."""
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path)
        return Results(path)

    def __repr__(self):
        member = f" member {self.member}" if self.member is not None else ""
        return (f"<tsunagi.Results{member} '{self.name}' seed {self.seed}: {len(self.kpi)} KPIs, "
                f"{len(self.series_names)} series, {len(self._zones['code'])} zones — {self.path}>")

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td style='text-align:left'>{k}</td><td>{v:,.6g}</td>"
            f"<td style='text-align:left'>{'' if self._kpi_attrs[k].get('unit') == 'persons' else self._kpi_attrs[k].get('unit', '')}</td></tr>"
            for k, v in self.kpi.items())
        return (f"<div><b>Tsunagi results</b> '{self.name}' (seed {self.seed}, "
                f"{self.meta.get('threads')} threads, {self.meta.get('version')}) "
                f"<code>{self.path}</code><table>{rows}</table></div>")


def read_batch(path):
    """The members of a `tsunagi batch` output file as a DataFrame in the shape of
    tsunagi.batch(): index (variant, seed), one column per KPI (NaN for failed members), plus
    'ok', 'error' and 'member' (for Results(path, member=...)). summarize() and
    tsunagi.viz.compare_strategies() take it as they take batch()'s table."""
    import h5py
    import pandas as pd
    path = pathlib.Path(os.fspath(path))
    if not path.is_file():
        raise _error("DataError", f"{path}: no such file. Fix: give the output of `tsunagi batch`")
    with h5py.File(path, "r") as f:
        if "batch" not in f:
            raise _error("DataError", f"{path}: not the output of `tsunagi batch` (no /batch "
                                      f"group); read a single run with tsunagi.Results(path)")
        m = f["batch/members"]
        variant = _strings(m["variant"][()])
        seed = m["seed"][()].astype(int)
        data = {k: d[()] for k, d in f["batch/kpi"].items()}
        data["ok"] = m["ok"][()].astype(bool)
        data["error"] = _strings(m["error"][()])
        data["member"] = np.arange(len(variant))
        attrs = {k: _py(v) for k, v in f["meta"].attrs.items()}
    df = pd.DataFrame(data, index=pd.MultiIndex.from_arrays([variant, seed],
                                                            names=["variant", "seed"]))
    df.attrs["meta"] = attrs
    return df
