#pragma once
// Residents from census data, in three forms:
//   mesh_csv       e-Stat 地域メッシュ統計 text/CSV (KEY_CODE, HTKSYORI, HTKSAKI, GASSAN, T…):
//                  cell geometry from the JIS X 0410 code, any order from 1st to 1/8;
//   mesh_polygons  a vector layer (GeoJSON, GPKG, ...) with a mesh-code field: geometry is taken
//                  from the code, and polygons that disagree with it are counted;
//   polygons       any polygon layer with a count field (geometry from the file);
//   raster         a count raster (resampled with the total preserved).
// Age bands 65+ and 75+ become shares per cell. e-Stat withholds the age breakdown of small cells
// (secrecy status 2, 秘匿) and adds it to a neighbour (status 1, which lists the cells merged into
// it): such a group gets one share, its summed 65+/75+ over its summed population. Cells with no
// age figures take a default share (documented in docs/data.md).
// Totals are exact: each record's count is split over the grid cells it overlaps by area with
// integer apportioning, so the grid holds exactly the persons of the files.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <tsunagi/io/data_warnings.hpp>
#include <tsunagi/io/raster_reader.hpp>
#include <tsunagi/world/grid.hpp>

namespace tsunagi {

enum class PopulationFormat : std::uint8_t { Auto, MeshCsv, MeshPolygons, Polygons, Raster };
std::string_view to_string(PopulationFormat f) noexcept;

struct PopulationSourceInput {
    std::filesystem::path path;
    PopulationFormat format = PopulationFormat::Auto;
    std::string layer;
    std::string crs;         // when the file has none
    std::string code_field;  // "" = auto (mesh_id, KEY_CODE, mesh_code, MESH_CODE, meshcode)
    std::string count_field; // "" = auto (total_population, population, ..., e-Stat T……001)
    std::string age_65plus_field; // "" = auto (population_65plus); e-Stat: name the column
    std::string age_75plus_field; // "" = auto (population_75plus)
    std::optional<std::int64_t> expected_total; // fail if the records add up to something else
    int band = 1;                               // raster
};

inline constexpr double kNoShare = std::numeric_limits<double>::quiet_NaN();

struct PopulationRecord {
    std::string id;  // mesh code, or "feature <fid>"
    std::string wkb; // polygon, longitude/latitude
    std::uint64_t count = 0;
    std::optional<double> n65, n75;  // persons as in the file (may cover a secrecy group)
    int status = 0;                  // e-Stat secrecy: 0 none, 1 holds merged cells, 2 merged away
    std::string status_target;       // status 2: the cell that holds our age figures
    std::vector<std::string> merged; // status 1: cells whose figures were added to this one
    double share65 = kNoShare;       // resolved by resolve_age_shares
    double share75 = kNoShare;
    bool age_imputed = false;
};

struct PopulationSource {
    std::string file;
    PopulationFormat format = PopulationFormat::Auto;
    std::string crs_label;
    std::vector<PopulationRecord> records;
    std::uint64_t total = 0;
    double west = 0, south = 0, east = 0, north = 0; // extent, degrees
    int mesh_digits = 0;                             // mesh level (0: not a mesh)
    std::size_t polygon_mismatch = 0; // mesh polygons drawn away from their code's cell
    bool has_age = false;             // the file has 65+/75+ figures
    RasterInput raster;               // format == Raster
};

// Reads one source (for rasters: checks it and its extent; placement reads the values).
// Throws DataError for missing files, unparsable mesh codes, negative or non-numeric counts,
// duplicated mesh codes, a total different from expected_total, empty layers, wrong CRS.
PopulationSource read_population_source(PopulationSourceInput const& in, DataWarnings& warnings);

struct AgeDefaults {
    std::optional<double> share65; // nullopt: "auto"
    std::optional<double> share75;
};

struct AgeSummary {
    double default65 = 0.0, default75 = 0.0;
    std::string default_origin;    // how the defaults were chosen
    std::size_t groups = 0;        // secrecy groups resolved
    std::size_t cells_imputed = 0; // cells that took the default
    std::uint64_t persons_imputed = 0;
    double share65 = 0.0, share75 = 0.0; // population-weighted over everything
};

// Resolves every record's age shares across all sources (a secrecy group may span files).
// "auto" defaults are the population-weighted shares of the cells whose ages are known, or the
// 2020 census national shares (65+ 28.6 %, 75+ 14.7 %) when no cell has them.
AgeSummary resolve_age_shares(std::vector<PopulationSource>& sources, AgeDefaults const& defaults,
                              DataWarnings& warnings);

struct PopulationOnGrid {
    std::vector<std::uint32_t> counts;
    std::vector<float> share65, share75; // per cell; the default share where nobody lives
    std::uint64_t total = 0;
    std::uint64_t persons_outside_grid = 0;
    std::uint64_t persons_outside_mask = 0; // placed outside `mask` (no masked cell to take them)
};

// Places every source on the grid. `mask` (optional, e.g. cells inside a municipality): records
// are spread only over masked cells they overlap, falling back to all cells they overlap when
// they touch no masked cell (counted). Raster sources are resampled with "sum".
PopulationOnGrid place_population(std::vector<PopulationSource> const& sources,
                                  GridSpec const& grid, std::vector<std::uint8_t> const* mask,
                                  AgeSummary const& ages, DataWarnings& warnings);

} // namespace tsunagi
