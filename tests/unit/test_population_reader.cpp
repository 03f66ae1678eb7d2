#include <numeric>

#include "data_fixtures.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/population_reader.hpp>
#include <tsunagi/world/mesh_code.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

std::string rect(double w, double s, double e, double n) {
    return fmt::format("[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]", w, s, e, s, e, n, w, n, w, s);
}

// A mesh feature in the layout of shared/data/ehime/population (its polygon drawn at `drawn`,
// which may differ from the code's cell).
std::string mesh_feature(std::string const& code, int total, std::string const& n65,
                         std::string const& status = "0", std::string const& target = "null",
                         std::string const& merged = "null", std::string drawn = "") {
    auto const m = *parse_mesh_code(drawn.empty() ? code : drawn);
    return fmt::format(
        R"({{"type":"Feature","geometry":{{"type":"Polygon","coordinates":{}}},"properties":{{)"
        R"("mesh_id":"{}","total_population":{},"population_65plus":{},"population_75plus":null,)"
        R"("population_status":"{}","population_status_target":{},)"
        R"("population_aggregation_target":{}}}}})",
        rect(m.west, m.south, m.east(), m.north()), code, total, n65, status, target, merged);
}

std::filesystem::path mesh_geojson(std::filesystem::path const& p,
                                   std::vector<std::string> const& features) {
    std::string s = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < features.size(); ++i) {
        s += (i ? "," : "") + features[i];
    }
    return write_text(p, s + "]}");
}

PopulationSourceInput input(std::filesystem::path p) {
    PopulationSourceInput in;
    in.path = std::move(p);
    return in;
}

template <class F> std::string message_of(F&& f) {
    try {
        f();
    } catch (DataError const& e) {
        return e.what();
    }
    return "no DataError";
}

std::uint64_t total(std::vector<std::uint32_t> const& v) {
    return std::accumulate(v.begin(), v.end(), std::uint64_t{0});
}

} // namespace

TEST(PopulationReader, MeshPolygonsTakeTheirGeometryFromTheCode) {
    TempDir t;
    DataWarnings w;
    // 503223182 drawn in quadrant 3 instead of 2: the known defect of the ehime files.
    auto p = mesh_geojson(t / "mesh.geojson",
                          {mesh_feature("503223181", 100, "30"),
                           mesh_feature("503223182", 50, "20", "0", "null", "null", "503223183")});
    PopulationSource s = read_population_source(input(p), w);
    EXPECT_EQ(s.format, PopulationFormat::MeshPolygons);
    EXPECT_EQ(s.mesh_digits, 9);
    EXPECT_EQ(s.total, 150u);
    ASSERT_EQ(s.records.size(), 2u);
    EXPECT_EQ(s.polygon_mismatch, 1u);
    auto const* warning = w.find("drawn away from the cell of their mesh code");
    ASSERT_NE(warning, nullptr);
    EXPECT_EQ(warning->count, 1u);
    EXPECT_THAT(warning->examples, HasSubstr("503223182"));
    // The extent follows the codes: both cells share a row.
    auto const m2 = *parse_mesh_code("503223182");
    EXPECT_NEAR(s.north, m2.north(), 1e-9);
    EXPECT_NEAR(s.east, m2.east(), 1e-9);
}

TEST(PopulationReader, SecrecyGroupsShareTheirAgeFiguresAndGapsTakeTheDefault) {
    TempDir t;
    DataWarnings w;
    // A (status 1) holds B's ages (B status 2 → A): 10 of the 20 + 5 residents are 65+.
    // C: 5 of 10. D: no figures → default = (10 + 5) / (25 + 10).
    auto p =
        mesh_geojson(t / "mesh.geojson",
                     {mesh_feature("503223181", 20, "10", "1", "null", "\"503223182\""),
                      mesh_feature("503223182", 5, "null", "2", "\"503223181\""),
                      mesh_feature("503223183", 10, "5"), mesh_feature("503223184", 4, "null")});
    std::vector<PopulationSource> s{read_population_source(input(p), w)};
    AgeSummary a = resolve_age_shares(s, {}, w);
    auto const& r = s[0].records;
    EXPECT_DOUBLE_EQ(r[0].share65, 0.4);
    EXPECT_DOUBLE_EQ(r[1].share65, 0.4);
    EXPECT_DOUBLE_EQ(r[2].share65, 0.5);
    EXPECT_NEAR(r[3].share65, 15.0 / 35.0, 1e-12);
    EXPECT_TRUE(r[3].age_imputed);
    EXPECT_FALSE(r[1].age_imputed);
    EXPECT_EQ(a.groups, 1u);
    EXPECT_EQ(a.cells_imputed, 1u);
    EXPECT_EQ(a.persons_imputed, 4u);
    EXPECT_EQ(a.default_origin, "population-weighted shares of the cells with known ages");
    EXPECT_NE(w.find("without age figures"), nullptr);
    // Explicit defaults win; with no figures at all the national 2020 shares are used.
    AgeSummary b = resolve_age_shares(s, {0.3, 0.2}, w);
    EXPECT_DOUBLE_EQ(b.default65, 0.3);
    EXPECT_DOUBLE_EQ(s[0].records[3].share75, 0.2);
    auto q = mesh_geojson(t / "noage.geojson", {mesh_feature("503223181", 7, "null")});
    std::vector<PopulationSource> s2{read_population_source(input(q), w)};
    EXPECT_DOUBLE_EQ(resolve_age_shares(s2, {}, w).default65, 0.286);
}

