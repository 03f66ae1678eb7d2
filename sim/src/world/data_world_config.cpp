// world.data: the scenario keys of the real-data world (docs/data.md lists them all).

#include <cstdlib>

#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/world/data_world.hpp>

namespace tsunagi {

std::optional<std::string> expand_environment(std::string const& text, std::string* missing) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        std::size_t const close = text.find('}', i);
        if (close == std::string::npos) {
            out += text.substr(i);
            break;
        }
        std::string const body = text.substr(i + 2, close - i - 2);
        std::size_t const dash = body.find(":-");
        std::string const var = body.substr(0, dash);
        char const* value = std::getenv(var.c_str());
        if (value != nullptr && *value != '\0') {
            out += value;
        } else if (dash != std::string::npos) {
            out += body.substr(dash + 2);
        } else {
            if (missing != nullptr) {
                *missing = var;
            }
            return std::nullopt;
        }
        i = close + 1;
    }
    return out;
}

int plane_rectangular_epsg(int pref) noexcept {
    // 平面直角座標系 zones by prefecture (国土交通省告示第九号, 2002), main part of each:
    // EPSG:6669 (I) ... 6687 (XIX).
    static constexpr std::array<int, 48> kZone{
        0, 12, 10, 10, 10, 10, 10, 9, 9, 9, 9, // 01 北海道 (XII: central) .. 10 群馬
        9, 9,  9,  9,  8,  7,  7,  6, 8, 8,    // 11 埼玉 .. 20 長野
        7, 8,  7,  6,  6,  6,  6,  5, 6, 6,    // 21 岐阜 .. 30 和歌山
        5, 3,  5,  3,  3,  4,  4,  4, 4, 2,    // 31 鳥取 .. 40 福岡
        2, 1,  2,  2,  2,  2,  15};            // 41 佐賀 .. 47 沖縄
    if (pref < 1 || pref > 47) {
        return 0;
    }
    return 6668 + kZone[static_cast<std::size_t>(pref)];
}

namespace {

struct PathResolver {
    ConfigNode const* node;
    std::filesystem::path root;

