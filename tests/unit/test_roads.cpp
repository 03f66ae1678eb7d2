#include <cmath>

#include "data_fixtures.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/road_reader.hpp>
#include <tsunagi/world/cell_graph.hpp>

using namespace tsunagi;
using namespace tsunagi::test;
using ::testing::HasSubstr;

namespace {

// A small town in OSM XML: a residential street A (1-2-3) crossed at node 2 by a one-way primary
// road B (4 → 2 → 5, 50 km/h); a service road C (3-6); an unknown class F (6-10); a reversed
// one-way I (5-12, oneway=-1); a street D (7-8) connected to nothing; a road under construction
// E (6-9) and a river G (1-11), which are not roads.
std::string const kTown = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="tsunagi test">
  <bounds minlat="33.19" minlon="132.49" maxlat="33.24" maxlon="132.56"/>
  <node id="1" lat="33.2100" lon="132.5000" version="1"/>
  <node id="2" lat="33.2100" lon="132.5100" version="1"/>
  <node id="3" lat="33.2100" lon="132.5200" version="1"/>
  <node id="4" lat="33.2000" lon="132.5100" version="1"/>
  <node id="5" lat="33.2200" lon="132.5100" version="1"/>
  <node id="6" lat="33.2150" lon="132.5250" version="1"/>
  <node id="7" lat="33.2300" lon="132.5400" version="1"/>
  <node id="8" lat="33.2350" lon="132.5450" version="1"/>
  <node id="9" lat="33.2200" lon="132.5300" version="1"/>
  <node id="10" lat="33.2180" lon="132.5320" version="1"/>
  <node id="11" lat="33.2050" lon="132.4950" version="1"/>
  <node id="12" lat="33.2300" lon="132.5100" version="1"/>
  <way id="101" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="102" version="1"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="50"/></way>
  <way id="103" version="1"><nd ref="3"/><nd ref="6"/><tag k="highway" v="service"/></way>
  <way id="104" version="1"><nd ref="7"/><nd ref="8"/><tag k="highway" v="residential"/></way>
  <way id="105" version="1"><nd ref="6"/><nd ref="9"/><tag k="highway" v="construction"/></way>
  <way id="106" version="1"><nd ref="6"/><nd ref="10"/><tag k="highway" v="bogus"/></way>
  <way id="107" version="1"><nd ref="1"/><nd ref="11"/><tag k="waterway" v="river"/></way>
  <way id="108" version="1"><nd ref="5"/><nd ref="12"/><tag k="highway" v="residential"/><tag k="oneway" v="-1"/><tag k="lanes" v="3"/></way>
</osm>
)";

NodeId node_at(RoadGraph const& g, double lon, double lat) {
    auto [x, y] = to_utm53(lon, lat);
    for (NodeId n = 0; n < g.node_count(); ++n) {
        if (std::hypot(g.node_x()[n] - x, g.node_y()[n] - y) < 0.01) {
            return n;
        }
    }
    return kNoNode;
}

RoadsInput roads(std::filesystem::path p) {
    RoadsInput in;
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

} // namespace

