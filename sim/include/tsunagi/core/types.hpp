#pragma once
// Basic identifiers shared by every layer.

#include <cstdint>
#include <limits>

namespace tsunagi {

using Tick = std::int64_t;          // index of a base tick since the main shock
using NodeId = std::uint32_t;       // road-graph node
using EdgeId = std::uint32_t;       // road-graph directed edge
using CellId = std::uint32_t;       // grid cell, row-major
using AgentId = std::uint32_t;      // agent id, unique within its kind across all ranks
using FacilityId = std::uint32_t;   // facility index
using ZoneIndex = std::uint16_t;    // index into Zones

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr EdgeId kNoEdge = std::numeric_limits<EdgeId>::max();
inline constexpr CellId kNoCell = std::numeric_limits<CellId>::max();
inline constexpr FacilityId kNoFacility = std::numeric_limits<FacilityId>::max();
inline constexpr ZoneIndex kNoZone = std::numeric_limits<ZoneIndex>::max();

} // namespace tsunagi
