// Google Benchmark micro-benchmarks of the hot kernels (bench/run runs them; docs/benchmarks.md):
//   - LinkAdvance:   LinkFlow::advance, the per-agent link update (pedestrians and cars);
//   - NodeTransfer:  LinkFlow::transfer + apply, the node transfers of one tick;
//   - RouteTree:     build_route_tree, one multi-source Dijkstra on the reversed graph;
//   - Rng:           Philox4x32-10 draws keyed on (seed, stream, id, tick);
//   - Hdf5Write:     one float dataset written to a new HDF5 file (created, written, closed).
// Inputs are synthetic and sized like the 10^6-resident scenario (a lattice of ~10^5 links,
// 10^6 agents) so the working sets fall out of cache as they do in a run.
//
//   tsunagi_micro [--benchmark_filter=REGEX] [--benchmark_min_time=S] [--benchmark_format=json]

#include <tsunagi/agents/link_flow.hpp>
#include <tsunagi/core/parallel.hpp>
#include <tsunagi/core/rng.hpp>
#include <tsunagi/io/hdf5.hpp>
#include <tsunagi/routing/route_tree.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <vector>

namespace {

using namespace tsunagi;

// An n × n lattice of two-way streets, 200 m apart, wrapped into a torus so every node has four
// outgoing links (agents can circulate for ever).
RoadGraph torus(int n) {
    RoadGraphBuilder b;
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
            b.add_node(200.0 * i, 200.0 * j);
        }
    }
    EdgeAttributes a;
    a.length_m = 200.0f;
    a.width_m = 5.0f;
    auto id = [n](int i, int j) { return static_cast<NodeId>(((j + n) % n) * n + (i + n) % n); };
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
            b.add_two_way(id(i, j), id(i + 1, j), a);
            b.add_two_way(id(i, j), id(i, j + 1), a);
        }
    }
    return std::move(b).build();
}

// Agents spread over the links of g: row i on a pseudo-random link, at a pseudo-random position.
struct Agents {
    std::vector<EdgeId> edge;
    std::vector<float> pos, speed;
    std::vector<NodeId> node;
    std::vector<std::uint8_t> at_end;
    std::vector<std::uint32_t> end_tick;
    std::vector<Mode> mode;

    Agents(RoadGraph const& g, LinkFlow& flow, std::size_t n, double car_share) {
        for (std::size_t i = 0; i < n; ++i) {
            Rng r(1, Stream::Spawn, i, 0);
            auto const e = static_cast<EdgeId>(r.below(static_cast<std::uint32_t>(g.edge_count())));
            edge.push_back(e);
            pos.push_back(static_cast<float>(r.uniform(0.0, 0.5 * g.length_m()[e])));
            speed.push_back(static_cast<float>(r.uniform(0.6, 1.4)));
            node.push_back(g.source()[e]);
            at_end.push_back(0);
            end_tick.push_back(0);
            Mode const m = r.uniform() < car_share ? Mode::Vehicle : Mode::Pedestrian;
            mode.push_back(m);
            flow.place(e, m, g);
        }
    }
    Movers movers() { return Movers{edge, pos, node, at_end, end_tick}; }
};

