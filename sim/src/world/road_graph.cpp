#include <tsunagi/core/error.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tsunagi {

std::string_view to_string(RoadClass c) noexcept {
    switch (c) {
    case RoadClass::Motorway:
        return "motorway";
    case RoadClass::Trunk:
        return "trunk";
    case RoadClass::Primary:
        return "primary";
    case RoadClass::Secondary:
        return "secondary";
    case RoadClass::Tertiary:
        return "tertiary";
    case RoadClass::Residential:
        return "residential";
    case RoadClass::Service:
        return "service";
    case RoadClass::Footway:
        return "footway";
    case RoadClass::Other:
        return "other";
    }
    return "other";
}

void RoadGraph::reset_state() {
    std::size_t const m = edge_count();
    state_.open.assign(m, 1);
    state_.capacity_factor.assign(m, 1.0f);
    state_.occupancy.assign(m, 0);
    ++state_.version;
}

EdgeId RoadGraph::find_edge(NodeId u, NodeId v) const noexcept {
    for (EdgeId e = out_begin(u); e < out_end(u); ++e) {
        if (target_[e] == v) {
            return e;
        }
    }
    return kNoEdge;
}

std::size_t RoadGraph::memory_bytes() const noexcept {
    return node_x_.size() * 16 + out_offset_.size() * 4 + in_offset_.size() * 4 +
           in_edge_.size() * 4 + target_.size() * (4 + 4 + 4 * 4 + 1 + 1) +
           state_.open.size() * (1 + 4 + 4);
}

NodeId RoadGraphBuilder::add_node(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) {
        throw DataError(fmt::format("road node {} has a non-finite coordinate ({}, {})",
                                    x_.size(), x, y));
    }
    x_.push_back(x);
    y_.push_back(y);
    return static_cast<NodeId>(x_.size() - 1);
}

void RoadGraphBuilder::add_edge(NodeId u, NodeId v, EdgeAttributes const& a) {
    edges_.push_back(E{u, v, a});
}

RoadGraph RoadGraphBuilder::build() && {
    std::size_t const n = x_.size();
    for (std::size_t i = 0; i < edges_.size(); ++i) {
        auto const& e = edges_[i];
        if (e.u >= n || e.v >= n) {
            throw DataError(fmt::format("road edge {} joins node {} to node {}, but the graph has "
                                        "only {} nodes",
                                        i, e.u, e.v, n));
        }
        if (!(e.a.length_m > 0.0f) || !std::isfinite(e.a.length_m)) {
            throw DataError(fmt::format("road edge {} ({} -> {}) has length {} m; lengths must be "
                                        "positive",
                                        i, e.u, e.v, e.a.length_m));
        }
    }
    // Stable sort by (source, target): deterministic edge ids whatever order they were added in
    // per source, ties kept in insertion order.
    std::stable_sort(edges_.begin(), edges_.end(), [](E const& a, E const& b) {
        return a.u != b.u ? a.u < b.u : a.v < b.v;
    });
    RoadGraph g;
    g.node_x_ = std::move(x_);
    g.node_y_ = std::move(y_);
    std::size_t const m = edges_.size();
    g.out_offset_.assign(n + 1, 0);
    g.source_.resize(m);
    g.target_.resize(m);
    g.length_.resize(m);
    g.width_.resize(m);
    g.speed_.resize(m);
    g.capacity_.resize(m);
    g.lanes_.resize(m);
    g.class_.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
        auto const& e = edges_[i];
        ++g.out_offset_[e.u + 1];
        g.source_[i] = e.u;
        g.target_[i] = e.v;
        g.length_[i] = e.a.length_m;
        g.width_[i] = e.a.width_m;
        g.speed_[i] = e.a.free_speed_mps;
        g.capacity_[i] = e.a.capacity_vph;
        g.lanes_[i] = e.a.lanes;
        g.class_[i] = e.a.road_class;
    }
    std::partial_sum(g.out_offset_.begin(), g.out_offset_.end(), g.out_offset_.begin());
    // Reverse CSR: edges entering each node, ascending edge id.
    g.in_offset_.assign(n + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
        ++g.in_offset_[g.target_[i] + 1];
    }
    std::partial_sum(g.in_offset_.begin(), g.in_offset_.end(), g.in_offset_.begin());
    g.in_edge_.resize(m);
    std::vector<std::uint32_t> fill(g.in_offset_.begin(), g.in_offset_.end() - 1);
    for (std::size_t i = 0; i < m; ++i) {
        g.in_edge_[fill[g.target_[i]]++] = static_cast<EdgeId>(i);
    }
    edges_.clear();
    g.reset_state();
    return g;
}

RoadGraph largest_component(RoadGraph const& g, std::size_t& dropped_nodes,
                            std::size_t& dropped_edges, std::vector<NodeId>& node_map) {
    std::size_t const n = g.node_count();
    // Union-find over undirected connectivity.
    std::vector<NodeId> parent(n);
    std::iota(parent.begin(), parent.end(), NodeId{0});
    auto find = [&](NodeId a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    };
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        NodeId a = find(g.source()[e]);
        NodeId b = find(g.target()[e]);
        if (a != b) {
            // Smaller root wins: the result does not depend on edge order.
            if (a < b) {
                parent[b] = a;
            } else {
                parent[a] = b;
            }
        }
    }
    std::vector<std::uint32_t> size(n, 0);
    for (NodeId v = 0; v < n; ++v) {
        ++size[find(v)];
    }
    NodeId best = 0;
    for (NodeId v = 0; v < n; ++v) {
        if (size[v] > size[best]) {
            best = v;
        }
    }
    RoadGraphBuilder b;
    node_map.assign(n, kNoNode);
    for (NodeId v = 0; v < n; ++v) {
        if (n > 0 && find(v) == best) {
            node_map[v] = b.add_node(g.node_x()[v], g.node_y()[v]);
        }
    }
    dropped_nodes = n - b.node_count();
    dropped_edges = 0;
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        NodeId const u = node_map[g.source()[e]];
        NodeId const v = node_map[g.target()[e]];
        if (u == kNoNode || v == kNoNode) {
            ++dropped_edges;
            continue;
        }
        EdgeAttributes a;
        a.length_m = g.length_m()[e];
        a.width_m = g.width_m()[e];
        a.free_speed_mps = g.free_speed_mps()[e];
        a.capacity_vph = g.capacity_vph()[e];
        a.lanes = g.lanes()[e];
        a.road_class = g.road_class()[e];
        b.add_edge(u, v, a);
    }
    return std::move(b).build();
}

} // namespace tsunagi
