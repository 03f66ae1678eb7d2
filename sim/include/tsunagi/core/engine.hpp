#pragma once
// The engine: owns the clock, the event queue, the agent stores, the thread pool and the schedule,
// and runs models tick by tick:
//   events due → sense → decide → move → commit (staged births/deaths applied) → exchange → record
// Tasks within a phase run in registration order; each task runs in parallel over its chunks.

#include <tsunagi/core/clock.hpp>
#include <tsunagi/core/event_config.hpp>
#include <tsunagi/core/event_queue.hpp>
#include <tsunagi/core/model.hpp>
#include <tsunagi/core/parallel.hpp>
#include <tsunagi/core/recorder.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tsunagi {

class AgentStore;
class Communicator;
struct World;

struct EngineOptions {
    double tick_s = 1.0;
    Tick total_ticks = 3600;
    std::uint64_t seed = 1;
    int threads = 0;                 // <= 0: all hardware threads
    bool check_invariants = false;   // run every model's checks after every tick
    std::size_t chunk_size = 4096;   // rows per chunk (fixed: results do not depend on threads)
    Tick record_every = 60;          // ticks between time-series samples
    EventConfig event;               // the scenario's `event:` section
    // Testing aid: throw ModelError on this rank when this tick starts (-1: never).
    int fail_rank = -1;
    Tick fail_tick = 0;
};

class Engine {
public:
    Engine(World& world, EngineOptions options, Communicator& comm);
    ~Engine();
    Engine(Engine const&) = delete;
    Engine& operator=(Engine const&) = delete;

    void add_model(std::unique_ptr<Model> model); // configured already
    // Declares and initialises every model, then records the state at t = 0.
    void initialize();
    // Runs one tick.
    void step();
    // Runs to the end; progress(ticks_done, total) after every tick.
    void run(std::function<void(Tick, Tick)> const& progress = {});
    // Collects every model's KPIs.
    Report report() const;

    World& world() noexcept { return world_; }
    Clock const& clock() const noexcept { return clock_; }
    EventQueue& events() noexcept { return events_; }
    Recorder& recorder() noexcept { return recorder_; }
    Recorder const& recorder() const noexcept { return recorder_; }
    Communicator& comm() noexcept { return comm_; }
    ThreadPool const& pool() const noexcept { return pool_; }
    EngineOptions const& options() const noexcept { return opt_; }
    AgentStore& agents(std::string const& kind);
    std::map<std::string, std::unique_ptr<AgentStore>> const& stores() const noexcept {
        return stores_;
    }
    std::vector<std::unique_ptr<Model>> const& models() const noexcept { return models_; }
    bool initialized() const noexcept { return initialized_; }

    struct TaskTiming {
        std::string name;
        Phase phase;
        double seconds;
        std::int64_t runs;
    };
    std::vector<TaskTiming> timings() const;
    double events_seconds() const noexcept { return events_s_; }
    double record_seconds() const noexcept { return record_s_; }
    double check_seconds() const noexcept { return check_s_; }

    TickContext context() noexcept; // for the current tick

    // Checkpoints: the clock, the samples so far, every agent store, the world's dynamic state
    // and every model's state. load() follows initialize() of a run built from the same scenario.
    bool checkpointable(std::string* blocker = nullptr) const;
    void save(CheckpointWriter& w) const;
    void load(CheckpointReader const& r);

private:
    friend class ModelBuilder;
    struct Task {
        std::string name;
        Phase phase;
        Tick period;
        Tick offset;
        AgentStore* store = nullptr;            // chunked over a store
        std::function<std::size_t()> size;      // or over a range
        ChunkTask chunk_fn;
        GlobalTask global_fn;                    // or once
        double seconds = 0.0;
        std::int64_t runs = 0;
    };
    void add_task(Task t);
    void run_task(Task& t, TickContext const& ctx);

    World& world_;
    EngineOptions opt_;
    Communicator& comm_;
    Clock clock_;
    EventQueue events_;
    ThreadPool pool_;
    Recorder recorder_;
    std::vector<std::unique_ptr<Model>> models_;
    std::map<std::string, std::unique_ptr<AgentStore>> stores_;
    std::vector<Task> tasks_;
    bool initialized_ = false;
    double events_s_ = 0.0, record_s_ = 0.0, check_s_ = 0.0;
};

} // namespace tsunagi