TEST(RoadReader, OsmWaysBecomeARoutableGraphWithJunctionsAndOneWays) {
    TempDir t;
    DataWarnings w;
    RoadNetworkReport r;
    RoadGraph g =
        read_road_network(roads(write_text(t / "town.osm", kTown)), wkt_of_epsg(6690), r, w);
    EXPECT_EQ(r.format, "OSM");
    EXPECT_EQ(r.features_read, 8u);
    EXPECT_EQ(r.not_roads, 1u);     // the river
    EXPECT_EQ(r.excluded, 1u);      // construction
    EXPECT_EQ(r.unknown_class, 1u); // bogus
    EXPECT_EQ(r.used, 6u);
    EXPECT_EQ(r.oneway, 2u);
    EXPECT_EQ(r.nodes, 10u);
    EXPECT_EQ(r.edges, 13u);
    EXPECT_EQ(r.components, 2u);
    EXPECT_EQ(r.dropped_nodes, 2u); // street D
    EXPECT_EQ(r.dropped_edges, 2u);
    EXPECT_EQ(g.node_count(), 8u);
    EXPECT_EQ(g.edge_count(), 11u);
    NodeId const n1 = node_at(g, 132.50, 33.21), n2 = node_at(g, 132.51, 33.21),
                 n4 = node_at(g, 132.51, 33.20), n5 = node_at(g, 132.51, 33.22),
                 n12 = node_at(g, 132.51, 33.23);
    ASSERT_NE(n2, kNoNode);
    ASSERT_NE(n12, kNoNode);
    // The crossing at node 2 is a junction: A is split there.
    EdgeId const a = g.find_edge(n1, n2);
    ASSERT_NE(a, kNoEdge);
    EXPECT_NE(g.find_edge(n2, n1), kNoEdge);
    auto [x1, y1] = to_utm53(132.50, 33.21);
    auto [x2, y2] = to_utm53(132.51, 33.21);
    EXPECT_NEAR(g.length_m()[a], std::hypot(x2 - x1, y2 - y1), 1e-3);
    EXPECT_EQ(g.road_class()[a], RoadClass::Residential);
    // One-way B: 4 → 2 → 5 only, at its maxspeed, both lanes in one direction.
    EdgeId const b = g.find_edge(n4, n2);
    ASSERT_NE(b, kNoEdge);
    EXPECT_EQ(g.find_edge(n2, n4), kNoEdge);
    EXPECT_NE(g.find_edge(n2, n5), kNoEdge);
    EXPECT_NEAR(g.free_speed_mps()[b], 50 / 3.6, 1e-4);
    EXPECT_EQ(g.lanes()[b], 2);
    EXPECT_FLOAT_EQ(g.capacity_vph()[b], 2400.0f);
    EXPECT_EQ(g.road_class()[b], RoadClass::Primary);
    // oneway=-1: against the drawing direction; lanes=3 all one way.
    EdgeId const i = g.find_edge(n12, n5);
    ASSERT_NE(i, kNoEdge);
    EXPECT_EQ(g.find_edge(n5, n12), kNoEdge);
    EXPECT_EQ(g.lanes()[i], 3);
    EXPECT_NE(w.find("highway class not in the table"), nullptr);
    auto const* dropped = w.find("outside the largest connected network");
    ASSERT_NE(dropped, nullptr);
    EXPECT_EQ(dropped->count, 2u);

    // One-way ignored (walking): both directions everywhere.
    RoadsInput walk = roads(t / "town.osm");
    walk.respect_oneway = false;
    RoadGraph gw = read_road_network(walk, wkt_of_epsg(6690), r, w);
    EXPECT_EQ(gw.edge_count(), 14u);
    // All components kept on request.
    RoadsInput all = roads(t / "town.osm");
    all.keep_largest = false;
    EXPECT_EQ(read_road_network(all, wkt_of_epsg(6690), r, w).node_count(), 10u);
    // Overriding a class.
    RoadsInput slow = roads(t / "town.osm");
    RoadClassDefaults res = *slow.classes.find("residential");
    res.speed_kmh = 18.0;
    slow.classes.set(res);
    RoadGraph gs = read_road_network(slow, wkt_of_epsg(6690), r, w);
    EXPECT_NEAR(
        gs.free_speed_mps()[gs.find_edge(node_at(gs, 132.50, 33.21), node_at(gs, 132.51, 33.21))],
        5.0, 1e-5);
}

TEST(RoadReader, LineLayersAreSnappedWithinTheTolerance) {
    TempDir t;
    DataWarnings w;
    auto [x, y] = to_utm53(132.56, 33.22);
    // Two lines meeting 0.3 m apart, a third crossing the first without a shared vertex (a
    // bridge): it stays apart.
    auto p = write_vector(
        t / "roads.gpkg", "GPKG", 6690, wkbLineString,
        {{fmt::format("LINESTRING({} {},{} {})", x, y, x + 100, y), {{"oneway", "FT"}}},
         {fmt::format("LINESTRING({} {},{} {})", x + 100.3, y, x + 200, y + 50), {{"oneway", ""}}},
         {fmt::format("LINESTRING({} {},{} {})", x + 50, y - 50, x + 50, y + 50),
          {{"oneway", ""}}}});
    RoadsInput in = roads(p);
    in.keep_largest = false;
    RoadNetworkReport r;
    RoadGraph g = read_road_network(in, wkt_of_epsg(6690), r, w);
    EXPECT_EQ(r.default_class, 3u); // no highway field: residential defaults, counted
    EXPECT_NE(w.find("lines without a highway value"), nullptr);
    EXPECT_EQ(r.format, "GPKG");
    EXPECT_EQ(g.node_count(), 5u);
    EXPECT_EQ(r.components, 2u);
    EXPECT_EQ(g.edge_count(), 1u + 2u + 2u); // FT one way, the others both ways
    in.snap_tolerance_m = 0.1;
    EXPECT_EQ(read_road_network(in, wkt_of_epsg(6690), r, w).node_count(), 6u);
    EXPECT_EQ(r.components, 3u);
}

