#pragma once
// The `tsunagi` subcommands. Each returns the process exit code; errors propagate as
// tsunagi::Error and are mapped to exit codes in main().

#include <cstdint>
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
};

int run_command(RunArgs const& a);
int validate_command(RunArgs const& a);

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