TEST(PopulationReader, EStatMeshCsvWithItsLabelRowWithheldValuesAndMergedCells) {
    TempDir t;
    DataWarnings w;
    // e-Stat layout: codes row, Japanese labels row, then one row per cell; '*' = withheld.
    auto p = write_text(t / "tblT001141H5032.txt",
                        "KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001141001,T001141019\r\n"
                        ",,,,人口（総数）,６５歳以上人口\r\n"
                        "503223181,1,,503223182,57,20\r\n"
                        "503223182,2,503223181,,3,*\r\n"
                        "503223183,0,,,-,-\r\n"
                        "503223184,2,503223181,,*,*\r\n");
    PopulationSourceInput in = input(p);
    in.age_65plus_field = "T001141019";
    std::vector<PopulationSource> s{read_population_source(in, w)};
    EXPECT_EQ(s[0].format, PopulationFormat::MeshCsv);
    EXPECT_EQ(s[0].crs_label, "EPSG:4326 (WGS 84)");
    ASSERT_EQ(s[0].records.size(), 4u);
    EXPECT_EQ(s[0].total, 60u);
    EXPECT_EQ(s[0].records[0].status, 1);
    EXPECT_EQ(s[0].records[0].merged, std::vector<std::string>{"503223182"});
    EXPECT_EQ(s[0].records[1].status_target, "503223181");
    auto const* withheld = w.find("population withheld");
    ASSERT_NE(withheld, nullptr);
    EXPECT_EQ(withheld->count, 1u);
    resolve_age_shares(s, {}, w);
    EXPECT_DOUBLE_EQ(s[0].records[1].share65, 20.0 / 60.0); // group 57 + 3 (+ 0 withheld)
}

TEST(PopulationReader, BadRecordsStopWithTheRecordAndAFix) {
    TempDir t;
    DataWarnings w;
    auto bad_code = write_text(t / "bad.txt", "KEY_CODE,T001141001\n50322318X,5\n");
    std::string m = message_of([&] { read_population_source(input(bad_code), w); });
    EXPECT_THAT(m, HasSubstr("bad.txt: record 1 has mesh code '50322318X', which does not parse"));
    EXPECT_THAT(m, HasSubstr("character 9 is 'X'"));
    auto negative = write_text(t / "neg.csv", "KEY_CODE,T001141001\n503223181,-5\n");
    m = message_of([&] { read_population_source(input(negative), w); });
    EXPECT_THAT(m, HasSubstr("has population '-5', which is not a whole number"));
    auto dup = write_text(t / "dup.csv", "KEY_CODE,T001141001\n503223181,5\n503223181,6\n");
    m = message_of([&] { read_population_source(input(dup), w); });
    EXPECT_THAT(m, HasSubstr("mesh code 503223181 appears twice (records 1 and 2)"));
    auto no_count = write_text(t / "nocount.csv", "KEY_CODE,persons\n503223181,5\n");
    m = message_of([&] { read_population_source(input(no_count), w); });
    EXPECT_THAT(m, HasSubstr("has no count field"));
    EXPECT_THAT(m, HasSubstr("KEY_CODE, persons"));
    auto mixed = write_text(t / "mixed.csv", "KEY_CODE,T001141001\n503223181,5\n50322318,6\n");
    m = message_of([&] { read_population_source(input(mixed), w); });
    EXPECT_THAT(m, HasSubstr("use one mesh level per file"));
    // A total that disagrees with the cells.
    auto ok = write_text(t / "ok.csv", "KEY_CODE,T001141001\n503223181,5\n503223182,6\n");
    PopulationSourceInput in = input(ok);
    in.expected_total = 12;
    m = message_of([&] { read_population_source(in, w); });
    EXPECT_THAT(m, HasSubstr("the 2 records add up to 11 persons, but expected_total is 12"));
    in.expected_total = 11;
    EXPECT_EQ(read_population_source(in, w).total, 11u);
    m = message_of([&] { read_population_source(input(t / "none.geojson"), w); });
    EXPECT_THAT(m, HasSubstr("none.geojson: population file not found"));
    // The same cells in two files.
    std::vector<PopulationSource> twice{read_population_source(input(ok), w),
                                        read_population_source(input(ok), w)};
    m = message_of([&] { resolve_age_shares(twice, {}, w); });
    EXPECT_THAT(m, HasSubstr("mesh code 503223181 is also in"));
}

