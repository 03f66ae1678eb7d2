#pragma once
// Facilities of the digital twin: evacuation sites and shelters, supply hubs and depots,
// hospitals, lifeline plants. Each keeps the id it has in the real world (e.g. a GSI site id) so
// results can be joined back to public data.

#include <tsunagi/core/types.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagi {

enum class FacilityKind : std::uint8_t {
    Shelter,            // designated evacuation site / shelter (指定緊急避難場所 / 指定避難所)
    EvacuationBuilding, // tsunami evacuation building or tower
    Hub,                // wide-area or local supply hub (広域物資輸送拠点 / 地域内輸送拠点)
    Depot,              // municipal warehouse
    Hospital,
    Substation,
    WaterPlant,
    BaseStation
};
std::string_view to_string(FacilityKind k) noexcept;

// Hazards a designated site is designated for (GSI's flags).
enum HazardFlag : std::uint16_t {
    kFlood = 1u << 0,
    kLandslide = 1u << 1,
    kStormSurge = 1u << 2,
    kEarthquake = 1u << 3,
    kTsunami = 1u << 4,
    kLargeFire = 1u << 5,
    kInlandFlood = 1u << 6,
    kVolcano = 1u << 7,
};

struct Facility {
    FacilityKind kind = FacilityKind::Shelter;
    std::string external_id; // id in the source data, e.g. GSI common id
    std::string name;
    double x = 0.0, y = 0.0;          // projected CRS
    NodeId node = kNoNode;            // nearest road node
    float snap_distance_m = 0.0f;     // distance to that node
    ZoneIndex zone = kNoZone;
    std::int32_t capacity = 0;        // persons (shelters) or units (hubs)
    std::uint16_t hazard_flags = 0;
    // Hours it keeps working without grid power: batteries (base stations), generator fuel or
    // gravity storage (water plants). 0 = none.
    float backup_hours = 0.0f;
};

class Facilities {
public:
    FacilityId add(Facility f);
    std::size_t size() const noexcept { return items_.size(); }
    Facility const& operator[](FacilityId i) const noexcept { return items_[i]; }
    Facility& operator[](FacilityId i) noexcept { return items_[i]; }
    std::span<Facility const> all() const noexcept { return items_; }
    std::vector<FacilityId> of_kind(FacilityKind k) const;

    // Dynamic state
    std::vector<std::int32_t>& occupancy() noexcept { return occupancy_; }
    std::vector<std::int32_t> const& occupancy() const noexcept { return occupancy_; }
    std::vector<std::uint8_t>& open() noexcept { return open_; }
    std::vector<std::uint8_t> const& open() const noexcept { return open_; }

private:
    std::vector<Facility> items_;
    std::vector<std::int32_t> occupancy_;
    std::vector<std::uint8_t> open_;
};

} // namespace tsunagi
