#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/models/all_models.hpp>

#include "world_fixtures.hpp"

#include <gmock/gmock.h>
#include <set>
#include <gtest/gtest.h>

using namespace tsunagi;
using ::testing::HasSubstr;

namespace {
Scenario small(std::int64_t population = 3000, double duration_s = 3600) {
    Scenario s = Scenario::from_string(
        "scenario: {name: unit, seed: 11, tick_s: 1}\n"
        "world: {synthetic: {seed: 5}}\n",
        "unit.yaml");
    s.set("world.synthetic.population", std::to_string(population));
    s.set("scenario.duration_s", std::to_string(duration_s));
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

RunOutput run(Scenario s, int threads = 2, bool checks = true, std::size_t chunk = 0) {
    RunOptions o;
    o.threads = threads;
    o.check_invariants = checks;
    o.chunk_size = chunk;
    Simulation sim(std::move(s), o, default_model_registry());
    sim.run();
    return sim.output();
}
} // namespace

TEST(TsunamiDepth, RisesLinearlyAfterArrival) {
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, 100.0f, 50.0, 600.0), 0.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, 100.0f, 100.0, 600.0), 0.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, 100.0f, 400.0, 600.0), 2.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, 100.0f, 5000.0, 600.0), 4.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, 100.0f, 101.0, 0.0), 4.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(0.0f, 100.0f, 5000.0, 600.0), 0.0f);
    EXPECT_FLOAT_EQ(hazard::tsunami_depth(4.0f, std::numeric_limits<float>::infinity(), 1e9, 60.0),
                    0.0f);
}

TEST(EvacuationModel, ConservesResidentsEveryTick) {
    // check_invariants runs the model's conservation checks after every tick.
    RunOutput o = run(small());
    std::int64_t const pop = kpi(o, "population");
    EXPECT_EQ(pop, 3000);
    EXPECT_EQ(kpi(o, "deaths_direct") + kpi(o, "evacuated_safe") + kpi(o, "still_exposed") +
                  kpi(o, "not_exposed"),
              pop);
    EXPECT_EQ(kpi(o, "at_risk"), pop - kpi(o, "not_exposed"));
    EXPECT_GT(kpi(o, "at_risk"), 0);
    EXPECT_GT(kpi(o, "evacuated_safe"), 0);
    EXPECT_LE(kpi(o, "in_shelters"), kpi(o, "evacuated_safe"));
    // By-zone KPIs add up to the country total.
    for (auto const& z : o.by_zone) {
        auto const& v = std::get<std::vector<std::int64_t>>(z.values);
        std::int64_t muni = 0;
        for (std::size_t i = 0; i < o.zones.size(); ++i) {
            if (o.zones[i].level == ZoneLevel::Municipality) {
                muni += v[i];
            }
        }
        EXPECT_EQ(v[0], muni) << z.name;
        EXPECT_EQ(v[0], kpi(o, z.name)) << z.name;
    }
}

TEST(EvacuationModel, SameResultsForOneAndTwoThreads) {
    // Small chunks, so the 4,000 residents are processed by concurrent threads (with one chunk
    // the kernel would run serially whatever the thread count).
    RunOutput a = run(small(4000, 2400), 1, false, 64);
    RunOutput b = run(small(4000, 2400), 2, false, 64);
    RunOutput c = run(small(4000, 2400), 4, true, 37);
    ASSERT_EQ(a.kpis.size(), b.kpis.size());
    for (std::size_t i = 0; i < a.kpis.size(); ++i) {
        EXPECT_EQ(a.kpis[i].value, b.kpis[i].value) << a.kpis[i].name;
    }
    ASSERT_EQ(a.series.size(), b.series.size());
    for (std::size_t i = 0; i < a.series.size(); ++i) {
        EXPECT_EQ(a.series[i].values, b.series[i].values) << a.series[i].name;
        EXPECT_EQ(a.series[i].values, c.series[i].values) << a.series[i].name;
    }
    for (std::size_t i = 0; i < a.kpis.size(); ++i) {
        EXPECT_EQ(a.kpis[i].value, c.kpis[i].value) << a.kpis[i].name;
    }
}

