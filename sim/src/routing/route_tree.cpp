#include <tsunagi/core/error.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <fmt/format.h>

#include <queue>
#include <utility>

namespace tsunagi {

namespace {

using Item = std::pair<double, NodeId>;
using Heap = std::priority_queue<Item, std::vector<Item>, std::greater<>>;

bool usable(EdgeId e, std::span<float const> cost, std::span<std::uint8_t const> open) {
    return std::isfinite(cost[e]) && (open.empty() || open[e] != 0);
}

// Settles the heap: standard Dijkstra relaxation on the reversed graph.
std::size_t relax(RouteTree& t, RoadGraph const& g, Heap& heap, std::span<float const> cost,
                  std::span<std::uint8_t const> open) {
    std::size_t settled = 0;
    auto const src = g.source();
    while (!heap.empty()) {
        auto [c, v] = heap.top();
        heap.pop();
        if (c > t.cost[v]) {
            continue; // stale entry
        }
        ++settled;
        for (EdgeId e : g.in_edges(v)) {
            if (!usable(e, cost, open)) {
                continue;
            }
            NodeId const u = src[e];
            double const nc = c + static_cast<double>(cost[e]);
            if (nc < t.cost[u]) {
                t.cost[u] = nc;
                t.next_edge[u] = e;
                t.target[u] = t.target[v];
                heap.emplace(nc, u);
            }
        }
    }
    return settled;
}

void check_sizes(RoadGraph const& g, std::span<float const> cost,
                 std::span<std::uint8_t const> open) {
    if (cost.size() != g.edge_count() || (!open.empty() && open.size() != g.edge_count())) {
        throw ModelError(fmt::format("route tree: {} edge costs / {} open flags for {} edges",
                                     cost.size(), open.size(), g.edge_count()));
    }
}

} // namespace

std::size_t RouteTree::reachable_count() const noexcept {
    std::size_t n = 0;
    for (auto t : target) {
        n += t != kNoNode ? 1 : 0;
    }
    return n;
}

RouteTree build_route_tree(RoadGraph const& g, std::span<NodeId const> targets,
                           std::span<float const> edge_cost, std::span<std::uint8_t const> open) {
    check_sizes(g, edge_cost, open);
    std::size_t const n = g.node_count();
    RouteTree t;
    t.cost.assign(n, std::numeric_limits<double>::infinity());
    t.next_edge.assign(n, kNoEdge);
    t.target.assign(n, kNoNode);
    t.is_target.assign(n, 0);
    Heap heap;
    for (NodeId v : targets) {
        if (v >= n) {
            throw ModelError(fmt::format("route tree: target node {} of {}", v, n));
        }
        if (!t.is_target[v]) {
            t.is_target[v] = 1;
            t.cost[v] = 0.0;
            t.target[v] = v;
            heap.emplace(0.0, v);
        }
    }
    relax(t, g, heap, edge_cost, open);
    return t;
}

RouteUpdateStats update_route_tree(RouteTree& t, RoadGraph const& g, RouteChanges const& changes,
                                   std::span<float const> edge_cost,
                                   std::span<std::uint8_t const> open) {
    check_sizes(g, edge_cost, open);
    RouteUpdateStats stats;
    std::size_t const n = g.node_count();
    auto const src = g.source();
    auto const dst = g.target();

    // 1. Invalidate every subtree that routed through a removed target or a closed tree edge.
    std::vector<NodeId> stack;
    for (NodeId v : changes.removed_targets) {
        if (v < n && t.is_target[v]) {
            t.is_target[v] = 0;
            stack.push_back(v);
        }
    }
    for (EdgeId e : changes.closed_edges) {
        if (e < g.edge_count() && t.next_edge[src[e]] == e) {
            stack.push_back(src[e]);
        }
    }
    std::vector<NodeId> invalid;
    std::vector<std::uint8_t> is_invalid(n, 0);
    while (!stack.empty()) {
        NodeId const v = stack.back();
        stack.pop_back();
        if (is_invalid[v]) {
            continue;
        }
        is_invalid[v] = 1;
        invalid.push_back(v);
        for (EdgeId e : g.in_edges(v)) { // children in the tree
            if (t.next_edge[src[e]] == e) {
                stack.push_back(src[e]);
            }
        }
    }
    for (NodeId v : invalid) {
        t.cost[v] = std::numeric_limits<double>::infinity();
        t.next_edge[v] = kNoEdge;
        t.target[v] = kNoNode;
    }
    stats.invalidated = invalid.size();

    // 2. Seed the search: invalidated nodes from their valid neighbours, new targets, and the
    //    sources of reopened edges that now have a cheaper way.
    Heap heap;
    auto offer = [&](NodeId u, double c, EdgeId via, NodeId tgt) {
        if (c < t.cost[u]) {
            t.cost[u] = c;
            t.next_edge[u] = via;
            t.target[u] = tgt;
            heap.emplace(c, u);
        }
    };
    for (NodeId v : changes.added_targets) {
        if (v < n && !t.is_target[v]) {
            t.is_target[v] = 1;
            t.cost[v] = std::numeric_limits<double>::infinity(); // force the offer below
            offer(v, 0.0, kNoEdge, v);
        }
    }
    for (NodeId u : invalid) {
        if (t.is_target[u]) { // still a target (was only on a closed edge's subtree)
            offer(u, 0.0, kNoEdge, u);
            continue;
        }
        for (EdgeId e = g.out_begin(u); e < g.out_end(u); ++e) {
            NodeId const v = dst[e];
            if (!is_invalid[v] && usable(e, edge_cost, open) && t.target[v] != kNoNode) {
                offer(u, static_cast<double>(edge_cost[e]) + t.cost[v], e, t.target[v]);
            }
        }
    }
    for (EdgeId e : changes.opened_edges) {
        if (e < g.edge_count() && usable(e, edge_cost, open) && t.target[dst[e]] != kNoNode) {
            offer(src[e], static_cast<double>(edge_cost[e]) + t.cost[dst[e]], e, t.target[dst[e]]);
        }
    }
    // 3. Settle.
    stats.settled = relax(t, g, heap, edge_cost, open);
    return stats;
}

std::vector<float> edge_travel_time(RoadGraph const& g, double speed_mps) {
    std::vector<float> w(g.edge_count());
    for (std::size_t e = 0; e < w.size(); ++e) {
        double const v = speed_mps > 0.0 ? speed_mps : static_cast<double>(g.free_speed_mps()[e]);
        w[e] = static_cast<float>(static_cast<double>(g.length_m()[e]) / v);
    }
    return w;
}

std::vector<NodeId> path_to_target(RoadGraph const& g, RouteTree const& t, NodeId from) {
    std::vector<NodeId> path;
    if (!t.reachable(from)) {
        return path;
    }
    NodeId v = from;
    path.push_back(v);
    while (t.next_edge[v] != kNoEdge) {
        v = g.target()[t.next_edge[v]];
        path.push_back(v);
        if (path.size() > g.node_count()) {
            throw ModelError("route tree has a cycle");
        }
    }
    return path;
}

} // namespace tsunagi
