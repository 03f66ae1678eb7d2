#include <tsunagi/core/apportion.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/rng.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/synthetic.hpp>

#include <fmt/format.h>
#include <ogr_spatialref.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

namespace tsunagi {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kSeaMarginM = 600.0;

// The region's shape in local metres: u eastwards from the west edge, v northwards from the
// nominal coastline (negative = sea).
struct Shape {
    double width_m;  // along the coast
    double depth_m;  // inland
    double a1, l1, p1, a2, l2, p2; // coastline wiggle (bays and headlands)
    double coast_v(double u) const noexcept {
        return a1 * std::sin(kTwoPi * u / l1 + p1) + a2 * std::sin(kTwoPi * u / l2 + p2);
    }
};

struct Bump {
    double u, v, height, radius;
};

struct Town {
    double u, v, population, sigma;
};

Rng rng_for(SyntheticConfig const& c, Stream s, std::uint64_t id) { return Rng(c.seed, s, id, 0); }

} // namespace

int utm_epsg_for(double lon, double lat) {
    int const zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
    bool const japan = lon >= 122.0 && lon <= 154.0 && lat >= 20.0 && lat <= 46.0;
    if (japan && zone >= 51 && zone <= 55) {
        return 6688 + (zone - 51); // JGD2011 / UTM zone 51N..55N
    }
    return (lat >= 0.0 ? 32600 : 32700) + zone; // WGS 84 / UTM
}

SyntheticConfig SyntheticConfig::from(ConfigNode const& n) {
    SyntheticConfig c;
    c.seed = static_cast<std::uint64_t>(n.integer("seed", 1, Bounds::non_negative()));
    // Residents are numbered with 32-bit ids.
    c.population = n.integer("population", c.population, Bounds::between(1, 4.0e9));
    c.density_per_km2 = n.number("density_per_km2", c.density_per_km2, Bounds{0.0, 1.0e6, true, false});
    c.coast_length_km = n.optional_number("coast_length_km", Bounds::between(0.5, 5000));
    c.inland_km = n.optional_number("inland_km", Bounds::between(0.5, 500));
    c.cell_size_m = n.number("cell_size_m", c.cell_size_m, Bounds::between(10, 2000));
    c.towns = n.integer("towns", 0, Bounds::between(0, 5000));
    c.urban_share = n.number("urban_share", c.urban_share, Bounds::fraction());
    c.town_density_per_km2 =
        n.number("town_density_per_km2", c.town_density_per_km2, Bounds::positive());
    c.hills = n.integer("hills", 0, Bounds::between(0, 1.0e5));
    c.hill_height_m = n.number("hill_height_m", c.hill_height_m, Bounds::non_negative());
    c.plain_km = n.number("plain_km", c.plain_km, Bounds::non_negative());
    c.plain_slope_m_per_km =
        n.number("plain_slope_m_per_km", c.plain_slope_m_per_km, Bounds::non_negative());
    c.mountain_slope_m_per_km =
        n.number("mountain_slope_m_per_km", c.mountain_slope_m_per_km, Bounds::non_negative());
    c.road_spacing_m = n.number("road_spacing_m", c.road_spacing_m, Bounds::between(20, 5000));
    c.arterial_every = n.integer("arterial_every", c.arterial_every, Bounds::at_least(1));
    c.street_keep = n.number("street_keep", c.street_keep, Bounds::fraction());
    c.street_width_m = n.number("street_width_m", c.street_width_m, Bounds::between(1.0, 100.0));
    c.street_capacity_vph =
        n.number("street_capacity_vph", c.street_capacity_vph, Bounds::between(10.0, 20000.0));
    c.arterial_width_m =
        n.number("arterial_width_m", c.arterial_width_m, Bounds::between(1.0, 100.0));
    c.arterial_capacity_vph =
        n.number("arterial_capacity_vph", c.arterial_capacity_vph, Bounds::between(10.0, 20000.0));
    c.shelters = n.integer("shelters", 0, Bounds::between(0, 1.0e7));
    c.shelter_capacity_ratio =
        n.number("shelter_capacity_ratio", c.shelter_capacity_ratio, Bounds::non_negative());
    c.shelter_min_elevation_m =
        n.number("shelter_min_elevation_m", c.shelter_min_elevation_m, Bounds::any());
    c.evacuation_buildings =
        n.integer("evacuation_buildings", -1, Bounds::between(-1, 1.0e6));
    c.evacuation_building_capacity = n.integer(
        "evacuation_building_capacity", c.evacuation_building_capacity, Bounds::between(1, 1.0e6));
    c.evacuation_building_safe_depth_m = n.number(
        "evacuation_building_safe_depth_m", c.evacuation_building_safe_depth_m, Bounds::positive());
    c.hubs = n.integer("hubs", 0, Bounds::between(0, 1.0e4));
    c.origin_lon = n.number("origin_lon", c.origin_lon, Bounds::between(-180, 180));
    c.origin_lat = n.number("origin_lat", c.origin_lat, Bounds::between(-80, 84));
    c.prefecture_code = n.string("prefecture_code", c.prefecture_code);
    c.prefecture_name = n.string("prefecture_name", c.prefecture_name);
    auto t = n.child("tsunami");
    c.tsunami_height_m = t.number("height_m", c.tsunami_height_m, Bounds::non_negative());
    c.tsunami_decay_km = t.number("decay_km", c.tsunami_decay_km, Bounds::positive());
    c.tsunami_arrival_s = t.number("arrival_s", c.tsunami_arrival_s, Bounds::non_negative());
    c.tsunami_arrival_spread_s =
        t.number("arrival_spread_s", c.tsunami_arrival_spread_s, Bounds::non_negative());
    c.tsunami_inland_speed_mps =
        t.number("inland_speed_mps", c.tsunami_inland_speed_mps, Bounds::positive());
    c.infrastructure = SyntheticInfrastructureConfig::from(n);
    if (c.prefecture_code.size() != 2 ||
        !std::all_of(c.prefecture_code.begin(), c.prefecture_code.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; })) {
        n.fail("prefecture_code", fmt::format("'{}' is not a 2-digit code", c.prefecture_code),
                "use two digits, e.g. 99 (unused by real prefectures)");
    }
    double const cells = c.coast_km() * 1000.0 / c.cell_size_m *
                         ((c.depth_km() * 1000.0 + kSeaMarginM) / c.cell_size_m);
    if (cells > 2.0e8) {
        n.fail("cell_size_m",
               fmt::format("the region ({:.0f} km × {:.0f} km) would need {:.3g} cells of {} m",
                           c.coast_km(), c.depth_km(), cells, c.cell_size_m),
               "use larger cells or a smaller region");
    }
    return c;
}

