#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/world/cell_graph.hpp>

namespace tsunagi {

RoadGraph make_cell_graph(GridSpec const& grid, std::vector<std::uint8_t> const& mask,
                          CellGraphOptions const& o) {
    if (mask.size() != grid.cells()) {
        throw ModelError(fmt::format("cell graph: mask of {} cells for a grid of {}", mask.size(),
                                     grid.cells()));
    }
    if (!(o.detour_factor >= 1.0)) {
        throw DataError(fmt::format("cell graph: detour factor {} is below 1 (a path cannot be "
                                    "shorter than the straight line). Fix: use ≥ 1 (default 1.5)",
                                    o.detour_factor));
    }
    RoadGraphBuilder b;
    std::vector<NodeId> node(grid.cells(), kNoNode);
    for (std::int32_t r = 0; r < grid.ny(); ++r) {
        for (std::int32_t c = 0; c < grid.nx(); ++c) {
            CellId const i = grid.index(c, r);
            if (mask[i] != 0) {
                node[i] = b.add_node(grid.centre_x(c), grid.centre_y(r));
            }
        }
    }
    double const dx = grid.transform().dx;
    double const dy = -grid.transform().dy;
    // Each pair once: east, south-east, south, south-west.
    constexpr std::array<std::array<int, 2>, 4> kSteps{{{1, 0}, {1, 1}, {0, 1}, {-1, 1}}};
    for (std::int32_t r = 0; r < grid.ny(); ++r) {
        for (std::int32_t c = 0; c < grid.nx(); ++c) {
            NodeId const u = node[grid.index(c, r)];
            if (u == kNoNode) {
                continue;
            }
            for (auto const& s : kSteps) {
                std::int32_t const c2 = c + s[0];
                std::int32_t const r2 = r + s[1];
                if (c2 < 0 || c2 >= grid.nx() || r2 >= grid.ny()) {
                    continue;
                }
                NodeId const v = node[grid.index(c2, r2)];
                if (v == kNoNode) {
                    continue;
                }
                EdgeAttributes e = o.attributes;
                e.length_m = static_cast<float>(o.detour_factor * std::hypot(s[0] * dx, s[1] * dy));
                b.add_two_way(u, v, e);
            }
        }
    }
    return std::move(b).build();
}

std::size_t count_components(RoadGraph const& g) {
    std::vector<NodeId> parent(g.node_count());
    std::iota(parent.begin(), parent.end(), NodeId{0});
    auto find = [&](NodeId x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    };
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        NodeId const a = find(g.source()[e]);
        NodeId const b = find(g.target()[e]);
        if (a != b) {
            parent[std::max(a, b)] = std::min(a, b);
        }
    }
    std::size_t n = 0;
    for (NodeId i = 0; i < parent.size(); ++i) {
        n += find(i) == i ? 1 : 0;
    }
    return n;
}

} // namespace tsunagi
