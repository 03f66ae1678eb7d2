#include "gdal_util.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include <cpl_error.h>
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>

namespace tsunagi::detail {

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GdalMessages::GdalMessages() {
    CPLPushErrorHandlerEx(&GdalMessages::handler, this);
}

GdalMessages::~GdalMessages() {
    CPLPopErrorHandler();
}

void CPL_STDCALL GdalMessages::handler(CPLErr cls, CPLErrorNum, char const* msg) {
    auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
    if (self != nullptr && cls >= CE_Warning && msg != nullptr) {
        self->messages_.emplace_back(msg);
    }
}

std::string GdalMessages::said() const {
    if (messages_.empty()) {
        return {};
    }
    std::string s = "; GDAL said: ";
    std::size_t const shown = std::min<std::size_t>(messages_.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) {
        s += (i ? " / " : "") + messages_[i];
    }
    if (messages_.size() > shown) {
        s += fmt::format(" (and {} more)", messages_.size() - shown);
    }
    return s;
}

std::string show(std::filesystem::path const& p) {
    return p.lexically_normal().string();
}

DatasetPtr open_dataset(std::filesystem::path const& path, unsigned flags, std::string const& what,
                        std::vector<std::string> const& open_options,
                        std::vector<std::string> const& drivers) {
    gdal_init();
    std::error_code ec;
    // Driver-prefixed names ("CSV:file.txt") are checked without their prefix.
    std::string name = path.string();
    std::filesystem::path file = path;
    if (auto colon = name.find(':');
        colon != std::string::npos && colon > 1 && name.compare(0, colon, "CSV") == 0) {
        file = name.substr(colon + 1);
    }
    if (!std::filesystem::exists(file, ec)) {
        throw DataError(fmt::format(
            "{}: {} file not found (looked for {}). Fix: check the path in the scenario; relative "
            "paths are resolved against world.data.root (itself relative to the scenario file), "
            "and ${{TSUNAGI_DATA_DIR}} in it is taken from the environment",
            show(file), what, std::filesystem::absolute(file, ec).string()));
    }
    if (std::filesystem::is_directory(file, ec)) {
        throw DataError(fmt::format("{}: is a directory, expected a {} file. Fix: name the file "
                                    "inside it",
                                    show(file), what));
    }
    std::vector<char const*> oo;
    for (auto const& o : open_options) {
        oo.push_back(o.c_str());
    }
    oo.push_back(nullptr);
    std::vector<char const*> dr;
    for (auto const& d : drivers) {
        dr.push_back(d.c_str());
    }
    dr.push_back(nullptr);
    GdalMessages msgs;
    GDALDataset* ds =
        GDALDataset::Open(name.c_str(), flags | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                          drivers.empty() ? nullptr : dr.data(), oo.data(), nullptr);
    if (ds == nullptr) {
        char const* kind =
            (flags & GDAL_OF_RASTER) != 0 && (flags & GDAL_OF_VECTOR) == 0
                ? "a raster"
                : ((flags & GDAL_OF_VECTOR) != 0 && (flags & GDAL_OF_RASTER) == 0 ? "a vector layer"
                                                                                  : "geodata");
        throw DataError(fmt::format("{}: cannot read the {} file as {}{}. Fix: check that it is a "
                                    "complete file in a format GDAL reads (GeoTIFF, GeoPackage, "
                                    "GeoJSON, Shapefile, CSV, OSM, ...)",
                                    show(file), what, kind, msgs.said()));
    }
    return DatasetPtr(ds);
}

OGRSpatialReference wgs84() {
    OGRSpatialReference s;
    s.importFromEPSG(4326);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

OGRSpatialReference srs_from_text(std::string const& text, std::string const& where) {
    OGRSpatialReference s;
    GdalMessages msgs;
    if (text.empty() || s.SetFromUserInput(text.c_str()) != OGRERR_NONE) {
        throw DataError(
            fmt::format("{}: '{}' is not a coordinate reference system PROJ knows{}. "
                        "Fix: give an EPSG code such as EPSG:4326 (longitude/latitude), "
                        "EPSG:6690 (JGD2011 / UTM zone 53N) or EPSG:6672 (JGD2011 / "
                        "Japan Plane Rectangular CS IV), or WKT",
                        where, text, msgs.said()));
    }
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

OGRSpatialReference srs_from_wkt(std::string const& wkt) {
    OGRSpatialReference s;
    s.importFromWkt(wkt.c_str());
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

std::string srs_wkt(OGRSpatialReference const& s) {
    char* wkt = nullptr;
    s.exportToWkt(&wkt);
    std::string out = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return out;
}

std::string srs_label(OGRSpatialReference const& s) {
    char const* name = s.GetName();
    char const* auth = s.GetAuthorityName(nullptr);
    char const* code = s.GetAuthorityCode(nullptr);
    std::string const n = name != nullptr ? name : "unnamed CRS";
    if (auth != nullptr && code != nullptr) {
        return fmt::format("{}:{} ({})", auth, code, n);
    }
    return n;
}

TransformPtr make_transform(OGRSpatialReference const& from, OGRSpatialReference const& to,
                            std::string const& where) {
    GdalMessages msgs;
    TransformPtr ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) {
        throw DataError(fmt::format("{}: cannot transform coordinates from {} to {}{}. Fix: check "
                                    "the CRS of the data (is PROJ's database installed? apt-get "
                                    "install proj-data)",
                                    where, srs_label(from), srs_label(to), msgs.said()));
    }
    return ct;
}

void LonLatBox::add(double lon, double lat) noexcept {
    if (!std::isfinite(lon) || !std::isfinite(lat)) {
        return;
    }
    if (empty) {
        west = east = lon;
        south = north = lat;
        empty = false;
        return;
    }
    west = std::min(west, lon);
    east = std::max(east, lon);
    south = std::min(south, lat);
    north = std::max(north, lat);
}

void LonLatBox::add(LonLatBox const& b) noexcept {
    if (!b.empty) {
        add(b.west, b.south);
        add(b.east, b.north);
    }
}

bool LonLatBox::intersects(LonLatBox const& b) const noexcept {
    return !empty && !b.empty && west <= b.east && b.west <= east && south <= b.north &&
           b.south <= north;
}

std::string LonLatBox::describe() const {
    if (empty) {
        return "empty";
    }
    return fmt::format("{:.4f}–{:.4f} E, {:.4f}–{:.4f} N", west, east, south, north);
}

std::array<double, 4> transform_box(OGRCoordinateTransformation& ct, double xmin, double ymin,
                                    double xmax, double ymax) {
    // The outline densified to 21 points per side: projected boxes are not rectangles in
    // longitude/latitude and vice versa.
    constexpr int kSteps = 20;
    std::vector<double> xs, ys;
    for (int i = 0; i <= kSteps; ++i) {
        double const f = static_cast<double>(i) / kSteps;
        double const x = xmin + f * (xmax - xmin);
        double const y = ymin + f * (ymax - ymin);
        xs.insert(xs.end(), {x, x, xmin, xmax});
        ys.insert(ys.end(), {ymin, ymax, y, y});
    }
    std::vector<int> ok(xs.size(), 0);
    ct.Transform(static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr, ok.data());
    std::array<double, 4> out{HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (ok[i] && std::isfinite(xs[i]) && std::isfinite(ys[i])) {
            out[0] = std::min(out[0], xs[i]);
            out[1] = std::min(out[1], ys[i]);
            out[2] = std::max(out[2], xs[i]);
            out[3] = std::max(out[3], ys[i]);
        }
    }
    return out;
}

} // namespace tsunagi::detail
