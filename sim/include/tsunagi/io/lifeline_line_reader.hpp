#pragma once
// Lifeline lines from data (world.data.lifeline_lines, docs/data.md): power feeders and water
// mains as a GDAL line layer (GeoJSON, GeoPackage, Shapefile, ...; LineString or
// MultiLineString features), each optionally naming the facility that feeds it. The reader only
// reads and projects; data_world.cpp traces the lines through the grid and resolves their sources
// against the loaded facilities.

#include <filesystem>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/world/lifeline_lines.hpp>

namespace tsunagi {

struct LifelineLinesInput {
    std::filesystem::path path;
    std::string layer; // "" = the only (or first) layer
    std::string crs;   // overrides the file's CRS
    LineKind kind = LineKind::PowerFeeder;
    std::string id_field;         // "" = id, ID, name or the feature number
    std::string source_field;     // "" = every line is fed from the nearest source to its ends
    double max_source_m = 1000.0; // nearest-source search radius around the ends
};

struct LineRecord {
    std::string id;
    std::string feature;                   // "feature 12" for messages
    std::string source_id;                 // from source_field ("" = unset)
    std::vector<std::vector<double>> x, y; // parts, in the target CRS
};

struct LineRecords {
    std::string file;
    std::string crs_label;
    std::vector<LineRecord> lines;
    std::size_t features = 0;
    std::size_t bad_geometry = 0; // no line in it (points, polygons, empty)
};

// Reads the layer and projects its lines to `target_crs_wkt`. Throws DataError for a missing or
// unreadable file, a missing field asked for by name, a CRS that does not work.
LineRecords read_lifeline_lines(LifelineLinesInput const& in, std::string const& target_crs_wkt,
                                DataWarnings& warnings);

} // namespace tsunagi
