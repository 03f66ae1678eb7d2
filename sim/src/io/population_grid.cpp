// Age shares across secrecy groups, and placement of population records on the grid.

#include <cmath>
#include <map>

#include "geometry_util.hpp"
#include <fmt/format.h>

#include <tsunagi/core/apportion.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/io/population_reader.hpp>

namespace tsunagi {

using namespace detail;

namespace {
// 2020 census, Japan: 65+ 36.0 M and 75+ 18.6 M of 126.1 M residents (総務省統計局, 令和2年国勢調査
// 人口等基本集計 結果の概要), used only when no loaded cell has age figures.
constexpr double kNational65 = 0.286;
constexpr double kNational75 = 0.147;

struct Group {
    std::uint64_t population = 0;
    std::optional<double> n65, n75;
    std::vector<std::pair<std::size_t, std::size_t>> members; // (source, record)
    bool head_loaded = false;
};
} // namespace

AgeSummary resolve_age_shares(std::vector<PopulationSource>& sources, AgeDefaults const& defaults,
                              DataWarnings& warnings) {
    AgeSummary sum;
    std::map<std::string, std::pair<std::size_t, std::size_t>> by_code;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        if (sources[s].mesh_digits == 0) {
            continue;
        }
        for (std::size_t r = 0; r < sources[s].records.size(); ++r) {
            auto const& rec = sources[s].records[r];
            if (auto [it, fresh] = by_code.emplace(rec.id, std::pair{s, r}); !fresh) {
                throw DataError(fmt::format(
                    "{}: mesh code {} is also in {}: a cell must be counted once. Fix: do not "
                    "list overlapping population files (or the same file twice)",
                    sources[s].file, rec.id, sources[it->second.first].file));
            }
        }
    }
    // Group key: a status-2 cell belongs to its target's group; everything else is its own head.
    std::map<std::string, Group> groups;
    std::vector<std::string> missing_target, missing_merged, no_figures, over;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        for (std::size_t r = 0; r < sources[s].records.size(); ++r) {
            auto const& rec = sources[s].records[r];
            std::string key =
                sources[s].mesh_digits == 0 ? fmt::format("{}#{}", s, rec.id) : rec.id;
            if (rec.status == 2 && !rec.status_target.empty()) {
                key = rec.status_target;
                if (!by_code.contains(key)) {
                    missing_target.push_back(fmt::format("{} → {}", rec.id, key));
                }
            }
            Group& g = groups[key];
            g.population += rec.count;
            g.members.emplace_back(s, r);
            if (rec.status != 2) {
                g.head_loaded = true;
                g.n65 = rec.n65;
                g.n75 = rec.n75;
            }
            if (rec.status == 1) {
                for (auto const& m : rec.merged) {
                    if (!by_code.contains(m)) {
                        missing_merged.push_back(fmt::format("{} ← {}", rec.id, m));
                    }
                }
            }
        }
    }
    // Defaults: the population-weighted shares of the groups whose figures are known.
    double k65 = 0.0, k75 = 0.0, kpop65 = 0.0, kpop75 = 0.0;
    for (auto const& [key, g] : groups) {
        if (g.population == 0) {
            continue;
        }
        if (g.n65) {
            k65 += std::min(*g.n65, static_cast<double>(g.population));
            kpop65 += static_cast<double>(g.population);
        }
        if (g.n75) {
            k75 += std::min(*g.n75, static_cast<double>(g.population));
            kpop75 += static_cast<double>(g.population);
        }
    }
    if (defaults.share65) {
        sum.default65 = *defaults.share65;
    } else {
        sum.default65 = kpop65 > 0.0 ? k65 / kpop65 : kNational65;
    }
    if (defaults.share75) {
        sum.default75 = *defaults.share75;
    } else {
        sum.default75 = kpop75 > 0.0 ? k75 / kpop75 : kNational75;
    }
    sum.default75 = std::min(sum.default75, sum.default65);
    sum.default_origin =
        defaults.share65 || defaults.share75
            ? "set in the scenario"
            : (kpop65 > 0.0 ? "population-weighted shares of the cells with known ages"
                            : "2020 census national shares");
    double all65 = 0.0, all75 = 0.0, allpop = 0.0;
    for (auto& [key, g] : groups) {
        double s65 = sum.default65, s75 = sum.default75;
        bool imputed = true;
        if (g.population > 0 && g.n65) {
            double const pop = static_cast<double>(g.population);
            if (*g.n65 > pop) {
                over.push_back(key);
            }
            s65 = std::min(1.0, *g.n65 / pop);
            s75 = g.n75 ? std::min(s65, *g.n75 / pop) : std::min(s65, sum.default75);
            imputed = false;
        } else if (g.population > 0) {
            no_figures.push_back(key);
        }
        sum.groups += g.members.size() > 1 ? 1 : 0;
        for (auto [s, r] : g.members) {
            auto& rec = sources[s].records[r];
            rec.share65 = s65;
            rec.share75 = s75;
            rec.age_imputed = imputed && rec.count > 0;
            if (rec.age_imputed) {
                ++sum.cells_imputed;
                sum.persons_imputed += rec.count;
            }
            all65 += s65 * static_cast<double>(rec.count);
            all75 += s75 * static_cast<double>(rec.count);
            allpop += static_cast<double>(rec.count);
        }
    }
    sum.share65 = allpop > 0.0 ? all65 / allpop : sum.default65;
    sum.share75 = allpop > 0.0 ? all75 / allpop : sum.default75;
    std::string const where = sources.empty() ? std::string("population") : sources.front().file;
    warnings.add(where,
                 "secrecy-processed cells (status 2) whose target cell is in no loaded file: "
                 "their age shares take the default",
                 missing_target.size(), join_examples(missing_target));
    warnings.add(where,
                 "cells named as merged into a neighbour (status 1) that are in no loaded file: "
                 "that group's shares use the loaded cells only",
                 missing_merged.size(), join_examples(missing_merged));
    warnings.add(where,
                 fmt::format("populated cells (or secrecy groups) without age figures: imputed "
                             "65+ {:.1f} %, 75+ {:.1f} % ({})",
                             100.0 * sum.default65, 100.0 * sum.default75, sum.default_origin),
                 no_figures.size(), join_examples(no_figures));
    warnings.add(where, "more persons aged 65+ than residents in the cell/group: share capped at 1",
                 over.size(), join_examples(over));
    return sum;
}

