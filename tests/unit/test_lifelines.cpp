// Lifelines: the damage relations, the cascade power → water pumping → telecom (after the battery
// hours) within the tick, restoration curves, determinism of the whole coupled stack.

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/engine.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/lifelines/lifelines_model.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/layer_names.hpp>

#include "world_fixtures.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

using namespace tsunagi;
using namespace tsunagi::lifelines;
using ::testing::HasSubstr;

TEST(WaterDamage, PipeDamageAndOutageShareFollowTheirRelations) {
    // Kawakami: 1 / (1 + 0.307 R^−1.17).
    EXPECT_NEAR(kawakami_outage_share(1.0), 1.0 / 1.307, 1e-12);
    EXPECT_NEAR(kawakami_outage_share(0.1), 0.180477, 1e-6);
    EXPECT_NEAR(kawakami_outage_share(3.0), 0.921744, 1e-6);
    EXPECT_EQ(kawakami_outage_share(0.0), 0.0);
    // Liquefaction multipliers by PL (TMG 2022): 0 → 1.0, (0, 5] → 1.8, (5, 15) → 3.2, ≥ 15 → 8.8.
    EXPECT_EQ(liquefaction_multiplier(0.0), 1.0);
    EXPECT_EQ(liquefaction_multiplier(5.0), 1.8);
    EXPECT_EQ(liquefaction_multiplier(10.0), 3.2);
    EXPECT_EQ(liquefaction_multiplier(15.0), 8.8);
    // Standard rate 3.11e-3 (v − 15)^1.30 per km: 1.0023 at 100 cm/s; nothing below 15 cm/s.
    WaterConfig c;
    EXPECT_NEAR(pipe_damage_rate(c, 100.0, 0.0), 1.002317, 1e-6);
    EXPECT_NEAR(pipe_damage_rate(c, 100.0, 20.0), 8.8 * 1.002317, 1e-5);
    EXPECT_EQ(pipe_damage_rate(c, 15.0, 20.0), 0.0);
}

namespace {
// Three 100 m cells of 100 residents each: a substation in the first, a water plant (no backup)
// in the second, a base station with a 2-hour battery in the third. No earthquake, no water.
World three_cells() {
    World w = test::flat_world("three cells", 3, 1, 100.0, 5.0f, 100);
    RoadGraphBuilder b;
    for (double x : {50.0, 150.0, 250.0}) {
        b.add_node(x, 50.0);
    }
    EdgeAttributes a;
    a.length_m = 100.0f;
    b.add_two_way(0, 1, a);
    b.add_two_way(1, 2, a);
    w.roads = std::move(b).build();
    auto add = [&](FacilityKind k, double x, NodeId n, float backup) {
        Facility f;
        f.kind = k;
        f.external_id = std::string(to_string(k));
        f.x = x;
        f.y = 50.0;
        f.node = n;
        f.backup_hours = backup;
        return w.facilities.add(std::move(f));
    };
    add(FacilityKind::Substation, 50.0, 0, 0.0f);
    add(FacilityKind::WaterPlant, 150.0, 1, 0.0f);
    add(FacilityKind::BaseStation, 250.0, 2, 2.0f);
    w.finalize();
    return w;
}
} // namespace

