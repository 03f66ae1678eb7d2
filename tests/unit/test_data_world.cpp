#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "data_fixtures.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/data_world.hpp>
#include <tsunagi/world/mesh_code.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

// A small coast near Uwajima, written into `t`: one municipality (a 0.1° square), 9 census cells
// of 500 m with 100 persons each (one with its polygon drawn in the wrong quadrant), inundation
// points over the western cells, two tsunami sites (one 30 km out at sea), an elevation raster,
// a site-amplification raster and the OSM town of test_roads.
struct SmallCoast {
    explicit SmallCoast(TempDir const& t) {
        write_text(
            t / "n03.json",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":)"
            R"({"type":"Polygon","coordinates":[[[132.50,33.15],[132.60,33.15],[132.60,33.25],)"
            R"([132.50,33.25],[132.50,33.15]]]},"properties":{"N03_001":"愛媛県","N03_004":)"
            R"("宇和島市","N03_007":"38203"}}]})");
        std::string mesh = R"({"type":"FeatureCollection","features":[)";
        std::string pts = "[";
        int k = 0;
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c, ++k) {
                double const lon = 132.53 + c * 0.00625;
                double const lat = 33.19 + r * 0.0041667;
                std::string const code = mesh_code_at(lon, lat, 9);
                codes.push_back(code);
                auto m = *parse_mesh_code(code);
                mesh += fmt::format(
                    R"({}{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[[{},{}],)"
                    R"([{},{}],[{},{}],[{},{}],[{},{}]]]}},"properties":{{"mesh_id":"{}",)"
                    R"("total_population":100,"population_65plus":{}}}}})",
                    k ? "," : "", m.west, m.south, m.east(), m.south, m.east(), m.north(), m.west,
                    m.north(), m.west, m.south, code, k == 4 ? "null" : "40");
                if (c == 0) { // the western column floods, 3 m, after 20 min
                    pts += fmt::format("{}[{},{},3.0,1200,5]", pts.size() > 1 ? "," : "",
                                       m.centre_lon(), m.centre_lat());
                }
            }
        }
        write_text(t / "mesh.geojson", mesh + "]}");
        write_text(t / "case1.json", pts + "]");
        write_text(t / "sites.csv",
                   "common_id,name,address,tsunami,capacity,latitude,longitude\n"
                   "E3820300001201,Hill school,愛媛県宇和島市丸穂町1,1,500,33.197,132.548\n"
                   "E3820300002201,Lighthouse,愛媛県宇和島市日振島1,1,50,33.20,132.20\n");
        auto [x, y] = to_utm53(132.49, 33.26);
        std::vector<double> z(40 * 40);
        for (int r = 0; r < 40; ++r) {
            for (int c = 0; c < 40; ++c) {
                z[static_cast<std::size_t>(r * 40 + c)] = c; // rises eastwards
            }
        }
        write_geotiff(t / "dem.tif", 40, 40, {std::floor(x), 400, 0, std::floor(y), 0, -400}, 6690,
                      z);
        write_geotiff(t / "amp.tif", 40, 40, {std::floor(x), 400, 0, std::floor(y), 0, -400}, 6690,
                      std::vector<double>(1600, 1.4));
    }
    std::vector<std::string> codes;
};

std::string scenario_yaml(std::filesystem::path const& root, std::string const& extra = "") {
    return fmt::format(R"(scenario: {{name: small, duration_s: 600}}
world:
  source: data
  data:
    root: {}
    cell_size_m: 200
    zones: {{path: n03.json, codes: ["38203"]}}
    population:
      sources:
        - {{path: mesh.geojson, expected_total: 900}}
    tsunami: {{case: "1", paths: ["case{{case}}.json"]}}
    elevation: {{path: dem.tif}}
    layers:
      - {{name: site_amplification, path: amp.tif, unit: "1"}}
    facilities:
      - {{path: sites.csv, require_hazards: [tsunami], max_snap_m: 400}}
{})",
                       root.string(), extra);
}

