// Damage layer: fragility curves against their source points, the CO casualty method, collapse
// casualties coordinated with the evacuation model (nobody dies twice), roads (debris, bridges,
// crews) and closures that re-route evacuees in the same tick.

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/engine.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/damage/damage_model.hpp>
#include <tsunagi/damage/fragility.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/layer_names.hpp>

#include "world_fixtures.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace tsunagi;
using namespace tsunagi::damage;
using ::testing::HasSubstr;

TEST(Fragility, CollapseCurvesPassThroughTheirSourcePoints) {
    // Cabinet Office at I = 6.5 and MEXT at 6-upper / 7 read at I = 6.0 / 6.5 (fragility.hpp).
    struct Point {
        std::size_t k;
        double intensity, p;
    };
    for (Point const& pt : {Point{kWoodPre1962, 6.0, 0.18}, Point{kWoodPre1962, 6.5, 0.80},
                            Point{kWood1962to1981, 6.5, 0.60}, Point{kWood1982on, 6.0, 0.01},
                            Point{kWood1982on, 6.5, 0.15}, Point{kNonWoodPre1982, 6.0, 0.029},
                            Point{kNonWoodPre1982, 6.5, 0.19}, Point{kNonWood1982on, 6.0, 0.006},
                            Point{kNonWood1982on, 6.5, 0.046}}) {
        EXPECT_NEAR(kCollapseCurves[pt.k](pt.intensity), pt.p, 5e-4)
            << kBuildingClassNames[pt.k] << " at " << pt.intensity;
    }
    // Older is weaker wherever it matters (the curves may cross in the far tail, P < 0.2 %,
    // below I ≈ 5.5); the curves rise.
    for (double in = 5.6; in <= 7.2; in += 0.1) {
        EXPECT_GT(kCollapseCurves[kWoodPre1962](in), kCollapseCurves[kWood1962to1981](in));
        EXPECT_GT(kCollapseCurves[kWood1962to1981](in), kCollapseCurves[kWood1982on](in));
        EXPECT_GT(kCollapseCurves[kNonWoodPre1982](in), kCollapseCurves[kNonWood1982on](in));
        EXPECT_GT(kCollapseCurves[kWood1982on](in + 0.1), kCollapseCurves[kWood1982on](in));
    }
}

TEST(Fragility, SuppasriCurvesAreLognormalInDepth) {
    // At depth e^μ every state is exceeded with probability one half.
    for (int ds = 1; ds <= 6; ++ds) {
        EXPECT_NEAR(tsunami_exceedance(true, ds, std::exp(kSuppasriTimber[ds - 1].mu)), 0.5, 1e-12);
        EXPECT_NEAR(tsunami_exceedance(false, ds, std::exp(kSuppasriRC[ds - 1].mu)), 0.5, 1e-12);
    }
    // Timber, complete damage (DS4: μ 0.6721, σ 0.4985) at 2 m: Φ((ln 2 − 0.6721)/0.4985).
    EXPECT_NEAR(tsunami_exceedance(true, 4, 2.0), 0.5168, 1e-4);
    // Washed away (DS6) at 5 m: timber Φ((ln 5 − 1.2094)/0.5247) = 0.7771; RC
    // Φ((ln 5 − 2.8232)/0.9635) = 0.1039.
    EXPECT_NEAR(tsunami_exceedance(true, 6, 5.0), 0.7771, 1e-4);
    EXPECT_NEAR(tsunami_exceedance(false, 6, 5.0), 0.1039, 1e-4);
    EXPECT_EQ(tsunami_exceedance(true, 4, 0.0), 0.0);
}