TEST(LifelinesModel, ASubstationFailureCutsWaterAtOnceAndTelecomAfterTheBattery) {
    World w = three_cells();
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 20000;
    o.check_invariants = true;
    Engine e(w, o, comm);
    Scenario s = Scenario::from_string(
        "lifelines:\n"
        "  period_s: 60\n"
        "  power: {substation_repair_h: 1, crews: {count: 1, start_s: 14400}}\n"
        "  water: {crews: {count: 0}}\n"
        "  telecom: {crews: {count: 0}}\n",
        "t.yaml");
    auto m = std::make_unique<LifelinesModel>();
    m->configure(s.root().child("lifelines"));
    auto* lm = m.get();
    e.add_model(std::move(m));
    e.initialize();
    EXPECT_DOUBLE_EQ(lm->power_served(), 1.0);
    EXPECT_DOUBLE_EQ(lm->water_served(), 1.0);
    EXPECT_DOUBLE_EQ(lm->telecom_served(), 1.0);
    // The substation fails at t = 630 s (an event; not on a 60 s update boundary).
    Tick const fail = 630;
    e.events().schedule(fail, "substation fails", [&w](EventContext const&) {
        w.facilities.open()[0] = 0;
    });
    auto run_to = [&](Tick t) {
        while (e.clock().tick() <= t) {
            e.step();
        }
    };
    run_to(fail - 1);
    EXPECT_DOUBLE_EQ(lm->power_served(), 1.0);
    run_to(fail);
    // In that very tick: no power anywhere, so no pumping (the plant has no backup) and no water;
    // the base station runs on its battery.
    EXPECT_DOUBLE_EQ(lm->power_served(), 0.0);
    EXPECT_DOUBLE_EQ(lm->water_served(), 0.0);
    EXPECT_DOUBLE_EQ(lm->telecom_served(), 1.0);
    run_to(fail + 7200 - 120);
    EXPECT_DOUBLE_EQ(lm->telecom_served(), 1.0);
    run_to(fail + 7200 + 60); // the battery is flat (noticed at the next 60 s update)
    EXPECT_DOUBLE_EQ(lm->telecom_served(), 0.0);
    EXPECT_DOUBLE_EQ(lm->water_served(), 0.0);
    // The crew starts at 4 h and needs 1 h: power, pumping and telecom come back together.
    run_to(14400 + 3600 - 61);
    EXPECT_DOUBLE_EQ(lm->power_served(), 0.0);
    EXPECT_EQ(w.facilities.open()[0], 0);
    run_to(14400 + 3600 + 60);
    EXPECT_DOUBLE_EQ(lm->power_served(), 1.0);
    EXPECT_DOUBLE_EQ(lm->water_served(), 1.0);
    EXPECT_DOUBLE_EQ(lm->telecom_served(), 1.0);
    EXPECT_EQ(w.facilities.open()[0], 1);
    Report const r = e.report();
    EXPECT_EQ(r.count_of("power_outage_households_peak"), std::llround(300 / 2.21));
    EXPECT_EQ(r.count_of("water_outage_people_peak"), 300);
    EXPECT_EQ(r.count_of("telecom_outage_people_peak"), 300);
    EXPECT_EQ(r.count_of("power_repairs"), 1);
}

namespace {
Scenario coupled(std::int64_t population, double duration_s, double tick_s) {
    Scenario s = Scenario::from_string(
        "scenario: {name: coupled, seed: 11}\n"
        "world: {synthetic: {seed: 5, rivers: 2}}\n"
        "hazard:\n"
        "  earthquake:\n"
        "    mw: 8.5\n"
        "    fault_type: crustal\n"
        "    faults:\n"
        "      - {x_km: 60, y_km: -15, strike_deg: 270, dip_deg: 20, length_km: 120,\n"
        "         width_km: 60, top_depth_km: 3}\n"
        "    variability: {sigma_within_log10: 0.1, sigma_between_log10: 0.1}\n"
        "  tsunami: {hold_s: 1800, recession_time_s: 3600}\n"
        "damage: {roads: {crews: {count: 5, start_s: 1800}}}\n"
        "lifelines:\n"
        "  period_s: 600\n"
        "  power: {crews: {count: 5, start_s: 3600}}\n"
        "  water: {crews: {count: 5, start_s: 21600}}\n"
        "  telecom: {crews: {count: 2, start_s: 3600}}\n"
        "output: {record_every_s: 600}\n",
        "coupled.yaml");
    s.set("world.synthetic.population", std::to_string(population));
    s.set("scenario.duration_s", std::to_string(duration_s));
    s.set("scenario.tick_s", std::to_string(tick_s));
    return s;
}

RunOutput run(Scenario s, int threads, std::size_t chunk, bool checks) {
    RunOptions o;
    o.threads = threads;
    o.chunk_size = chunk;
    o.check_invariants = checks;
    Simulation sim(std::move(s), o, default_model_registry());
    sim.run();
    return sim.output();
}
} // namespace

