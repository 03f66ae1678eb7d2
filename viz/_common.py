"""Helpers shared by the viz modules: results coercion, map geometry, road segments."""

import re

import numpy as np


def as_results(res):
    """A Results from a Results or an output file path."""
    from tsunagi.results import Results
    return res if isinstance(res, Results) else Results(res)


def new_ax(ax, figsize=(10, 6)):
    import matplotlib.pyplot as plt
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def crs_name(wkt):
    """The CRS name from WKT, e.g. 'JGD2011 / UTM zone 53N'."""
    m = re.search(r'^\s*\w+\["([^"]+)"', wkt or "")
    return m.group(1) if m else "projected CRS"


class MapFrame:
    """Map coordinates in km from the grid's south-west corner (readable axes whatever the
    CRS), and the transforms from CRS metres."""

    def __init__(self, world):
        self.world = world
        west, east, south, north = world.extent
        self.x0, self.y0 = west, south
        self.extent_km = (0.0, (east - west) / 1000.0, 0.0, (north - south) / 1000.0)

    def xy(self, x, y):
        return (np.asarray(x) - self.x0) / 1000.0, (np.asarray(y) - self.y0) / 1000.0

    @property
    def aspect(self):
        e = self.extent_km
        return (e[1] - e[0]) / max(e[3] - e[2], 1e-9)

    def strips(self, n):
        """x ranges (km) of n equal strips along the region's width."""
        e = self.extent_km
        edges = np.linspace(e[0], e[1], n + 1)
        return list(zip(edges[:-1], edges[1:]))

    def auto_strips(self, max_aspect=4.5, most=4):
        """How many stacked strips keep each under max_aspect (wide coasts read better)."""
        return int(min(most, max(1, np.ceil(self.aspect / max_aspect))))

    def setup(self, ax, title=None, xlim=None):
        xlim = xlim or (self.extent_km[0], self.extent_km[1])
        ax.set_xlim(*xlim)
        ax.set_ylim(self.extent_km[2], self.extent_km[3])
        ax.set_aspect("equal")
        ax.set_xlabel(f"km east ({crs_name(self.world.crs_wkt)})", fontsize=8)
        ax.set_ylabel("km north", fontsize=8)
        ax.tick_params(labelsize=7)
        if title:
            ax.set_title(title, fontsize=10)


def map_figsize(frame, width=12.0, extra_height=0.0, strips=1):
    """A figure size that fits the map's aspect ratio (or that of each of `strips` strips)."""
    aspect = max(frame.aspect / strips, 0.2)
    h = strips * min(max(width / aspect, 2.2), 12.0)
    return (width, h + extra_height)


def map_axes(frame, ax=None, strips=None, width=12.0, extra_height=0.6):
    """Axes to draw a map on, with their x ranges: the given ax (whole region), or a new figure
    of one or more stacked strips (strips=None: enough that each strip is at most ~4.5 times
    as wide as tall, so a long coast stays readable)."""
    import matplotlib.pyplot as plt
    if ax is not None:
        return [ax], [None]
    n = frame.auto_strips() if strips is None else int(strips)
    fig = plt.figure(figsize=map_figsize(frame, width, extra_height, n), layout="constrained")
    axes = list(fig.subplots(n, 1, squeeze=False)[:, 0])
    return axes, (frame.strips(n) if n > 1 else [None])


def land_mask(world):
    """Cells on land inside a zone (elevation ≥ 0 where the output has elevation)."""
    zone = world.raster("zone") if "zone" in world.rasters else None
    land = np.ones((world.ny, world.nx), bool)
    if "elevation_m" in world.rasters:
        land &= world.raster("elevation_m") >= 0
    if zone is not None:
        land &= zone >= 0
    return land


def road_segments(res, values=None, how="max"):
    """Undirected road segments for drawing: one per node pair (two-way roads are two directed
    edges). Returns (segments [n, 2, 2] in CRS metres, edge index of each, value per segment:
    the max (or sum) over both directions of `values` if given)."""
    roads = res.world.roads()
    s, t = roads["edge_source"].astype(np.int64), roads["edge_target"].astype(np.int64)
    a, b = np.minimum(s, t), np.maximum(s, t)
    key = a * (int(b.max(initial=0)) + 1) + b
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    x, y = roads["node_x"], roads["node_y"]
    seg = np.stack([np.stack([x[s[first]], y[s[first]]], 1),
                    np.stack([x[t[first]], y[t[first]]], 1)], 1)
    out = None
    if values is not None:
        values = np.asarray(values, dtype=float)
        out = np.full(len(uniq), -np.inf if how == "max" else 0.0)
        if how == "max":
            np.maximum.at(out, inverse, values)
        else:
            np.add.at(out, inverse, values)
    return seg, first, out


def fmt_count(v):
    return f"{v:,.0f}" if isinstance(v, (int, np.integer)) or float(v).is_integer() else f"{v:,.3g}"


def fmt_minutes(seconds):
    if seconds is None or not np.isfinite(seconds):
        return "–"
    m = int(round(seconds / 60))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


CJK_FONTS = ["IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "TakaoGothic", "VL Gothic"]


def use_japanese_fallback():
    """Lets matplotlib draw Japanese zone and facility names (宇和島市, ...): appends the first
    installed Japanese font (Debian: fonts-ipaexfont-gothic) to font.family as a fallback for
    glyphs the main font lacks. Changes nothing if the user chose their own font family."""
    import matplotlib
    from matplotlib import font_manager
    family = matplotlib.rcParams["font.family"]
    if list(family) != ["sans-serif"]:
        return
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            matplotlib.rcParams["font.family"] = ["sans-serif", name]
            return
