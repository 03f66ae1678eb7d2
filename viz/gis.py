"""Export of result layers for QGIS: GeoTIFF rasters and a GeoPackage of roads, facilities and
zones with their results, in the run's projected CRS (from /world/crs_wkt and geotransform).
Uses GDAL's Python bindings (Debian: python3-gdal)."""

import pathlib

import numpy as np

from ._common import as_results, road_segments

_GDAL_TYPES = {"float32": "Float32", "float64": "Float64", "int32": "Int32", "uint32": "UInt32",
               "uint8": "Byte", "int16": "Int16", "uint16": "UInt16"}


def _gdal():
    try:
        from osgeo import gdal, ogr, osr
    except ImportError as e:
        raise ImportError("GIS export needs GDAL's Python bindings: apt-get install python3-gdal "
                          "(scripts/install-deps installs it)") from e
    gdal.UseExceptions()
    ogr.UseExceptions()
    return gdal, ogr, osr


def write_geotiff(path, array, geotransform, crs_wkt, nodata=None, description=""):
    """Writes one 2-D array [ny, nx] (row 0 = north) as a compressed GeoTIFF."""
    gdal, _, _ = _gdal()
    array = np.asarray(array)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    if array.dtype.kind == "f":
        array = np.where(np.isfinite(array), array, np.nan).astype(array.dtype)
        nodata = np.nan if nodata is None else nodata
    gtype = getattr(gdal, "GDT_" + _GDAL_TYPES[str(array.dtype)])
    ds = gdal.GetDriverByName("GTiff").Create(str(path), array.shape[1], array.shape[0], 1, gtype,
                                              options=["COMPRESS=DEFLATE", "TILED=YES"])
    ds.SetGeoTransform(tuple(geotransform))
    ds.SetProjection(crs_wkt)
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(float(nodata))
    if description:
        band.SetDescription(description)
    band.WriteArray(array)
    ds.FlushCache()
    ds = None
    return pathlib.Path(path)


def _field_type(ogr, values):
    kind = np.asarray(values).dtype.kind
    return {"i": ogr.OFTInteger64, "u": ogr.OFTInteger64, "f": ogr.OFTReal,
            "b": ogr.OFTInteger}.get(kind, ogr.OFTString)


def _value(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v) if np.isfinite(v) else None
    return v


def _layer(ds, ogr, srs, name, geom_type, columns):
    layer = ds.CreateLayer(name, srs, geom_type)
    for col, values in columns.items():
        layer.CreateField(ogr.FieldDefn(col, _field_type(ogr, values)))
    return layer


def _add(layer, ogr, geom, row):
    f = ogr.Feature(layer.GetLayerDefn())
    for k, v in row.items():
        v = _value(v)
        if v is not None:
            f.SetField(k, v)
    f.SetGeometry(geom)
    layer.CreateFeature(f)


