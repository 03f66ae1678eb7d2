#include <tsunagi/core/apportion.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/rng.hpp>
#include <tsunagi/routing/route_tree.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/world.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace tsunagi;

TEST(Grid, MapsPointsToCellsNorthUp) {
    GridSpec g(4, 3, GeoTransform{1000.0, 10.0, 2000.0, -10.0}, "");
    EXPECT_EQ(g.cells(), 12u);
    EXPECT_EQ(g.cell_at(1000.5, 1999.5), g.index(0, 0)); // north-west corner
    EXPECT_EQ(g.cell_at(1039.9, 1970.1), g.index(3, 2)); // south-east corner
    EXPECT_EQ(g.cell_at(1015.0, 1985.0), g.index(1, 1));
    EXPECT_EQ(g.cell_at(999.9, 1990.0), kNoCell);
    EXPECT_EQ(g.cell_at(1040.0, 1990.0), kNoCell);
    EXPECT_EQ(g.cell_at(1010.0, 2000.1), kNoCell);
    EXPECT_EQ(g.cell_at(std::nan(""), 1990.0), kNoCell);
    EXPECT_DOUBLE_EQ(g.centre_x(1), 1015.0);
    EXPECT_DOUBLE_EQ(g.centre_y(2), 1975.0);
    EXPECT_EQ(g.col_of(g.index(3, 2)), 3);
    EXPECT_EQ(g.row_of(g.index(3, 2)), 2);
    EXPECT_THROW(GridSpec(0, 3, GeoTransform{}, ""), DataError);
    EXPECT_THROW(GridSpec(2, 3, GeoTransform{0, 10, 0, 10}, ""), DataError); // south-up
}

TEST(Zones, AggregateUpTheHierarchy) {
    Zones z;
    auto jp = z.add({"JP", "日本", ZoneLevel::Country, -1});
    auto ehime = z.add({"38", "愛媛県", ZoneLevel::Prefecture, jp});
    auto kochi = z.add({"39", "高知県", ZoneLevel::Prefecture, jp});
    auto uwa = z.add({"38203", "宇和島市", ZoneLevel::Municipality, ehime});
    auto yawa = z.add({"38204", "八幡浜市", ZoneLevel::Municipality, ehime});
    auto kochi_c = z.add({"39201", "高知市", ZoneLevel::Municipality, kochi});
    std::vector<std::int64_t> v(z.size(), 0);
    v[uwa] = 62694;
    v[yawa] = 30512;
    v[kochi_c] = 326814;
    z.aggregate_up(std::span<std::int64_t>(v));
    EXPECT_EQ(v[ehime], 62694 + 30512);
    EXPECT_EQ(v[kochi], 326814);
    EXPECT_EQ(v[jp], 62694 + 30512 + 326814);
    EXPECT_EQ(z.find("38204").value(), yawa);
    EXPECT_FALSE(z.find("13101").has_value());
    EXPECT_EQ(z.at_level(ZoneLevel::Municipality).size(), 3u);
    EXPECT_THROW(z.add({"38", "dup", ZoneLevel::Prefecture, jp}), DataError);
    EXPECT_THROW(z.add({"99999", "orphan", ZoneLevel::Municipality, 42}), DataError);
    EXPECT_THROW(z.add({"99998", "upside", ZoneLevel::Prefecture, uwa}), DataError);
}

TEST(Apportion, PreservesTheTotalExactly) {
    for (std::uint64_t total : {0ull, 1ull, 7ull, 1000ull, 123456789ull}) {
        std::vector<double> w{0.3, 0.0, 2.7, 1.0, 1e-9, 5.5};
        auto parts = apportion(w, total);
        EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::uint64_t{0}), total);
        EXPECT_EQ(parts[1], 0u); // zero weight gets nothing
        for (std::size_t i = 0; i < w.size(); ++i) {
            double const exact = w[i] / 9.500000001 * static_cast<double>(total);
            EXPECT_LE(std::abs(static_cast<double>(parts[i]) - exact), 1.0);
        }
    }
    // Ties go to the lower index.
    auto t = apportion(std::vector<double>{1, 1, 1}, 2);
    EXPECT_EQ(t, (std::vector<std::uint64_t>{1, 1, 0}));
    EXPECT_THROW(apportion(std::vector<double>{0, 0}, 3), ModelError);
    EXPECT_THROW(apportion(std::vector<double>{1, -1}, 3), ModelError);
}

