#pragma once
// Raster layers on one north-up grid in the scenario's projected metric CRS.
// Cell (col, row) covers [x0 + col*dx, x0 + (col+1)*dx) × [y0 + (row+1)*dy, y0 + row*dy) with
// dy < 0 (row 0 is the northern edge), as in GDAL's geotransform (x0, dx, 0, y0, 0, dy).

#include <tsunagi/core/types.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace tsunagi {

struct GeoTransform {
    double x0 = 0.0; // west edge
    double dx = 1.0; // cell width (> 0)
    double y0 = 0.0; // north edge
    double dy = -1.0; // cell height (< 0 for north-up)

    std::array<double, 6> to_gdal() const noexcept { return {x0, dx, 0.0, y0, 0.0, dy}; }
};

class GridSpec {
public:
    GridSpec() = default;
    GridSpec(std::int32_t nx, std::int32_t ny, GeoTransform gt, std::string crs_wkt);

    std::int32_t nx() const noexcept { return nx_; }
    std::int32_t ny() const noexcept { return ny_; }
    std::size_t cells() const noexcept { return static_cast<std::size_t>(nx_) * ny_; }
    GeoTransform const& transform() const noexcept { return gt_; }
    std::string const& crs_wkt() const noexcept { return crs_; }
    double cell_area_m2() const noexcept { return gt_.dx * -gt_.dy; }

    CellId index(std::int32_t col, std::int32_t row) const noexcept {
        return static_cast<CellId>(row) * static_cast<CellId>(nx_) + static_cast<CellId>(col);
    }
    std::int32_t col_of(CellId c) const noexcept { return static_cast<std::int32_t>(c % nx_); }
    std::int32_t row_of(CellId c) const noexcept { return static_cast<std::int32_t>(c / nx_); }

    // The cell containing (x, y), or kNoCell outside the grid.
    CellId cell_at(double x, double y) const noexcept {
        double const fc = (x - gt_.x0) * inv_dx_;
        double const fr = (y - gt_.y0) * inv_dy_;
        if (!(fc >= 0.0) || !(fr >= 0.0) || fc >= nx_ || fr >= ny_) {
            return kNoCell;
        }
        return index(static_cast<std::int32_t>(fc), static_cast<std::int32_t>(fr));
    }
    double centre_x(std::int32_t col) const noexcept { return gt_.x0 + (col + 0.5) * gt_.dx; }
    double centre_y(std::int32_t row) const noexcept { return gt_.y0 + (row + 0.5) * gt_.dy; }
    double width_m() const noexcept { return nx_ * gt_.dx; }
    double height_m() const noexcept { return ny_ * -gt_.dy; }

    bool same_geometry(GridSpec const& o) const noexcept;

private:
    std::int32_t nx_ = 0;
    std::int32_t ny_ = 0;
    GeoTransform gt_{};
    std::string crs_;
    double inv_dx_ = 1.0;
    double inv_dy_ = -1.0;
};

// One layer of values on a grid.
template <class T>
struct Raster {
    std::string name;
    std::string unit;
    std::vector<T> data;

    Raster() = default;
    Raster(std::string n, std::string u, std::size_t cells, T fill)
        : name(std::move(n)), unit(std::move(u)), data(cells, fill) {}
    bool empty() const noexcept { return data.empty(); }
    T operator[](CellId c) const noexcept { return data[c]; }
    T& operator[](CellId c) noexcept { return data[c]; }
};

} // namespace tsunagi
