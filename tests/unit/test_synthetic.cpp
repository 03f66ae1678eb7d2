#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/routing/route_tree.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/synthetic.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace tsunagi;

namespace {
SyntheticConfig config(std::int64_t population, std::uint64_t seed = 1) {
    SyntheticConfig c;
    c.population = population;
    c.seed = seed;
    return c;
}
} // namespace

TEST(Synthetic, PopulationIsExactAtEveryScale) {
    for (std::int64_t pop : {1000, 25000, 300000}) {
        SyntheticReport rep;
        World w = make_synthetic_world(config(pop), &rep);
        EXPECT_EQ(w.total_population(), static_cast<std::uint64_t>(pop)) << pop;
        // Nobody lives at sea or outside a municipality.
        for (std::size_t c = 0; c < w.grid.cells(); ++c) {
            if (w.population.data[c] > 0) {
                ASSERT_GE(w.zone.data[c], 0);
                ASSERT_GT(w.elevation_m.data[c], 0.0f);
            }
        }
    }
}

TEST(Synthetic, RegionGrowsWithPopulation) {
    SyntheticConfig small = config(10000);
    SyntheticConfig big = config(1000000);
    double const a_small = small.coast_km() * small.depth_km();
    double const a_big = big.coast_km() * big.depth_km();
    EXPECT_NEAR(a_big / a_small, 100.0, 10.0);
    EXPECT_EQ(config(10000000).town_count(), 500);
    // The cross-shore profile stays; the coast grows.
    EXPECT_DOUBLE_EQ(small.depth_km(), big.depth_km());
    EXPECT_NEAR(big.coast_km() / small.coast_km(), 100.0, 1.0);
}

TEST(Synthetic, IsDeterministicForASeedAndChangesWithIt) {
    World a = make_synthetic_world(config(20000, 3));
    World b = make_synthetic_world(config(20000, 3));
    World c = make_synthetic_world(config(20000, 4));
    EXPECT_EQ(a.population.data, b.population.data);
    EXPECT_EQ(a.elevation_m.data, b.elevation_m.data);
    EXPECT_EQ(a.roads.target().size(), b.roads.target().size());
    EXPECT_TRUE(std::equal(a.roads.node_x().begin(), a.roads.node_x().end(),
                           b.roads.node_x().begin()));
    EXPECT_NE(a.population.data, c.population.data);
}

TEST(Synthetic, RoadsAreOneConnectedNetworkOnLand) {
    World w = make_synthetic_world(config(50000));
    ASSERT_GT(w.roads.node_count(), 100u);
    // Every node can reach node 0 (two-way roads): a tree rooted there reaches all.
    std::vector<NodeId> root{0};
    auto t = build_route_tree(w.roads, root, w.roads.length_m());
    EXPECT_EQ(t.reachable_count(), w.roads.node_count());
    for (NodeId n = 0; n < w.roads.node_count(); ++n) {
        CellId const c = w.node_cell[n];
        ASSERT_NE(c, kNoCell);
        EXPECT_GT(w.elevation_m[c], 0.0f);
    }
    int arterial = 0;
    for (auto rc : w.roads.road_class()) {
        arterial += rc == RoadClass::Secondary ? 1 : 0;
    }
    EXPECT_GT(arterial, 0);
}

TEST(Synthetic, SheltersStandOnHighDryGround) {
    SyntheticConfig c = config(50000);
    World w = make_synthetic_world(c);
    auto shelters = w.facilities.of_kind(FacilityKind::Shelter);
    EXPECT_GE(shelters.size(), 2u);
    std::int64_t cap = 0;
    for (auto f : shelters) {
        auto const& s = w.facilities[f];
        CellId const cell = w.node_cell[s.node];
        EXPECT_EQ(w.tsunami_max_depth_m[cell], 0.0f);
        EXPECT_GE(w.elevation_m[cell], c.shelter_min_elevation_m);
        EXPECT_NE(s.zone, kNoZone);
        EXPECT_TRUE(s.hazard_flags & kTsunami);
        cap += s.capacity;
    }
    EXPECT_NEAR(static_cast<double>(cap), c.shelter_capacity_ratio * 50000, 1.0);
    EXPECT_GE(w.facilities.of_kind(FacilityKind::Hub).size(), 1u);
}