Simulation simulate(std::string const& yaml) {
    RunOptions o;
    o.threads = 2;
    o.check_invariants = true;
    return Simulation(Scenario::from_string(yaml, "small.yaml"), o, default_model_registry());
}

template <class E = InputError, class F> std::string message_of(F&& f) {
    try {
        f();
    } catch (E const& e) {
        return e.what();
    }
    return "no error";
}

std::string row(Simulation const& s, std::string const& key) {
    for (auto const& [k, v] : s.describe()) {
        if (k == key) {
            return v;
        }
    }
    return "";
}

} // namespace

TEST(DataWorld, BuildsAndRunsAWorldFromSmallFiles) {
    TempDir t;
    SmallCoast coast(t);
    Simulation sim = simulate(scenario_yaml(t.path()));
    World const& w = sim.world();
    EXPECT_EQ(w.source, "data");
    EXPECT_EQ(w.total_population(), 900u);
    EXPECT_THAT(w.grid.crs_wkt(), HasSubstr("JGD2011 / UTM zone 53N"));
    EXPECT_EQ(w.zones.size(), 3u);
    EXPECT_EQ(w.zones[2].code, "38203");
    ASSERT_TRUE(w.layers.contains("age_65plus_share"));
    ASSERT_TRUE(w.layers.contains("site_amplification"));
    EXPECT_GT(w.inundated_cells.size(), 0u);
    // Elevation warped (bilinear), amplification carried as a layer.
    std::size_t known = 0;
    for (float v : w.elevation_m.data) {
        known += v != 0.0f ? 1 : 0; // the DEM's first column is 0 m; the fill is 0 m too
        EXPECT_TRUE(std::isfinite(v));
    }
    EXPECT_GT(known, w.grid.cells() / 2);
    // Cell graph over the municipality; sites snapped, the one at sea left unsnapped and counted.
    EXPECT_GT(w.roads.node_count(), 100u);
    ASSERT_EQ(w.facilities.size(), 2u);
    EXPECT_NE(w.facilities[0].node, kNoNode);
    EXPECT_LE(w.facilities[0].snap_distance_m, 200.0f);
    EXPECT_EQ(w.facilities[1].node, kNoNode);
    EXPECT_THAT(row(sim, "network"), HasSubstr("cell graph"));
    EXPECT_THAT(row(sim, "CRS"), HasSubstr("EPSG:6690"));
    EXPECT_THAT(row(sim, "population"), HasSubstr("900 residents"));
    EXPECT_THAT(row(sim, "tsunami"), HasSubstr("case 1: 3 points"));
    EXPECT_THAT(row(sim, "data warnings"), HasSubstr("each counted"));
    bool far = false;
    for (auto const& [k, v] : sim.describe()) {
        far = far || (k == "  warning" && v.find("farther than 400 m") != std::string::npos &&
                      v.find("Lighthouse") != std::string::npos);
    }
    EXPECT_TRUE(far);
    sim.run();
    RunOutput const out = sim.output();
    EXPECT_EQ(std::get<std::int64_t>(out.find_kpi("population")->value), 900);
    // Every data file is in the provenance, with its checksum.
    std::string const inputs = std::get<std::string>(*out.find_meta("inputs"));
    for (char const* f :
         {"n03.json", "mesh.geojson", "case1.json", "dem.tif", "amp.tif", "sites.csv"}) {
        EXPECT_THAT(inputs, HasSubstr(f));
    }
    EXPECT_THAT(inputs, HasSubstr("sha256:"));
}