    std::filesystem::path operator()(ConfigNode const& n, std::string const& key,
                                     std::string const& text) const {
        std::string missing;
        auto expanded = expand_environment(text, &missing);
        if (!expanded) {
            n.fail(key,
                   fmt::format("the environment variable {} in '{}' is not set", missing, text),
                   fmt::format("set {} or write ${{{}:-<default>}}", missing, missing));
        }
        std::filesystem::path p(*expanded);
        return p.is_absolute() ? p : root / p;
    }
};

std::string required_path(ConfigNode const& n) {
    return n.required_string("path");
}

RasterInput raster_input(ConfigNode const& n, PathResolver const& resolve, std::string what,
                         Resampling def) {
    RasterInput r;
    r.what = std::move(what);
    r.path = resolve(n, "path", required_path(n));
    r.band = static_cast<int>(n.integer("band", 1, Bounds::between(1, 10000)));
    std::string const rs = n.choice("resampling", resampling_names(), std::string(to_string(def)));
    r.resampling = *parse_resampling(rs);
    r.crs = n.string("crs", "");
    if (auto nd = n.optional_number("nodata")) {
        r.nodata = *nd;
    }
    return r;
}

std::optional<double> share_or_auto(ConfigNode const& n, std::string const& key) {
    if (!n.has(key) || (n.is_scalar(key) && n.optional_string(key).value_or("") == "auto")) {
        n.string(key, "auto");
        return std::nullopt;
    }
    return n.number(key, 0.0, Bounds::fraction());
}

FacilityKind parse_kind(ConfigNode const& n) {
    std::vector<std::string> const names{
        "shelter",  "evacuation_building", "hub",         "depot",
        "hospital", "substation",          "water_plant", "base_station"};
    std::string const k = n.choice("kind", names, "shelter");
    for (auto kind : {FacilityKind::Shelter, FacilityKind::EvacuationBuilding, FacilityKind::Hub,
                      FacilityKind::Depot, FacilityKind::Hospital, FacilityKind::Substation,
                      FacilityKind::WaterPlant, FacilityKind::BaseStation}) {
        if (to_string(kind) == k) {
            return kind;
        }
    }
    return FacilityKind::Shelter;
}

void read_network(ConfigNode const& n, PathResolver const& resolve, DataWorldConfig& c) {
    std::string const src = n.choice("source", {"cell_graph", "osm", "vector"}, "cell_graph");
    std::string const keep = n.choice("keep", {"auto", "largest", "all"}, "auto");
    if (src == "cell_graph") {
        c.network = DataWorldConfig::Network::CellGraph;
        c.cell_graph.detour_factor =
            n.number("detour_factor", c.cell_graph.detour_factor, Bounds::between(1.0, 10.0));
        c.cell_mask = n.choice("mask", {"auto", "zones", "elevation", "population", "all"}, "auto");
        // Islands are real: a cell graph has no bridges or ferries to join them, so all its
        // components are kept unless asked otherwise.
        c.keep_largest = keep == "largest";
        return;
    }
    c.network = DataWorldConfig::Network::Roads;
    c.keep_largest = keep != "all";
    RoadsInput& r = c.roads;
    r.path = resolve(n, "path", required_path(n));
    r.format = src == "osm" ? RoadFormat::Osm : RoadFormat::Vector;
    if (src == "vector") {
        r.layer = n.string("layer", "");
        r.crs = n.string("crs", "");
        r.class_field = n.string("class_field", r.class_field);
        r.oneway_field = n.string("oneway_field", r.oneway_field);
        r.lanes_field = n.string("lanes_field", r.lanes_field);
        r.speed_field = n.string("speed_field", r.speed_field);
        r.width_field = n.string("width_field", r.width_field);
        r.default_class = n.string("default_class", r.default_class);
    }
    r.snap_tolerance_m = n.number("snap_tolerance_m", r.snap_tolerance_m, Bounds::between(0, 100));
    r.respect_oneway = n.choice("oneway", {"respect", "ignore"}, "respect") == "respect";
    r.exclude = n.strings("exclude", RoadClassTable::default_excluded());
    for (auto const& e : n.children("classes")) {
        RoadClassDefaults d;
        d.highway = e.required_string("highway");
        RoadClassDefaults const* base = r.classes.find(d.highway);
        if (base != nullptr) {
            d = *base;
        }
        std::vector<std::string> rc_names;
        for (auto rc : {RoadClass::Motorway, RoadClass::Trunk, RoadClass::Primary,
                        RoadClass::Secondary, RoadClass::Tertiary, RoadClass::Residential,
                        RoadClass::Service, RoadClass::Footway, RoadClass::Other}) {
            rc_names.emplace_back(to_string(rc));
        }
        d.road_class = *parse_road_class(
            e.choice("road_class", rc_names, std::string(to_string(d.road_class))));
        d.speed_kmh = e.number("speed_kmh", d.speed_kmh, Bounds{0.0, 300.0, true, false});
        d.lanes = static_cast<int>(e.integer("lanes", d.lanes, Bounds::between(1, 16)));
        d.width_m = e.number("width_m", d.width_m, Bounds{0.0, 200.0, true, false});
        d.capacity_vph_per_lane =
            e.number("capacity_vph_per_lane", d.capacity_vph_per_lane, Bounds::between(0, 10000));
        d.oneway_implied = e.boolean("oneway_implied", d.oneway_implied);
        r.classes.set(d);
    }
}

} // namespace

