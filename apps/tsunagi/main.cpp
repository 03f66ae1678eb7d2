// tsunagi - command-line driver. Exit codes: 0 success, 2 bad input (scenario, data, usage,
// output path), 1 internal error.

#include "commands.hpp"

#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/log.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

void add_run_options(CLI::App* cmd, tsunagi::cli::RunArgs& a, bool full) {
    cmd->add_option("SCENARIO", a.scenario, "scenario YAML file, e.g. scenarios/demo.yaml")
        ->required();
    cmd->add_option("--set", a.sets,
                    "override a scenario key, KEY.PATH=VALUE (repeatable), e.g. --set "
                    "world.synthetic.population=20000")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--seed", a.seed, "random seed (overrides scenario.seed)");
    cmd->add_option("--threads", a.threads, "worker threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    if (full) {
        cmd->add_option("-o,--output", a.output,
                        "output HDF5 file (default: out/<scenario name>.h5)");
        cmd->add_flag("--check-invariants", a.check_invariants,
                      "check conservation and consistency after every tick (on in debug builds)");
        cmd->add_flag("-q,--quiet", a.quiet, "no progress bar or KPI summary");
        cmd->add_option("--chunk-size", a.chunk_size,
                        "rows per parallel work chunk (default 16384; tests use small chunks to "
                        "exercise parallel kernels at small scale)")
            ->check(CLI::PositiveNumber)
            ->group(""); // hidden: a testing aid
    }
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Tsunagi: disaster and relief-logistics simulator (evacuation, damage, "
                 "lifelines, shelters, supplies, coupled in one time loop)",
                 "tsunagi"};
    app.set_version_flag("--version", fmt::format("tsunagi {} ({}, {})", tsunagi::version(),
                                                  tsunagi::git_revision(),
                                                  tsunagi::build_type()));
    app.require_subcommand(1);
    std::string log_level = "warn";
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

    tsunagi::cli::RunArgs run_args;
    auto* run = app.add_subcommand("run", "run a scenario and write its results to an HDF5 file");
    add_run_options(run, run_args, true);

    tsunagi::cli::RunArgs validate_args;
    auto* validate = app.add_subcommand(
        "validate", "check a scenario and its data without running; print what was loaded");
    add_run_options(validate, validate_args, false);

    tsunagi::cli::InfoArgs info_args;
    auto* info = app.add_subcommand("info", "print the provenance and KPIs of an output file");
    info->add_option("FILE", info_args.file, "output file (.h5)")->required();
    info->add_flag("--scenario", info_args.scenario, "also print the resolved scenario YAML");
    info->add_flag("--zones", info_args.zones, "also print the KPIs of every zone");

    // Everything after `plot` goes to the Python module tsunagi.plot (its own --help).
    auto* plot = app.add_subcommand("plot", "figures, an evacuation animation and GIS layers "
                                            "from an output file (tsunagi plot OUT.h5 --help)");
    plot->prefix_command();
    plot->set_help_flag();

    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForAllHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForVersion const& e) {
        return app.exit(e);
    } catch (CLI::ParseError const& e) {
        fmt::print(stderr, "tsunagi: {}\nRun 'tsunagi --help' (or 'tsunagi run --help') for "
                           "usage.\n",
                   e.what());
        return kExitBadInput;
    }

    tsunagi::init_logging(log_level);
    try {
        if (run->parsed()) {
            return tsunagi::cli::run_command(run_args);
        }
        if (validate->parsed()) {
            return tsunagi::cli::validate_command(validate_args);
        }
        if (info->parsed()) {
            return tsunagi::cli::info_command(info_args);
        }
        if (plot->parsed()) {
            return tsunagi::cli::plot_command(plot->remaining());
        }
    } catch (tsunagi::InputError const& e) {
        fmt::print(stderr, "\ntsunagi: error: {}\n", e.what());
        return kExitBadInput;
    } catch (tsunagi::Error const& e) {
        fmt::print(stderr, "\ntsunagi: internal error: {}\nPlease report this with the scenario "
                           "and command line.\n",
                   e.what());
        return kExitInternal;
    } catch (std::exception const& e) {
        fmt::print(stderr, "\ntsunagi: internal error: {}\n", e.what());
        return kExitInternal;
    }
    return kExitOk;
}