TEST(DataWorld, OsmRoadsInsteadOfTheCellGraph) {
    TempDir t;
    SmallCoast coast(t);
    // The street grid of test_roads, inside the municipality.
    std::string osm = R"(<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="t">)";
    int id = 1;
    for (int r = 0; r < 5; ++r) {
        for (int c = 0; c < 5; ++c) {
            osm += fmt::format(R"(<node id="{}" lat="{}" lon="{}" version="1"/>)", id++,
                               33.19 + 0.004 * r, 132.53 + 0.005 * c);
        }
    }
    for (int r = 0; r < 5; ++r) {
        osm += fmt::format(R"(<way id="{}" version="1">)", 100 + r);
        for (int c = 0; c < 5; ++c) {
            osm += fmt::format(R"(<nd ref="{}"/>)", 1 + r * 5 + c);
        }
        osm += R"(<tag k="highway" v="residential"/></way>)";
        osm += fmt::format(R"(<way id="{}" version="1">)", 200 + r);
        for (int c = 0; c < 5; ++c) {
            osm += fmt::format(R"(<nd ref="{}"/>)", 1 + c * 5 + r);
        }
        osm += R"(<tag k="highway" v="tertiary"/></way>)";
    }
    write_text(t / "town.osm", osm + "</osm>");
    Simulation sim = simulate(scenario_yaml(
        t.path(), "    network: {source: osm, path: town.osm}\n    elevation_fill_m: 7\n"));
    // Cells beyond the DEM take the fill (finite: models compare elevations).
    auto const& z = sim.world().elevation_m.data;
    EXPECT_NE(std::find(z.begin(), z.end(), 7.0f), z.end());
    EXPECT_EQ(sim.world().roads.node_count(), 25u);
    EXPECT_EQ(sim.world().roads.edge_count(), 80u);
    EXPECT_THAT(row(sim, "network"), HasSubstr("10 of 10 line features used"));
    EXPECT_NE(sim.world().facilities[0].node, kNoNode);
    sim.run();
}

TEST(DataWorld, ScenarioMistakesAreReportedBeforeAnyFileIsRead) {
    TempDir t;
    std::string const base = scenario_yaml(t.path());
    auto err = [&](std::string const& yaml) {
        return message_of<ScenarioError>([&] { simulate(yaml); });
    };
    EXPECT_THAT(
        err(base + "    cell_sise_m: 100\n"),
        HasSubstr("[world.data.cell_sise_m]: unknown key. Fix: did you mean 'cell_size_m'?"));
    EXPECT_THAT(err(scenario_yaml("${TSUNAGI_NO_SUCH_VARIABLE}")),
                HasSubstr("[world.data.root]: the environment variable TSUNAGI_NO_SUCH_VARIABLE"));
    std::string no_case = base;
    no_case.replace(no_case.find("case: \"1\", "), 11, "");
    EXPECT_THAT(err(no_case), HasSubstr("contains {case} but tsunami.case is not set"));
    std::string bad_code = base;
    bad_code.replace(bad_code.find("\"38203\""), 7, "38203.5");
    EXPECT_THAT(err(bad_code), HasSubstr("'38203.5' is not a 5-digit municipality code"));
    std::string bad_hazard = base;
    bad_hazard.replace(bad_hazard.find("[tsunami]"), 9, "[tsunamis]");
    EXPECT_THAT(err(bad_hazard), HasSubstr("'tsunamis' is not a hazard of the GSI list"));
    std::string reserved = base;
    reserved.replace(reserved.find("name: site_amplification"), 24, "name: population");
    EXPECT_THAT(err(reserved), HasSubstr("'population' is a built-in layer"));
    EXPECT_THAT(err(base + "    extent: [132.6, 33.1, 132.5, 33.3]\n"),
                HasSubstr("[world.data.extent]: expected [west, south, east, north]"));
    EXPECT_THAT(err(base + "  synthetic: {population: 10}\n"),
                HasSubstr("[world.synthetic]: is given but world.source is 'data'"));
    EXPECT_THAT(err(base + "    network: {source: osm}\n"),
                HasSubstr("[world.data.network.path]: is required"));
    EXPECT_THAT(err(base + "    network: {source: roads}\n"),
                HasSubstr("'roads' is not a known value"));
}