TEST(Fragility, RoadBlockingFollowsIedaByWidth) {
    EXPECT_NEAR(road_blocked_share(3.0, 50.0, 10.0), 0.6489, 1e-9);   // 0.9009·50 + 19.845 %
    EXPECT_NEAR(road_blocked_share(5.0, 20.0, 10.0), 0.20217, 1e-9);  // 0.3514·20 + 13.189 %
    EXPECT_NEAR(road_blocked_share(8.0, 40.0, 10.0), 0.074134, 1e-9); // 0.2229·40 − 1.5026 %
    EXPECT_EQ(road_blocked_share(15.0, 90.0, 10.0), 0.0);              // 13 m and wider
    EXPECT_NEAR(road_blocked_share(5.0, 5.0, 10.0), 0.083515, 1e-9);  // half of f(10 %)
    EXPECT_EQ(road_blocked_share(3.0, 0.0, 10.0), 0.0);                // no damage, no debris
    for (double b = 1.0; b < 100.0; b += 7.0) {
        EXPECT_GE(road_blocked_share(3.0, b, 10.0), road_blocked_share(5.0, b, 10.0));
        EXPECT_GE(road_blocked_share(5.0, b, 10.0), road_blocked_share(12.0, b, 10.0));
        EXPECT_GE(road_blocked_share(5.0, b + 7.0, 10.0), road_blocked_share(5.0, b, 10.0));
    }
}

namespace {
// One 100 m cell of 1,000 residents in 400 wooden houses built before 1962, shaken at I = 6.5.
World one_cell() {
    World w = test::flat_world("one cell", 2, 1, 100.0, 5.0f, 0);
    w.population[0] = 1000;
    w.layers[std::string(layer::kWoodPre1962)] = Raster<float>("b", "", 2, 0.0f);
    w.layers[std::string(layer::kWoodPre1962)][0] = 400.0f;
    w.layers[std::string(layer::kJmaIntensity)] = Raster<float>("i", "", 2, 6.5f);
    w.finalize();
    return w;
}

std::pair<double, double> casualty_probabilities(TimeOfDay tod) {
    World w = one_cell();
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 1;
    o.event.time_of_day = tod;
    Engine e(w, o, comm);
    auto m = std::make_unique<DamageModel>();
    Scenario s = Scenario::from_string("damage: {roads: {crews: {count: 0}}}\n", "t.yaml");
    m->configure(s.root().child("damage"));
    auto* model = m.get();
    e.add_model(std::move(m));
    e.initialize();
    EXPECT_NEAR(model->collapsed_buildings(), 400.0 * kCollapseCurves[kWoodPre1962](6.5), 1e-6);
    return {w.layers.at(std::string(layer::kCollapseDeathP))[0],
            w.layers.at(std::string(layer::kCollapseTrappedP))[0]};
}
} // namespace

TEST(DamageModel, CasualtyProbabilitiesFollowTheCabinetOfficeMethod) {
    // Collapse rate r = Φ((6.5 − 6.2605)/0.2846) = 0.80 → 320 collapsed. At night (5 a.m.,
    // everyone indoors): deaths = 0.0676 × 320 = 21.6 among 1,000 → 0.0216 per person; trapped
    // = 0.117 × r = 0.0936 per person indoors.
    double const r = kCollapseCurves[kWoodPre1962](6.5);
    auto const [d_night, t_night] = casualty_probabilities(TimeOfDay::Night);
    EXPECT_NEAR(d_night, 0.0676 * 400.0 * r / 1000.0, 1e-6);
    EXPECT_NEAR(t_night, 0.117 * r, 1e-6);
    // By day 95 % of those present are indoors (the occupancy ratio is in who is present).
    auto const [d_day, t_day] = casualty_probabilities(TimeOfDay::Day);
    EXPECT_NEAR(d_day, 0.95 * d_night, 1e-6);
    EXPECT_NEAR(t_day, 0.95 * t_night, 1e-6);
}

