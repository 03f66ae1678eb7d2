#include <cmath>
#include <numeric>
#include <set>

#include "data_fixtures.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/raster_reader.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {
double finite_sum(std::vector<double> const& v) {
    double s = 0.0;
    for (double x : v) {
        s += std::isfinite(x) ? x : 0.0;
    }
    return s;
}

// 10 × 10 pixels of 100 m at (500000, 3701000) in EPSG:6690; row r holds 1..10.
std::filesystem::path counts_10x10(TempDir const& t, int epsg = 6690) {
    std::vector<double> v;
    for (int r = 0; r < 10; ++r) {
        for (int c = 0; c < 10; ++c) {
            v.push_back(c + 1);
        }
    }
    return write_geotiff(t / "counts.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, epsg, v);
}

RasterInput input(std::filesystem::path p, Resampling r = Resampling::Bilinear, int band = 1,
                  std::string crs = "", std::optional<double> nodata = std::nullopt) {
    RasterInput in;
    in.path = std::move(p);
    in.what = "elevation";
    in.band = band;
    in.resampling = r;
    in.crs = std::move(crs);
    in.nodata = nodata;
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

TEST(RasterReader, SumPreservesTheTotalOnFinerCoarserAndShiftedGrids) {
    TempDir t;
    RasterInput in = input(counts_10x10(t), Resampling::Sum);
    // GDAL's own "sum" gives 761 instead of 550 on the 30 m grid; ours must give 550.
    for (double cell : {30.0, 77.0, 250.0, 100.0}) {
        GridSpec g = utm53_grid(499900, 3701100, static_cast<int>(std::ceil(1200 / cell)),
                                static_cast<int>(std::ceil(1200 / cell)), cell);
        RasterOnGrid r = read_raster_onto_grid(in, g);
        EXPECT_DOUBLE_EQ(r.source_total, 550.0);
        EXPECT_DOUBLE_EQ(r.total_inside, 550.0);
        EXPECT_NEAR(finite_sum(r.values), 550.0, 1e-6) << cell;
    }
    // Mass stays where it was: the eastern half holds 6+7+8+9+10 per row = 400.
    GridSpec g = utm53_grid(500000, 3701000, 2, 2, 500);
    RasterOnGrid r = read_raster_onto_grid(in, g);
    EXPECT_NEAR(r.values[0] + r.values[2], 150.0, 1e-6);
    EXPECT_NEAR(r.values[1] + r.values[3], 400.0, 1e-6);
}

TEST(RasterReader, SumFromLongitudeLatitudeKeepsTheTotalAfterReprojection) {
    TempDir t;
    // 20 × 20 pixels of 0.001° near 135 E, 33.4 N, 3 persons each: 1,200 persons.
    std::vector<double> v(400, 3.0);
    auto p = write_geotiff(t / "ll.tif", 20, 20, {134.99, 0.001, 0, 33.41, 0, -0.001}, 4326, v);
    GridSpec g = utm53_grid(498000, 3698500, 40, 40, 100);
    RasterOnGrid r = read_raster_onto_grid(input(p, Resampling::Sum), g);
    EXPECT_EQ(r.source_crs, "EPSG:4326 (WGS 84)");
    EXPECT_DOUBLE_EQ(r.source_total, 1200.0);
    EXPECT_DOUBLE_EQ(r.total_inside, 1200.0);
    EXPECT_NEAR(finite_sum(r.values), 1200.0, 1e-6);
}

TEST(RasterReader, SumCountsWhatLiesOutsideTheGrid) {
    TempDir t;
    RasterInput in = input(counts_10x10(t), Resampling::Sum);
    // The western half of the raster only: columns 1..5 → 15 per row.
    GridSpec g = utm53_grid(500000, 3701000, 5, 10, 100);
    RasterOnGrid r = read_raster_onto_grid(in, g);
    EXPECT_DOUBLE_EQ(r.source_total, 550.0);
    EXPECT_DOUBLE_EQ(r.total_inside, 150.0);
    EXPECT_NEAR(finite_sum(r.values), 150.0, 1e-6);
}

TEST(RasterReader, BilinearElevationAndNearestCodes) {
    TempDir t;
    // A plane rising 1 m per 100 m eastwards.
    std::vector<double> z;
    for (int r = 0; r < 10; ++r) {
        for (int c = 0; c < 10; ++c) {
            z.push_back(10.0 + c);
        }
    }
    auto p = write_geotiff(t / "dem.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, 6690, z);
    GridSpec g = utm53_grid(500200, 3700800, 12, 12, 50);
    RasterOnGrid r = read_raster_onto_grid(input(p), g);
    for (int c = 0; c < 12; ++c) {
        double const x = g.centre_x(c);
        double const expect = 10.0 + (x - 500050.0) / 100.0;
        EXPECT_NEAR(r.values[g.index(c, 5)], expect, 1e-6) << c;
    }
    auto q = write_geotiff(t / "codes.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, 6690, z);
    RasterOnGrid n = read_raster_onto_grid(input(q, Resampling::Nearest), g);
    std::set<double> seen(n.values.begin(), n.values.end());
    for (double v : seen) {
        EXPECT_EQ(v, std::round(v)) << "nearest must not invent values";
    }
}

TEST(RasterReader, NodataBecomesNaNAndCanBeOverridden) {
    TempDir t;
    std::vector<double> v(100, 5.0);
    v[0] = -9999.0;
    auto p =
        write_geotiff(t / "nd.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, 6690, v, -9999.0);
    GridSpec g = utm53_grid(500000, 3701000, 10, 10, 100);
    RasterOnGrid r = read_raster_onto_grid(input(p, Resampling::Nearest), g);
    EXPECT_TRUE(std::isnan(r.values[0]));
    EXPECT_EQ(r.values[1], 5.0);
    EXPECT_EQ(r.source_nodata_pixels, 1u);
    EXPECT_EQ(r.cells_with_data, 99u);
    // Declaring 5 as nodata leaves one valid pixel (-9999).
    RasterOnGrid o = read_raster_onto_grid(input(p, Resampling::Nearest, 1, "", 5.0), g);
    EXPECT_EQ(o.cells_with_data, 1u);
}

TEST(RasterReader, BadRastersFailWithTheFileAndAFix) {
    TempDir t;
    GridSpec g = utm53_grid(500000, 3701000, 10, 10, 100);
    std::vector<double> nan(100, std::nan(""));
    auto all_nan =
        write_geotiff(t / "nan.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, 6690, nan);
    std::string m = message_of([&] { read_raster_onto_grid(input(all_nan), g); });
    EXPECT_THAT(m, HasSubstr("nan.tif: the elevation raster holds no valid value"));
    EXPECT_THAT(m, HasSubstr("Fix:"));

    auto no_crs = write_geotiff(t / "nocrs.tif", 10, 10, {500000, 100, 0, 3701000, 0, -100}, 0,
                                std::vector<double>(100, 1.0));
    m = message_of([&] { read_raster_onto_grid(input(no_crs), g); });
    EXPECT_THAT(m, HasSubstr("nocrs.tif: the elevation raster has no coordinate reference system"));
    EXPECT_THAT(m, HasSubstr("crs: EPSG:"));
    // ... and works once the CRS is given.
    RasterInput with = input(no_crs, Resampling::Bilinear, 1, "EPSG:6690");
    EXPECT_EQ(read_raster_onto_grid(with, g).cells_with_data, 100u);
    RasterInput bad_crs = input(no_crs, Resampling::Bilinear, 1, "EPSG:999999");
    m = message_of([&] { read_raster_onto_grid(bad_crs, g); });
    EXPECT_THAT(m, HasSubstr("'EPSG:999999' is not a coordinate reference system"));

    // Far away (Tokyo) in the right CRS: does not overlap.
    auto far = write_geotiff(t / "far.tif", 10, 10, {139.7, 0.001, 0, 35.7, 0, -0.001}, 4326,
                             std::vector<double>(100, 1.0));
    m = message_of([&] { read_raster_onto_grid(input(far), g); });
    EXPECT_THAT(m, HasSubstr("far.tif: the elevation raster does not overlap the world"));
    EXPECT_THAT(m, HasSubstr("139.7"));

    m = message_of([&] { read_raster_onto_grid(input(t / "missing.tif"), g); });
    EXPECT_THAT(m, HasSubstr("missing.tif: elevation file not found"));
    auto not_raster = write_text(t / "text.tif", "this is not a GeoTIFF");
    m = message_of([&] { read_raster_onto_grid(input(not_raster), g); });
    EXPECT_THAT(m, HasSubstr("text.tif: cannot read the elevation file as a raster"));
    m = message_of([&] { read_raster_onto_grid(input(all_nan, Resampling::Bilinear, 3), g); });
    EXPECT_THAT(m, HasSubstr("has 1 band(s); band 3 was asked for"));
}

TEST(RasterReader, ResamplingNames) {
    EXPECT_EQ(parse_resampling("sum"), Resampling::Sum);
    EXPECT_EQ(parse_resampling("nearest"), Resampling::Nearest);
    EXPECT_FALSE(parse_resampling("lanczos"));
    EXPECT_EQ(resampling_names().size(), 8u);
}
