// tsunagi - command-line driver. Exit codes: 0 success, 2 bad input (scenario, data, usage,
// output path), 1 internal error.

#include "commands.hpp"
#include "config.hpp"

#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/log.hpp>
#include <tsunagi/models/all_models.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <memory>

#if TSUNAGI_HAVE_MPI
#include <tsunagi/hpc/ensemble.hpp>
#include <tsunagi/hpc/mpi_communicator.hpp>
#include <tsunagi/hpc/mpi_runtime.hpp>
#include <tsunagi/hpc/parallel_hdf5.hpp>
#include <tsunagi/hpc/partition.hpp>
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

void add_run_options(CLI::App* cmd, tsunagi::cli::RunArgs& a, bool full) {
    auto* scenario =
        cmd->add_option("SCENARIO", a.scenario, "scenario YAML file, e.g. scenarios/demo.yaml");
    if (!full) {
        scenario->required();
    }
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
        cmd->add_option("--checkpoint-every", a.checkpoint_every_s,
                        "write a checkpoint every S simulated seconds")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--checkpoint-prefix", a.checkpoint_prefix,
                        "checkpoint files are PREFIX_t<tick>.h5 (default: the output's name .ckpt)");
        cmd->add_option("--restart", a.restart,
                        "resume the run stored in this checkpoint (instead of SCENARIO)");
        cmd->add_option("--chunk-size", a.chunk_size,
                        "rows per parallel work chunk (default 16384; tests use small chunks to "
                        "exercise parallel kernels at small scale)")
            ->check(CLI::PositiveNumber)
            ->group(""); // hidden: a testing aid
        cmd->add_option("--test-fail-rank", a.fail_rank,
                        "testing aid: make this rank fail at --test-fail-tick")
            ->group("");
        cmd->add_option("--test-fail-tick", a.fail_tick, "testing aid")->group("");
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

    tsunagi::cli::BatchArgs batch_args;
    auto* batch = app.add_subcommand(
        "batch", "run a sweep (variants × seeds) and write a comparison table and every result");
    batch->add_option("SWEEP", batch_args.sweep, "sweep file (YAML with a batch: section)")
        ->required();
    batch->add_option("-o,--output", batch_args.output, "output file (default out/<name>.h5)");
    batch->add_option("--threads", batch_args.threads, "worker threads per rank (default: all)")
        ->check(CLI::NonNegativeNumber);
    batch->add_option("--set", batch_args.sets, "override a key of every member's scenario")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    batch->add_flag("-q,--quiet", batch_args.quiet, "no progress lines or table");

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
    if (plot->parsed()) { // before any MPI set-up: it replaces this process with python3
        try {
            return tsunagi::cli::plot_command(plot->remaining());
        } catch (tsunagi::Error const& e) {
            fmt::print(stderr, "tsunagi: error: {}\n", e.what());
            return kExitInternal;
        }
    }
    // Under mpiexec/srun every rank runs this; rank 0 prints and writes. A rank that fails ends
    // the whole job at once with a message naming it (never a hang in a collective).
    std::function<void(int, std::string const&)> fail = [](int, std::string const&) {};
#if TSUNAGI_HAVE_MPI
    std::unique_ptr<tsunagi::hpc::MpiRuntime> mpi;
    if (tsunagi::hpc::launched_under_mpi()) {
        mpi = std::make_unique<tsunagi::hpc::MpiRuntime>(argc, argv);
        for (auto* a : {&run_args, &validate_args}) {
            a->comm = mpi->world();
            a->partitioner = tsunagi::hpc::partition_and_broadcast;
            auto const world = std::static_pointer_cast<tsunagi::hpc::MpiCommunicator>(mpi->world());
            a->parallel_io = [world] {
                return std::pair{tsunagi::hpc::mpio_file_access(*world),
                                 tsunagi::hpc::collective_transfer()};
            };
        }
        auto const world = std::static_pointer_cast<tsunagi::hpc::MpiCommunicator>(mpi->world());
        batch_args.rank = world->rank();
        batch_args.ensemble = [world, &batch_args](tsunagi::BatchSpec const& spec, int threads,
                                                   std::filesystem::path const& scratch) {
            tsunagi::hpc::EnsembleOptions eo;
            eo.threads = threads;
            eo.scratch = scratch;
            if (!batch_args.quiet) {
                eo.on_done = [world, &spec](std::size_t m, tsunagi::MemberResult const& r) {
                    fmt::print(stderr, "  member {:>3}/{} on rank {}: {} seed {}: {} ({:.1f} s)\n",
                               m + 1, spec.member_count(), world->rank(),
                               spec.variants[spec.variant_of(m)].name, spec.seed_of(m),
                               r.ok ? "ok" : "FAILED: " + r.error, r.wall_s);
                };
            }
            return tsunagi::hpc::run_ensemble(spec, world, tsunagi::default_model_registry(), eo);
        };
        if (mpi->size() > 1) {
            fail = [&mpi](int code, std::string const& message) { mpi->abort(code, message); };
        }
        if (mpi->rank() != 0) {
            tsunagi::init_logging(log_level == "warn" ? "error" : log_level);
        }
    }
#endif
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
        if (batch->parsed()) {
            return tsunagi::cli::batch_command(batch_args);
        }
    } catch (tsunagi::InputError const& e) {
        fail(kExitBadInput, fmt::format("error: {}", e.what()));
        fmt::print(stderr, "\ntsunagi: error: {}\n", e.what());
        return kExitBadInput;
    } catch (tsunagi::Error const& e) {
        fail(kExitInternal, fmt::format("internal error: {}", e.what()));
        fmt::print(stderr, "\ntsunagi: internal error: {}\nPlease report this with the scenario "
                           "and command line.\n",
                   e.what());
        return kExitInternal;
    } catch (std::exception const& e) {
        fail(kExitInternal, fmt::format("internal error: {}", e.what()));
        fmt::print(stderr, "\ntsunagi: internal error: {}\n", e.what());
        return kExitInternal;
    }
    return kExitOk;
}
