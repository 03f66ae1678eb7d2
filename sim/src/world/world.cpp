#include <tsunagi/core/error.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tsunagi {

namespace {
template <class T>
void check_layer(Raster<T> const& r, std::size_t cells, char const* what) {
    if (r.data.size() != cells) {
        throw DataError(fmt::format("world layer '{}' has {} values but the grid has {} cells",
                                    what, r.data.size(), cells));
    }
}
} // namespace

void World::finalize() {
    std::size_t const cells = grid.cells();
    check_layer(elevation_m, cells, "elevation_m");
    check_layer(population, cells, "population");
    check_layer(zone, cells, "zone");
    check_layer(tsunami_arrival_s, cells, "tsunami_arrival_s");
    check_layer(tsunami_max_depth_m, cells, "tsunami_max_depth_m");
    for (auto const& [key, layer] : layers) {
        check_layer(layer, cells, key.c_str());
    }
    if (tsunami_depth_m.data.size() != cells) {
        tsunami_depth_m = Raster<float>("tsunami_depth_m", "m", cells, 0.0f);
    }
    for (std::size_t c = 0; c < cells; ++c) {
        auto const z = zone.data[c];
        if (z >= static_cast<std::int32_t>(zones.size())) {
            throw DataError(fmt::format("cell {} has zone index {} but only {} zones exist", c, z,
                                        zones.size()));
        }
    }
    inundated_cells.clear();
    for (std::size_t c = 0; c < cells; ++c) {
        if (tsunami_max_depth_m.data[c] > 0.0f) {
            inundated_cells.push_back(static_cast<CellId>(c));
        }
    }
    for (auto const& [key, values] : edge_layers) {
        if (values.size() != roads.edge_count()) {
            throw DataError(fmt::format("edge layer '{}' has {} values but the road graph has {} "
                                        "edges",
                                        key, values.size(), roads.edge_count()));
        }
    }
    node_cell.resize(roads.node_count());
    for (std::size_t n = 0; n < roads.node_count(); ++n) {
        node_cell[n] = grid.cell_at(roads.node_x()[n], roads.node_y()[n]);
    }
    auto& fac = facilities;
    for (FacilityId f = 0; f < fac.size(); ++f) {
        if (fac[f].zone == kNoZone) {
            CellId const c = grid.cell_at(fac[f].x, fac[f].y);
            if (c != kNoCell && zone.data[c] >= 0) {
                fac[f].zone = static_cast<ZoneIndex>(zone.data[c]);
            }
        }
        if (fac[f].node != kNoNode && fac[f].node >= roads.node_count()) {
            throw DataError(fmt::format("facility '{}' is snapped to road node {}, which does not "
                                        "exist",
                                        fac[f].name, fac[f].node));
        }
    }
    for (auto const& l : lifeline_lines) {
        if (l.cells.size() != l.metres.size() ||
            std::any_of(l.cells.begin(), l.cells.end(), [&](CellId c) { return c >= cells; })) {
            throw DataError(
                fmt::format("lifeline line '{}' names cells outside the grid", l.external_id));
        }
        if (l.source >= fac.size() || fac[l.source].kind != source_kind(l.kind)) {
            throw DataError(fmt::format("lifeline line '{}' ({}) is not fed from a {}",
                                        l.external_id, to_string(l.kind),
                                        to_string(source_kind(l.kind))));
        }
    }
    roads.reset_state();
}

std::uint64_t World::total_population() const noexcept {
    std::uint64_t s = 0;
    for (auto p : population.data) {
        s += p;
    }
    return s;
}

std::size_t World::memory_bytes() const noexcept {
    std::size_t b = grid.cells() * (4 + 4 + 4 + 4 + 4 + 4);
    for (auto const& [key, layer] : layers) {
        b += layer.data.size() * 4;
    }
    for (auto const& [key, values] : edge_layers) {
        b += values.size() * 4;
    }
    for (auto const& l : lifeline_lines) {
        b += l.cells.size() * 8 + l.external_id.size() + sizeof(LifelineLine);
    }
    return b + roads.memory_bytes() + node_cell.size() * 4 + inundated_cells.size() * 4;
}

} // namespace tsunagi
