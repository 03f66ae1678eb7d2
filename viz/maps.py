"""Maps of the region: elevation, inundation, roads by state or congestion, shelters by
occupancy, evacuee density at a time, and the one-page summary (map + key KPIs).

Coordinates are km from the grid's south-west corner (the CRS is named on the axis); use
tsunagi.viz.export_gis for georeferenced layers in QGIS.
"""

import numpy as np

from ._common import MapFrame, as_results, fmt_count, fmt_minutes, land_mask, map_axes, road_segments

# Inundation depth classes and colours of Japanese hazard maps (MLIT guideline scheme), so
# municipal staff read them as they read their own maps.
DEPTH_BOUNDS = [0.0, 0.5, 3.0, 5.0, 10.0, 20.0, 1000.0]
DEPTH_COLOURS = ["#F7F5A9", "#FFD8C0", "#FFB7B7", "#FF9191", "#F285C9", "#DC7ADC"]
DEPTH_LABELS = ["< 0.5 m", "0.5–3 m", "3–5 m", "5–10 m", "10–20 m", "≥ 20 m"]
SEA = "#cfe3f2"
# Pedestrian density classes (persons/m²): free flow, restricted, crowded, congested, jammed
# (Weidmann's relation stops at 5.4).
DENSITY_BOUNDS = [0.0, 0.5, 1.0, 2.0, 3.0, 6.0]
DENSITY_COLOURS = ["#9a9a9a", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]
FACILITY_STYLE = {
    "shelter": ("o", "shelter"),
    "evacuation_building": ("s", "evacuation building"),
}


def _frame(res):
    res = as_results(res)
    return res, MapFrame(res.world)


def draw_base(ax, res, frame, hillshade=True):
    """Sea in pale blue, land as grey hillshade."""
    from matplotlib.colors import LightSource
    w = res.world
    land = land_mask(w)
    sea = np.where(land, np.nan, 1.0)
    ax.imshow(sea, extent=frame.extent_km, cmap=_flat(SEA), interpolation="nearest", zorder=0)
    if "elevation_m" not in w.rasters:  # flat grey land
        ax.imshow(np.where(land, 0.85, np.nan), extent=frame.extent_km, cmap="gray", vmin=0,
                  vmax=1, interpolation="nearest", zorder=0.5)
        return
    elev = w.raster("elevation_m").astype(float)
    if hillshade:
        dx = abs(w.geotransform[1])
        shade = LightSource(azdeg=315, altdeg=45).hillshade(
            np.where(land, elev, 0.0), vert_exag=3.0, dx=dx, dy=dx)
        ax.imshow(np.where(land, 0.55 + 0.45 * shade, np.nan), extent=frame.extent_km,
                  cmap="gray", vmin=0, vmax=1, interpolation="bilinear", zorder=0.5)


def _flat(colour):
    from matplotlib.colors import ListedColormap
    return ListedColormap([colour])


def _draw_map(res, frame, axes, ranges, title, draw, legend_title=None, colorbar=None):
    """Draws a map on each axes (strips of the region); draw(ax) returns (legend handles,
    mappable for a colour bar). One legend (right of the first strip) and one colour bar."""
    handles, mappable = [], None
    for a, r in zip(axes, ranges):
        handles, mappable = draw(a)
        frame.setup(a, None, r)
    axes[0].set_title(title, fontsize=10)
    if handles:
        axes[0].legend(handles=handles, title=legend_title, fontsize=7, title_fontsize=7,
                       loc="upper left", bbox_to_anchor=(1.005, 1.0), framealpha=0.9)
    if colorbar and mappable is not None:
        axes[0].figure.colorbar(mappable, ax=axes, label=colorbar, shrink=0.9, pad=0.01,
                                aspect=30)
    return axes[0]


def map_elevation(res, ax=None, strips=None):
    """Terrain: elevation of land cells (m), sea in blue, with hillshading. Returns the (first)
    Axes; a long coast is drawn in stacked strips unless ax is given."""
    from matplotlib.colors import LightSource
    res, frame = _frame(res)
    w = res.world
    elev = w.raster("elevation_m").astype(float)
    land = land_mask(w)
    vmax = float(np.nanpercentile(elev[land], 99)) if land.any() else 1.0
    dx = abs(w.geotransform[1])
    shade = LightSource(azdeg=315, altdeg=45).hillshade(np.where(land, elev, 0.0),
                                                        vert_exag=3.0, dx=dx, dy=dx)

    def draw(a):
        draw_base(a, res, frame, hillshade=False)
        im = a.imshow(np.where(land, elev, np.nan), extent=frame.extent_km, cmap="terrain",
                      vmin=-0.25 * vmax, vmax=vmax, interpolation="nearest", zorder=1)
        a.imshow(np.where(land, shade, np.nan), extent=frame.extent_km, cmap="gray", alpha=0.3,
                 interpolation="bilinear", zorder=1.5)
        return [], im

    axes, ranges = map_axes(frame, ax, strips)
    return _draw_map(res, frame, axes, ranges, f"Elevation — {w.name}", draw,
                     colorbar="elevation (m)")