DataWorldConfig DataWorldConfig::from(ConfigNode const& n, std::filesystem::path const& dir) {
    DataWorldConfig c;
    std::string const root_text = n.string("root", ".");
    {
        std::string missing;
        auto r = expand_environment(root_text, &missing);
        if (!r) {
            n.fail(
                "root",
                fmt::format("the environment variable {} in '{}' is not set", missing, root_text),
                fmt::format("set {} (export {}=/path/to/data) or write ${{{}:-<default>}}", missing,
                            missing, missing));
        }
        std::filesystem::path p(*r);
        c.root = p.is_absolute() ? p : dir / p;
    }
    PathResolver const resolve{&n, c.root};
    c.name = n.string("name", c.name);
    c.crs = n.string("crs", c.crs);
    c.cell_size_m = n.number("cell_size_m", c.cell_size_m, Bounds::between(10, 5000));
    if (n.has("extent") && !(n.is_scalar("extent") && n.optional_string("extent") == "auto")) {
        auto const e = n.numbers("extent", {}, Bounds::between(-180, 180));
        if (e.size() != 4 || !(e[0] < e[2]) || !(e[1] < e[3]) || e[1] < -90 || e[3] > 90) {
            n.fail("extent",
                   "expected [west, south, east, north] in degrees with west < east "
                   "and south < north",
                   "write e.g. extent: [132.2, 33.0, 132.7, 33.6], or extent: auto");
        }
        c.extent = std::array<double, 4>{e[0], e[1], e[2], e[3]};
    } else {
        n.string("extent", "auto");
    }
    c.margin_m = n.number("margin_m", c.margin_m, Bounds::between(0, 1.0e5));

    if (n.has("zones")) {
        ConfigNode const z = n.child("zones");
        ZonesInput zi;
        zi.path = resolve(z, "path", required_path(z));
        zi.layer = z.string("layer", "");
        zi.crs = z.string("crs", "");
        zi.code_field = z.string("code_field", zi.code_field);
        zi.name_field = z.string("name_field", zi.name_field);
        zi.prefecture_name_field = z.string("prefecture_name_field", zi.prefecture_name_field);
        zi.county_name_field = z.string("county_name_field", zi.county_name_field);
        zi.codes = z.strings("codes", {});
        for (auto const& code : zi.codes) {
            if (code.size() != 5 || code.find_first_not_of("0123456789") != std::string::npos) {
                z.fail("codes", fmt::format("'{}' is not a 5-digit municipality code", code),
                       "write codes as quoted 5-digit strings, e.g. [\"38203\", \"38204\"]");
            }
        }
        c.zones = zi;
    }

    {
        ConfigNode const p = n.child("population");
        for (auto const& s : p.children("sources")) {
            PopulationSourceInput in;
            in.path = resolve(s, "path", required_path(s));
            std::string const f = s.choice(
                "format", {"auto", "mesh_csv", "mesh_polygons", "polygons", "raster"}, "auto");
            for (auto pf :
                 {PopulationFormat::Auto, PopulationFormat::MeshCsv, PopulationFormat::MeshPolygons,
                  PopulationFormat::Polygons, PopulationFormat::Raster}) {
                if (to_string(pf) == f) {
                    in.format = pf;
                }
            }
            in.layer = s.string("layer", "");
            in.crs = s.string("crs", "");
            in.code_field = s.string("code_field", "");
            in.count_field = s.string("count_field", "");
            in.age_65plus_field = s.string("age_65plus_field", "");
            in.age_75plus_field = s.string("age_75plus_field", "");
            if (auto t = s.optional_integer("expected_total", Bounds::between(0, 4.0e9))) {
                in.expected_total = *t;
            }
            in.band = static_cast<int>(s.integer("band", 1, Bounds::between(1, 10000)));
            c.population.push_back(in);
        }
        c.age.share65 = share_or_auto(p, "default_65plus_share");
        c.age.share75 = share_or_auto(p, "default_75plus_share");
        if (c.age.share65 && c.age.share75 && *c.age.share75 > *c.age.share65) {
            p.fail("default_75plus_share",
                   fmt::format("{} is above default_65plus_share = {}", *c.age.share75,
                               *c.age.share65),
                   "the 75+ are part of the 65+: make it ≤ default_65plus_share");
        }
        c.population_in_zones = p.boolean("restrict_to_zones", c.population_in_zones);
    }

    if (n.has("tsunami")) {
        ConfigNode const t = n.child("tsunami");
        std::string const f = t.choice("format", {"points", "raster"}, "points");
        if (f == "points") {
            c.tsunami = Tsunami::Points;
            c.tsunami_case = t.string("case", "");
            auto& tp = c.tsunami_points;
            for (auto const& text : t.strings("paths", {})) {
                std::string p = text;
                if (auto at = p.find("{case}"); at != std::string::npos) {
                    if (c.tsunami_case.empty()) {
                        t.fail(
                            "paths",
                            fmt::format("'{}' contains {{case}} but tsunami.case is not set", text),
                            "set world.data.tsunami.case (e.g. 1 or 4)");
                    }
                    p.replace(at, 6, c.tsunami_case);
                }
                tp.paths.push_back(resolve(t, "paths", p));
            }
            if (tp.paths.empty()) {
                t.fail("paths", "no inundation file is given",
                       "list the point files, e.g. paths: [inundation/case1/500/132_33.json]");
            }
            tp.point_cell_m = t.number("point_cell_m", tp.point_cell_m, Bounds::between(1, 1.0e5));
            tp.arrival_neighbourhood_m = t.number(
                "arrival_neighbourhood_m", tp.arrival_neighbourhood_m, Bounds::between(0, 1.0e5));
            tp.arrival_quantile =
                t.number("arrival_quantile", tp.arrival_quantile, Bounds::fraction());
            tp.arrival_outlier_s =
                t.number("arrival_outlier_s", tp.arrival_outlier_s, Bounds::non_negative());
            tp.min_arrival_s = t.number("min_arrival_s", tp.min_arrival_s, Bounds::non_negative());
            tp.early_arrival_s =
                t.number("early_arrival_s", tp.early_arrival_s, Bounds::non_negative());
        } else {
            c.tsunami = Tsunami::Raster;
            c.tsunami_depth =
                raster_input(t.child("depth"), resolve, "tsunami depth", Resampling::Bilinear);
            if (t.has("arrival")) {
                c.tsunami_arrival = raster_input(t.child("arrival"), resolve, "tsunami arrival",
                                                 Resampling::Nearest);
            }
        }
    }

    if (n.has("elevation")) {
        c.elevation =
            raster_input(n.child("elevation"), resolve, "elevation", Resampling::Bilinear);
    }
    c.elevation_fill_m =
        n.number("elevation_fill_m", c.elevation_fill_m, Bounds::between(-1.0e4, 1.0e4));
    for (auto const& l : n.children("layers")) {
        NamedRaster r;
        r.name = l.required_string("name");
        for (char const* reserved :
             {"elevation_m", "population", "zone", "tsunami_arrival_s", "tsunami_max_depth_m",
              "tsunami_depth_m", "age_65plus_share", "age_75plus_share"}) {
            if (r.name == reserved) {
                l.fail("name", fmt::format("'{}' is a built-in layer", r.name),
                       "give the layer another name (e.g. building_stock_wood, "
                       "site_amplification)");
            }
        }
        r.unit = l.string("unit", "");
        r.input = raster_input(l, resolve, r.name, Resampling::Bilinear);
        c.layers.push_back(std::move(r));
    }

    read_network(n.child("network"), resolve, c);

    for (auto const& f : n.children("facilities")) {
        FacilitiesInput in;
        in.path = resolve(f, "path", required_path(f));
        in.format = f.choice("format", {"gsi_sites", "points"}, "gsi_sites") == "gsi_sites"
                        ? FacilityFormat::GsiSites
                        : FacilityFormat::Points;
        in.kind = parse_kind(f);
        in.layer = f.string("layer", "");
        in.crs = f.string("crs", "");
        in.municipalities = f.strings("municipalities", {});
        in.require_hazards = f.strings("require_hazards", {});
        for (auto const& h : in.require_hazards) {
            if (hazard_flag(h) == 0) {
                f.fail("require_hazards", fmt::format("'{}' is not a hazard of the GSI list", h),
                       fmt::format("use some of: {}", fmt::join(hazard_names(), ", ")));
            }
        }
        in.id_field = f.string("id_field", "");
        in.name_field = f.string("name_field", "");
        in.capacity_field = f.string("capacity_field", "");
        in.lon_field = f.string("lon_field", "");
        in.lat_field = f.string("lat_field", "");
        in.address_field = f.string("address_field", "");
        in.max_snap_m = f.number("max_snap_m", in.max_snap_m, Bounds::positive());
        in.address_spread_km =
            f.number("address_spread_km", in.address_spread_km, Bounds::non_negative());
        c.facilities.push_back(std::move(in));
    }
    for (auto const& l : n.children("lifeline_lines")) {
        LifelineLinesInput in;
        in.path = resolve(l, "path", required_path(l));
        in.kind = l.choice("kind", {"power_feeder", "water_main"}, "power_feeder") == "water_main"
                      ? LineKind::WaterMain
                      : LineKind::PowerFeeder;
        in.layer = l.string("layer", "");
        in.crs = l.string("crs", "");
        in.id_field = l.string("id_field", "");
        in.source_field = l.string("source_field", "");
        in.max_source_m = l.number("max_source_m", in.max_source_m, Bounds::positive());
        c.lifeline_lines.push_back(std::move(in));
    }
    return c;
}