TEST(DataWorld, DataProblemsStopTheRunWithExitCodeTwoErrors) {
    TempDir t;
    SmallCoast coast(t);
    std::string const base = scenario_yaml(t.path());
    auto err = [&](std::string const& yaml) {
        return message_of<DataError>([&] { simulate(yaml); });
    };
    std::string missing = base;
    missing.replace(missing.find("mesh.geojson"), 12, "mesh_38299.geojson");
    std::string m = err(missing);
    EXPECT_THAT(m, HasSubstr("mesh_38299.geojson: population file not found"));
    EXPECT_THAT(m, HasSubstr("TSUNAGI_DATA_DIR"));
    std::string total = base;
    total.replace(total.find("expected_total: 900"), 19, "expected_total: 901");
    EXPECT_THAT(err(total), HasSubstr("add up to 900 persons, but expected_total is 901"));
    EXPECT_THAT(err(base + "    crs: EPSG:4326\n"), HasSubstr("is not a projected CRS in metres"));
    // Population somewhere else entirely (Tokyo) while the extent is set to Uwajima.
    write_text(t / "tokyo.csv", "KEY_CODE,T001141001\n533945471,10\n");
    std::string tokyo = base;
    tokyo.replace(tokyo.find("mesh.geojson, expected_total: 900"), 33, "tokyo.csv");
    m = err(tokyo + "    extent: [132.5, 33.15, 132.6, 33.25]\n");
    EXPECT_THAT(m, HasSubstr("tokyo.csv: the population data"));
    EXPECT_THAT(m, HasSubstr("does not overlap the world"));
}

TEST(DataWorld, EnvironmentAndPlaneRectangularZones) {
    ::setenv("TSUNAGI_TEST_VAR", "/data/here", 1);
    std::string missing;
    EXPECT_EQ(expand_environment("${TSUNAGI_TEST_VAR}/x", &missing), "/data/here/x");
    EXPECT_EQ(expand_environment("${TSUNAGI_UNSET_VAR:-../../shared/data}", &missing),
              "../../shared/data");
    EXPECT_FALSE(expand_environment("${TSUNAGI_UNSET_VAR}", &missing));
    EXPECT_EQ(missing, "TSUNAGI_UNSET_VAR");
    EXPECT_EQ(expand_environment("plain/path", &missing), "plain/path");
    EXPECT_EQ(plane_rectangular_epsg(38), 6672); // Ehime: zone IV
    EXPECT_EQ(plane_rectangular_epsg(13), 6677); // Tokyo: IX
    EXPECT_EQ(plane_rectangular_epsg(47), 6683); // Okinawa: XV
    EXPECT_EQ(plane_rectangular_epsg(42), 6669); // Nagasaki: I
    EXPECT_EQ(plane_rectangular_epsg(0), 0);
}

TEST(DataWorld, PlaneCrsAndAFixedExtent) {
    TempDir t;
    SmallCoast coast(t);
    Simulation sim = simulate(scenario_yaml(
        t.path(), "    crs: plane\n    extent: [132.52, 33.18, 132.56, 33.21]\n    margin_m: 0\n"));
    EXPECT_THAT(row(sim, "CRS"), HasSubstr("EPSG:6672"));
    EXPECT_THAT(row(sim, "extent"), HasSubstr("set in the scenario"));
    EXPECT_EQ(sim.world().total_population(), 900u); // the census cells squeezed into the extent
}

