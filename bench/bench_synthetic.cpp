// Throughput, memory and memory traffic of a synthetic-scenario run (bench/run calls it).
//
//   tsunagi_bench [--scenario FILE] [--population N]... [--threads T] [--duration S]
//                 [--set KEY=VALUE]... [--sample-every K] [--json F]
//
// For each population: builds the synthetic world, initialises the models and runs the scenario,
// then reports
//   - active agent-updates per core-second: residents processed while at home, walking,
//     driving, riding or stranded, summed over ticks, ÷ (run wall time × threads) - the work the
//     evacuation kernel actually does;
//   - resident-ticks per core-second: residents × ticks ÷ (run wall time × threads), finished
//     ones included (the kernels no longer visit those: see the active list);
//   - peak memory per resident: (peak RSS - RSS before the world was built) ÷ residents, and the
//     agent stores' exact bytes per resident;
//   - time per task and per phase;
//   - bytes moved per agent-update by the evacuation kernel (see kBytes below), from the number of
//     residents in each state, sampled every K ticks outside the timed steps.
//
// Bytes per agent-update: the resident columns the kernel reads and writes in one tick, counted
// as STREAM counts (each byte read or written once; a read-modify-write counts twice; no
// write-allocate). advance() walks the list of the movers (at home, walking, driving, stranded)
// and passengers() the list of the passengers (4-byte row indices, ascending; finished residents
// are not visited), each reading the listed row's 1-byte state: 5 B per active resident; then,
// per state,
//   waiting at home:  depart_tick 4 B                               (+ cell 4 B once water is about)
//   walking:          edge 4, speed 4, pos 4 + 4 written, at_link_end 1, id 4 = 21 B (+ node 4 B)
//   driving:          edge 4, pos 4 + 4 written, at_link_end 1, id 4 = 17 B        (+ node 4 B)
//   passenger:        vehicle 4 B
//   stranded:         0 B                                          (+ cell 4 B once water is about)
// These are the streamed (sequential, prefetchable) bytes: a lower bound of the DRAM traffic.
// Each walker or driver also reads two per-link floats (its speed cap and queue tail) and, once
// water is about, a depth cell and two node coordinates; each passenger its driver's state. Those
// are random accesses, counted separately: each costs up to one 64-byte line where it misses the
// cache (the upper bound printed beside it).
// Because the active rows are scattered among finished ones, DRAM moves whole 64-byte lines: the
// cache-line model counts, per column, the lines holding at least one touched row (written lines
// twice), as if nothing stayed cached between ticks; the list itself is read in full lines. (The
// list's filtering every 16 ticks and the drowning thresholds kept with it, read only for rows in
// water, are left out.) That is the estimate of bytes moved that
// bench/run divides by the STREAM triad bandwidth; the streamed bytes are its lower bound.

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/core/clock.hpp>
#include <tsunagi/core/log.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/world.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

using tsunagi::evacuation::ResidentState;

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

// The byte model of the header comment, per resident-tick in each state: streamed column bytes
// (dry / wet: before / after the first water anywhere) and random accesses.
struct StateCost {
    double streamed_dry, streamed_wet, random_dry, random_wet;
};
// Per active resident (home, walking, driving, passenger, stranded): its list entry (4 B) and its
// state (1 B), read by advance() (movers) or passengers() (passengers).
constexpr double kScanBytes = 5.0;
std::array<StateCost, 9> const kBytes = {{
    {4, 8, 0, 1},   // Home: depart_tick (+ cell; depth lookup)
    {21, 25, 2, 5}, // Walking (+ node; depth cell and two node coordinates)
    {17, 21, 2, 5}, // Driving
    {4, 4, 1, 1},   // Passenger: vehicle; the driver's state
    {0, 4, 0, 1},   // Stranded
    {0, 0, 0, 0},   // Safe
    {0, 0, 0, 0},   // Dead
    {0, 0, 0, 0},   // NotExposed
    {0, 0, 0, 0},   // Gone
}};

