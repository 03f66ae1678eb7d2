// Roads: debris from collapsed buildings, failed bridges, flooding, and the crews that reopen
// them. Sources in fragility.hpp; rules in docs/models/damage.md.

#include <tsunagi/core/error.hpp>
#include <tsunagi/damage/damage_model.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tsunagi::damage {

namespace {

// Cells along the straight segment between two road nodes, about two samples per cell, unique
// and in order of first appearance.
void cells_along(World const& w, NodeId a, NodeId b, std::vector<CellId>& out) {
    out.clear();
    auto const& g = w.roads;
    double const xa = g.node_x()[a], ya = g.node_y()[a];
    double const xb = g.node_x()[b], yb = g.node_y()[b];
    double const len = std::hypot(xb - xa, yb - ya);
    double const step = std::max(1.0, 0.5 * w.grid.transform().dx);
    auto const n = static_cast<std::size_t>(std::ceil(len / step)) + 1;
    for (std::size_t i = 0; i <= n; ++i) {
        double const f = n == 0 ? 0.0 : static_cast<double>(i) / static_cast<double>(n);
        CellId const c = w.grid.cell_at(xa + f * (xb - xa), ya + f * (yb - ya));
        if (c != kNoCell && std::find(out.begin(), out.end(), c) == out.end()) {
            out.push_back(c);
        }
    }
}

} // namespace

void DamageModel::build_links() {
    World const& w = *world_;
    auto const& g = w.roads;
    link_edge_.clear();
    link_reverse_.clear();
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        EdgeId const rev = g.find_edge(g.target()[e], g.source()[e]);
        if (rev == kNoEdge || e < rev) {
            link_edge_.push_back(e);
            link_reverse_.push_back(rev);
        }
    }
    std::size_t const nl = link_edge_.size();
    closure_.assign(nl, 0);
    initial_damage_.assign(nl, 0);
    reopened_s_.assign(nl, -1.0f);
    job_taken_.assign(nl, 0);
    emergency_.assign(nl, 0);
    bridge_.assign(nl, 0);
    auto const* em = w.edge_layers.contains(std::string(layer::kEmergencyRoute))
                         ? &w.edge_layers.at(std::string(layer::kEmergencyRoute))
                         : nullptr;
    auto const* br = w.edge_layers.contains(std::string(layer::kBridge))
                         ? &w.edge_layers.at(std::string(layer::kBridge))
                         : nullptr;
    for (std::size_t l = 0; l < nl; ++l) {
        EdgeId const e = link_edge_[l];
        // Without a designation, motorways to secondary roads count as emergency routes.
        emergency_[l] = em != nullptr ? ((*em)[e] > 0.5f ? 1 : 0)
                                      : (g.road_class()[e] <= RoadClass::Secondary ? 1 : 0);
        bridge_[l] = br != nullptr && (*br)[e] > 0.5f ? 1 : 0;
    }

    // Links that can flood: those with a sample cell whose maximum depth reaches the threshold.
    flood_offset_.assign(1, 0);
    flood_cells_.clear();
    flood_links_.clear();
    if (cfg_.flood_closure) {
        std::vector<CellId> cells;
        for (std::size_t l = 0; l < nl; ++l) {
            EdgeId const e = link_edge_[l];
            cells_along(w, g.source()[e], g.target()[e], cells);
            bool floods = false;
            for (CellId c : cells) {
                floods = floods || w.tsunami_max_depth_m[c] >= cfg_.flood_closure_depth_m;
            }
            if (floods) {
                flood_links_.push_back(static_cast<std::uint32_t>(l));
                flood_cells_.insert(flood_cells_.end(), cells.begin(), cells.end());
                flood_offset_.push_back(static_cast<std::uint32_t>(flood_cells_.size()));
            }
        }
    }

    // Crews start from the depots, else from the supply hubs.
    depots_.clear();
    for (auto kind : {FacilityKind::Depot, FacilityKind::Hub}) {
        for (FacilityId f : w.facilities.of_kind(kind)) {
            NodeId const n = w.facilities[f].node;
            if (n != kNoNode && std::find(depots_.begin(), depots_.end(), n) == depots_.end()) {
                depots_.push_back(n);
            }
        }
        if (!depots_.empty()) {
            break;
        }
    }
    crews_.assign(static_cast<std::size_t>(cfg_.crews), Crew{cfg_.crew_start_s, -1});
}

void DamageModel::assess_roads(TickContext const& ctx) {
    World const& w = *world_;
    auto const& g = w.roads;
    std::size_t const nl = link_edge_.size();
    Raster<float> const* intensity = nullptr;
    if (auto it = w.layers.find(std::string(layer::kJmaIntensity)); it != w.layers.end()) {
        intensity = &it->second;
    }
    if (intensity == nullptr) {
        return; // no shaking: no debris, no failed bridges
    }
    std::vector<std::uint8_t> hit(nl, 0);
    ctx.pool.for_chunks(nl, 2048, [&](Chunk const& ch) {
        std::vector<CellId> cells;
        for (std::size_t l = ch.begin; l < ch.end; ++l) {
            EdgeId const e = link_edge_[l];
            cells_along(w, g.source()[e], g.target()[e], cells);
            std::uint8_t bits = 0;
            if (cfg_.debris) {
                // The building-weighted collapse rate of the cells along the link.
                double total = 0.0, collapsed = 0.0;
                for (CellId c : cells) {
                    double cell_total = 0.0;
                    for (std::size_t k = 0; k < kBuildingClasses; ++k) {
                        cell_total += stock_[k][c];
                    }
                    total += cell_total;
                    collapsed += cell_total * collapse_rate_[c];
                }
                double const b_percent = total > 0.0 ? 100.0 * collapsed / total : 0.0;
                double const p =
                    road_blocked_share(g.width_m()[e], b_percent, cfg_.debris_ramp_percent);
                if (p > 0.0 && ctx.rng(Stream::RoadDebris, e).uniform() < p) {
                    bits |= kDebris;
                }
            }
            if (cfg_.bridges && bridge_[l] != 0) {
                double imax = 0.0;
                for (CellId c : cells) {
                    imax = std::max(imax, static_cast<double>((*intensity)[c]));
                }
                if (imax > 0.0 &&
                    ctx.rng(Stream::BridgeFailure, e).uniform() < cfg_.bridge_failure(imax)) {
                    bits |= kBridgeDown;
                }
            }
            hit[l] = bits;
        }
    });
    for (std::size_t l = 0; l < nl; ++l) {
        if (hit[l] != 0) {
            initial_damage_[l] = hit[l];
            set_closure(l, hit[l], true);
            pending_.push_back(static_cast<std::uint32_t>(l));
        }
    }
    publish_changes();
}

void DamageModel::set_closure(std::size_t link, std::uint8_t bits, bool on) {
    std::uint8_t const before = closure_[link];
    closure_[link] = on ? static_cast<std::uint8_t>(before | bits)
                        : static_cast<std::uint8_t>(before & ~bits);
    if ((before == 0) != (closure_[link] == 0)) {
        changed_.push_back(static_cast<std::uint32_t>(link));
    }
}

void DamageModel::publish_changes() {
    if (changed_.empty()) {
        return;
    }
    auto& st = world_->roads.state();
    for (auto l : changed_) {
        std::uint8_t const open = closure_[l] == 0 ? 1 : 0;
        st.open[link_edge_[l]] = open;
        if (link_reverse_[l] != kNoEdge) {
            st.open[link_reverse_[l]] = open;
        }
    }
    changed_.clear();
    ++st.version; // routing repairs its trees before anyone moves in this tick
}

void DamageModel::check_floods(TickContext const&) {
    auto const& depth = world_->tsunami_depth_m.data;
    auto const threshold = static_cast<float>(cfg_.flood_closure_depth_m);
    std::int64_t now = 0;
    for (std::size_t i = 0; i < flood_links_.size(); ++i) {
        bool wet = false;
        for (std::uint32_t k = flood_offset_[i]; k < flood_offset_[i + 1] && !wet; ++k) {
            wet = depth[flood_cells_[k]] >= threshold;
        }
        std::uint32_t const l = flood_links_[i];
        if (wet != ((closure_[l] & kFlooded) != 0)) {
            set_closure(l, kFlooded, wet);
        }
        now += wet ? 1 : 0;
    }
    flooded_now_ = now;
    flooded_peak_ = std::max(flooded_peak_, now);
    publish_changes();
}

