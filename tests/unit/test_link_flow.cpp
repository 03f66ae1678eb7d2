// Physics of the mesoscopic link flow (issue 4's validation tests): speed vs density on a ring
// corridor against Weidmann, bottleneck discharge against capacity × width, vehicle queues,
// spill-back, and independence from the thread count.
#include <tsunagi/agents/link_flow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>

using namespace tsunagi;

namespace {

struct Harness {
    RoadGraph g;
    LinkFlow flow;
    ThreadPool pool;
    std::vector<EdgeId> edge;
    std::vector<float> pos;
    std::vector<NodeId> node;
    std::vector<std::uint8_t> at_end;
    std::vector<std::uint32_t> end_tick;
    std::vector<float> speed;
    std::vector<Mode> mode;
    std::vector<double> arrived_at; // -1 while travelling
    double travelled = 0.0;         // metres, all agents

    Harness(RoadGraph graph, int threads = 2)
        : g(std::move(graph)), flow(g, PedestrianParams{}, VehicleParams{}), pool(threads) {}

    void add(EdgeId e, float p, float v, Mode md = Mode::Pedestrian) {
        edge.push_back(e);
        pos.push_back(p);
        node.push_back(g.source()[e]);
        at_end.push_back(0);
        end_tick.push_back(0);
        speed.push_back(v);
        mode.push_back(md);
        arrived_at.push_back(-1.0);
        flow.place(e, md, g);
    }
    Movers movers() { return Movers{edge, pos, node, at_end, end_tick}; }

    void step(std::uint32_t tick, float dt,
              std::function<Decision(std::uint32_t, NodeId, Mode)> const& decide) {
        Movers m = movers();
        std::vector<Candidate> cands;
        std::vector<EdgeId> e0(edge);
        std::vector<float> p0(pos);
        for (std::size_t i = 0; i < edge.size(); ++i) {
            if (edge[i] == kNoEdge) {
                continue;
            }
            float const v = mode[i] == Mode::Pedestrian ? flow.pedestrian_speed(edge[i], speed[i])
                                                        : flow.vehicle_speed(edge[i]);
            Candidate c{};
            if (flow.advance(m, i, static_cast<AgentId>(i), mode[i], v, dt, tick, g, c)) {
                cands.push_back(c);
            }
        }
        flow.transfer(cands, m, g, tick, dt, pool, decide,
                      [&](std::uint32_t row, NodeId, Mode) { arrived_at[row] = (tick + 1) * dt; });
        flow.apply(cands, g);
        for (std::size_t i = 0; i < edge.size(); ++i) {
            if (e0[i] == kNoEdge) {
                continue;
            }
            if (edge[i] == e0[i]) {
                travelled += std::min(pos[i], g.length_m()[e0[i]]) - std::min(p0[i], g.length_m()[e0[i]]);
            } else {
                travelled += (g.length_m()[e0[i]] - std::min(p0[i], g.length_m()[e0[i]])) + pos[i];
            }
        }
    }
};

RoadGraph ring(int k, float len, float width) {
    RoadGraphBuilder b;
    double const r = k * len / (2 * std::numbers::pi);
    for (int i = 0; i < k; ++i) {
        b.add_node(r * std::cos(2 * std::numbers::pi * i / k), r * std::sin(2 * std::numbers::pi * i / k));
    }
    EdgeAttributes a;
    a.length_m = len;
    a.width_m = width;
    for (int i = 0; i < k; ++i) {
        b.add_edge(static_cast<NodeId>(i), static_cast<NodeId>((i + 1) % k), a);
    }
    return std::move(b).build();
}

// 0 -U-> 1 -B-> 2: a wide approach U and a bottleneck B of width w; node 2 is the exit.
RoadGraph bottleneck(float w, float capacity_vph = 600.0f, float b_len = 10.0f) {
    RoadGraphBuilder b;
    b.add_node(0, 0);
    b.add_node(200, 0);
    b.add_node(200 + b_len, 0);
    EdgeAttributes u;
    u.length_m = 200.0f;
    u.width_m = 20.0f;
    u.lanes = 4;
    u.capacity_vph = 7200.0f;
    b.add_edge(0, 1, u);
    EdgeAttributes bn;
    bn.length_m = b_len;
    bn.width_m = w;
    bn.lanes = 1;
    bn.capacity_vph = capacity_vph;
    b.add_edge(1, 2, bn);
    return std::move(b).build();
}

Decision go_on(RoadGraph const& g, NodeId n) {
    return Decision{Decision::Enter, g.out_begin(n)};
}

} // namespace

