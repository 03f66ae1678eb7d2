#pragma once
// A walking network made from the raster grid, for regions without road data: a node at the
// centre of every usable cell, two-way edges to its 8 neighbours, each as long as the straight
// line between the centres times a detour factor (1.5 by default, the factor the Cabinet Office's
// tsunami evacuation estimates apply to straight-line distances when no network is modelled:
// 内閣府 南海トラフ巨大地震 被害想定手法, 津波避難). A diagonal edge needs both its end cells to be
// usable (corner cutting between two unusable cells is allowed: the grid is too coarse to say).

#include <cstdint>
#include <vector>

#include <tsunagi/world/grid.hpp>
#include <tsunagi/world/road_graph.hpp>

namespace tsunagi {

struct CellGraphOptions {
    double detour_factor = 1.5;
    // Attributes of every edge (length is set from the geometry): a local street.
    EdgeAttributes attributes{0.0f, 5.0f, 8.33f, 600.0f, 1, RoadClass::Other};
};

// Nodes are numbered in cell order (row-major) over the cells where mask != 0.
RoadGraph make_cell_graph(GridSpec const& grid, std::vector<std::uint8_t> const& mask,
                          CellGraphOptions const& options = {});

// Number of weakly connected components of a graph (islands of a cell graph, ...).
std::size_t count_components(RoadGraph const& g);

} // namespace tsunagi
