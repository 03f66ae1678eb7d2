#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "geometry_util.hpp"
#include "vector_layer.hpp"
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/population_reader.hpp>
#include <tsunagi/world/mesh_code.hpp>

namespace tsunagi {

using namespace detail;

namespace {

std::string lower_ext(std::filesystem::path const& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e;
}

PopulationFormat guess_format(std::filesystem::path const& p) {
    std::string const e = lower_ext(p);
    if (e == ".tif" || e == ".tiff" || e == ".vrt" || e == ".asc" || e == ".img" || e == ".nc") {
        return PopulationFormat::Raster;
    }
    if (e == ".csv" || e == ".txt") {
        return PopulationFormat::MeshCsv;
    }
    return PopulationFormat::Auto; // decided from the fields
}

std::vector<std::string> split_codes(std::string const& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t const end = s.find_first_of(";, ", start);
        std::string const part =
            trim(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (!part.empty()) {
            out.push_back(part);
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

// Reads an optional persons figure; e-Stat writes "*" (withheld) or "-" (none).
std::optional<double> persons(OGRFeature const& f, int idx) {
    if (idx < 0) {
        return std::nullopt;
    }
    std::string const t = trim(field_text(f, idx));
    if (t.empty() || t == "*" || t == "X" || t == "x") {
        return std::nullopt;
    }
    if (t == "-") {
        return 0.0;
    }
    return parse_number(t);
}

} // namespace

std::string_view to_string(PopulationFormat f) noexcept {
    switch (f) {
    case PopulationFormat::Auto:
        return "auto";
    case PopulationFormat::MeshCsv:
        return "mesh_csv";
    case PopulationFormat::MeshPolygons:
        return "mesh_polygons";
    case PopulationFormat::Polygons:
        return "polygons";
    case PopulationFormat::Raster:
        return "raster";
    }
    return "?";
}

PopulationSource read_population_source(PopulationSourceInput const& in, DataWarnings& warnings) {
    PopulationSource src;
    src.file = show(in.path);
    PopulationFormat form = in.format == PopulationFormat::Auto ? guess_format(in.path) : in.format;

    if (form == PopulationFormat::Raster) {
        src.format = form;
        src.raster = RasterInput{in.path, "population", in.band, Resampling::Sum, in.crs, {}};
        auto const e = raster_extent_lonlat(src.raster);
        src.west = e[0];
        src.south = e[1];
        src.east = e[2];
        src.north = e[3];
        return src;
    }

    VectorOpen o{in.path, "population", in.layer, in.crs, {}, {}, false};
    if (form == PopulationFormat::MeshCsv) {
        // e-Stat tables are .txt; every value is read as text (the second header row holds
        // Japanese labels in Shift_JIS, which must not decide the column types).
        if (lower_ext(in.path) != ".csv") {
            o.path = "CSV:" + in.path.string();
        }
        o.open_options = {"AUTODETECT_TYPE=NO", "HEADERS=YES"};
        o.drivers = {"CSV"};
        o.no_crs_is_lonlat = true;
    }
    VectorLayer v = open_vector_layer(o);
    auto field_or_auto = [&](std::string const& given, std::string const& key,
                             std::vector<std::string> const& candidates) {
        if (!given.empty()) {
            return v.require_field(given, key);
        }
        return v.find_field(candidates);
    };
    int const code_i =
        field_or_auto(in.code_field, "world.data.population.sources[].code_field",
                      {"mesh_id", "KEY_CODE", "mesh_code", "MESH_CODE", "meshcode", "MESH_ID"});
    if (form == PopulationFormat::Auto) {
        form = code_i >= 0 ? PopulationFormat::MeshPolygons : PopulationFormat::Polygons;
    }
    src.format = form;
    bool const mesh = form == PopulationFormat::MeshCsv || form == PopulationFormat::MeshPolygons;
    if (mesh && code_i < 0) {
        throw DataError(fmt::format("{}: the population layer has no mesh-code field (looked for "
                                    "mesh_id, KEY_CODE, mesh_code); its fields are: {}. Fix: set "
                                    "code_field, or format: polygons for plain polygons",
                                    v.file, v.field_list()));
    }
    int count_i = field_or_auto(
        in.count_field, "world.data.population.sources[].count_field",
        {"total_population", "population", "POPULATION", "pop", "POP", "PTN_2020", "人口総数"});
    if (count_i < 0) {
        // e-Stat: the first statistic column, e.g. T001141001 = 人口（総数）.
        for (auto const& [i, name] : [&] {
                 std::vector<std::pair<int, std::string>> f;
                 auto names = v.field_names();
                 for (std::size_t k = 0; k < names.size(); ++k) {
                     f.emplace_back(static_cast<int>(k), names[k]);
                 }
                 return f;
             }()) {
            if (name.size() == 10 && name[0] == 'T' && name.ends_with("001")) {
                count_i = i;
                break;
            }
        }
    }
    if (count_i < 0) {
        throw DataError(fmt::format("{}: the population layer has no count field (looked for "
                                    "total_population, population, e-Stat T……001); its fields "
                                    "are: {}. Fix: set count_field",
                                    v.file, v.field_list()));
    }
    int const a65_i =
        field_or_auto(in.age_65plus_field, "world.data.population.sources[].age_65plus_field",
                      {"population_65plus"});
    int const a75_i =
        field_or_auto(in.age_75plus_field, "world.data.population.sources[].age_75plus_field",
                      {"population_75plus"});
    src.has_age = a65_i >= 0 || a75_i >= 0;
    int const status_i = v.find_field({"population_status", "HTKSYORI"});
    int const target_i = v.find_field({"population_status_target", "HTKSAKI"});
    int const merged_i = v.find_field({"population_aggregation_target", "GASSAN"});
    int const quality_i = v.find_field({"age_quality_flag"});
    src.crs_label = v.crs_label;

    std::map<std::string, std::size_t> seen;
    std::vector<std::string> mismatch, withheld, flagged, no_geom, repaired, age_over;
    LonLatBox box;
    v.layer->ResetReading();
    std::size_t row = 0;
    for (FeaturePtr f(v.layer->GetNextFeature()); f; f.reset(v.layer->GetNextFeature())) {
        ++row;
        PopulationRecord r;
        std::string const count_text = trim(field_text(*f, count_i));
        std::optional<MeshCell> cell;
        if (mesh) {
            std::string const code = trim(field_text(*f, code_i));
            if (form == PopulationFormat::MeshCsv && code.empty() && row == 1 &&
                !parse_number(count_text)) {
                continue; // e-Stat's second header row (Japanese labels)
            }
            std::string why;
            cell = parse_mesh_code(code, &why);
            if (!cell) {
                throw DataError(
                    fmt::format("{}: record {} has mesh code '{}', which does not parse: "
                                "{}. Fix: correct the record (JIS X 0410 codes: 4, 6, "
                                "8, 9, 10 or 11 digits)",
                                v.file, row, code, why));
            }
            if (src.mesh_digits != 0 && src.mesh_digits != cell->digits) {
                throw DataError(fmt::format("{}: record {} is a {} mesh but earlier records are {} "
                                            "meshes. Fix: use one mesh level per file",
                                            v.file, row, mesh_level_name(cell->digits),
                                            mesh_level_name(src.mesh_digits)));
            }
            src.mesh_digits = cell->digits;
            r.id = code;
            if (auto [it, fresh] = seen.emplace(code, row); !fresh) {
                throw DataError(fmt::format("{}: mesh code {} appears twice (records {} and {}): a "
                                            "cell must be counted once. Fix: remove the duplicate",
                                            v.file, code, it->second, row));
            }
        } else {
            r.id = fmt::format("feature {}", f->GetFID());
        }
        // The count.
        if (count_text == "*" || count_text == "X") {
            withheld.push_back(r.id);
        } else {
            bool fw = false;
            auto const n =
                count_text == "-" ? std::optional<double>(0.0) : parse_number(count_text, &fw);
            if (!n || *n < 0.0 || std::floor(*n) != *n || *n > 4.0e9) {
                throw DataError(
                    fmt::format("{}: record {} ({}) has population '{}', which is not a "
                                "whole number of persons ≥ 0. Fix: correct the record",
                                v.file, row, r.id, count_text));
            }
            r.count = static_cast<std::uint64_t>(*n);
        }
        // Geometry: from the mesh code, or from the file.
        OGRGeometry const* g = f->GetGeometryRef();
        std::unique_ptr<OGRGeometry> geom;
        if (cell) {
            geom = lonlat_rectangle(cell->west, cell->south, cell->east(), cell->north(), 4);
            if (g != nullptr && !g->IsEmpty()) {
                std::unique_ptr<OGRGeometry> ll(g->clone());
                v.to_lonlat_checked(*ll, fmt::format("record {} ({})", row, r.id));
                OGRPoint c;
                if (ll->Centroid(&c) == OGRERR_NONE &&
                    !(c.getX() > cell->west && c.getX() < cell->east() && c.getY() > cell->south &&
                      c.getY() < cell->north())) {
                    mismatch.push_back(r.id);
                }
            }
        } else {
            if (g == nullptr || g->IsEmpty()) {
                no_geom.push_back(r.id);
                if (r.count > 0) {
                    throw DataError(
                        fmt::format("{}: {} has {} persons but no geometry. Fix: give it "
                                    "its polygon",
                                    v.file, r.id, r.count));
                }
                continue;
            }
            auto const t = wkbFlatten(g->getGeometryType());
            if (t != wkbPolygon && t != wkbMultiPolygon) {
                throw DataError(fmt::format("{}: {} is a {}, not a polygon. Fix: use polygons (or "
                                            "format: mesh_polygons with a mesh-code field)",
                                            v.file, r.id, g->getGeometryName()));
            }
            geom.reset(g->clone());
            v.to_lonlat_checked(*geom, r.id);
            if (!geom->IsValid()) {
                geom = make_valid_polygons(*geom);
                if (!geom) {
                    throw DataError(fmt::format("{}: {} has an invalid polygon that GEOS cannot "
                                                "repair. Fix: repair it (QGIS Fix geometries)",
                                                v.file, r.id));
                }
                repaired.push_back(r.id);
            }
        }
        OGREnvelope e;
        geom->getEnvelope(&e);
        box.add(e.MinX, e.MinY);
        box.add(e.MaxX, e.MaxY);
        r.wkb = to_wkb(*geom);
        // Ages and secrecy.
        r.n65 = persons(*f, a65_i);
        r.n75 = persons(*f, a75_i);
        if (r.n65 && r.n75 && *r.n75 > *r.n65) {
            age_over.push_back(r.id);
        }
        if (status_i >= 0) {
            auto const s = parse_number(trim(field_text(*f, status_i)));
            r.status = s ? static_cast<int>(*s) : 0;
            r.status_target = trim(field_text(*f, target_i));
            r.merged = split_codes(field_text(*f, merged_i));
        }
        if (quality_i >= 0 && trim(field_text(*f, quality_i)) == "inconsistent_with_total") {
            flagged.push_back(r.id);
        }
        src.total += r.count;
        src.records.push_back(std::move(r));
    }
    if (src.records.empty()) {
        throw DataError(
            fmt::format("{}: the population layer has no records. Fix: check the file", v.file));
    }
    if (in.expected_total && static_cast<std::int64_t>(src.total) != *in.expected_total) {
        throw DataError(fmt::format(
            "{}: the {} records add up to {} persons, but expected_total is {} (a difference of "
            "{}). Fix: check that the file is complete and is the one meant, or correct "
            "expected_total",
            v.file, src.records.size(), src.total, *in.expected_total,
            static_cast<std::int64_t>(src.total) - *in.expected_total));
    }
    src.west = box.west;
    src.south = box.south;
    src.east = box.east;
    src.north = box.north;
    src.polygon_mismatch = mismatch.size();
    warnings.add(v.file,
                 "polygons drawn away from the cell of their mesh code (a known defect: quadrants "
                 "2 and 3 swapped); geometry taken from the code",
                 mismatch.size(), join_examples(mismatch));
    warnings.add(v.file,
                 "population withheld ('*'): counted as 0 (e-Stat adds such a cell's persons to "
                 "the neighbour named in its secrecy target)",
                 withheld.size(), join_examples(withheld));
    warnings.add(v.file, "cells the file itself flags age_quality_flag=inconsistent_with_total",
                 flagged.size(), join_examples(flagged));
    warnings.add(v.file, "75+ persons exceed 65+ persons: the 75+ share is capped at the 65+ share",
                 age_over.size(), join_examples(age_over));
    warnings.add(v.file, "features without geometry and without persons: ignored", no_geom.size(),
                 join_examples(no_geom));
    warnings.add(v.file, "invalid polygons repaired with GEOS MakeValid", repaired.size(),
                 join_examples(repaired));
    return src;
}

} // namespace tsunagi