namespace {
// Four 100 m cells with the PL classes none, low, high and very high (PL 0, 3, 10, 20), each with
// 1,000 wooden and 1,000 non-wooden buildings built 1982 or later, shaken at I = 6.0.
World liquefiable() {
    World w = test::flat_world("liquefiable", 4, 1, 100.0, 5.0f, 5000);
    w.layers[std::string(layer::kWood1982on)] = Raster<float>("b", "", 4, 1000.0f);
    w.layers[std::string(layer::kNonWood1982on)] = Raster<float>("b", "", 4, 1000.0f);
    w.layers[std::string(layer::kJmaIntensity)] = Raster<float>("i", "", 4, 6.0f);
    Raster<float> pl("pl", "PL", 4, 0.0f);
    pl[1] = 3.0f;
    pl[2] = 10.0f;
    pl[3] = 20.0f;
    w.layers[std::string(layer::kLiquefactionPL)] = std::move(pl);
    w.finalize();
    return w;
}

Report liquefy(World& w, std::string const& damage_yaml) {
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 1;
    Engine e(w, o, comm);
    auto m = std::make_unique<DamageModel>();
    Scenario s = Scenario::from_string("damage: " + damage_yaml + "\n", "t.yaml");
    m->configure(s.root().child("damage"));
    e.add_model(std::move(m));
    e.initialize();
    return e.report();
}
} // namespace

TEST(DamageModel, LiquefactionCollapsesFollowTheHazusSettlementCurvesBeforeTheShaking) {
    World w = liquefiable();
    Report const r = liquefy(w, "{roads: {crews: {count: 0}}}");
    // Per building, complete damage = area share × 0.2 × Φ(ln(settlement / θ) / β), shallow
    // (wood) θ = 10 in, β = 1.256; deep (non-wood) θ = 486 in, β = 2.362; settlement 1 / 6 / 12 in
    // and area share 0.05 / 0.20 / 0.25 for PL low / high / very high (values computed by hand
    // with Python's math.erfc).
    double const wood[4] = {0.0, 0.0003338, 0.0136844, 0.0278854};
    double const deep[4] = {0.0, 4.409e-05, 0.00125636, 0.00292775};
    auto const& liq = w.layers.at(std::string(layer::kLiquefactionCollapsed));
    auto const& all = w.layers.at(std::string(layer::kCollapsedBuildings));
    auto const& death = w.layers.at(std::string(layer::kCollapseDeathP));
    double liq_total = 0.0, ext_total = 0.0;
    for (CellId c = 0; c < 4; ++c) {
        EXPECT_NEAR(liq[c], 1000.0 * (wood[c] + deep[c]), 2e-3) << "cell " << c;
        // The shaking acts on the buildings liquefaction left standing.
        double const pw = kCollapseCurves[kWood1982on](6.0);
        double const pn = kCollapseCurves[kNonWood1982on](6.0);
        double const shaken = 1000.0 * ((1.0 - wood[c]) * pw + (1.0 - deep[c]) * pn);
        EXPECT_NEAR(all[c], liq[c] + shaken, 2e-3) << "cell " << c;
        // Collapse deaths come from the shaking collapses only (CO method; settled houses tilt).
        double const deaths =
            0.0676 * 1000.0 * (1.0 - wood[c]) * pw + 0.00840 * 1000.0 * (1.0 - deep[c]) * pn;
        EXPECT_NEAR(death[c], deaths / 5000.0, 1e-6) << "cell " << c;
        liq_total += 1000.0 * (wood[c] + deep[c]);
        ext_total += 1000.0 * 4.0 * (wood[c] + deep[c]); // 0.8 extensive : 0.2 complete
    }
    EXPECT_EQ(r.count_of("buildings_collapsed_liquefaction"), std::llround(liq_total));
    EXPECT_EQ(r.count_of("buildings_extensive_liquefaction"), std::llround(ext_total));
    // More liquefiable ground, more damage.
    EXPECT_LT(liq[0], liq[1]);
    EXPECT_LT(liq[1], liq[2]);
    EXPECT_LT(liq[2], liq[3]);

    // Switched off: no liquefaction damage, and the shaking alone as before.
    World off = liquefiable();
    Report const r0 = liquefy(off, "{buildings: {liquefaction: {enabled: false}}, "
                                   "roads: {crews: {count: 0}}}");
    EXPECT_EQ(r0.count_of("buildings_collapsed_liquefaction"), 0);
    EXPECT_FALSE(off.layers.contains(std::string(layer::kLiquefactionCollapsed)));
    EXPECT_GT(r.count_of("buildings_collapsed"), r0.count_of("buildings_collapsed"));

    // Under weak shaking nothing liquefies (min_intensity 5.0), whatever the PL.
    World weak = liquefiable();
    for (float& i : weak.layers.at(std::string(layer::kJmaIntensity)).data) {
        i = 4.9f;
    }
    EXPECT_EQ(liquefy(weak, "{roads: {crews: {count: 0}}}").count_of(
                  "buildings_collapsed_liquefaction"),
              0);

    // The tsunami damages only what liquefaction and the shaking left standing.
    World wet = liquefiable();
    wet.tsunami_max_depth_m[3] = 2.0f;
    liquefy(wet, "{roads: {crews: {count: 0}}}");
    {
        double const pw = kCollapseCurves[kWood1982on](6.0);
        double const pn = kCollapseCurves[kNonWood1982on](6.0);
        double const standing_w = 1000.0 * (1.0 - wood[3] - (1.0 - wood[3]) * pw);
        double const standing_n = 1000.0 * (1.0 - deep[3] - (1.0 - deep[3]) * pn);
        EXPECT_NEAR(wet.layers.at(std::string(layer::kTsunamiDestroyed))[3],
                    standing_w * tsunami_exceedance(true, 4, 2.0) +
                        standing_n * tsunami_exceedance(false, 4, 2.0),
                    2e-3);
    }

    // Every parameter is a key: here all buildings on shallow foundations.
    World keyed = liquefiable();
    liquefy(keyed, "{buildings: {liquefaction: {area_share: [0, 0, 1], settlement_m: [0, 0, "
                   "0.254], nonwood_deep_share: 0}}, roads: {crews: {count: 0}}}");
    // Very high cell: the whole cell settles by the shallow median: half of the buildings reach
    // extensive or complete damage, a fifth of those complete.
    EXPECT_NEAR(keyed.layers.at(std::string(layer::kLiquefactionCollapsed))[3], 2000.0 * 0.5 * 0.2,
                1e-3);
    EXPECT_EQ(keyed.layers.at(std::string(layer::kLiquefactionCollapsed))[2], 0.0f);
}

