#pragma once
// Multi-source shortest-path trees. One Dijkstra on the *reversed* graph, started from every open
// target at once, gives every node its cost to the nearest target and the first edge to take
// (next hop), so any number of agents route with one lookup per node they reach.
// Ties are broken by node id (the heap orders by (cost, node)), so the tree is a pure function of
// the graph, the costs and the target list.

#include <tsunagi/core/types.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace tsunagi {

struct RouteTree {
    std::vector<double> cost;          // to the nearest target; +inf where unreachable
    std::vector<EdgeId> next_edge;     // first edge towards it; kNoEdge at targets/unreachable
    std::vector<std::uint32_t> target; // index into the target list; kNoTarget if unreachable

    static constexpr std::uint32_t kNoTarget = std::numeric_limits<std::uint32_t>::max();
    bool reachable(NodeId n) const noexcept { return target[n] != kNoTarget; }
    std::size_t reachable_count() const noexcept;
};

// Edge costs, one per edge; an edge is used only if its cost is finite and, when `open` is
// non-empty, open[e] != 0.
RouteTree build_route_tree(RoadGraph const& g, std::span<NodeId const> targets,
                           std::span<float const> edge_cost,
                           std::span<std::uint8_t const> open = {});

// Travel time on every edge at the edge's free speed (s), or length / speed_mps if speed_mps > 0.
std::vector<float> edge_travel_time(RoadGraph const& g, double speed_mps = 0.0);

// The node sequence from `from` to its target along the tree (empty if unreachable).
std::vector<NodeId> path_to_target(RoadGraph const& g, RouteTree const& t, NodeId from);

} // namespace tsunagi