namespace {
// Two substations on the small coast and a feeder layer with the cases a real file brings: a
// line naming its substation, one left to the nearest, one far from every substation, a point
// where a line should be, and one far outside the world.
void write_feeders(TempDir const& t, std::string const& named_source = "S1",
                   bool with_f2 = true) {
    write_text(t / "subs.csv", "id,name,longitude,latitude\n"
                               "S1,North substation,132.535,33.200\n"
                               "S2,South substation,132.550,33.190\n");
    auto feature = [](std::string const& id, std::string const& source, std::string const& geom) {
        return fmt::format(R"({{"type":"Feature","properties":{{"id":"{}","feeds":{}}},)"
                           R"("geometry":{}}})",
                           id, source.empty() ? "null" : "\"" + source + "\"", geom);
    };
    std::vector<std::string> f{
        feature("F1", named_source,
                R"({"type":"LineString","coordinates":[[132.535,33.200],[132.545,33.200],)"
                R"([132.545,33.205]]})"),
        feature("F2", "",
                R"({"type":"LineString","coordinates":[[132.5501,33.1901],[132.560,33.190]]})"),
        feature("F3", "",
                R"({"type":"LineString","coordinates":[[132.570,33.230],[132.575,33.235]]})"),
        feature("F4", "", R"({"type":"Point","coordinates":[132.54,33.2]})"),
        feature("F5", "S1", R"({"type":"LineString","coordinates":[[134.0,34.0],[134.01,34.0]]})")};
    if (!with_f2) {
        f.erase(f.begin() + 1);
    }
    write_text(t / "feeders.geojson", R"({"type":"FeatureCollection","features":[)" +
                                          fmt::format("{}", fmt::join(f, ",")) + "]}");
}

std::string with_feeders(std::filesystem::path const& root, std::string const& lines) {
    return scenario_yaml(root, "      - {path: subs.csv, format: points, kind: substation}\n"
                               "    lifeline_lines:\n" +
                                   lines);
}

// Length in metres of a lon/lat polyline in the world's CRS (EPSG:6690), by OGR.
double projected_length(std::vector<std::pair<double, double>> const& pts) {
    OGRLineString ls;
    for (auto const& [lon, lat] : pts) {
        auto const [x, y] = to_utm53(lon, lat);
        ls.addPoint(x, y);
    }
    return ls.get_Length();
}
} // namespace

