#pragma once
// The digital twin built from real GIS data (world.source: data): the sibling of the synthetic
// generator. It reads municipal boundaries, census population, tsunami hazard, terrain and other
// rasters, roads (or a cell-graph network) and facilities through GDAL, projects everything to one
// metric CRS and fills the same World. Every input and key is described in docs/data.md.
//
// Paths: relative paths resolve against world.data.root, which itself resolves against the
// scenario file's directory; ${VAR} and ${VAR:-default} in root and paths are taken from the
// environment (scenarios/uwajima.yaml uses root: ${TSUNAGI_DATA_DIR:-../../shared/data}).

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tsunagi/core/config.hpp>
#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/io/facility_reader.hpp>
#include <tsunagi/io/inundation_reader.hpp>
#include <tsunagi/io/lifeline_line_reader.hpp>
#include <tsunagi/io/population_reader.hpp>
#include <tsunagi/io/raster_reader.hpp>
#include <tsunagi/io/road_reader.hpp>
#include <tsunagi/io/zone_reader.hpp>
#include <tsunagi/world/cell_graph.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi {

struct NamedRaster {
    std::string name; // world layer name, e.g. "site_amplification"
    std::string unit;
    RasterInput input;
};

struct DataWorldConfig {
    std::filesystem::path root; // resolved data root
    std::string name = "real data";
    std::string crs = "auto"; // auto (UTM), plane (JGD2011 plane rectangular) or any CRS
    double cell_size_m = 250.0;
    std::optional<std::array<double, 4>> extent; // west, south, east, north (degrees)
    double margin_m = 1000.0;

    std::optional<ZonesInput> zones;

    std::vector<PopulationSourceInput> population;
    AgeDefaults age;
    bool population_in_zones = true; // spread census cells only over cells inside the zones

    enum class Tsunami : std::uint8_t { None, Points, Raster };
    Tsunami tsunami = Tsunami::None;
    std::string tsunami_case;
    InundationPointsInput tsunami_points;
    std::optional<RasterInput> tsunami_depth, tsunami_arrival;

    std::optional<RasterInput> elevation;
    // Elevation of cells the data does not cover (all cells without an elevation raster). Finite
    // on purpose: models compare elevations, and NaN fails every comparison. 0 m is neither sea
    // (< 0) nor high ground.
    double elevation_fill_m = 0.0;
    std::vector<NamedRaster> layers;

    enum class Network : std::uint8_t { CellGraph, Roads };
    Network network = Network::CellGraph;
    CellGraphOptions cell_graph;
    std::string cell_mask = "auto"; // auto, zones, elevation, population, all
    bool keep_largest = false;      // default: true for roads, false for the cell graph
    RoadsInput roads;

    std::vector<FacilitiesInput> facilities;
    std::vector<LifelineLinesInput> lifeline_lines; // power feeders and water mains

    // Reads world.data (no file is opened). Throws ScenarioError for bad keys and values.
    static DataWorldConfig from(ConfigNode const& node, std::filesystem::path const& scenario_dir);
    // Every data file the world reads (for the checksums in /meta/inputs).
    std::vector<std::filesystem::path> input_files() const;
};

struct DataWorldReport {
    DataWarnings warnings;
    std::vector<std::pair<std::string, std::string>> rows; // what was loaded, for `validate`
    std::string crs_label;
    std::uint64_t population = 0;
};

// Builds the world. Throws DataError (exit 2) when the data cannot make a meaningful world.
World make_data_world(DataWorldConfig const& cfg, DataWorldReport& report);

// Expands ${VAR} and ${VAR:-default}; nullopt with the variable's name in *missing when a
// variable without default is not set.
std::optional<std::string> expand_environment(std::string const& text, std::string* missing);

// EPSG code of JGD2011 / Japan Plane Rectangular CS for a prefecture (01-47) — the zone of the
// prefecture's main part; Hokkaido (XI-XIII), the Tokyo islands and Okinawa's outer islands have
// further zones: set crs explicitly there. 0 for an unknown code.
int plane_rectangular_epsg(int prefecture) noexcept;

} // namespace tsunagi