TEST(DamageModel, LiquefactionKeysAreChecked) {
    World w = liquefiable();
    try {
        liquefy(w, "{buildings: {liquefaction: {area_share: [0.1, 0.2]}}}");
        FAIL() << "two area shares were accepted";
    } catch (ScenarioError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("damage.buildings.liquefaction.area_share"));
        EXPECT_THAT(e.what(), HasSubstr("give three"));
    }
    try {
        liquefy(w, "{buildings: {liquefaction: {complete_share: 1.5}}}");
        FAIL() << "a share of 1.5 was accepted";
    } catch (ScenarioError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("complete_share"));
    }
}

namespace {
// The synthetic coast under a strong shallow rupture just offshore.
Scenario shaken(std::int64_t population, double duration_s, std::string const& tod = "night") {
    Scenario s = Scenario::from_string(
        "scenario: {name: shaken, seed: 11, tick_s: 1}\n"
        "world: {synthetic: {seed: 5}}\n"
        "hazard:\n"
        "  earthquake:\n"
        "    mw: 8.5\n"
        "    fault_type: crustal\n"
        "    faults:\n"
        "      - {x_km: 60, y_km: -15, strike_deg: 270, dip_deg: 20, length_km: 120,\n"
        "         width_km: 60, top_depth_km: 3}\n"
        "lifelines: {period_s: 600}\n",
        "shaken.yaml");
    s.set("world.synthetic.population", std::to_string(population));
    s.set("scenario.duration_s", std::to_string(duration_s));
    s.set("event.time_of_day=" + tod);
    return s;
}

std::int64_t kpi(RunOutput const& o, std::string const& name) {
    auto const* k = o.find_kpi(name);
    if (k == nullptr) {
        ADD_FAILURE() << "no KPI " << name;
        return -1;
    }
    return std::get<std::int64_t>(k->value);
}
} // namespace

