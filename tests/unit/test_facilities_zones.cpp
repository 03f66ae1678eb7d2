#include <algorithm>

#include "data_fixtures.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/facility_reader.hpp>
#include <tsunagi/io/zone_reader.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

std::string square(double w, double s, double size) {
    return fmt::format("[[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]]", w, s, w + size,
                       s + size);
}

std::string n03(std::string const& code, std::string const& name, std::string const& coords,
                std::string const& type = "Polygon") {
    return fmt::format(
        R"({{"type":"Feature","geometry":{{"type":"{}","coordinates":{}}},"properties":{{)"
        R"("N03_001":"愛媛県","N03_002":null,"N03_003":null,"N03_004":"{}","N03_007":{}}}}})",
        type, coords, name, code);
}

// Uwajima as two pieces (a main square and an island), Yawatahama north of it (its second piece a
// self-intersecting bow-tie), Matsuyama far away, and an area without a code (所属未定地).
std::filesystem::path small_n03(TempDir const& t) {
    std::string const bowtie =
        "[[[132.45,33.45],[132.47,33.47],[132.47,33.45],[132.45,33.47],[132.45,33.45]]]";
    std::vector<std::string> f{
        n03("\"38203\"", "宇和島市", square(132.50, 33.15, 0.10)),
        n03("\"38203\"", "宇和島市", square(132.40, 33.16, 0.02)),
        n03("\"38204\"", "八幡浜市", square(132.40, 33.40, 0.04)),
        n03("\"38204\"", "八幡浜市", bowtie),
        n03("\"38201\"", "松山市", square(132.70, 33.80, 0.10)),
        n03("null", "所属未定地", square(132.30, 33.30, 0.01)),
    };
    std::string s = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < f.size(); ++i) {
        s += (i ? "," : "") + f[i];
    }
    return write_text(t / "N03-21_38_test.json", s + "]}");
}

ZonesInput zones(std::filesystem::path p, std::vector<std::string> codes = {"38203", "38204"}) {
    ZonesInput in;
    in.path = std::move(p);
    in.codes = std::move(codes);
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

} // namespace

TEST(Zones, N03FeaturesAreMergedPerCodeAndBurntIntoTheGrid) {
    TempDir t;
    DataWarnings w;
    ZoneBoundaries zb = read_zone_boundaries(zones(small_n03(t)), w);
    ASSERT_EQ(zb.municipalities.size(), 2u);
    EXPECT_EQ(zb.municipalities[0].code, "38203");
    EXPECT_EQ(zb.municipalities[0].features, 2u);
    EXPECT_EQ(zb.municipalities[0].name, "宇和島市");
    EXPECT_NEAR(zb.municipalities[0].west, 132.40, 1e-9);
    EXPECT_EQ(zb.features_read, 6u);
    EXPECT_EQ(zb.features_not_selected, 1u);
    EXPECT_EQ(zb.address_prefix.at("38201"), "愛媛県松山市"); // kept for site addresses
    EXPECT_EQ(zb.invalid_repaired, 1u);
    ASSERT_NE(w.find("without a valid 5-digit municipality code"), nullptr);
    ASSERT_NE(w.find("repaired with GEOS MakeValid"), nullptr);

    World wd;
    wd.grid = grid_around(132.38, 33.14, 132.61, 33.45, 500.0);
    burn_zones(zb, wd);
    ASSERT_EQ(wd.zones.size(), 4u);
    EXPECT_EQ(wd.zones[0].code, "JP");
    EXPECT_EQ(wd.zones[1].code, "38");
    EXPECT_EQ(wd.zones[1].name, "愛媛県");
    EXPECT_EQ(wd.zones[2].code, "38203");
    EXPECT_EQ(wd.zones[3].parent, 1);
    auto [x, y] = to_utm53(132.55, 33.20);
    EXPECT_EQ(wd.zone[wd.grid.cell_at(x, y)], 2);
    auto [xi, yi] = to_utm53(132.41, 33.17); // the island
    EXPECT_EQ(wd.zone[wd.grid.cell_at(xi, yi)], 2);
    auto [xs, ys] = to_utm53(132.45, 33.30); // the sea between
    EXPECT_EQ(wd.zone[wd.grid.cell_at(xs, ys)], -1);
    EXPECT_GT(zb.municipalities[1].cells, 0u);
    // ~ (0.1° × 0.1° + 0.02² °²) of 500 m cells.
    EXPECT_NEAR(static_cast<double>(zb.municipalities[0].cells), 10.4 * 9.3 * 4 * 1.04, 40.0);
}

