// Distributed scaling: the synthetic scenario on every rank of MPI_COMM_WORLD.
//
//   mpiexec -n R tsunagi_bench_mpi [--population N] [--duration S] [--threads T] [--json F]
//
// Prints the wall time of the run, the ticks, and per tick: time in communication (the slowest
// rank), bytes sent (all ranks: migration + halo), agents migrated; the halo size (links whose
// counts cross a rank boundary) and the number of neighbours - to see what grows with the
// partition surface and what with the volume. Results: docs/benchmarks.md, docs/hpc.md.

#include <tsunagi/core/log.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/hpc/mpi_runtime.hpp>
#include <tsunagi/hpc/partition.hpp>
#include <tsunagi/models/all_models.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

int main(int argc, char** argv) {
    setenv("TSUNAGI_FORCE_MPI", "1", 1);
    tsunagi::hpc::MpiRuntime mpi(argc, argv);
    CLI::App app{"Tsunagi distributed scaling benchmark"};
    std::int64_t population = 1000000;
    double duration = 3600;
    int threads = 1;
    std::string json;
    app.add_option("--population", population, "residents");
    app.add_option("--duration", duration, "simulated seconds");
    app.add_option("--threads", threads, "threads per rank");
    app.add_option("--json", json, "append a JSON line with the results");
    CLI11_PARSE(app, argc, argv);
    tsunagi::init_logging(mpi.rank() == 0 ? "warn" : "error");
    auto world = mpi.world();

    tsunagi::Scenario s = tsunagi::Scenario::load("scenarios/demo.yaml");
    s.set("world.synthetic.population", std::to_string(population));
    s.set("scenario.duration_s", fmt::format("{}", duration));
    s.set("output.world_layers", "false");
    tsunagi::RunOptions o;
    o.threads = threads;
    o.comm = world;
    o.partitioner = tsunagi::hpc::partition_and_broadcast;
    auto const t0 = std::chrono::steady_clock::now();
    tsunagi::Simulation sim(std::move(s), o, tsunagi::default_model_registry());
    world->barrier();
    double const init_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto const t1 = std::chrono::steady_clock::now();
    sim.run();
    world->barrier();
    double const run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

    tsunagi::evacuation::EvacuationModel::CommStats stats;
    for (auto const& m : sim.engine().models()) {
        if (auto const* e = dynamic_cast<tsunagi::evacuation::EvacuationModel const*>(m.get())) {
            stats = e->comm_stats();
        }
    }
    double const ticks = static_cast<double>(sim.engine().clock().total_ticks());
    std::vector<double> maxes{stats.seconds};
    world->allreduce_max(maxes);
    std::vector<std::int64_t> sums{static_cast<std::int64_t>(stats.migration_bytes),
                                   static_cast<std::int64_t>(stats.halo_bytes),
                                   static_cast<std::int64_t>(stats.migrants),
                                   static_cast<std::int64_t>(stats.halo_links),
                                   static_cast<std::int64_t>(stats.neighbours)};
    world->allreduce_sum(sums);
    if (mpi.rank() == 0) {
        int const ranks = world->size();
        fmt::print("ranks {} x threads {}: population {}, {} ticks\n", ranks, threads, population,
                   ticks);
        fmt::print("  set-up {:.2f} s, run {:.2f} s ({:.3f} ms/tick)\n", init_s, run_s,
                   1e3 * run_s / ticks);
        fmt::print("  communication (slowest rank) {:.3f} ms/tick = {:.1f} % of the run\n",
                   1e3 * maxes[0] / ticks, 100.0 * maxes[0] / run_s);
        fmt::print("  sent per tick (all ranks): migration {:.0f} B, halo {:.0f} B; migrants {:.2f}\n",
                   static_cast<double>(sums[0]) / ticks, static_cast<double>(sums[1]) / ticks,
                   static_cast<double>(sums[2]) / ticks);
        fmt::print("  halo links (all ranks) {}, neighbour pairs {}\n", sums[3], sums[4] / 2);
        if (!json.empty()) {
            std::ofstream(json, std::ios::app) << fmt::format(
                "{{\"bench\": \"mpi\", \"ranks\": {}, \"threads\": {}, \"residents\": {}, "
                "\"ticks\": {}, \"init_s\": {:.3f}, \"run_s\": {:.3f}, \"comm_s_max\": {:.3f}, "
                "\"migration_bytes\": {}, \"halo_bytes\": {}, \"migrants\": {}, \"halo_links\": {}}}\n",
                ranks, threads, population, ticks, init_s, run_s, maxes[0], sums[0], sums[1],
                sums[2], sums[3]);
        }
    }
    return 0;
}
