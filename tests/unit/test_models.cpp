#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/walk_model.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/models/all_models.hpp>

#include <gmock/gmock.h>
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

TEST(WalkModel, ConservesResidentsEveryTick) {
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

TEST(WalkModel, SameResultsForOneAndTwoThreads) {
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

TEST(WalkModel, SafeDepthMustNotExceedLethalDepth) {
    Scenario s = small();
    s.set("evacuation.safe_depth_m=2");
    try {
        Simulation sim(std::move(s), RunOptions{}, default_model_registry());
        FAIL() << "expected ScenarioError";
    } catch (ScenarioError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("[evacuation.safe_depth_m]"));
        EXPECT_THAT(e.what(), HasSubstr("deeper than lethal_depth_m"));
    }
}

TEST(WalkModel, TheSeedMattersButTheGeographyStays) {
    Scenario s1 = small(4000, 2400);
    Scenario s2 = small(4000, 2400);
    s2.set("scenario.seed=12");
    RunOutput a = run(s1);
    RunOutput b = run(s2);
    EXPECT_EQ(kpi(a, "at_risk"), kpi(b, "at_risk")); // same world
    EXPECT_NE(a.series[0].values, b.series[0].values); // different departures
}

TEST(WalkModel, NobodyDiesIfTheWaterComesAfterTheEnd) {
    Scenario s = small(3000, 1800);
    s.set("world.synthetic.tsunami.arrival_s=5000");
    RunOutput o = run(s);
    EXPECT_EQ(kpi(o, "deaths_direct"), 0);
    EXPECT_GT(kpi(o, "evacuated_safe"), 0);
}

TEST(WalkModel, FasterAndEarlierEvacuationSavesLives) {
    RunOutput slow = run(small(5000, 3600));
    Scenario f = small(5000, 3600);
    f.set("evacuation.walk_speed_mps=1.3");
    f.set("evacuation.departure_delay_s.min=120");
    f.set("evacuation.departure_delay_s.mean=240");
    RunOutput fast = run(f);
    EXPECT_GT(kpi(slow, "deaths_direct"), 0);
    EXPECT_LT(kpi(fast, "deaths_direct"), kpi(slow, "deaths_direct"));
    // A higher lethal depth also means fewer deaths.
    Scenario h = small(5000, 3600);
    h.set("evacuation.lethal_depth_m=3.0");
    EXPECT_LT(kpi(run(h), "deaths_direct"), kpi(slow, "deaths_direct"));
}

TEST(WalkModel, NoSafePlaceIsABadInput) {
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
    World w;
    w.name = "two islands";
    w.grid = GridSpec(4, 1, GeoTransform{0, 100, 100, -100}, "");
    w.elevation_m = Raster<float>("e", "m", 4, 1.0f);
    w.population = Raster<std::uint32_t>("p", "", 4, 0);
    w.population[0] = 10;
    w.zone = Raster<std::int32_t>("z", "", 4, 2);
    w.tsunami_max_depth_m = Raster<float>("d", "m", 4, 0.0f);
    w.tsunami_max_depth_m[0] = w.tsunami_max_depth_m[1] = 3.0f;
    w.tsunami_arrival_s = Raster<float>("a", "s", 4, 600.0f);
    w.zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    w.zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    w.zones.add({"99201", "M", ZoneLevel::Municipality, 1});
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
    auto m = std::make_unique<evacuation::WalkModel>();
    Scenario s = Scenario::from_string("evacuation: {}\n", "t.yaml");
    m->configure(s.root().child("evacuation"));
    e.add_model(std::move(m));
    e.initialize();
    e.run();
    EXPECT_EQ(e.report().count_of("evacuated_safe"), 10);
}
} // namespace

TEST(WalkModel, NoRouteToAnySafePlaceIsABadInput) {
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
