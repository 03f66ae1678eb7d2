#include <tsunagi/core/error.hpp>
#include <tsunagi/world/grid.hpp>

#include <fmt/format.h>

namespace tsunagi {

GridSpec::GridSpec(std::int32_t nx, std::int32_t ny, GeoTransform gt, std::string crs_wkt)
    : nx_(nx), ny_(ny), gt_(gt), crs_(std::move(crs_wkt)) {
    if (nx <= 0 || ny <= 0) {
        throw DataError(fmt::format("a grid of {} × {} cells: both sizes must be positive", nx, ny));
    }
    if (!(gt.dx > 0.0) || !(gt.dy < 0.0)) {
        throw DataError(fmt::format(
            "grid cell size dx={} dy={}: Tsunagi needs north-up grids (dx > 0, dy < 0)", gt.dx,
            gt.dy));
    }
    if (static_cast<std::uint64_t>(nx) * static_cast<std::uint64_t>(ny) >= kNoCell) {
        throw DataError(fmt::format("a grid of {} × {} cells is too large (limit 2^32 cells); use "
                                    "larger cells",
                                    nx, ny));
    }
    inv_dx_ = 1.0 / gt.dx;
    inv_dy_ = 1.0 / gt.dy;
}

bool GridSpec::same_geometry(GridSpec const& o) const noexcept {
    return nx_ == o.nx_ && ny_ == o.ny_ && gt_.x0 == o.gt_.x0 && gt_.y0 == o.gt_.y0 &&
           gt_.dx == o.gt_.dx && gt_.dy == o.gt_.dy;
}

} // namespace tsunagi
