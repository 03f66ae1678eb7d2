#pragma once
// The start of the hand-built worlds of the model tests: a dry grid of nx × ny square cells in one
// municipality (zones JP → 99 → 99201; every cell in 99201), each cell at the same elevation with
// the same number of residents. Tests then add their roads, facilities and layers, change cells,
// and call finalize().

#include <tsunagi/world/world.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace tsunagi::test {

inline World flat_world(std::string name, std::int32_t nx, std::int32_t ny, double cell_m,
                        float elevation_m, std::uint32_t residents_per_cell) {
    World w;
    w.name = std::move(name);
    w.grid = GridSpec(nx, ny, GeoTransform{0, cell_m, ny * cell_m, -cell_m}, "");
    std::size_t const n = w.grid.cells();
    w.elevation_m = Raster<float>("e", "m", n, elevation_m);
    w.population = Raster<std::uint32_t>("p", "", n, residents_per_cell);
    w.zone = Raster<std::int32_t>("z", "", n, 2);
    w.tsunami_max_depth_m = Raster<float>("d", "m", n, 0.0f);
    w.tsunami_arrival_s = Raster<float>("a", "s", n, std::numeric_limits<float>::infinity());
    w.zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    w.zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    w.zones.add({"99201", "M", ZoneLevel::Municipality, 1});
    return w;
}

} // namespace tsunagi::test
