// What the damage and lifeline layers need on the synthetic coast: building stock by structure
// and era, Vs30 and liquefaction potential, bridges and emergency routes, and the lifeline
// facilities (substations, water plants, base stations). Everything is derived from the world
// already built (terrain, population, zones, roads) and from the geography seed, through the
// streams SyntheticBuildings and SyntheticLifelines only, so adding it changes nothing else.
// Described in docs/models/synthetic.md ("Buildings, ground, bridges and lifelines").

#include <tsunagi/core/apportion.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/rng.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/synthetic.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace tsunagi {

SyntheticInfrastructureConfig SyntheticInfrastructureConfig::from(ConfigNode const& n) {
    SyntheticInfrastructureConfig c;
    auto b = n.child("buildings");
    c.persons_per_building =
        b.number("persons_per_building", c.persons_per_building, Bounds{0.1, 1000.0});
    c.wood_share_rural = b.number("wood_share_rural", c.wood_share_rural, Bounds::fraction());
    c.wood_share_dense = b.number("wood_share_dense", c.wood_share_dense, Bounds::fraction());
    c.share_wood_pre1962 =
        b.number("share_wood_pre1962", c.share_wood_pre1962, Bounds::fraction());
    c.share_wood_1962_1981 =
        b.number("share_wood_1962_1981", c.share_wood_1962_1981, Bounds::fraction());
    c.share_nonwood_pre1982 =
        b.number("share_nonwood_pre1982", c.share_nonwood_pre1982, Bounds::fraction());
    if (c.share_wood_pre1962 + c.share_wood_1962_1981 > 1.0 + 1e-9) {
        b.fail("share_wood_1962_1981",
               fmt::format("the wooden era shares add up to {} (> 1)",
                           c.share_wood_pre1962 + c.share_wood_1962_1981),
               "lower share_wood_pre1962 or share_wood_1962_1981; the rest is built 1982 or later");
    }
    auto g = n.child("ground");
    c.vs30_lowland_mps = g.number("vs30_lowland_mps", c.vs30_lowland_mps, Bounds{50.0, 3000.0});
    c.vs30_upland_mps = g.number("vs30_upland_mps", c.vs30_upland_mps, Bounds{50.0, 3000.0});
    c.vs30_scale_m = g.number("vs30_scale_m", c.vs30_scale_m, Bounds::positive());
    c.liquefaction_pl_max =
        g.number("liquefaction_pl_max", c.liquefaction_pl_max, Bounds::between(0, 100));
    c.liquefaction_max_elevation_m =
        g.number("liquefaction_max_elevation_m", c.liquefaction_max_elevation_m,
                 Bounds::non_negative());
    c.rivers = n.integer("rivers", -1, Bounds::between(-1, 1.0e5));
    auto l = n.child("lifelines");
    c.substations = l.integer("substations", 0, Bounds::between(0, 1.0e6));
    c.water_plants = l.integer("water_plants", 0, Bounds::between(0, 1.0e6));
    c.base_stations = l.integer("base_stations", 0, Bounds::between(0, 1.0e7));
    c.base_station_battery_hours = l.number("base_station_battery_hours",
                                            c.base_station_battery_hours, Bounds::between(0, 1e4));
    c.water_plant_backup_hours = l.number("water_plant_backup_hours", c.water_plant_backup_hours,
                                          Bounds::between(0, 1e4));
    c.substation_backup_hours = l.number("substation_backup_hours", c.substation_backup_hours,
                                         Bounds::between(0, 1e4));
    return c;
}