def draw_inundation(ax, res, frame, legend=True, alpha=0.9):
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch
    w = res.world
    if "tsunami_max_depth_m" not in w.rasters:
        return []
    depth = w.raster("tsunami_max_depth_m").astype(float)
    land = land_mask(w)
    shown = np.where(land & (depth > 0), depth, np.nan)
    ax.imshow(shown, extent=frame.extent_km, cmap=ListedColormap(DEPTH_COLOURS),
              norm=BoundaryNorm(DEPTH_BOUNDS, len(DEPTH_COLOURS)), interpolation="nearest",
              alpha=alpha, zorder=1)
    if legend:
        present = [i for i in range(len(DEPTH_COLOURS))
                   if np.any((shown >= DEPTH_BOUNDS[i]) & (shown < DEPTH_BOUNDS[i + 1]))]
        handles = [Patch(facecolor=DEPTH_COLOURS[i], edgecolor="#888", lw=0.5,
                         label=DEPTH_LABELS[i]) for i in present]
        if handles:
            return handles
    return []


def draw_arrival_contours(ax, res, frame):
    w = res.world
    if "tsunami_arrival_s" not in w.rasters:
        return
    arr = w.raster("tsunami_arrival_s").astype(float) / 60.0
    arr = np.where(np.isfinite(arr) & land_mask(w), arr, np.nan)
    if not np.isfinite(arr).any():
        return
    xs, ys = w.cell_centres()
    X, Y = frame.xy(xs, ys)
    lo, hi = np.nanmin(arr), np.nanmax(arr)
    step = 5 if hi - lo <= 60 else 15
    levels = np.arange(np.ceil(lo / step) * step, hi + step, step)
    if len(levels) > 1:
        cs = ax.contour(X, Y, arr, levels=levels, colors="#1f4e79", linewidths=0.6, zorder=2)
        ax.clabel(cs, fmt="%d min", fontsize=6)


def map_inundation(res, ax=None, arrival_contours=True, legend=True, strips=None):
    """Maximum tsunami inundation depth on land (hazard-map colours), with arrival-time
    contours (minutes after the main shock)."""
    res, frame = _frame(res)

    def draw(a):
        draw_base(a, res, frame)
        handles = draw_inundation(a, res, frame)
        if arrival_contours:
            draw_arrival_contours(a, res, frame)
        return (handles if legend else []), None

    axes, ranges = map_axes(frame, ax, strips)
    return _draw_map(res, frame, axes, ranges,
                     f"Tsunami inundation (max depth) and arrival time — {res.world.name}", draw,
                     legend_title="max depth")


