#include <cmath>
#include <limits>
#include <numbers>

#include "data_fixtures.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/inundation_reader.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

constexpr double kLat0 = 33.22, kLon0 = 132.56;
constexpr double kDLat = 500.0 / 111320.0;

double dlon() {
    return kDLat / std::cos(kLat0 * std::numbers::pi / 180.0);
}

// A 5 × 5 block of 500 m points, the Cabinet Office aggregates' layout; depth 1 + row, arrival
// 900 + 60·col s. Point (2, 2) is wet at 30 s (subsidence); point (4, 4) has a null arrival.
std::string block() {
    std::string s = "[";
    for (int r = 0; r < 5; ++r) {
        for (int c = 0; c < 5; ++c) {
            std::string arrival = fmt::format("{}", 900 + 60 * c);
            if (r == 2 && c == 2) {
                arrival = "30.0";
            }
            if (r == 4 && c == 4) {
                arrival = "null";
            }
            s += fmt::format("{}[{:.6f},{:.6f},{},{},7]", s.size() > 1 ? "," : "",
                             kLon0 + c * dlon(), kLat0 + r * kDLat, 1.0 + r, arrival);
        }
    }
    return s + "]";
}

World world_on(GridSpec const& g) {
    World w;
    w.grid = g;
    w.tsunami_max_depth_m = Raster<float>("tsunami_max_depth_m", "m", g.cells(), 0.0f);
    w.tsunami_arrival_s =
        Raster<float>("tsunami_arrival_s", "s", g.cells(), std::numeric_limits<float>::infinity());
    return w;
}

InundationPointsInput input(std::filesystem::path p) {
    InundationPointsInput in;
    in.paths = {std::move(p)};
    return in;
}

template <class F> std::string message_of(F&& f) {
    try {
        f();
    } catch (DataError const& e) {
        return e.what();
    }
    return "no DataError";
}

} // namespace

TEST(Inundation, PointsBecomeSquaresOnTheGridWithTheArrivalRule) {
    TempDir t;
    DataWarnings w;
    InundationPointsInput in = input(write_text(t / "132_33.json", block()));
    InundationPoints pts = read_inundation_points(in, w);
    ASSERT_EQ(pts.points.size(), 25u);
    EXPECT_EQ(pts.null_arrivals, 1u);
    GridSpec g = grid_around(kLon0, kLat0, kLon0 + 4 * dlon(), kLat0 + 4 * kDLat, 250.0, 1000.0);
    World wd = world_on(g);
    InundationOnGrid r = burn_inundation(pts, in, wd, w);
    EXPECT_EQ(r.points_inside, 25u);
    EXPECT_NEAR(static_cast<double>(r.cells_inundated), 100.0, 12.0); // ~4 cells per 500 m point
    EXPECT_DOUBLE_EQ(r.depth_max_m, 5.0);
    // The isolated early point is lifted to its neighbourhood's lower quartile; nothing else is.
    EXPECT_EQ(r.arrivals_raised, 1u);
    EXPECT_EQ(r.early, 1u);
    EXPECT_EQ(r.nulls_filled, 1u);
    auto [x, y] = to_utm53(kLon0 + 2 * dlon(), kLat0 + 2 * kDLat);
    CellId const centre = g.cell_at(x, y);
    EXPECT_FLOAT_EQ(wd.tsunami_max_depth_m[centre], 3.0f);
    EXPECT_GT(wd.tsunami_arrival_s[centre], 900.0f);
    // Away from the outlier the file's arrival is kept.
    auto [x0, y0] = to_utm53(kLon0 + 1 * dlon(), kLat0 + 3 * kDLat);
    EXPECT_FLOAT_EQ(wd.tsunami_arrival_s[g.cell_at(x0, y0)], 960.0f);
    // The null arrival takes its neighbourhood's median.
    auto [x4, y4] = to_utm53(kLon0 + 4 * dlon(), kLat0 + 4 * kDLat);
    EXPECT_GT(wd.tsunami_arrival_s[g.cell_at(x4, y4)], 900.0f);
    EXPECT_LT(wd.tsunami_arrival_s[g.cell_at(x4, y4)], 1200.0f);
    EXPECT_NE(w.find("wet within 120 s"), nullptr);
    EXPECT_NE(w.find("isolated early arrivals"), nullptr);
    EXPECT_NE(w.find("null (missing) arrival"), nullptr);
    // Cells outside every square stay dry.
    EXPECT_EQ(wd.tsunami_max_depth_m[0], 0.0f);
    EXPECT_TRUE(std::isinf(wd.tsunami_arrival_s[0]));

    // Without the rule the file's early time is used as it is; a floor lifts everything below it.
    in.arrival_neighbourhood_m = 0.0;
    in.min_arrival_s = 950.0;
    World w2 = world_on(g);
    InundationOnGrid r2 = burn_inundation(pts, in, w2, w);
    EXPECT_EQ(r2.arrivals_raised, 0u);
    EXPECT_EQ(r2.floored, 5u + 1u); // column 0 (900 s) and the 30 s point
    EXPECT_FLOAT_EQ(w2.tsunami_arrival_s[centre], 950.0f);
}

