// Lifeline lines from a GDAL line layer (see lifeline_line_reader.hpp).

#include <set>

#include "gdal_util.hpp"
#include "geometry_util.hpp"
#include "vector_layer.hpp"
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/lifeline_line_reader.hpp>

namespace tsunagi {

using namespace detail;

LineRecords read_lifeline_lines(LifelineLinesInput const& in, std::string const& target_crs_wkt,
                                DataWarnings& warnings) {
    std::string const what = fmt::format("lifeline lines ({})", to_string(in.kind));
    VectorLayer v = open_vector_layer(VectorOpen{in.path, what, in.layer, in.crs, {}, {}, false});
    LineRecords out;
    out.file = v.file;
    out.crs_label = v.crs_label;
    std::string const k = "world.data.lifeline_lines[]";
    int const id_i = in.id_field.empty() ? v.find_field({"id", "ID", "name", "NAME"})
                                         : v.require_field(in.id_field, k + ".id_field");
    int const source_i =
        in.source_field.empty() ? -1 : v.require_field(in.source_field, k + ".source_field");
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(target_crs_wkt);
    auto to_dst = make_transform(ll, dst, v.file);

    std::set<std::string> seen;
    std::vector<std::string> duplicated, bad, unnamed;
    v.layer->ResetReading();
    for (FeaturePtr f(v.layer->GetNextFeature()); f; f.reset(v.layer->GetNextFeature())) {
        ++out.features;
        LineRecord r;
        r.feature = fmt::format("feature {}", f->GetFID());
        r.id = id_i >= 0 ? trim(field_text(*f, id_i)) : std::string();
        if (r.id.empty()) {
            if (id_i >= 0) {
                unnamed.push_back(r.feature);
            }
            r.id = r.feature;
        } else if (!seen.insert(r.id).second) {
            duplicated.push_back(r.id);
        }
        if (source_i >= 0) {
            r.source_id = trim(field_text(*f, source_i)); // as the facility ids: exact
        }
        std::vector<OGRLineString const*> parts;
        if (OGRGeometry const* g = f->GetGeometryRef(); g != nullptr) {
            collect_lines(*g, parts);
        }
        for (OGRLineString const* part : parts) {
            OGRLineString ls(*part);
            std::string const name = fmt::format("{} ({})", r.feature, r.id);
            v.to_lonlat_checked(ls, name);
            if (ls.transform(to_dst.get()) != OGRERR_NONE) {
                throw DataError(fmt::format("{}: {} cannot be projected to the world's CRS. Fix: "
                                            "check the layer's CRS (crs: EPSG:xxxx)",
                                            v.file, name));
            }
            std::vector<double> xs, ys;
            for (int i = 0; i < ls.getNumPoints(); ++i) {
                xs.push_back(ls.getX(i));
                ys.push_back(ls.getY(i));
            }
            if (xs.size() >= 2) {
                r.x.push_back(std::move(xs));
                r.y.push_back(std::move(ys));
            }
        }
        if (r.x.empty()) {
            ++out.bad_geometry;
            bad.push_back(fmt::format("{} ({})", r.feature, r.id));
            continue;
        }
        out.lines.push_back(std::move(r));
    }
    warnings.add(out.file, "features without a line geometry (points, polygons or empty): left out",
                 bad.size(), join_examples(bad));
    warnings.add(out.file, "lines sharing an id with an earlier line (kept; ids are only labels)",
                 duplicated.size(), join_examples(duplicated));
    warnings.add(out.file, "lines with an empty id: named by their feature number", unnamed.size(),
                 join_examples(unnamed));
    return out;
}

} // namespace tsunagi
