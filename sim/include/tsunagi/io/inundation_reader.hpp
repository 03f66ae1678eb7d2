#pragma once
// Tsunami hazard from point aggregates like the Cabinet Office 2025 Nankai inundation data
// (内閣府 南海トラフの巨大地震モデル検討会, 陸域における津波浸水深データ), as redistributed at 500
// m: a JSON array of [lon, lat, max_depth_m, arrival_s | null, n_src] per inundated cell. Each
// point stands for a square cell (point_cell_m on a side, as the redistributor's grid: a latitude
// step of point_cell_m / 111320° and a longitude step of that / cos(lat)); the squares are burnt
// into the world grid (a cell takes the point whose square contains its centre; the deeper point
// wins where squares overlap; a point whose square contains no cell centre, on a coarse grid, goes
// to the cell containing it). Absent points mean "no record", i.e. not inundated here.
//
// Arrival rule. The file's arrival is the earliest time any 10 m source cell reached 1 cm, the
// minimum over up to hundreds of cells. Low cells wetted at once by co-seismic subsidence give
// early times that are not the wave front (12 s in case 4, where over a thousand coastal points
// are wet within 2 minutes). The loader therefore:
//   1. lifts isolated early pockets: a point whose arrival is more than arrival_outlier_s (600 s)
//      earlier than the lower quartile (arrival_quantile) of the points within
//      arrival_neighbourhood_m (1 km; at least 4 points) takes that quartile — a pond wetted at
//      5 min among neighbours reached after an hour is not where the wave is at 5 min, while a
//      smooth front (neighbours minutes apart) is left as it is;
//   2. applies a floor min_arrival_s (default 0 = none): nothing arrives before it;
//   3. gives null arrivals (negative upstream, i.e. missing) the median arrival of their
//      neighbourhood, or the earliest arrival of the files when no neighbour has one;
// and counts every change, plus the points wet earlier than early_arrival_s (120 s).

#include <filesystem>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi {

struct InundationPointsInput {
    std::vector<std::filesystem::path> paths;
    double point_cell_m = 500.0;
    double arrival_neighbourhood_m = 1000.0; // 0: use the file's arrivals as they are
    double arrival_quantile = 0.25;
    double arrival_outlier_s = 600.0;
    double min_arrival_s = 0.0;
    double early_arrival_s = 120.0; // arrivals earlier than this are reported
};

struct InundationPoint {
    double lon = 0.0, lat = 0.0;
    double depth_m = 0.0;
    double arrival_s = 0.0; // NaN: null in the file
    std::uint32_t n_src = 0;
    std::uint32_t file = 0;
};

struct InundationPoints {
    std::vector<std::string> files;
    std::vector<std::size_t> per_file;
    std::vector<InundationPoint> points;
    std::size_t null_arrivals = 0;
    double west = 0, south = 0, east = 0, north = 0;
};

// Reads and checks the files. Throws DataError for missing files, JSON that is not an array of
// [lon, lat, depth, arrival|null, n] records, coordinates that are not longitude/latitude,
// negative or non-numeric depths, or no point at all.
InundationPoints read_inundation_points(InundationPointsInput const& in, DataWarnings& warnings);

struct InundationOnGrid {
    std::size_t points_inside = 0; // points whose centre lies in the grid
    std::size_t cells_inundated = 0;
    std::size_t arrivals_raised = 0; // isolated early pockets lifted
    double max_raise_s = 0.0;
    std::size_t floored = 0; // raised to min_arrival_s
    std::size_t nulls_filled = 0;
    std::size_t early = 0; // raw arrivals < early_arrival_s (inside the grid)
    double depth_max_m = 0.0;
    double arrival_min_s = 0.0; // after the rule, over inundated cells
};

// Applies the arrival rule and burns the points into w.tsunami_max_depth_m / w.tsunami_arrival_s
// (which must already be sized to the grid). Throws DataError when no point lies in the grid.
InundationOnGrid burn_inundation(InundationPoints const& pts, InundationPointsInput const& in,
                                 World& w, DataWarnings& warnings);

} // namespace tsunagi
