#include "commands.hpp"

#include "progress_bar.hpp"

#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/parallel.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/io/run_output.hpp>
#include <tsunagi/models/all_models.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

namespace tsunagi::cli {

namespace {

Scenario load_scenario(RunArgs const& a) {
    if (a.seed && *a.seed < 0) {
        throw ScenarioError(fmt::format("--seed {}: a seed is a whole number ≥ 0. Fix: e.g. --seed "
                                        "42",
                                        *a.seed));
    }
    if (a.threads > 4096) {
        throw ScenarioError(fmt::format("--threads {}: at most 4096. Fix: give the number of cores "
                                        "to use (0 = all)",
                                        a.threads));
    }
    if (a.threads > hardware_threads()) {
        spdlog::warn("--threads {} is more than the {} hardware threads here; results are the same, "
                     "but slower",
                     a.threads, hardware_threads());
    }
    Scenario s = Scenario::load(a.scenario);
    for (auto const& kv : a.sets) {
        s.set(kv);
    }
    if (a.seed) {
        s.set("scenario.seed", std::to_string(*a.seed));
    }
    return s;
}

// out/<scenario name>.h5, with the name made safe as a file name (no directories).
std::filesystem::path default_output(Scenario const& s) {
    std::string name = s.get("scenario.name").value_or("unnamed");
    for (char& c : name) {
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
            c = '_';
        }
    }
    while (!name.empty() && (name.front() == '.' || name.front() == ' ')) {
        name.erase(name.begin());
    }
    if (name.empty()) {
        name = "unnamed";
    }
    return std::filesystem::path("out") / (name + ".h5");
}

RunOptions run_options(RunArgs const& a) {
    RunOptions opt;
    opt.threads = a.threads;
    if (a.check_invariants) {
        opt.check_invariants = true;
    }
    opt.chunk_size = a.chunk_size;
    opt.comm = a.comm;
    opt.partitioner = a.partitioner;
    opt.parallel_io = a.parallel_io;
    opt.fail_rank = a.fail_rank;
    opt.fail_tick = a.fail_tick;
    return opt;
}

bool is_root(RunArgs const& a) { return !a.comm || a.comm->rank() == 0; }

std::string format_value(Report::Value const& v) {
    if (auto const* i = std::get_if<std::int64_t>(&v)) {
        return fmt::format("{}", *i);
    }
    return fmt::format("{:.6g}", std::get<double>(v));
}

std::string format_meta(RunOutput::MetaValue const& v) {
    if (auto const* i = std::get_if<std::int64_t>(&v)) {
        return fmt::format("{}", *i);
    }
    if (auto const* d = std::get_if<double>(&v)) {
        return fmt::format("{:.6g}", *d);
    }
    return std::get<std::string>(v);
}

void print_kpis(std::vector<Report::Kpi> const& kpis) {
    std::size_t w = 3;
    for (auto const& k : kpis) {
        w = std::max(w, k.name.size());
    }
    fmt::print("\n  {:<{}}  {:>14}  {}\n", "KPI", w, "value", "meaning");
    for (auto const& k : kpis) {
        std::string unit = k.unit == "persons" ? "" : " " + k.unit;
        fmt::print("  {:<{}}  {:>14}  {}\n", k.name, w, format_value(k.value) + unit,
                   k.description);
    }
}

} // namespace