TEST(EvacuationModel, TheSeedMattersButTheGeographyStays) {
    Scenario s1 = small(4000, 2400);
    Scenario s2 = small(4000, 2400);
    s2.set("scenario.seed=12");
    RunOutput a = run(s1);
    RunOutput b = run(s2);
    EXPECT_EQ(kpi(a, "at_risk"), kpi(b, "at_risk")); // same world
    EXPECT_NE(a.find_series("evacuated_safe")->values,
              b.find_series("evacuated_safe")->values); // different departures
}

TEST(EvacuationModel, NobodyDiesIfTheWaterComesAfterTheEnd) {
    Scenario s = small(3000, 1800);
    s.set("world.synthetic.tsunami.arrival_s=5000");
    RunOutput o = run(s);
    EXPECT_EQ(kpi(o, "deaths_direct"), 0);
    EXPECT_GT(kpi(o, "evacuated_safe"), 0);
}

TEST(EvacuationModel, AwarenessAndTimeOfDayChangeDeathsTheRightWay) {
    auto deaths = [](std::string const& awareness, std::string const& tod) {
        Scenario s = small(6000, 3600);
        s.set("evacuation.awareness=" + awareness);
        s.set("event.time_of_day=" + tod);
        return kpi(run(s), "deaths_direct");
    };
    std::int64_t const low_night = deaths("low", "night");
    EXPECT_GT(low_night, 0);
    EXPECT_LT(deaths("high", "night"), low_night);
    EXPECT_LT(deaths("immediate", "night"), deaths("high", "night"));
    EXPECT_LT(deaths("low", "day"), low_night); // faster walking and no extra delay by day
    // Faster walkers also save lives.
    Scenario f = small(6000, 3600);
    f.set("evacuation.walk_speed_mps=1.3");
    EXPECT_LT(kpi(run(f), "deaths_direct"), low_night);
}

TEST(EvacuationModel, MoreCarsOnANarrowNetworkTakeLongerToClear) {
    auto clearance = [](double car_share, bool narrow) {
        Scenario s = small(8000, 7200);
        s.set("world.synthetic.tsunami.arrival_s=99999"); // no water: clearance only
        s.set("evacuation.awareness=immediate");
        s.set("evacuation.car_min_distance_m=0");
        s.set("evacuation.car_share=" + std::to_string(car_share));
        if (narrow) {
            s.set("world.synthetic.street_width_m=2.5");
            s.set("world.synthetic.street_capacity_vph=300");
            s.set("world.synthetic.arterial_width_m=4");
            s.set("world.synthetic.arterial_capacity_vph=600");
        }
        RunOutput o = run(s);
        if (car_share > 0.5) {
            EXPECT_GT(kpi(o, "cars"), 100);
        }
        return std::get<double>(o.find_kpi("evacuation_time_p90_s")->value);
    };
    double const few = clearance(0.05, true);
    double const many = clearance(0.9, true);
    EXPECT_GT(many, few * 1.2) << "narrow: " << few << " s with few cars, " << many << " with many";
    EXPECT_LE(clearance(0.9, false), clearance(0.05, false)); // wide roads: cars help
}