void DamageModel::refresh_depot_costs() {
    auto const& g = world_->roads;
    if (depots_.empty() || depot_tree_version_ == g.state().version) {
        return;
    }
    depot_tree_ = build_route_tree(g, depots_, g.length_m(), g.state().open);
    depot_tree_version_ = g.state().version;
}

void DamageModel::run_crews(TickContext const& t) {
    if (crews_.empty() || t.end_time_s < cfg_.crew_start_s) {
        return;
    }
    auto const& g = world_->roads;
    double const now = t.end_time_s;
    for (bool progress = true; progress;) {
        progress = false;
        // Jobs finished by the end of this tick reopen their links.
        for (auto& crew : crews_) {
            if (crew.job >= 0 && crew.free_at_s <= now) {
                auto const l = static_cast<std::size_t>(crew.job);
                cleared_ += (initial_damage_[l] & kDebris) != 0 ? 1 : 0;
                repaired_ += (initial_damage_[l] & kBridgeDown) != 0 ? 1 : 0;
                set_closure(l, kDebris | kBridgeDown, false);
                reopened_s_[l] = static_cast<float>(crew.free_at_s);
                crew.job = -1;
                progress = true;
            }
        }
        publish_changes();
        // Links waiting for a crew (the list shrinks as jobs are taken).
        std::erase_if(pending_, [&](std::uint32_t l) { return job_taken_[l] != 0; });
        if (pending_.empty() || std::none_of(crews_.begin(), crews_.end(), [&](Crew const& c) {
                return c.job < 0 && c.free_at_s <= now;
            })) {
            break;
        }
        // Free crews take the most urgent job they can reach: emergency routes first, debris
        // before bridges, nearest a depot first, then by link id.
        refresh_depot_costs();
        for (auto& crew : crews_) {
            if (crew.job >= 0 || crew.free_at_s > now) {
                continue;
            }
            std::int64_t best = -1;
            std::array<double, 4> best_key{};
            for (std::uint32_t const l : pending_) {
                std::uint8_t const d = closure_[l] & (kDebris | kBridgeDown);
                if (d == 0 || job_taken_[l] != 0 || (closure_[l] & kFlooded) != 0) {
                    continue;
                }
                double travel = 0.0;
                if (!depots_.empty()) {
                    EdgeId const e = link_edge_[l];
                    travel = std::min(depot_tree_.cost[g.source()[e]],
                                      depot_tree_.cost[g.target()[e]]);
                    if (!std::isfinite(travel)) {
                        continue; // no open way there yet
                    }
                }
                std::array<double, 4> const key{emergency_[l] != 0 ? 0.0 : 1.0,
                                                (d & kDebris) != 0 ? 0.0 : 1.0, travel,
                                                static_cast<double>(l)};
                if (best < 0 || key < best_key) {
                    best = static_cast<std::int64_t>(l);
                    best_key = key;
                }
            }
            if (best < 0) {
                break; // nothing reachable for anyone
            }
            auto const l = static_cast<std::size_t>(best);
            std::uint8_t const d = closure_[l];
            double const work = ((d & kDebris) != 0 ? cfg_.clear_time_s : 0.0) +
                                ((d & kBridgeDown) != 0 ? cfg_.bridge_repair_s : 0.0);
            double const start = std::max(crew.free_at_s, cfg_.crew_start_s);
            crew.free_at_s = start + best_key[2] / cfg_.crew_speed_mps + work;
            crew.job = best;
            job_taken_[l] = 1;
            progress = progress || crew.free_at_s <= now;
        }
    }
    // A crew left idle can start nothing before the end of this tick.
    for (auto& crew : crews_) {
        if (crew.job < 0) {
            crew.free_at_s = std::max(crew.free_at_s, now);
        }
    }
}

} // namespace tsunagi::damage