void BM_LinkAdvance(benchmark::State& st) {
    RoadGraph const g = torus(160); // 25,600 nodes, 102,400 links
    LinkFlow flow(g, PedestrianParams{}, VehicleParams{});
    Agents a(g, flow, static_cast<std::size_t>(st.range(0)), 0.2);
    Movers const m = a.movers();
    std::vector<AgentId> ids(a.edge.size());
    std::iota(ids.begin(), ids.end(), 0u);
    std::uint32_t tick = 0;
    std::int64_t at_end = 0;
    for (auto _ : st) {
        for (std::size_t i = 0; i < a.edge.size(); ++i) {
            EdgeId const e = a.edge[i];
            float const v = a.mode[i] == Mode::Pedestrian ? flow.pedestrian_speed(e, a.speed[i])
                                                          : flow.vehicle_speed(e);
            Candidate c{};
            if (flow.advance(m, i, ids[i], a.mode[i], v, 0.05f, tick, g, c)) {
                ++at_end;
                a.pos[i] = 0.0f; // back to the start: the benchmark keeps everyone moving
                a.at_end[i] = 0;
            }
        }
        ++tick;
    }
    benchmark::DoNotOptimize(at_end);
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(a.edge.size()));
    st.counters["agents"] = static_cast<double>(a.edge.size());
}
BENCHMARK(BM_LinkAdvance)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_NodeTransfer(benchmark::State& st) {
    RoadGraph const g = torus(100); // 10,000 nodes, 40,000 links
    LinkFlow flow(g, PedestrianParams{}, VehicleParams{});
    Agents a(g, flow, static_cast<std::size_t>(st.range(0)), 0.2);
    Movers const m = a.movers();
    ThreadPool pool(1);
    auto const off = g.out_offsets();
    std::vector<Candidate> cands;
    std::uint32_t tick = 1;
    std::int64_t moved = 0;
    for (auto _ : st) {
        st.PauseTiming();
        // Everyone is at the end of their link this tick (as after a long advance).
        cands.clear();
        for (std::size_t i = 0; i < a.edge.size(); ++i) {
            a.pos[i] = g.length_m()[a.edge[i]];
            a.at_end[i] = 1;
            a.end_tick[i] = tick;
            cands.push_back(Candidate{g.target()[a.edge[i]], tick, a.edge[i],
                                      static_cast<std::uint32_t>(i), static_cast<AgentId>(i),
                                      a.mode[i]});
        }
        st.ResumeTiming();
        flow.transfer(
            cands, m, g, tick, 1.0f, pool,
            [&](std::uint32_t row, NodeId n, Mode) {
                // Turn onto a pseudo-random outgoing link (a deterministic function of row, tick).
                std::uint32_t const k = off[n + 1] - off[n];
                return Decision{Decision::Enter,
                                static_cast<EdgeId>(off[n] + (row * 2654435761u + tick) % k)};
            },
            [](std::uint32_t, NodeId, Mode) {});
        flow.apply(cands, g);
        for (auto const& c : cands) {
            moved += c.moved;
        }
        ++tick;
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(a.edge.size()));
    st.counters["moved_share"] =
        static_cast<double>(moved) / static_cast<double>(st.iterations() * a.edge.size());
}
BENCHMARK(BM_NodeTransfer)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RouteTree(benchmark::State& st) {
    RoadGraph const g = torus(static_cast<int>(st.range(0)));
    std::vector<NodeId> targets;
    for (NodeId n = 0; n < g.node_count(); n += 97) { // ~1 % of the nodes are safe
        targets.push_back(n);
    }
    auto const cost = edge_travel_time(g);
    for (auto _ : st) {
        RouteTree t = build_route_tree(g, targets, cost);
        benchmark::DoNotOptimize(t.cost.data());
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(g.node_count()));
    st.counters["nodes"] = static_cast<double>(g.node_count());
    st.counters["edges"] = static_cast<double>(g.edge_count());
}
BENCHMARK(BM_RouteTree)->Arg(100)->Arg(300)->Unit(benchmark::kMillisecond);

void BM_Rng(benchmark::State& st) {
    std::uint64_t id = 0;
    double acc = 0.0;
    for (auto _ : st) {
        // One keyed generator per draw, as the models use it (one per resident and purpose).
        Rng r(42, Stream::Departure, id++, 7);
        acc += r.uniform();
    }
    benchmark::DoNotOptimize(acc);
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_Rng);

void BM_RngNormal(benchmark::State& st) {
    std::uint64_t id = 0;
    double acc = 0.0;
    for (auto _ : st) {
        Rng r(42, Stream::Mortality, id++, 0);
        acc += r.normal();
    }
    benchmark::DoNotOptimize(acc);
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_RngNormal);

void BM_Hdf5Write(benchmark::State& st) {
    auto const n = static_cast<std::size_t>(st.range(0));
    std::vector<float> data(n);
    std::iota(data.begin(), data.end(), 0.0f);
    char const* tmp = std::getenv("TMPDIR");
    auto const path = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                      ("tsunagi_micro_" + std::to_string(::getpid()) + ".h5");
    for (auto _ : st) {
        auto f = h5::File::create(path);
        f.root().write("values", std::span<float const>(data), {n});
        f.close();
    }
    std::filesystem::remove(path);
    st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(n * sizeof(float)));
}
BENCHMARK(BM_Hdf5Write)->Arg(1 << 16)->Arg(1 << 22)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
