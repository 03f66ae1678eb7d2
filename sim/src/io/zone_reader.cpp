#include <algorithm>
#include <set>

#include "geometry_util.hpp"
#include "vector_layer.hpp"
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/zone_reader.hpp>

namespace tsunagi {

using namespace detail;

namespace {
bool is_municipality_code(std::string const& c) {
    return c.size() == 5 &&
           std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}
} // namespace

ZoneBoundaries read_zone_boundaries(ZonesInput const& in, DataWarnings& warnings) {
    VectorLayer v = open_vector_layer({in.path, "zones", in.layer, in.crs, {}, {}, false});
    ZoneBoundaries zb;
    zb.file = v.file;
    zb.crs_label = v.crs_label;
    int const code_i = v.require_field(in.code_field, "world.data.zones.code_field");
    int const name_i = v.require_field(in.name_field, "world.data.zones.name_field");
    int const pref_i = v.field(in.prefecture_name_field);
    int const county_i = v.field(in.county_name_field);
    std::set<std::string> const wanted(in.codes.begin(), in.codes.end());
    std::map<std::string, MunicipalityShape> shapes;
    std::map<std::string, std::unique_ptr<OGRMultiPolygon>> parts;
    std::vector<std::string> no_code, no_geom, repaired;

    v.layer->ResetReading();
    for (FeaturePtr f(v.layer->GetNextFeature()); f; f.reset(v.layer->GetNextFeature())) {
        ++zb.features_read;
        std::string const fid = fmt::format("feature {}", f->GetFID());
        std::string const code = trim(field_text(*f, code_i));
        std::string const name = trim(field_text(*f, name_i));
        std::string const pref = trim(field_text(*f, pref_i));
        std::string const county = trim(field_text(*f, county_i));
        if (!is_municipality_code(code)) {
            // N03 leaves the code empty for areas whose municipality is undecided (所属未定地).
            no_code.push_back(
                fmt::format("{} ({}: '{}')", fid, name.empty() ? "no name" : name, code));
            continue;
        }
        if (!zb.address_prefix.contains(code)) {
            zb.address_prefix[code] = pref + county + name;
        }
        if (!wanted.empty() && !wanted.contains(code)) {
            ++zb.features_not_selected;
            continue;
        }
        OGRGeometry* g = f->GetGeometryRef();
        if (g == nullptr || g->IsEmpty()) {
            no_geom.push_back(fmt::format("{} ({} {})", fid, code, name));
            continue;
        }
        auto const type = wkbFlatten(g->getGeometryType());
        if (type != wkbPolygon && type != wkbMultiPolygon) {
            throw DataError(fmt::format("{}: {} ({} {}) of the zones layer is a {}, not a polygon. "
                                        "Fix: use a polygon layer of municipal boundaries (N03)",
                                        v.file, fid, code, name, g->getGeometryName()));
        }
        std::unique_ptr<OGRGeometry> geom(g->clone());
        v.to_lonlat_checked(*geom, fmt::format("{} ({} {})", fid, code, name));
        if (!geom->IsValid()) {
            geom = make_valid_polygons(*geom);
            if (!geom) {
                throw DataError(fmt::format("{}: {} ({} {}) of the zones layer has an invalid "
                                            "polygon that GEOS cannot repair. Fix: repair it in "
                                            "QGIS (Fix geometries) or with ogr2ogr -makevalid",
                                            v.file, fid, code, name));
            }
            repaired.push_back(fmt::format("{} ({} {})", fid, code, name));
        }
        auto& mp = parts[code];
        if (!mp) {
            mp = std::make_unique<OGRMultiPolygon>();
        }
        add_polygons(*mp, *geom);
        auto& s = shapes[code];
        if (s.features == 0) {
            s.code = code;
            s.name = name;
            s.prefecture_name = pref;
            s.county_name = county;
        }
        ++s.features;
    }
    if (zb.features_read == 0) {
        throw DataError(fmt::format("{}: the zones layer is empty. Fix: check the file", v.file));
    }
    warnings.add(v.file, "features without a valid 5-digit municipality code: not in any zone",
                 no_code.size(), join_examples(no_code));
    warnings.add(v.file, "features without geometry: ignored", no_geom.size(),
                 join_examples(no_geom));
    warnings.add(v.file, "invalid polygons (self-intersections, ...) repaired with GEOS MakeValid",
                 repaired.size(), join_examples(repaired));
    zb.invalid_repaired = repaired.size();
    std::vector<std::string> missing;
    for (auto const& c : in.codes) {
        if (!shapes.contains(c)) {
            missing.push_back(c);
        }
    }
    if (!missing.empty()) {
        throw DataError(fmt::format(
            "{}: municipality code(s) {} asked for in world.data.zones.codes are not in the "
            "zones layer ({} features). Fix: check the codes (5 digits, e.g. 38203) or the file",
            v.file, fmt::join(missing, ", "), zb.features_read));
    }
    if (shapes.empty()) {
        throw DataError(fmt::format("{}: no municipality with a polygon was read from the zones "
                                    "layer. Fix: check the file and code_field",
                                    v.file));
    }
    for (auto& [code, s] : shapes) {
        OGREnvelope e;
        parts[code]->getEnvelope(&e);
        s.west = e.MinX;
        s.east = e.MaxX;
        s.south = e.MinY;
        s.north = e.MaxY;
        s.wkb = to_wkb(*parts[code]);
        zb.municipalities.push_back(std::move(s));
    }
    return zb;
}

void burn_zones(ZoneBoundaries& zb, World& w) {
    ZoneIndex const jp = w.zones.add(Zone{"JP", "日本", ZoneLevel::Country, -1});
    std::map<std::string, ZoneIndex> prefs;
    for (auto const& m : zb.municipalities) {
        std::string const p = m.code.substr(0, 2);
        if (!prefs.contains(p)) {
            prefs[p] = 0;
        }
    }
    for (auto& [p, idx] : prefs) {
        std::string name = p;
        for (auto const& m : zb.municipalities) {
            if (m.code.compare(0, 2, p) == 0 && !m.prefecture_name.empty()) {
                name = m.prefecture_name;
                break;
            }
        }
        idx = w.zones.add(Zone{p, name, ZoneLevel::Prefecture, jp});
    }
    std::vector<ZoneIndex> index;
    for (auto const& m : zb.municipalities) {
        index.push_back(w.zones.add(
            Zone{m.code, m.name, ZoneLevel::Municipality, prefs.at(m.code.substr(0, 2))}));
    }
    std::vector<std::unique_ptr<OGRGeometry>> geoms;
    std::vector<double> burn;
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(w.grid.crs_wkt());
    auto ct = make_transform(ll, dst, zb.file);
    for (std::size_t i = 0; i < zb.municipalities.size(); ++i) {
        auto g = from_wkb(zb.municipalities[i].wkb);
        g->transform(ct.get());
        geoms.push_back(std::move(g));
        burn.push_back(static_cast<double>(index[i]));
    }
    auto raster = rasterise(w.grid, geoms, burn, -1.0);
    w.zone = Raster<std::int32_t>("zone", "index", w.grid.cells(), -1);
    for (std::size_t c = 0; c < raster.size(); ++c) {
        w.zone.data[c] = static_cast<std::int32_t>(raster[c]);
    }
    for (std::size_t i = 0; i < zb.municipalities.size(); ++i) {
        zb.municipalities[i].cells = static_cast<std::size_t>(std::count(
            w.zone.data.begin(), w.zone.data.end(), static_cast<std::int32_t>(index[i])));
    }
}

} // namespace tsunagi