TEST(LifelinesModel, RestorationCurvesNeverFallOnceTheBackupsAreSpent) {
    Scenario s = coupled(5000, 4 * 86400.0, 10.0);
    s.set("world.synthetic.tsunami.height_m=0"); // shaking only: no later failures
    RunOutput const out = run(std::move(s), 2, 0, true);
    std::size_t const nz = out.zones.size();
    for (char const* name : {"power_served", "water_served", "telecom_served"}) {
        auto const& v = out.find_series(name)->values;
        for (std::size_t t = 1; t < out.times_s.size(); ++t) {
            // Power has no backup to spend; plants (12 h) and base stations (3 h) do.
            if (std::string(name) != "power_served" && out.times_s[t] <= 13 * 3600.0) {
                continue;
            }
            for (std::size_t z = 0; z < nz; ++z) {
                EXPECT_GE(v[t * nz + z], v[(t - 1) * nz + z] - 1e-12)
                    << name << " at " << out.times_s[t] << " s, zone " << out.zones[z].code;
            }
        }
        EXPECT_LT(*std::min_element(v.begin(), v.end()), 1.0) << name;
        EXPECT_GT(v[(out.times_s.size() - 1) * nz], v[0] - 1e-12) << name;
    }
    auto repairs = [&](char const* k) { return std::get<std::int64_t>(out.find_kpi(k)->value); };
    EXPECT_GT(repairs("power_repairs"), 0);
    EXPECT_GT(repairs("water_repairs"), 0);
    EXPECT_GT(repairs("power_outage_households_peak"), repairs("power_outage_households_end"));
    EXPECT_GT(repairs("water_outage_people_peak"), repairs("water_outage_people_end"));
}

TEST(CoupledStack, SameResultsForOneAndTwoThreads) {
    // Earthquake, damage, tsunami, evacuation, flooding, crews and lifelines together; small
    // chunks so two threads really share the work.
    RunOutput const a = run(coupled(4000, 86400.0, 5.0), 1, 64, false);
    RunOutput const b = run(coupled(4000, 86400.0, 5.0), 2, 37, true);
    ASSERT_EQ(a.kpis.size(), b.kpis.size());
    for (std::size_t i = 0; i < a.kpis.size(); ++i) {
        EXPECT_EQ(a.kpis[i].value, b.kpis[i].value) << a.kpis[i].name;
    }
    ASSERT_EQ(a.series.size(), b.series.size());
    for (std::size_t i = 0; i < a.series.size(); ++i) {
        EXPECT_EQ(a.series[i].values, b.series[i].values) << a.series[i].name;
    }
    ASSERT_EQ(a.by_zone.size(), b.by_zone.size());
    for (std::size_t i = 0; i < a.by_zone.size(); ++i) {
        EXPECT_EQ(a.by_zone[i].values, b.by_zone[i].values) << a.by_zone[i].name;
    }
    for (std::size_t i = 0; i < a.edges.size(); ++i) {
        EXPECT_EQ(a.edges[i].values, b.edges[i].values) << a.edges[i].name;
    }
    // And the coupling happened: collapses, blocked roads, outages, repairs.
    auto k = [&](char const* name) { return std::get<std::int64_t>(a.find_kpi(name)->value); };
    EXPECT_GT(k("buildings_collapsed"), 0);
    EXPECT_GT(k("deaths_collapse"), 0);
    EXPECT_GT(k("roads_blocked"), 0);
    EXPECT_GT(k("roads_flooded_peak"), 0);
    EXPECT_GT(k("power_outage_households_peak"), 0);
    EXPECT_GT(k("water_outage_people_peak"), 0);
    EXPECT_GT(k("power_repairs"), 0);
}

