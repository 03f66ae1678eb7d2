#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "../io/gdal_util.hpp"
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/world/data_world.hpp>
#include <tsunagi/world/mesh_code.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/synthetic.hpp>

namespace tsunagi {

using namespace detail;

namespace {

std::string thousands(std::uint64_t v) {
    std::string const digits = std::to_string(v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

// The metric CRS of the world: "auto" = JGD2011 / UTM (WGS 84 / UTM outside Japan) of the
// extent's centre; "plane" = JGD2011 plane rectangular zone of the prefecture holding most of
// the municipalities; otherwise what the user wrote, which must be projected in metres.
OGRSpatialReference choose_crs(DataWorldConfig const& cfg, LonLatBox const& ext,
                               std::vector<std::string> const& codes, std::string& how) {
    double const lon = 0.5 * (ext.west + ext.east);
    double const lat = 0.5 * (ext.south + ext.north);
    if (cfg.crs == "auto") {
        int const epsg = utm_epsg_for(lon, lat);
        how = fmt::format("auto: UTM zone of the centre {:.3f} E, {:.3f} N", lon, lat);
        return srs_from_text(fmt::format("EPSG:{}", epsg), "world.data.crs");
    }
    if (cfg.crs == "plane") {
        std::map<int, int> votes;
        for (auto const& c : codes) {
            ++votes[std::stoi(c.substr(0, 2))];
        }
        if (votes.empty()) {
            throw DataError("world.data.crs: 'plane' picks the plane rectangular zone from the "
                            "prefecture of the municipalities, but no zones are loaded. Fix: add "
                            "world.data.zones, or give the CRS (e.g. EPSG:6672)");
        }
        auto const best =
            std::max_element(votes.begin(), votes.end(),
                             [](auto const& a, auto const& b) { return a.second < b.second; });
        int const epsg = plane_rectangular_epsg(best->first);
        if (epsg == 0) {
            throw DataError(fmt::format("world.data.crs: prefecture {:02d} has no plane "
                                        "rectangular zone in the table. Fix: give the CRS",
                                        best->first));
        }
        how =
            fmt::format("plane: JGD2011 plane rectangular zone of prefecture {:02d}", best->first);
        return srs_from_text(fmt::format("EPSG:{}", epsg), "world.data.crs");
    }
    OGRSpatialReference s = srs_from_text(cfg.crs, "world.data.crs");
    if (!s.IsProjected() || std::abs(s.GetLinearUnits() - 1.0) > 1e-9) {
        throw DataError(fmt::format("world.data.crs: {} is not a projected CRS in metres. Fix: use "
                                    "a metric CRS (auto, plane, EPSG:6690, EPSG:6672, ...); "
                                    "longitude/latitude is only for input and output",
                                    srs_label(s)));
    }
    how = "set in the scenario";
    return s;
}

void place_facilities(DataWorldConfig const& cfg, ZoneBoundaries const* zb, World& w,
                      DataWorldReport& rep) {
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(w.grid.crs_wkt());
    auto ct = make_transform(ll, dst, "facilities");
    double const bucket = std::max(50.0, w.grid.transform().dx);
    NodeLocator locate(w.roads, bucket);
    for (auto const& in : cfg.facilities) {
        FacilityRecords recs = read_facilities(in, zb, rep.warnings);
        if (zb != nullptr) {
            check_sites_in_zones(recs, *zb, rep.warnings);
        }
        std::vector<std::string> far;
        std::vector<double> snaps;
        std::size_t outside = 0;
        for (auto& r : recs.sites) {
            double x = r.f.x, y = r.f.y;
            ct->Transform(1, &x, &y);
            r.f.x = x;
            r.f.y = y;
            outside += w.grid.cell_at(x, y) == kNoCell ? 1 : 0;
            auto const hit = locate.nearest(x, y, in.max_snap_m);
            if (hit.node == kNoNode) {
                far.push_back(fmt::format("{} {}", r.f.external_id, r.f.name));
                r.f.node = kNoNode;
            } else {
                r.f.node = hit.node;
                r.f.snap_distance_m = static_cast<float>(hit.distance_m);
                snaps.push_back(hit.distance_m);
            }
            w.facilities.add(r.f);
        }
        rep.warnings.add(recs.file,
                         fmt::format("sites farther than {:.0f} m (max_snap_m) from every road "
                                     "node: loaded but not snapped, so no one can walk to them",
                                     in.max_snap_m),
                         far.size(), join_examples(far));
        rep.warnings.add(recs.file, "sites outside the world grid", outside);
        std::sort(snaps.begin(), snaps.end());
        std::string snap_text = "none snapped";
        if (!snaps.empty()) {
            snap_text = fmt::format("snapped to the network: median {:.0f} m, max {:.0f} m",
                                    snaps[snaps.size() / 2], snaps.back());
        }
        std::string filters;
        if (!in.municipalities.empty()) {
            filters += fmt::format("; {} in other municipalities left out",
                                   thousands(recs.not_selected_municipality));
        }
        if (!in.require_hazards.empty()) {
            filters += fmt::format("; {} not designated for {} left out",
                                   thousands(recs.not_selected_hazard),
                                   fmt::join(in.require_hazards, "+"));
        }
        rep.rows.emplace_back(
            fmt::format("facilities ({})", to_string(in.kind)),
            fmt::format("{} loaded (capacity {}) of {} rows in {}{}; {} selected without "
                        "coordinates; {}",
                        recs.sites.size(), thousands(static_cast<std::uint64_t>(recs.capacity)),
                        thousands(recs.rows), recs.file, filters, recs.selected_without_position,
                        snap_text));
    }
}

// Lifeline lines: traced through the grid, each tied to the facility that feeds it (named by
// source_field, else the nearest one of the right kind to either end of the line).
void place_lifeline_lines(DataWorldConfig const& cfg, World& w, DataWorldReport& rep) {
    for (std::size_t i = 0; i < cfg.lifeline_lines.size(); ++i) {
        auto const& in = cfg.lifeline_lines[i];
        FacilityKind const kind = source_kind(in.kind);
        std::vector<FacilityId> const sources = w.facilities.of_kind(kind);
        if (sources.empty()) {
            throw DataError(fmt::format(
                "world.data.lifeline_lines[{}] ({}): {} lines are fed from facilities of kind {}, "
                "and no such facility is loaded. Fix: add a world.data.facilities entry with "
                "kind: {} (format: points) holding them",
                i, show(in.path), to_string(in.kind), to_string(kind), to_string(kind)));
        }
        LineRecords recs = read_lifeline_lines(in, w.grid.crs_wkt(), rep.warnings);
        std::map<std::string, FacilityId> by_id;
        std::vector<std::string> ids, shared_ids;
        std::vector<FacilityId> inside; // sources in the grid: the only ones a line can be fed by
        for (FacilityId f : sources) {
            if (!by_id.emplace(w.facilities[f].external_id, f).second) {
                shared_ids.push_back(w.facilities[f].external_id);
            }
            ids.push_back(w.facilities[f].external_id);
            if (w.grid.cell_at(w.facilities[f].x, w.facilities[f].y) != kNoCell) {
                inside.push_back(f);
            }
        }
        rep.warnings.add(recs.file,
                         fmt::format("{} ids shared by several loaded {}s: lines naming them are "
                                     "fed by the first",
                                     to_string(kind), to_string(kind)),
                         shared_ids.size(), join_examples(shared_ids));
        std::vector<std::string> outside, unfed, source_outside;
        std::size_t named = 0, nearest = 0;
        double km = 0.0;
        for (auto& r : recs.lines) {
            LifelineLine line;
            line.kind = in.kind;
            line.external_id = r.id;
            // Crews are sent to the middle of the longest part.
            std::size_t longest = 0;
            double longest_m = -1.0;
            for (std::size_t p = 0; p < r.x.size(); ++p) {
                trace_cells(w.grid, r.x[p], r.y[p], line.cells, line.metres);
                double m = 0.0;
                for (std::size_t k = 0; k + 1 < r.x[p].size(); ++k) {
                    m += std::hypot(r.x[p][k + 1] - r.x[p][k], r.y[p][k + 1] - r.y[p][k]);
                }
                if (m > longest_m) {
                    longest_m = m;
                    longest = p;
                }
            }
            std::string const label = fmt::format("{} ({})", r.id, r.feature);
            if (line.cells.empty()) {
                outside.push_back(label);
                continue;
            }
            if (!r.source_id.empty()) {
                auto it = by_id.find(r.source_id);
                if (it == by_id.end()) {
                    throw DataError(fmt::format(
                        "{}: {} names its source '{}' in field '{}', but no loaded {} has that id "
                        "(loaded: {}). Fix: correct the id in the file, load the facility layer "
                        "that holds it, or leave the field empty to use the nearest {}",
                        recs.file, label, r.source_id, in.source_field, to_string(kind),
                        join_examples(ids), to_string(kind)));
                }
                line.source = it->second;
            } else {
                double best = in.max_source_m;
                for (std::size_t p = 0; p < r.x.size(); ++p) {
                    for (std::size_t end : {std::size_t{0}, r.x[p].size() - 1}) {
                        for (FacilityId f : inside) {
                            double const d = std::hypot(w.facilities[f].x - r.x[p][end],
                                                        w.facilities[f].y - r.y[p][end]);
                            if (d <= best && (line.source == kNoFacility || d < best)) {
                                best = d;
                                line.source = f;
                            }
                        }
                    }
                }
                if (line.source == kNoFacility) {
                    unfed.push_back(label);
                    continue;
                }
            }
            if (w.grid.cell_at(w.facilities[line.source].x, w.facilities[line.source].y) ==
                kNoCell) {
                source_outside.push_back(label);
                continue;
            }
            ++(r.source_id.empty() ? nearest : named);
            auto const [mx, my] = point_along(r.x[longest], r.y[longest], 0.5);
            line.mid_x = mx;
            line.mid_y = my;
            km += line.length_m() / 1000.0;
            w.lifeline_lines.push_back(std::move(line));
        }
        rep.warnings.add(recs.file, "lines wholly outside the world grid: left out", outside.size(),
                         join_examples(outside));
        rep.warnings.add(recs.file,
                         fmt::format("lines with no {} within {:.0f} m (max_source_m) of either "
                                     "end and no source named: left out",
                                     to_string(kind), in.max_source_m),
                         unfed.size(), join_examples(unfed));
        rep.warnings.add(recs.file,
                         fmt::format("lines fed from a {} outside the world grid: left out (the "
                                     "lifelines model cannot damage or repair that {})",
                                     to_string(kind), to_string(kind)),
                         source_outside.size(), join_examples(source_outside));
        rep.rows.emplace_back(
            fmt::format("lifeline lines ({})", to_string(in.kind)),
            fmt::format("{} used of {} features in {} (CRS {}): {:.1f} km inside the grid; "
                        "sources: {} named in the data, {} the nearest {} to an end",
                        named + nearest, recs.features, recs.file, recs.crs_label, km, named,
                        nearest, to_string(kind)));
    }
}

} // namespace

World make_data_world(DataWorldConfig const& cfg, DataWorldReport& rep) {
    gdal_init();
    World w;
    w.name = cfg.name;
    w.source = "data";
    auto& warn = rep.warnings;
    rep.rows.emplace_back("data root", show(cfg.root));

    // ---- read what decides the extent ----------------------------------------------------------
    std::optional<ZoneBoundaries> zb;
    if (cfg.zones) {
        zb = read_zone_boundaries(*cfg.zones, warn);
    }
    std::vector<PopulationSource> pops;
    for (auto const& p : cfg.population) {
        pops.push_back(read_population_source(p, warn));
    }
    LonLatBox ext;
    std::string ext_how;
    if (cfg.extent) {
        auto const& e = *cfg.extent;
        ext.add(e[0], e[1]);
        ext.add(e[2], e[3]);
        ext_how = "set in the scenario";
    } else {
        for (auto const& m : (zb ? zb->municipalities : std::vector<MunicipalityShape>{})) {
            ext.add(m.west, m.south);
            ext.add(m.east, m.north);
        }
        for (auto const& p : pops) {
            ext.add(p.west, p.south);
            ext.add(p.east, p.north);
        }
        ext_how = "auto: zones and population";
        if (ext.empty && cfg.elevation) {
            auto const e = raster_extent_lonlat(*cfg.elevation);
            ext.add(e[0], e[1]);
            ext.add(e[2], e[3]);
            ext_how = "auto: the elevation raster";
        }
        if (ext.empty && cfg.network == DataWorldConfig::Network::Roads) {
            auto const e = road_extent_lonlat(cfg.roads);
            ext.add(e[0], e[1]);
            ext.add(e[2], e[3]);
            ext_how = "auto: the roads";
        }
        if (ext.empty) {
            throw DataError("world.data: cannot tell the world's extent: no zones, population, "
                            "elevation or roads are given. Fix: add world.data.zones or "
                            "population, or set world.data.extent: [west, south, east, north]");
        }
    }
    // Layers that do not overlap the world (a wrong CRS, the wrong tile) stop the run here.
    for (auto const& p : pops) {
        LonLatBox b;
        b.add(p.west, p.south);
        b.add(p.east, p.north);
        if (!b.intersects(ext)) {
            throw DataError(fmt::format("{}: the population data ({}) does not overlap the world "
                                        "({}). Fix: use data for the region, or check its CRS",
                                        p.file, b.describe(), ext.describe()));
        }
    }

    // ---- CRS and grid --------------------------------------------------------------------------
    std::vector<std::string> codes;
    if (zb) {
        for (auto const& m : zb->municipalities) {
            codes.push_back(m.code);
        }
    }
    std::string crs_how;
    OGRSpatialReference const crs = choose_crs(cfg, ext, codes, crs_how);
    rep.crs_label = srs_label(crs);
    {
        OGRSpatialReference const ll = wgs84();
        auto ct = make_transform(ll, crs, "world.data.crs");
        auto const b = transform_box(*ct, ext.west, ext.south, ext.east, ext.north);
        if (!std::isfinite(b[0]) || !std::isfinite(b[3])) {
            throw DataError(fmt::format("world.data.crs: the world's extent ({}) cannot be "
                                        "projected to {}. Fix: choose a CRS for the region",
                                        ext.describe(), rep.crs_label));
        }
        double const cell = cfg.cell_size_m;
        double const x0 = std::floor((b[0] - cfg.margin_m) / cell) * cell;
        double const y1 = std::ceil((b[3] + cfg.margin_m) / cell) * cell;
        double const nxd = std::ceil((b[2] + cfg.margin_m - x0) / cell);
        double const nyd = std::ceil((y1 - (b[1] - cfg.margin_m)) / cell);
        if (nxd * nyd > 2.0e8) {
            throw DataError(fmt::format("world.data.cell_size_m: the world ({:.0f} km × {:.0f} km) "
                                        "would need {:.3g} cells of {} m. Fix: use larger cells or "
                                        "a smaller extent",
                                        nxd * cell / 1000.0, nyd * cell / 1000.0, nxd * nyd, cell));
        }
        w.grid = GridSpec(static_cast<std::int32_t>(nxd), static_cast<std::int32_t>(nyd),
                          GeoTransform{x0, cell, y1, -cell}, srs_wkt(crs));
    }
    auto const& g = w.grid;
    std::size_t const ncell = g.cells();
    rep.rows.emplace_back("CRS", fmt::format("{} ({})", rep.crs_label, crs_how));
    rep.rows.emplace_back(
        "extent", fmt::format("{} ({}; margin {} m)", ext.describe(), ext_how, cfg.margin_m));
    rep.rows.emplace_back("grid", fmt::format("{} × {} cells of {} m ({:.1f} km × {:.1f} km)",
                                              g.nx(), g.ny(), g.transform().dx,
                                              g.width_m() / 1000.0, g.height_m() / 1000.0));
    w.elevation_m =
        Raster<float>("elevation_m", "m", ncell, static_cast<float>(cfg.elevation_fill_m));
    w.population = Raster<std::uint32_t>("population", "persons", ncell, 0);
    w.zone = Raster<std::int32_t>("zone", "index", ncell, -1);
    w.tsunami_max_depth_m = Raster<float>("tsunami_max_depth_m", "m", ncell, 0.0f);
    w.tsunami_arrival_s =
        Raster<float>("tsunami_arrival_s", "s", ncell, std::numeric_limits<float>::infinity());

    // ---- zones ---------------------------------------------------------------------------------
    if (zb) {
        burn_zones(*zb, w);
        std::string list;
        std::size_t cells = 0;
        for (auto const& m : zb->municipalities) {
            list += fmt::format("{}{} {} ({} cells)", list.empty() ? "" : ", ", m.code, m.name,
                                thousands(m.cells));
            cells += m.cells;
            if (m.cells == 0) {
                warn.add(zb->file,
                         fmt::format("municipality {} {} is smaller than a grid cell: no cell "
                                     "centre lies in it",
                                     m.code, m.name),
                         1);
            }
        }
        rep.rows.emplace_back("zones",
                              fmt::format("{} municipalities in {} prefecture(s) from {} ({} of "
                                          "{} features; CRS {}): {}",
                                          zb->municipalities.size(),
                                          w.zones.at_level(ZoneLevel::Prefecture).size(), zb->file,
                                          zb->features_read - zb->features_not_selected,
                                          zb->features_read, zb->crs_label, list));
    } else {
        w.zones.add(Zone{"JP", "日本", ZoneLevel::Country, -1});
        rep.rows.emplace_back("zones", "none given: only the country (JP); KPIs are not split by "
                                       "municipality");
    }
    std::vector<std::uint8_t> in_zone(ncell, 0);
    for (std::size_t c = 0; c < ncell; ++c) {
        in_zone[c] = w.zone.data[c] >= 0 ? 1 : 0;
    }

    // ---- population ----------------------------------------------------------------------------
    if (!pops.empty()) {
        AgeSummary const ages = resolve_age_shares(pops, cfg.age, warn);
        bool const masked = zb && cfg.population_in_zones;
        PopulationOnGrid const pg =
            place_population(pops, g, masked ? &in_zone : nullptr, ages, warn);
        w.population.data = pg.counts;
        w.layers["age_65plus_share"] = Raster<float>("age_65plus_share", "1", ncell, 0.0f);
        w.layers["age_75plus_share"] = Raster<float>("age_75plus_share", "1", ncell, 0.0f);
        w.layers["age_65plus_share"].data = pg.share65;
        w.layers["age_75plus_share"].data = pg.share75;
        std::string files;
        for (auto const& p : pops) {
            files += fmt::format(
                "{}{} ({} {}, {} persons{})", files.empty() ? "" : "; ", p.file,
                p.records.empty() ? std::string("raster")
                                  : thousands(p.records.size()) + " records",
                p.mesh_digits ? std::string(mesh_level_name(p.mesh_digits))
                              : std::string(to_string(p.format)),
                p.format == PopulationFormat::Raster ? std::string("see grid") : thousands(p.total),
                p.polygon_mismatch ? fmt::format(", {} polygons off their code", p.polygon_mismatch)
                                   : "");
        }
        rep.population = pg.total;
        rep.rows.emplace_back(
            "population",
            fmt::format(
                "{} residents on {} cells{}; from {}", thousands(pg.total),
                thousands(static_cast<std::uint64_t>(std::count_if(
                    pg.counts.begin(), pg.counts.end(), [](std::uint32_t v) { return v > 0; }))),
                masked ? " (spread over cells inside the zones)" : "", files));
        rep.rows.emplace_back(
            "age 65+ / 75+",
            fmt::format("{:.1f} % / {:.1f} % (layers age_65plus_share, age_75plus_share); {} "
                        "secrecy groups merged; {} cells ({} persons) imputed {:.1f} % / {:.1f} % "
                        "({})",
                        100.0 * ages.share65, 100.0 * ages.share75, ages.groups, ages.cells_imputed,
                        thousands(ages.persons_imputed), 100.0 * ages.default65,
                        100.0 * ages.default75, ages.default_origin));
    } else {
        rep.rows.emplace_back("population", "none given: no residents");
    }

    // ---- tsunami -------------------------------------------------------------------------------
    if (cfg.tsunami == DataWorldConfig::Tsunami::Points) {
        InundationPoints const pts = read_inundation_points(cfg.tsunami_points, warn);
        InundationOnGrid const r = burn_inundation(pts, cfg.tsunami_points, w, warn);
        std::size_t total = 0;
        for (auto n : pts.per_file) {
            total += n;
        }
        rep.rows.emplace_back(
            "tsunami",
            fmt::format("{}{} points in {} file(s) ({}), {} inside the world; {} cells inundated, "
                        "max depth {:.2f} m, earliest arrival {:.0f} s after the rule ({} isolated "
                        "early arrivals lifted, {} raised to the floor, {} nulls filled; {} wet "
                        "within {:.0f} s)",
                        cfg.tsunami_case.empty() ? "" : "case " + cfg.tsunami_case + ": ",
                        thousands(total), pts.files.size(), fmt::join(pts.files, ", "),
                        thousands(r.points_inside), thousands(r.cells_inundated), r.depth_max_m,
                        r.arrival_min_s, r.arrivals_raised, r.floored, r.nulls_filled, r.early,
                        cfg.tsunami_points.early_arrival_s));
    } else if (cfg.tsunami == DataWorldConfig::Tsunami::Raster) {
        RasterOnGrid const d = read_raster_onto_grid(*cfg.tsunami_depth, g);
        std::size_t wet = 0, no_arrival = 0;
        for (std::size_t c = 0; c < ncell; ++c) {
            double const v = d.values[c];
            w.tsunami_max_depth_m.data[c] =
                std::isfinite(v) && v > 0.0 ? static_cast<float>(v) : 0.0f;
            wet += w.tsunami_max_depth_m.data[c] > 0.0f ? 1 : 0;
        }
        if (cfg.tsunami_arrival) {
            RasterOnGrid const a = read_raster_onto_grid(*cfg.tsunami_arrival, g);
            for (std::size_t c = 0; c < ncell; ++c) {
                if (w.tsunami_max_depth_m.data[c] > 0.0f) {
                    if (std::isfinite(a.values[c]) && a.values[c] >= 0.0) {
                        w.tsunami_arrival_s.data[c] = static_cast<float>(a.values[c]);
                    } else {
                        w.tsunami_arrival_s.data[c] = 0.0f;
                        ++no_arrival;
                    }
                }
            }
        } else {
            for (std::size_t c = 0; c < ncell; ++c) {
                if (w.tsunami_max_depth_m.data[c] > 0.0f) {
                    w.tsunami_arrival_s.data[c] = 0.0f;
                    ++no_arrival;
                }
            }
        }
        warn.add(show(cfg.tsunami_depth->path),
                 "inundated cells without an arrival time: water assumed from t = 0", no_arrival);
        rep.rows.emplace_back("tsunami",
                              fmt::format("rasters: {} cells inundated (depth from {})",
                                          thousands(wet), show(cfg.tsunami_depth->path)));
    } else {
        rep.rows.emplace_back("tsunami", "none given: no cell is inundated");
    }

    // ---- elevation and further layers
    // ------------------------------------------------------------
    if (cfg.elevation) {
        RasterOnGrid const e = read_raster_onto_grid(*cfg.elevation, g);
        for (std::size_t c = 0; c < ncell; ++c) {
            if (std::isfinite(e.values[c])) {
                w.elevation_m.data[c] = static_cast<float>(e.values[c]);
            }
        }
        warn.add(show(cfg.elevation->path),
                 fmt::format("grid cells without elevation data: given elevation_fill_m = {} m",
                             cfg.elevation_fill_m),
                 ncell - e.cells_with_data);
        rep.rows.emplace_back("elevation",
                              fmt::format("{} ({}, {}): {} of {} cells", show(cfg.elevation->path),
                                          e.source_crs, to_string(cfg.elevation->resampling),
                                          thousands(e.cells_with_data), thousands(ncell)));
    } else {
        rep.rows.emplace_back(
            "elevation",
            fmt::format("none given: elevation_m is {} m everywhere (elevation_fill_m; unknown, "
                        "neither sea nor high ground)",
                        cfg.elevation_fill_m));
    }
    for (auto const& l : cfg.layers) {
        RasterOnGrid const r = read_raster_onto_grid(l.input, g);
        Raster<float> layer(l.name, l.unit, ncell, std::numeric_limits<float>::quiet_NaN());
        for (std::size_t c = 0; c < ncell; ++c) {
            double v = r.values[c];
            if (l.input.resampling == Resampling::Sum && !std::isfinite(v)) {
                v = 0.0; // counts: nothing where the raster has no pixels
            }
            layer.data[c] = static_cast<float>(v);
        }
        w.layers[l.name] = std::move(layer);
        rep.rows.emplace_back("layer " + l.name,
                              fmt::format("{} ({}, {}): {} cells with data", show(l.input.path),
                                          r.source_crs, to_string(l.input.resampling),
                                          thousands(r.cells_with_data)));
    }

    // ---- network -------------------------------------------------------------------------------
    if (cfg.network == DataWorldConfig::Network::CellGraph) {
        std::string mask_how = cfg.cell_mask;
        std::vector<std::uint8_t> mask(ncell, 1);
        if (mask_how == "auto") {
            mask_how = zb ? "zones" : (cfg.elevation ? "elevation" : "all");
        }
        for (std::size_t c = 0; c < ncell; ++c) {
            if (mask_how == "zones") {
                mask[c] = in_zone[c];
            } else if (mask_how == "elevation") {
                mask[c] = w.elevation_m.data[c] >= 0.0f;
            } else if (mask_how == "population") {
                mask[c] = w.population.data[c] > 0 ? 1 : 0;
            }
        }
        if (mask_how == "zones" && !zb) {
            throw DataError("world.data.network.mask: 'zones' needs world.data.zones. Fix: add "
                            "zones or use mask: all / elevation / population");
        }
        if (mask_how == "elevation" && !cfg.elevation) {
            throw DataError("world.data.network.mask: 'elevation' needs world.data.elevation. "
                            "Fix: add an elevation raster or use another mask");
        }
        RoadGraph full = make_cell_graph(g, mask, cfg.cell_graph);
        if (full.node_count() == 0) {
            throw DataError(fmt::format("world.data.network: the cell graph has no node: no cell "
                                        "passes the '{}' mask. Fix: check the zones/elevation "
                                        "data, or use mask: all",
                                        mask_how));
        }
        std::size_t const comps = count_components(full);
        std::size_t dn = 0, de = 0;
        if (cfg.keep_largest) {
            std::vector<NodeId> map;
            w.roads = largest_component(full, dn, de, map);
            warn.add("cell graph",
                     fmt::format("cells outside the largest connected part ({} parts): dropped "
                                 "with their {} edges",
                                 comps, de),
                     dn);
        } else {
            w.roads = std::move(full);
        }
        rep.rows.emplace_back(
            "network",
            fmt::format("cell graph: {} nodes (cells passing the '{}' mask), {} directed edges to "
                        "8 neighbours, detour factor {}; {} connected part(s){}",
                        thousands(w.roads.node_count()), mask_how, thousands(w.roads.edge_count()),
                        cfg.cell_graph.detour_factor, comps,
                        cfg.keep_largest ? fmt::format(", largest kept ({} nodes dropped)", dn)
                                         : " (all kept: islands evacuate on their own island)"));
    } else {
        RoadsInput in = cfg.roads;
        in.keep_largest = cfg.keep_largest;
        OGRSpatialReference const ll = wgs84();
        auto ct = make_transform(crs, ll, "world.data.network");
        auto const b = transform_box(*ct, g.transform().x0, g.transform().y0 - g.height_m(),
                                     g.transform().x0 + g.width_m(), g.transform().y0);
        in.clip_lonlat = std::array<double, 4>{b[0], b[1], b[2], b[3]};
        RoadNetworkReport r;
        w.roads = read_road_network(in, g.crs_wkt(), r, warn);
        std::string classes;
        for (auto const& [k, n] : r.by_class) {
            classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ", k, n);
        }
        rep.rows.emplace_back(
            "network",
            fmt::format(
                "{} ({}, CRS {}): {} of {} line features used ({} not roads, {} excluded, "
                "{} outside the world, {} one-way); {:.1f} km of road; {} nodes, {} "
                "directed edges{}; by class: {}",
                r.file, r.format, r.crs_label, thousands(r.used), thousands(r.features_read),
                thousands(r.not_roads), r.excluded, thousands(r.outside_clip), r.oneway,
                r.length_km, thousands(w.roads.node_count()), thousands(w.roads.edge_count()),
                cfg.keep_largest ? fmt::format(" (largest of {} components; {} nodes dropped)",
                                               r.components, r.dropped_nodes)
                                 : fmt::format(" ({} components, all kept)", r.components),
                classes));
    }
    if (w.roads.node_count() == 0) {
        throw DataError("world.data.network: the network has no node. Fix: check the road data");
    }

    // ---- facilities ----------------------------------------------------------------------------
    place_facilities(cfg, zb ? &*zb : nullptr, w, rep);
    place_lifeline_lines(cfg, w, rep);

    w.finalize();
    std::size_t land_wet = 0;
    for (CellId c : w.inundated_cells) {
        land_wet += w.zone.data[c] >= 0 ? 1 : 0;
    }
    rep.rows.emplace_back("inundated cells", fmt::format("{} of {} ({} inside the zones)",
                                                         thousands(w.inundated_cells.size()),
                                                         thousands(ncell), thousands(land_wet)));
    return w;
}

} // namespace tsunagi