// The region keeps its cross-shore profile (4 km inland by default) at every scale and grows
// along the coast, so 10^7 residents are 100 times the coast of 10^5, not a different landscape.
double SyntheticConfig::depth_km() const {
    if (inland_km) {
        return *inland_km;
    }
    if (coast_length_km) {
        double const area = static_cast<double>(population) / density_per_km2;
        return std::clamp(area / *coast_length_km, 1.0, 50.0);
    }
    return 4.0;
}

double SyntheticConfig::coast_km() const {
    if (coast_length_km) {
        return *coast_length_km;
    }
    double const area = static_cast<double>(population) / density_per_km2;
    return std::max(2.0, area / depth_km());
}

std::int64_t SyntheticConfig::town_count() const {
    if (towns > 0) {
        return towns;
    }
    return std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::llround(static_cast<double>(population) / 20000.0)), 1, 999);
}

std::int64_t SyntheticConfig::shelter_count() const {
    if (shelters > 0) {
        return shelters;
    }
    return std::max<std::int64_t>(2, population / 2500);
}

std::int64_t SyntheticConfig::evacuation_building_count() const {
    if (evacuation_buildings >= 0) {
        return evacuation_buildings;
    }
    return population / 10000;
}

std::int64_t SyntheticConfig::hub_count() const {
    if (hubs > 0) {
        return hubs;
    }
    return std::max<std::int64_t>(1, town_count() / 10);
}

