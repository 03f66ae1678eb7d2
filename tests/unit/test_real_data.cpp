// The loaders on the real files in ../shared/data (see its README for the figures asserted here).
// Each test skips, saying why, when the data is not there.

#include <map>
#include <set>

#include "data_fixtures.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/simulation.hpp>
#include <tsunagi/io/facility_reader.hpp>
#include <tsunagi/io/population_reader.hpp>
#include <tsunagi/io/road_reader.hpp>
#include <tsunagi/io/zone_reader.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/cell_graph.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

// Sum of a field over a layer, read with OGR directly (independently of the loaders).
double field_sum(std::filesystem::path const& p, char const* field) {
    GDALAllRegister();
    GDALDataset* ds = GDALDataset::Open(p.string().c_str(), GDAL_OF_VECTOR);
    EXPECT_NE(ds, nullptr) << p;
    double s = 0.0;
    for (auto& f : ds->GetLayer(0)) {
        s += f->GetFieldAsDouble(field);
    }
    GDALClose(ds);
    return s;
}

std::size_t count(DataWarnings const& w, char const* needle) {
    auto const* d = w.find(needle);
    return d == nullptr ? 0 : d->count;
}

} // namespace

TEST(RealData, PopulationTotalEqualsTheSumOfTheMeshFiles) {
    TSUNAGI_REQUIRE_SHARED_DATA(uwajima, "ehime/population/mesh_500m_38203.geojson");
    TSUNAGI_REQUIRE_SHARED_DATA(yawatahama, "ehime/population/mesh_500m_38204.geojson");
    DataWarnings w;
    std::vector<PopulationSource> s;
    for (auto const& p : {uwajima, yawatahama}) {
        PopulationSourceInput in;
        in.path = p;
        s.push_back(read_population_source(in, w));
        EXPECT_EQ(static_cast<double>(s.back().total), field_sum(p, "total_population")) << p;
        EXPECT_EQ(s.back().mesh_digits, 9);
    }
    // shared/data/README.md 2a.
    EXPECT_EQ(s[0].total, 62694u);
    EXPECT_EQ(s[1].total, 30512u);
    EXPECT_EQ(s[0].records.size(), 562u);
    EXPECT_EQ(s[1].records.size(), 220u);
    EXPECT_EQ(s[0].polygon_mismatch, 273u); // the quadrant 2/3 swap
    EXPECT_EQ(s[1].polygon_mismatch, 110u);
    AgeSummary a = resolve_age_shares(s, {}, w);
    EXPECT_GT(a.share65, 0.39); // "at least 39 % of them 65+"
    EXPECT_LT(a.share65, 0.42);
    EXPECT_GT(a.groups, 100u);
    // Placed on a 250 m grid over both towns, masked to nothing: every person lands.
    GridSpec g = grid_around(132.26, 33.05, 132.68, 33.55, 250.0);
    PopulationOnGrid pg = place_population(s, g, nullptr, a, w);
    std::uint64_t sum = 0;
    for (auto v : pg.counts) {
        sum += v;
    }
    EXPECT_EQ(sum, 62694u + 30512u);
}

TEST(RealData, EveryTsunamiDesignatedSiteIsLoadedAndTheDefectsAreCounted) {
    TSUNAGI_REQUIRE_SHARED_DATA(csv, "ehime/shelters/shelters_joined.csv");
    TSUNAGI_REQUIRE_SHARED_DATA(n03, "boundaries/N03-21_38_210101.json");
    // Independently: the tsunami rows of Uwajima and Yawatahama, by id (or address).
    GDALAllRegister();
    char const* oo[] = {"AUTODETECT_TYPE=NO", nullptr};
    GDALDataset* ds = GDALDataset::Open(csv.string().c_str(), GDAL_OF_VECTOR, nullptr, oo, nullptr);
    ASSERT_NE(ds, nullptr);
    std::set<std::string> with_coords;
    std::size_t without = 0;
    for (auto& f : ds->GetLayer(0)) {
        std::string id = f->GetFieldAsString("gsi_common_id");
        if (id.empty()) {
            id = f->GetFieldAsString("common_id");
        }
        std::string const address = f->GetFieldAsString("address");
        bool const ours = id.starts_with("E38203") || id.starts_with("E38204") ||
                          (id.empty() && (address.starts_with("愛媛県宇和島市") ||
                                          address.starts_with("愛媛県八幡浜市")));
        if (!ours || std::string(f->GetFieldAsString("tsunami")) != "1") {
            continue;
        }
        if (std::string(f->GetFieldAsString("latitude")).empty()) {
            ++without;
        } else {
            with_coords.insert(id);
        }
    }
    GDALClose(ds);
    EXPECT_EQ(with_coords.size(), 32u + 89u); // README 2b: 32 in Uwajima, 89 of 97 in Yawatahama
    EXPECT_EQ(without, 8u + 1u);              // + the ferry terminal without an id

    DataWarnings w;
    ZonesInput zi;
    zi.path = n03;
    zi.codes = {"38203", "38204"};
    ZoneBoundaries zb = read_zone_boundaries(zi, w);
    FacilitiesInput in;
    in.path = csv;
    in.municipalities = {"38203", "38204"};
    in.require_hazards = {"tsunami"};
    FacilityRecords r = read_facilities(in, &zb, w);
    std::set<std::string> loaded;
    for (auto const& s : r.sites) {
        loaded.insert(s.f.external_id);
        EXPECT_TRUE(s.f.hazard_flags & kTsunami);
    }
    EXPECT_EQ(loaded, with_coords);
    EXPECT_EQ(r.sites.size(), with_coords.size());
    EXPECT_EQ(r.selected_without_position, without);
    EXPECT_EQ(count(w, "selected rows without coordinates"), without);
    EXPECT_EQ(r.rows, 1973u);
    // Every known defect of README 2b is detected and counted.
    EXPECT_EQ(count(w, "duplicated ids"), 4u);
    EXPECT_EQ(count(w, "rows without an id"), 1u);
    EXPECT_EQ(count(w, "truncated common_id"), 45u);            // 49 truncated, 4 without gsi id
    EXPECT_EQ(count(w, "ids that are not GSI common ids"), 5u); // those 4 + one 13-digit id
    EXPECT_GE(count(w, "full-width digits"), 36u);              // capacity_basis '２'
    EXPECT_EQ(count(w, "inconsistent with their addresses"), 49u);
    EXPECT_THAT(w.find("inconsistent with their addresses")->examples, HasSubstr("38203 吉田町"));
    EXPECT_EQ(w.find("inconsistent with their addresses")->examples.find("38204"),
              std::string::npos);
}