TEST(RoadReader, MissingOrWrongCrsAndUnusableLayersFail) {
    TempDir t;
    DataWarnings w;
    RoadNetworkReport r;
    auto [x, y] = to_utm53(132.56, 33.22);
    std::string const line = fmt::format("LINESTRING({} {},{} {})", x, y, x + 100, y);
    // A Shapefile without its .prj.
    auto shp = write_vector(t / "noprj.shp", "ESRI Shapefile", 0, wkbLineString,
                            {{line, {{"highway", "primary"}}}});
    std::string m = message_of([&] { read_road_network(roads(shp), wkt_of_epsg(6690), r, w); });
    EXPECT_THAT(m,
                HasSubstr("noprj.shp: the roads layer 'noprj' has no coordinate reference system"));
    EXPECT_THAT(m, HasSubstr("Fix: set crs: EPSG:xxxx"));
    RoadsInput fixed = roads(shp);
    fixed.crs = "EPSG:6690";
    EXPECT_EQ(read_road_network(fixed, wkt_of_epsg(6690), r, w).node_count(), 2u);
    // Metres declared as degrees.
    auto wrong = write_vector(t / "wrong.gpkg", "GPKG", 4326, wkbLineString,
                              {{line, {{"highway", "primary"}}}});
    m = message_of([&] { read_road_network(roads(wrong), wkt_of_epsg(6690), r, w); });
    EXPECT_THAT(m, HasSubstr("not a longitude/latitude on the earth"));
    EXPECT_THAT(m, HasSubstr("EPSG:4326"));
    // Points are not roads.
    auto pts = write_vector(t / "points.gpkg", "GPKG", 6690, wkbPoint,
                            {{fmt::format("POINT({} {})", x, y), {{"highway", "primary"}}}});
    m = message_of([&] { read_road_network(roads(pts), wkt_of_epsg(6690), r, w); });
    EXPECT_THAT(m, HasSubstr("no usable road"));
    // An empty layer.
    auto empty = write_vector(t / "empty.gpkg", "GPKG", 6690, wkbLineString, {});
    m = message_of([&] { read_road_network(roads(empty), wkt_of_epsg(6690), r, w); });
    EXPECT_THAT(m, HasSubstr("empty.gpkg: the roads layer 'empty' is empty"));
    m = message_of(
        [&] { read_road_network(roads(t / "nowhere.osm.pbf"), wkt_of_epsg(6690), r, w); });
    EXPECT_THAT(m, HasSubstr("nowhere.osm.pbf: roads file not found"));
}

TEST(RoadReader, OsmTagsAndTheClassTable) {
    auto tags =
        parse_osm_tags(R"("oneway"=>"yes","maxspeed"=>"30 mph","name"=>"A \"quoted\" name")");
    EXPECT_EQ(tags["oneway"], "yes");
    EXPECT_EQ(tags["maxspeed"], "30 mph");
    EXPECT_EQ(tags["name"], "A \"quoted\" name");
    EXPECT_TRUE(parse_osm_tags("").empty());
    RoadClassTable const t = RoadClassTable::defaults();
    ASSERT_NE(t.find("motorway"), nullptr);
    EXPECT_TRUE(t.find("motorway")->oneway_implied);
    EXPECT_EQ(t.find("footway")->capacity_vph_per_lane, 0.0);
    EXPECT_EQ(t.find("bogus"), nullptr);
    EdgeAttributes const e = edge_attributes(*t.find("secondary"), true);
    EXPECT_EQ(e.lanes, 1);
    EXPECT_FLOAT_EQ(e.width_m, 6.5f);
    EXPECT_EQ(parse_road_class("footway"), RoadClass::Footway);
}

TEST(CellGraph, EightNeighboursWithTheDetourFactor) {
    GridSpec g = utm53_grid(500000, 3700000, 3, 3, 250);
    std::vector<std::uint8_t> all(9, 1);
    RoadGraph full = make_cell_graph(g, all);
    EXPECT_EQ(full.node_count(), 9u);
    EXPECT_EQ(full.edge_count(), 40u); // 6 + 6 + 8 pairs, both ways
    EdgeId const east = full.find_edge(0, 1);
    EdgeId const diag = full.find_edge(0, 4);
    ASSERT_NE(east, kNoEdge);
    ASSERT_NE(diag, kNoEdge);
    EXPECT_FLOAT_EQ(full.length_m()[east], 375.0f);
    EXPECT_NEAR(full.length_m()[diag], 1.5 * 250 * std::sqrt(2.0), 1e-3);
    EXPECT_DOUBLE_EQ(full.node_x()[4], g.centre_x(1));
    EXPECT_EQ(count_components(full), 1u);
    // Without the centre cell: 12 pairs remain, one ring.
    std::vector<std::uint8_t> ring = all;
    ring[4] = 0;
    RoadGraph r = make_cell_graph(g, ring);
    EXPECT_EQ(r.node_count(), 8u);
    EXPECT_EQ(r.edge_count(), 24u);
    // Two separate cells: two components.
    std::vector<std::uint8_t> two{1, 0, 1, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(count_components(make_cell_graph(g, two)), 2u);
    CellGraphOptions o;
    o.detour_factor = 0.5;
    EXPECT_THROW(make_cell_graph(g, all, o), DataError);
}
