#include <tsunagi/core/error.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <fmt/format.h>

#include <queue>
#include <utility>

namespace tsunagi {

std::size_t RouteTree::reachable_count() const noexcept {
    std::size_t n = 0;
    for (auto t : target) {
        n += t != kNoTarget ? 1 : 0;
    }
    return n;
}

RouteTree build_route_tree(RoadGraph const& g, std::span<NodeId const> targets,
                           std::span<float const> edge_cost, std::span<std::uint8_t const> open) {
    std::size_t const n = g.node_count();
    if (edge_cost.size() != g.edge_count()) {
        throw ModelError(fmt::format("route tree: {} edge costs for {} edges", edge_cost.size(),
                                     g.edge_count()));
    }
    RouteTree t;
    t.cost.assign(n, std::numeric_limits<double>::infinity());
    t.next_edge.assign(n, kNoEdge);
    t.target.assign(n, RouteTree::kNoTarget);

    using Item = std::pair<double, NodeId>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        NodeId const v = targets[i];
        if (v >= n) {
            throw ModelError(fmt::format("route tree: target node {} of {}", v, n));
        }
        if (t.target[v] == RouteTree::kNoTarget) { // first listed target at a node wins
            t.cost[v] = 0.0;
            t.target[v] = static_cast<std::uint32_t>(i);
            heap.emplace(0.0, v);
        }
    }
    auto const src = g.source();
    bool const use_open = !open.empty();
    while (!heap.empty()) {
        auto [c, v] = heap.top();
        heap.pop();
        if (c > t.cost[v]) {
            continue; // stale entry
        }
        for (EdgeId e : g.in_edges(v)) {
            float const w = edge_cost[e];
            if (!std::isfinite(w) || (use_open && open[e] == 0)) {
                continue;
            }
            NodeId const u = src[e];
            double const nc = c + static_cast<double>(w);
            if (nc < t.cost[u]) {
                t.cost[u] = nc;
                t.next_edge[u] = e;
                t.target[u] = t.target[v];
                heap.emplace(nc, u);
            }
        }
    }
    return t;
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