TEST(Synthetic, TsunamiFloodsTheLowCoastAndArrivesLaterInland) {
    SyntheticConfig c = config(50000);
    World w = make_synthetic_world(c);
    ASSERT_FALSE(w.inundated_cells.empty());
    std::uint64_t at_risk = 0;
    for (std::size_t i = 0; i < w.grid.cells(); ++i) {
        float const d = w.tsunami_max_depth_m.data[i];
        float const t = w.tsunami_arrival_s.data[i];
        if (d > 0.0f) {
            EXPECT_GE(t, c.tsunami_arrival_s);
            EXPECT_LE(d, c.tsunami_height_m + 1e-3);
        } else {
            EXPECT_TRUE(std::isinf(t));
        }
        if (d >= 0.3f) {
            at_risk += w.population.data[i];
        }
    }
    // A meaningful share of residents lives in the hazard zone, but not everybody.
    EXPECT_GT(at_risk, 50000u / 10);
    EXPECT_LT(at_risk, 50000u * 7 / 10);
    // Along one column, arrival times grow inland wherever the cell floods.
    int const col = w.grid.nx() / 2;
    float prev = -1.0f;
    for (int row = w.grid.ny() - 1; row >= 0; --row) {
        CellId const cell = w.grid.index(col, row);
        if (w.tsunami_max_depth_m[cell] > 0.0f && w.zone[cell] >= 0) {
            EXPECT_GE(w.tsunami_arrival_s[cell], prev);
            prev = w.tsunami_arrival_s[cell];
        }
    }
}

TEST(Synthetic, ZonesFormOnePrefectureOfMunicipalities) {
    SyntheticConfig c = config(100000);
    World w = make_synthetic_world(c);
    EXPECT_EQ(w.zones.at_level(ZoneLevel::Country).size(), 1u);
    EXPECT_EQ(w.zones.at_level(ZoneLevel::Prefecture).size(), 1u);
    EXPECT_EQ(w.zones.at_level(ZoneLevel::Municipality).size(),
              static_cast<std::size_t>(c.town_count()));
    EXPECT_EQ(w.zones[2].code, "99201");
    EXPECT_FALSE(w.grid.crs_wkt().empty());
    EXPECT_NE(w.grid.crs_wkt().find("UTM zone 53N"), std::string::npos);
}

TEST(Synthetic, ConfigurationIsValidated) {
    Scenario s = Scenario::from_string("synthetic:\n  population: -5\n", "w.yaml");
    EXPECT_THROW(SyntheticConfig::from(s.root().child("synthetic")), ScenarioError);
    Scenario t = Scenario::from_string("synthetic:\n  prefecture_code: ABC\n", "w.yaml");
    EXPECT_THROW(SyntheticConfig::from(t.root().child("synthetic")), ScenarioError);
    Scenario u = Scenario::from_string("synthetic:\n  coast_length_km: 4000\n  inland_km: 400\n"
                                       "  cell_size_m: 10\n",
                                       "w.yaml");
    EXPECT_THROW(SyntheticConfig::from(u.root().child("synthetic")), ScenarioError);
    EXPECT_EQ(utm_epsg_for(133.0, 33.2), 6690);
    EXPECT_EQ(utm_epsg_for(139.7, 35.7), 6691);
    EXPECT_EQ(utm_epsg_for(9.5, 47.1), 32632);
}