TEST(PedestrianParams, WeidmannValues) {
    PedestrianParams p;
    EXPECT_DOUBLE_EQ(p.speed(0.0), 1.34);
    EXPECT_DOUBLE_EQ(p.speed(5.4), 0.0);
    EXPECT_NEAR(p.speed(1.0), 1.34 * (1 - std::exp(-1.913 * (1 - 1 / 5.4))), 1e-12);
    // Maximum specific flow: about 1.22 persons/(m·s) near 1.75 persons/m² (Weidmann's values).
    EXPECT_NEAR(p.max_specific_flow(), 1.22, 0.02);
}

TEST(LinkFlow, SteadySpeedOnARingMatchesWeidmann) {
    for (double rho : {0.5, 1.0, 2.0, 3.0}) {
        int const k = 20;
        float const len = 50.0f, width = 3.0f;
        Harness h(ring(k, len, width));
        auto const n = static_cast<int>(std::lround(rho * k * len * width));
        double const circumference = k * len;
        for (int j = 0; j < n; ++j) {
            double const s = (j + 0.5) * circumference / n;
            auto const e = static_cast<EdgeId>(s / len);
            h.add(e, static_cast<float>(s - e * len), 1.34f);
        }
        auto decide = [&](std::uint32_t, NodeId v, Mode) { return go_on(h.g, v); };
        std::uint32_t tick = 0;
        for (; tick < 300; ++tick) {
            h.step(tick, 1.0f, decide);
        }
        h.travelled = 0.0;
        int const measure = 600;
        for (int t = 0; t < measure; ++t, ++tick) {
            h.step(tick, 1.0f, decide);
        }
        double const v = h.travelled / (static_cast<double>(n) * measure);
        double const expect = PedestrianParams{}.speed(static_cast<double>(n) / (k * len * width));
        std::printf("ring corridor: density %.2f /m2: speed %.4f m/s, Weidmann %.4f, ratio %.4f\n",
                    rho, v, expect, v / expect);
        EXPECT_NEAR(v / expect, 1.0, 0.05) << "density " << rho << ": " << v << " vs " << expect;
    }
}

TEST(LinkFlow, BottleneckDischargesAtCapacityTimesWidth) {
    for (float w : {1.0f, 2.5f}) {
        Harness h(bottleneck(w));
        int const n = 1500;
        for (int j = 0; j < n; ++j) {
            h.add(0, 200.0f * j / n, 1.34f);
        }
        auto decide = [&](std::uint32_t, NodeId v, Mode) {
            return v == 2 ? Decision{Decision::Arrive, kNoEdge} : go_on(h.g, v);
        };
        for (std::uint32_t tick = 0; tick < 5000; ++tick) {
            h.step(tick, 1.0f, decide);
        }
        double first = 1e300, last = 0.0;
        for (double t : h.arrived_at) {
            ASSERT_GE(t, 0.0) << "not everybody got through";
            first = std::min(first, t);
            last = std::max(last, t);
        }
        double const expect = (n - 1) / (PedestrianParams{}.max_specific_flow() * w);
        std::printf("bottleneck %.1f m: %d pedestrians through in %.0f s, N/(J w) = %.0f s, ratio "
                    "%.4f\n",
                    w, n, last - first, expect, (last - first) / expect);
        EXPECT_NEAR((last - first) / expect, 1.0, 0.05) << "width " << w;
    }
}