TEST(EvacuationModel, SheltersNeverOverfillAndFullOnesAreReplaced) {
    Scenario s = small(8000, 5400);
    s.set("world.synthetic.tsunami.arrival_s=99999");
    s.set("world.synthetic.shelter_capacity_ratio=0.01");     // tiny shelters
    s.set("world.synthetic.evacuation_building_capacity=20"); // and tiny buildings
    s.set("evacuation.awareness=immediate");
    RunOptions o;
    o.threads = 2;
    o.check_invariants = true; // capacity is checked every tick
    Simulation sim(std::move(s), o, default_model_registry());
    sim.run();
    RunOutput const out = sim.output();
    auto const& fac = sim.world().facilities;
    int full = 0;
    for (FacilityId f = 0; f < fac.size(); ++f) {
        EXPECT_LE(fac.occupancy()[f], fac[f].capacity);
        full += fac[f].capacity > 0 && fac.occupancy()[f] == fac[f].capacity ? 1 : 0;
    }
    EXPECT_GT(full, 0);
    // Those turned away found other safe places: everybody able to leave got out.
    EXPECT_EQ(kpi(out, "evacuated_safe") + kpi(out, "stranded"), kpi(out, "at_risk"));
    EXPECT_GT(kpi(out, "on_safe_ground"),
              kpi(out, "in_shelters") + kpi(out, "in_evacuation_buildings"));
}

TEST(EvacuationModel, AgeBandsAndHouseholdsFollowTheirShares) {
    Scenario s = small(60000, 60);
    s.set("evacuation.population.share_65_74=0.2");
    s.set("evacuation.population.share_75_plus=0.1");
    RunOptions o;
    Simulation sim(std::move(s), o, default_model_registry());
    auto const& r = *sim.engine().stores().at("resident");
    auto age = r.column(r.field<std::uint8_t>("age_band"));
    auto hh = r.column(r.field<std::uint32_t>("household"));
    auto home = r.column(r.field<std::uint32_t>("home_cell"));
    std::array<double, 3> n{};
    for (auto a : age) {
        n[a] += 1;
    }
    double const total = static_cast<double>(age.size());
    EXPECT_NEAR(n[1] / total, 0.2, 0.01);
    EXPECT_NEAR(n[2] / total, 0.1, 0.01);
    // Households live in one cell, so sparse cells truncate them; in cells of 50 or more the
    // mean size is the census distribution's, 2.19.
    std::set<std::uint32_t> households;
    double members = 0;
    for (std::size_t i = 0; i < hh.size(); ++i) {
        if (sim.world().population[home[i]] >= 50) {
            households.insert(hh[i]);
            members += 1;
        }
    }
    EXPECT_NEAR(members / static_cast<double>(households.size()), 2.19, 0.05);
    // By-age KPIs add up to the totals.
    sim.run();
    RunOutput const out = sim.output();
    ASSERT_FALSE(out.by_category.empty());
    for (auto const& k : out.by_category) {
        ASSERT_EQ(k.category, "age");
        std::int64_t sum = 0;
        for (auto v : k.values) {
            sum += v;
        }
        EXPECT_EQ(sum, kpi(out, k.name)) << k.name;
    }
}

TEST(EvacuationModel, DaytimePutsPeopleElsewhere) {
    Scenario night = small(20000, 60);
    Scenario day = small(20000, 60);
    day.set("event.time_of_day=day");
    RunOutput const n = run(night);
    RunOutput const d = run(day);
    EXPECT_EQ(kpi(n, "population"), kpi(d, "population"));
    EXPECT_NE(kpi(n, "at_risk"), kpi(d, "at_risk")); // workers moved to the dense centres
}

TEST(DeathProbability, FitsTheCabinetOfficePoints) {
    EXPECT_LT(evacuation::death_probability(0.3, 0.651, 0.094), 0.001);
    EXPECT_NEAR(evacuation::death_probability(0.5, 0.651, 0.094), 0.048, 0.01);
    EXPECT_NEAR(evacuation::death_probability(0.7, 0.651, 0.094), 0.711, 0.02);
    EXPECT_GT(evacuation::death_probability(1.0, 0.651, 0.094), 0.9998); // 99.99 %
}