def draw_roads(ax, res, frame, color_by="congestion", legend=True, lw_scale=1.0):
    """Road segments; returns legend handles."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.lines import Line2D
    edges = res.edges()
    cls = edges["class"].to_numpy() if "class" in edges else np.full(len(edges), 5)
    seg, first, _ = road_segments(res)
    seg_km = np.stack(frame.xy(seg[..., 0], seg[..., 1]), -1)
    major = cls[first] <= 4
    widths = np.where(major, 1.4, 0.5) * lw_scale
    handles = []
    if color_by == "state":
        _, _, closed = road_segments(res, 1 - edges["open"].to_numpy(), "max")
        colours = np.where(closed > 0, "#d62728", "#555555")
        widths = np.where(closed > 0, 2.0 * lw_scale, widths)
        handles = [Line2D([], [], color="#555555", lw=1.2, label="open"),
                   Line2D([], [], color="#d62728", lw=2.0, label="closed")]
        lc = LineCollection(seg_km, colors=colours, linewidths=widths, zorder=3)
    elif color_by == "class":
        colours = np.where(major, "#8c510a", "#777777")
        handles = [Line2D([], [], color="#8c510a", lw=1.4, label="arterial"),
                   Line2D([], [], color="#777777", lw=0.6, label="street")]
        lc = LineCollection(seg_km, colors=colours, linewidths=widths, zorder=3)
    else:
        name = "peak_pedestrian_density" if color_by == "congestion" else color_by
        if name not in edges:
            raise KeyError(f"no per-edge result '{name}' in this output; there are: "
                           f"{', '.join(c for c in edges.columns)}")
        _, _, v = road_segments(res, edges[name].to_numpy(), "max")
        if name == "peak_pedestrian_density":
            norm = BoundaryNorm(DENSITY_BOUNDS, len(DENSITY_COLOURS))
            cmap = ListedColormap(DENSITY_COLOURS)
            labels = ["< 0.5 /m²", "0.5–1", "1–2", "2–3", "≥ 3 /m² (jam)"]
            handles = [Line2D([], [], color=c, lw=2, label=lab)
                       for c, lab in zip(DENSITY_COLOURS, labels)]
            widths = widths + 2.0 * lw_scale * (v >= 1.0)
        else:
            from matplotlib.colors import Normalize
            norm, cmap = Normalize(0, max(float(np.nanmax(v)), 1e-9)), "viridis"
        order = np.argsort(v)  # congested segments on top
        lc = LineCollection(seg_km[order], array=v[order], cmap=cmap, norm=norm,
                            linewidths=widths[order], zorder=3)
    ax.add_collection(lc)
    return handles if legend else []


def map_roads(res, ax=None, color_by="congestion", legend=True, strips=None):
    """The road network coloured by 'congestion' (peak pedestrian density per segment, the max
    of both directions), 'state' (open / closed at the end of the run), 'class', or the name of
    any per-edge result in /edges."""
    res, frame = _frame(res)

    def draw(a):
        draw_base(a, res, frame)
        draw_inundation(a, res, frame, legend=False, alpha=0.45)
        return (draw_roads(a, res, frame, color_by) if legend else
                draw_roads(a, res, frame, color_by, legend=False)), None

    title = {"congestion": "peak crowd density", "state": "road state",
             "class": "road class"}.get(color_by, color_by)
    label = {"congestion": "peak pedestrian density", "state": "state at the end of the run",
             "class": "class"}.get(color_by, color_by)
    axes, ranges = map_axes(frame, ax, strips)
    return _draw_map(res, frame, axes, ranges, f"Roads: {label} — {res.world.name}", draw,
                     legend_title=title)


def draw_shelters(ax, res, frame, scale=1.0):
    """Shelters and evacuation buildings sized by occupancy, coloured by occupancy / capacity;
    hubs as diamonds. Returns (legend handles, the scatter to make a colour bar from)."""
    from matplotlib.lines import Line2D
    fac = res.facilities()
    if fac.empty:
        return [], None
    occ_col = "occupancy" if "occupancy" in fac else "occupancy_final"
    occ = fac[occ_col].to_numpy(dtype=float) if occ_col in fac else np.zeros(len(fac))
    cap = fac["capacity"].to_numpy(dtype=float)
    x, y = frame.xy(fac["x"].to_numpy(), fac["y"].to_numpy())
    big = max(float(np.nanmax(occ[np.isin(fac["kind"], list(FACILITY_STYLE))], initial=0)), 1.0)
    handles = []
    sc = None
    for kind, (marker, label) in FACILITY_STYLE.items():
        m = (fac["kind"] == kind).to_numpy()
        if not m.any():
            continue
        sizes = scale * (12 + 260 * occ[m] / big)
        fill = np.divide(occ[m], cap[m], out=np.zeros(m.sum()), where=cap[m] > 0)
        sc = ax.scatter(x[m], y[m], s=sizes, c=fill, cmap="RdYlGn_r", vmin=0, vmax=1,
                        marker=marker, edgecolors="black", linewidths=0.5, zorder=5)
        handles.append(Line2D([], [], marker=marker, ls="", mfc="white", mec="black",
                              label=f"{label} ({m.sum()})"))
    hubs = (fac["kind"] == "hub").to_numpy()
    if hubs.any():
        ax.scatter(x[hubs], y[hubs], s=30 * scale, marker="D", c="#333333", zorder=5)
        handles.append(Line2D([], [], marker="D", ls="", color="#333333",
                              label=f"supply hub ({hubs.sum()})"))
    return handles, sc


def map_shelters(res, ax=None, legend=True, strips=None):
    """Shelters and evacuation buildings sized by occupancy (peak if recorded, else final) and
    coloured by occupancy / capacity; supply hubs as diamonds."""
    res, frame = _frame(res)

    def draw(a):
        draw_base(a, res, frame)
        draw_inundation(a, res, frame, legend=False, alpha=0.45)
        draw_roads(a, res, frame, "class", legend=False, lw_scale=0.6)
        handles, sc = draw_shelters(a, res, frame)
        return (handles if legend else []), sc

    axes, ranges = map_axes(frame, ax, strips)
    return _draw_map(res, frame, axes, ranges, f"Shelters by occupancy — {res.world.name}",
                     draw, legend_title="size ∝ occupancy", colorbar="occupancy / capacity")


def _density_frame(res, time_s, layer):
    snaps = res.snapshots
    if snaps is None:
        raise ValueError(f"{res.path}: has no /snapshots (residents per cell over time). Fix: "
                         f"run with tsunagi.run(..., snapshot_every_s=60), or `tsunagi plot "
                         f"--animate` (re-runs the scenario, recording them)")
    layers = [layer] if isinstance(layer, str) else list(layer)
    if time_s is None:  # the moment most residents are on their way
        totals = snaps.all(layers[0]).sum(axis=(1, 2))
        i = int(np.argmax(totals))
        time_s = float(snaps.time_s[i])
    counts = None
    for name in layers:
        c, t = snaps.at(name, time_s)
        counts = c.astype(np.int64) if counts is None else counts + c
    return counts, t


def draw_flooded_at(ax, res, frame, time_s, alpha=0.35):
    """Cells the water has reached by time_s (arrival ≤ t), in blue."""
    w = res.world
    if "tsunami_arrival_s" not in w.rasters:
        return
    arr = w.raster("tsunami_arrival_s")
    wet = land_mask(w) & (arr <= time_s) & (w.raster("tsunami_max_depth_m") > 0)
    ax.imshow(np.where(wet, 1.0, np.nan), extent=frame.extent_km, cmap=_flat("#2b83ba"),
              alpha=alpha, interpolation="nearest", zorder=1)


def map_density(res, time_s=None, layer="evacuating", ax=None, counts=None, colorbar=True,
                strips=None):
    """Residents per cell at a time, from the output's /snapshots (or `counts`, a [ny, nx]
    array, e.g. Simulation.cell_counts()). layer: 'evacuating' (default), 'waiting', 'safe',
    'dead' or a list of them; time_s: None = when most are on their way. Water that has
    arrived by then is shaded blue."""
    from matplotlib.colors import LogNorm
    res, frame = _frame(res)
    if counts is None:
        counts, time_s = _density_frame(res, time_s, layer)
    shown = np.where(counts > 0, counts, np.nan).astype(float)
    vmax = max(float(np.nanmax(shown)) if np.isfinite(shown).any() else 1.0, 2.0)

    def draw(a):
        draw_base(a, res, frame)
        if time_s is not None:
            draw_flooded_at(a, res, frame, time_s)
        im = a.imshow(shown, extent=frame.extent_km, cmap="inferno_r", norm=LogNorm(1, vmax),
                      interpolation="nearest", zorder=2)
        return [], im

    cell = abs(res.world.geotransform[1])
    what = layer if isinstance(layer, str) else " + ".join(layer)
    when = f" at {fmt_minutes(time_s)} after the shock" if time_s is not None else ""
    axes, ranges = map_axes(frame, ax, strips)
    return _draw_map(res, frame, axes, ranges,
                     f"Residents {what}{when} (total {int(counts.sum()):,}; blue: water arrived)",
                     draw, colorbar=f"persons per {cell:g} m cell" if colorbar else None)


def map_overview(res, ax=None, legend=True, strips=None):
    """Inundation, roads by congestion and shelters by occupancy on one map."""
    res, frame = _frame(res)
    axes, ranges = map_axes(frame, ax, strips)
    return overview_on(res, frame, axes, ranges, legend)


def overview_on(res, frame, axes, ranges, legend=True):
    has_density = "peak_pedestrian_density" in res.edges()

    def draw(a):
        draw_base(a, res, frame)
        h1 = draw_inundation(a, res, frame, alpha=0.75)
        h2 = draw_roads(a, res, frame, "congestion" if has_density else "class")
        h3, _ = draw_shelters(a, res, frame, scale=0.8)
        return (h1 + h2 + h3 if legend else []), None

    return _draw_map(res, frame, axes, ranges,
                     f"{res.world.name}: max inundation depth, peak crowd density on roads, "
                     f"shelters sized by occupancy", draw)


KPI_ROWS = [
    ("population", "residents", None),
    ("at_risk", "at risk (flooded ≥ 0.3 m)", "population"),
    ("deaths_direct", "deaths (direct)", "at_risk"),
    ("evacuated_safe", "evacuated safely", "at_risk"),
    ("still_exposed", "still exposed at the end", "at_risk"),
    ("in_shelters", "in shelters", None),
    ("in_evacuation_buildings", "in evacuation buildings", None),
    ("stranded", "stranded (no helper / no route)", None),
    ("evacuation_time_p50_s", "evacuation time, median", "time"),
    ("evacuation_time_p90_s", "evacuation time, 90th pct", "time"),
    ("clearance_time_s", "clearance time", "time"),
    ("inundated_area_km2", "inundated area (km²)", None),
]


def kpi_lines(res):
    """The key KPIs as (label, value text) rows, those present in the output."""
    rows = []
    for key, label, rel in KPI_ROWS:
        if key not in res.kpi:
            continue
        v = res.kpi[key]
        if rel == "time":
            text = fmt_minutes(v)
        elif rel and res.kpi.get(rel):
            text = f"{fmt_count(v)}  ({100.0 * v / res.kpi[rel]:.1f} %)"
        else:
            text = fmt_count(v)
        rows.append((label, text))
    return rows


def draw_kpi_panel(ax, res):
    ax.axis("off")
    rows = kpi_lines(res)
    ax.set_title("Key results", fontsize=11, loc="left")
    for i, (label, text) in enumerate(rows):
        y = 1.0 - (i + 0.5) / max(len(rows), 1)
        ax.text(0.0, y, label, fontsize=9, va="center", transform=ax.transAxes)
        ax.text(1.0, y, text, fontsize=9, va="center", ha="right", weight="bold",
                transform=ax.transAxes)


def summary_figure(res, path=None, dpi=100, width=16.0):
    """One page: the map (inundation, roads by congestion, shelters by occupancy; a long coast
    in two or three strips), the key KPIs, the evacuation curve and deaths by zone. Saved to
    `path` if given (what `make demo` writes to out/demo.png). Returns the Figure, `width`
    inches wide at `dpi` (1600 px by default); its height follows the region's shape."""
    import matplotlib.pyplot as plt

    from .charts import by_age_chart, deaths_by_zone, evacuation_curve
    res, frame = _frame(res)
    panels_h = 4.6
    n = int(min(3, max(1, np.ceil(frame.aspect / 6.0))))
    wide = frame.aspect > 1.8
    if wide:
        strip_h = min(max((width - 2.5) / (frame.aspect / n), 1.6), 6.0)
        fig = plt.figure(figsize=(width, n * strip_h + panels_h + 0.6), dpi=dpi,
                         layout="constrained")
        gs = fig.add_gridspec(n + 1, 3, height_ratios=[strip_h] * n + [panels_h],
                              width_ratios=[1.0, 1.35, 1.35])
        map_axes_ = [fig.add_subplot(gs[i, :]) for i in range(n)]
        ax_kpi, ax_curve, ax_zone = (fig.add_subplot(gs[n, i]) for i in range(3))
        ranges = frame.strips(n) if n > 1 else [None]
    else:
        fig = plt.figure(figsize=(width, 9.0), dpi=dpi, layout="constrained")
        gs = fig.add_gridspec(3, 2, width_ratios=[1.6, 1.0])
        map_axes_ = [fig.add_subplot(gs[:, 0])]
        ax_kpi, ax_curve, ax_zone = (fig.add_subplot(gs[i, 1]) for i in range(3))
        ranges = [None]
    overview_on(res, frame, map_axes_, ranges)
    draw_kpi_panel(ax_kpi, res)
    if evacuation_curve(res, ax=ax_curve, compact=True) is None:
        ax_curve.axis("off")
    munis = (res.zones["level"] == "municipality").sum()
    if munis > 1:
        deaths_by_zone(res, ax=ax_zone, compact=True)
    elif by_age_chart(res, ax=ax_zone) is None:
        ax_zone.axis("off")
    m = res.meta
    fig.suptitle(f"Tsunagi — {res.name}: {m.get('time_of_day', '')} event, seed {res.seed}",
                 fontsize=13, x=0.01, ha="left")
    fig.text(0.995, 0.002, f"tsunagi {m.get('version', '')} ({m.get('git_revision', '')}) · "
             f"{res.path.name}", fontsize=6, ha="right", va="bottom", color="#666")
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig
