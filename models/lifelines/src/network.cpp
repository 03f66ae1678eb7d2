// The lifeline networks: service points (populated cells and the cells of lifeline facilities),
// each fed by its nearest source (a grid-distance Voronoi by multi-source breadth-first search,
// ties to the lower source index) through one of the source's feeders or mains (angular sectors
// around it) - or, where the world has feeder / main lines from data, by the nearest line, which
// is fed by its own source. See lifelines_model.hpp.

#include <tsunagi/lifelines/lifelines_model.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/world.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>

namespace tsunagi::lifelines {

namespace {

// For every cell, the label of the nearest seed in 8-neighbour steps (-1 if none, or if farther
// than max_steps when that is >= 0). Seeds are (cell, label) pairs; where several share a cell,
// the first one wins.
std::vector<std::int32_t> voronoi(GridSpec const& g,
                                  std::vector<std::pair<CellId, std::int32_t>> const& seeds,
                                  std::int64_t max_steps = -1) {
    std::vector<std::int32_t> label(g.cells(), -1);
    std::vector<std::int32_t> steps(max_steps >= 0 ? g.cells() : 0, 0);
    std::deque<CellId> queue;
    for (auto const& [c, l] : seeds) {
        if (c != kNoCell && label[c] < 0) {
            label[c] = l;
            queue.push_back(c);
        }
    }
    while (!queue.empty()) {
        CellId const c = queue.front();
        queue.pop_front();
        if (max_steps >= 0 && steps[c] >= max_steps) {
            continue;
        }
        std::int32_t const col = g.col_of(c), row = g.row_of(c);
        for (int dr = -1; dr <= 1; ++dr) {
            for (int dc = -1; dc <= 1; ++dc) {
                std::int32_t const r2 = row + dr, c2 = col + dc;
                if ((dr == 0 && dc == 0) || r2 < 0 || c2 < 0 || r2 >= g.ny() || c2 >= g.nx()) {
                    continue;
                }
                CellId const n = g.index(c2, r2);
                if (label[n] < 0) {
                    label[n] = label[c];
                    if (max_steps >= 0) {
                        steps[n] = steps[c] + 1;
                    }
                    queue.push_back(n);
                }
            }
        }
    }
    return label;
}

int sector(GridSpec const& g, CellId from, CellId to, int sectors) {
    double const dx = g.centre_x(g.col_of(to)) - g.centre_x(g.col_of(from));
    double const dy = g.centre_y(g.row_of(to)) - g.centre_y(g.row_of(from));
    if (dx == 0.0 && dy == 0.0) {
        return 0;
    }
    double const a = (std::atan2(dy, dx) + std::numbers::pi) / (2.0 * std::numbers::pi);
    return std::min(sectors - 1, static_cast<int>(a * sectors));
}

double distance_km(GridSpec const& g, CellId a, CellId b) {
    return std::hypot(g.centre_x(g.col_of(a)) - g.centre_x(g.col_of(b)),
                      g.centre_y(g.row_of(a)) - g.centre_y(g.row_of(b))) /
           1000.0;
}

} // namespace

void LifelinesModel::build_network() {
    World const& w = *world_;
    auto const& g = w.grid;
    auto const& fac = w.facilities;

    auto sources_of = [&](FacilityKind kind, double default_backup) {
        std::vector<Source> out;
        for (FacilityId f : fac.of_kind(kind)) {
            CellId const c = g.cell_at(fac[f].x, fac[f].y);
            if (c == kNoCell) {
                continue; // outside the grid: cannot serve anyone here
            }
            double const backup = fac[f].backup_hours > 0.0f
                                      ? static_cast<double>(fac[f].backup_hours)
                                      : default_backup;
            out.push_back(Source{f, c, fac[f].node, 0, backup, kIntact, false});
        }
        return out;
    };
    subs_ = sources_of(FacilityKind::Substation, 0.0);
    plants_ = sources_of(FacilityKind::WaterPlant, 0.0);
    stations_ = sources_of(FacilityKind::BaseStation, 0.0);

    // Service points: populated cells, then the facilities' cells not among them.
    std::vector<std::int32_t> point_of(g.cells(), -1);
    pt_cell_.clear();
    for (CellId c = 0; c < g.cells(); ++c) {
        if (w.population[c] > 0) {
            point_of[c] = static_cast<std::int32_t>(pt_cell_.size());
            pt_cell_.push_back(c);
        }
    }
    for (auto* list : {&subs_, &plants_, &stations_}) {
        for (auto& s : *list) {
            if (point_of[s.cell] < 0) {
                point_of[s.cell] = static_cast<std::int32_t>(pt_cell_.size());
                pt_cell_.push_back(s.cell);
            }
            s.point = static_cast<std::uint32_t>(point_of[s.cell]);
        }
    }
    std::size_t const np = pt_cell_.size();
    pt_persons_.resize(np);
    pt_zone_.resize(np);
    for (std::size_t p = 0; p < np; ++p) {
        CellId const c = pt_cell_[p];
        pt_persons_[p] = w.population[c];
        pt_zone_[p] = w.zone[c] >= 0 ? static_cast<std::uint32_t>(w.zone[c]) : 0u;
    }

    // Where crews drive to: the nearest road node of each point.
    pt_node_.assign(np, kNoNode);
    if (w.roads.node_count() > 0) {
        NodeLocator const locate(w.roads, std::max(50.0, g.transform().dx * 2.0));
        for (std::size_t p = 0; p < np; ++p) {
            CellId const c = pt_cell_[p];
            pt_node_[p] = locate.nearest(g.centre_x(g.col_of(c)), g.centre_y(g.row_of(c))).node;
        }
    }

    // Feeders and mains: sectors around their source.
    auto assign = [&](std::vector<Source> const& src, std::int64_t per_source,
                      std::vector<std::int32_t>& pt_line, std::vector<std::uint32_t>& line_source,
                      std::vector<double>& line_km, std::vector<double>& line_persons,
                      std::vector<double>* source_persons) {
        pt_line.assign(np, -1);
        auto const k = static_cast<int>(per_source);
        line_source.assign(src.size() * static_cast<std::size_t>(k), 0);
        line_km.assign(line_source.size(), g.transform().dx / 1000.0);
        line_persons.assign(line_source.size(), 0.0);
        if (source_persons != nullptr) {
            source_persons->assign(src.size(), 0.0);
        }
        if (src.empty()) {
            return;
        }
        std::vector<std::pair<CellId, std::int32_t>> cells;
        for (std::size_t s = 0; s < src.size(); ++s) {
            cells.emplace_back(src[s].cell, static_cast<std::int32_t>(s));
        }
        auto const label = voronoi(g, cells);
        for (std::size_t s = 0; s < src.size(); ++s) {
            for (int j = 0; j < k; ++j) {
                line_source[s * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)] =
                    static_cast<std::uint32_t>(s);
            }
        }
        for (std::size_t p = 0; p < np; ++p) {
            std::int32_t const s = label[pt_cell_[p]];
            if (s < 0) {
                continue;
            }
            auto const& source = src[static_cast<std::size_t>(s)];
            auto const j = static_cast<std::size_t>(sector(g, source.cell, pt_cell_[p], k));
            std::size_t const line = static_cast<std::size_t>(s) * static_cast<std::size_t>(k) + j;
            pt_line[p] = static_cast<std::int32_t>(line);
            line_km[line] = std::max(line_km[line], distance_km(g, source.cell, pt_cell_[p]));
            line_persons[line] += pt_persons_[p];
            if (source_persons != nullptr) {
                (*source_persons)[static_cast<std::size_t>(s)] += pt_persons_[p];
            }
        }
    };
    // Feeders and mains from data: one trunk per line; every point is fed by the nearest line
    // (grid steps from the cells it crosses; ties to the lower line), within reach_m (0: any),
    // counted in 8-neighbour steps of a cell: up to √2 farther along the diagonals.
    auto assign_lines = [&](LineKind kind, std::vector<Source> const& src, double reach_m,
                            std::vector<std::int32_t>& pt_line,
                            std::vector<std::uint32_t>& line_source, std::vector<double>& line_km,
                            std::vector<double>& line_persons, std::vector<double>& source_persons,
                            std::vector<std::int32_t>& line_data, std::vector<NodeId>& line_node,
                            double& off) {
        std::vector<std::int32_t> src_of(fac.size(), -1);
        for (std::size_t s = 0; s < src.size(); ++s) {
            src_of[src[s].facility] = static_cast<std::int32_t>(s);
        }
        line_source.clear();
        line_km.clear();
        line_data.clear();
        line_node.clear();
        std::vector<std::pair<CellId, std::int32_t>> seeds;
        NodeLocator const locate(w.roads, std::max(50.0, g.transform().dx * 2.0));
        for (std::size_t i = 0; i < w.lifeline_lines.size(); ++i) {
            auto const& l = w.lifeline_lines[i];
            if (l.kind != kind || src_of[l.source] < 0) {
                continue; // (a source outside the grid is refused by the loader)
            }
            auto const t = static_cast<std::int32_t>(line_source.size());
            line_source.push_back(static_cast<std::uint32_t>(src_of[l.source]));
            line_km.push_back(l.length_m() / 1000.0);
            line_data.push_back(static_cast<std::int32_t>(i));
            line_node.push_back(w.roads.node_count() > 0 ? locate.nearest(l.mid_x, l.mid_y).node
                                                         : kNoNode);
            for (CellId c : l.cells) {
                seeds.emplace_back(c, t);
            }
        }
        std::int64_t const steps =
            reach_m > 0.0 ? static_cast<std::int64_t>(std::floor(reach_m / g.transform().dx)) : -1;
        auto const label = voronoi(g, seeds, steps);
        pt_line.assign(np, -1);
        line_persons.assign(line_source.size(), 0.0);
        source_persons.assign(src.size(), 0.0);
        off = 0.0;
        for (std::size_t p = 0; p < np; ++p) {
            std::int32_t const t = label[pt_cell_[p]];
            if (t < 0) {
                off += pt_persons_[p];
                continue;
            }
            pt_line[p] = t;
            line_persons[static_cast<std::size_t>(t)] += pt_persons_[p];
            source_persons[line_source[static_cast<std::size_t>(t)]] += pt_persons_[p];
        }
    };
    auto has_lines = [&](LineKind kind) {
        return std::any_of(w.lifeline_lines.begin(), w.lifeline_lines.end(),
                           [&](LifelineLine const& l) { return l.kind == kind; });
    };
    auto derived = [&](std::vector<Source> const& src,
                       std::vector<std::uint32_t> const& line_source,
                       std::vector<std::int32_t>& line_data, std::vector<NodeId>& line_node) {
        line_data.assign(line_source.size(), -1);
        line_node.resize(line_source.size());
        for (std::size_t l = 0; l < line_source.size(); ++l) {
            line_node[l] = src[line_source[l]].node;
        }
    };
    off_network_ = {0.0, 0.0};
    if (has_lines(LineKind::PowerFeeder)) {
        assign_lines(LineKind::PowerFeeder, subs_, cfg_.power.feeder_reach_m, pt_feeder_,
                     feeder_source_, feeder_km_, feeder_persons_, sub_persons_, feeder_data_,
                     feeder_node_, off_network_[0]);
    } else {
        assign(subs_, cfg_.power.feeders_per_substation, pt_feeder_, feeder_source_, feeder_km_,
               feeder_persons_, &sub_persons_);
        derived(subs_, feeder_source_, feeder_data_, feeder_node_);
    }
    if (has_lines(LineKind::WaterMain)) {
        assign_lines(LineKind::WaterMain, plants_, cfg_.water.main_reach_m, pt_main_, main_source_,
                     main_km_, main_persons_, plant_persons_, main_data_, main_node_,
                     off_network_[1]);
    } else {
        assign(plants_, cfg_.water.mains_per_plant, pt_main_, main_source_, main_km_, main_persons_,
               &plant_persons_);
        derived(plants_, main_source_, main_data_, main_node_);
    }
    {
        std::vector<std::uint32_t> unused_source;
        std::vector<double> unused_km, unused_persons;
        assign(stations_, 1, pt_station_, unused_source, unused_km, unused_persons,
               &station_persons_);
    }

    feeder_breaks_.assign(feeder_source_.size(), 0);
    main_breaks_.assign(main_source_.size(), 0);
    feeder_in_repair_.assign(feeder_source_.size(), 0);
    main_in_repair_.assign(main_source_.size(), 0);
    pt_breaks_.assign(np, 0);
    pt_flooded_.assign(np, 0);
    pt_wdamage0_.assign(np, 0.0f);
    pt_wdamage_.assign(np, 0.0f);
    pt_wshare0_.assign(np, 0.0f);
    pt_in_repair_.assign(np, 0);
    pt_unpowered_since_.assign(np, kNever);
    pt_power_.assign(np, 1);
    pt_telecom_.assign(np, 1);
    pt_water_.assign(np, 1.0f);

    // Crews start from the depots, else from the supply hubs.
    depots_.clear();
    for (auto kind : {FacilityKind::Depot, FacilityKind::Hub}) {
        for (FacilityId f : fac.of_kind(kind)) {
            NodeId const n = fac[f].node;
            if (n != kNoNode && std::find(depots_.begin(), depots_.end(), n) == depots_.end()) {
                depots_.push_back(n);
            }
        }
        if (!depots_.empty()) {
            break;
        }
    }
}

} // namespace tsunagi::lifelines
