#pragma once
// Geometry operations the data readers share, done by OGR/GEOS and GDAL's rasteriser.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gdal_util.hpp"

#include <tsunagi/world/grid.hpp>

namespace tsunagi::detail {

std::string to_wkb(OGRGeometry const& g);
std::unique_ptr<OGRGeometry> from_wkb(std::string const& wkb);

// GEOS MakeValid, keeping only the polygonal parts; null when nothing polygonal is left.
std::unique_ptr<OGRGeometry> make_valid_polygons(OGRGeometry const& g);
// Appends the polygons of g (Polygon, MultiPolygon or a collection of them) to mp.
void add_polygons(OGRMultiPolygon& mp, OGRGeometry const& g);

// Appends the line strings of g (LineString, MultiLineString or a collection holding them) to out.
void collect_lines(OGRGeometry const& g, std::vector<OGRLineString const*>& out);

// A lon/lat rectangle as a polygon with `per_side` points per side (densified so that it keeps
// its shape when projected).
std::unique_ptr<OGRPolygon> lonlat_rectangle(double west, double south, double east, double north,
                                             int per_side = 4);

// Burns geometries (in the grid's CRS) into a grid: a cell takes the value of the last geometry
// that contains its centre (GDAL's default rasterisation rule); `fill` elsewhere.
std::vector<double> rasterise(GridSpec const& grid,
                              std::vector<std::unique_ptr<OGRGeometry>> const& geoms,
                              std::vector<double> const& values, double fill);

// Area (m²) of g (in the grid's CRS) inside each grid cell it touches, for cells where
// `mask` (if given) is non-zero: (cell, area) pairs in ascending cell order.
std::vector<std::pair<CellId, double>> cell_overlaps(GridSpec const& grid, OGRGeometry const& g,
                                                     std::vector<std::uint8_t> const* mask);

} // namespace tsunagi::detail