TEST(PopulationReader, PlacementKeepsEveryRecordsPersonsExactly) {
    TempDir t;
    DataWarnings w;
    std::vector<std::string> f;
    std::uint64_t expect = 0;
    for (int q = 1; q <= 4; ++q) {
        f.push_back(mesh_feature("50322318" + std::to_string(q), 1000 + 7 * q, "300"));
        expect += 1000 + 7 * q;
    }
    std::vector<PopulationSource> s{
        read_population_source(input(mesh_geojson(t / "m.geojson", f)), w)};
    AgeSummary a = resolve_age_shares(s, {}, w);
    // Cells of 97 m: no alignment with the mesh at all.
    GridSpec g = grid_around(s[0].west, s[0].south, s[0].east, s[0].north, 97.0);
    PopulationOnGrid pg = place_population(s, g, nullptr, a, w);
    EXPECT_EQ(pg.total, expect);
    EXPECT_EQ(total(pg.counts), expect);
    // Each record stays inside its own cell: the north-east quadrant's persons lie north-east.
    auto const ne = *parse_mesh_code("503223184");
    auto [cx, cy] = to_utm53(ne.centre_lon(), ne.centre_lat());
    EXPECT_GT(pg.counts[g.cell_at(cx, cy)], 0u);
    EXPECT_NEAR(pg.share65[g.cell_at(cx, cy)], 300.0 / (1000 + 28), 1e-6);

    // A mask over the western half: records overlapping it go there; those that miss it
    // entirely are placed where they are and counted.
    std::vector<std::uint8_t> mask(g.cells(), 0);
    auto const sw = *parse_mesh_code("503223181");
    auto [mx, my] = to_utm53(sw.centre_lon(), sw.centre_lat());
    for (std::int32_t r = 0; r < g.ny(); ++r) {
        for (std::int32_t c = 0; c < g.nx(); ++c) {
            mask[g.index(c, r)] = g.centre_x(c) < mx ? 1 : 0;
        }
    }
    DataWarnings w2;
    PopulationOnGrid pm = place_population(s, g, &mask, a, w2);
    EXPECT_EQ(total(pm.counts), expect);
    std::uint64_t in_mask = 0;
    for (std::size_t c = 0; c < g.cells(); ++c) {
        in_mask += mask[c] ? pm.counts[c] : 0;
    }
    EXPECT_EQ(in_mask, 1007u + 1021u); // the two western quadrants
    auto const* outside = w2.find("overlap no municipality");
    ASSERT_NE(outside, nullptr);
    EXPECT_EQ(outside->count, 2u);
    EXPECT_EQ(pm.persons_outside_mask, 1014u + 1028u);
}

TEST(PopulationReader, PolygonsInAProjectedGeoPackageWithAnInvalidPolygon) {
    TempDir t;
    DataWarnings w;
    auto [x, y] = to_utm53(132.56, 33.22);
    std::string const square =
        fmt::format("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))", x, y, x + 400, y + 400);
    // A bow-tie (self-intersecting): repaired by GEOS, counted.
    std::string const bowtie = fmt::format("POLYGON(({0} {1},{2} {3},{2} {1},{0} {3},{0} {1}))",
                                           x + 1000, y, x + 1400, y + 400);
    auto p = write_vector(t / "districts.gpkg", "GPKG", 6690, wkbPolygon,
                          {{square, {{"pop", "120"}}}, {bowtie, {{"pop", "80"}}}});
    PopulationSourceInput in = input(p);
    in.count_field = "pop";
    std::vector<PopulationSource> s{read_population_source(in, w)};
    EXPECT_EQ(s[0].format, PopulationFormat::Polygons);
    EXPECT_EQ(s[0].total, 200u);
    EXPECT_THAT(s[0].crs_label, HasSubstr("6690"));
    ASSERT_NE(w.find("invalid polygons repaired"), nullptr);
    AgeSummary a = resolve_age_shares(s, {}, w);
    EXPECT_DOUBLE_EQ(a.default65, 0.286); // no age figures in the file
    GridSpec g = grid_around(s[0].west, s[0].south, s[0].east, s[0].north, 100.0);
    EXPECT_EQ(total(place_population(s, g, nullptr, a, w).counts), 200u);
    // Wrong field name: the message lists what the layer has.
    in.count_field = "persons";
    std::string const m = message_of([&] { read_population_source(in, w); });
    EXPECT_THAT(m, HasSubstr("has no field 'persons'"));
    EXPECT_THAT(m, HasSubstr("its fields are: pop"));
}

TEST(PopulationReader, CountRastersAreApportionedToWholePersons) {
    TempDir t;
    DataWarnings w;
    auto [x, y] = to_utm53(132.56, 33.22);
    x = std::floor(x);
    y = std::floor(y);
    std::vector<double> v(16, 2.5); // 40 persons in 4 × 4 pixels of 100 m
    auto p = write_geotiff(t / "pop.tif", 4, 4, {x, 100, 0, y, 0, -100}, 6690, v);
    std::vector<PopulationSource> s{read_population_source(input(p), w)};
    EXPECT_EQ(s[0].format, PopulationFormat::Raster);
    AgeSummary a = resolve_age_shares(s, {}, w);
    GridSpec g = utm53_grid(x - 300, y + 300, 13, 13, 77);
    PopulationOnGrid pg = place_population(s, g, nullptr, a, w);
    EXPECT_EQ(pg.total, 40u);
    EXPECT_EQ(total(pg.counts), 40u);
}
