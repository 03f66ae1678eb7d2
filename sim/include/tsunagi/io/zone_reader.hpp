#pragma once
// Municipal boundaries (国土数値情報 行政区域 N03 style: one or more polygon features per
// municipality, keyed by the 5-digit municipality code N03_007) read into longitude/latitude and
// burnt into the world's zone raster: 国 JP → 都道府県 (the code's first 2 digits) → 市町村.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi {

struct ZonesInput {
    std::filesystem::path path;
    std::string layer;
    std::string crs;                    // when the file has none
    std::string code_field = "N03_007"; // 5-digit municipality code
    std::string name_field = "N03_004"; // municipality name
    std::string prefecture_name_field = "N03_001";
    std::string county_name_field = "N03_003"; // 郡 (part of the address before a town's name)
    std::vector<std::string> codes;            // municipalities to keep; empty = all
};

struct MunicipalityShape {
    std::string code, name, prefecture_name, county_name;
    std::string wkb; // (Multi)Polygon, longitude/latitude, all features merged
    double west = 0, south = 0, east = 0, north = 0;
    std::size_t features = 0; // features merged into it
    std::size_t cells = 0;    // grid cells burnt (filled by burn_zones)
};

struct ZoneBoundaries {
    std::string file;
    std::vector<MunicipalityShape> municipalities; // kept ones, sorted by code
    // Address prefix of every municipality in the file (kept or not), e.g. 38203 → 愛媛県宇和島市
    // (used to check site addresses).
    std::map<std::string, std::string> address_prefix;
    std::size_t features_read = 0;
    std::size_t features_not_selected = 0;
    std::size_t invalid_repaired = 0;
    std::string crs_label;
};

// Reads the boundaries. Throws DataError if the file is missing, empty, lacks the code field,
// none of `codes` is found, or every feature is broken; warns (counted) about features without a
// valid code, invalid geometries (repaired with GEOS MakeValid) and codes asked for but absent.
ZoneBoundaries read_zone_boundaries(ZonesInput const& in, DataWarnings& warnings);

// Adds JP, the prefectures and the municipalities to w.zones (parents first, by code) and burns
// the municipalities into w.zone (a cell belongs to the polygon containing its centre; where
// simplified neighbours overlap, the higher code wins). Fills `cells` of each shape.
void burn_zones(ZoneBoundaries& zb, World& w);

} // namespace tsunagi
