#pragma once
// A routable road graph from OpenStreetMap (.osm XML or .osm.pbf, through GDAL's OSM driver,
// layer "lines") or any GDAL line layer (GeoPackage, GeoJSON, Shapefile, ...):
//   - vertices closer than snap_tolerance_m are merged (exactly equal ones always are, which is
//     how OSM ways share their nodes);
//   - a graph node is made wherever lines meet (a vertex used by two or more lines, or used twice
//     by one) and at line ends; lines are split there, so intersections are routable. Lines that
//     cross without a shared vertex (bridges, tunnels; or undigitised junctions) stay apart;
//   - one-way roads (OSM oneway=yes/-1, motorways, roundabouts; FT/TF in Esri layers) give edges
//     in one direction only, unless one-way is ignored;
//   - speed, lanes, width and capacity come from the highway class table (RoadClassTable,
//     overridable), replaced by maxspeed/lanes/width where the data gives them;
//   - only the largest connected component is kept (optional), and what is dropped is counted.

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/world/road_classes.hpp>
#include <tsunagi/world/road_graph.hpp>

namespace tsunagi {

enum class RoadFormat : std::uint8_t { Auto, Osm, Vector };

struct RoadsInput {
    std::filesystem::path path;
    RoadFormat format = RoadFormat::Auto; // auto: .osm / .pbf → OSM, anything else → vector
    std::string layer;                    // vector only ("" = the first layer)
    std::string crs;                      // vector layers without a CRS
    double snap_tolerance_m = 0.5;
    bool respect_oneway = true;
    bool keep_largest = true;
    std::string class_field = "highway";
    std::string oneway_field = "oneway";
    std::string lanes_field = "lanes";
    std::string speed_field = "maxspeed";      // km/h (OSM: also "30 mph")
    std::string width_field = "width";         // m
    std::string default_class = "residential"; // vector lines without a class value
    RoadClassTable classes = RoadClassTable::defaults();
    std::vector<std::string> exclude = RoadClassTable::default_excluded();
    // Keep only lines touching this longitude/latitude box {west, south, east, north}.
    std::optional<std::array<double, 4>> clip_lonlat;
};

struct RoadNetworkReport {
    std::string file;
    std::string format;            // "OSM" or the GDAL driver
    std::string crs_label;         // of the source
    std::size_t features_read = 0; // line features read (OSM: all ways of the lines layer)
    std::size_t not_roads = 0;     // OSM ways without a highway tag (rivers, power lines, ...)
    std::size_t default_class = 0; // vector lines without a class value
    std::size_t excluded = 0;      // excluded highway classes (construction, ...)
    std::size_t unknown_class = 0; // classes not in the table: "road" defaults used
    std::size_t outside_clip = 0;
    std::size_t bad_geometry = 0; // not lines, or fewer than two distinct points
    std::size_t used = 0;         // lines that became edges
    std::size_t oneway = 0;       // of those, one-way
    std::map<std::string, std::size_t> by_class;
    std::size_t nodes = 0, edges = 0; // the full graph, before keeping the largest component
    std::size_t components = 0;
    std::size_t dropped_nodes = 0, dropped_edges = 0;
    double length_km = 0.0; // roads kept (a two-way road counted once)
    double west = 0, south = 0, east = 0, north = 0;
};

// Builds the graph in the CRS `target_crs_wkt`. Throws DataError for missing/unreadable files, a
// layer without lines, a missing CRS (vector), coordinates that are not on the earth (wrong CRS),
// or no road at all.
RoadGraph read_road_network(RoadsInput const& in, std::string const& target_crs_wkt,
                            RoadNetworkReport& report, DataWarnings& warnings);

// The layer's extent in longitude/latitude {west, south, east, north} (OSM: the file's bounds).
std::array<double, 4> road_extent_lonlat(RoadsInput const& in);

// Tags of OSM's other_tags column ("key"=>"value",...), as GDAL writes them.
std::map<std::string, std::string> parse_osm_tags(std::string_view hstore);

} // namespace tsunagi