namespace {
// A 4 x 3 lattice, 100 m apart, two-way edges; node id = row * 4 + col.
RoadGraph lattice(int nx = 4, int ny = 3) {
    RoadGraphBuilder b;
    for (int r = 0; r < ny; ++r) {
        for (int c = 0; c < nx; ++c) {
            b.add_node(c * 100.0, r * 100.0);
        }
    }
    EdgeAttributes a;
    a.length_m = 100.0f;
    for (int r = 0; r < ny; ++r) {
        for (int c = 0; c < nx; ++c) {
            auto const n = static_cast<NodeId>(r * nx + c);
            if (c + 1 < nx) {
                b.add_two_way(n, n + 1, a);
            }
            if (r + 1 < ny) {
                b.add_two_way(n, n + static_cast<NodeId>(nx), a);
            }
        }
    }
    return std::move(b).build();
}
} // namespace

TEST(RoadGraph, IsCsrWithReverseIndex) {
    RoadGraph g = lattice();
    EXPECT_EQ(g.node_count(), 12u);
    EXPECT_EQ(g.edge_count(), 2u * (3 * 3 + 4 * 2));
    for (NodeId n = 0; n < g.node_count(); ++n) {
        for (EdgeId e = g.out_begin(n); e < g.out_end(n); ++e) {
            EXPECT_EQ(g.source()[e], n);
        }
        for (EdgeId e : g.in_edges(n)) {
            EXPECT_EQ(g.target()[e], n);
        }
    }
    EXPECT_NE(g.find_edge(0, 1), kNoEdge);
    EXPECT_EQ(g.find_edge(0, 5), kNoEdge);
    EXPECT_EQ(g.state().open.size(), g.edge_count());
    RoadGraphBuilder bad;
    bad.add_node(0, 0);
    bad.add_edge(0, 3, EdgeAttributes{});
    EXPECT_THROW(std::move(bad).build(), DataError);
    RoadGraphBuilder zero;
    zero.add_node(0, 0);
    zero.add_node(1, 0);
    zero.add_edge(0, 1, EdgeAttributes{}); // length 0
    EXPECT_THROW(std::move(zero).build(), DataError);
}

TEST(RouteTree, EveryNodeKnowsItsNextHopToTheNearestTarget) {
    RoadGraph g = lattice();
    std::vector<NodeId> targets{0, 11}; // two corners
    auto t = build_route_tree(g, targets, g.length_m());
    EXPECT_DOUBLE_EQ(t.cost[0], 0.0);
    EXPECT_EQ(t.next_edge[0], kNoEdge);
    EXPECT_DOUBLE_EQ(t.cost[5], 200.0);  // (1,1): two hops from 0
    EXPECT_EQ(t.target[5], 0u);
    EXPECT_EQ(t.target[10], 11u);        // (2,2): one hop from 11
    EXPECT_EQ(g.target()[t.next_edge[10]], 11u);
    EXPECT_EQ(t.reachable_count(), 12u);
    // Following next hops always ends at a target with the promised cost.
    for (NodeId n = 0; n < g.node_count(); ++n) {
        auto path = path_to_target(g, t, n);
        ASSERT_FALSE(path.empty());
        EXPECT_TRUE(path.back() == 0 || path.back() == 11);
        EXPECT_DOUBLE_EQ(static_cast<double>(path.size() - 1) * 100.0, t.cost[n]);
    }
}