TEST(DamageModel, CollapseVictimsNeverDieAgainAndEveryResidentIsCountedOnce) {
    for (std::string tod : {"night", "day"}) {
        RunOptions o;
        o.threads = 2;
        o.check_invariants = true; // the evacuation model's conservation, every tick
        Simulation sim(shaken(6000, 3000, tod), o, default_model_registry());
        // Expected collapse deaths: the published probability at each resident's location.
        auto const& r = *sim.engine().stores().at("resident");
        auto cell = r.column(r.field<std::uint32_t>("cell"));
        auto const& p = sim.world().layers.at(std::string(layer::kCollapseDeathP));
        double expected = 0.0;
        for (auto c : cell) {
            expected += p[c];
        }
        sim.run();
        RunOutput const out = sim.output();
        std::int64_t const pop = kpi(out, "population");
        std::int64_t const killed = kpi(out, "deaths_collapse");
        EXPECT_GT(killed, 0) << tod;
        EXPECT_GT(kpi(out, "trapped"), 0) << tod;
        EXPECT_NEAR(static_cast<double>(killed), expected, 5.0 * std::sqrt(expected) + 2.0) << tod;
        EXPECT_EQ(kpi(out, "deaths_direct"), kpi(out, "deaths_tsunami") + killed);
        EXPECT_EQ(kpi(out, "deaths_direct") + kpi(out, "evacuated_safe") +
                      kpi(out, "still_exposed") + kpi(out, "not_exposed"),
                  pop);
        EXPECT_EQ(kpi(out, "at_risk") + kpi(out, "not_exposed") + killed, pop);
        EXPECT_LE(kpi(out, "trapped_drowned"), kpi(out, "trapped"));
        // Nobody killed by a collapse is among the tsunami's dead: their state was Dead from t = 0
        // and the by-zone counts add up.
        auto casualty = r.column(r.field<std::uint8_t>("casualty"));
        auto state = r.column(r.field<std::uint8_t>("state"));
        std::int64_t dead_collapse = 0;
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (casualty[i] == evacuation::kKilledByCollapse) {
                ++dead_collapse;
                EXPECT_EQ(state[i], static_cast<std::uint8_t>(evacuation::ResidentState::Dead));
            }
        }
        EXPECT_EQ(dead_collapse, killed);
    }
}

TEST(DamageModel, DebrisAndFailedBridgesCloseRoadsAndCrewsReopenThem) {
    Scenario s = shaken(6000, 6 * 3600.0);
    s.set("scenario.tick_s=5");
    s.set("world.synthetic.tsunami.height_m=0"); // shaking only
    s.set("damage.roads.bridge_fragility.mu=0"); // every bridge fails
    s.set("world.synthetic.rivers=3");
    s.set("damage.roads.crews={count: 30, start_s: 600, clear_time_s: 1200, "
          "bridge_repair_s: 3600}");
    RunOptions o;
    o.threads = 2;
    o.check_invariants = true;
    Simulation sim(std::move(s), o, default_model_registry());
    // At the shock, before anyone moves: closed links are closed in the road state.
    auto const& g = sim.world().roads;
    std::size_t closed = 0;
    for (auto v : g.state().open) {
        closed += v == 0 ? 1 : 0;
    }
    EXPECT_GT(g.state().version, 0u);
    sim.run();
    RunOutput const out = sim.output();
    std::int64_t const blocked = kpi(out, "roads_blocked");
    std::int64_t const bridges = kpi(out, "bridges_failed");
    EXPECT_GT(blocked, 0);
    EXPECT_GT(bridges, 0);
    EXPECT_EQ(bridges, kpi(out, "bridges"));
    // Two-way links, both directions closed (a bridge may also carry debris).
    EXPECT_EQ(closed % 2, 0u);
    EXPECT_LE(static_cast<std::int64_t>(closed), 2 * (blocked + bridges));
    EXPECT_GE(static_cast<std::int64_t>(closed), 2 * std::max(blocked, bridges));
    // Enough crews and time: everything reopens, and the open share never falls.
    EXPECT_EQ(kpi(out, "roads_still_damaged"), 0);
    EXPECT_EQ(kpi(out, "roads_cleared"), blocked);
    EXPECT_EQ(kpi(out, "bridges_repaired"), bridges);
    auto const& share = out.find_series("roads_open_share")->values;
    std::size_t const nz = out.zones.size();
    for (std::size_t t = 1; t < out.times_s.size(); ++t) {
        for (std::size_t z = 0; z < nz; ++z) {
            EXPECT_GE(share[t * nz + z], share[(t - 1) * nz + z]);
        }
    }
    EXPECT_LT(share[0], 1.0);
    EXPECT_DOUBLE_EQ(share[(out.times_s.size() - 1) * nz], 1.0);
    // Emergency routes are cleared first (on average).
    auto const& reopened = [&] {
        for (auto const& a : out.edges) {
            if (a.name == "reopened_s") {
                return a.values;
            }
        }
        return std::vector<double>{};
    }();
    auto const& em = sim.world().edge_layers.at(std::string(layer::kEmergencyRoute));
    double sum[2] = {0, 0}, n[2] = {0, 0};
    for (std::size_t e = 0; e < reopened.size(); ++e) {
        if (reopened[e] >= 0.0) {
            int const k = em[e] > 0.5f ? 0 : 1;
            sum[k] += reopened[e];
            n[k] += 1;
        }
    }
    ASSERT_GT(n[0], 0);
    ASSERT_GT(n[1], 0);
    EXPECT_LT(sum[0] / n[0], sum[1] / n[1]);
}

