#pragma once
// One simulation run, from a scenario to an output file: reads every section, rejects unknown
// keys, builds the world, creates and initialises the models, runs, and assembles the output.
// The CLI and the Python bindings both drive runs through this class.

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/engine.hpp>
#include <tsunagi/core/model_registry.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/io/run_output.hpp>
#include <tsunagi/world/synthetic.hpp>
#include <tsunagi/world/world.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tsunagi {

// The `scenario:` section.
struct RunConfig {
    std::string name = "unnamed";
    std::string description;
    std::uint64_t seed = 1;
    double duration_s = 7200.0;
    double tick_s = 1.0;
    static RunConfig from(ConfigNode const& node);
};

// The `output:` section.
struct OutputConfig {
    double record_every_s = 60.0;
    bool world_layers = true; // write /world (rasters, roads, facilities) for maps and GIS export
    static OutputConfig from(ConfigNode const& node);
};

struct RunOptions {
    int threads = 0;                       // <= 0: all hardware threads
    std::optional<bool> check_invariants;  // default: on in debug builds
    std::shared_ptr<Communicator> comm;    // default: serial
    std::size_t chunk_size = 0;            // 0: EngineOptions' default
    // Node → rank map for runs on several ranks (the MPI driver passes METIS; hpc/).
    std::function<std::vector<std::int32_t>(World const&, Communicator&)> partitioner;
    // With several ranks: MPI-IO file-access and collective transfer property lists for one
    // collectively written output file (hpc/); without them rank 0 writes the file alone.
    std::function<std::pair<std::int64_t, std::int64_t>()> parallel_io;
    bool validate_only = false; // read and check every section, build nothing (Simulation::check)
    int fail_rank = -1; // testing aid: this rank throws at fail_tick
    Tick fail_tick = 0;
};

class Simulation {
public:
    // Reads and validates the whole scenario, builds the world and initialises the models.
    // Throws ScenarioError / DataError on bad input.
    Simulation(Scenario scenario, RunOptions options, ModelRegistry const& registry);
    ~Simulation();

    // Reads and checks every section of a scenario (types, ranges, unknown keys) without building
    // the world: cheap, for validating batch variants up front. Throws ScenarioError.
    static void check(Scenario scenario, ModelRegistry const& registry);

    // Runs to the end (progress(ticks_done, total_ticks) after each tick).
    void run(std::function<void(Tick, Tick)> const& progress = {});
    void step(Tick n = 1);
    bool done() const noexcept;

    RunOutput output() const;
    void write(std::filesystem::path const& path) const;

    // Checkpoints. Every rank writes its own file (`<stem>.rank<r>.h5` when there are several
    // ranks); restart() builds the run again from the scenario stored in the checkpoint, on the
    // same number of ranks, and restores its state. Throws InputError if a model of the run
    // cannot be checkpointed, or the checkpoint does not fit.
    void write_checkpoint(std::filesystem::path const& path) const;
    static std::unique_ptr<Simulation> restart(std::filesystem::path const& path,
                                               RunOptions options, ModelRegistry const& registry);
    static std::filesystem::path checkpoint_file(std::filesystem::path const& path, int rank,
                                                 int ranks);

    // What was loaded, as (item, value) rows - printed by `tsunagi validate`.
    std::vector<std::pair<std::string, std::string>> describe() const;

    Scenario const& scenario() const noexcept { return scenario_; }
    RunConfig const& config() const noexcept { return run_; }
    World& world() noexcept { return *world_; }
    World const& world() const noexcept { return *world_; }
    Engine& engine() noexcept { return *engine_; }
    Engine const& engine() const noexcept { return *engine_; }
    double init_seconds() const noexcept { return init_s_; }
    double run_seconds() const noexcept { return run_s_; }

private:
    Scenario scenario_;
    RunConfig run_;
    OutputConfig out_;
    EventConfig event_;
    std::string world_source_;
    SyntheticConfig synthetic_;
    SyntheticReport synthetic_report_;
    std::shared_ptr<Communicator> comm_;
    std::function<std::pair<std::int64_t, std::int64_t>()> parallel_io_;
    std::unique_ptr<World> world_;
    std::unique_ptr<Engine> engine_;
    std::vector<std::pair<std::string, std::string>> inputs_; // (file, sha256)
    double init_s_ = 0.0;
    double run_s_ = 0.0;
};

} // namespace tsunagi
