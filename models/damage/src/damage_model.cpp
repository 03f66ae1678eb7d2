#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/damage/damage_model.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace tsunagi::damage {

namespace {
Tick period_ticks(double seconds, double tick_s) {
    return std::max<Tick>(1, std::llround(seconds / tick_s));
}
std::size_t zone_or_root(std::int32_t z) noexcept {
    return z < 0 ? 0 : static_cast<std::size_t>(z);
}
} // namespace

void DamageModel::configure(ConfigNode const& section) { cfg_ = DamageConfig::from(section); }

void DamageModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    seed_ = b.seed();
    time_of_day_ = b.event().time_of_day;
    // Flooding and crews act in Decide, after the tsunami model has written this tick's depth
    // and before anyone moves: closures re-route evacuees in the same tick.
    if (cfg_.flood_closure) {
        b.every(Period::ticks(period_ticks(cfg_.flood_period_s, b.tick_s())), Phase::Decide,
                "flooding", [this](TickContext const& t) { check_floods(t); });
    }
    if (cfg_.crews > 0) {
        b.every(Period::ticks(period_ticks(cfg_.crew_period_s, b.tick_s())), Phase::Decide,
                "crews", [this](TickContext const& t) { run_crews(t); });
    }
    auto& rec = b.recorder();
    rec.add_share_series(
        "roads_open_share", "share of the road length (both directions) open to traffic",
        [this](std::span<double> out) {
            auto const& g = world_->roads;
            auto const& open = g.state().open;
            for (EdgeId e = 0; e < g.edge_count(); ++e) {
                CellId const c = world_->node_cell[g.source()[e]];
                if (open[e] != 0 && c != kNoCell) {
                    out[zone_or_root(world_->zone[c])] += g.length_m()[e];
                }
            }
        },
        [this](std::span<double> out) {
            auto const& g = world_->roads;
            for (EdgeId e = 0; e < g.edge_count(); ++e) {
                CellId const c = world_->node_cell[g.source()[e]];
                if (c != kNoCell) {
                    out[zone_or_root(world_->zone[c])] += g.length_m()[e];
                }
            }
        });
}

void DamageModel::initialize(TickContext const& ctx) {
    assess_buildings(ctx);
    build_links();
    assess_roads(ctx);
    if (cfg_.flood_closure) {
        check_floods(ctx);
    }
    std::int64_t blocked = 0, bridges = 0;
    for (auto d : initial_damage_) {
        blocked += (d & kDebris) != 0 ? 1 : 0;
        bridges += (d & kBridgeDown) != 0 ? 1 : 0;
    }
    spdlog::debug("damage: {:.0f} of {:.0f} buildings collapsed ({:.0f} by liquefaction); {} road "
                  "links blocked by debris, "
                  "{} bridges down",
                  collapsed_total_, buildings_total_, liq_collapsed_, blocked, bridges);
}

void DamageModel::check_invariants(TickContext const& t) const {
    auto const& open = world_->roads.state().open;
    for (std::size_t l = 0; l < link_edge_.size(); ++l) {
        if (closure_[l] != 0 && (open[link_edge_[l]] != 0 ||
                                 (link_reverse_[l] != kNoEdge && open[link_reverse_[l]] != 0))) {
            throw ModelError(fmt::format("tick {}: road link {} (edge {}) is closed ({}) but open "
                                         "in the road state",
                                         t.tick, l, link_edge_[l], closure_[l]));
        }
    }
    std::vector<std::uint8_t> held(link_edge_.size(), 0);
    for (auto const& c : crews_) {
        if (c.job >= 0) {
            if (held[static_cast<std::size_t>(c.job)]++ != 0) {
                throw ModelError(fmt::format("tick {}: two crews work on road link {}", t.tick,
                                             c.job));
            }
        }
    }
}

