// Throughput and memory of a synthetic-scenario run (the foundation benchmark).
//
//   tsunagi_bench [--scenario FILE] [--population N]... [--threads T] [--duration S] [--json F]
//
// For each population: builds the synthetic world, initialises the models and runs the scenario,
// then reports
//   - active agent-updates per core-second: residents processed while waiting or walking, summed
//     over ticks, ÷ (run wall time × threads) - the work the evacuation kernel actually does;
//   - resident-ticks per core-second: every resident visited every tick, finished ones included;
//   - peak memory per resident: (peak RSS - RSS before the world was built) ÷ residents, and the
//     agent stores' exact bytes per resident;
//   - time per task (phase).
// Run it through bench/run; results and the machine are recorded in docs/benchmarks.md.

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/core/log.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/models/all_models.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Current and peak resident set size of this process, in bytes (from /proc/self/status).
std::pair<double, double> rss_bytes() {
    std::ifstream in("/proc/self/status");
    std::string line;
    double cur = 0, peak = 0;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            cur = std::stod(line.substr(6)) * 1024.0;
        } else if (line.rfind("VmHWM:", 0) == 0) {
            peak = std::stod(line.substr(6)) * 1024.0;
        }
    }
    return {cur, peak};
}

// Resets the peak-RSS high-water mark so each population is measured on its own.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Tsunagi synthetic-scenario benchmark"};
    std::string scenario_file = "scenarios/demo.yaml";
    std::vector<std::int64_t> populations;
    int threads = 0;
    double duration = 3600.0;
    std::string json;
    app.add_option("--scenario", scenario_file, "scenario to scale (default scenarios/demo.yaml)");
    app.add_option("--population", populations, "residents (repeatable; default 1e5 and 1e6)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--threads", threads, "threads (default: all cores)");
    app.add_option("--duration", duration, "simulated seconds (default 3600)");
    app.add_option("--json", json, "also write the results as JSON lines to this file");
    CLI11_PARSE(app, argc, argv);
    if (populations.empty()) {
        populations = {100000, 1000000};
    }
    tsunagi::init_logging("warn");

    std::ofstream js;
    if (!json.empty()) {
        js.open(json, std::ios::app);
    }
    fmt::print("{:>10} {:>7} {:>9} {:>9} {:>9} {:>14} {:>14} {:>10} {:>10}\n", "residents",
               "threads", "build_s", "run_s", "ticks", "active_upd/cs", "res_ticks/cs",
               "B/res_rss", "B/res_store");
    {
        // Warm-up: one-time library initialisation (PROJ database, GDAL drivers, TBB) is not
        // part of any population's memory.
        tsunagi::Scenario w = tsunagi::Scenario::load(scenario_file);
        w.set("world.synthetic.population", "1000");
        w.set("scenario.duration_s", "60");
        tsunagi::Simulation warm(std::move(w), tsunagi::RunOptions{}, tsunagi::default_model_registry());
        warm.run();
    }
    for (auto pop : populations) {
        reset_peak_rss();
        double const rss0 = rss_bytes().first;
        tsunagi::Scenario s = tsunagi::Scenario::load(scenario_file);
        s.set("world.synthetic.population", std::to_string(pop));
        s.set("scenario.duration_s", fmt::format("{}", duration));
        s.set("output.world_layers", "false");
        tsunagi::RunOptions opt;
        opt.threads = threads;
        opt.check_invariants = false;
        auto const t0 = std::chrono::steady_clock::now();
        tsunagi::Simulation sim(std::move(s), opt, tsunagi::default_model_registry());
        double const build_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sim.run();
        double const run_s = sim.run_seconds();
        auto const [rss_now, rss_peak] = rss_bytes();
        (void)rss_now;
        int const nthreads = sim.engine().pool().threads();
        auto const ticks = sim.engine().clock().total_ticks();
        std::int64_t active = 0;
        for (auto const& m : sim.engine().models()) {
            if (auto const* w = dynamic_cast<tsunagi::evacuation::EvacuationModel const*>(m.get())) {
                active += w->active_updates();
            }
        }
        auto const& store = *sim.engine().stores().at("resident");
        double const residents = static_cast<double>(store.size());
        double const core_s = run_s * nthreads;
        double const active_rate = static_cast<double>(active) / core_s;
        double const all_rate = residents * static_cast<double>(ticks) / core_s;
        double const b_rss = (rss_peak - rss0) / residents;
        fmt::print("{:>10} {:>7} {:>9.2f} {:>9.2f} {:>9} {:>14.3e} {:>14.3e} {:>10.1f} {:>10}\n",
                   pop, nthreads, build_s, run_s, ticks, active_rate, all_rate, b_rss,
                   store.bytes_per_agent());
        std::string tasks;
        for (auto const& t : sim.engine().timings()) {
            fmt::print("{:>12}{:<28} {:>8.3f} s\n", "", t.name, t.seconds);
            tasks += fmt::format("{}\"{}\": {:.4f}", tasks.empty() ? "" : ", ", t.name, t.seconds);
        }
        if (js) {
            js << fmt::format(
                "{{\"bench\": \"synthetic\", \"residents\": {}, \"threads\": {}, \"build_s\": "
                "{:.3f}, \"run_s\": {:.3f}, \"ticks\": {}, \"active_updates\": {}, "
                "\"active_updates_per_core_s\": {:.4e}, \"resident_ticks_per_core_s\": {:.4e}, "
                "\"peak_rss_bytes_per_resident\": {:.1f}, \"store_bytes_per_resident\": {}, "
                "\"tasks_s\": {{{}}}}}\n",
                pop, nthreads, build_s, run_s, ticks, active, active_rate, all_rate, b_rss,
                store.bytes_per_agent(), tasks);
        }
    }
    return 0;
}