TEST(Zones, UnknownCodesAndFieldsFail) {
    TempDir t;
    DataWarnings w;
    auto p = small_n03(t);
    std::string m = message_of([&] { read_zone_boundaries(zones(p, {"38203", "38299"}), w); });
    EXPECT_THAT(
        m, HasSubstr("municipality code(s) 38299 asked for in world.data.zones.codes are not"));
    ZonesInput in = zones(p);
    in.code_field = "CITY_CODE";
    m = message_of([&] { read_zone_boundaries(in, w); });
    EXPECT_THAT(m, HasSubstr("has no field 'CITY_CODE'"));
    EXPECT_THAT(m, HasSubstr("N03_007"));
    auto lines = write_vector(
        t / "lines.gpkg", "GPKG", 4326, wkbLineString,
        {{"LINESTRING(132.5 33.2,132.6 33.3)", {{"N03_007", "38203"}, {"N03_004", "x"}}}});
    m = message_of([&] { read_zone_boundaries(zones(lines, {}), w); });
    EXPECT_THAT(m, HasSubstr("is a LINESTRING, not a polygon"));
}

TEST(Facilities, GsiSitesWithTheirDefectsCounted) {
    TempDir t;
    DataWarnings wz;
    ZoneBoundaries zb = read_zone_boundaries(zones(small_n03(t)), wz);
    // Columns as in shared/data/ehime/shelters/shelters_joined.csv.
    std::string csv =
        "common_id,name,address,flood,earthquake,tsunami,capacity,capacity_basis,gsi_common_id,"
        "latitude,longitude,coordinate_join_method\n"
        "E3820300001201,A,愛媛県宇和島市吉田町立間1,,1,1,100,1.0,E3820300001201,33.20,132.55,"
        "matched_by_id\n"
        "E3820300002201,B,愛媛県宇和島市吉田町立間2,,1,,200,２,E3820300002201,33.21,132.56,matched_"
        "by_id\n"
        "00003201,C,愛媛県宇和島市吉田町立間3,,1,1,300,1.0,E3820300003201,33.24,132.59,matched_by_"
        "id\n"
        ",D,愛媛県八幡浜市出島1,,,1,520,1.0,,,,unmatched\n"
        "E3820300005201,E,愛媛県宇和島市吉田町立間4,,,1,50,,E3820300005201,33.16,132.51,matched_by_"
        "id\n"
        "E3820300005201,F,愛媛県宇和島市丸穂町1,,,1,60,,E3820300005201,33.17,132.52,matched_by_id\n"
        "E3820300006201,G,愛媛県宇和島市文京町1,,,1,\"19130\n（0.5㎡あたり1人）\",,E3820300006201,"
        "33.19,132.53,matched_by_id\n"
        "E3820400007201,H,愛媛県八幡浜市大黒町1,,,1,１２０,,E3820400007201,33.42,132.42,matched_by_"
        "id\n"
        "E3820100008201,I,愛媛県松山市一番町1,,,1,999,,E3820100008201,33.84,132.77,matched_by_id\n"
        "E3820300009201,J,愛媛県宇和島市吉田町立間5,,1,1,,,E3820300009201,33.10,132.45,matched_by_"
        "id\n";
    FacilitiesInput in;
    in.path = write_text(t / "shelters.csv", csv);
    in.municipalities = {"38203", "38204"};
    in.require_hazards = {"tsunami"};
    DataWarnings w;
    FacilityRecords r = read_facilities(in, &zb, w);
    EXPECT_EQ(r.rows, 10u);
    EXPECT_EQ(r.not_selected_municipality, 1u); // Matsuyama
    EXPECT_EQ(r.not_selected_hazard, 1u);       // B
    EXPECT_EQ(r.selected_without_position, 1u); // D, whose municipality comes from its address
    std::vector<std::string> ids;
    for (auto const& s : r.sites) {
        ids.push_back(s.f.external_id);
        EXPECT_TRUE(s.f.hazard_flags & kTsunami);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"E3820300001201", "E3820300003201", "E3820300005201",
                                             "E3820300005201", "E3820300006201", "E3820400007201",
                                             "E3820300009201"}));
    EXPECT_EQ(r.sites[0].f.capacity, 100);
    EXPECT_EQ(r.sites[4].f.capacity, 19130);
    EXPECT_EQ(r.sites[5].f.capacity, 120);
    EXPECT_EQ(r.sites[5].municipality, "38204");
    EXPECT_DOUBLE_EQ(r.sites[0].f.x, 132.55); // longitude until placed
    EXPECT_EQ(r.capacity, 100 + 300 + 50 + 60 + 19130 + 120 + 0);
    auto count = [&](char const* needle) {
        auto const* d = w.find(needle);
        return d == nullptr ? std::size_t{0} : d->count;
    };
    EXPECT_EQ(count("rows without an id"), 1u);
    EXPECT_EQ(count("truncated common_id"), 1u);
    EXPECT_EQ(count("duplicated ids"), 1u);
    EXPECT_EQ(count("full-width digits"), 2u);
    EXPECT_EQ(count("capacities with text"), 1u);
    EXPECT_EQ(count("rows without a capacity"), 1u);
    EXPECT_EQ(count("selected rows without coordinates"), 1u);
    // The 吉田町 sites lie ~10 km apart: their positions contradict their addresses.
    EXPECT_EQ(count("inconsistent with their addresses"), 5u);
    EXPECT_THAT(w.find("inconsistent with their addresses")->examples, HasSubstr("38203 吉田町"));
    // J lies outside every polygon.
    DataWarnings w2;
    check_sites_in_zones(r, zb, w2);
    ASSERT_NE(w2.find("outside every municipality polygon"), nullptr);
    EXPECT_THAT(w2.find("outside every municipality polygon")->examples,
                HasSubstr("E3820300009201"));
}