void DamageModel::report(Report& r) const {
    World const& w = *world_;
    std::size_t const nz = w.zones.size();
    std::int64_t blocked = 0, bridges = 0, bridges_total = 0, still = 0;
    double blocked_km = 0.0;
    std::vector<std::int64_t> blocked_zone(nz, 0);
    std::vector<double> road_damage(w.roads.edge_count(), 0.0);
    std::vector<double> reopened(w.roads.edge_count(), -1.0);
    for (std::size_t l = 0; l < link_edge_.size(); ++l) {
        std::uint8_t const d = initial_damage_[l];
        EdgeId const e = link_edge_[l];
        bridges_total += bridge_[l];
        if (d == 0) {
            continue;
        }
        blocked += (d & kDebris) != 0 ? 1 : 0;
        bridges += (d & kBridgeDown) != 0 ? 1 : 0;
        still += (closure_[l] & (kDebris | kBridgeDown)) != 0 ? 1 : 0;
        if ((d & kDebris) != 0) {
            blocked_km += w.roads.length_m()[e] / 1000.0;
            CellId const c = w.node_cell[w.roads.source()[e]];
            blocked_zone[c == kNoCell ? 0 : zone_or_root(w.zone[c])] += 1;
        }
        for (EdgeId x : {e, link_reverse_[l]}) {
            if (x != kNoEdge) {
                road_damage[x] = d & (kDebris | kBridgeDown);
                reopened[x] = reopened_s_[l];
            }
        }
    }
    auto whole = [](double v) { return static_cast<std::int64_t>(std::llround(v)); };
    // Zone figures are rounded per municipality and the totals are their sums, so the two agree.
    auto by_zone = [&](std::vector<double> const& v) {
        std::vector<std::int64_t> out(nz, 0);
        for (std::size_t z = 0; z < nz; ++z) {
            out[z] = whole(v[z]);
        }
        return out;
    };
    auto sum = [](std::vector<std::int64_t> const& v) {
        std::int64_t s = 0;
        for (auto x : v) {
            s += x;
        }
        return s;
    };
    auto collapsed_zone = by_zone(zone_collapsed_);
    auto tsunami_zone = by_zone(zone_tsunami_);
    r.count("buildings", whole(buildings_total_), "buildings in the region (stock)", "buildings");
    r.count("buildings_collapsed", sum(collapsed_zone),
            "buildings collapsed by shaking or liquefaction (expected value, 全壊), rounded per "
            "municipality",
            "buildings");
    r.count("buildings_collapsed_liquefaction", sum(by_zone(zone_liq_)),
            "of those, collapsed by liquefaction (HAZUS complete damage by settlement), rounded "
            "per municipality",
            "buildings");
    r.count("buildings_extensive_liquefaction", whole(liq_extensive_),
            "buildings brought to extensive (not complete) damage by liquefaction settlement "
            "(some of them then collapse by shaking or the tsunami)",
            "buildings");
    r.count("buildings_collapsed_wood", whole(collapsed_wood_),
            "wooden buildings collapsed by shaking", "buildings");
    r.count("buildings_destroyed_tsunami", sum(tsunami_zone),
            fmt::format("buildings left standing by the shaking that the tsunami brings to damage "
                        "state {} or worse (Suppasri et al. 2013), rounded per municipality",
                        cfg_.tsunami_destroyed_state),
            "buildings");
    r.count("buildings_washed_away", whole(tsunami_washed_),
            "buildings washed away by the tsunami (damage state 6)", "buildings");
    r.count("roads_blocked", blocked,
            "road links (two-way segments) blocked by debris of collapsed buildings at the shock",
            "links");
    r.value("roads_blocked_km", blocked_km, "km", "length of the road links blocked by debris");
    r.count("bridges", bridges_total, "road links that are bridges", "links");
    r.count("bridges_failed", bridges, "bridges made impassable by the shaking", "links");
    r.count("roads_cleared", cleared_, "links cleared of debris by crews by the end", "links");
    r.count("bridges_repaired", repaired_, "failed bridges made passable by crews by the end",
            "links");
    r.count("roads_still_damaged", still, "links still blocked by debris or a failed bridge at "
                                          "the end",
            "links");
    r.count("roads_flooded_peak", flooded_peak_,
            "most road links impassable by flooding at the same time", "links");
    r.count_by_zone("buildings_collapsed", std::move(collapsed_zone),
                    "buildings collapsed by shaking or liquefaction");
    r.count_by_zone("buildings_destroyed_tsunami", std::move(tsunami_zone),
                    "buildings destroyed by the tsunami");
    r.count_by_zone("roads_blocked", std::move(blocked_zone), "road links blocked by debris");
    r.per_edge("road_damage", std::move(road_damage), "code",
               "damage at the shock: 0 none, 1 debris, 2 failed bridge, 3 both");
    r.per_edge("reopened_s", std::move(reopened), "s",
               "when crews reopened the damaged link (-1: not damaged or not reopened)");
}

void DamageModel::save(CheckpointWriter& w) const {
    w.put("closure", closure_);
    w.put("reopened_s", reopened_s_);
    w.put("changed", changed_);
    w.put_value("flooded_now", flooded_now_);
    w.put_value("flooded_peak", flooded_peak_);
    w.put("crews", crews_);
    w.put("job_taken", job_taken_);
    w.put("pending", pending_);
    w.put_value("cleared", cleared_);
    w.put_value("repaired", repaired_);
}

void DamageModel::load(CheckpointReader const& r) {
    r.get("closure", closure_);
    r.get("reopened_s", reopened_s_);
    r.get("changed", changed_);
    r.get_value("flooded_now", flooded_now_);
    r.get_value("flooded_peak", flooded_peak_);
    r.get("crews", crews_);
    r.get("job_taken", job_taken_);
    r.get("pending", pending_);
    r.get_value("cleared", cleared_);
    r.get_value("repaired", repaired_);
    if (closure_.size() != link_edge_.size() || job_taken_.size() != link_edge_.size()) {
        throw DataError(fmt::format("checkpoint: damage state for {} road links, this world has "
                                    "{}",
                                    closure_.size(), link_edge_.size()));
    }
    depot_tree_version_ = ~0ull; // the crews' routes are recomputed from the restored roads
}

} // namespace tsunagi::damage