TEST(LifelinesModel, BadKeysAreRejectedWithTheirKey) {
    auto message = [](std::string const& set) {
        Scenario s = Scenario::from_string(
            "scenario: {name: x}\nworld: {synthetic: {population: 2000}}\n", "x.yaml");
        s.set(set);
        try {
            Simulation sim(std::move(s), RunOptions{}, default_model_registry());
        } catch (ScenarioError const& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_THAT(message("lifelines.power.feeders_per_substation=0"),
                HasSubstr("[lifelines.power.feeders_per_substation]: expected a whole number in "
                          "[1, 64], got 0"));
    EXPECT_THAT(message("lifelines.water.crews.count=-1"),
                HasSubstr("[lifelines.water.crews.count]: expected a whole number in "
                          "[0, 1000000]"));
    EXPECT_THAT(message("lifelines.period_s=0"),
                HasSubstr("[lifelines.period_s]: expected a number in (0, 86400]"));
    EXPECT_THAT(message("lifelines.telecom.station_fragility.sigma=-1"),
                HasSubstr("[lifelines.telecom.station_fragility.sigma]"));
    EXPECT_THAT(message("lifelines.water.pipe_damage.b=9"),
                HasSubstr("[lifelines.water.pipe_damage.b]: expected a number in [0.1, 5], got 9"));
    EXPECT_THAT(message("lifelines.powr.crews.count=3"), HasSubstr("did you mean 'power'?"));
}

namespace {
// Three rows of six 100 m cells, 100 residents each; a substation and a water plant at the west
// end of the middle row. Two feeder lines fed by the substation run along rows 0 and 1, and two
// mains fed by the plant along rows 0 and 2. Shaken at I = 6.0, with wooden collapses (poles)
// and strong ground motion (pipes) only along row 0.
World feeder_rows() {
    World w = test::flat_world("feeder rows", 6, 3, 100.0, 5.0f, 100);
    std::size_t const n = w.grid.cells();
    RoadGraphBuilder b;
    for (int c = 0; c < 6; ++c) {
        b.add_node(50.0 + 100.0 * c, 150.0);
    }
    EdgeAttributes a;
    a.length_m = 100.0f;
    for (NodeId i = 0; i + 1 < 6; ++i) {
        b.add_two_way(i, i + 1, a);
    }
    w.roads = std::move(b).build();
    for (auto k : {FacilityKind::Substation, FacilityKind::WaterPlant}) {
        Facility f;
        f.kind = k;
        f.external_id = std::string(to_string(k));
        f.x = 50.0;
        f.y = 150.0;
        f.node = 0;
        w.facilities.add(std::move(f));
    }
    auto line = [&](LineKind kind, std::string id, double y) {
        LifelineLine l;
        l.kind = kind;
        l.external_id = std::move(id);
        l.source = kind == LineKind::PowerFeeder ? 0 : 1;
        std::vector<double> const xs{50.0, 550.0}, ys{y, y};
        trace_cells(w.grid, xs, ys, l.cells, l.metres);
        std::tie(l.mid_x, l.mid_y) = point_along(xs, ys, 0.5);
        w.lifeline_lines.push_back(std::move(l));
    };
    line(LineKind::PowerFeeder, "F-north", 250.0);  // row 0
    line(LineKind::PowerFeeder, "F-middle", 150.0); // row 1
    line(LineKind::WaterMain, "M-north", 250.0);
    line(LineKind::WaterMain, "M-south", 50.0); // row 2
    w.layers[std::string(layer::kJmaIntensity)] = Raster<float>("i", "", n, 6.0f);
    Raster<float> wood(std::string(layer::kWoodCollapseRate), "share", n, 0.0f);
    Raster<float> pgv(std::string(layer::kPgv), "cm/s", n, 10.0f); // below the 15 cm/s threshold
    for (CellId c = 0; c < 6; ++c) {
        wood[c] = 1.0f;
        pgv[c] = 300.0f;
    }
    w.layers[wood.name] = std::move(wood);
    w.layers[pgv.name] = std::move(pgv);
    w.finalize();
    return w;
}

Report run_feeders(World& w, std::string const& extra) {
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 120;
    Engine e(w, o, comm);
    // Facilities never fail, distribution never breaks: only the trunks can.
    Scenario s = Scenario::from_string(
        "lifelines:\n"
        "  period_s: 60\n"
        "  power: {substation_fragility: {mu: 10, sigma: 0.1}, households_per_pole: 1.0e9, "
        "pole_spacing_m: 5, crews: {count: 0}" +
            extra +
            "}\n"
            "  water: {plant_fragility: {mu: 10, sigma: 0.1}, main_factor: 1, "
            "crews: {count: 0}}\n"
            "  telecom: {crews: {count: 0}}\n",
        "t.yaml");
    auto m = std::make_unique<LifelinesModel>();
    m->configure(s.root().child("lifelines"));
    e.add_model(std::move(m));
    e.initialize();
    while (e.clock().tick() < 120) {
        e.step();
    }
    return e.report();
}
} // namespace

TEST(LifelineLines, TraceCellsSplitsALineExactlyAtCellEdges) {
    GridSpec const g(3, 3, GeoTransform{0, 100, 300, -100}, "");
    // From (50, 250) to (250, 50): the diagonal through the corners of three cells; then a leg
    // east that leaves the grid after 50 m.
    std::vector<double> const xs{50.0, 250.0, 450.0}, ys{250.0, 50.0, 50.0};
    std::vector<CellId> cells;
    std::vector<float> metres;
    trace_cells(g, xs, ys, cells, metres);
    ASSERT_EQ(cells.size(), 3u);
    EXPECT_EQ(cells[0], g.index(0, 0));
    EXPECT_EQ(cells[1], g.index(1, 1));
    EXPECT_EQ(cells[2], g.index(2, 2));
    double const d = std::hypot(50.0, 50.0);
    EXPECT_NEAR(metres[0], d, 1e-3);
    EXPECT_NEAR(metres[1], 2.0 * d, 1e-3);
    EXPECT_NEAR(metres[2], d + 50.0, 1e-3); // the end of the diagonal and the first 50 m east
    // A line wholly outside the grid leaves nothing.
    std::vector<double> const ox{500.0, 900.0}, oy{50.0, 50.0};
    trace_cells(g, ox, oy, cells, metres);
    EXPECT_EQ(cells.size(), 3u);
    // Halfway along: 241.4 m down the 482.8 m line, on the diagonal.
    auto const [mx, my] = point_along(xs, ys, 0.5);
    double const total = std::hypot(200.0, 200.0) + 200.0;
    EXPECT_NEAR(std::hypot(mx - 50.0, my - 250.0), total / 2.0, 1e-9);
}

TEST(LifelineLines, CustomersAreFedByTheNearestLineAndLinesBreakAlongTheirOwnCells) {
    World w = feeder_rows();
    Report const r = run_feeders(w, "");
    EXPECT_EQ(r.count_of("power_feeders"), 2);
    EXPECT_EQ(r.count_of("water_mains"), 2);
    // The northern feeder runs 0.5 km through cells where every wooden building collapsed
    // (~17 broken poles expected at one per 5 m × 0.17155); the middle one through none. Likewise
    // the northern main through PGV 300 cm/s, the southern one below the damage threshold.
    EXPECT_EQ(r.count_of("feeders_failed"), 1);
    EXPECT_EQ(r.count_of("water_mains_failed"), 1);
    auto const& power = w.layers.at(std::string(layer::kPowerService));
    auto const& water = w.layers.at(std::string(layer::kWaterService));
    for (CellId c = 0; c < 18; ++c) {
        int const row = w.grid.row_of(c);
        // Row 0 is fed by the northern feeder; rows 1 and 2 by the middle one.
        EXPECT_EQ(power[c], row == 0 ? 0.0f : 1.0f) << "cell " << c;
        // Row 1 is as near to both mains; ties go to the lower line, the broken northern one.
        EXPECT_EQ(water[c], row == 2 ? 1.0f : 0.0f) << "cell " << c;
    }
}

TEST(LifelineLines, PointsBeyondTheReachOfEveryLineStandAlone) {
    World w = feeder_rows();
    w.lifeline_lines.erase(w.lifeline_lines.begin() + 1); // only the northern feeder is left
    Report const r = run_feeders(w, ", feeder_reach_m: 100");
    EXPECT_EQ(r.count_of("power_feeders"), 1);
    EXPECT_EQ(r.count_of("power_off_network_people"), 600); // row 2: six cells of 100
    EXPECT_EQ(r.count_of("water_off_network_people"), 0);
    auto const& power = w.layers.at(std::string(layer::kPowerService));
    for (CellId c = 0; c < 18; ++c) {
        // Rows 0 and 1 are within one cell of the broken feeder; row 2 is off the network.
        EXPECT_EQ(power[c], w.grid.row_of(c) == 2 ? 1.0f : 0.0f) << "cell " << c;
    }
}

TEST(LifelineLines, AWorldWithInconsistentLinesIsRefused) {
    // A feeder fed from a water plant, and a main naming a cell off the grid: finalize() says so.
    World w = feeder_rows();
    w.lifeline_lines[0].source = 1; // facility 1 is the water plant
    try {
        w.finalize();
        FAIL() << "a feeder fed from a water plant was accepted";
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("lifeline line 'F-north' (power_feeder) is not fed from a "
                                        "substation"));
    }
    World v = feeder_rows();
    v.lifeline_lines[2].cells.back() = static_cast<CellId>(v.grid.cells());
    try {
        v.finalize();
        FAIL() << "a line off the grid was accepted";
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("lifeline line 'M-north' names cells outside the grid"));
    }
}