TEST(RouteTree, ClosedEdgesAreAvoidedAndUnreachableNodesMarked) {
    RoadGraph g = lattice();
    std::vector<std::uint8_t> open(g.edge_count(), 1);
    // Close every edge into and out of node 3 (top-left corner is 0; node 3 is (3,0)).
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        if (g.source()[e] == 3 || g.target()[e] == 3) {
            open[e] = 0;
        }
    }
    std::vector<NodeId> targets{0};
    auto t = build_route_tree(g, targets, g.length_m(), open);
    EXPECT_FALSE(t.reachable(3));
    EXPECT_TRUE(std::isinf(t.cost[3]));
    EXPECT_EQ(t.reachable_count(), 11u);
    EXPECT_TRUE(path_to_target(g, t, 3).empty());
    // Infinite cost also removes an edge.
    std::vector<float> cost(g.length_m().begin(), g.length_m().end());
    cost[g.find_edge(1, 0)] = std::numeric_limits<float>::infinity();
    auto t2 = build_route_tree(g, targets, cost);
    EXPECT_DOUBLE_EQ(t2.cost[1], 300.0); // around via (1,1) -> (0,1) -> (0,0)
}

TEST(RouteTree, BreaksTiesByNodeIdWhateverTheTargetOrder) {
    // A diamond: node 0 reaches target 3 through node 1 or node 2 at equal cost. The heap orders
    // by (cost, node), so node 1 is settled first and 0's next hop goes through it.
    for (bool two_first : {false, true}) {
        RoadGraphBuilder b;
        for (int i = 0; i < 5; ++i) {
            b.add_node(i, 0);
        }
        EdgeAttributes a;
        a.length_m = 10.0f;
        if (two_first) { // insertion order does not matter either
            b.add_two_way(0, 2, a);
            b.add_two_way(2, 3, a);
            b.add_two_way(0, 1, a);
            b.add_two_way(1, 3, a);
        } else {
            b.add_two_way(0, 1, a);
            b.add_two_way(1, 3, a);
            b.add_two_way(0, 2, a);
            b.add_two_way(2, 3, a);
        }
        b.add_two_way(4, 0, a);
        RoadGraph g = std::move(b).build();
        std::vector<NodeId> targets = two_first ? std::vector<NodeId>{3, 4} : std::vector<NodeId>{4, 3};
        auto t = build_route_tree(g, targets, g.length_m());
        EXPECT_DOUBLE_EQ(t.cost[0], 10.0);                   // 0 is next to target 4
        EXPECT_EQ(g.target()[t.next_edge[1]], 3u);
        EXPECT_EQ(g.target()[t.next_edge[2]], 3u);
        auto t3 = build_route_tree(g, std::vector<NodeId>{3}, g.length_m());
        EXPECT_EQ(g.target()[t3.next_edge[0]], 1u) << "two_first=" << two_first;
    }
}

TEST(NodeLocator, FindsTheSameNodeAsBruteForce) {
    RoadGraphBuilder b;
    for (int i = 0; i < 500; ++i) {
        Rng r(1, Stream::SyntheticRoads, static_cast<std::uint64_t>(i), 0);
        b.add_node(r.uniform(0, 5000), r.uniform(0, 3000));
    }
    RoadGraph g = std::move(b).build();
    NodeLocator loc(g, 150.0);
    for (int q = 0; q < 300; ++q) {
        Rng r(2, Stream::SyntheticRoads, static_cast<std::uint64_t>(q), 0);
        double const x = r.uniform(-1000, 6000);
        double const y = r.uniform(-1000, 4000);
        NodeId best = kNoNode;
        double bd = 1e300;
        for (NodeId n = 0; n < g.node_count(); ++n) {
            double const d = std::hypot(g.node_x()[n] - x, g.node_y()[n] - y);
            if (d < bd) {
                bd = d;
                best = n;
            }
        }
        auto hit = loc.nearest(x, y);
        EXPECT_EQ(hit.node, best);
        EXPECT_DOUBLE_EQ(hit.distance_m, bd);
        auto even = loc.nearest(x, y, 1e300, [](NodeId n) { return n % 2 == 0; });
        EXPECT_EQ(even.node % 2, 0u);
        EXPECT_EQ(loc.nearest(x, y, bd * 0.5).node, kNoNode);
    }
}