TEST(RealData, LiechtensteinOsmLoadsIntoOneConnectedGraphOfPlausibleSize) {
    TSUNAGI_REQUIRE_SHARED_DATA(pbf, "osm/liechtenstein-2013-08-03.osm.pbf");
    DataWarnings w;
    RoadNetworkReport r;
    RoadsInput in;
    in.path = pbf;
    RoadGraph g = read_road_network(in, wkt_of_epsg(32632), r, w); // WGS 84 / UTM 32N
    // README 4: 7,121 ways, 2,753 with highway=*; GDAL puts the 2 closed highway areas
    // (pedestrian, residential) in its multipolygons layer, so 2,751 reach the lines layer.
    EXPECT_LE(r.features_read, 7121u);
    std::size_t const highway = r.used + r.excluded + r.outside_clip + r.bad_geometry;
    EXPECT_EQ(highway, 2751u);
    EXPECT_EQ(r.features_read - r.not_roads, 2751u);
    EXPECT_EQ(r.excluded, 3u); // highway=construction
    EXPECT_EQ(r.unknown_class, 0u);
    EXPECT_EQ(r.by_class["residential"], 841u);
    EXPECT_EQ(r.by_class["track"], 597u);
    EXPECT_EQ(r.by_class["service"], 352u);
    EXPECT_EQ(r.by_class["footway"], 249u);
    EXPECT_EQ(r.by_class["primary"], 81u);
    EXPECT_EQ(r.by_class["secondary_link"], 1u);
    // One connected graph: every node reaches every other, and it is most of the network.
    EXPECT_EQ(count_components(g), 1u);
    EXPECT_GT(g.node_count(), 3000u);
    EXPECT_LT(g.node_count(), 30000u);
    EXPECT_GT(g.node_count(), r.nodes * 9 / 10);
    EXPECT_EQ(g.node_count() + r.dropped_nodes, r.nodes);
    EXPECT_GT(r.length_km, 500.0);
    EXPECT_LT(r.length_km, 3000.0);
    EXPECT_GT(r.oneway, 0u);
    EXPECT_GE(r.south, 46.78);
    EXPECT_LE(r.north, 47.53);
}

TEST(RealData, UwajimaScenarioBuildsTheWorldFromEveryFile) {
    TSUNAGI_REQUIRE_SHARED_DATA(root, "inundation/case1/500/132_33.json");
    for (std::string const c : {"1", "4"}) {
        Scenario s =
            Scenario::load(std::filesystem::path(TSUNAGI_SOURCE_DIR) / "scenarios/uwajima.yaml");
        s.set("world.data.root", root_root->string());
        s.set("world.data.tsunami.case", c);
        s.set("scenario.duration_s", "60");
        RunOptions o;
        o.threads = 2;
        Simulation sim(std::move(s), o, default_model_registry());
        World const& w = sim.world();
        EXPECT_EQ(w.total_population(), 62694u + 30512u);
        ASSERT_EQ(w.zones.size(), 4u);
        EXPECT_EQ(w.zones[2].code, "38203");
        EXPECT_EQ(w.zones[3].code, "38204");
        EXPECT_EQ(w.facilities.size(), 121u);
        EXPECT_GT(w.inundated_cells.size(), 1000u);
        std::uint64_t in_zones = 0;
        for (std::size_t cell = 0; cell < w.grid.cells(); ++cell) {
            in_zones += w.zone.data[cell] >= 0 ? w.population.data[cell] : 0;
        }
        EXPECT_GT(in_zones, 93000u); // all but the few census cells off the simplified boundaries
        sim.run();
    }
}
