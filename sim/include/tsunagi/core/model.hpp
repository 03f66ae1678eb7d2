#pragma once
// A model plugs into the engine by declaring what it owns (agent fields, time series) and when it
// runs (period, phase); the engine owns scheduling and storage. Models never call each other:
// they read and write the shared World and post events.

#include <tsunagi/core/clock.hpp>
#include <tsunagi/core/config.hpp>
#include <tsunagi/core/event_config.hpp>
#include <tsunagi/core/parallel.hpp>
#include <tsunagi/core/rng.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tsunagi {

class AgentStore;
class CheckpointReader;
class CheckpointWriter;
class Communicator;
class Engine;
class EventQueue;
class Recorder;
class Report;
struct World;

// What a task sees in one tick. Times are seconds since the main shock.
struct TickContext {
    Tick tick;
    double time_s;     // start of this tick
    double end_time_s; // end of this tick: the state after Move is the state at this time
    double dt;         // this tick's length (the base tick, or the coarse tick later in a run)
    std::uint64_t seed;
    World& world;
    EventQueue& events;
    ThreadPool const& pool;
    Clock const& clock; // to turn times into ticks (Clock::tick_at)

    // Random numbers for one entity in this tick (see rng.hpp).
    Rng rng(Stream s, std::uint64_t id) const noexcept { return Rng(seed, s, id, tick); }
};

using ChunkTask = std::function<void(Chunk const&, TickContext const&)>;
using GlobalTask = std::function<void(TickContext const&)>;

class ModelBuilder {
public:
    ModelBuilder(Engine& engine, std::string model) : engine_(engine), model_(std::move(model)) {}

    // The store of an agent kind, created on first use.
    AgentStore& agents(std::string const& kind);
    World& world();
    Recorder& recorder();
    EventQueue& events();
    Communicator& comm();
    double tick_s() const;    // the base tick
    Tick total_ticks() const;
    double duration_s() const; // simulated time of the whole run
    std::uint64_t seed() const;
    EventConfig const& event() const;
    std::size_t chunk_size() const; // rows per chunk of chunked tasks (to size per-chunk buffers)

    // Runs fn over the rows of `store` in fixed-size chunks, in parallel.
    void every(Period p, Phase phase, std::string const& name, AgentStore& store, ChunkTask fn,
               Tick offset = 0);
    // Runs fn over [0, size()) in fixed-size chunks (cells, edges, ...), in parallel.
    void every(Period p, Phase phase, std::string const& name, std::function<std::size_t()> size,
               ChunkTask fn, Tick offset = 0);
    // Runs fn once (serially) - the place to schedule events or do global bookkeeping.
    void every(Period p, Phase phase, std::string const& name, GlobalTask fn, Tick offset = 0);

private:
    Engine& engine_;
    std::string model_;
};

class Model {
public:
    virtual ~Model() = default;
    // The key path of its scenario section, e.g. "evacuation" or "hazard.tsunami".
    virtual std::string_view name() const = 0;
    // Reads and validates the model's section once, into typed members.
    virtual void configure(ConfigNode const& section) = 0;
    // Registers agent fields, tasks and time series.
    virtual void declare(ModelBuilder& b) = 0;
    // After every model has declared: spawn agents, build routing, set initial state (tick 0).
    virtual void initialize(TickContext const&) {}
    // Conservation and consistency checks; throws ModelError. Run after every tick when enabled.
    virtual void check_invariants(TickContext const&) const {}
    // Final KPIs.
    virtual void report(Report&) const {}
    // Checkpoints: a model that can be checkpointed saves every piece of its dynamic state, and
    // load() (called after initialize() on restart) puts it back. Runs with a model that cannot
    // be checkpointed refuse --checkpoint-every.
    virtual bool checkpointable() const { return false; }
    // A replicated model computes world-level state (hazard fields, damage, lifelines) the same
    // way on every rank, from replicated inputs; its time series and counts are taken as they
    // are (no communication), where a distributed model's (agents split over ranks) are summed.
    virtual bool replicated() const { return false; }
    virtual void save(CheckpointWriter&) const {}
    virtual void load(CheckpointReader const&) {}
};

} // namespace tsunagi
