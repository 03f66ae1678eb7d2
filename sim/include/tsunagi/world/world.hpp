#pragma once
// The digital twin: one grid of raster layers, the road graph, facilities and zones, all in one
// projected metric CRS. Models read and write this shared state; they never call each other.

#include <tsunagi/world/facilities.hpp>
#include <tsunagi/world/grid.hpp>
#include <tsunagi/world/lifeline_lines.hpp>
#include <tsunagi/world/partition.hpp>
#include <tsunagi/world/road_graph.hpp>
#include <tsunagi/world/zones.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tsunagi {

struct World {
    std::string name;
    std::string source; // "synthetic", or the data it was built from
    GridSpec grid;

    // Static layers (every one has grid.cells() entries).
    Raster<float> elevation_m;          // metres above sea level; < 0 is sea
    Raster<std::uint32_t> population;   // residents per cell at the event
    Raster<std::int32_t> zone;          // index into zones (a municipality), -1 outside any
    Raster<float> tsunami_arrival_s;    // time water first reaches the cell (s); +inf = never
    Raster<float> tsunami_max_depth_m;  // maximum inundation depth; 0 = dry

    // Dynamic layers, written by the hazard models each period.
    Raster<float> tsunami_depth_m;      // depth now

    // Further named layers (building stock, site amplification, ...) added by data loaders/models.
    std::map<std::string, Raster<float>> layers;

    RoadGraph roads;
    // Further named per-edge attributes (edge_count() values each), e.g. "bridge" (1 = the edge
    // is a bridge) and "emergency_route" (1 = designated emergency transport road, 緊急輸送道路).
    std::map<std::string, std::vector<float>> edge_layers;
    std::vector<CellId> node_cell;      // the cell each road node lies in
    Facilities facilities;
    // Further named per-facility values (facilities.size() each), e.g. the shelter population and
    // the relief demand posted by the shelter model (relief_items.hpp).
    std::map<std::string, std::vector<double>> facility_layers;
    Zones zones;
    // Power feeders and water mains from data (empty: the lifelines model derives its own).
    std::vector<LifelineLine> lifeline_lines;

    // Which rank owns which nodes (one rank: everything here).
    Partition partition;

    // Cells with any inundation (tsunami_max_depth_m > 0), in ascending order.
    std::vector<CellId> inundated_cells;

    // Derives node_cell, inundated_cells, facility zones; checks that layers match the grid and
    // that lifeline lines name cells of the grid and sources of the right kind.
    // Throws DataError on inconsistencies.
    void finalize();

    std::uint64_t total_population() const noexcept;
    std::size_t memory_bytes() const noexcept;
};

} // namespace tsunagi