std::vector<std::filesystem::path> DataWorldConfig::input_files() const {
    std::vector<std::filesystem::path> out;
    auto add = [&](std::filesystem::path const& p) {
        out.push_back(p);
        // A Shapefile is several files; its attributes and CRS live beside the .shp.
        if (p.extension() == ".shp") {
            for (char const* ext : {".shx", ".dbf", ".prj", ".cpg"}) {
                std::filesystem::path s = p;
                s.replace_extension(ext);
                std::error_code ec;
                if (std::filesystem::exists(s, ec)) {
                    out.push_back(s);
                }
            }
        }
    };
    if (zones) {
        add(zones->path);
    }
    for (auto const& p : population) {
        add(p.path);
    }
    for (auto const& p : tsunami_points.paths) {
        if (tsunami == Tsunami::Points) {
            add(p);
        }
    }
    if (tsunami_depth) {
        add(tsunami_depth->path);
    }
    if (tsunami_arrival) {
        add(tsunami_arrival->path);
    }
    if (elevation) {
        add(elevation->path);
    }
    for (auto const& l : layers) {
        add(l.input.path);
    }
    if (network == Network::Roads) {
        add(roads.path);
    }
    for (auto const& f : facilities) {
        add(f.path);
    }
    for (auto const& l : lifeline_lines) {
        add(l.path);
    }
    return out;
}

} // namespace tsunagi
