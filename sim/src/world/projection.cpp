#include <tsunagi/core/error.hpp>
#include <tsunagi/world/projection.hpp>

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <memory>

namespace tsunagi {

ProjectedPoint project_lonlat(std::string const& crs_wkt, double lon, double lat) {
    if (crs_wkt.empty()) {
        throw DataError(fmt::format("cannot place ({}, {}) in degrees: the world has no "
                                    "coordinate reference system. Fix: give projected "
                                    "coordinates (x_km, y_km) instead",
                                    lon, lat));
    }
    OGRSpatialReference wgs84;
    OGRSpatialReference target;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (target.importFromWkt(crs_wkt.c_str()) != OGRERR_NONE) {
        throw DataError("the world's coordinate reference system cannot be read by PROJ");
    }
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&wgs84, &target));
    double x = lon;
    double y = lat;
    if (!ct || !ct->Transform(1, &x, &y)) {
        throw DataError(fmt::format("cannot project ({}, {}) to the world's coordinate reference "
                                    "system",
                                    lon, lat));
    }
    return {x, y};
}

} // namespace tsunagi