TEST(Synthetic, CarriesBuildingsGroundBridgesAndLifelines) {
    SyntheticConfig c = config(60000, 2); // three towns
    World w = make_synthetic_world(c);
    auto const& ic = c.infrastructure;
    // Building stock: population / persons_per_building in all, more wood in sparse cells.
    double total = 0.0, wood = 0.0;
    for (auto name : {layer::kWoodPre1962, layer::kWood1962to1981, layer::kWood1982on,
                      layer::kNonWoodPre1982, layer::kNonWood1982on}) {
        auto const& l = w.layers.at(std::string(name));
        ASSERT_EQ(l.data.size(), w.grid.cells());
        double const sum = std::accumulate(l.data.begin(), l.data.end(), 0.0);
        total += sum;
        wood += std::string_view(name).find("nonwood") == std::string_view::npos ? sum : 0.0;
    }
    EXPECT_NEAR(total, 60000.0 / ic.persons_per_building, 1.0);
    EXPECT_GT(wood / total, ic.wood_share_dense);
    EXPECT_LT(wood / total, ic.wood_share_rural);
    // Ground: Vs30 in its range, rising with elevation; liquefaction only on the low coast.
    auto const& vs30 = w.layers.at(std::string(layer::kVs30));
    auto const& pl = w.layers.at(std::string(layer::kLiquefactionPL));
    bool any_pl = false;
    for (CellId i = 0; i < w.grid.cells(); ++i) {
        if (w.zone[i] < 0) {
            continue;
        }
        EXPECT_GE(vs30[i], ic.vs30_lowland_mps - 1e-3);
        EXPECT_LE(vs30[i], ic.vs30_upland_mps + 1e-3);
        if (pl[i] > 0.0f) {
            any_pl = true;
            EXPECT_LT(w.elevation_m[i], ic.liquefaction_max_elevation_m);
        }
    }
    EXPECT_TRUE(any_pl);
    // Bridges where roads cross a river at a municipal boundary; arterials are emergency routes.
    auto const& bridge = w.edge_layers.at(std::string(layer::kBridge));
    auto const& em = w.edge_layers.at(std::string(layer::kEmergencyRoute));
    std::size_t bridges = 0;
    for (EdgeId e = 0; e < w.roads.edge_count(); ++e) {
        if (bridge[e] > 0.5f) {
            ++bridges;
            CellId const a = w.node_cell[w.roads.source()[e]];
            CellId const b = w.node_cell[w.roads.target()[e]];
            EXPECT_NE(w.zone[a], w.zone[b]) << "bridge " << e << " does not cross a boundary";
        }
        EXPECT_EQ(em[e] > 0.5f, w.roads.road_class()[e] == RoadClass::Secondary);
    }
    EXPECT_GT(bridges, 0u);
    // Lifeline facilities: at least one substation and base station per town, a water plant on
    // dry ground, with their backup hours.
    auto subs = w.facilities.of_kind(FacilityKind::Substation);
    auto plants = w.facilities.of_kind(FacilityKind::WaterPlant);
    auto stations = w.facilities.of_kind(FacilityKind::BaseStation);
    EXPECT_GE(subs.size(), 4u); // 60,000 / 15,000
    EXPECT_EQ(plants.size(), 1u);
    EXPECT_GE(stations.size(), 30u);
    for (auto f : plants) {
        EXPECT_EQ(w.tsunami_max_depth_m[w.node_cell[w.facilities[f].node]], 0.0f);
        EXPECT_FLOAT_EQ(w.facilities[f].backup_hours, 12.0f);
    }
    for (auto f : stations) {
        EXPECT_FLOAT_EQ(w.facilities[f].backup_hours, 3.0f);
        EXPECT_NE(w.facilities[f].zone, kNoZone);
    }
    // Deterministic for a seed.
    World again = make_synthetic_world(c);
    EXPECT_EQ(again.layers.at(std::string(layer::kWoodPre1962)).data,
              w.layers.at(std::string(layer::kWoodPre1962)).data);
    ASSERT_EQ(again.facilities.size(), w.facilities.size());
    for (FacilityId f = 0; f < w.facilities.size(); ++f) {
        EXPECT_EQ(again.facilities[f].node, w.facilities[f].node);
    }
}

TEST(Synthetic, InfrastructureKeysAreValidated) {
    Scenario s = Scenario::from_string(
        "synthetic:\n  buildings: {share_wood_pre1962: 0.7, share_wood_1962_1981: 0.5}\n",
        "w.yaml");
    try {
        SyntheticConfig::from(s.root().child("synthetic"));
        FAIL() << "expected ScenarioError";
    } catch (ScenarioError const& e) {
        EXPECT_NE(std::string(e.what()).find("[synthetic.buildings.share_wood_1962_1981]: the "
                                             "wooden era shares add up to 1.2"),
                  std::string::npos)
            << e.what();
    }
    Scenario t = Scenario::from_string("synthetic:\n  lifelines: {base_stations: -3}\n", "w.yaml");
    EXPECT_THROW(SyntheticConfig::from(t.root().child("synthetic")), ScenarioError);
}
