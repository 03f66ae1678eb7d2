#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/engine.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>

#include <chrono>

namespace tsunagi {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

// ---- ModelBuilder ---------------------------------------------------------------------------

AgentStore& ModelBuilder::agents(std::string const& kind) { return engine_.agents(kind); }
World& ModelBuilder::world() { return engine_.world(); }
Recorder& ModelBuilder::recorder() { return engine_.recorder(); }
EventQueue& ModelBuilder::events() { return engine_.events(); }
Communicator& ModelBuilder::comm() { return engine_.comm(); }
double ModelBuilder::tick_s() const { return engine_.clock().tick_s(); }
Tick ModelBuilder::total_ticks() const { return engine_.clock().total_ticks(); }
double ModelBuilder::duration_s() const {
    return engine_.clock().time_of(engine_.clock().total_ticks());
}
std::uint64_t ModelBuilder::seed() const { return engine_.options().seed; }
EventConfig const& ModelBuilder::event() const { return engine_.options().event; }
std::size_t ModelBuilder::chunk_size() const { return engine_.options().chunk_size; }

void ModelBuilder::every(Period p, Phase phase, std::string const& name, AgentStore& store,
                         ChunkTask fn, Tick offset) {
    Engine::Task t;
    t.name = model_ + "." + name;
    t.phase = phase;
    t.period = p.in_ticks(tick_s());
    t.offset = offset;
    t.store = &store;
    t.chunk_fn = std::move(fn);
    engine_.add_task(std::move(t));
}

void ModelBuilder::every(Period p, Phase phase, std::string const& name,
                         std::function<std::size_t()> size, ChunkTask fn, Tick offset) {
    Engine::Task t;
    t.name = model_ + "." + name;
    t.phase = phase;
    t.period = p.in_ticks(tick_s());
    t.offset = offset;
    t.size = std::move(size);
    t.chunk_fn = std::move(fn);
    engine_.add_task(std::move(t));
}

void ModelBuilder::every(Period p, Phase phase, std::string const& name, GlobalTask fn,
                         Tick offset) {
    Engine::Task t;
    t.name = model_ + "." + name;
    t.phase = phase;
    t.period = p.in_ticks(tick_s());
    t.offset = offset;
    t.global_fn = std::move(fn);
    engine_.add_task(std::move(t));
}

// ---- Engine ---------------------------------------------------------------------------------

Engine::Engine(World& world, EngineOptions options, Communicator& comm)
    : world_(world)
    , opt_(options)
    , comm_(comm)
    , clock_(options.tick_s, options.total_ticks, options.coarse_tick_s, options.coarse_from)
    , pool_(options.threads)
    , recorder_(world.zones, comm) {
    if (!(opt_.tick_s > 0.0)) {
        throw ScenarioError(fmt::format("base tick of {} s: must be positive", opt_.tick_s));
    }
    if (opt_.record_every < 1) {
        opt_.record_every = 1;
    }
    if (opt_.chunk_size == 0) {
        opt_.chunk_size = 4096;
    }
}

Engine::~Engine() = default;

AgentStore& Engine::agents(std::string const& kind) {
    auto it = stores_.find(kind);
    if (it == stores_.end()) {
        it = stores_.emplace(kind, std::make_unique<AgentStore>(kind)).first;
    }
    return *it->second;
}

void Engine::add_model(std::unique_ptr<Model> model) {
    if (initialized_) {
        throw ModelError("models must be added before Engine::initialize()");
    }
    models_.push_back(std::move(model));
}

void Engine::add_task(Task t) {
    if (t.period < 1 || t.offset < 0 || t.offset >= t.period) {
        throw ModelError(fmt::format("task '{}': period {} ticks with offset {} (offset must be in "
                                     "[0, period))",
                                     t.name, t.period, t.offset));
    }
    tasks_.push_back(std::move(t));
}

TickContext Engine::context() noexcept {
    Tick const t = clock_.tick();
    return TickContext{t,
                       clock_.time_of(t),
                       clock_.time_of(t + 1),
                       clock_.length_of(t),
                       opt_.seed,
                       world_,
                       events_,
                       pool_,
                       clock_};
}

void Engine::initialize() {
    if (initialized_) {
        throw ModelError("Engine::initialize() called twice");
    }
    // World-level events every run has: roads and facilities closing and reopening (the world's
    // dynamic state is the same on every rank).
    recorder_.add_state_events(
        "road_closed", "a road edge closed (damage, debris, a failed bridge, flooding)",
        "road_reopened", "a closed road edge reopened", EventSubject::Edge,
        world_.roads.edge_count(), [this](std::span<std::uint8_t> closed) {
            auto const& open = world_.roads.state().open;
            for (std::size_t e = 0; e < closed.size(); ++e) {
                closed[e] = open[e] == 0 ? 1 : 0;
            }
        });
    recorder_.add_state_events(
        "facility_closed", "a facility stopped working (damage, flooding, no power)",
        "facility_reopened", "a closed facility works again", EventSubject::Facility,
        world_.facilities.size(), [this](std::span<std::uint8_t> closed) {
            auto const& open = world_.facilities.open();
            for (std::size_t f = 0; f < closed.size(); ++f) {
                closed[f] = open[f] == 0 ? 1 : 0;
            }
        });
    for (auto& m : models_) {
        ModelBuilder b(*this, std::string(m->name()));
        recorder_.set_replicated(m->replicated());
        m->declare(b);
        recorder_.set_replicated(false);
    }
    // Tasks run phase by phase, in registration order within a phase (stable).
    std::stable_sort(tasks_.begin(), tasks_.end(), [](Task const& a, Task const& b) {
        return static_cast<int>(a.phase) < static_cast<int>(b.phase);
    });
    TickContext const ctx = context();
    recorder_.start_events();
    pool_.execute([&] {
        for (auto& m : models_) {
            m->initialize(ctx);
        }
    });
    for (auto& [kind, store] : stores_) {
        store->commit();
    }
    initialized_ = true;
    if (opt_.check_invariants) {
        for (auto const& m : models_) {
            m->check_invariants(ctx);
        }
    }
    recorder_.record(0.0);
}

void Engine::run_task(Task& t, TickContext const& ctx) {
    auto const t0 = std::chrono::steady_clock::now();
    if (t.global_fn) {
        t.global_fn(ctx);
    } else {
        std::size_t const n = t.store != nullptr ? t.store->size() : t.size();
        pool_.for_chunks(n, opt_.chunk_size, [&](Chunk const& c) { t.chunk_fn(c, ctx); });
    }
    t.seconds += seconds_since(t0);
    ++t.runs;
}

void Engine::step() {
    if (!initialized_) {
        throw ModelError("Engine::step() before initialize()");
    }
    if (clock_.done()) {
        return;
    }
    TickContext const ctx = context();
    Tick const tick = ctx.tick;
    if (opt_.fail_rank == comm_.rank() && tick == opt_.fail_tick) {
        throw ModelError(fmt::format("deliberate failure at tick {} (--test-fail-rank {})", tick,
                                     opt_.fail_rank));
    }

    auto t0 = std::chrono::steady_clock::now();
    events_.run_due(tick, ctx.time_s);
    events_s_ += seconds_since(t0);

    std::size_t i = 0;
    for (Phase phase : kPhases) {
        for (; i < tasks_.size() && tasks_[i].phase == phase; ++i) {
            Task& t = tasks_[i];
            // Due if one of its times (offset + k·period, in base ticks) falls in this tick.
            Tick const b0 = clock_.base_of(tick);
            Tick const b1 = clock_.base_of(tick + 1);
            Tick const k = b0 <= t.offset ? 0 : (b0 - t.offset + t.period - 1) / t.period;
            if (t.offset + k * t.period < b1) {
                run_task(t, ctx);
            }
        }
        if (phase == Phase::Commit) {
            for (auto& [kind, store] : stores_) {
                store->commit();
            }
        }
    }

    if (opt_.check_invariants) {
        t0 = std::chrono::steady_clock::now();
        for (auto const& m : models_) {
            m->check_invariants(ctx);
        }
        check_s_ += seconds_since(t0);
    }
    clock_.advance();
    Tick const done = clock_.tick();
    if (clock_.base_of(done) / opt_.record_every > clock_.base_of(done - 1) / opt_.record_every ||
        clock_.done()) {
        t0 = std::chrono::steady_clock::now();
        recorder_.record(clock_.time_of(done));
        record_s_ += seconds_since(t0);
    }
}

void Engine::run(std::function<void(Tick, Tick)> const& progress) {
    while (!clock_.done()) {
        step();
        if (progress) {
            progress(clock_.tick(), clock_.total_ticks());
        }
    }
}

Report Engine::report() const {
    Report r(world_.zones, comm_);
    for (auto const& m : models_) {
        r.set_replicated(m->replicated());
        m->report(r);
    }
    r.set_replicated(false);
    return r;
}

bool Engine::checkpointable(std::string* blocker) const {
    for (auto const& m : models_) {
        if (!m->checkpointable()) {
            if (blocker != nullptr) {
                *blocker = std::string(m->name());
            }
            return false;
        }
    }
    return true;
}

void Engine::save(CheckpointWriter& w) const {
    w.put_value("tick", clock_.tick());
    auto rec = w.child("recorder");
    rec.put("times", recorder_.times());
    for (std::size_t i = 0; i < recorder_.series().size(); ++i) {
        rec.put("series." + std::to_string(i), recorder_.series()[i].values);
    }
    auto const& ev = recorder_.events();
    rec.put("events.time_s", ev.time_s);
    rec.put("events.kind", ev.kind);
    rec.put("events.subject", ev.subject);
    rec.put("events.count", ev.count);
    auto const baselines = recorder_.event_baselines();
    for (std::size_t i = 0; i < baselines.size(); ++i) {
        rec.put("events.baseline." + std::to_string(i), baselines[i]);
    }
    auto stores = w.child("agents");
    for (auto const& [kind, store] : stores_) {
        auto s = stores.child(kind);
        store->save(s);
    }
    auto world = w.child("world");
    auto const& st = world_.roads.state();
    world.put("edge_open", st.open);
    world.put("edge_capacity_factor", st.capacity_factor);
    world.put("edge_occupancy", st.occupancy);
    world.put_value("edge_version", st.version);
    world.put("facility_occupancy", world_.facilities.occupancy());
    world.put("facility_open", world_.facilities.open());
    world.put("tsunami_depth_m", world_.tsunami_depth_m.data);
    for (auto const& [name, layer] : world_.layers) {
        world.put("layer." + name, layer.data);
    }
    auto models = w.child("models");
    for (auto const& m : models_) {
        auto g = models.child(std::string(m->name()));
        m->save(g);
    }
}

void Engine::load(CheckpointReader const& r) {
    Tick tick = 0;
    r.get_value("tick", tick);
    auto rec = r.child("recorder");
    std::vector<double> times;
    rec.get("times", times);
    std::vector<std::vector<double>> values(recorder_.series().size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        rec.get("series." + std::to_string(i), values[i]);
    }
    recorder_.restore(std::move(times), std::move(values));
    EventRows ev;
    rec.get("events.time_s", ev.time_s);
    rec.get("events.kind", ev.kind);
    rec.get("events.subject", ev.subject);
    rec.get("events.count", ev.count);
    std::vector<std::vector<std::int64_t>> baselines(recorder_.event_baselines().size());
    for (std::size_t i = 0; i < baselines.size(); ++i) {
        rec.get("events.baseline." + std::to_string(i), baselines[i]);
    }
    recorder_.restore_events(std::move(ev), std::move(baselines));
    auto stores = r.child("agents");
    for (auto& [kind, store] : stores_) {
        store->load(stores.child(kind));
    }
    auto world = r.child("world");
    auto& st = world_.roads.state();
    world.get("edge_open", st.open);
    world.get("edge_capacity_factor", st.capacity_factor);
    world.get("edge_occupancy", st.occupancy);
    world.get_value("edge_version", st.version);
    world.get("facility_occupancy", world_.facilities.occupancy());
    world.get("facility_open", world_.facilities.open());
    world.get("tsunami_depth_m", world_.tsunami_depth_m.data);
    for (auto& [name, layer] : world_.layers) {
        world.get("layer." + name, layer.data);
    }
    auto models = r.child("models");
    for (auto& m : models_) {
        m->load(models.child(std::string(m->name())));
    }
    clock_.reset(tick);
    events_.discard_before(tick);
}

std::vector<Engine::TaskTiming> Engine::timings() const {
    std::vector<TaskTiming> out;
    for (auto const& t : tasks_) {
        out.push_back(TaskTiming{t.name, t.phase, t.seconds, t.runs});
    }
    return out;
}

} // namespace tsunagi
