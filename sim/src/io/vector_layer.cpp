#include "vector_layer.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include <tsunagi/core/error.hpp>

namespace tsunagi::detail {

int VectorLayer::field(std::string const& name) const {
    return layer->GetLayerDefn()->GetFieldIndex(name.c_str());
}

int VectorLayer::find_field(std::vector<std::string> const& candidates) const {
    for (auto const& c : candidates) {
        int const i = field(c);
        if (i >= 0) {
            return i;
        }
    }
    return -1;
}

std::vector<std::string> VectorLayer::field_names() const {
    std::vector<std::string> out;
    OGRFeatureDefn const* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) {
        out.emplace_back(d->GetFieldDefn(i)->GetNameRef());
    }
    return out;
}

std::string VectorLayer::field_list() const {
    auto const names = field_names();
    return names.empty() ? "no fields" : fmt::format("{}", fmt::join(names, ", "));
}

int VectorLayer::require_field(std::string const& name, std::string const& key) const {
    int const i = field(name);
    if (i < 0) {
        throw DataError(fmt::format("{}: the {} layer has no field '{}' (asked for by {}); its "
                                    "fields are: {}. Fix: set {} to one of them",
                                    file, what, name, key, field_list(), key));
    }
    return i;
}

namespace {
bool on_earth(double lon, double lat) {
    return std::isfinite(lon) && std::isfinite(lat) && std::abs(lon) <= 180.0 &&
           std::abs(lat) <= 90.0;
}

class EarthCheck final : public OGRDefaultConstGeometryVisitor {
public:
    using OGRDefaultConstGeometryVisitor::visit;
    void visit(OGRPoint const* p) override {
        if (bad_ || p->IsEmpty()) {
            return;
        }
        if (!on_earth(p->getX(), p->getY())) {
            bad_ = true;
            x_ = p->getX();
            y_ = p->getY();
        }
    }
    bool bad_ = false;
    double x_ = 0.0, y_ = 0.0;
};
} // namespace

void VectorLayer::to_lonlat_checked(OGRGeometry& g, std::string const& feature) const {
    if (to_lonlat) {
        GdalMessages msgs;
        if (g.transform(to_lonlat.get()) != OGRERR_NONE) {
            throw DataError(fmt::format(
                "{}: {} of the {} layer cannot be transformed from {} to longitude/latitude{}. "
                "Fix: the layer's CRS is probably wrong; set the right one with crs: EPSG:xxxx",
                file, feature, what, crs_label, msgs.said()));
        }
    }
    EarthCheck check;
    g.accept(&check);
    if (check.bad_) {
        throw DataError(fmt::format(
            "{}: {} of the {} layer has a point at ({}, {}), which is not a longitude/latitude on "
            "the earth after conversion from its CRS {} ({}). Fix: the CRS is wrong or missing; "
            "set the right one with crs: EPSG:xxxx (e.g. EPSG:6690 for JGD2011 / UTM zone 53N "
            "coordinates in metres)",
            file, feature, what, check.x_, check.y_, crs_label, crs_origin));
    }
}

void VectorLayer::point_to_lonlat_checked(double& x, double& y, std::string const& feature) const {
    double const x_in = x, y_in = y;
    if (to_lonlat && !to_lonlat->Transform(1, &x, &y)) {
        x = y = HUGE_VAL;
    }
    if (!on_earth(x, y)) {
        throw DataError(fmt::format(
            "{}: {} of the {} layer is at ({}, {}), which is not a longitude/latitude on the "
            "earth after conversion from its CRS {} ({}). Fix: the CRS is wrong or missing; set "
            "the "
            "right one with crs: EPSG:xxxx",
            file, feature, what, x_in, y_in, crs_label, crs_origin));
    }
}

VectorLayer open_vector_layer(VectorOpen const& o) {
    VectorLayer v;
    v.file = show(o.path);
    v.what = o.what;
    v.ds = open_dataset(o.path, GDAL_OF_VECTOR, o.what, o.open_options, o.drivers);
    int const n = v.ds->GetLayerCount();
    if (n == 0) {
        throw DataError(fmt::format("{}: the {} file has no vector layer. Fix: check the file",
                                    v.file, o.what));
    }
    if (!o.layer.empty()) {
        v.layer = v.ds->GetLayerByName(o.layer.c_str());
        if (v.layer == nullptr) {
            std::vector<std::string> names;
            for (int i = 0; i < n; ++i) {
                names.emplace_back(v.ds->GetLayer(i)->GetName());
            }
            throw DataError(fmt::format("{}: the {} file has no layer '{}'; its layers are: {}. "
                                        "Fix: set layer to one of them",
                                        v.file, o.what, o.layer, fmt::join(names, ", ")));
        }
    } else {
        v.layer = v.ds->GetLayer(0);
    }
    OGRSpatialReference const* r = v.layer->GetSpatialRef();
    if (!o.crs.empty()) {
        v.srs = srs_from_text(o.crs, v.file);
        v.crs_origin = "set in the scenario";
    } else if (r != nullptr && !r->IsEmpty()) {
        v.srs = *r;
        v.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        v.crs_origin = "from the file";
    } else if (o.no_crs_is_lonlat) {
        v.srs = wgs84();
        v.crs_origin = "longitude/latitude assumed";
    } else {
        throw DataError(fmt::format("{}: the {} layer '{}' has no coordinate reference system "
                                    "(a Shapefile without its .prj?). Fix: set crs: EPSG:xxxx for "
                                    "it in the scenario, or add the .prj",
                                    v.file, o.what, v.layer->GetName()));
    }
    v.crs_label = srs_label(v.srs);
    OGRSpatialReference const ll = wgs84();
    if (!v.srs.IsSame(&ll)) {
        v.to_lonlat = make_transform(v.srs, ll, v.file);
    }
    // The OSM driver cannot count without reading everything; other drivers answer at once.
    if (std::string(v.ds->GetDriverName()) != "OSM") {
        if (v.layer->GetFeatureCount(TRUE) == 0) {
            throw DataError(fmt::format("{}: the {} layer '{}' is empty (no features). Fix: check "
                                        "the file, or remove it from the scenario",
                                        v.file, o.what, v.layer->GetName()));
        }
    }
    return v;
}

std::string ascii_digits(std::string_view s, bool* changed) {
    std::string out;
    out.reserve(s.size());
    bool any = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c0 = static_cast<unsigned char>(s[i]);
        // U+FF0D..U+FF19 (－．／０-９) are EF BC 8D..99 in UTF-8.
        if (c0 == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
            auto const c2 = static_cast<unsigned char>(s[i + 2]);
            if (c2 >= 0x90 && c2 <= 0x99) {
                out += static_cast<char>('0' + (c2 - 0x90));
                i += 2;
                any = true;
                continue;
            }
            if (c2 == 0x8D || c2 == 0x8E) {
                out += c2 == 0x8D ? '-' : '.';
                i += 2;
                any = true;
                continue;
            }
        }
        out += s[i];
    }
    if (changed != nullptr) {
        *changed = any;
    }
    return out;
}

std::string trim(std::string_view s) {
    auto const b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    auto const e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::optional<double> parse_number(std::string_view s, bool* full_width) {
    std::string const t = trim(ascii_digits(s, full_width));
    if (t.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    double const v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

std::string field_text(OGRFeature const& f, int idx) {
    if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) {
        return {};
    }
    return f.GetFieldAsString(idx);
}

} // namespace tsunagi::detail
