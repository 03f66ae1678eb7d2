#pragma once
// Multi-source shortest-path trees. One Dijkstra on the *reversed* graph, started from every open
// target at once, gives every node its cost to the nearest target and the first edge to take
// (next hop), so any number of agents route with one lookup per node they reach.
// Ties are broken by node id (the heap orders by (cost, node)), so a tree built from scratch is a
// pure function of the graph, the costs and the set of targets.
//
// Trees are updated incrementally when targets close or open (a shelter fills) and when edges
// close or open (debris, flooding, repair): only the subtrees that lost their route are
// invalidated and re-settled, and improvements spread from new targets and reopened edges
// (the standard decremental/incremental Dijkstra repair). Costs after an update equal those of a
// rebuild; among equal-cost routes the next hop may differ.

#include <tsunagi/core/types.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace tsunagi {

struct RouteTree {
    std::vector<double> cost;          // to the nearest target; +inf where unreachable
    std::vector<EdgeId> next_edge;     // first edge towards it; kNoEdge at targets/unreachable
    std::vector<NodeId> target;        // the nearest target node; kNoNode if unreachable
    std::vector<std::uint8_t> is_target;

    bool reachable(NodeId n) const noexcept { return target[n] != kNoNode; }
    std::size_t reachable_count() const noexcept;
};

// Edge costs, one per edge; an edge is used only if its cost is finite and, when `open` is
// non-empty, open[e] != 0.
RouteTree build_route_tree(RoadGraph const& g, std::span<NodeId const> targets,
                           std::span<float const> edge_cost,
                           std::span<std::uint8_t const> open = {});

struct RouteChanges {
    std::vector<NodeId> removed_targets;
    std::vector<NodeId> added_targets;
    std::vector<EdgeId> closed_edges; // `open` passed to the update already reflects these
    std::vector<EdgeId> opened_edges;
    bool empty() const noexcept {
        return removed_targets.empty() && added_targets.empty() && closed_edges.empty() &&
               opened_edges.empty();
    }
};

struct RouteUpdateStats {
    std::size_t invalidated = 0; // nodes whose route was lost and searched again
    std::size_t settled = 0;     // heap pops
};

// Repairs `t` after `changes`; `edge_cost` and `open` are the current ones.
RouteUpdateStats update_route_tree(RouteTree& t, RoadGraph const& g, RouteChanges const& changes,
                                   std::span<float const> edge_cost,
                                   std::span<std::uint8_t const> open = {});

// Travel time on every edge at the edge's free speed (s), or length / speed_mps if speed_mps > 0.
std::vector<float> edge_travel_time(RoadGraph const& g, double speed_mps = 0.0);

// The node sequence from `from` to its target along the tree (empty if unreachable).
std::vector<NodeId> path_to_target(RoadGraph const& g, RouteTree const& t, NodeId from);

} // namespace tsunagi