namespace {

struct Town {
    ZoneIndex zone;
    std::vector<CellId> cells;       // populated cells
    std::vector<double> cumulative;  // running population over `cells`
    double population = 0.0;
    double cx = 0.0, cy = 0.0;       // population centroid
};

std::vector<Town> towns_of(World const& w) {
    std::vector<Town> towns;
    std::vector<std::int32_t> index(w.zones.size(), -1);
    for (ZoneIndex z : w.zones.at_level(ZoneLevel::Municipality)) {
        index[z] = static_cast<std::int32_t>(towns.size());
        towns.push_back(Town{z, {}, {}, 0.0, 0.0, 0.0});
    }
    for (CellId c = 0; c < w.grid.cells(); ++c) {
        std::int32_t const z = w.zone[c];
        if (z < 0 || index[z] < 0 || w.population[c] == 0) {
            continue;
        }
        Town& t = towns[static_cast<std::size_t>(index[z])];
        double const p = w.population[c];
        t.cells.push_back(c);
        t.population += p;
        t.cumulative.push_back(t.population);
        t.cx += p * w.grid.centre_x(w.grid.col_of(c));
        t.cy += p * w.grid.centre_y(w.grid.row_of(c));
    }
    for (auto& t : towns) {
        if (t.population > 0.0) {
            t.cx /= t.population;
            t.cy /= t.population;
        }
    }
    return towns;
}

// Facilities per town: `total` split by population, at least `min_each` per populated town.
std::vector<std::uint64_t> per_town(std::vector<Town> const& towns, std::int64_t total,
                                    std::uint64_t min_each) {
    std::vector<double> wts;
    std::uint64_t populated = 0;
    for (auto const& t : towns) {
        wts.push_back(t.population);
        populated += t.population > 0.0 ? 1 : 0;
    }
    std::uint64_t const base = min_each * populated;
    auto const want = static_cast<std::uint64_t>(std::max<std::int64_t>(total, 0));
    std::vector<std::uint64_t> n(towns.size(), 0);
    if (populated == 0) {
        return n;
    }
    auto extra = apportion(wts, want > base ? want - base : 0);
    for (std::size_t k = 0; k < towns.size(); ++k) {
        n[k] = (towns[k].population > 0.0 ? min_each : 0) + extra[k];
    }
    return n;
}

// Places `count` facilities of a kind in a town at road nodes drawn with probability proportional
// to population, at least `spacing_m` apart where possible.
void place_by_population(World& w, Town const& t, std::uint64_t count, FacilityKind kind,
                         std::string const& prefix, std::size_t& serial, double spacing_m,
                         float backup_hours, NodeLocator const& locate, std::uint64_t seed,
                         std::uint64_t stream_base) {
    if (t.cells.empty()) {
        return;
    }
    std::vector<NodeId> placed;
    for (std::uint64_t k = 0; k < count; ++k) {
        NodeId chosen = kNoNode;
        for (int attempt = 0; attempt < 25 && chosen == kNoNode; ++attempt) {
            Rng r(seed, Stream::SyntheticLifelines, stream_base + serial * 64 + attempt, 0);
            double const u = r.uniform() * t.population;
            auto it = std::upper_bound(t.cumulative.begin(), t.cumulative.end(), u);
            CellId const c = t.cells[std::min<std::size_t>(
                static_cast<std::size_t>(it - t.cumulative.begin()), t.cells.size() - 1)];
            double const half = w.grid.transform().dx * 0.5;
            double const x = w.grid.centre_x(w.grid.col_of(c)) + r.uniform(-half, half);
            double const y = w.grid.centre_y(w.grid.row_of(c)) + r.uniform(-half, half);
            auto const hit = locate.nearest(x, y);
            if (hit.node == kNoNode) {
                continue;
            }
            bool far = true;
            for (NodeId o : placed) {
                if (std::hypot(w.roads.node_x()[o] - w.roads.node_x()[hit.node],
                               w.roads.node_y()[o] - w.roads.node_y()[hit.node]) < spacing_m) {
                    far = false;
                    break;
                }
            }
            if (far || attempt == 24) {
                chosen = hit.node;
            }
        }
        if (chosen == kNoNode) {
            continue;
        }
        placed.push_back(chosen);
        ++serial;
        Facility f;
        f.kind = kind;
        f.external_id = fmt::format("{}{:04d}", prefix, serial);
        f.name = fmt::format("{} {} (zone {})", to_string(kind), serial, w.zones[t.zone].code);
        f.x = w.roads.node_x()[chosen];
        f.y = w.roads.node_y()[chosen];
        f.node = chosen;
        f.backup_hours = backup_hours;
        w.facilities.add(std::move(f));
    }
}

} // namespace

