#pragma once
// Facilities from point data:
//   gsi_sites  designated emergency evacuation sites (指定緊急避難場所) as published by GSI
//              (国土地理院) or prefectures: CSV with latitude/longitude columns (English or GSI's
//              Japanese headers) or any point layer; per-hazard flags (洪水 flood, 崖崩れ
//              landslide, 高潮 storm_surge, 地震 earthquake, 津波 tsunami, 大規模な火事 large_fire,
//              内水氾濫 inland_flood, 火山現象 volcano) and capacity where given;
//   points     hubs, depots, hospitals, ...: CSV with lon/lat columns or any point layer.
// Public site lists have defects; each is detected and counted (never fixed in the file, never
// dropped silently): rows without coordinates, empty/duplicated/malformed ids, truncated ids
// (gsi_common_id used when set), full-width digits, capacities with text, and positions that
// contradict the addresses (sites sharing an address locality, e.g. a former town 吉田町, that
// lie far apart: a sign that coordinates were attached to the wrong sites).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/io/zone_reader.hpp>
#include <tsunagi/world/facilities.hpp>

namespace tsunagi {

enum class FacilityFormat : std::uint8_t { GsiSites, Points };

struct FacilitiesInput {
    std::filesystem::path path;
    FacilityFormat format = FacilityFormat::GsiSites;
    std::string layer;
    std::string crs; // point layers without a CRS (CSV: lon/lat)
    FacilityKind kind = FacilityKind::Shelter;
    std::vector<std::string> municipalities;  // keep sites of these codes (empty = all)
    std::vector<std::string> require_hazards; // keep sites designated for all of these
    std::string id_field, name_field, capacity_field, lon_field, lat_field, address_field;
    double max_snap_m = 500.0;      // farther from every road node: not snapped
    double address_spread_km = 5.0; // address locality check (0 = off)
};

// Hazard flag of a name ("tsunami", "津波", ...), or 0.
std::uint16_t hazard_flag(std::string_view name) noexcept;
std::vector<std::string> hazard_names();

struct FacilityRecord {
    Facility f; // x, y hold longitude/latitude until placed
    std::string municipality;
    std::string address;
    std::size_t row = 0;
};

struct FacilityRecords {
    std::string file;
    std::string crs_label;
    std::vector<FacilityRecord> sites; // selected and with a position
    std::size_t rows = 0;
    std::size_t not_selected_municipality = 0;
    std::size_t not_selected_hazard = 0;
    std::size_t selected_without_position = 0;
    std::size_t unknown_municipality = 0;
    std::int64_t capacity = 0; // of the loaded sites
};

// Reads the sites. `zones` (optional) gives the address prefix of each municipality (for the
// municipality of rows without a usable id and for the address check).
FacilityRecords read_facilities(FacilitiesInput const& in, ZoneBoundaries const* zones,
                                DataWarnings& warnings);

// Counts loaded sites that lie outside the polygon of their own municipality, or outside every
// loaded municipality (zones given).
void check_sites_in_zones(FacilityRecords const& recs, ZoneBoundaries const& zones,
                          DataWarnings& warnings);

} // namespace tsunagi
