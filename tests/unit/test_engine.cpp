#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/engine.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/world/world.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

using namespace tsunagi;

namespace {

World tiny_world() {
    World w;
    w.grid = GridSpec(2, 2, GeoTransform{0, 10, 20, -10}, "");
    w.elevation_m = Raster<float>("e", "m", 4, 1.0f);
    w.population = Raster<std::uint32_t>("p", "", 4, 0);
    w.zone = Raster<std::int32_t>("z", "", 4, 1);
    w.tsunami_arrival_s = Raster<float>("a", "s", 4, 0.0f);
    w.tsunami_max_depth_m = Raster<float>("d", "m", 4, 0.0f);
    w.zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    w.zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    w.zones.add({"99201", "M", ZoneLevel::Municipality, 1});
    w.finalize();
    return w;
}

// Records what ran when; spawns and kills agents to exercise staged commits.
class ToyModel final : public Model {
public:
    std::vector<std::string> log;
    std::mutex m;
    std::size_t size_seen_in_sense = 0;
    mutable int checks = 0;
    std::string_view name() const override { return "toy"; }
    void configure(ConfigNode const&) override {}
    void declare(ModelBuilder& b) override {
        store_ = &b.agents("thing");
        value_ = store_->add_field<double>("value", 0.0);
        b.every(Period::ticks(1), Phase::Sense, "sense",
                [this](TickContext const& t) {
                    size_seen_in_sense = store_->size();
                    log.push_back("sense@" + std::to_string(t.tick));
                });
        b.every(Period::ticks(2), Phase::Decide, "decide",
                [this](TickContext const& t) { log.push_back("decide@" + std::to_string(t.tick)); },
                1);
        b.every(Period::ticks(3), Phase::Move, "move", *store_,
                [this](Chunk const& c, TickContext const& t) {
                    for (std::size_t i = c.begin; i < c.end; ++i) {
                        store_->column(value_)[i] += t.rng(Stream::Behaviour, store_->ids()[i]).uniform();
                    }
                    std::lock_guard lock(m);
                    moved_rows += c.end - c.begin;
                });
        b.every(Period::ticks(1), Phase::Commit, "births",
                [this](TickContext const& t) {
                    if (t.tick == 1) {
                        for (AgentId id = 10; id < 15; ++id) {
                            store_->stage_birth(id, {});
                        }
                    }
                    if (t.tick == 4) {
                        store_->stage_death(0);
                    }
                    log.push_back("commit@" + std::to_string(t.tick));
                });
        b.recorder().add_series("things", "n", "agents",
                                [this](std::span<double> v) { v[2] = static_cast<double>(store_->size()); });
        b.events().schedule(2, "quake", [this](EventContext const& e) {
            log.push_back("event@" + std::to_string(e.tick));
        });
    }
    void initialize(TickContext const&) override { store_->append_range(0, 3); }
    void check_invariants(TickContext const&) const override { ++checks; }
    std::size_t moved_rows = 0;
    AgentStore* store_ = nullptr;
    FieldHandle<double> value_;
};

} // namespace

TEST(Engine, RunsPhasesPeriodsEventsAndCommitsInOrder) {
    World w = tiny_world();
    SerialCommunicator comm;
    EngineOptions o;
    o.total_ticks = 6;
    o.record_every = 2;
    o.check_invariants = true;
    o.threads = 2;
    Engine e(w, o, comm);
    auto model = std::make_unique<ToyModel>();
    ToyModel* toy = model.get();
    e.add_model(std::move(model));
    e.initialize();
    EXPECT_EQ(toy->checks, 1);
    e.step();
    e.step();
    EXPECT_EQ(toy->size_seen_in_sense, 3u); // births staged at tick 1 are not visible yet...
    e.step();
    EXPECT_EQ(toy->size_seen_in_sense, 8u); // ...but are from tick 2, after tick 1's commit
    e.run();
    EXPECT_TRUE(e.clock().done());
    std::vector<std::string> const expect{
        "sense@0", "commit@0", "sense@1", "decide@1", "commit@1", "event@2", "sense@2",
        "commit@2", "sense@3", "decide@3", "commit@3", "sense@4", "commit@4", "sense@5",
        "decide@5", "commit@5"};
    EXPECT_EQ(toy->log, expect);
    EXPECT_EQ(e.agents("thing").size(), 7u); // 3 + 5 born - 1 died
    EXPECT_EQ(toy->checks, 7);               // after initialise and after each of 6 ticks
    // Move ran at ticks 0 and 3, over 3 and then 8 rows.
    EXPECT_EQ(toy->moved_rows, 3u + 8u);
    // Time series sampled at t = 0 and every 2 ticks, summed up the zone hierarchy.
    EXPECT_EQ(e.recorder().times(), (std::vector<double>{0, 2, 4, 6}));
    auto const& s = e.recorder().series()[0].values;
    ASSERT_EQ(s.size(), 4u * 3u);
    EXPECT_EQ(s[3 * 3 + 2], 7.0); // municipality at t = 6
    EXPECT_EQ(s[3 * 3 + 0], 7.0); // country = sum
    EXPECT_EQ(s[1 * 3 + 2], 8.0); // t = 2: after the births at tick 1
}

