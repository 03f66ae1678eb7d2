#pragma once
// Helpers for the data-loader tests: a temporary directory per test (ctest runs tests in parallel
// processes), small files written with GDAL, and the location of the real data in ../shared/data.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <tsunagi/world/grid.hpp>

namespace tsunagi::test {

// This test's own directory, removed when the fixture goes.
class TempDir {
public:
    TempDir() {
        auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("tsunagi_data_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
                std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        GDALAllRegister();
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;
    std::filesystem::path operator/(std::string const& name) const { return dir_ / name; }
    std::filesystem::path const& path() const { return dir_; }

private:
    std::filesystem::path dir_;
};

inline std::filesystem::path write_text(std::filesystem::path const& p, std::string const& text) {
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

inline std::string wkt_of_epsg(int epsg) {
    OGRSpatialReference s;
    s.importFromEPSG(epsg);
    char* w = nullptr;
    s.exportToWkt(&w);
    std::string out = w;
    CPLFree(w);
    return out;
}

// A single-band Float64 GeoTIFF; values row by row from the north. epsg 0: no CRS.
inline std::filesystem::path write_geotiff(std::filesystem::path const& p, int nx, int ny,
                                           std::array<double, 6> gt, int epsg,
                                           std::vector<double> const& values,
                                           std::optional<double> nodata = std::nullopt) {
    GDALDriver* d = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = d->Create(p.string().c_str(), nx, ny, 1, GDT_Float64, nullptr);
    ds->SetGeoTransform(gt.data());
    if (epsg != 0) {
        OGRSpatialReference s;
        s.importFromEPSG(epsg);
        ds->SetSpatialRef(&s);
    }
    if (nodata) {
        ds->GetRasterBand(1)->SetNoDataValue(*nodata);
    }
    auto data = values;
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, nx, ny, data.data(), nx, ny, GDT_Float64, 0,
                                       0, nullptr) != CE_None) {
        ADD_FAILURE() << "cannot write " << p;
    }
    GDALClose(ds);
    return p;
}

struct Feature {
    std::string wkt;
    std::vector<std::pair<std::string, std::string>> fields; // all written as text
};

// A vector file (GPKG, ESRI Shapefile, GeoJSON) with one layer; epsg 0: no CRS.
inline std::filesystem::path write_vector(std::filesystem::path const& p, char const* driver,
                                          int epsg, OGRwkbGeometryType type,
                                          std::vector<Feature> const& features) {
    GDALDriver* d = GetGDALDriverManager()->GetDriverByName(driver);
    GDALDataset* ds = d->Create(p.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    OGRSpatialReference s;
    if (epsg != 0) {
        s.importFromEPSG(epsg);
    }
    OGRLayer* layer =
        ds->CreateLayer(p.stem().string().c_str(), epsg != 0 ? &s : nullptr, type, nullptr);
    if (!features.empty()) {
        for (auto const& [k, v] : features.front().fields) {
            OGRFieldDefn f(k.c_str(), OFTString);
            layer->CreateField(&f);
        }
    }
    for (auto const& f : features) {
        OGRFeature* feat = OGRFeature::CreateFeature(layer->GetLayerDefn());
        for (auto const& [k, v] : f.fields) {
            feat->SetField(k.c_str(), v.c_str());
        }
        OGRGeometry* g = nullptr;
        if (!f.wkt.empty()) {
            OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g);
            feat->SetGeometryDirectly(g);
        }
        if (layer->CreateFeature(feat) != OGRERR_NONE) {
            ADD_FAILURE() << "cannot write a feature to " << p;
        }
        OGRFeature::DestroyFeature(feat);
    }
    GDALClose(ds);
    return p;
}

// A north-up grid in JGD2011 / UTM zone 53N (EPSG:6690), the zone of western Shikoku.
inline GridSpec utm53_grid(double x0, double y0_north, int nx, int ny, double cell) {
    return GridSpec(nx, ny, GeoTransform{x0, cell, y0_north, -cell}, wkt_of_epsg(6690));
}

// (lon, lat) in JGD2011 / UTM zone 53N.
inline std::pair<double, double> to_utm53(double lon, double lat) {
    OGRSpatialReference ll, utm;
    ll.importFromEPSG(4326);
    ll.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    utm.importFromEPSG(6690);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto* ct = OGRCreateCoordinateTransformation(&ll, &utm);
    ct->Transform(1, &lon, &lat);
    OGRCoordinateTransformation::DestroyCT(ct);
    return {lon, lat};
}

// A grid in EPSG:6690 covering a longitude/latitude box with a margin.
inline GridSpec grid_around(double west, double south, double east, double north, double cell,
                            double margin = 500.0) {
    auto [x0, y0] = to_utm53(west, south);
    auto [x1, y1] = to_utm53(east, north);
    auto [x2, y2] = to_utm53(west, north);
    auto [x3, y3] = to_utm53(east, south);
    double const xmin = std::floor((std::min(x0, x2) - margin) / cell) * cell;
    double const ymax = std::ceil((std::max(y1, y2) + margin) / cell) * cell;
    double const xmax = std::max(x1, x3) + margin;
    double const ymin = std::min(y0, y3) - margin;
    return utm53_grid(xmin, ymax, static_cast<int>(std::ceil((xmax - xmin) / cell)),
                      static_cast<int>(std::ceil((ymax - ymin) / cell)), cell);
}

// ../shared/data (TSUNAGI_DATA_DIR overrides), or nullopt when absent.
inline std::optional<std::filesystem::path> shared_data() {
    char const* env = std::getenv("TSUNAGI_DATA_DIR");
    std::filesystem::path p = env != nullptr && *env != '\0'
                                  ? std::filesystem::path(env)
                                  : std::filesystem::path(TSUNAGI_DEFAULT_DATA_DIR);
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
        return std::nullopt;
    }
    return p;
}

} // namespace tsunagi::test

// Skips the test when the real data is not there (a clone without ../shared).
#define TSUNAGI_REQUIRE_SHARED_DATA(var, relative)                                                 \
    auto const var##_root = ::tsunagi::test::shared_data();                                        \
    if (!var##_root || !std::filesystem::exists(*var##_root / (relative))) {                       \
        GTEST_SKIP() << "real data not found: " << (relative)                                      \
                     << " under ../shared/data (or TSUNAGI_DATA_DIR); this test needs it";         \
    }                                                                                              \
    std::filesystem::path const var = *var##_root / (relative)
