#pragma once
// The road network as a directed graph in CSR form. Static attributes (length, width, lanes,
// class, free speed, capacity) are fixed when the graph is built; the dynamic state (open or
// blocked, capacity factor, occupancy) is written by the models during a run and read by everyone
// who routes or moves on the network. Edges are numbered in order of (source, target, insertion)
// so that out_edges(n) is the contiguous range [out_offset(n), out_offset(n+1)).

#include <tsunagi/core/types.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tsunagi {

enum class RoadClass : std::uint8_t {
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    Residential,
    Service,
    Footway,
    Other
};
std::string_view to_string(RoadClass c) noexcept;

struct EdgeAttributes {
    float length_m = 0.0f;
    float width_m = 4.0f;
    float free_speed_mps = 8.33f; // vehicles; pedestrians carry their own speed
    float capacity_vph = 600.0f;  // vehicles per hour, all lanes
    std::uint8_t lanes = 1;
    RoadClass road_class = RoadClass::Residential;
};

// Dynamic state, one entry per edge. Written in the phases that own it; read by routing.
struct EdgeState {
    std::vector<std::uint8_t> open;          // 1 = passable
    std::vector<float> capacity_factor;      // 0..1 of the static capacity
    std::vector<std::int32_t> occupancy;     // agents on the edge now (updated with atomic_ref)
    // Bumped by whoever changes `open` or `capacity_factor`, so routing notices (in serial code).
    std::uint64_t version = 0;
};

class RoadGraph {
public:
    RoadGraph() = default;

    std::size_t node_count() const noexcept { return node_x_.size(); }
    std::size_t edge_count() const noexcept { return target_.size(); }

    std::span<double const> node_x() const noexcept { return node_x_; }
    std::span<double const> node_y() const noexcept { return node_y_; }

    std::span<std::uint32_t const> out_offsets() const noexcept { return out_offset_; }
    EdgeId out_begin(NodeId n) const noexcept { return out_offset_[n]; }
    EdgeId out_end(NodeId n) const noexcept { return out_offset_[n + 1]; }
    // Edges entering n (their ids), in ascending id order.
    std::span<EdgeId const> in_edges(NodeId n) const noexcept {
        return {in_edge_.data() + in_offset_[n], in_edge_.data() + in_offset_[n + 1]};
    }

    std::span<NodeId const> source() const noexcept { return source_; }
    std::span<NodeId const> target() const noexcept { return target_; }
    std::span<float const> length_m() const noexcept { return length_; }
    std::span<float const> width_m() const noexcept { return width_; }
    std::span<float const> free_speed_mps() const noexcept { return speed_; }
    std::span<float const> capacity_vph() const noexcept { return capacity_; }
    std::span<std::uint8_t const> lanes() const noexcept { return lanes_; }
    std::span<RoadClass const> road_class() const noexcept { return class_; }

    EdgeState& state() noexcept { return state_; }
    EdgeState const& state() const noexcept { return state_; }
    void reset_state();

    // The edge u -> v, or kNoEdge.
    EdgeId find_edge(NodeId u, NodeId v) const noexcept;
    std::size_t memory_bytes() const noexcept;

private:
    friend class RoadGraphBuilder;
    std::vector<double> node_x_, node_y_;
    std::vector<std::uint32_t> out_offset_;
    std::vector<NodeId> source_, target_;
    std::vector<float> length_, width_, speed_, capacity_;
    std::vector<std::uint8_t> lanes_;
    std::vector<RoadClass> class_;
    std::vector<std::uint32_t> in_offset_;
    std::vector<EdgeId> in_edge_;
    EdgeState state_;
};

class RoadGraphBuilder {
public:
    NodeId add_node(double x, double y);
    // A directed edge; add both directions for a two-way road.
    void add_edge(NodeId u, NodeId v, EdgeAttributes const& a);
    void add_two_way(NodeId u, NodeId v, EdgeAttributes const& a) {
        add_edge(u, v, a);
        add_edge(v, u, a);
    }
    std::size_t node_count() const noexcept { return x_.size(); }
    std::size_t edge_count() const noexcept { return edges_.size(); }
    double x(NodeId n) const noexcept { return x_[n]; }
    double y(NodeId n) const noexcept { return y_[n]; }

    // Builds the CSR graph. Throws DataError for edges with unknown nodes or non-positive length.
    RoadGraph build() &&;

private:
    struct E {
        NodeId u, v;
        EdgeAttributes a;
    };
    std::vector<double> x_, y_;
    std::vector<E> edges_;
};

// Keeps only the largest weakly connected component; returns the graph and, through the out
// parameters, how many nodes/edges were dropped and the old->new node map (kNoNode if dropped).
RoadGraph largest_component(RoadGraph const& g, std::size_t& dropped_nodes,
                            std::size_t& dropped_edges, std::vector<NodeId>& node_map);

} // namespace tsunagi
