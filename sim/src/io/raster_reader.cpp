#include <algorithm>
#include <cmath>
#include <limits>

#include "gdal_util.hpp"
#include <fmt/format.h>
#include <gdal_utils.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/raster_reader.hpp>

namespace tsunagi {

using namespace detail;

namespace {

constexpr std::array<std::pair<Resampling, std::string_view>, 8> kNames{{
    {Resampling::Sum, "sum"},
    {Resampling::Bilinear, "bilinear"},
    {Resampling::Nearest, "nearest"},
    {Resampling::Average, "average"},
    {Resampling::Cubic, "cubic"},
    {Resampling::Mode, "mode"},
    {Resampling::Min, "min"},
    {Resampling::Max, "max"},
}};

char const* gdal_name(Resampling r) {
    switch (r) {
    case Resampling::Sum:
    case Resampling::Average:
        return "average";
    case Resampling::Bilinear:
        return "bilinear";
    case Resampling::Nearest:
        return "near";
    case Resampling::Cubic:
        return "cubic";
    case Resampling::Mode:
        return "mode";
    case Resampling::Min:
        return "min";
    case Resampling::Max:
        return "max";
    }
    return "near";
}

struct Source {
    DatasetPtr ds;
    GDALRasterBand* band = nullptr;
    OGRSpatialReference srs;
    std::array<double, 6> gt{};
    int w = 0, h = 0;
};

Source open_source(RasterInput const& in) {
    Source s;
    s.ds = open_dataset(in.path, GDAL_OF_RASTER, in.what);
    s.w = s.ds->GetRasterXSize();
    s.h = s.ds->GetRasterYSize();
    if (in.band < 1 || in.band > s.ds->GetRasterCount()) {
        throw DataError(fmt::format("{}: the {} raster has {} band(s); band {} was asked for. Fix: "
                                    "set band to 1..{}",
                                    show(in.path), in.what, s.ds->GetRasterCount(), in.band,
                                    s.ds->GetRasterCount()));
    }
    s.band = s.ds->GetRasterBand(in.band);
    if (!in.crs.empty()) {
        s.srs = srs_from_text(in.crs, show(in.path));
    } else if (OGRSpatialReference const* r = s.ds->GetSpatialRef();
               r != nullptr && !r->IsEmpty()) {
        s.srs = *r;
        s.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        throw DataError(fmt::format("{}: the {} raster has no coordinate reference system. Fix: "
                                    "give it one in the scenario (crs: EPSG:xxxx next to its "
                                    "path), or write it into the file (gdal_edit.py -a_srs)",
                                    show(in.path), in.what));
    }
    if (s.ds->GetGeoTransform(s.gt.data()) != CE_None) {
        throw DataError(fmt::format("{}: the {} raster is not georeferenced (no geotransform). "
                                    "Fix: georeference it (gdal_translate -a_ullr / -a_srs)",
                                    show(in.path), in.what));
    }
    return s;
}

} // namespace

std::string_view to_string(Resampling r) noexcept {
    for (auto const& [k, n] : kNames) {
        if (k == r) {
            return n;
        }
    }
    return "?";
}

std::optional<Resampling> parse_resampling(std::string_view s) noexcept {
    for (auto const& [k, n] : kNames) {
        if (n == s) {
            return k;
        }
    }
    return std::nullopt;
}

std::vector<std::string> resampling_names() {
    std::vector<std::string> out;
    for (auto const& [k, n] : kNames) {
        out.emplace_back(n);
    }
    return out;
}

std::array<double, 4> raster_extent_lonlat(RasterInput const& in) {
    Source s = open_source(in);
    OGRSpatialReference const ll = wgs84();
    auto ct = make_transform(s.srs, ll, show(in.path));
    double const x0 = s.gt[0], x1 = s.gt[0] + s.w * s.gt[1] + s.h * s.gt[2];
    double const y0 = s.gt[3], y1 = s.gt[3] + s.w * s.gt[4] + s.h * s.gt[5];
    return transform_box(*ct, std::min(x0, x1), std::min(y0, y1), std::max(x0, x1),
                         std::max(y0, y1));
}

RasterOnGrid read_raster_onto_grid(RasterInput const& in, GridSpec const& grid) {
    Source s = open_source(in);
    std::string const file = show(in.path);
    RasterOnGrid out;
    out.source_crs = srs_label(s.srs);
    out.source_width = s.w;
    out.source_height = s.h;

    // The whole band, to find nodata/NaN and (for sums) the total.
    std::vector<double> px(static_cast<std::size_t>(s.w) * static_cast<std::size_t>(s.h));
    {
        GdalMessages msgs;
        if (s.band->RasterIO(GF_Read, 0, 0, s.w, s.h, px.data(), s.w, s.h, GDT_Float64, 0, 0,
                             nullptr) != CE_None) {
            throw DataError(
                fmt::format("{}: cannot read band {} of the {} raster{}. Fix: check the "
                            "file is complete",
                            file, in.band, in.what, msgs.said()));
        }
    }
    int has_nodata = 0;
    double nodata = s.band->GetNoDataValue(&has_nodata);
    if (in.nodata) {
        nodata = *in.nodata;
        has_nodata = 1;
    }
    auto valid = [&](double v) { return std::isfinite(v) && !(has_nodata && v == nodata); };
    std::size_t nvalid = 0;
    for (double v : px) {
        nvalid += valid(v) ? 1 : 0;
    }
    out.source_nodata_pixels = px.size() - nvalid;
    if (nvalid == 0) {
        throw DataError(fmt::format("{}: the {} raster holds no valid value: all {} pixels of band "
                                    "{} are nodata or NaN. Fix: check the file (gdalinfo -stats) "
                                    "and its nodata value",
                                    file, in.what, px.size(), in.band));
    }

    OGRSpatialReference const dst_srs = srs_from_wkt(grid.crs_wkt());
    auto ct = make_transform(s.srs, dst_srs, file);
    {
        double const x0 = s.gt[0], x1 = s.gt[0] + s.w * s.gt[1] + s.h * s.gt[2];
        double const y0 = s.gt[3], y1 = s.gt[3] + s.w * s.gt[4] + s.h * s.gt[5];
        auto const b = transform_box(*ct, std::min(x0, x1), std::min(y0, y1), std::max(x0, x1),
                                     std::max(y0, y1));
        auto const& g = grid.transform();
        double const gx1 = g.x0 + grid.width_m();
        double const gy0 = g.y0 - grid.height_m();
        if (!(b[0] < gx1 && b[2] > g.x0 && b[1] < g.y0 && b[3] > gy0)) {
            OGRSpatialReference const ll = wgs84();
            auto to_ll = make_transform(s.srs, ll, file);
            auto const l = transform_box(*to_ll, std::min(x0, x1), std::min(y0, y1),
                                         std::max(x0, x1), std::max(y0, y1));
            throw DataError(fmt::format(
                "{}: the {} raster does not overlap the world: it covers {:.4f}–{:.4f} E, "
                "{:.4f}–{:.4f} N (in its CRS {}). Fix: use data for the region, or check its CRS "
                "(a wrong CRS puts data in the wrong place)",
                file, in.what, l[0], l[2], l[1], l[3], out.source_crs));
        }
    }

    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    DatasetPtr dst(mem->Create("", grid.nx(), grid.ny(), 1, GDT_Float64, nullptr));
    auto const gt = grid.transform().to_gdal();
    std::array<double, 6> gtv{gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]};
    dst->SetGeoTransform(gtv.data());
    dst->SetSpatialRef(&dst_srs);
    dst->GetRasterBand(1)->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());

    DatasetPtr src; // the in-memory copy that is warped
    bool const sum = in.resampling == Resampling::Sum;
    if (sum) {
        // Counts as densities over a source padded with zero pixels wide enough that every target
        // cell near the edge is fully covered, so "average" weights by the covered area exactly.
        double px_m = 0.0;
        {
            double cx = s.gt[0] + (s.w / 2) * s.gt[1] + (s.h / 2) * s.gt[2];
            double cy = s.gt[3] + (s.w / 2) * s.gt[4] + (s.h / 2) * s.gt[5];
            std::array<double, 3> xs{cx, cx + s.gt[1], cx + s.gt[2]};
            std::array<double, 3> ys{cy, cy + s.gt[4], cy + s.gt[5]};
            ct->Transform(3, xs.data(), ys.data());
            px_m = std::min(std::hypot(xs[1] - xs[0], ys[1] - ys[0]),
                            std::hypot(xs[2] - xs[0], ys[2] - ys[0]));
        }
        double const cell_m = std::max(grid.transform().dx, -grid.transform().dy);
        int const pad = px_m > 0.0 && std::isfinite(px_m)
                            ? static_cast<int>(std::min(4096.0, std::ceil(cell_m / px_m))) + 2
                            : 4;
        int const pw = s.w + 2 * pad;
        int const ph = s.h + 2 * pad;
        src.reset(mem->Create("", pw, ph, 1, GDT_Float64, nullptr));
        std::array<double, 6> pgt = s.gt;
        pgt[0] = s.gt[0] - pad * s.gt[1] - pad * s.gt[2];
        pgt[3] = s.gt[3] - pad * s.gt[4] - pad * s.gt[5];
        src->SetGeoTransform(pgt.data());
        src->SetSpatialRef(&s.srs);
        std::vector<double> padded(static_cast<std::size_t>(pw) * static_cast<std::size_t>(ph),
                                   0.0);
        // Pixel centres transformed in bulk, to find the total inside the grid.
        std::vector<double> cx, cy, cv;
        for (int r = 0; r < s.h; ++r) {
            for (int c = 0; c < s.w; ++c) {
                double const v = px[static_cast<std::size_t>(r) * s.w + c];
                if (!valid(v)) {
                    continue;
                }
                if (v < 0.0) {
                    ++out.negative_pixels;
                    continue;
                }
                if (v == 0.0) {
                    continue;
                }
                padded[static_cast<std::size_t>(r + pad) * pw + (c + pad)] = v;
                out.source_total += v;
                cx.push_back(s.gt[0] + (c + 0.5) * s.gt[1] + (r + 0.5) * s.gt[2]);
                cy.push_back(s.gt[3] + (c + 0.5) * s.gt[4] + (r + 0.5) * s.gt[5]);
                cv.push_back(v);
            }
        }
        std::vector<int> ok(cx.size(), 0);
        if (!cx.empty()) {
            ct->Transform(static_cast<int>(cx.size()), cx.data(), cy.data(), nullptr, ok.data());
        }
        for (std::size_t i = 0; i < cx.size(); ++i) {
            if (ok[i] && grid.cell_at(cx[i], cy[i]) != kNoCell) {
                out.total_inside += cv[i];
            }
        }
        if (src->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, pw, ph, padded.data(), pw, ph,
                                            GDT_Float64, 0, 0, nullptr) != CE_None) {
            throw IoError(fmt::format("{}: cannot copy the raster into memory", file));
        }
    }

    std::vector<std::string> args{
        "-r", gdal_name(in.resampling), "-wo", "INIT_DEST=NO_DATA", "-dstnodata", "nan"};
    if (!sum) {
        if (!in.crs.empty()) {
            args.insert(args.end(), {"-s_srs", srs_wkt(s.srs)});
        }
        if (has_nodata) {
            args.insert(args.end(), {"-srcnodata", fmt::format("{}", nodata)});
        }
    }
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(argv.data(), nullptr);
    GDALDatasetH src_h = GDALDataset::ToHandle(sum ? src.get() : s.ds.get());
    int usage_error = 0;
    GDALDatasetH res = nullptr;
    {
        GdalMessages msgs;
        res = GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), 1, &src_h, opts, &usage_error);
        GDALWarpAppOptionsFree(opts);
        if (res == nullptr) {
            throw DataError(fmt::format("{}: cannot resample the {} raster onto the world grid{}. "
                                        "Fix: check its CRS and georeferencing",
                                        file, in.what, msgs.said()));
        }
    }
    out.values.assign(grid.cells(), 0.0);
    if (dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.nx(), grid.ny(), out.values.data(),
                                        grid.nx(), grid.ny(), GDT_Float64, 0, 0,
                                        nullptr) != CE_None) {
        throw IoError(fmt::format("{}: cannot read the resampled raster back", file));
    }
    double warped = 0.0;
    for (double const v : out.values) {
        if (std::isfinite(v)) {
            ++out.cells_with_data;
            warped += v;
        }
    }
    if (out.cells_with_data == 0) {
        throw DataError(fmt::format("{}: no cell of the world grid falls on valid data of the {} "
                                    "raster. Fix: check that the raster covers the region and "
                                    "that its CRS is right",
                                    file, in.what));
    }
    if (sum) {
        // Rescale the densities so the grid carries exactly the total of the pixels inside it.
        double const scale = warped > 0.0 ? out.total_inside / warped : 0.0;
        for (double& v : out.values) {
            if (std::isfinite(v)) {
                v *= scale;
            }
        }
    }
    return out;
}

} // namespace tsunagi
