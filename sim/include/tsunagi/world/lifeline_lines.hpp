#pragma once
// Lifeline lines from data: power feeders (a substation's distribution lines out to its
// customers) and water mains (a plant's trunk mains), as polylines reduced to the grid cells they
// cross and the metres in each cell. The lifelines model (models/lifelines) uses them in place of
// the feeders and mains it derives from the facilities alone: customers are fed by the nearest
// line, a line is damaged by the shaking along its own cells, and its length is its real length.
// Read by io/lifeline_line_reader.hpp from any GDAL line layer (docs/data.md).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tsunagi/core/types.hpp>
#include <tsunagi/world/facilities.hpp>
#include <tsunagi/world/grid.hpp>

namespace tsunagi {

enum class LineKind : std::uint8_t { PowerFeeder, WaterMain };
std::string_view to_string(LineKind k) noexcept;
// The facility kind that feeds a line of this kind (substation, water plant).
FacilityKind source_kind(LineKind k) noexcept;

struct LifelineLine {
    LineKind kind = LineKind::PowerFeeder;
    std::string external_id;         // id in the source data
    FacilityId source = kNoFacility; // the substation or water plant it is fed from
    std::vector<CellId> cells;       // cells crossed, in order along the line (may repeat)
    std::vector<float> metres;       // metres of the line in each (inside the grid only)
    double mid_x = 0.0, mid_y = 0.0; // halfway along its longest part (crews go there)

    double length_m() const noexcept;
};

// Appends to `cells`/`metres` the grid cells the polyline (x, y in the grid's CRS) crosses and
// the length in each, in order. Exact: every segment is cut where it crosses a cell edge; parts
// outside the grid are left out. Consecutive pieces in the same cell are merged.
void trace_cells(GridSpec const& g, std::span<double const> x, std::span<double const> y,
                 std::vector<CellId>& cells, std::vector<float>& metres);

// The point at `fraction` (0–1) of the polyline's length.
std::pair<double, double> point_along(std::span<double const> x, std::span<double const> y,
                                      double fraction);

} // namespace tsunagi
