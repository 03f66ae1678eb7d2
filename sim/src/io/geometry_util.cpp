#include "geometry_util.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <gdal_alg.h>

#include <tsunagi/core/error.hpp>

namespace tsunagi::detail {

std::string to_wkb(OGRGeometry const& g) {
    std::string out(g.WkbSize(), '\0');
    g.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(out.data()), wkbVariantIso);
    return out;
}

std::unique_ptr<OGRGeometry> from_wkb(std::string const& wkb) {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE ||
        g == nullptr) {
        throw IoError("internal: cannot decode a geometry kept as WKB");
    }
    return std::unique_ptr<OGRGeometry>(g);
}

void add_polygons(OGRMultiPolygon& mp, OGRGeometry const& g) {
    auto const t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon) {
        mp.addGeometry(&g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        auto const& c = *g.toGeometryCollection();
        for (int i = 0; i < c.getNumGeometries(); ++i) {
            add_polygons(mp, *c.getGeometryRef(i));
        }
    }
}

std::unique_ptr<OGRGeometry> make_valid_polygons(OGRGeometry const& g) {
    std::unique_ptr<OGRGeometry> v(g.MakeValid());
    if (!v) {
        return nullptr;
    }
    auto mp = std::make_unique<OGRMultiPolygon>();
    add_polygons(*mp, *v);
    if (mp->IsEmpty()) {
        return nullptr;
    }
    return mp;
}

void collect_lines(OGRGeometry const& g, std::vector<OGRLineString const*>& out) {
    auto const t = wkbFlatten(g.getGeometryType());
    if (t == wkbLineString) {
        out.push_back(g.toLineString());
    } else if (t == wkbMultiLineString || t == wkbGeometryCollection) {
        auto const& c = *g.toGeometryCollection();
        for (int i = 0; i < c.getNumGeometries(); ++i) {
            collect_lines(*c.getGeometryRef(i), out);
        }
    }
}

std::unique_ptr<OGRPolygon> lonlat_rectangle(double west, double south, double east, double north,
                                             int per_side) {
    auto ring = std::make_unique<OGRLinearRing>();
    int const n = std::max(1, per_side);
    for (int i = 0; i < n; ++i) {
        ring->addPoint(west + (east - west) * i / n, south);
    }
    for (int i = 0; i < n; ++i) {
        ring->addPoint(east, south + (north - south) * i / n);
    }
    for (int i = 0; i < n; ++i) {
        ring->addPoint(east - (east - west) * i / n, north);
    }
    for (int i = 0; i < n; ++i) {
        ring->addPoint(west, north - (north - south) * i / n);
    }
    ring->closeRings();
    auto poly = std::make_unique<OGRPolygon>();
    poly->addRingDirectly(ring.release());
    return poly;
}

std::vector<double> rasterise(GridSpec const& grid,
                              std::vector<std::unique_ptr<OGRGeometry>> const& geoms,
                              std::vector<double> const& values, double fill) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    DatasetPtr ds(mem->Create("", grid.nx(), grid.ny(), 1, GDT_Float64, nullptr));
    auto const gt = grid.transform().to_gdal();
    std::array<double, 6> gtv{gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]};
    ds->SetGeoTransform(gtv.data());
    ds->GetRasterBand(1)->Fill(fill);
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        if (geoms[i] && !geoms[i]->IsEmpty()) {
            handles.push_back(OGRGeometry::ToHandle(geoms[i].get()));
            burn.push_back(values[i]);
        }
    }
    int band = 1;
    if (!handles.empty()) {
        GdalMessages msgs;
        if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                                    static_cast<int>(handles.size()), handles.data(), nullptr,
                                    nullptr, burn.data(), nullptr, nullptr, nullptr) != CE_None) {
            throw IoError(fmt::format("GDAL could not rasterise {} geometries{}", handles.size(),
                                      msgs.said()));
        }
    }
    std::vector<double> out(grid.cells());
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.nx(), grid.ny(), out.data(), grid.nx(),
                                       grid.ny(), GDT_Float64, 0, 0, nullptr) != CE_None) {
        throw IoError("cannot read a rasterised layer back");
    }
    return out;
}

std::vector<std::pair<CellId, double>> cell_overlaps(GridSpec const& grid, OGRGeometry const& g,
                                                     std::vector<std::uint8_t> const* mask) {
    std::vector<std::pair<CellId, double>> out;
    OGREnvelope e;
    g.getEnvelope(&e);
    auto const& t = grid.transform();
    auto const c0 =
        std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor((e.MinX - t.x0) / t.dx)));
    auto const c1 = std::min<std::int64_t>(
        grid.nx() - 1, static_cast<std::int64_t>(std::floor((e.MaxX - t.x0) / t.dx)));
    auto const r0 =
        std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor((e.MaxY - t.y0) / t.dy)));
    auto const r1 = std::min<std::int64_t>(
        grid.ny() - 1, static_cast<std::int64_t>(std::floor((e.MinY - t.y0) / t.dy)));
    for (std::int64_t r = r0; r <= r1; ++r) {
        for (std::int64_t c = c0; c <= c1; ++c) {
            CellId const cell =
                grid.index(static_cast<std::int32_t>(c), static_cast<std::int32_t>(r));
            if (mask != nullptr && (*mask)[cell] == 0) {
                continue;
            }
            double const x0 = t.x0 + static_cast<double>(c) * t.dx;
            double const y1 = t.y0 + static_cast<double>(r) * t.dy;
            OGRPolygon box;
            OGRLinearRing ring;
            ring.addPoint(x0, y1);
            ring.addPoint(x0 + t.dx, y1);
            ring.addPoint(x0 + t.dx, y1 + t.dy);
            ring.addPoint(x0, y1 + t.dy);
            ring.closeRings();
            box.addRing(&ring);
            std::unique_ptr<OGRGeometry> cut(g.Intersection(&box));
            if (!cut || cut->IsEmpty()) {
                continue;
            }
            double area = 0.0;
            auto const type = wkbFlatten(cut->getGeometryType());
            if (type == wkbPolygon || type == wkbMultiPolygon || type == wkbGeometryCollection) {
                area = OGR_G_Area(OGRGeometry::ToHandle(cut.get()));
            }
            if (area > 0.0) {
                out.emplace_back(cell, area);
            }
        }
    }
    return out;
}

} // namespace tsunagi::detail
