#pragma once
// Which rank owns which part of the road network. A rank owns its nodes; an agent waiting at a
// node belongs to the node's rank, an agent on a link to the rank of the link's *target* node
// (where it will next be handled), so every node transfer happens on one rank. With one rank
// everything is owned locally and the map is empty.

#include <tsunagi/core/types.hpp>

#include <cstdint>
#include <vector>

namespace tsunagi {

struct Partition {
    int rank = 0;
    int ranks = 1;
    std::vector<std::int32_t> node_rank; // empty when ranks == 1

    bool distributed() const noexcept { return ranks > 1; }
    int owner(NodeId n) const noexcept { return ranks == 1 ? 0 : node_rank[n]; }
    bool owns(NodeId n) const noexcept { return ranks == 1 || node_rank[n] == rank; }
};

} // namespace tsunagi
