#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <unordered_map>

#include "geometry_util.hpp"
#include <cpl_json.h>
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/inundation_reader.hpp>

namespace tsunagi {

using namespace detail;

namespace {

constexpr double kMetresPerDegree = 111320.0;

bool number_or_null(CPLJSONObject const& o, double& v, bool& is_null) {
    auto const t = o.GetType();
    is_null = t == CPLJSONObject::Type::Null;
    if (is_null) {
        v = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (t == CPLJSONObject::Type::Integer || t == CPLJSONObject::Type::Long ||
        t == CPLJSONObject::Type::Double) {
        v = o.ToDouble();
        return std::isfinite(v);
    }
    return false;
}

// Points bucketed on a square grid (metres, equirectangular around the data's mean latitude),
// for neighbourhood queries.
class PointIndex {
public:
    PointIndex(std::vector<InundationPoint> const& p, double bucket_m)
        : p_(p)
        , b_(bucket_m) {
        double lat = 0.0;
        for (auto const& q : p) {
            lat += q.lat;
        }
        coslat_ = std::cos((p.empty() ? 0.0 : lat / static_cast<double>(p.size())) *
                           std::numbers::pi / 180.0);
        for (std::size_t i = 0; i < p.size(); ++i) {
            cells_[key(bx(p[i]), by(p[i]))].push_back(i);
        }
    }
    // Indices of the points within r metres of point i (i included), ascending.
    std::vector<std::size_t> near(std::size_t i, double r) const {
        std::vector<std::size_t> out;
        auto const cx = bx(p_[i]);
        auto const cy = by(p_[i]);
        auto const reach = static_cast<std::int64_t>(std::ceil(r / b_));
        for (std::int64_t y = cy - reach; y <= cy + reach; ++y) {
            for (std::int64_t x = cx - reach; x <= cx + reach; ++x) {
                auto it = cells_.find(key(x, y));
                if (it == cells_.end()) {
                    continue;
                }
                for (std::size_t j : it->second) {
                    if (distance(i, j) <= r) {
                        out.push_back(j);
                    }
                }
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    double distance(std::size_t i, std::size_t j) const {
        double const dx = (p_[i].lon - p_[j].lon) * kMetresPerDegree * coslat_;
        double const dy = (p_[i].lat - p_[j].lat) * kMetresPerDegree;
        return std::hypot(dx, dy);
    }

private:
    std::int64_t bx(InundationPoint const& q) const {
        return static_cast<std::int64_t>(std::floor(q.lon * kMetresPerDegree * coslat_ / b_));
    }
    std::int64_t by(InundationPoint const& q) const {
        return static_cast<std::int64_t>(std::floor(q.lat * kMetresPerDegree / b_));
    }
    static std::int64_t key(std::int64_t x, std::int64_t y) { return x * 1000003 + y; }
    std::vector<InundationPoint> const& p_;
    double b_;
    double coslat_ = 1.0;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> cells_;
};

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double const pos = q * static_cast<double>(v.size() - 1);
    auto const lo = static_cast<std::size_t>(std::floor(pos));
    auto const hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

} // namespace

InundationPoints read_inundation_points(InundationPointsInput const& in, DataWarnings& warnings) {
    InundationPoints out;
    LonLatBox box;
    for (std::size_t f = 0; f < in.paths.size(); ++f) {
        auto const& path = in.paths[f];
        std::string const file = show(path);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            throw DataError(fmt::format(
                "{}: tsunami inundation file not found (looked for {}). Fix: check the path in "
                "world.data.tsunami.paths (relative to world.data.root), the case number, and "
                "TSUNAGI_DATA_DIR",
                file, std::filesystem::absolute(path, ec).string()));
        }
        CPLJSONDocument doc;
        {
            GdalMessages msgs;
            if (!doc.Load(path.string())) {
                throw DataError(fmt::format("{}: not valid JSON{}. Fix: check that the file is "
                                            "complete",
                                            file, msgs.said()));
            }
        }
        CPLJSONObject const root = doc.GetRoot();
        if (root.GetType() != CPLJSONObject::Type::Array) {
            throw DataError(fmt::format("{}: expected a JSON array of [lon, lat, max_depth_m, "
                                        "arrival_s, n_src] records. Fix: use the Cabinet Office "
                                        "point aggregates, or format: raster",
                                        file));
        }
        CPLJSONArray const arr = root.ToArray();
        out.files.push_back(file);
        std::size_t n = 0, bad_depth = 0;
        std::vector<std::string> bad_depth_ex;
        for (int i = 0; i < arr.Size(); ++i) {
            CPLJSONObject const rec = arr[i];
            CPLJSONArray const a = rec.ToArray();
            double lon = 0, lat = 0, depth = 0, arrival = 0, nsrc = 0;
            bool null_lon = false, null_lat = false, null_depth = false, null_arr = false,
                 null_n = false;
            if (rec.GetType() != CPLJSONObject::Type::Array || a.Size() < 4 ||
                !number_or_null(a[0], lon, null_lon) || !number_or_null(a[1], lat, null_lat) ||
                !number_or_null(a[2], depth, null_depth) ||
                !number_or_null(a[3], arrival, null_arr) || null_lon || null_lat) {
                throw DataError(fmt::format("{}: record {} is not [lon, lat, max_depth_m, "
                                            "arrival_s|null, n_src] with numbers: {}. Fix: correct "
                                            "the record",
                                            file, i,
                                            rec.Format(CPLJSONObject::PrettyFormat::Plain)));
            }
            if (a.Size() >= 5) {
                number_or_null(a[4], nsrc, null_n);
            }
            if (std::abs(lon) > 180.0 || std::abs(lat) > 90.0) {
                throw DataError(
                    fmt::format("{}: record {} is at ({}, {}), not a longitude/latitude. "
                                "Fix: the points must be WGS84/JGD2011 degrees",
                                file, i, lon, lat));
            }
            if (null_depth || !(depth >= 0.0)) {
                ++bad_depth;
                bad_depth_ex.push_back(fmt::format("record {}", i));
                continue;
            }
            if (depth == 0.0) {
                continue; // not inundated
            }
            InundationPoint p{lon,
                              lat,
                              depth,
                              arrival,
                              static_cast<std::uint32_t>(std::max(0.0, nsrc)),
                              static_cast<std::uint32_t>(f)};
            if (null_arr || arrival < 0.0) {
                p.arrival_s = std::numeric_limits<double>::quiet_NaN();
                ++out.null_arrivals;
            }
            out.points.push_back(p);
            box.add(lon, lat);
            ++n;
        }
        if (n == 0) {
            throw DataError(fmt::format("{}: holds no inundated point. Fix: check the file (an "
                                        "empty tile?)",
                                        file));
        }
        out.per_file.push_back(n);
        warnings.add(file, "points with a missing or negative maximum depth: ignored", bad_depth,
                     join_examples(bad_depth_ex));
    }
    out.west = box.west;
    out.south = box.south;
    out.east = box.east;
    out.north = box.north;
    return out;
}

InundationOnGrid burn_inundation(InundationPoints const& pts, InundationPointsInput const& in,
                                 World& w, DataWarnings& warnings) {
    InundationOnGrid res;
    auto const& grid = w.grid;
    std::string const file = pts.files.empty() ? std::string("tsunami") : pts.files.front();
    // Points inside the grid (by their centre), in the grid's CRS.
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(grid.crs_wkt());
    auto ct = make_transform(ll, dst, file);
    std::vector<InundationPoint> p;
    std::vector<double> px, py;
    {
        std::vector<double> xs, ys;
        for (auto const& q : pts.points) {
            xs.push_back(q.lon);
            ys.push_back(q.lat);
        }
        std::vector<int> ok(xs.size(), 0);
        if (!xs.empty()) {
            ct->Transform(static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr, ok.data());
        }
        // Keep a margin of one neighbourhood so the arrival rule sees the points around the
        // grid's edge.
        double const margin = in.arrival_neighbourhood_m + in.point_cell_m;
        auto const& t = grid.transform();
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (ok[i] && xs[i] >= t.x0 - margin && xs[i] <= t.x0 + grid.width_m() + margin &&
                ys[i] <= t.y0 + margin && ys[i] >= t.y0 - grid.height_m() - margin) {
                p.push_back(pts.points[i]);
                px.push_back(xs[i]);
                py.push_back(ys[i]);
                res.points_inside += grid.cell_at(xs[i], ys[i]) != kNoCell ? 1 : 0;
            }
        }
    }
    if (res.points_inside == 0) {
        throw DataError(fmt::format(
            "{}: none of the {} inundation points lies in the world ({:.4f}–{:.4f} E, "
            "{:.4f}–{:.4f} N of data). Fix: use the tile that covers the region (files are named "
            "after the floor of their longitude and latitude, e.g. 132_33.json)",
            file, pts.points.size(), pts.west, pts.east, pts.south, pts.north));
    }
    // Arrival rule (see the header).
    std::vector<double> arrival(p.size());
    PointIndex index(p, std::max(1.0, in.arrival_neighbourhood_m > 0.0 ? in.arrival_neighbourhood_m
                                                                       : 2.0 * in.point_cell_m));
    double earliest = std::numeric_limits<double>::infinity();
    for (auto const& q : p) {
        if (std::isfinite(q.arrival_s)) {
            earliest = std::min(earliest, q.arrival_s);
        }
    }
    std::vector<std::string> early_ex, raised_ex, null_ex;
    for (std::size_t i = 0; i < p.size(); ++i) {
        double const r =
            in.arrival_neighbourhood_m > 0.0 ? in.arrival_neighbourhood_m : 2.0 * in.point_cell_m;
        bool const inside = grid.cell_at(px[i], py[i]) != kNoCell;
        std::vector<double> around;
        for (std::size_t j : index.near(i, r)) {
            if (std::isfinite(p[j].arrival_s)) {
                around.push_back(p[j].arrival_s);
            }
        }
        double a = p[i].arrival_s;
        std::string const where = fmt::format("({:.5f}, {:.5f})", p[i].lon, p[i].lat);
        if (!std::isfinite(a)) {
            a = around.empty() ? earliest : quantile(around, 0.5);
            if (!std::isfinite(a)) {
                a = 0.0; // no arrival anywhere in the files: water from the start
            }
            if (inside) {
                ++res.nulls_filled;
                null_ex.push_back(where);
            }
        } else {
            if (inside && a < in.early_arrival_s) {
                ++res.early;
                early_ex.push_back(fmt::format("{} {:.0f} s", where, a));
            }
            if (in.arrival_neighbourhood_m > 0.0 && around.size() >= 4) {
                double const q = quantile(around, in.arrival_quantile);
                if (q - a > in.arrival_outlier_s) {
                    if (inside) {
                        ++res.arrivals_raised;
                        res.max_raise_s = std::max(res.max_raise_s, q - a);
                        raised_ex.push_back(fmt::format("{} {:.0f} → {:.0f} s", where, a, q));
                    }
                    a = q;
                }
            }
        }
        if (a < in.min_arrival_s) {
            a = in.min_arrival_s;
            res.floored += inside ? 1 : 0;
        }
        arrival[i] = a;
    }
    // Burn the squares, shallowest first so the deepest wins where they overlap.
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return p[a].depth_m < p[b].depth_m; });
    std::vector<std::unique_ptr<OGRGeometry>> geoms;
    std::vector<double> ids;
    for (std::size_t i : order) {
        double const hh = 0.5 * in.point_cell_m / kMetresPerDegree;
        double const hw = hh / std::cos(p[i].lat * std::numbers::pi / 180.0);
        auto g = lonlat_rectangle(p[i].lon - hw, p[i].lat - hh, p[i].lon + hw, p[i].lat + hh, 2);
        g->transform(ct.get());
        geoms.push_back(std::move(g));
        ids.push_back(static_cast<double>(i));
    }
    std::vector<double> const burnt = rasterise(grid, geoms, ids, -1.0);
    std::vector<std::uint8_t> used(p.size(), 0);
    auto& depth = w.tsunami_max_depth_m.data;
    auto& arr = w.tsunami_arrival_s.data;
    for (std::size_t c = 0; c < burnt.size(); ++c) {
        if (burnt[c] >= 0.0) {
            auto const i = static_cast<std::size_t>(burnt[c]);
            depth[c] = static_cast<float>(p[i].depth_m);
            arr[c] = static_cast<float>(arrival[i]);
            used[i] = 1;
        }
    }
    // Coarse grids: a point whose square holds no cell centre still floods the cell it lies in.
    for (std::size_t i : order) {
        if (used[i] != 0) {
            continue;
        }
        CellId const c = grid.cell_at(px[i], py[i]);
        if (c != kNoCell) { // several points in one coarse cell: the deepest, the earliest
            depth[c] = std::max(depth[c], static_cast<float>(p[i].depth_m));
            arr[c] = std::min(arr[c], static_cast<float>(arrival[i]));
        }
    }
    res.arrival_min_s = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < depth.size(); ++c) {
        if (depth[c] > 0.0f) {
            ++res.cells_inundated;
            res.depth_max_m = std::max(res.depth_max_m, static_cast<double>(depth[c]));
            res.arrival_min_s = std::min(res.arrival_min_s, static_cast<double>(arr[c]));
        }
    }
    warnings.add(file,
                 fmt::format("points wet within {:.0f} s of the earthquake (probably low ground "
                             "flooded at once by co-seismic subsidence, not the wave front)",
                             in.early_arrival_s),
                 res.early, join_examples(early_ex, 3));
    warnings.add(file,
                 fmt::format("isolated early arrivals (more than {:.0f} s before the {:.0f}th "
                             "percentile of their {:.0f} m neighbourhood) raised to that "
                             "percentile, by up to {:.0f} s",
                             in.arrival_outlier_s, 100.0 * in.arrival_quantile,
                             in.arrival_neighbourhood_m, res.max_raise_s),
                 res.arrivals_raised, join_examples(raised_ex, 3));
    warnings.add(file, fmt::format("arrivals raised to min_arrival_s = {:.0f} s", in.min_arrival_s),
                 res.floored);
    warnings.add(file,
                 "points with a null (missing) arrival: given the median arrival of their "
                 "neighbourhood",
                 res.nulls_filled, join_examples(null_ex, 3));
    return res;
}

} // namespace tsunagi