TEST(EvacuationModel, ExplicitSharesMustAddUpToOne) {
    Scenario s = small();
    s.set("evacuation.awareness={immediate: 0.5, errands: 0.4, imminent: 0.3}");
    try {
        Simulation sim(std::move(s), RunOptions{}, default_model_registry());
        FAIL() << "expected ScenarioError";
    } catch (ScenarioError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("[evacuation.awareness]"));
        EXPECT_THAT(e.what(), HasSubstr("add up to 1.2"));
    }
}

TEST(EvacuationModel, NoSafePlaceIsABadInput) {
    Scenario s = small(2000, 600);
    s.set("world.synthetic.shelters=1");
    s.set("world.synthetic.shelter_min_elevation_m=100000"); // nowhere high enough
    s.set("evacuation.safe_depth_m=0.0001");
    s.set("world.synthetic.tsunami.height_m=10000");          // and the sea covers everything
    s.set("world.synthetic.tsunami.decay_km=1000");
    try {
        RunOptions o;
        Simulation sim(std::move(s), o, default_model_registry());
        FAIL() << "expected DataError";
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("no safe place for evacuees"));
        EXPECT_THAT(e.what(), HasSubstr("Fix:"));
    }
}

TEST(Simulation, RejectsUnknownKeysBeforeBuildingAnything) {
    Scenario s = small();
    s.set("evacuation.walk_sped_mps=1");
    try {
        Simulation sim(std::move(s), RunOptions{}, default_model_registry());
        FAIL() << "expected ScenarioError";
    } catch (ScenarioError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("[evacuation.walk_sped_mps]: unknown key"));
        EXPECT_THAT(e.what(), HasSubstr("did you mean 'walk_speed_mps'?"));
    }
    Scenario t = small();
    t.set("output.record_every_s=1.5");
    EXPECT_THROW(Simulation(std::move(t), RunOptions{}, default_model_registry()), ScenarioError);
}

TEST(Simulation, StoresTheResolvedScenarioWhichReproducesTheRun) {
    RunOptions o;
    o.threads = 2;
    Simulation a(small(2000, 900), o, default_model_registry());
    a.run();
    RunOutput const oa = a.output();
    std::string const yaml = std::get<std::string>(*oa.find_meta("scenario"));
    EXPECT_THAT(yaml, HasSubstr("walk_speed_mps: 0.74"));
    EXPECT_THAT(yaml, HasSubstr("rise_time_s: 600"));
    Simulation b(Scenario::from_string(yaml, "resolved"), o, default_model_registry());
    b.run();
    RunOutput const ob = b.output();
    for (std::size_t i = 0; i < oa.kpis.size(); ++i) {
        EXPECT_EQ(oa.kpis[i].value, ob.kpis[i].value) << oa.kpis[i].name;
    }
    EXPECT_EQ(std::get<std::int64_t>(*oa.find_meta("threads")), 2);
    EXPECT_EQ(std::get<std::int64_t>(*oa.find_meta("ranks")), 1);
    EXPECT_EQ(std::get<std::int64_t>(*oa.find_meta("seed")), 11);
}

namespace {
// Four 100 m cells in a row; residents live in the flooded west, dry ground is in the east. The
// road joins the two halves only if `bridge`.
World two_islands(bool bridge) {
    World w = test::flat_world("two islands", 4, 1, 100.0, 1.0f, 0);
    w.population[0] = 10;
    w.tsunami_max_depth_m[0] = w.tsunami_max_depth_m[1] = 3.0f;
    w.tsunami_arrival_s = Raster<float>("a", "s", 4, 600.0f);
    RoadGraphBuilder b;
    for (double x : {50.0, 150.0, 250.0, 350.0}) {
        b.add_node(x, 50.0);
    }
    EdgeAttributes a;
    a.length_m = 100.0f;
    b.add_two_way(0, 1, a);
    b.add_two_way(2, 3, a);
    if (bridge) {
        b.add_two_way(1, 2, a);
    }
    w.roads = std::move(b).build();
    w.finalize();
    return w;
}

void init_walk(World& w) {
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 6 * 3600; // long enough for the slowest departure (exponential delays)
    o.check_invariants = true;
    Engine e(w, o, comm);
    auto m = std::make_unique<evacuation::EvacuationModel>();
    // No elderly (so nobody is a dependent left behind) and no cars on these short roads.
    Scenario s = Scenario::from_string(
        "evacuation: {population: {share_65_74: 0, share_75_plus: 0}, car_share: 0}\n", "t.yaml");
    m->configure(s.root().child("evacuation"));
    e.add_model(std::move(m));
    e.initialize();
    e.run();
    EXPECT_EQ(e.report().count_of("evacuated_safe"), 10);
}
} // namespace