TEST(DataWorld, LifelineLinesFromALineLayer) {
    TempDir t;
    SmallCoast coast(t);
    write_feeders(t);
    Simulation sim = simulate(with_feeders(
        t.path(), "      - {path: feeders.geojson, kind: power_feeder, source_field: feeds}\n"));
    World const& w = sim.world();
    ASSERT_EQ(w.lifeline_lines.size(), 2u);
    auto const& f1 = w.lifeline_lines[0];
    auto const& f2 = w.lifeline_lines[1];
    EXPECT_EQ(f1.external_id, "F1");
    EXPECT_EQ(f2.external_id, "F2");
    EXPECT_EQ(w.facilities[f1.source].external_id, "S1"); // named
    EXPECT_EQ(w.facilities[f2.source].external_id, "S2"); // the nearest to its west end (~15 m)
    EXPECT_EQ(f1.kind, LineKind::PowerFeeder);
    // Traced over its real length in the world's CRS.
    EXPECT_NEAR(f1.length_m(),
                projected_length({{132.535, 33.200}, {132.545, 33.200}, {132.545, 33.205}}), 0.05);
    EXPECT_NEAR(f2.length_m(), projected_length({{132.5501, 33.1901}, {132.560, 33.190}}), 0.05);
    EXPECT_GT(f1.cells.size(), 5u); // ~1.5 km over 200 m cells
    EXPECT_THAT(row(sim, "lifeline lines (power_feeder)"), HasSubstr("2 used of 5 features"));
    EXPECT_THAT(row(sim, "lifeline lines (power_feeder)"),
                HasSubstr("1 named in the data, 1 the nearest substation"));
    // The others are counted, with their ids.
    auto warned = [&](std::string const& needle, std::string const& id) {
        for (auto const& [k, v] : sim.describe()) {
            if (k == "  warning" && v.find(needle) != std::string::npos &&
                v.find(id) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(warned("no substation within 1000 m", "F3"));
    EXPECT_TRUE(warned("without a line geometry", "F4"));
    EXPECT_TRUE(warned("wholly outside the world grid", "F5"));
    // The lifelines model feeds the customers through them instead of derived feeders.
    sim.run();
    auto const* feeders = sim.output().find_kpi("power_feeders");
    ASSERT_NE(feeders, nullptr);
    EXPECT_EQ(std::get<std::int64_t>(feeders->value), 2);
    EXPECT_THAT(std::get<std::string>(*sim.output().find_meta("inputs")),
                HasSubstr("feeders.geojson"));

    // With a wider search both substations are within reach of F2's west end: the nearer wins.
    Simulation wide = simulate(with_feeders(t.path(), "      - {path: feeders.geojson, kind: "
                                                      "power_feeder, max_source_m: 3000}\n"));
    ASSERT_EQ(wide.world().lifeline_lines.size(), 2u); // F1 (now by nearest) and F2
    EXPECT_EQ(wide.world().facilities[wide.world().lifeline_lines[1].source].external_id, "S2");
}

TEST(DataWorld, ARestartWhoseLineFileChangedIsRefused) {
    TempDir t;
    SmallCoast coast(t);
    write_feeders(t);
    std::string const yaml = with_feeders(
        t.path(), "      - {path: feeders.geojson, kind: power_feeder, source_field: feeds}\n");
    Simulation sim = simulate(yaml);
    sim.step(10);
    auto const cp = t / "cp.h5";
    sim.write_checkpoint(cp);
    // One feeder fewer in the file: the saved breaks no longer match the lines.
    write_feeders(t, "S1", false);
    RunOptions o;
    o.threads = 2;
    std::string const m = message_of<DataError>(
        [&] { Simulation::restart(cp, o, default_model_registry()); });
    EXPECT_THAT(m, HasSubstr("lifeline state for 2 feeders"));
    EXPECT_THAT(m, HasSubstr("this world has 1"));
    EXPECT_THAT(m, HasSubstr("Fix: restart with the lifeline line files"));
}

TEST(DataWorld, BadLifelineLinesStopWithTheirFix) {
    TempDir t;
    SmallCoast coast(t);
    auto err = [&](std::string const& yaml) {
        return message_of<DataError>([&] { simulate(yaml); });
    };
    write_feeders(t, "S9");
    std::string m = err(with_feeders(
        t.path(), "      - {path: feeders.geojson, kind: power_feeder, source_field: feeds}\n"));
    EXPECT_THAT(m, HasSubstr("feeders.geojson: F1 (feature 0) names its source 'S9'"));
    EXPECT_THAT(m, HasSubstr("no loaded substation has that id (loaded: S1, S2)"));
    EXPECT_THAT(m, HasSubstr("Fix:"));
    m = err(with_feeders(
        t.path(),
        "      - {path: feeders.geojson, kind: power_feeder, source_field: substation}\n"));
    EXPECT_THAT(m, HasSubstr("has no field 'substation'"));
    EXPECT_THAT(m, HasSubstr("id, feeds"));
    m = err(with_feeders(t.path(), "      - {path: feeders.geojson, kind: water_main}\n"));
    EXPECT_THAT(m, HasSubstr("water_main lines are fed from facilities of kind water_plant"));
    EXPECT_THAT(m, HasSubstr("kind: water_plant"));
    m = err(with_feeders(t.path(), "      - {path: mains.geojson, kind: power_feeder}\n"));
    EXPECT_THAT(m, HasSubstr("mains.geojson"));
    EXPECT_THAT(m, HasSubstr("not found"));
    // A wrong kind is a scenario error, before any file is read.
    EXPECT_THAT(
        message_of<ScenarioError>([&] {
            simulate(with_feeders(t.path(), "      - {path: feeders.geojson, kind: gas_main}\n"));
        }),
        HasSubstr("'gas_main' is not a known value"));
}