TEST(DamageModel, WithoutCrewsNothingReopens) {
    Scenario s = shaken(4000, 4 * 3600.0);
    s.set("scenario.tick_s=5");
    s.set("world.synthetic.tsunami.height_m=0");
    s.set("damage.roads.crews.count=0");
    Simulation sim(std::move(s), RunOptions{}, default_model_registry());
    sim.run();
    RunOutput const out = sim.output();
    EXPECT_GT(kpi(out, "roads_blocked"), 0);
    EXPECT_EQ(kpi(out, "roads_cleared"), 0);
    EXPECT_EQ(kpi(out, "roads_still_damaged"),
              kpi(out, "roads_blocked") + kpi(out, "bridges_failed"));
}

namespace {
// Two routes from home (node 0) to dry ground (node 3): the short way along the south row
// (0 → 1 → 3, 300 m) and a long way round the north row (0 → 2 → 4 → 3). Cell (row 1, col 2), on
// the short way only, floods 30 s after the shock.
World two_routes() {
    World w;
    w.name = "two routes";
    w.grid = GridSpec(4, 2, GeoTransform{0, 100, 200, -100}, "");
    std::size_t const n = 8;
    w.elevation_m = Raster<float>("e", "m", n, 1.0f);
    w.population = Raster<std::uint32_t>("p", "", n, 0);
    w.zone = Raster<std::int32_t>("z", "", n, 2);
    w.tsunami_max_depth_m = Raster<float>("d", "m", n, 3.0f);
    w.tsunami_arrival_s = Raster<float>("a", "s", n, 1.0e9f); // never, except:
    auto cell = [&](int col, int row) { return w.grid.index(col, row); };
    w.population[cell(0, 1)] = 10;
    w.tsunami_arrival_s[cell(2, 1)] = 30.0f;
    w.tsunami_max_depth_m[cell(3, 0)] = 0.0f; // dry: safe ground
    w.tsunami_max_depth_m[cell(3, 1)] = 0.0f;
    w.zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    w.zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    w.zones.add({"99201", "M", ZoneLevel::Municipality, 1});
    RoadGraphBuilder b;
    b.add_node(50, 50);   // 0 home
    b.add_node(150, 50);  // 1
    b.add_node(150, 150); // 2
    b.add_node(350, 50);  // 3 dry
    b.add_node(350, 150); // 4 dry
    EdgeAttributes a;
    a.width_m = 20.0f; // wide: no debris question here
    auto len = [&](NodeId p, NodeId q) {
        return static_cast<float>(std::hypot(b.x(p) - b.x(q), b.y(p) - b.y(q)));
    };
    for (auto [p, q] : {std::pair<NodeId, NodeId>{0, 1}, {1, 3}, {0, 2}, {2, 4}, {4, 3}}) {
        a.length_m = len(p, q);
        b.add_two_way(p, q, a);
    }
    w.roads = std::move(b).build();
    w.finalize();
    return w;
}
} // namespace

