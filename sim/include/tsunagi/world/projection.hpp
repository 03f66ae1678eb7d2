#pragma once
// WGS84 longitude/latitude to the world's projected CRS, for inputs given in degrees (fault
// corners, gauge points). Throws DataError if the CRS is unknown or the point cannot be projected.

#include <string>

namespace tsunagi {

struct ProjectedPoint {
    double x = 0.0;
    double y = 0.0;
};

ProjectedPoint project_lonlat(std::string const& crs_wkt, double lon, double lat);

} // namespace tsunagi
