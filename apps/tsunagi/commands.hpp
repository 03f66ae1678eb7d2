#pragma once
// The `tsunagi` subcommands. Each returns the process exit code; errors propagate as
// tsunagi::Error and are mapped to exit codes in main().

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/simulation.hpp>

#include <cstdint>
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
    std::size_t chunk_size = 0;      // 0: the engine's default (testing aid)
    int fail_rank = -1;              // testing aid: this rank throws at fail_tick
    std::int64_t fail_tick = 10;
    // Set by main() under mpiexec: the world communicator and the graph partitioner.
    std::shared_ptr<Communicator> comm;
    std::function<std::vector<std::int32_t>(World const&, Communicator&)> partitioner;
};

int run_command(RunArgs const& a);
int validate_command(RunArgs const& a);

struct InfoArgs {
    std::string file;
    bool scenario = false; // print the resolved scenario YAML
    bool zones = false;    // print KPIs by zone
};
int info_command(InfoArgs const& a);

} // namespace tsunagi::cli