TEST(EvacuationModel, NoRouteToAnySafePlaceIsABadInput) {
    World ok = two_islands(true);
    init_walk(ok); // with the bridge everybody gets out
    World w = two_islands(false);
    try {
        init_walk(w);
        FAIL() << "expected DataError";
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("two islands: none of the 10 residents in the hazard zone "
                                        "can reach a safe place"));
        EXPECT_THAT(e.what(), HasSubstr("Fix:"));
    }
}

namespace {
// Home (node 0, flooded) reaches safe ground (node 3) by a short way through node 1 (2 × 100 m)
// or a long way through node 2 (2 × 400 m).
World two_ways() {
    World w = two_islands(false);
    w.name = "two ways";
    RoadGraphBuilder b;
    b.add_node(50, 50);   // 0: home
    b.add_node(150, 50);  // 1: short way
    b.add_node(150, 10);  // 2: long way
    b.add_node(350, 50);  // 3: safe
    EdgeAttributes shortw, longw;
    shortw.length_m = 100.0f;
    longw.length_m = 400.0f;
    b.add_two_way(0, 1, shortw);
    b.add_two_way(1, 3, shortw);
    b.add_two_way(0, 2, longw);
    b.add_two_way(2, 3, longw);
    w.roads = std::move(b).build();
    w.finalize();
    return w;
}

double mean_evacuation_time(World& w, bool close_short_way) {
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 3600;
    o.check_invariants = true;
    Engine e(w, o, comm);
    auto m = std::make_unique<evacuation::EvacuationModel>();
    Scenario s = Scenario::from_string(
        "evacuation: {awareness: immediate, car_share: 0,\n"
        "             departure_delay_s: {immediate: 0, night_extra: 0, jitter: 0},\n"
        "             population: {share_65_74: 0, share_75_plus: 0}}\n",
        "t.yaml");
    m->configure(s.root().child("evacuation"));
    auto* model = m.get();
    e.add_model(std::move(m));
    e.initialize();
    if (close_short_way) {
        // Debris closes 1 -> 3 at t = 30 s, before anyone gets there (100 m at ≤ 0.8 m/s).
        e.events().schedule(30, "close 1-3", [&w](EventContext const&) {
            auto& st = w.roads.state();
            st.open[w.roads.find_edge(1, 3)] = 0;
            st.open[w.roads.find_edge(3, 1)] = 0;
            ++st.version;
        });
    }
    e.run();
    EXPECT_EQ(e.report().count_of("evacuated_safe"), 10);
    // From node 1: straight on (100 m), or back through 0 and the long way (100 + 400 + 400 m).
    EXPECT_EQ(model->pedestrian_routes().cost[1], close_short_way ? 900.0 : 100.0);
    return std::get<double>(e.report().find("evacuation_time_mean_s")->value);
}
} // namespace

TEST(EvacuationModel, RoadClosuresRerouteEvacueesAtOnce) {
    World open_world = two_ways();
    World closed_world = two_ways();
    double const t_open = mean_evacuation_time(open_world, false);
    double const t_closed = mean_evacuation_time(closed_world, true);
    // Turning back at node 1 and walking the long way takes at least 600 m more.
    EXPECT_GT(t_closed, t_open + 600.0 / 0.8);
}