void add_synthetic_infrastructure(World& w, SyntheticConfig const& c) {
    auto const& ic = c.infrastructure;
    std::size_t const ncell = w.grid.cells();
    double const cell_km2 = w.grid.cell_area_m2() / 1.0e6;

    // ---- building stock ------------------------------------------------------------------
    {
        std::array<Raster<float>, 5> b{
            Raster<float>(std::string(layer::kWoodPre1962), "buildings", ncell, 0.0f),
            Raster<float>(std::string(layer::kWood1962to1981), "buildings", ncell, 0.0f),
            Raster<float>(std::string(layer::kWood1982on), "buildings", ncell, 0.0f),
            Raster<float>(std::string(layer::kNonWoodPre1982), "buildings", ncell, 0.0f),
            Raster<float>(std::string(layer::kNonWood1982on), "buildings", ncell, 0.0f)};
        for (CellId i = 0; i < ncell; ++i) {
            if (w.population[i] == 0) {
                continue;
            }
            double const pop = w.population[i];
            double const total = pop / ic.persons_per_building;
            double const dense =
                std::clamp(pop / cell_km2 / c.town_density_per_km2, 0.0, 1.0);
            Rng r(c.seed, Stream::SyntheticBuildings, i, 0);
            double const wood = std::clamp(
                (ic.wood_share_rural + (ic.wood_share_dense - ic.wood_share_rural) * dense) *
                    (1.0 + 0.1 * (2.0 * r.uniform() - 1.0)),
                0.0, 1.0);
            // Era shares vary ±50 % from cell to cell (older and newer neighbourhoods).
            double const old_w = ic.share_wood_pre1962 * (1.0 + 0.5 * (2.0 * r.uniform() - 1.0));
            double const mid_w = ic.share_wood_1962_1981 * (1.0 + 0.5 * (2.0 * r.uniform() - 1.0));
            double const old_n =
                ic.share_nonwood_pre1982 * (1.0 + 0.5 * (2.0 * r.uniform() - 1.0));
            double const sw = std::max(1.0, old_w + mid_w);
            double const nw = total * wood;
            double const nn = total - nw;
            b[0][i] = static_cast<float>(nw * old_w / sw);
            b[1][i] = static_cast<float>(nw * mid_w / sw);
            b[2][i] = static_cast<float>(nw * (1.0 - (old_w + mid_w) / sw));
            b[3][i] = static_cast<float>(nn * std::min(1.0, old_n));
            b[4][i] = static_cast<float>(nn * (1.0 - std::min(1.0, old_n)));
        }
        for (auto& r : b) {
            std::string const name = r.name;
            w.layers[name] = std::move(r);
        }
    }

    // ---- ground ----------------------------------------------------------------------------
    {
        Raster<float> vs30(std::string(layer::kVs30), "m/s", ncell,
                           static_cast<float>(ic.vs30_lowland_mps));
        Raster<float> pl(std::string(layer::kLiquefactionPL), "PL", ncell, 0.0f);
        for (CellId i = 0; i < ncell; ++i) {
            double const z = w.elevation_m[i];
            if (w.zone[i] < 0) {
                continue; // sea
            }
            vs30[i] = static_cast<float>(
                ic.vs30_lowland_mps + (ic.vs30_upland_mps - ic.vs30_lowland_mps) *
                                          (1.0 - std::exp(-std::max(0.0, z) / ic.vs30_scale_m)));
            if (ic.liquefaction_max_elevation_m > 0.0 && z < ic.liquefaction_max_elevation_m) {
                double const f = 1.0 - std::max(0.0, z) / ic.liquefaction_max_elevation_m;
                pl[i] = static_cast<float>(ic.liquefaction_pl_max * f);
            }
        }
        w.layers[vs30.name] = std::move(vs30);
        w.layers[pl.name] = std::move(pl);
    }

    // ---- rivers, bridges and emergency routes ------------------------------------------------
    {
        auto const& g = w.roads;
        std::vector<double> rivers_x;
        if (ic.rivers < 0) {
            // One river at each boundary between municipalities (read along the inland edge).
            std::int32_t prev = -1;
            for (std::int32_t col = 0; col < w.grid.nx(); ++col) {
                std::int32_t const z = w.zone[w.grid.index(col, 0)];
                if (z >= 0 && prev >= 0 && z != prev) {
                    rivers_x.push_back(w.grid.transform().x0 + col * w.grid.transform().dx);
                }
                if (z >= 0) {
                    prev = z;
                }
            }
        } else {
            for (std::int64_t k = 0; k < ic.rivers; ++k) {
                rivers_x.push_back(w.grid.transform().x0 +
                                   w.grid.width_m() * (static_cast<double>(k) + 0.5) /
                                       static_cast<double>(ic.rivers));
            }
        }
        std::vector<float> bridge(g.edge_count(), 0.0f), emergency(g.edge_count(), 0.0f);
        for (EdgeId e = 0; e < g.edge_count(); ++e) {
            double const xa = g.node_x()[g.source()[e]];
            double const xb = g.node_x()[g.target()[e]];
            for (double xr : rivers_x) {
                if ((xa - xr) * (xb - xr) < 0.0) {
                    bridge[e] = 1.0f;
                    break;
                }
            }
            RoadClass const rc = g.road_class()[e];
            emergency[e] = rc <= RoadClass::Secondary ? 1.0f : 0.0f;
        }
        w.edge_layers[std::string(layer::kBridge)] = std::move(bridge);
        w.edge_layers[std::string(layer::kEmergencyRoute)] = std::move(emergency);
    }

    // ---- lifeline facilities -----------------------------------------------------------------
    {
        std::vector<Town> const towns = towns_of(w);
        NodeLocator const locate(w.roads, c.road_spacing_m);
        auto const pop = static_cast<double>(c.population);
        auto const ntown = static_cast<std::int64_t>(towns.size());
        std::int64_t const nsub =
            ic.substations > 0 ? ic.substations
                               : std::max<std::int64_t>(ntown, std::llround(pop / 15000.0));
        std::int64_t const nbs =
            ic.base_stations > 0 ? ic.base_stations
                                 : std::max<std::int64_t>(ntown, std::llround(pop / 2000.0));
        std::int64_t const nplant = ic.water_plants > 0
                                        ? ic.water_plants
                                        : std::max<std::int64_t>(1, std::llround(pop / 60000.0));

        auto const subs = per_town(towns, nsub, ic.substations > 0 ? 0 : 1);
        std::size_t serial = 0;
        for (std::size_t k = 0; k < towns.size(); ++k) {
            place_by_population(w, towns[k], subs[k], FacilityKind::Substation, "SYN-P", serial,
                                800.0, static_cast<float>(ic.substation_backup_hours), locate,
                                c.seed, 1ull << 34);
        }

        // Water plants (purification plants with their distribution reservoirs) stand on dry
        // ground at least 10 m high, about 1.5 km inland of the centres of the towns they serve.
        auto const plants = per_town(towns, nplant, 0);
        auto dry_high = [&](NodeId n) {
            CellId const ci = w.grid.cell_at(w.roads.node_x()[n], w.roads.node_y()[n]);
            return ci != kNoCell && w.tsunami_max_depth_m[ci] == 0.0f && w.elevation_m[ci] >= 10.0f;
        };
        std::size_t plant_serial = 0;
        for (std::size_t k = 0; k < towns.size(); ++k) {
            for (std::uint64_t j = 0; j < plants[k]; ++j) {
                Rng r(c.seed, Stream::SyntheticLifelines, (2ull << 34) + plant_serial, 0);
                double const x = towns[k].cx + r.uniform(-1000.0, 1000.0);
                double const y = towns[k].cy + 1500.0;
                auto hit = locate.nearest(x, y, 1e300, dry_high);
                if (hit.node == kNoNode) {
                    hit = locate.nearest(x, y);
                }
                if (hit.node == kNoNode) {
                    continue;
                }
                ++plant_serial;
                Facility f;
                f.kind = FacilityKind::WaterPlant;
                f.external_id = fmt::format("SYN-W{:03d}", plant_serial);
                f.name = fmt::format("Water plant {} (zone {})", plant_serial,
                                     w.zones[towns[k].zone].code);
                f.x = w.roads.node_x()[hit.node];
                f.y = w.roads.node_y()[hit.node];
                f.node = hit.node;
                f.backup_hours = static_cast<float>(ic.water_plant_backup_hours);
                w.facilities.add(std::move(f));
            }
        }

        auto const stations = per_town(towns, nbs, ic.base_stations > 0 ? 0 : 1);
        std::size_t bs_serial = 0;
        for (std::size_t k = 0; k < towns.size(); ++k) {
            place_by_population(w, towns[k], stations[k], FacilityKind::BaseStation, "SYN-T",
                                bs_serial, 250.0, static_cast<float>(ic.base_station_battery_hours),
                                locate, c.seed, 3ull << 34);
        }
    }
}

} // namespace tsunagi
