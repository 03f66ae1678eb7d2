#pragma once
// One vector layer opened for reading, with its CRS and a transform to longitude/latitude.
// Everything the readers take from vector files passes through here, so a missing or wrong CRS,
// an empty layer or an unreadable feature gets the same clear message whatever the format.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gdal_util.hpp"

namespace tsunagi::detail {

struct VectorLayer {
    DatasetPtr ds;
    OGRLayer* layer = nullptr;
    std::string file; // as shown to the user
    std::string what; // "zones", "population", ...
    OGRSpatialReference srs;
    TransformPtr to_lonlat; // null when the layer already is WGS84 longitude/latitude
    std::string crs_label;
    std::string crs_origin; // "from the file", "from the scenario", "assumed (CSV)"

    int field(std::string const& name) const; // -1 when absent
    // The first of `candidates` the layer has, or -1.
    int find_field(std::vector<std::string> const& candidates) const;
    std::vector<std::string> field_names() const;
    std::string field_list() const; // "a, b, c" for messages
    // Field index of `name`, or a DataError naming the field, `key` and what the layer has.
    int require_field(std::string const& name, std::string const& key) const;

    // Transforms `g` to longitude/latitude in place. Throws DataError naming the feature when the
    // transform fails or yields points off the earth (a wrong or missing CRS).
    void to_lonlat_checked(OGRGeometry& g, std::string const& feature) const;
    // The same for one point.
    void point_to_lonlat_checked(double& x, double& y, std::string const& feature) const;
};

struct VectorOpen {
    std::filesystem::path path;
    std::string what;
    std::string layer; // "" = the only (or first) layer
    std::string crs;   // overrides the file's CRS
    std::vector<std::string> open_options;
    std::vector<std::string> drivers; // restrict to these GDAL drivers
    bool no_crs_is_lonlat = false;    // CSV without CRS: longitude/latitude
};

// Opens the layer. Throws DataError if the file is missing/unreadable, the layer does not exist
// (listing those that do), the layer has no features, or has no CRS (unless allowed above).
VectorLayer open_vector_layer(VectorOpen const& o);

// Text helpers for the messy values of public data.
// Full-width digits, signs and points (０-９, －, ．) become ASCII; *changed tells if any did.
std::string ascii_digits(std::string_view s, bool* changed = nullptr);
std::string trim(std::string_view s);
// A whole number or decimal (after ascii_digits and trimming); nullopt if it is not one.
std::optional<double> parse_number(std::string_view s, bool* full_width = nullptr);
// A feature's field as text ("" when unset or null).
std::string field_text(OGRFeature const& f, int idx);

} // namespace tsunagi::detail
