#pragma once
// GDAL/OGR/OSR plumbing shared by the data readers: RAII handles, errors that name the file, and
// coordinate reference systems. Private to sim/ (GDAL is a private dependency of tsunagi::sim, so
// public headers never include GDAL).

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

namespace tsunagi::detail {

// GDALAllRegister(), once per process.
void gdal_init();

struct DatasetClose {
    void operator()(GDALDataset* d) const noexcept { GDALClose(GDALDataset::ToHandle(d)); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetClose>;

struct TransformDelete {
    void operator()(OGRCoordinateTransformation* t) const noexcept {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDelete>;

struct FeatureDelete {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDelete>;

// Collects GDAL's error and warning messages while alive (instead of GDAL printing them), so
// they can be put into the DataError that names the file.
class GdalMessages {
public:
    GdalMessages();
    ~GdalMessages();
    GdalMessages(GdalMessages const&) = delete;
    GdalMessages& operator=(GdalMessages const&) = delete;
    // "; GDAL said: ..." or "" when GDAL said nothing.
    std::string said() const;
    std::vector<std::string> const& messages() const noexcept { return messages_; }

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, char const* msg);
    std::vector<std::string> messages_;
};

// Opens a data file. Throws DataError naming `what` and the file when it does not exist or GDAL
// cannot read it. `flags`: GDAL_OF_RASTER and/or GDAL_OF_VECTOR.
DatasetPtr open_dataset(std::filesystem::path const& path, unsigned flags, std::string const& what,
                        std::vector<std::string> const& open_options = {},
                        std::vector<std::string> const& drivers = {});

// Spatial references, always with the traditional GIS axis order (x = easting/longitude).
OGRSpatialReference wgs84();
// "EPSG:6690", "JGD2011 / UTM zone 53N" style user text, WKT or PROJ strings. Throws DataError
// naming `where` when PROJ does not know it.
OGRSpatialReference srs_from_text(std::string const& text, std::string const& where);
OGRSpatialReference srs_from_wkt(std::string const& wkt);
std::string srs_wkt(OGRSpatialReference const& s);
// "EPSG:6689 (JGD2011 / UTM zone 53N)" or the CRS name when it has no EPSG code.
std::string srs_label(OGRSpatialReference const& s);
TransformPtr make_transform(OGRSpatialReference const& from, OGRSpatialReference const& to,
                            std::string const& where);

// A longitude/latitude box (degrees).
struct LonLatBox {
    double west = 0.0, south = 0.0, east = 0.0, north = 0.0;
    bool empty = true;
    void add(double lon, double lat) noexcept;
    void add(LonLatBox const& b) noexcept;
    bool intersects(LonLatBox const& b) const noexcept;
    std::string describe() const; // "132.26–132.68 E, 33.02–33.55 N"
};

// Transforms a box given in `from` to the box of its densified outline in `to`.
std::array<double, 4> transform_box(OGRCoordinateTransformation& ct, double xmin, double ymin,
                                    double xmax, double ymax);

// Display form of a path (as the user would recognise it).
std::string show(std::filesystem::path const& p);

} // namespace tsunagi::detail
