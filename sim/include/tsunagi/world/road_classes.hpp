#pragma once
// Attributes of a road from its OpenStreetMap `highway` class, when the data does not say:
// free speed, lanes, width and capacity. The defaults (docs/data.md has the table) are planning
// values for Japanese roads: lane widths from the Road Structure Ordinance (道路構造令, 2.75–3.5 m
// per lane), speeds from typical legal limits (一般道 60 km/h unless signed, 30 km/h in
// residential zones), capacities per lane of the order of the basic capacities in the Japan Road
// Association's 道路の交通容量 (2,000–2,200 pcu/h on motorways, ~1,000–1,500 on urban arterials,
// reduced for side friction). Any class can be overridden in the scenario
// (world.data.network.classes). Paths and footways carry no vehicles (capacity 0).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tsunagi/world/road_graph.hpp>

namespace tsunagi {

struct RoadClassDefaults {
    std::string highway; // OSM value, e.g. "residential"
    RoadClass road_class = RoadClass::Residential;
    double speed_kmh = 30.0;
    int lanes = 1;        // total, both directions of a two-way road
    double width_m = 5.0; // carriageway
    double capacity_vph_per_lane = 600.0;
    bool oneway_implied = false; // motorways and their links (OSM convention)
};

class RoadClassTable {
public:
    static RoadClassTable defaults();
    RoadClassDefaults const* find(std::string_view highway) const noexcept;
    // Replaces (or adds) the entry for c.highway.
    void set(RoadClassDefaults c);
    std::vector<RoadClassDefaults> const& all() const noexcept { return items_; }
    // highway values left out of routable networks by default (not roads yet, or not roads).
    static std::vector<std::string> default_excluded();

private:
    std::vector<RoadClassDefaults> items_;
};

// Edge attributes from a class entry (length left 0). Each direction of a two-way road gets half
// the lanes (at least 1) and their capacity, and the whole width.
EdgeAttributes edge_attributes(RoadClassDefaults const& c, bool two_way);

// The RoadClass enum from its name ("motorway" ... "other").
std::optional<RoadClass> parse_road_class(std::string_view s) noexcept;

} // namespace tsunagi