World make_synthetic_world(SyntheticConfig const& c, SyntheticReport* report) {
    World w;
    w.name = fmt::format("synthetic coast (seed {}, {} residents)", c.seed, c.population);
    w.source = "synthetic";

    // ---- shape and grid ------------------------------------------------------------------
    Shape s{};
    s.width_m = c.coast_km() * 1000.0;
    s.depth_m = c.depth_km() * 1000.0;
    {
        Rng r = rng_for(c, Stream::SyntheticTerrain, 0);
        s.a1 = std::min(400.0, 0.08 * s.depth_m) * r.uniform(0.6, 1.0);
        s.l1 = r.uniform(3000.0, 7000.0);
        s.p1 = r.uniform(0.0, kTwoPi);
        s.a2 = s.a1 * r.uniform(0.2, 0.4);
        s.l2 = r.uniform(700.0, 1500.0);
        s.p2 = r.uniform(0.0, kTwoPi);
    }
    double const cell = c.cell_size_m;
    double const v_south = -kSeaMarginM;
    auto const nx = static_cast<std::int32_t>(std::ceil(s.width_m / cell));
    auto const ny = static_cast<std::int32_t>(std::ceil((s.depth_m - v_south) / cell));
    double const v_north = v_south + ny * cell;

    int const epsg = utm_epsg_for(c.origin_lon, c.origin_lat);
    OGRSpatialReference wgs84;
    OGRSpatialReference utm;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (utm.importFromEPSG(epsg) != OGRERR_NONE) {
        throw DataError(fmt::format("cannot set up the projected CRS EPSG:{} (is PROJ's database "
                                    "installed? apt-get install proj-data)",
                                    epsg));
    }
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&wgs84, &utm));
    double ox = c.origin_lon;
    double oy = c.origin_lat;
    if (!ct || !ct->Transform(1, &ox, &oy)) {
        throw DataError(fmt::format("cannot project the synthetic origin ({}, {}) to EPSG:{}",
                                    c.origin_lon, c.origin_lat, epsg));
    }
    char* wkt = nullptr;
    utm.exportToWkt(&wkt);
    std::string crs = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    // Snap the origin to whole metres so coordinates print cleanly.
    ox = std::round(ox);
    oy = std::round(oy);
    w.grid = GridSpec(nx, ny, GeoTransform{ox, cell, oy + ny * cell, -cell}, crs);
    std::size_t const ncell = w.grid.cells();
    auto u_of_col = [&](std::int32_t col) { return (col + 0.5) * cell; };
    auto v_of_row = [&](std::int32_t row) { return v_north - (row + 0.5) * cell; };
    auto to_x = [&](double u) { return ox + u; };
    auto to_y = [&](double v) { return oy + (v - v_south); };

    // ---- towns and hills -----------------------------------------------------------------
    std::int64_t const ntown = c.town_count();
    std::vector<Town> towns(static_cast<std::size_t>(ntown));
    {
        std::vector<double> wts(towns.size());
        for (std::size_t k = 0; k < towns.size(); ++k) {
            Rng r = rng_for(c, Stream::SyntheticTowns, k);
            double const slot = s.width_m / static_cast<double>(ntown);
            towns[k].u = (static_cast<double>(k) + 0.5 + r.uniform(-0.2, 0.2)) * slot;
            towns[k].v = s.coast_v(towns[k].u) + r.uniform(300.0, 800.0);
            wts[k] = r.lognormal(0.0, 0.5);
        }
        double const sum = [&] {
            double t = 0;
            for (double x : wts) {
                t += x;
            }
            return t;
        }();
        for (std::size_t k = 0; k < towns.size(); ++k) {
            towns[k].population =
                c.urban_share * static_cast<double>(c.population) * wts[k] / sum;
            double const dens = c.town_density_per_km2 / 1.0e6; // per m²
            towns[k].sigma = std::max(cell, std::sqrt(towns[k].population / (kTwoPi * dens)));
        }
    }
    // The plain's width varies smoothly along the coast.
    double pl1 = 0, pp1 = 0, pl2 = 0, pp2 = 0;
    {
        Rng r = rng_for(c, Stream::SyntheticTerrain, 3);
        pl1 = r.uniform(8000.0, 20000.0);
        pp1 = r.uniform(0.0, kTwoPi);
        pl2 = r.uniform(2500.0, 6000.0);
        pp2 = r.uniform(0.0, kTwoPi);
    }
    auto plain_m = [&](double u) {
        return c.plain_km * 1000.0 *
               (1.0 + 0.3 * std::sin(kTwoPi * u / pl1 + pp1) + 0.15 * std::sin(kTwoPi * u / pl2 + pp2));
    };
    // Steep hills where the plain meets the mountains behind each town, headlands on the coast
    // between towns, and optional extra hills inland.
    std::vector<Bump> hills;
    for (std::size_t k = 0; k < towns.size(); ++k) {
        Rng r = rng_for(c, Stream::SyntheticTerrain, 1000 + k);
        double const side = r.bernoulli(0.5) ? 1.0 : -1.0;
        double const u = towns[k].u + side * r.uniform(100.0, 600.0);
        hills.push_back(Bump{u, s.coast_v(u) + plain_m(u) * r.uniform(0.6, 0.9),
                             c.hill_height_m * r.uniform(0.7, 1.3), r.uniform(250.0, 450.0)});
        if (k + 1 < towns.size()) {
            double const uh = 0.5 * (towns[k].u + towns[k + 1].u);
            hills.push_back(Bump{uh, s.coast_v(uh) + r.uniform(150.0, 500.0),
                                 c.hill_height_m * r.uniform(0.5, 1.0), r.uniform(250.0, 500.0)});
        }
    }
    for (std::int64_t h = 0; h < c.hills; ++h) {
        Rng r = rng_for(c, Stream::SyntheticTerrain, 100000 + static_cast<std::uint64_t>(h));
        hills.push_back(Bump{r.uniform(0.0, s.width_m), r.uniform(500.0, s.depth_m),
                             c.hill_height_m * r.uniform(0.5, 2.0), r.uniform(300.0, 1500.0)});
    }

    // ---- elevation -------------------------------------------------------------------------
    w.elevation_m = Raster<float>("elevation_m", "m", ncell, 0.0f);
    std::vector<double> inland(ncell); // distance inland from the coastline (negative at sea)
    std::vector<double> relief(ncell, 0.0);
    for (auto const& h : hills) {
        double const reach = 3.5 * h.radius;
        auto c0 = std::max<std::int32_t>(0, static_cast<std::int32_t>((h.u - reach) / cell));
        auto c1 = std::min<std::int32_t>(nx - 1, static_cast<std::int32_t>((h.u + reach) / cell));
        auto r0 = std::max<std::int32_t>(0, static_cast<std::int32_t>((v_north - h.v - reach) / cell));
        auto r1 = std::min<std::int32_t>(ny - 1, static_cast<std::int32_t>((v_north - h.v + reach) / cell));
        for (std::int32_t row = r0; row <= r1; ++row) {
            for (std::int32_t col = c0; col <= c1; ++col) {
                double const du = u_of_col(col) - h.u;
                double const dv = v_of_row(row) - h.v;
                relief[w.grid.index(col, row)] +=
                    h.height * std::exp(-(du * du + dv * dv) / (2.0 * h.radius * h.radius));
            }
        }
    }
    for (std::int32_t row = 0; row < ny; ++row) {
        for (std::int32_t col = 0; col < nx; ++col) {
            CellId const i = w.grid.index(col, row);
            double const u = u_of_col(col);
            double const d = v_of_row(row) - s.coast_v(u);
            inland[i] = d;
            double z;
            if (d > 0.0) {
                double const plain = plain_m(u);
                z = 1.0 + c.plain_slope_m_per_km * std::min(d, plain) / 1000.0 +
                    c.mountain_slope_m_per_km * std::max(0.0, d - plain) / 1000.0 + relief[i];
            } else {
                z = std::min(-1.0, -2.0 + 0.02 * d);
            }
            w.elevation_m[i] = static_cast<float>(z);
        }
    }

    // ---- tsunami field -------------------------------------------------------------------
    w.tsunami_max_depth_m = Raster<float>("tsunami_max_depth_m", "m", ncell, 0.0f);
    w.tsunami_arrival_s = Raster<float>("tsunami_arrival_s", "s", ncell,
                                        std::numeric_limits<float>::infinity());
    {
        Rng r = rng_for(c, Stream::SyntheticTerrain, 2);
        double const l3 = r.uniform(15000.0, 30000.0);
        double const p3 = r.uniform(0.0, kTwoPi);
        double const l4 = r.uniform(20000.0, 40000.0);
        double const p4 = r.uniform(0.0, kTwoPi);
        for (std::int32_t row = 0; row < ny; ++row) {
            for (std::int32_t col = 0; col < nx; ++col) {
                CellId const i = w.grid.index(col, row);
                double const u = u_of_col(col);
                double const h = c.tsunami_height_m * (0.75 + 0.25 * std::sin(kTwoPi * u / l3 + p3));
                double const t0 = c.tsunami_arrival_s +
                                  c.tsunami_arrival_spread_s *
                                      (0.5 + 0.5 * std::sin(kTwoPi * u / l4 + p4));
                double const d = inland[i];
                double depth;
                if (d <= 0.0) {
                    depth = h; // the sea is "inundated" by definition; nobody lives there
                } else {
                    double const level = h * std::exp(-d / (c.tsunami_decay_km * 1000.0));
                    depth = std::max(0.0, level - static_cast<double>(w.elevation_m[i]));
                }
                if (depth > 0.0) {
                    w.tsunami_max_depth_m[i] = static_cast<float>(depth);
                    w.tsunami_arrival_s[i] =
                        static_cast<float>(t0 + std::max(0.0, d) / c.tsunami_inland_speed_mps);
                }
            }
        }
    }

    // ---- population ------------------------------------------------------------------------
    w.population = Raster<std::uint32_t>("population", "persons", ncell, 0);
    {
        std::vector<double> weight(ncell, 0.0);
        for (auto const& t : towns) {
            double const reach = 4.0 * t.sigma;
            auto c0 = std::max<std::int32_t>(0, static_cast<std::int32_t>((t.u - reach) / cell));
            auto c1 = std::min<std::int32_t>(nx - 1, static_cast<std::int32_t>((t.u + reach) / cell));
            auto r0 = std::max<std::int32_t>(0, static_cast<std::int32_t>((v_north - t.v - reach) / cell));
            auto r1 = std::min<std::int32_t>(ny - 1, static_cast<std::int32_t>((v_north - t.v + reach) / cell));
            double sum = 0.0;
            for (int pass = 0; pass < 2; ++pass) {
                for (std::int32_t row = r0; row <= r1; ++row) {
                    for (std::int32_t col = c0; col <= c1; ++col) {
                        CellId const i = w.grid.index(col, row);
                        if (inland[i] <= 0.0) {
                            continue;
                        }
                        double const du = u_of_col(col) - t.u;
                        double const dv = v_of_row(row) - t.v;
                        double const g = std::exp(-(du * du + dv * dv) / (2.0 * t.sigma * t.sigma));
                        if (pass == 0) {
                            sum += g;
                        } else if (sum > 0.0) {
                            weight[i] += t.population * g / sum;
                        }
                    }
                }
            }
        }
        double rural_sum = 0.0;
        for (std::size_t i = 0; i < ncell; ++i) {
            if (inland[i] > 0.0) {
                rural_sum += std::exp(-static_cast<double>(w.elevation_m.data[i]) / 80.0);
            }
        }
        double const rural = (1.0 - c.urban_share) * static_cast<double>(c.population);
        for (std::size_t i = 0; i < ncell; ++i) {
            if (inland[i] > 0.0 && rural_sum > 0.0) {
                weight[i] +=
                    rural * std::exp(-static_cast<double>(w.elevation_m.data[i]) / 80.0) / rural_sum;
            }
        }
        auto counts = apportion(weight, static_cast<std::uint64_t>(c.population));
        for (std::size_t i = 0; i < ncell; ++i) {
            if (counts[i] > std::numeric_limits<std::uint32_t>::max()) {
                throw DataError(fmt::format(
                    "synthetic world: {} residents in one {} m cell. Fix: lower "
                    "world.synthetic.population or density_per_km2, or use larger cells",
                    counts[i], c.cell_size_m));
            }
            w.population.data[i] = static_cast<std::uint32_t>(counts[i]);
        }
    }

    // ---- zones: one prefecture, one municipality per town (strips along the coast) -----------
    {
        ZoneIndex const jp = w.zones.add(Zone{"JP", "日本", ZoneLevel::Country, -1});
        ZoneIndex const pref =
            w.zones.add(Zone{c.prefecture_code, c.prefecture_name, ZoneLevel::Prefecture, jp});
        std::vector<double> bound; // east boundary of each municipality
        for (std::size_t k = 0; k < towns.size(); ++k) {
            w.zones.add(Zone{fmt::format("{}{:03d}", c.prefecture_code, 201 + k),
                             fmt::format("Town {}", k + 1), ZoneLevel::Municipality, pref});
            bound.push_back(k + 1 < towns.size() ? 0.5 * (towns[k].u + towns[k + 1].u)
                                                 : std::numeric_limits<double>::infinity());
        }
        auto const first_muni = static_cast<std::int32_t>(pref) + 1;
        w.zone = Raster<std::int32_t>("zone", "index", ncell, -1);
        for (std::int32_t row = 0; row < ny; ++row) {
            std::size_t k = 0;
            for (std::int32_t col = 0; col < nx; ++col) {
                double const u = u_of_col(col);
                while (u >= bound[k]) {
                    ++k;
                }
                CellId const i = w.grid.index(col, row);
                if (inland[i] > 0.0) {
                    w.zone[i] = first_muni + static_cast<std::int32_t>(k);
                }
            }
        }
    }

    // ---- roads: a jittered lattice of streets with arterials ---------------------------------
    {
        double const sp = c.road_spacing_m;
        double v_min = 0.0;
        for (std::int32_t col = 0; col < nx; ++col) {
            v_min = std::min(v_min, s.coast_v(u_of_col(col)));
        }
        auto const ni = static_cast<std::int64_t>(std::floor(s.width_m / sp)) + 1;
        auto const nj = static_cast<std::int64_t>(std::floor((s.depth_m - v_min) / sp)) + 1;
        std::vector<NodeId> lattice(static_cast<std::size_t>(ni * nj), kNoNode);
        RoadGraphBuilder b;
        for (std::int64_t j = 0; j < nj; ++j) {
            for (std::int64_t i = 0; i < ni; ++i) {
                Rng r = rng_for(c, Stream::SyntheticRoads, static_cast<std::uint64_t>(j * ni + i));
                double const u = std::clamp(static_cast<double>(i) * sp + r.uniform(-0.15, 0.15) * sp,
                                            1.0, s.width_m - 1.0);
                double const v = std::min(v_min + static_cast<double>(j) * sp +
                                              r.uniform(-0.15, 0.15) * sp,
                                          s.depth_m - 1.0);
                CellId const at = w.grid.cell_at(to_x(u), to_y(v));
                if (v > s.coast_v(u) + 10.0 && at != kNoCell && inland[at] > 0.0) {
                    lattice[static_cast<std::size_t>(j * ni + i)] = b.add_node(to_x(u), to_y(v));
                }
            }
        }
        EdgeAttributes arterial{0.0f, static_cast<float>(c.arterial_width_m), 11.11f,
                                static_cast<float>(c.arterial_capacity_vph), 2, RoadClass::Secondary};
        EdgeAttributes local{0.0f, static_cast<float>(c.street_width_m), 8.33f,
                             static_cast<float>(c.street_capacity_vph), 1, RoadClass::Residential};
        auto link = [&](std::int64_t i0, std::int64_t j0, std::int64_t i1, std::int64_t j1,
                        bool is_arterial, std::uint64_t key) {
            NodeId const a = lattice[static_cast<std::size_t>(j0 * ni + i0)];
            NodeId const bn = lattice[static_cast<std::size_t>(j1 * ni + i1)];
            if (a == kNoNode || bn == kNoNode) {
                return;
            }
            Rng r = rng_for(c, Stream::SyntheticRoads, (1ull << 40) + key);
            if (!is_arterial && !r.bernoulli(c.street_keep)) {
                return;
            }
            EdgeAttributes e = is_arterial ? arterial : local;
            double const d = std::hypot(b.x(a) - b.x(bn), b.y(a) - b.y(bn));
            e.length_m = static_cast<float>(std::max(1.0, d * (1.0 + 0.08 * r.uniform())));
            b.add_two_way(a, bn, e);
        };
        for (std::int64_t j = 0; j < nj; ++j) {
            for (std::int64_t i = 0; i < ni; ++i) {
                auto const key = static_cast<std::uint64_t>(j * ni + i) * 2;
                if (i + 1 < ni) {
                    link(i, j, i + 1, j, j % c.arterial_every == 0, key);
                }
                if (j + 1 < nj) {
                    link(i, j, i, j + 1, i % c.arterial_every == 0, key + 1);
                }
            }
        }
        RoadGraph full = std::move(b).build();
        std::size_t dn = 0, de = 0;
        std::vector<NodeId> map;
        w.roads = largest_component(full, dn, de, map);
        if (report != nullptr) {
            report->dropped_nodes = dn;
            report->dropped_edges = de;
        }
        if (w.roads.node_count() == 0) {
            throw DataError("the synthetic region has no land road network; raise "
                            "world.synthetic.inland_km or lower road_spacing_m");
        }
    }

    // ---- facilities ------------------------------------------------------------------------
    auto node_cell = [&](NodeId n) { return w.grid.cell_at(w.roads.node_x()[n], w.roads.node_y()[n]); };
    NodeLocator locate(w.roads, c.road_spacing_m);
    {
        std::int64_t const nshelter = c.shelter_count();
        std::vector<double> town_w(towns.size());
        for (std::size_t k = 0; k < towns.size(); ++k) {
            town_w[k] = std::max(1e-9, towns[k].population);
        }
        auto per_town = apportion(town_w, static_cast<std::uint64_t>(nshelter));
        auto dry = [&](NodeId n) {
            CellId const ci = node_cell(n);
            return ci != kNoCell && w.tsunami_max_depth_m[ci] == 0.0f;
        };
        auto high = [&](NodeId n) {
            CellId const ci = node_cell(n);
            return dry(n) && w.elevation_m[ci] >= c.shelter_min_elevation_m;
        };
        std::vector<NodeId> chosen;
        std::vector<std::size_t> chosen_town;
        double const spacing = std::max(250.0, c.road_spacing_m * 1.2);
        for (std::size_t k = 0; k < towns.size(); ++k) {
            // Candidates: high dry nodes near the town, nearest first (ties by id).
            std::vector<std::pair<double, NodeId>> cand;
            double const tx = to_x(towns[k].u);
            double const ty = to_y(towns[k].v);
            double const radius = 4.0 * towns[k].sigma + 3000.0;
            for (NodeId n = 0; n < w.roads.node_count(); ++n) {
                double const d = std::hypot(w.roads.node_x()[n] - tx, w.roads.node_y()[n] - ty);
                if (d <= radius && high(n)) {
                    cand.emplace_back(d, n);
                }
            }
            std::sort(cand.begin(), cand.end());
            std::uint64_t got = 0;
            for (auto const& [d, n] : cand) {
                if (got >= per_town[k]) {
                    break;
                }
                bool far = true;
                for (NodeId o : chosen) {
                    if (std::hypot(w.roads.node_x()[n] - w.roads.node_x()[o],
                                   w.roads.node_y()[n] - w.roads.node_y()[o]) < spacing) {
                        far = false;
                        break;
                    }
                }
                if (far) {
                    chosen.push_back(n);
                    chosen_town.push_back(k);
                    ++got;
                }
            }
        }
        std::vector<double> cap_w;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            cap_w.push_back(town_w[chosen_town[i]] / static_cast<double>(per_town[chosen_town[i]]));
        }
        std::vector<std::uint64_t> caps(chosen.size(), 0);
        if (!chosen.empty()) {
            caps = apportion(cap_w, static_cast<std::uint64_t>(std::llround(
                                        c.shelter_capacity_ratio * static_cast<double>(c.population))));
        }
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            Facility f;
            f.kind = FacilityKind::Shelter;
            f.external_id = fmt::format("SYN-S{:05d}", i + 1);
            f.name = fmt::format("Shelter {} (Town {})", i + 1, chosen_town[i] + 1);
            f.x = w.roads.node_x()[chosen[i]];
            f.y = w.roads.node_y()[chosen[i]];
            f.node = chosen[i];
            f.capacity = static_cast<std::int32_t>(std::min<std::uint64_t>(caps[i], INT32_MAX));
            f.hazard_flags = kTsunami | kEarthquake;
            w.facilities.add(std::move(f));
        }
        if (static_cast<std::int64_t>(chosen.size()) < nshelter) {
            spdlog::warn("synthetic world: placed {} of {} shelters (not enough dry ground ≥ {} m "
                         "near the towns)",
                         chosen.size(), nshelter, c.shelter_min_elevation_m);
        }

        // Tsunami evacuation buildings (津波避難ビル): in the towns' flooded areas where the water
        // stays below the building's safe height, nearest the town centre first, ≥ 300 m apart.
        std::int64_t const nbuild = c.evacuation_building_count();
        if (nbuild > 0) {
            auto per_town_b = apportion(town_w, static_cast<std::uint64_t>(nbuild));
            std::vector<NodeId> placed;
            std::size_t count = 0;
            for (std::size_t k = 0; k < towns.size(); ++k) {
                std::vector<std::pair<double, NodeId>> cand;
                double const tx = to_x(towns[k].u);
                double const ty = to_y(towns[k].v);
                for (NodeId n = 0; n < w.roads.node_count(); ++n) {
                    CellId const ci = node_cell(n);
                    if (ci == kNoCell) {
                        continue;
                    }
                    float const d = w.tsunami_max_depth_m[ci];
                    double const dist =
                        std::hypot(w.roads.node_x()[n] - tx, w.roads.node_y()[n] - ty);
                    if (d >= 0.3f && d < c.evacuation_building_safe_depth_m &&
                        dist <= 2.5 * towns[k].sigma) {
                        cand.emplace_back(dist, n);
                    }
                }
                std::sort(cand.begin(), cand.end());
                std::uint64_t got = 0;
                for (auto const& [dist, n] : cand) {
                    if (got >= per_town_b[k]) {
                        break;
                    }
                    bool far = true;
                    for (NodeId o : placed) {
                        if (std::hypot(w.roads.node_x()[n] - w.roads.node_x()[o],
                                       w.roads.node_y()[n] - w.roads.node_y()[o]) < 300.0) {
                            far = false;
                            break;
                        }
                    }
                    if (!far) {
                        continue;
                    }
                    placed.push_back(n);
                    ++got;
                    Facility f;
                    f.kind = FacilityKind::EvacuationBuilding;
                    f.external_id = fmt::format("SYN-B{:05d}", ++count);
                    f.name = fmt::format("Evacuation building {} (Town {})", count, k + 1);
                    f.x = w.roads.node_x()[n];
                    f.y = w.roads.node_y()[n];
                    f.node = n;
                    f.capacity = static_cast<std::int32_t>(c.evacuation_building_capacity);
                    f.hazard_flags = kTsunami;
                    w.facilities.add(std::move(f));
                }
            }
        }

        std::int64_t const nhub = c.hub_count();
        for (std::int64_t h = 0; h < nhub; ++h) {
            double const u = s.width_m * (static_cast<double>(h) + 0.5) / static_cast<double>(nhub);
            double const v = s.depth_m * 0.8;
            auto hit = locate.nearest(to_x(u), to_y(v), 1e300, dry);
            if (hit.node == kNoNode) {
                continue;
            }
            Facility f;
            f.kind = FacilityKind::Hub;
            f.external_id = fmt::format("SYN-H{:03d}", h + 1);
            f.name = fmt::format("Supply hub {}", h + 1);
            f.x = w.roads.node_x()[hit.node];
            f.y = w.roads.node_y()[hit.node];
            f.node = hit.node;
            w.facilities.add(std::move(f));
        }
    }

    add_synthetic_infrastructure(w, c);
    w.finalize();
    return w;
}

} // namespace tsunagi