struct Traffic {
    double lines = 0.0;         // cache-line model: bytes over the run (see line_bytes())
    double streamed = 0.0;      // bytes over the run (estimated from the samples)
    double random = 0.0;        // random accesses over the run
    double updates = 0.0;       // active updates over the run (estimated; checks the sampling)
    std::array<double, 9> state_ticks{};
};

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Tsunagi synthetic-scenario benchmark"};
    std::string scenario_file = "scenarios/demo.yaml";
    std::vector<std::int64_t> populations;
    std::vector<std::string> overrides;
    int threads = 0;
    double duration = 3600.0;
    int sample_every = 10;
    std::string json;
    app.add_option("--scenario", scenario_file, "scenario to scale (default scenarios/demo.yaml)");
    app.add_option("--population", populations, "residents (repeatable; default 1e5 and 1e6)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--threads", threads, "threads (default: all cores)");
    app.add_option("--duration", duration, "simulated seconds (default 3600)");
    app.add_option("--set", overrides, "KEY=VALUE scenario override (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--sample-every", sample_every,
                   "ticks between samples of the residents' states (byte model; default 10)")
        ->check(CLI::Range(1, 1000000));
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
    auto configure = [&](tsunagi::Scenario& s) {
        for (auto const& kv : overrides) {
            auto const eq = kv.find('=');
            if (eq == std::string::npos) {
                throw tsunagi::ScenarioError("--set " + kv + ": expected KEY=VALUE");
            }
            s.set(kv.substr(0, eq), kv.substr(eq + 1));
        }
    };
    fmt::print("{:>10} {:>7} {:>9} {:>9} {:>9} {:>14} {:>14} {:>10} {:>10} {:>9}\n", "residents",
               "threads", "build_s", "run_s", "ticks", "active_upd/cs", "res_ticks/cs",
               "B/res_rss", "B/res_store", "B/update");
    {
        // Warm-up: one-time library initialisation (PROJ database, GDAL drivers, TBB) is not
        // part of any population's memory.
        tsunagi::Scenario w = tsunagi::Scenario::load(scenario_file);
        configure(w);
        w.set("world.synthetic.population", "1000");
        w.set("scenario.duration_s", "60");
        tsunagi::Simulation warm(std::move(w), tsunagi::RunOptions{}, tsunagi::default_model_registry());
        warm.run();
    }
    for (auto pop : populations) {
        reset_peak_rss();
        double const rss0 = rss_bytes().first;
        tsunagi::Scenario s = tsunagi::Scenario::load(scenario_file);
        configure(s);
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

        auto& store = *sim.engine().stores().at("resident");
        auto const state = store.column(store.field<std::uint8_t>("state"));
        auto const& world = sim.world();
        double first_water = std::numeric_limits<double>::infinity();
        for (auto c : world.inundated_cells) {
            first_water = std::min(first_water, static_cast<double>(world.tsunami_arrival_s[c]));
        }
        Traffic traffic;
        auto& clock = sim.engine().clock();
        auto const at_end = store.column(store.field<std::uint8_t>("at_link_end"));
        // Cache-line model: the 64-byte lines of each column that hold at least one row the
        // kernel touches in this state, as if no line stayed cached from one tick to the next
        // (the resident columns are 52 MB at 10^6, more than the 32 MB L3 here). Written lines
        // count twice (read, then written back).
        auto lines_of = [&](std::size_t elem, auto&& touched) {
            std::size_t count = 0, last = std::numeric_limits<std::size_t>::max();
            for (std::size_t i = 0; i < state.size(); ++i) {
                if (touched(i)) {
                    std::size_t const line = i * elem / 64;
                    count += line != last ? 1 : 0;
                    last = line;
                }
            }
            return 64.0 * static_cast<double>(count);
        };
        auto line_bytes = [&](bool wet) {
            auto const is = [&](std::size_t i, ResidentState st) {
                return state[i] == static_cast<std::uint8_t>(st);
            };
            auto const moving = [&](std::size_t i) {
                return is(i, ResidentState::Walking) || is(i, ResidentState::Driving);
            };
            auto const active = [&](std::size_t i) {
                return state[i] < static_cast<std::uint8_t>(ResidentState::Safe);
            };
            std::size_t listed = 0;
            for (std::size_t i = 0; i < state.size(); ++i) {
                listed += active(i) ? 1 : 0;
            }
            // The lists (4 B per row, read in full lines) and the listed rows' states.
            double b = 4.0 * static_cast<double>(listed) + lines_of(1, active);
            b += lines_of(4, [&](std::size_t i) { return is(i, ResidentState::Home); }); // depart
            double const mv4 = lines_of(4, moving);
            b += mv4 * (1.0 /*edge*/ + 2.0 /*pos r+w*/ + 1.0 /*id*/) + lines_of(1, moving);
            b += lines_of(4, [&](std::size_t i) { return is(i, ResidentState::Walking); }); // speed
            b += lines_of(4, [&](std::size_t i) { return moving(i) && at_end[i] != 0; }); // end_tick
            b += lines_of(4, [&](std::size_t i) { return is(i, ResidentState::Passenger); });
            if (wet) {
                b += mv4; // node
                b += lines_of(4, [&](std::size_t i) {
                    return is(i, ResidentState::Home) || is(i, ResidentState::Stranded);
                }); // cell
            }
            return b;
        };
        auto sample = [&](double ticks, bool wet) {
            traffic.lines += ticks * line_bytes(wet);
            std::array<std::int64_t, 9> n{};
            for (auto s8 : state) {
                ++n[std::min<std::size_t>(s8, 8)];
            }
            for (std::size_t k = 0; k < n.size(); ++k) {
                auto const c = static_cast<double>(n[k]) * ticks;
                traffic.state_ticks[k] += c;
                traffic.streamed += c * (wet ? kBytes[k].streamed_wet : kBytes[k].streamed_dry);
                traffic.random += c * (wet ? kBytes[k].random_wet : kBytes[k].random_dry);
                if (k <= static_cast<std::size_t>(ResidentState::Stranded)) {
                    traffic.updates += c;
                    traffic.streamed += c * kScanBytes;
                }
            }
        };
        while (!sim.done()) {
            // The states at the start of a block of ticks stand for the whole block; sampled
            // outside the timed steps. A block is wet if water is about by its end.
            auto const block =
                std::min<tsunagi::Tick>(sample_every, clock.total_ticks() - clock.tick());
            bool const wet = clock.time_of(clock.tick() + block) >= first_water;
            sample(static_cast<double>(block), wet);
            sim.step(block);
        }
        double const run_s = sim.run_seconds();
        auto const [rss_now, rss_peak] = rss_bytes();
        (void)rss_now;
        int const nthreads = sim.engine().pool().threads();
        auto const ticks = clock.total_ticks();
        std::int64_t active = 0;
        for (auto const& m : sim.engine().models()) {
            if (auto const* w = dynamic_cast<tsunagi::evacuation::EvacuationModel const*>(m.get())) {
                active += w->active_updates();
            }
        }
        double const residents = static_cast<double>(store.size());
        double const core_s = run_s * nthreads;
        double const active_rate = static_cast<double>(active) / core_s;
        double const all_rate = residents * static_cast<double>(ticks) / core_s;
        double const b_rss = (rss_peak - rss0) / residents;
        double const b_update = traffic.streamed / std::max(1.0, static_cast<double>(active));
        double const line_update = traffic.lines / std::max(1.0, static_cast<double>(active));
        double const line_gbs = traffic.lines / run_s / 1e9;
        double const random_update = traffic.random / std::max(1.0, static_cast<double>(active));
        double const gbs = traffic.streamed / run_s / 1e9;
        fmt::print("{:>10} {:>7} {:>9.2f} {:>9.2f} {:>9} {:>14.3e} {:>14.3e} {:>10.1f} {:>10} "
                   "{:>9.1f}\n",
                   pop, nthreads, build_s, run_s, ticks, active_rate, all_rate, b_rss,
                   store.bytes_per_agent(), b_update);
        fmt::print("{:>12}streamed {:.1f} B/update, {:.2f} GB/s over the run; cache-line model "
                   "{:.1f} B/update, {:.2f} GB/s; {:.2f} random accesses per update (≤ {:.0f} B "
                   "as 64-B lines); sampled updates / counted = {:.3f}\n",
                   "", b_update, gbs, line_update, line_gbs, random_update, 64.0 * random_update,
                   traffic.updates / std::max(1.0, static_cast<double>(active)));
        std::map<std::string, double> phases;
        std::string tasks;
        for (auto const& t : sim.engine().timings()) {
            fmt::print("{:>12}{:<9}{:<28} {:>8.3f} s\n", "", tsunagi::to_string(t.phase), t.name,
                       t.seconds);
            tasks += fmt::format("{}\"{}\": {:.4f}", tasks.empty() ? "" : ", ", t.name, t.seconds);
            phases[std::string(tsunagi::to_string(t.phase))] += t.seconds;
        }
        phases["events"] += sim.engine().events_seconds();
        phases["record"] += sim.engine().record_seconds();
        std::string phase_json;
        for (auto const& [name, sec] : phases) {
            phase_json += fmt::format("{}\"{}\": {:.4f}", phase_json.empty() ? "" : ", ", name, sec);
        }
        std::string states_json;
        char const* const names[9] = {"home",    "walking", "driving",     "passenger", "stranded",
                                      "safe",    "dead",    "not_exposed", "gone"};
        for (std::size_t k = 0; k < 9; ++k) {
            states_json += fmt::format("{}\"{}\": {:.6e}", k == 0 ? "" : ", ", names[k],
                                       traffic.state_ticks[k]);
        }
        if (js) {
            js << fmt::format(
                "{{\"bench\": \"synthetic\", \"residents\": {}, \"threads\": {}, \"build_s\": "
                "{:.3f}, \"run_s\": {:.3f}, \"ticks\": {}, \"duration_s\": {}, \"active_updates\": "
                "{}, \"active_updates_per_core_s\": {:.4e}, \"resident_ticks_per_core_s\": {:.4e}, "
                "\"peak_rss_bytes\": {:.0f}, \"peak_rss_bytes_per_resident\": {:.1f}, "
                "\"store_bytes_per_resident\": {}, \"streamed_bytes_per_update\": {:.3f}, "
                "\"random_accesses_per_update\": {:.3f}, \"streamed_gb_per_s\": {:.4f}, "
                "\"line_bytes_per_update\": {:.3f}, \"line_gb_per_s\": {:.4f}, "
                "\"sampled_over_counted_updates\": {:.4f}, \"state_ticks\": {{{}}}, "
                "\"phases_s\": {{{}}}, \"tasks_s\": {{{}}}}}\n",
                pop, nthreads, build_s, run_s, ticks, duration, active, active_rate, all_rate,
                rss_peak - rss0, b_rss, store.bytes_per_agent(), b_update, random_update, gbs,
                line_update, line_gbs,
                traffic.updates / std::max(1.0, static_cast<double>(active)), states_json,
                phase_json, tasks);
        }
    }
    return 0;
}
