#pragma once
// The `tsunagi` subcommands. Each returns the process exit code; errors propagate as
// tsunagi::Error and are mapped to exit codes in main().

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/batch.hpp>
#include <tsunagi/core/simulation.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tsunagi::cli {

struct RunArgs {
    std::string scenario;
    std::string output;              // empty: out/<scenario name>.h5
    int threads = 0;
    std::optional<std::int64_t> seed;
    std::vector<std::string> sets;   // key.path=value overrides
    bool check_invariants = false;
    bool quiet = false;
    double checkpoint_every_s = 0.0; // 0: no checkpoints
    std::string checkpoint_prefix;   // default: <output without .h5>.ckpt
    std::string restart;             // resume from this checkpoint (SCENARIO not needed)
    std::size_t chunk_size = 0;      // 0: the engine's default (testing aid)
    int fail_rank = -1;              // testing aid: this rank throws at fail_tick
    std::int64_t fail_tick = 10;
    // Set by main() under mpiexec: the world communicator and the graph partitioner.
    std::shared_ptr<Communicator> comm;
    std::function<std::vector<std::int32_t>(World const&, Communicator&)> partitioner;
    std::function<std::pair<std::int64_t, std::int64_t>()> parallel_io;
};

int run_command(RunArgs const& a);
int validate_command(RunArgs const& a);

struct BatchArgs {
    std::string sweep;
    std::string output;              // empty: out/<batch name>.h5
    int threads = 0;
    std::vector<std::string> sets;   // overrides for every member's scenario
    bool quiet = false;
    // Set by main() under mpiexec: runs the members on groups of ranks (hpc/ensemble) and
    // returns them on rank 0; `rank` is this process's world rank.
    std::function<std::vector<MemberResult>(BatchSpec const&, int threads,
                                            std::filesystem::path const& scratch)>
        ensemble;
    int rank = 0;
};
int batch_command(BatchArgs const& a);

struct InfoArgs {
    std::string file;
    bool scenario = false; // print the resolved scenario YAML
    bool zones = false;    // print KPIs by zone
};
int info_command(InfoArgs const& a);

// Replaces this process with `python3 -m tsunagi.plot ARGS...` (figures from an output file),
// with the package found next to the executable; returns only if that fails (throws Error).
int plot_command(std::vector<std::string> const& args);

} // namespace tsunagi::cli
