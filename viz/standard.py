"""The standard set of figures for one output file (what `tsunagi plot OUT.h5 -o DIR` writes)."""

import pathlib

from ._common import as_results


def _save(fig, path, dpi, written):
    import matplotlib.pyplot as plt
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    written.append(pathlib.Path(path))


def standard_set(res, out_dir, dpi=100, animate=True, gis=False, log=None):
    """Writes every figure the output supports into out_dir and returns the paths:
    summary.png (map + key KPIs), map_elevation.png, map_inundation.png,
    map_roads_congestion.png, map_roads_state.png, map_shelters.png, evacuation_curve.png,
    deaths_by_zone.png, outcome_by_age.png; with /snapshots also map_density.png and (if
    animate) evacuation.gif; lifeline_service.png and supply_shortfall.png when the output has
    those results; with gis=True the GeoTIFF/GeoPackage layers in out_dir/gis/."""
    import matplotlib.pyplot as plt

    from . import charts, maps
    from .animation import animate_evacuation
    from .gis import export_gis

    res = as_results(res)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    say = log or (lambda msg: None)

    fig = maps.summary_figure(res, dpi=dpi)
    _save(fig, out / "summary.png", dpi, written)
    if res.has_world:
        rasters = res.world.rasters
        for name, draw in [("map_elevation", maps.map_elevation if "elevation_m" in rasters
                            else lambda r: None),
                           ("map_inundation", maps.map_inundation
                            if "tsunami_max_depth_m" in rasters else lambda r: None),
                           ("map_roads_congestion", lambda r: maps.map_roads(r, color_by="congestion")
                            if "peak_pedestrian_density" in r.edges() else None),
                           ("map_roads_state", lambda r: maps.map_roads(r, color_by="state")),
                           ("map_shelters", maps.map_shelters)]:
            ax = draw(res)
            if ax is not None:
                _save(ax.figure, out / f"{name}.png", dpi, written)
        if res.snapshots is not None:
            _save(maps.map_density(res).figure, out / "map_density.png", dpi, written)
    else:
        say("no /world in this output (output.world_layers: false): maps skipped")
    for name, draw in [("evacuation_curve", charts.evacuation_curve),
                       ("deaths_by_zone", charts.deaths_by_zone),
                       ("outcome_by_age", charts.by_age_chart),
                       ("lifeline_service", charts.lifeline_service),
                       ("supply_shortfall", charts.supply_shortfall)]:
        ax = draw(res)
        if ax is None:
            say(f"{name}: nothing in this output to draw, skipped")
            continue
        _save(ax.figure, out / f"{name}.png", dpi, written)
    plt.close("all")
    if animate and res.snapshots is not None and res.has_world:
        written.append(animate_evacuation(res, out / "evacuation.gif"))
    if gis and res.has_world:
        written.extend(export_gis(res, out / "gis"))
    return written
