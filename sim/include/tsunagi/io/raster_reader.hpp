#pragma once
// Any GDAL raster (GeoTIFF, ...) resampled onto the world grid, reprojected to the grid's CRS.
// The resampling rule depends on what the layer holds:
//   sum      counts (population, buildings): the total is preserved. GDAL 3.6's own "sum" does
//            not preserve totals when the target cells are smaller than the source pixels, so
//            the values are warped as densities with "average" over a source padded with zeros
//            (every target cell fully covered) and rescaled to the total of the source pixels
//            whose centres lie inside the grid;
//   bilinear continuous fields (elevation, depth);
//   nearest  codes and classes; also average, cubic, mode, min, max (GDAL's meanings).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tsunagi/world/grid.hpp>

namespace tsunagi {

enum class Resampling : std::uint8_t { Sum, Bilinear, Nearest, Average, Cubic, Mode, Min, Max };
std::string_view to_string(Resampling r) noexcept;
// nullopt for an unknown word.
std::optional<Resampling> parse_resampling(std::string_view s) noexcept;
std::vector<std::string> resampling_names();

struct RasterInput {
    std::filesystem::path path;
    std::string what = "raster"; // for messages: "elevation", "population", ...
    int band = 1;
    Resampling resampling = Resampling::Bilinear;
    std::string crs;              // used when the file has none ("" = the file's own)
    std::optional<double> nodata; // overrides the file's nodata value
};

struct RasterOnGrid {
    std::vector<double> values; // one per grid cell; NaN where the source has no data
    std::size_t cells_with_data = 0;
    std::string source_crs; // label of the source CRS
    int source_width = 0, source_height = 0;
    std::size_t source_nodata_pixels = 0; // nodata or NaN pixels in the source
    // Sum only: total of the valid source pixels, and the part whose pixel centres lie inside the
    // grid (the values add up to it).
    double source_total = 0.0;
    double total_inside = 0.0;
    std::size_t negative_pixels = 0; // sum only: counts cannot be negative (treated as 0)
};

// Reads band `band` of the raster and resamples it onto `grid`. Throws DataError naming the file
// when it is missing or unreadable, has no CRS (and none was given), holds no valid value (all
// nodata or NaN), or does not overlap the grid.
RasterOnGrid read_raster_onto_grid(RasterInput const& in, GridSpec const& grid);

// The raster's footprint in longitude/latitude: {west, south, east, north}.
std::array<double, 4> raster_extent_lonlat(RasterInput const& in);

} // namespace tsunagi