int run_command(RunArgs const& a) {
    bool const root = is_root(a);
    std::unique_ptr<Simulation> simp;
    std::filesystem::path out;
    if (!a.restart.empty()) {
        if (!a.scenario.empty() || !a.sets.empty() || a.seed) {
            throw ScenarioError("--restart resumes the scenario stored in the checkpoint; a "
                                "SCENARIO, --set or --seed cannot be given with it. Fix: drop them");
        }
        out = a.output.empty() ? std::filesystem::path("out") / "restarted.h5"
                               : std::filesystem::path(a.output);
        if (root) {
            check_output_path(out);
        }
        simp = Simulation::restart(a.restart, run_options(a), default_model_registry());
    } else {
        if (a.scenario.empty()) {
            throw ScenarioError("tsunagi run needs a SCENARIO file (or --restart CHECKPOINT). Fix: "
                                "e.g. tsunagi run scenarios/demo.yaml");
        }
        Scenario scenario = load_scenario(a);
        out = a.output.empty() ? default_output(scenario) : std::filesystem::path(a.output);
        if (root) {
            check_output_path(out); // fail now, not after a long run
        }
        simp = std::make_unique<Simulation>(std::move(scenario), run_options(a),
                                            default_model_registry());
    }
    Simulation& sim = *simp;
    bool const quiet = a.quiet || !root;
    Tick checkpoint_ticks = 0;
    std::filesystem::path prefix;
    if (a.checkpoint_every_s > 0.0) {
        double const n = a.checkpoint_every_s / sim.config().tick_s;
        checkpoint_ticks = static_cast<Tick>(std::llround(n));
        if (checkpoint_ticks < 1 || std::abs(n - static_cast<double>(checkpoint_ticks)) > 1e-9 * n) {
            throw ScenarioError(fmt::format("--checkpoint-every {}: not a whole number of base "
                                            "ticks of {} s. Fix: use a multiple of scenario.tick_s",
                                            a.checkpoint_every_s, sim.config().tick_s));
        }
        prefix = a.checkpoint_prefix.empty() ? std::filesystem::path(out).replace_extension(".ckpt")
                                             : std::filesystem::path(a.checkpoint_prefix);
        std::string blocker;
        if (!sim.engine().checkpointable(&blocker)) {
            throw ScenarioError(fmt::format("--checkpoint-every: the model '{}' cannot be "
                                            "checkpointed yet. Fix: run without checkpoints",
                                            blocker));
        }
    }

    if (!quiet) {
        fmt::print(stderr, "tsunagi {}: {} — {} residents, {} ticks of {} s, {} thread(s)\n",
                   version(), sim.config().name, sim.world().total_population(),
                   sim.engine().clock().total_ticks(), sim.config().tick_s,
                   sim.engine().pool().threads());
    }
    Clock const& clock = sim.engine().clock();
    ProgressBar bar(clock.total_ticks(), [&clock](std::int64_t t) { return clock.time_of(t); },
                    stderr, !quiet);
    // Checkpoints every checkpoint_every_s of simulated time: after the tick that reaches or
    // passes each multiple (ticks may get longer during the run, see scenario.coarse_tick_s).
    Tick const every_base = checkpoint_ticks;
    sim.run([&](Tick done, Tick total) {
        bar.update(done);
        if (every_base > 0 && done > 0 && done < total &&
            clock.base_of(done) / every_base > clock.base_of(done - 1) / every_base) {
            auto const file = fmt::format("{}_t{}.h5", prefix.string(), done);
            sim.write_checkpoint(file);
            if (!quiet) {
                spdlog::info("checkpoint {}", file);
            }
        }
    });
    bar.finish();
    sim.write(out);

    RunOutput const res = sim.output();
    if (!quiet) {
        fmt::print("{} ({}): seed {}, {} threads{}\n", sim.config().name, sim.world().name,
                   sim.config().seed, sim.engine().pool().threads(),
                   a.comm ? fmt::format(" × {} ranks", a.comm->size()) : std::string());
        print_kpis(res.kpis);
        std::error_code ec;
        auto const size = std::filesystem::file_size(out, ec);
        fmt::print("\nwrote {} ({:.1f} MB) - set-up {:.2f} s, simulation {:.2f} s\n", out.string(),
                   static_cast<double>(size) / 1.0e6, sim.init_seconds(), sim.run_seconds());
    }
    return 0;
}

int validate_command(RunArgs const& a) {
    Scenario scenario = load_scenario(a);
    Simulation sim(std::move(scenario), run_options(a), default_model_registry());
    if (!is_root(a)) {
        return 0;
    }
    auto rows = sim.describe();
    std::size_t w = 0;
    for (auto const& [k, v] : rows) {
        w = std::max(w, k.size());
    }
    for (auto const& [k, v] : rows) {
        fmt::print("  {:<{}}  {}\n", k, w, v);
    }
    fmt::print("OK: {} is valid\n", a.scenario);
    return 0;
}

int batch_command(BatchArgs const& a) {
    auto const registry = default_model_registry();
    BatchSpec const spec = BatchSpec::load(a.sweep, registry, a.sets);
    std::filesystem::path const out =
        a.output.empty() ? std::filesystem::path("out") / (spec.name + ".h5")
                         : std::filesystem::path(a.output);
    bool const root = a.rank == 0;
    if (root) {
        check_output_path(out);
        if (!a.quiet) {
            fmt::print(stderr, "tsunagi {}: batch {} — {} variants × {} seeds = {} members\n",
                       version(), spec.name, spec.variants.size(), spec.seeds.size(),
                       spec.member_count());
        }
    }
    auto report = [&](MemberResult const& r) {
        if (a.quiet) {
            return;
        }
        auto const& v = spec.variants[spec.variant_of(r.index)];
        fmt::print(stderr, "  member {:>3}/{}: {} seed {}: {} ({:.1f} s)\n", r.index + 1,
                   spec.member_count(), v.name, spec.seed_of(r.index),
                   r.ok ? "ok" : "FAILED: " + r.error, r.wall_s);
    };
    std::vector<MemberResult> results;
    if (a.ensemble) {
        std::filesystem::path scratch = out;
        scratch += ".members";
        results = a.ensemble(spec, a.threads, scratch);
    } else {
        for (std::size_t i = 0; i < spec.member_count(); ++i) {
            RunOptions opt;
            opt.threads = a.threads;
            results.push_back(run_batch_member(spec, i, opt, registry));
            report(results.back());
        }
    }
    if (!root) {
        return 0;
    }
    BatchSummary const summary = summarize(spec, results);
    write_batch_output(out, spec, results, summary);
    std::size_t failed = 0;
    for (auto const& r : results) {
        failed += r.ok ? 0 : 1;
    }
    if (!a.quiet) {
        fmt::print("{}\n{}", spec.name, format_summary(spec, summary));
        for (auto const& r : results) {
            if (!r.ok) {
                fmt::print("  member {} ({} seed {}) failed: {}\n", r.index,
                           spec.variants[spec.variant_of(r.index)].name, spec.seed_of(r.index),
                           r.error);
            }
        }
        fmt::print("\nwrote {} ({} members, {} failed)\n", out.string(), results.size(), failed);
    }
    return failed == 0 ? 0 : 1;
}