PopulationOnGrid place_population(std::vector<PopulationSource> const& sources,
                                  GridSpec const& grid, std::vector<std::uint8_t> const* mask,
                                  AgeSummary const& ages, DataWarnings& warnings) {
    std::size_t const n = grid.cells();
    PopulationOnGrid out;
    std::vector<std::uint64_t> counts(n, 0);
    std::vector<double> w65(n, 0.0), w75(n, 0.0);
    OGRSpatialReference const ll = wgs84();
    OGRSpatialReference const dst = srs_from_wkt(grid.crs_wkt());
    for (auto const& src : sources) {
        std::vector<std::string> outside_grid, outside_mask;
        std::uint64_t persons_outside_mask = 0;
        if (src.format == PopulationFormat::Raster) {
            RasterOnGrid const r = read_raster_onto_grid(src.raster, grid);
            std::vector<double> weights(n, 0.0);
            for (std::size_t c = 0; c < n; ++c) {
                weights[c] = std::isfinite(r.values[c]) ? std::max(0.0, r.values[c]) : 0.0;
            }
            auto const total = static_cast<std::uint64_t>(std::llround(r.total_inside));
            std::vector<std::uint64_t> parts(n, 0);
            if (total > 0) {
                parts = apportion(weights, total);
            }
            std::uint64_t in_mask_outside = 0;
            for (std::size_t c = 0; c < n; ++c) {
                counts[c] += parts[c];
                w65[c] += ages.default65 * static_cast<double>(parts[c]);
                w75[c] += ages.default75 * static_cast<double>(parts[c]);
                if (mask != nullptr && (*mask)[c] == 0) {
                    in_mask_outside += parts[c];
                }
            }
            out.total += total;
            auto const outside = std::llround(r.source_total - r.total_inside);
            out.persons_outside_grid += static_cast<std::uint64_t>(std::max<long long>(0, outside));
            out.persons_outside_mask += in_mask_outside;
            warnings.add(src.file, "persons in raster pixels outside the world grid: not placed",
                         static_cast<std::size_t>(std::max<long long>(0, outside)));
            warnings.add(src.file,
                         "persons of the raster placed in cells outside every municipality",
                         in_mask_outside);
            warnings.add(src.file, "negative pixel values in a count raster: treated as 0",
                         r.negative_pixels);
            if (std::abs(r.total_inside - std::round(r.total_inside)) > 1e-6) {
                warnings.add(src.file,
                             fmt::format("the raster's persons are not whole ({:.3f}): rounded "
                                         "to {}",
                                         r.total_inside, total),
                             1);
            }
            continue;
        }
        auto ct = make_transform(ll, dst, src.file);
        for (auto const& rec : src.records) {
            if (rec.count == 0) {
                continue;
            }
            auto g = from_wkb(rec.wkb);
            g->transform(ct.get());
            auto overlaps = cell_overlaps(grid, *g, mask);
            if (overlaps.empty() && mask != nullptr) {
                overlaps = cell_overlaps(grid, *g, nullptr);
                if (!overlaps.empty()) {
                    outside_mask.push_back(rec.id);
                    persons_outside_mask += rec.count;
                }
            }
            if (overlaps.empty()) {
                outside_grid.push_back(rec.id);
                out.persons_outside_grid += rec.count;
                continue;
            }
            std::vector<double> weights;
            for (auto const& [cell, area] : overlaps) {
                weights.push_back(area);
            }
            auto const parts = apportion(weights, rec.count);
            for (std::size_t k = 0; k < overlaps.size(); ++k) {
                CellId const c = overlaps[k].first;
                counts[c] += parts[k];
                w65[c] += rec.share65 * static_cast<double>(parts[k]);
                w75[c] += rec.share75 * static_cast<double>(parts[k]);
            }
            out.total += rec.count;
        }
        out.persons_outside_mask += persons_outside_mask;
        warnings.add(src.file,
                     fmt::format("cells that overlap no municipality of the zones layer "
                                 "({} persons): spread over the grid cells they cover",
                                 persons_outside_mask),
                     outside_mask.size(), join_examples(outside_mask));
        warnings.add(src.file, "cells outside the world extent: their persons are not placed",
                     outside_grid.size(), join_examples(outside_grid));
    }
    out.counts.assign(n, 0);
    out.share65.assign(n, static_cast<float>(ages.default65));
    out.share75.assign(n, static_cast<float>(ages.default75));
    for (std::size_t c = 0; c < n; ++c) {
        if (counts[c] > std::numeric_limits<std::uint32_t>::max()) {
            throw DataError(fmt::format("{} persons in one grid cell exceed the per-cell limit of "
                                        "2^32 - 1. Fix: use smaller cells (world.data.cell_size_m)",
                                        counts[c]));
        }
        out.counts[c] = static_cast<std::uint32_t>(counts[c]);
        if (counts[c] > 0) {
            out.share65[c] = static_cast<float>(w65[c] / static_cast<double>(counts[c]));
            out.share75[c] = static_cast<float>(w75[c] / static_cast<double>(counts[c]));
        }
    }
    return out;
}

} // namespace tsunagi
