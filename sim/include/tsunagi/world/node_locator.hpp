#pragma once
// Nearest road node to a point: a uniform bucket grid over the nodes, searched ring by ring.
// Ties are broken by the smaller node id, so the answer does not depend on bucket order.

#include <tsunagi/core/types.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace tsunagi {

class NodeLocator {
public:
    // bucket_m: bucket edge length; about the typical node spacing is a good choice.
    NodeLocator(RoadGraph const& g, double bucket_m);

    struct Hit {
        NodeId node = kNoNode;
        double distance_m = 0.0;
    };
    // Nearest node accepted by `accept` (all nodes if empty) within max_m; node == kNoNode if none.
    Hit nearest(double x, double y, double max_m = 1e300,
                std::function<bool(NodeId)> const& accept = {}) const;

private:
    RoadGraph const* g_;
    double x0_ = 0, y0_ = 0, bucket_ = 1;
    std::int64_t nx_ = 0, ny_ = 0;
    std::vector<std::uint32_t> offset_;
    std::vector<NodeId> nodes_;
};

} // namespace tsunagi
