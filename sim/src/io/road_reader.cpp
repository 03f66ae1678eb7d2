#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

#include "geometry_util.hpp"
#include "vector_layer.hpp"
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/road_reader.hpp>
#include <tsunagi/world/cell_graph.hpp>

namespace tsunagi {

using namespace detail;

namespace {

enum class Direction : std::uint8_t { Both, Forward, Backward };

struct Line {
    std::vector<std::uint32_t> vertices; // snapped vertex ids
    EdgeAttributes attrs;
    Direction dir = Direction::Both;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The leading number of "50", "50 mph", "5.5 m", "30;50"; nullopt if none.
std::optional<double> leading_number(std::string const& s, double* mph_factor = nullptr) {
    std::string const t = trim(ascii_digits(s));
    char* end = nullptr;
    double const v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || !std::isfinite(v) || v <= 0.0) {
        return std::nullopt;
    }
    if (mph_factor != nullptr) {
        *mph_factor = lower(std::string(end)).find("mph") != std::string::npos ? 1.609344 : 1.0;
    }
    return v;
}

Direction parse_oneway(std::string const& raw) {
    std::string const v = lower(trim(raw));
    if (v == "yes" || v == "true" || v == "1" || v == "ft" || v == "f") {
        return Direction::Forward;
    }
    if (v == "-1" || v == "reverse" || v == "tf" || v == "t") {
        return Direction::Backward;
    }
    return Direction::Both;
}

// Merges vertices within a tolerance: a hash grid of cell `tol`, searched 3 × 3. The first vertex
// seen keeps its position, so the result depends only on the file order.
class Snapper {
public:
    explicit Snapper(double tol)
        : tol_(tol) {}
    std::uint32_t id(double x, double y) {
        if (tol_ <= 0.0) {
            auto [it, fresh] =
                exact_.emplace(std::pair{x, y}, static_cast<std::uint32_t>(xs_.size()));
            if (fresh) {
                xs_.push_back(x);
                ys_.push_back(y);
            }
            return it->second;
        }
        auto const cx = static_cast<std::int64_t>(std::floor(x / tol_));
        auto const cy = static_cast<std::int64_t>(std::floor(y / tol_));
        std::uint32_t best = UINT32_MAX;
        double best_d = tol_;
        for (std::int64_t dy = -1; dy <= 1; ++dy) {
            for (std::int64_t dx = -1; dx <= 1; ++dx) {
                auto it = cells_.find(key(cx + dx, cy + dy));
                if (it == cells_.end()) {
                    continue;
                }
                for (std::uint32_t v : it->second) {
                    double const d = std::hypot(xs_[v] - x, ys_[v] - y);
                    if (d < best_d || (d == best_d && v < best)) {
                        best = v;
                        best_d = d;
                    }
                }
            }
        }
        if (best != UINT32_MAX) {
            return best;
        }
        auto const v = static_cast<std::uint32_t>(xs_.size());
        xs_.push_back(x);
        ys_.push_back(y);
        cells_[key(cx, cy)].push_back(v);
        return v;
    }
    double x(std::uint32_t v) const { return xs_[v]; }
    double y(std::uint32_t v) const { return ys_[v]; }
    std::size_t size() const { return xs_.size(); }

private:
    static std::int64_t key(std::int64_t a, std::int64_t b) {
        return a * 73856093LL ^ b * 19349663LL;
    }
    double tol_;
    std::vector<double> xs_, ys_;
    std::unordered_map<std::int64_t, std::vector<std::uint32_t>> cells_;
    std::map<std::pair<double, double>, std::uint32_t> exact_;
};

} // namespace

std::map<std::string, std::string> parse_osm_tags(std::string_view s) {
    std::map<std::string, std::string> tags;
    std::size_t i = 0;
    auto quoted = [&](std::string& out) {
        while (i < s.size() && s[i] != '"') {
            ++i;
        }
        if (i >= s.size()) {
            return false;
        }
        ++i;
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) {
                ++i;
            }
            out += s[i++];
        }
        ++i;
        return true;
    };
    while (i < s.size()) {
        std::string k, v;
        if (!quoted(k)) {
            break;
        }
        if (s.substr(i, 2) != "=>") {
            break;
        }
        i += 2;
        if (!quoted(v)) {
            break;
        }
        tags[k] = v;
    }
    return tags;
}

namespace {
bool is_osm(RoadsInput const& in) {
    std::string const ext = lower(in.path.extension().string());
    return in.format == RoadFormat::Osm ||
           (in.format == RoadFormat::Auto && (ext == ".osm" || ext == ".pbf"));
}

VectorLayer open_roads(RoadsInput const& in) {
    bool const osm = is_osm(in);
    VectorOpen o{in.path, "roads", osm ? "lines" : in.layer, osm ? "" : in.crs, {}, {}, false};
    if (osm) {
        o.drivers = {"OSM"};
    }
    return open_vector_layer(o);
}
} // namespace