TEST(DamageModel, FloodedRoadsCloseAndEvacueesReRouteInTheSameTick) {
    World w = two_routes();
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 3600;
    o.check_invariants = true;
    Engine e(w, o, comm);
    Scenario s = Scenario::from_string(
        "hazard: {tsunami: {rise_time_s: 0, period_s: 1}}\n"
        "damage: {roads: {flood_period_s: 1, crews: {count: 0}}}\n"
        "evacuation: {awareness: immediate, car_share: 0,\n"
        "             departure_delay_s: {immediate: 0, night_extra: 0, jitter: 0},\n"
        "             population: {share_65_74: 0, share_75_plus: 0}}\n",
        "t.yaml");
    auto tsu = std::make_unique<hazard::TsunamiModel>();
    tsu->configure(s.root().child("hazard").child("tsunami"));
    auto dmg = std::make_unique<DamageModel>();
    dmg->configure(s.root().child("damage"));
    auto evac = std::make_unique<evacuation::EvacuationModel>();
    evac->configure(s.root().child("evacuation"));
    auto* ev = evac.get();
    e.add_model(std::move(tsu));
    e.add_model(std::move(dmg));
    e.add_model(std::move(evac));
    e.initialize();
    EdgeId const short_way = w.roads.find_edge(1, 3);
    EXPECT_NEAR(ev->pedestrian_routes().cost[1], 200.0, 1e-3);
    // Step until the damage model closes the flooded link; in that very tick the evacuation
    // model's route trees already go the long way (back through 0, then 2 and 4).
    Tick closed_at = -1;
    while (!e.clock().done() && closed_at < 0) {
        e.step();
        if (w.roads.state().open[short_way] == 0) {
            closed_at = e.clock().tick() - 1;
        }
    }
    ASSERT_EQ(closed_at, 30); // the first depth update after the water arrives (t > 30 s)
    double const from_0 = std::hypot(100.0, 100.0) + 200.0; // 0 → 2 → 4 (dry)
    EXPECT_NEAR(ev->pedestrian_routes().cost[1], 100.0 + from_0, 1e-3);
    EXPECT_NEAR(ev->pedestrian_routes().cost[0], from_0, 1e-3);
    // Nobody ever enters the flooded link; everybody gets out the long way.
    while (!e.clock().done()) {
        e.step();
        ASSERT_EQ(ev->flow().pedestrians_on(short_way), 0) << "tick " << e.clock().tick();
    }
    EXPECT_EQ(e.report().count_of("evacuated_safe"), 10);
    EXPECT_GT(std::get<double>(e.report().find("evacuation_time_mean_s")->value), from_0 / 0.74);
}

TEST(DamageModel, BadKeysAreRejectedWithTheirKey) {
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
    EXPECT_THAT(message("damage.roads.flood_closure_depth_m=-1"),
                HasSubstr("[damage.roads.flood_closure_depth_m]: expected a number > 0, got -1"));
    EXPECT_THAT(message("damage.buildings.stock={share_wood_pre1962: 0.6, "
                        "share_wood_1962_1981: 0.6}"),
                HasSubstr("[damage.buildings.stock.share_wood_1962_1981]: the wooden era shares "
                          "add up to 1.2"));
    EXPECT_THAT(message("damage.casualties.indoor_share.day=1.5"),
                HasSubstr("[damage.casualties.indoor_share.day]: expected a number in [0, 1]"));
    EXPECT_THAT(message("damage.roads.crews.count=-2"),
                HasSubstr("[damage.roads.crews.count]"));
    EXPECT_THAT(message("damage.buildings.fragility.wood_pre1962.sigma=0"),
                HasSubstr("[damage.buildings.fragility.wood_pre1962.sigma]: expected a number in "
                          "(0, 5]"));
    EXPECT_THAT(message("damage.roads.debri=true"), HasSubstr("did you mean 'debris'?"));
}