TEST(Engine, ChunkedTasksGiveTheSameResultForAnyThreadCount) {
    // Per-row values, and a floating sum over chunks folded in chunk order by a global task:
    // any dependence on thread count or scheduling would change the bits.
    auto run = [](int threads) {
        World w = tiny_world();
        SerialCommunicator comm;
        EngineOptions o;
        o.total_ticks = 9;
        o.threads = threads;
        o.chunk_size = 2; // many chunks
        Engine e(w, o, comm);
        auto model = std::make_unique<ToyModel>();
        ToyModel* toy = model.get();
        e.add_model(std::move(model));
        e.initialize();
        e.run();
        auto v = e.agents("thing").column(toy->value_);
        std::vector<double> out(v.begin(), v.end());
        // A reduction over many chunks with mixed magnitudes (order-sensitive in floating point).
        out.push_back(e.pool().sum_chunks(100000, 7, [](Chunk const& c) {
            double s = 0.0;
            for (std::size_t i = c.begin; i < c.end; ++i) {
                s += (i % 3 == 0 ? 1e16 : 1.0) * Rng(1, Stream::Behaviour, i, 0).uniform();
            }
            return s;
        }));
        return out;
    };
    auto one = run(1);
    EXPECT_EQ(one, run(2));
    EXPECT_EQ(one, run(4));
}

TEST(Engine, RejectsMisuse) {
    World w = tiny_world();
    SerialCommunicator comm;
    Engine e(w, EngineOptions{}, comm);
    EXPECT_THROW(e.step(), ModelError);
    e.initialize();
    EXPECT_THROW(e.initialize(), ModelError);
    EXPECT_THROW(e.add_model(std::make_unique<ToyModel>()), ModelError);
}

TEST(ThreadPool, SumsInChunkOrder) {
    ThreadPool one(1), two(2);
    auto f = [](Chunk const& c) {
        double s = 0;
        for (std::size_t i = c.begin; i < c.end; ++i) {
            s += 1.0 / static_cast<double>(i + 1);
        }
        return s;
    };
    EXPECT_EQ(one.sum_chunks(100000, 1000, f), two.sum_chunks(100000, 1000, f));
    EXPECT_EQ(two.threads(), 2);
    EXPECT_EQ(two.sum_chunks_i64(10, 3, [](Chunk const& c) {
        return static_cast<std::int64_t>(c.end - c.begin);
    }), 10);
}

TEST(Engine, TasksKeepTheirPeriodsInSecondsWhenTicksGetLonger) {
    World w = tiny_world();
    SerialCommunicator comm;
    EngineOptions o;
    o.tick_s = 1.0;
    o.coarse_tick_s = 60.0;
    o.coarse_from = 600;      // 10 min of 1 s ticks
    o.total_ticks = 600 + 30; // then 30 min of 1 min ticks
    o.record_every = 300;     // every 5 min
    Engine e(w, o, comm);
    struct Counter final : Model {
        std::vector<double> every10, every300;
        std::string_view name() const override { return "counter"; }
        void configure(ConfigNode const&) override {}
        void declare(ModelBuilder& b) override {
            b.every(Period::seconds(10), Phase::Decide, "ten",
                    [this](TickContext const& t) { every10.push_back(t.time_s); });
            b.every(Period::seconds(300), Phase::Decide, "five_min",
                    [this](TickContext const& t) { every300.push_back(t.time_s); });
        }
    };
    auto m = std::make_unique<Counter>();
    Counter* c = m.get();
    e.add_model(std::move(m));
    e.initialize();
    e.run();
    // Every 10 s while ticks are 1 s (60 times), then every (longer) tick.
    EXPECT_EQ(c->every10.size(), 60u + 30u);
    EXPECT_DOUBLE_EQ(c->every10[59], 590.0);
    EXPECT_DOUBLE_EQ(c->every10[60], 600.0);
    EXPECT_DOUBLE_EQ(c->every10[61], 660.0);
    // Every 5 min throughout: 0, 300, then 600, 900, ... 2,100 s.
    EXPECT_EQ(c->every300, (std::vector<double>{0, 300, 600, 900, 1200, 1500, 1800, 2100}));
    EXPECT_DOUBLE_EQ(e.clock().time_s(), 2400.0);
    EXPECT_EQ(e.recorder().times(),
              (std::vector<double>{0, 300, 600, 900, 1200, 1500, 1800, 2100, 2400}));
}