TEST(LinkFlow, VehicleQueueDischargesAtLinkCapacity) {
    // 0.5 vehicles per second out of B, which is long enough (13 cars) for storage not to limit.
    Harness h(bottleneck(3.0f, 1800.0f, 100.0f));
    int const n = 300;
    for (int j = 0; j < n; ++j) {
        h.add(0, 190.0f * j / n, 0.0f, Mode::Vehicle);
    }
    auto decide = [&](std::uint32_t, NodeId v, Mode) {
        return v == 2 ? Decision{Decision::Arrive, kNoEdge} : go_on(h.g, v);
    };
    for (std::uint32_t tick = 0; tick < 3000; ++tick) {
        h.step(tick, 1.0f, decide);
    }
    double first = 1e300, last = 0.0;
    for (double t : h.arrived_at) {
        ASSERT_GE(t, 0.0);
        first = std::min(first, t);
        last = std::max(last, t);
    }
    std::printf("vehicle queue: %d vehicles in %.0f s at 1800 veh/h, expected %.0f s\n", n,
                last - first, (n - 1) / 0.5);
    EXPECT_NEAR((last - first) / ((n - 1) / 0.5), 1.0, 0.05);
}

TEST(LinkFlow, FullLinksHoldTrafficBackUpstream) {
    // B holds 10 m / 7.5 m = 1 vehicle: the rest queue on U and never exceed storage anywhere.
    Harness h(bottleneck(3.0f, 360.0f)); // one vehicle per 10 s
    for (int j = 0; j < 30; ++j) {
        h.add(0, 150.0f + j, 0.0f, Mode::Vehicle);
    }
    auto decide = [&](std::uint32_t, NodeId v, Mode) {
        return v == 2 ? Decision{Decision::Arrive, kNoEdge} : go_on(h.g, v);
    };
    int max_on_b = 0;
    for (std::uint32_t tick = 0; tick < 100; ++tick) {
        h.step(tick, 1.0f, decide);
        max_on_b = std::max(max_on_b, h.flow.vehicles_on(1));
    }
    EXPECT_EQ(max_on_b, 1);
    EXPECT_GT(h.flow.vehicles_on(0), 15); // the queue spilled back onto U
    EXPECT_GT(h.flow.peak_vehicles()[0], 15);
}

TEST(LinkFlow, ResultsDoNotDependOnThreads) {
    auto run = [](int threads) {
        Harness h(ring(40, 30.0f, 2.0f), threads);
        for (int j = 0; j < 3000; ++j) {
            h.add(static_cast<EdgeId>(j % 40), static_cast<float>((j * 7) % 30),
                  0.5f + 0.001f * static_cast<float>(j % 500));
        }
        auto decide = [&](std::uint32_t row, NodeId v, Mode) {
            return row % 97 == 0 && v % 5 == 0 ? Decision{Decision::Arrive, kNoEdge} : go_on(h.g, v);
        };
        for (std::uint32_t tick = 0; tick < 400; ++tick) {
            h.step(tick, 1.0f, decide);
        }
        return std::make_pair(h.pos, h.arrived_at);
    };
    auto a = run(1);
    EXPECT_EQ(a, run(2));
    EXPECT_EQ(a, run(4));
}

TEST(LinkFlow, CapacityChangesRefreshOnlyTheLinksThatChanged) {
    Harness h(bottleneck(3.0f, 1800.0f, 100.0f));
    h.add(0, 10.0f, 0.0f, Mode::Vehicle);
    std::size_t const m = h.g.edge_count();
    auto capacities = [&] {
        std::vector<double> c(m);
        for (EdgeId e = 0; e < m; ++e) {
            c[e] = h.flow.vehicle_capacity(e);
        }
        return c;
    };
    std::vector<double> const before = capacities();
    // Nothing changed: nothing moves.
    h.flow.refresh_capacity_changes(h.g);
    for (EdgeId e = 0; e < m; ++e) {
        EXPECT_EQ(h.flow.vehicle_capacity(e), before[e]) << "edge " << e;
    }
    // Halve one link's capacity: that link follows at once, the others keep theirs, and the
    // result is what a refresh of every link gives.
    h.g.state().capacity_factor[1] = 0.5f;
    h.flow.refresh_capacity_changes(h.g);
    for (EdgeId e = 0; e < m; ++e) {
        EXPECT_DOUBLE_EQ(h.flow.vehicle_capacity(e), e == 1 ? 0.5 * before[e] : before[e])
            << "edge " << e;
    }
    std::vector<double> const changed = capacities();
    h.flow.refresh_all(h.g);
    for (EdgeId e = 0; e < m; ++e) {
        EXPECT_EQ(h.flow.vehicle_capacity(e), changed[e]) << "edge " << e;
    }
}
