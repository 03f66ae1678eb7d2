#pragma once
// Domain decomposition: the road graph is cut into contiguous regions with METIS k-way
// (Karypis & Kumar 1998), balancing residents (vertex weights) and cutting few edges. The result
// is a pure function of the graph and weights (METIS with a fixed seed), computed on rank 0 and
// broadcast so every rank holds the same node → rank map.

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/world/world.hpp>

#include <cstdint>
#include <vector>

namespace tsunagi::hpc {

// node → part in [0, parts); vertex weight = residents whose home cell's nearest node it is,
// plus one (so empty regions still carry the road network's work).
std::vector<std::int32_t> partition_road_graph(World const& world, int parts);

// Rank 0 partitions, everyone receives the same map.
std::vector<std::int32_t> partition_and_broadcast(World const& world, Communicator& comm);

} // namespace tsunagi::hpc
