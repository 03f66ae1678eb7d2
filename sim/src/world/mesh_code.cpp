#include <cmath>

#include <fmt/format.h>

#include <tsunagi/world/mesh_code.hpp>

namespace tsunagi {

namespace {
// Sizes in arc-seconds, which are exact for every level (3.75" at 1/8).
constexpr double kLat1 = 2400.0, kLon1 = 3600.0;
constexpr double kLat2 = 300.0, kLon2 = 450.0;
constexpr double kLat3 = 30.0, kLon3 = 45.0;
} // namespace

std::string_view mesh_level_name(int digits) noexcept {
    switch (digits) {
    case 4:
        return "1st order (80 km)";
    case 6:
        return "2nd order (10 km)";
    case 8:
        return "3rd order (1 km)";
    case 9:
        return "1/2 (500 m)";
    case 10:
        return "1/4 (250 m)";
    case 11:
        return "1/8 (125 m)";
    default:
        return "not a mesh level";
    }
}

std::optional<MeshCell> parse_mesh_code(std::string_view code, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<MeshCell> {
        if (why != nullptr) {
            *why = std::move(reason);
        }
        return std::nullopt;
    };
    std::size_t const n = code.size();
    if (n != 4 && n != 6 && n != 8 && n != 9 && n != 10 && n != 11) {
        return fail(
            fmt::format("it has {} characters; mesh codes have 4, 6, 8, 9, 10 or 11 digits", n));
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (code[i] < '0' || code[i] > '9') {
            return fail(fmt::format("character {} is '{}', not a digit", i + 1, code[i]));
        }
    }
    auto d = [&](std::size_t i) { return code[i] - '0'; };
    int const aa = d(0) * 10 + d(1);
    int const bb = d(2) * 10 + d(3);
    // Japan and its waters: 20°–46° N (aa 30–68), 122°–154° E (bb 22–53).
    if (aa < 30 || aa > 68 || bb < 22 || bb > 53) {
        return fail(
            fmt::format("the 1st-order code {}{} lies outside Japan (latitude digits 30-68, "
                        "longitude digits 22-53)",
                        code.substr(0, 2), code.substr(2, 2)));
    }
    double lat_s = aa * kLat1; // arc-seconds
    double lon_s = bb * kLon1;
    double h = kLat1;
    double w = kLon1;
    if (n >= 6) {
        if (d(4) > 7 || d(5) > 7) {
            return fail(fmt::format("the 2nd-order digits are {}{}; each must be 0-7", d(4), d(5)));
        }
        lat_s += d(4) * kLat2;
        lon_s += d(5) * kLon2;
        h = kLat2;
        w = kLon2;
    }
    if (n >= 8) {
        lat_s += d(6) * kLat3;
        lon_s += d(7) * kLon3;
        h = kLat3;
        w = kLon3;
    }
    for (std::size_t i = 8; i < n; ++i) {
        int const q = d(i);
        if (q < 1 || q > 4) {
            return fail(fmt::format("digit {} is {}; the quadrant digits of 1/2, 1/4 and 1/8 "
                                    "meshes are 1-4",
                                    i + 1, q));
        }
        h /= 2.0;
        w /= 2.0;
        if (q == 3 || q == 4) {
            lat_s += h;
        }
        if (q == 2 || q == 4) {
            lon_s += w;
        }
    }
    MeshCell c;
    c.digits = static_cast<int>(n);
    c.south = lat_s / 3600.0;
    c.west = 100.0 + lon_s / 3600.0;
    c.height = h / 3600.0;
    c.width = w / 3600.0;
    return c;
}

std::string mesh_code_at(double lon, double lat, int digits) {
    double const ys = lat * 3600.0;
    double const xs = (lon - 100.0) * 3600.0;
    auto const aa = static_cast<int>(std::floor(ys / kLat1));
    auto const bb = static_cast<int>(std::floor(xs / kLon1));
    double ry = ys - aa * kLat1;
    double rx = xs - bb * kLon1;
    std::string code = fmt::format("{:02d}{:02d}", aa, bb);
    if (digits >= 6) {
        auto const c = static_cast<int>(std::floor(ry / kLat2));
        auto const dd = static_cast<int>(std::floor(rx / kLon2));
        ry -= c * kLat2;
        rx -= dd * kLon2;
        code += fmt::format("{}{}", c, dd);
    }
    if (digits >= 8) {
        auto const e = static_cast<int>(std::floor(ry / kLat3));
        auto const f = static_cast<int>(std::floor(rx / kLon3));
        ry -= e * kLat3;
        rx -= f * kLon3;
        code += fmt::format("{}{}", e, f);
    }
    double h = kLat3;
    double w = kLon3;
    for (int i = 8; i < digits; ++i) {
        h /= 2.0;
        w /= 2.0;
        bool const north = ry >= h;
        bool const east = rx >= w;
        if (north) {
            ry -= h;
        }
        if (east) {
            rx -= w;
        }
        code += static_cast<char>('1' + (east ? 1 : 0) + (north ? 2 : 0));
    }
    return code;
}

} // namespace tsunagi