TEST(LargestComponent, KeepsTheBiggestPieceAndCountsTheRest) {
    RoadGraphBuilder b;
    for (int i = 0; i < 7; ++i) {
        b.add_node(i, 0);
    }
    EdgeAttributes a;
    a.length_m = 1;
    b.add_two_way(0, 1, a);
    b.add_two_way(1, 2, a);
    b.add_two_way(2, 3, a);
    b.add_two_way(4, 5, a); // a second, smaller piece; node 6 isolated
    RoadGraph g = std::move(b).build();
    std::size_t dn = 0, de = 0;
    std::vector<NodeId> map;
    RoadGraph k = largest_component(g, dn, de, map);
    EXPECT_EQ(k.node_count(), 4u);
    EXPECT_EQ(k.edge_count(), 6u);
    EXPECT_EQ(dn, 3u);
    EXPECT_EQ(de, 2u);
    EXPECT_EQ(map[6], kNoNode);
    EXPECT_EQ(map[3], 3u);
}

TEST(RouteTree, IncrementalUpdatesMatchARebuild) {
    // A 20 x 20 lattice with whole-metre lengths (so equal-cost sums are exact), random targets
    // closing and opening and random edges closing and reopening.
    int const side = 20;
    RoadGraphBuilder b;
    for (int r = 0; r < side; ++r) {
        for (int c = 0; c < side; ++c) {
            b.add_node(c * 100.0, r * 100.0);
        }
    }
    for (int r = 0; r < side; ++r) {
        for (int c = 0; c < side; ++c) {
            auto const n = static_cast<NodeId>(r * side + c);
            EdgeAttributes a;
            a.length_m = static_cast<float>(50 + Rng(3, Stream::SyntheticRoads, n, 0).below(100));
            if (c + 1 < side) {
                b.add_two_way(n, n + 1, a);
            }
            if (r + 1 < side) {
                b.add_two_way(n, n + static_cast<NodeId>(side), a);
            }
        }
    }
    RoadGraph g = std::move(b).build();
    std::vector<std::uint8_t> open(g.edge_count(), 1);
    std::vector<std::uint8_t> is_target(g.node_count(), 0);
    for (NodeId v : {0u, 19u, 210u, 399u, 380u}) {
        is_target[v] = 1;
    }
    auto targets = [&] {
        std::vector<NodeId> t;
        for (NodeId v = 0; v < g.node_count(); ++v) {
            if (is_target[v]) {
                t.push_back(v);
            }
        }
        return t;
    };
    RouteTree tree = build_route_tree(g, targets(), g.length_m(), open);
    std::size_t invalidated = 0;
    for (int step = 0; step < 60; ++step) {
        Rng r(5, Stream::SyntheticRoads, static_cast<std::uint64_t>(step), 1);
        RouteChanges ch;
        for (int k = 0; k < 3; ++k) {
            NodeId const v = r.below(static_cast<std::uint32_t>(g.node_count()));
            if (is_target[v] && r.bernoulli(0.7)) {
                is_target[v] = 0;
                ch.removed_targets.push_back(v);
            } else if (!is_target[v] && r.bernoulli(0.3)) {
                is_target[v] = 1;
                ch.added_targets.push_back(v);
            }
            EdgeId const e = r.below(static_cast<std::uint32_t>(g.edge_count()));
            if (open[e]) {
                open[e] = 0;
                ch.closed_edges.push_back(e);
            } else {
                open[e] = 1;
                ch.opened_edges.push_back(e);
            }
        }
        invalidated += update_route_tree(tree, g, ch, g.length_m(), open).invalidated;
        RouteTree const fresh = build_route_tree(g, targets(), g.length_m(), open);
        ASSERT_EQ(tree.is_target, fresh.is_target) << "step " << step;
        for (NodeId v = 0; v < g.node_count(); ++v) {
            ASSERT_EQ(tree.cost[v], fresh.cost[v]) << "step " << step << " node " << v;
            if (tree.next_edge[v] != kNoEdge) { // the hop it keeps is open and on a best route
                EdgeId const e = tree.next_edge[v];
                ASSERT_TRUE(open[e]);
                ASSERT_EQ(tree.cost[v], g.length_m()[e] + tree.cost[g.target()[e]]);
                ASSERT_EQ(tree.target[v], tree.target[g.target()[e]]);
            } else {
                ASSERT_TRUE(tree.is_target[v] || std::isinf(tree.cost[v]));
            }
        }
    }
    EXPECT_GT(invalidated, 0u); // the decremental path really ran
}
