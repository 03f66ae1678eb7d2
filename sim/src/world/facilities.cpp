#include <tsunagi/world/facilities.hpp>

namespace tsunagi {

std::string_view to_string(FacilityKind k) noexcept {
    switch (k) {
    case FacilityKind::Shelter:
        return "shelter";
    case FacilityKind::EvacuationBuilding:
        return "evacuation_building";
    case FacilityKind::Hub:
        return "hub";
    case FacilityKind::Depot:
        return "depot";
    case FacilityKind::Hospital:
        return "hospital";
    case FacilityKind::Substation:
        return "substation";
    case FacilityKind::WaterPlant:
        return "water_plant";
    case FacilityKind::BaseStation:
        return "base_station";
    }
    return "?";
}

FacilityId Facilities::add(Facility f) {
    items_.push_back(std::move(f));
    occupancy_.push_back(0);
    open_.push_back(1);
    return static_cast<FacilityId>(items_.size() - 1);
}

std::vector<FacilityId> Facilities::of_kind(FacilityKind k) const {
    std::vector<FacilityId> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].kind == k) {
            out.push_back(static_cast<FacilityId>(i));
        }
    }
    return out;
}

} // namespace tsunagi
