#pragma once
// Japanese standard grid squares (JIS X 0410 地域メッシュ), as used by e-Stat's census mesh
// statistics. A code is read digit by digit, aabbcdefqrs:
//   1st order (4 digits, ~80 km): lat = aa / 1.5, lon = bb + 100, cell 40' × 1°
//   2nd order (6, ~10 km):        + c / 12 (lat), + d / 8 (lon); c, d in 0..7; cell 5' × 7.5'
//   3rd order (8, ~1 km):         + e / 120, + f / 80; cell 30" × 45"
//   1/2 (9, ~500 m), 1/4 (10, ~250 m), 1/8 (11, ~125 m): each digit 1..4 picks a quadrant:
//   1 = SW, 2 = SE, 3 = NW, 4 = NE (so 2 and 4 add half the width, 3 and 4 half the height).
// Source: JIS X 0410:2002 地域メッシュコード; Statistics Bureau, 地域メッシュ統計の概要.
// Coordinates are JGD2011 longitude/latitude (treated as WGS84, within a metre in Japan).

#include <optional>
#include <string>
#include <string_view>

namespace tsunagi {

struct MeshCell {
    int digits = 0;                   // 4, 6, 8, 9, 10 or 11
    double south = 0.0, west = 0.0;   // degrees
    double height = 0.0, width = 0.0; // degrees of latitude / longitude
    double north() const noexcept { return south + height; }
    double east() const noexcept { return west + width; }
    double centre_lon() const noexcept { return west + 0.5 * width; }
    double centre_lat() const noexcept { return south + 0.5 * height; }
};

// The cell of a code, or nullopt with the reason in *why (e.g. "digit 5 is 8; 2nd-order digits
// are 0-7").
std::optional<MeshCell> parse_mesh_code(std::string_view code, std::string* why = nullptr);

// The code of the cell of the given order (digits 4, 6, 8, 9, 10 or 11) containing (lon, lat).
std::string mesh_code_at(double lon, double lat, int digits);

// "1st order (80 km)", "1/2 (500 m)", ...
std::string_view mesh_level_name(int digits) noexcept;

} // namespace tsunagi