int info_command(InfoArgs const& a) {
    RunOutput const out = read_run_output(a.file);
    fmt::print("{}\n", a.file);
    for (char const* key : {"scenario_name", "scenario_file", "version", "git_revision",
                            "build_type", "seed", "threads", "ranks", "tick_s", "duration_s",
                            "ticks_run", "world_source"}) {
        if (auto const* v = out.find_meta(key)) {
            fmt::print("  {:<14} {}\n", key, format_meta(*v));
        }
    }
    for (auto const& [k, v] : out.run) {
        if (k == "created_utc" || k == "run_time_s" || k == "init_time_s") {
            fmt::print("  {:<14} {}\n", k, format_meta(v));
        }
    }
    if (auto const* v = out.find_meta("inputs")) {
        auto const s = format_meta(*v);
        if (!s.empty()) {
            fmt::print("  inputs:\n    {}\n", s.substr(0, s.size() - 1));
        }
    }
    print_kpis(out.kpis);
    fmt::print("\n  time series ({} samples, {} zones): ", out.times_s.size(), out.zones.size());
    for (std::size_t i = 0; i < out.series.size(); ++i) {
        fmt::print("{}{}", i ? ", " : "", out.series[i].name);
    }
    fmt::print("\n");
    if (!out.event_kinds.empty()) {
        std::vector<std::int64_t> total(out.event_kinds.size(), 0);
        for (std::size_t i = 0; i < out.events.size(); ++i) {
            if (out.events.kind[i] < total.size()) {
                total[out.events.kind[i]] += out.events.count[i];
            }
        }
        fmt::print("  events ({} rows): ", out.events.size());
        for (std::size_t k = 0; k < total.size(); ++k) {
            fmt::print("{}{} {}", k ? ", " : "", out.event_kinds[k].name, total[k]);
        }
        fmt::print("\n");
    }
    if (a.zones && !out.by_zone.empty()) {
        fmt::print("\n  {:<6} {:<24}", "zone", "name");
        for (auto const& k : out.by_zone) {
            fmt::print(" {:>15}", k.name);
        }
        fmt::print("\n");
        for (std::size_t z = 0; z < out.zones.size(); ++z) {
            fmt::print("  {:<6} {:<24}", out.zones[z].code, out.zones[z].name);
            for (auto const& k : out.by_zone) {
                std::visit([&](auto const& v) { fmt::print(" {:>15}", v.at(z)); }, k.values);
            }
            fmt::print("\n");
        }
    }
    if (a.scenario) {
        if (auto const* v = out.find_meta("scenario")) {
            fmt::print("\n# resolved scenario\n{}", format_meta(*v));
        }
    }
    return 0;
}

namespace {

// Where the Python package is: $TSUNAGI_PYTHONPATH, the build tree (bin/../python) or an
// installation (bin/../lib/tsunagi/python). Empty if none holds tsunagi/plot.py.
std::filesystem::path find_python_package() {
    std::vector<std::filesystem::path> candidates;
    if (char const* env = std::getenv("TSUNAGI_PYTHONPATH"); env != nullptr && *env != '\0') {
        candidates.emplace_back(env);
    }
    std::error_code ec;
    auto const exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(exe.parent_path().parent_path() / "python");
        candidates.push_back(exe.parent_path().parent_path() / "lib" / "tsunagi" / "python");
    }
    for (auto const& c : candidates) {
        if (std::filesystem::is_regular_file(c / "tsunagi" / "plot.py", ec)) {
            return c;
        }
    }
    return {};
}

} // namespace

int plot_command(std::vector<std::string> const& args) {
    auto const pkg = find_python_package();
    if (pkg.empty()) {
        throw Error("tsunagi plot needs the Python package tsunagi, which is built with the "
                    "engine (build/<preset>/python). Fix: run `make demo` (or cmake --build "
                    "--preset release), or set TSUNAGI_PYTHONPATH to the directory holding "
                    "tsunagi/");
    }
    std::string path = pkg.string();
    if (char const* old = std::getenv("PYTHONPATH"); old != nullptr && *old != '\0') {
        path += ":" + std::string(old);
    }
    ::setenv("PYTHONPATH", path.c_str(), 1);
    std::string const python = TSUNAGI_PYTHON_EXECUTABLE;
    std::vector<std::string> argv_s{python, "-m", "tsunagi.plot"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    ::execv(python.c_str(), argv.data());
    throw Error(fmt::format("tsunagi plot: cannot run {} ({}). Fix: install Debian's python3 "
                            "(scripts/install-deps)",
                            python, std::strerror(errno)));
}

} // namespace tsunagi::cli