TEST(Recorder, ShareSeriesDivideTheTotalsOfEachZone) {
    // Two municipalities under one prefecture: 30 of 40 and 10 of 60 served. The prefecture's
    // share is 40 / 100 (not the mean of 0.75 and 0.167); a zone with nothing to serve gets the
    // empty value.
    Zones zones;
    zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    zones.add({"99201", "A", ZoneLevel::Municipality, 1});
    zones.add({"99202", "B", ZoneLevel::Municipality, 1});
    zones.add({"98", "Q", ZoneLevel::Prefecture, 0});
    SerialCommunicator comm;
    Recorder rec(zones, comm);
    rec.add_share_series(
        "served", "share served",
        [](std::span<double> z) {
            z[2] = 30.0;
            z[3] = 10.0;
        },
        [](std::span<double> z) {
            z[2] = 40.0;
            z[3] = 60.0;
        });
    rec.record(0.0);
    auto const& s = rec.series().at(0);
    EXPECT_EQ(s.unit, "share");
    EXPECT_DOUBLE_EQ(s.values[0], 0.4);
    EXPECT_DOUBLE_EQ(s.values[1], 0.4);
    EXPECT_DOUBLE_EQ(s.values[2], 0.75);
    EXPECT_DOUBLE_EQ(s.values[3], 10.0 / 60.0);
    EXPECT_DOUBLE_EQ(s.values[4], 1.0);
}

TEST(Recorder, EventsAreWhatChangedSinceTheLastSample) {
    Zones zones;
    zones.add({"JP", "Japan", ZoneLevel::Country, -1});
    zones.add({"99", "P", ZoneLevel::Prefecture, 0});
    SerialCommunicator comm;
    Recorder rec(zones, comm);
    std::vector<std::int64_t> arrivals(3, 0);  // cumulative, per facility
    std::vector<std::uint8_t> closed(4, 0);     // state, per edge
    closed[1] = 1;                              // closed in the data, before the run
    rec.add_event_counts("arrivals", EventSubject::Facility, 3, "arrived",
                         [&](std::span<std::int64_t> out) {
                             std::copy(arrivals.begin(), arrivals.end(), out.begin());
                         });
    rec.add_state_events("closed", "closed", "reopened", "reopened", EventSubject::Edge, 4,
                         [&](std::span<std::uint8_t> out) {
                             std::copy(closed.begin(), closed.end(), out.begin());
                         });
    ASSERT_EQ(rec.event_kinds().size(), 3u);
    EXPECT_EQ(rec.event_kinds()[2].name, "reopened");
    EXPECT_THROW(rec.add_event_counts("arrivals", EventSubject::Zone, 2, "", {}), ModelError);
    rec.start_events(); // edge 1's closure is the data's, not an event
    closed[3] = 1;      // the main shock
    arrivals[0] = 2;
    rec.record(0.0);
    arrivals[0] = 5;
    arrivals[2] = 1;
    closed[3] = 0;
    closed[1] = 0;
    rec.record(60.0);
    rec.record(120.0); // nothing changed: no rows

    auto const& e = rec.events();
    // (time, kind, subject, count) in source order, subjects ascending.
    std::vector<std::tuple<double, int, std::int64_t, std::int64_t>> rows;
    for (std::size_t i = 0; i < e.size(); ++i) {
        rows.emplace_back(e.time_s[i], e.kind[i], e.subject[i], e.count[i]);
    }
    using R = std::tuple<double, int, std::int64_t, std::int64_t>;
    EXPECT_EQ(rows, (std::vector<R>{R{0.0, 0, 0, 2}, R{0.0, 1, 3, 1}, R{60.0, 0, 0, 3},
                                    R{60.0, 0, 2, 1}, R{60.0, 2, 1, 1}, R{60.0, 2, 3, 1}}));

    // A checkpoint's rows and baselines continue the same way after a restore.
    Recorder again(zones, comm);
    again.add_event_counts("arrivals", EventSubject::Facility, 3, "arrived",
                           [&](std::span<std::int64_t> out) {
                               std::copy(arrivals.begin(), arrivals.end(), out.begin());
                           });
    again.add_state_events("closed", "closed", "reopened", "reopened", EventSubject::Edge, 4,
                           [&](std::span<std::uint8_t> out) {
                               std::copy(closed.begin(), closed.end(), out.begin());
                           });
    again.restore_events(rec.events(), rec.event_baselines());
    arrivals[1] = 4;
    rec.record(180.0);
    again.record(180.0);
    EXPECT_EQ(again.events().count, rec.events().count);
    EXPECT_EQ(again.events().subject, rec.events().subject);
    EXPECT_EQ(rec.events().size(), 7u);

    // A cumulative count that falls is a bug in the model, reported with the subject.
    arrivals[1] = 3;
    try {
        rec.record(240.0);
        FAIL() << "expected ModelError";
    } catch (ModelError const& err) {
        EXPECT_NE(std::string(err.what()).find("'arrivals'"), std::string::npos) << err.what();
        EXPECT_NE(std::string(err.what()).find("facility 1 fell from 4 to 3"), std::string::npos)
            << err.what();
    }
    // Baselines of the wrong shape are refused.
    EXPECT_THROW(again.restore_events({}, {}), DataError);
}