def export_gis(res, out_dir, rasters=None):
    """Writes the run's layers under out_dir and returns the paths written:
    <raster>.tif for each /world raster (elevation_m, population, zone, tsunami_max_depth_m,
    tsunami_arrival_s, ...; +inf arrival = never is written as NoData), peak_evacuating.tif and
    deaths.tif from /snapshots when present, and results.gpkg with layers 'roads' (one line per
    road segment; per-edge results as the max of both directions), 'facilities' (points with
    capacity, occupancy, ...) and 'zones' (municipality polygons traced from the zone raster,
    with every KPI by zone)."""
    gdal, ogr, osr = _gdal()
    res = as_results(res)
    w = res.world
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in rasters or w.rasters:
        a = w.raster(name)
        nodata = -1 if name == "zone" else None
        written.append(write_geotiff(out / f"{name}.tif", a, w.geotransform, w.crs_wkt, nodata,
                                     name))
    snaps = res.snapshots
    if snaps is not None and len(snaps):
        if "evacuating" in snaps.layers:
            written.append(write_geotiff(out / "peak_evacuating.tif",
                                         snaps.all("evacuating").max(axis=0), w.geotransform,
                                         w.crs_wkt, None, "peak residents on their way per cell"))
        if "dead" in snaps.layers:
            written.append(write_geotiff(out / "deaths.tif", snaps.frame("dead", len(snaps) - 1),
                                         w.geotransform, w.crs_wkt, None,
                                         "deaths per cell (where they died)"))

    srs = osr.SpatialReference()
    srs.ImportFromWkt(w.crs_wkt)
    gpkg = out / "results.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(gpkg))

    edges = res.edges()
    seg, first, _ = road_segments(res)
    cols = {"edge": first.astype(np.int64)}
    for c in edges.columns:
        v = edges[c].to_numpy()
        if c in ("source", "target"):
            continue
        if c in ("length_m", "width_m", "class"):  # the same both ways
            cols[c] = v[first]
        elif c == "open":  # closed if either direction is
            cols[c] = (1 - road_segments(res, 1.0 - v, "max")[2]).astype(np.int64)
        else:  # results: the larger of the two directions
            cols[c] = road_segments(res, v.astype(float), "max")[2]
    layer = _layer(ds, ogr, srs, "roads", ogr.wkbLineString, cols)
    layer.StartTransaction()
    for i in range(len(first)):
        g = ogr.Geometry(ogr.wkbLineString)
        g.AddPoint_2D(float(seg[i, 0, 0]), float(seg[i, 0, 1]))
        g.AddPoint_2D(float(seg[i, 1, 0]), float(seg[i, 1, 1]))
        _add(layer, ogr, g, {k: v[i] for k, v in cols.items()})
    layer.CommitTransaction()

    fac = res.facilities()
    if not fac.empty:
        cols = {c: fac[c].to_numpy() for c in fac.columns if c not in ("x", "y")}
        cols = {c: (v.astype(str) if v.dtype == object else v) for c, v in cols.items()}
        layer = _layer(ds, ogr, srs, "facilities", ogr.wkbPoint, cols)
        layer.StartTransaction()
        for i in range(len(fac)):
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(float(fac["x"].iat[i]), float(fac["y"].iat[i]))
            _add(layer, ogr, g, {k: (str(v[i]) if v.dtype.kind in "OU" else v[i])
                                 for k, v in cols.items()})
        layer.CommitTransaction()

    if "zone" in w.rasters:
        _zones_layer(res, ds, gdal, ogr, srs)
    ds = None
    written.append(gpkg)
    return written


def _zones_layer(res, ds, gdal, ogr, srs):
    """Traces the zone raster into one (multi)polygon per zone and joins the KPIs by zone."""
    w = res.world
    zone = w.raster("zone").astype(np.int32)
    mem = gdal.GetDriverByName("MEM").Create("", w.nx, w.ny, 1, gdal.GDT_Int32)
    mem.SetGeoTransform(w.geotransform)
    mem.SetProjection(w.crs_wkt)
    band = mem.GetRasterBand(1)
    band.WriteArray(zone)
    band.SetNoDataValue(-1)
    tmp = ogr.GetDriverByName("Memory").CreateDataSource("zones")
    tl = tmp.CreateLayer("z", srs, ogr.wkbPolygon)
    tl.CreateField(ogr.FieldDefn("zone", ogr.OFTInteger))
    gdal.Polygonize(band, band.GetMaskBand(), tl, 0, [], callback=None)
    parts = {}
    for f in tl:
        parts.setdefault(f.GetField("zone"), []).append(f.GetGeometryRef().Clone())
    by_zone = res.by_zone()
    codes = list(res.zones["code"])
    kpis = {c: by_zone[c].to_numpy() for c in by_zone.columns if c not in ("name", "level")}
    cols = {"code": np.array(codes, dtype=str), "name": by_zone["name"].to_numpy().astype(str),
            "level": by_zone["level"].to_numpy().astype(str), **kpis}
    layer = _layer(ds, ogr, srs, "zones", ogr.wkbMultiPolygon, cols)
    layer.StartTransaction()
    for zi, geoms in sorted(parts.items()):
        mp = ogr.Geometry(ogr.wkbMultiPolygon)
        for g in geoms:
            mp.AddGeometry(g)
        mp = mp.UnionCascaded()
        if mp.GetGeometryType() == ogr.wkbPolygon:
            mp = ogr.ForceToMultiPolygon(mp)
        row = {k: v[zi] for k, v in cols.items()}
        row = {k: (str(v) if isinstance(v, np.str_) else v) for k, v in row.items()}
        _add(layer, ogr, mp, row)
    layer.CommitTransaction()