TEST(Inundation, CoarseGridsKeepEveryPoint) {
    TempDir t;
    DataWarnings w;
    InundationPointsInput in = input(write_text(t / "pts.json", block()));
    InundationPoints pts = read_inundation_points(in, w);
    GridSpec g = grid_around(kLon0, kLat0, kLon0 + 4 * dlon(), kLat0 + 4 * kDLat, 2000.0, 100.0);
    World wd = world_on(g);
    InundationOnGrid r = burn_inundation(pts, in, wd, w);
    EXPECT_GT(r.cells_inundated, 0u);
    EXPECT_DOUBLE_EQ(r.depth_max_m, 5.0); // the deepest point is never lost
}

TEST(Inundation, BadFilesFailWithTheRecordAndAFix) {
    TempDir t;
    DataWarnings w;
    GridSpec g = grid_around(kLon0, kLat0, kLon0 + 0.02, kLat0 + 0.02, 250.0);
    World wd = world_on(g);
    auto m = message_of([&] { read_inundation_points(input(t / "case9.json"), w); });
    EXPECT_THAT(m, HasSubstr("case9.json: tsunami inundation file not found"));
    EXPECT_THAT(m, HasSubstr("case number"));
    m = message_of(
        [&] { read_inundation_points(input(write_text(t / "obj.json", R"({"a": 1})")), w); });
    EXPECT_THAT(m, HasSubstr("expected a JSON array of [lon, lat, max_depth_m, arrival_s, n_src]"));
    m = message_of([&] {
        read_inundation_points(input(write_text(t / "trunc.json", "[[132.5, 33.2, 1.0")), w);
    });
    EXPECT_THAT(m, HasSubstr("trunc.json: not valid JSON"));
    m = message_of([&] {
        read_inundation_points(
            input(write_text(t / "str.json", R"([[132.5,33.2,1.0,100,3],[132.5,"x",1,2,3]])")), w);
    });
    EXPECT_THAT(m, HasSubstr("record 1 is not [lon, lat, max_depth_m, arrival_s|null, n_src]"));
    m = message_of([&] {
        read_inundation_points(input(write_text(t / "metres.json", "[[500000,3700000,1.0,100,3]]")),
                               w);
    });
    EXPECT_THAT(m, HasSubstr("record 0 is at (500000, 3700000), not a longitude/latitude"));
    m = message_of([&] { read_inundation_points(input(write_text(t / "empty.json", "[]")), w); });
    EXPECT_THAT(m, HasSubstr("empty.json: holds no inundated point"));
    // Kochi's tile for an Uwajima world: no overlap.
    InundationPointsInput far = input(write_text(t / "133_33.json", "[[133.53,33.56,2.0,900,3]]"));
    InundationPoints pts = read_inundation_points(far, w);
    m = message_of([&] { burn_inundation(pts, far, wd, w); });
    EXPECT_THAT(m, HasSubstr("none of the 1 inundation points lies in the world"));
    EXPECT_THAT(m, HasSubstr("use the tile that covers the region"));
    // Negative depths are counted and skipped.
    DataWarnings w2;
    auto neg = read_inundation_points(
        input(write_text(t / "neg.json", "[[132.56,33.22,-1,100,3],[132.56,33.23,1,100,3]]")), w2);
    EXPECT_EQ(neg.points.size(), 1u);
    ASSERT_NE(w2.find("missing or negative maximum depth"), nullptr);
}