std::array<double, 4> road_extent_lonlat(RoadsInput const& in) {
    VectorLayer v = open_roads(in);
    OGREnvelope e;
    if (v.layer->GetExtent(&e, TRUE) != OGRERR_NONE) {
        throw DataError(fmt::format("{}: cannot tell the extent of the roads layer. Fix: set "
                                    "world.data.extent",
                                    v.file));
    }
    if (!v.to_lonlat) {
        return {e.MinX, e.MinY, e.MaxX, e.MaxY};
    }
    return transform_box(*v.to_lonlat, e.MinX, e.MinY, e.MaxX, e.MaxY);
}

RoadGraph read_road_network(RoadsInput const& in, std::string const& target_crs_wkt,
                            RoadNetworkReport& rep, DataWarnings& warnings) {
    bool const osm = is_osm(in);
    VectorLayer v = open_roads(in);
    rep = RoadNetworkReport{};
    rep.file = v.file;
    rep.format = osm ? "OSM" : v.ds->GetDriverName();
    rep.crs_label = v.crs_label;
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(target_crs_wkt);
    auto to_dst = make_transform(ll, dst, v.file);

    int const class_i = v.field(in.class_field);
    int const tags_i = osm ? v.field("other_tags") : -1;
    int const oneway_i = osm ? -1 : v.field(in.oneway_field);
    int const lanes_i = osm ? -1 : v.field(in.lanes_field);
    int const speed_i = osm ? -1 : v.field(in.speed_field);
    int const width_i = osm ? -1 : v.field(in.width_field);
    std::set<std::string> const excluded(in.exclude.begin(), in.exclude.end());
    RoadClassDefaults const* fallback = in.classes.find("road");
    RoadClassDefaults road_default{"road", RoadClass::Other, 30, 2, 5.0, 500, false};
    if (fallback == nullptr) {
        fallback = &road_default;
    }
    RoadClassDefaults const* default_class = in.classes.find(in.default_class);
    if (default_class == nullptr) {
        throw DataError(fmt::format("{}: default_class '{}' is not a highway class of the table. "
                                    "Fix: use one of residential, unclassified, tertiary, ...",
                                    v.file, in.default_class));
    }

    Snapper snap(in.snap_tolerance_m);
    std::vector<Line> lines;
    std::vector<std::uint32_t> uses; // per vertex: times used by lines
    std::map<std::string, std::size_t> unknown;
    std::vector<std::string> bad;
    LonLatBox box;
    v.layer->ResetReading();
    for (FeaturePtr f(v.layer->GetNextFeature()); f; f.reset(v.layer->GetNextFeature())) {
        ++rep.features_read;
        std::string const fid = osm ? fmt::format("way {}", field_text(*f, v.field("osm_id")))
                                    : fmt::format("feature {}", f->GetFID());
        std::string cls = trim(field_text(*f, class_i));
        std::map<std::string, std::string> tags;
        if (osm) {
            if (cls.empty()) {
                ++rep.not_roads; // a river, power line, fence...
                continue;
            }
            tags = parse_osm_tags(field_text(*f, tags_i));
        }
        RoadClassDefaults const* c = nullptr;
        if (cls.empty()) {
            ++rep.default_class;
            c = default_class;
            cls = in.default_class;
        } else if (excluded.contains(cls)) {
            ++rep.excluded;
            continue;
        } else {
            c = in.classes.find(cls);
            if (c == nullptr) {
                ++rep.unknown_class;
                ++unknown[cls];
                c = fallback;
            }
        }
        OGRGeometry const* g = f->GetGeometryRef();
        std::vector<OGRLineString const*> parts;
        if (g != nullptr) {
            collect_lines(*g, parts);
        }
        if (parts.empty()) {
            ++rep.bad_geometry;
            bad.push_back(fid);
            continue;
        }
        // Attributes: class defaults, replaced by what the feature says.
        RoadClassDefaults a = *c;
        std::string oneway_v, lanes_v, speed_v, width_v;
        if (osm) {
            oneway_v = tags.contains("oneway") ? tags["oneway"] : "";
            lanes_v = tags.contains("lanes") ? tags["lanes"] : "";
            speed_v = tags.contains("maxspeed") ? tags["maxspeed"] : "";
            width_v = tags.contains("width") ? tags["width"] : "";
        } else {
            oneway_v = field_text(*f, oneway_i);
            lanes_v = field_text(*f, lanes_i);
            speed_v = field_text(*f, speed_i);
            width_v = field_text(*f, width_i);
        }
        double mph = 1.0;
        if (auto s = leading_number(speed_v, &mph)) {
            a.speed_kmh = *s * mph;
        }
        if (auto l = leading_number(lanes_v); l && *l >= 1.0 && *l < 64.0) {
            a.lanes = static_cast<int>(*l);
        }
        if (auto w = leading_number(width_v); w && *w < 200.0) {
            a.width_m = *w;
        }
        Direction dir = parse_oneway(oneway_v);
        if (oneway_v.empty() && (c->oneway_implied || (osm && tags["junction"] == "roundabout"))) {
            dir = Direction::Forward;
        }
        if (!in.respect_oneway) {
            dir = Direction::Both;
        }
        EdgeAttributes const attrs = edge_attributes(a, dir == Direction::Both);
        bool used = false;
        for (OGRLineString const* part : parts) {
            OGRLineString ls(*part);
            v.to_lonlat_checked(ls, fid);
            OGREnvelope e;
            ls.getEnvelope(&e);
            if (in.clip_lonlat) {
                auto const& b = *in.clip_lonlat;
                if (e.MaxX < b[0] || e.MinX > b[2] || e.MaxY < b[1] || e.MinY > b[3]) {
                    continue;
                }
            }
            box.add(e.MinX, e.MinY);
            box.add(e.MaxX, e.MaxY);
            ls.transform(to_dst.get());
            Line line;
            line.attrs = attrs;
            line.dir = dir;
            for (int i = 0; i < ls.getNumPoints(); ++i) {
                std::uint32_t const id = snap.id(ls.getX(i), ls.getY(i));
                if (line.vertices.empty() || line.vertices.back() != id) {
                    line.vertices.push_back(id);
                }
            }
            if (line.vertices.size() < 2) {
                continue;
            }
            uses.resize(snap.size(), 0);
            for (std::uint32_t id : line.vertices) {
                ++uses[id];
            }
            // Line ends are nodes even when used once.
            uses[line.vertices.front()] += 2;
            uses[line.vertices.back()] += 2;
            lines.push_back(std::move(line));
            used = true;
        }
        if (used) {
            ++rep.used;
            ++rep.by_class[cls];
            rep.oneway += dir != Direction::Both ? 1 : 0;
        } else if (in.clip_lonlat) {
            ++rep.outside_clip;
        } else {
            ++rep.bad_geometry;
            bad.push_back(fid);
        }
    }
    rep.west = box.west;
    rep.south = box.south;
    rep.east = box.east;
    rep.north = box.north;
    if (lines.empty()) {
        throw DataError(fmt::format("{}: no usable road in the {} layer ({} features read, {} not "
                                    "roads, {} excluded classes, {} outside the world). Fix: check "
                                    "the file, its CRS and world.data.network.class_field",
                                    v.file, osm ? "OSM lines" : "roads", rep.features_read,
                                    rep.not_roads, rep.excluded, rep.outside_clip));
    }
    // Nodes: vertices used more than once (junctions) and line ends.
    RoadGraphBuilder b;
    std::vector<NodeId> node_of(snap.size(), kNoNode);
    auto node = [&](std::uint32_t vid) {
        if (node_of[vid] == kNoNode) {
            node_of[vid] = b.add_node(snap.x(vid), snap.y(vid));
        }
        return node_of[vid];
    };
    std::size_t loops = 0;
    double length_m = 0.0;
    for (auto const& line : lines) {
        std::size_t start = 0;
        double len = 0.0;
        for (std::size_t i = 1; i < line.vertices.size(); ++i) {
            auto const a = line.vertices[i - 1];
            auto const c = line.vertices[i];
            len += std::hypot(snap.x(c) - snap.x(a), snap.y(c) - snap.y(a));
            if (uses[c] < 2 && i + 1 < line.vertices.size()) {
                continue;
            }
            std::uint32_t const u = line.vertices[start];
            if (u == c || len <= 0.0) {
                ++loops; // a closed way with no junction on it
            } else {
                EdgeAttributes e = line.attrs;
                e.length_m = static_cast<float>(len);
                NodeId const nu = node(u);
                NodeId const nv = node(c);
                if (line.dir == Direction::Both) {
                    b.add_two_way(nu, nv, e);
                } else if (line.dir == Direction::Forward) {
                    b.add_edge(nu, nv, e);
                } else {
                    b.add_edge(nv, nu, e);
                }
                length_m += len;
            }
            start = i;
            len = 0.0;
        }
    }
    RoadGraph full = std::move(b).build();
    rep.nodes = full.node_count();
    rep.edges = full.edge_count();
    // Components (for the report), then the largest one.
    rep.components = count_components(full);
    std::vector<NodeId> map;
    RoadGraph g = largest_component(full, rep.dropped_nodes, rep.dropped_edges, map);
    rep.length_km = length_m / 1000.0;
    if (!in.keep_largest) {
        g = std::move(full);
        rep.dropped_nodes = rep.dropped_edges = 0;
    }
    std::vector<std::string> unknown_ex;
    for (auto const& [k, n] : unknown) {
        unknown_ex.push_back(fmt::format("{} ×{}", k, n));
    }
    warnings.add(v.file, "roads of a highway class not in the table: given the 'road' defaults",
                 rep.unknown_class, join_examples(unknown_ex));
    warnings.add(v.file,
                 fmt::format("lines without a {} value: given the '{}' defaults", in.class_field,
                             in.default_class),
                 rep.default_class);
    warnings.add(v.file, "features that are not lines (or have < 2 distinct points): ignored",
                 rep.bad_geometry, join_examples(bad));
    warnings.add(v.file, "closed ways with no junction on them (isolated loops): ignored", loops);
    warnings.add(v.file,
                 fmt::format("road nodes outside the largest connected network ({} components): "
                             "dropped with their {} edges",
                             rep.components, rep.dropped_edges),
                 in.keep_largest ? rep.dropped_nodes : 0);
    return g;
}

} // namespace tsunagi
