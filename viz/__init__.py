"""tsunagi.viz: maps, charts, animations and GIS export of Tsunagi results.

Every function takes a Results object (or the path of an output file) and draws on a matplotlib
Axes (ax=None makes a new figure); the chart functions return the Axes, or None when the output
holds nothing to draw (e.g. lifeline series before the lifelines model exists), so callers can
skip them. standard_set() writes the whole set, as `tsunagi plot OUT.h5 -o DIR` does.

Sources live in viz/ of the repository; the build installs them as tsunagi.viz.
"""

from ._common import use_japanese_fallback
from .animation import animate_evacuation
from .charts import (by_age_chart, compare_curves, compare_strategies, deaths_by_zone,
                     evacuation_curve, lifeline_service, supply_shortfall)
from .gis import export_gis
from .maps import (map_density, map_elevation, map_inundation, map_overview, map_roads,
                   map_shelters, summary_figure)
from .standard import standard_set

use_japanese_fallback()

__all__ = [
    "animate_evacuation", "by_age_chart", "compare_curves", "compare_strategies",
    "deaths_by_zone", "evacuation_curve", "export_gis", "lifeline_service", "map_density",
    "map_elevation", "map_inundation", "map_overview", "map_roads", "map_shelters",
    "standard_set", "summary_figure", "supply_shortfall",
]