TEST(Facilities, PointLayersAndCsvColumnsForHubs) {
    TempDir t;
    DataWarnings w;
    FacilitiesInput in;
    in.format = FacilityFormat::Points;
    in.kind = FacilityKind::Hub;
    in.path =
        write_text(t / "hubs.csv",
                   "id,name,lon,lat,capacity\nH1,Port,132.55,33.22,40\nH2,Inland,132.60,33.25,\n");
    FacilityRecords r = read_facilities(in, nullptr, w);
    ASSERT_EQ(r.sites.size(), 2u);
    EXPECT_EQ(r.sites[0].f.kind, FacilityKind::Hub);
    EXPECT_EQ(r.sites[1].f.name, "Inland");
    // A point layer in a projected CRS is converted to longitude/latitude.
    auto [x, y] = to_utm53(132.55, 33.22);
    in.path =
        write_vector(t / "hospitals.gpkg", "GPKG", 6690, wkbPoint,
                     {{fmt::format("POINT({} {})", x, y), {{"name", "Hospital"}, {"id", "K1"}}}});
    in.kind = FacilityKind::Hospital;
    FacilityRecords h = read_facilities(in, nullptr, w);
    ASSERT_EQ(h.sites.size(), 1u);
    EXPECT_NEAR(h.sites[0].f.x, 132.55, 1e-7);
    EXPECT_EQ(h.sites[0].f.external_id, "K1");
    // Metres in a CSV that is taken as longitude/latitude: a wrong CRS.
    in.path = write_text(t / "metres.csv", "id,name,lon,lat\nH1,Port,500000,3700000\n");
    std::string m = message_of([&] { read_facilities(in, nullptr, w); });
    EXPECT_THAT(m, HasSubstr("is at (500000, 3700000), which is not a longitude/latitude"));
    // ... which a crs key fixes.
    in.crs = "EPSG:6690";
    EXPECT_EQ(read_facilities(in, nullptr, w).sites.size(), 1u);
    in.path = t / "none.csv";
    m = message_of([&] { read_facilities(in, nullptr, w); });
    EXPECT_THAT(m, HasSubstr("none.csv: facilities file not found"));
    EXPECT_EQ(hazard_flag("津波"), kTsunami);
    EXPECT_EQ(hazard_flag("earthquake"), kEarthquake);
    EXPECT_EQ(hazard_flag("meteor"), 0);
}
