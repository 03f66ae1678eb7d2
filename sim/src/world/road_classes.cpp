#include <algorithm>

#include <tsunagi/world/road_classes.hpp>

namespace tsunagi {

RoadClassTable RoadClassTable::defaults() {
    using RC = RoadClass;
    RoadClassTable t;
    // highway, class, km/h, lanes, width m, veh/h per lane, one-way implied
    t.items_ = {
        {"motorway", RC::Motorway, 80, 4, 14.0, 2000, true},
        {"motorway_link", RC::Motorway, 40, 1, 3.5, 1500, true},
        {"trunk", RC::Trunk, 60, 4, 13.0, 1500, false},
        {"trunk_link", RC::Trunk, 40, 1, 3.5, 1200, false},
        {"primary", RC::Primary, 50, 2, 7.0, 1200, false},
        {"primary_link", RC::Primary, 30, 1, 3.5, 1000, false},
        {"secondary", RC::Secondary, 40, 2, 6.5, 1000, false},
        {"secondary_link", RC::Secondary, 30, 1, 3.0, 900, false},
        {"tertiary", RC::Tertiary, 40, 2, 6.0, 900, false},
        {"tertiary_link", RC::Tertiary, 30, 1, 3.0, 800, false},
        {"unclassified", RC::Residential, 30, 2, 5.0, 600, false},
        {"residential", RC::Residential, 30, 2, 5.0, 600, false},
        {"living_street", RC::Residential, 10, 1, 4.0, 300, false},
        {"road", RC::Other, 30, 2, 5.0, 500, false},
        {"service", RC::Service, 20, 1, 4.0, 300, false},
        {"track", RC::Other, 15, 1, 3.0, 200, false},
        {"pedestrian", RC::Footway, 5, 1, 5.0, 0, false},
        {"footway", RC::Footway, 5, 1, 2.0, 0, false},
        {"path", RC::Footway, 5, 1, 1.5, 0, false},
        {"steps", RC::Footway, 3, 1, 1.5, 0, false},
        {"cycleway", RC::Footway, 15, 1, 2.0, 0, false},
        {"bridleway", RC::Footway, 5, 1, 2.0, 0, false},
    };
    return t;
}

std::vector<std::string> RoadClassTable::default_excluded() {
    return {"proposed",     "construction", "abandoned", "disused",  "raceway",
            "bus_guideway", "platform",     "corridor",  "elevator", "via_ferrata",
            "escape",       "rest_area",    "services",  "busway",   "razed"};
}

RoadClassDefaults const* RoadClassTable::find(std::string_view highway) const noexcept {
    for (auto const& c : items_) {
        if (c.highway == highway) {
            return &c;
        }
    }
    return nullptr;
}

void RoadClassTable::set(RoadClassDefaults c) {
    for (auto& e : items_) {
        if (e.highway == c.highway) {
            e = std::move(c);
            return;
        }
    }
    items_.push_back(std::move(c));
}

EdgeAttributes edge_attributes(RoadClassDefaults const& c, bool two_way) {
    EdgeAttributes a;
    int const lanes = two_way ? std::max(1, c.lanes / 2) : std::max(1, c.lanes);
    // Width is the physical road (pedestrians use all of it whichever way they walk), as in the
    // synthetic world; lanes and capacity are per direction.
    a.width_m = static_cast<float>(std::max(0.5, c.width_m));
    a.lanes = static_cast<std::uint8_t>(std::min(lanes, 255));
    a.free_speed_mps = static_cast<float>(c.speed_kmh / 3.6);
    a.capacity_vph = static_cast<float>(c.capacity_vph_per_lane * lanes);
    a.road_class = c.road_class;
    return a;
}

std::optional<RoadClass> parse_road_class(std::string_view s) noexcept {
    for (auto rc : {RoadClass::Motorway, RoadClass::Trunk, RoadClass::Primary, RoadClass::Secondary,
                    RoadClass::Tertiary, RoadClass::Residential, RoadClass::Service,
                    RoadClass::Footway, RoadClass::Other}) {
        if (to_string(rc) == s) {
            return rc;
        }
    }
    return std::nullopt;
}

} // namespace tsunagi
