// Trucks: movement over open roads, re-routing, loading bays, unloading, and the dispatch policy.

#include <algorithm>
#include <cmath>
#include <limits>

#include <tsunagi/logistics/logistics_model.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi::logistics {

void LogisticsModel::move_trucks(double now, double /*dt*/) {
    auto const& g = world_->roads;
    auto const& open = g.state().open;
    auto const len = g.length_m();
    for (std::size_t k = 0; k < trucks_.size(); ++k) {
        Truck& tr = trucks_[k];
        auto& path = path_[k];
        double tc = tr.until_s; // the truck's own clock: how far it has been simulated
        for (int guard = 0; guard < 1000000; ++guard) {
            if (tr.state == kIdle) {
                break;
            }
            if (tr.state == kLoading || tr.state == kUnloading) {
                if (tr.until_s > now) {
                    break;
                }
                tc = tr.until_s;
                if (tr.state == kLoading) {
                    tr.state = kOutbound;
                } else {
                    unload(k, tc);
                    std::reverse(path.begin(), path.end());
                    tr.state = kReturning;
                    tr.pos = 0;
                    tr.edge_left_s = 0.0;
                    // A truck that re-routed on its way out has only the last part of its trip
                    // to retrace: find the way home (or wait at the shelter until there is one).
                    if (path.empty() || path.back() != road_[tr.home]) {
                        NodeId const at = road_[tr.dest];
                        path.assign(1, at);
                        tr.failed_version = ~0ull;
                        if (!reroute(k, road_[tr.home])) {
                            path.assign(2, at); // no edge at → at: retried when roads change
                        }
                    }
                }
                continue;
            }
            // Driving.
            if (tr.edge_left_s > 0.0) {
                double const use = std::min(tr.edge_left_s, now - tc);
                tr.edge_left_s -= use;
                tc += use;
                if (tr.edge_left_s > 0.0) {
                    break;
                }
                ++tr.pos;
            }
            if (tr.pos + 1 >= path.size()) {
                arrive(k, tc);
                if (tr.state == kUnloading) {
                    continue;
                }
                break;
            }
            if (tc >= now) {
                break;
            }
            EdgeId const e = g.find_edge(path[tr.pos], path[tr.pos + 1]);
            if (e == kNoEdge || open[e] == 0) {
                NodeId const to = road_[tr.state == kOutbound ? tr.dest : tr.home];
                if (reroute(k, to)) {
                    continue;
                }
                if (tr.state == kOutbound) {
                    // The destination is cut off: back home with the load, if home can be
                    // reached. Otherwise the truck waits where it is, still on its way out, and
                    // goes on to whichever of the two opens first (turning back only when it
                    // really turns: a truck left "returning" on its outbound path would drive
                    // on to the shelter and unload there as if it were home).
                    tr.failed_version = ~0ull;
                    if (reroute(k, road_[tr.home])) {
                        tr.state = kReturning;
                        ++turned_back_;
                        continue;
                    }
                }
                tc = now; // stuck until the roads change
                break;
            }
            tr.edge_left_s = std::max(1e-3, static_cast<double>(cost_[e]));
            tr.km += static_cast<double>(len[e]) / 1000.0;
        }
        if (tr.state == kOutbound || tr.state == kReturning) {
            tr.until_s = tc;
        }
    }
}

bool LogisticsModel::reroute(std::size_t k, NodeId to) {
    Truck& tr = trucks_[k];
    auto const& g = world_->roads;
    std::uint64_t const version = g.state().version;
    if (tr.failed_version == version) {
        return false; // nothing changed since the last try
    }
    NodeId const at = path_[k][tr.pos];
    NodeId const targets[1] = {to};
    RouteTree const t = build_route_tree(g, targets, cost_, g.state().open);
    if (!t.reachable(at)) {
        tr.failed_version = version;
        return false;
    }
    path_[k] = path_to_target(g, t, at);
    tr.pos = 0;
    tr.edge_left_s = 0.0;
    tr.failed_version = ~0ull;
    ++reroutes_;
    return true;
}

void LogisticsModel::arrive(std::size_t k, double at) {
    Truck& tr = trucks_[k];
    if (tr.state == kOutbound) {
        tr.state = kUnloading;
        tr.until_s = at + cfg_.trucks.unload_time_s;
        return;
    }
    // Home (or turned back): whatever is still on board goes back into the depot's stock.
    for (std::size_t i = 0; i < K; ++i) {
        std::int64_t& l = load_[k * K + i];
        stock_[tr.home * K + i] += l;
        in_transit_[tr.dest * K + i] -= l;
        l = 0;
    }
    tr.state = kIdle;
    tr.until_s = at;
    path_[k].clear();
    tr.pos = 0;
}

void LogisticsModel::unload(std::size_t k, double now) {
    Truck& tr = trucks_[k];
    std::size_t const c = tr.dest;
    for (std::size_t i = 0; i < K; ++i) {
        std::int64_t& l = load_[k * K + i];
        stock_[c * K + i] += l;
        in_transit_[c * K + i] -= l;
        l = 0;
    }
    if (kind_[c] == kShelter) {
        ++deliveries_[c];
        if (std::isnan(first_delivery_s_[c])) {
            first_delivery_s_[c] = now;
        }
        // Blankets owed to people who arrived when there were none.
        std::int64_t& st = stock_[c * K + relief::kBlankets];
        std::int64_t const give = std::min(st, blanket_backlog_[c]);
        st -= give;
        blanket_backlog_[c] -= give;
        consumed_[relief::kBlankets] += give;
        blankets_late_ += give;
    }
}

double LogisticsModel::need_units(std::size_t node, std::size_t i) const {
    double target = rate_[node * K + i];
    if (kind_[node] == kShelter) {
        target *= cfg_.horizon_days;
        if (i == relief::kBlankets) {
            target += static_cast<double>(blanket_backlog_[node]);
        }
    } else {
        target *= cfg_.depots.warehouse_target_days;
    }
    return target - static_cast<double>(stock_[node * K + i] + in_transit_[node * K + i]);
}

void LogisticsModel::dispatch(double now) {
    // Depots in index order, their trucks in index order (deterministic on every rank).
    std::vector<std::int32_t> loading(kind_.size(), 0);
    for (auto const& tr : trucks_) {
        if (tr.state == kLoading) {
            ++loading[tr.home];
        }
    }
    std::vector<std::uint8_t> exhausted(kind_.size(), 0);
    for (std::size_t k = 0; k < trucks_.size(); ++k) {
        Truck& tr = trucks_[k];
        if (tr.state != kIdle || exhausted[tr.home] != 0 || loading[tr.home] >= bays_[tr.home]) {
            continue;
        }
        if (dispatch_one(k, now)) {
            ++loading[tr.home];
        } else {
            exhausted[tr.home] = 1; // nothing more to send from there this period
        }
    }
}

bool LogisticsModel::dispatch_one(std::size_t k, double now) {
    Truck& tr = trucks_[k];
    std::size_t const d = tr.home;
    auto const& kg = cfg_.unit_kg;
    double const cap = kind_[d] == kHub ? cfg_.trucks.hub_capacity_kg : cfg_.trucks.capacity_kg;
    auto const* vulnerable = &world_->facility_layers.at(std::string(relief::kShelterVulnerable));
    RouteTree const& tree = kind_[d] == kHub ? htree_ : wtree_;
    std::size_t best = ~std::size_t{0};
    double best_score = -std::numeric_limits<double>::infinity(), best_kg = 0.0;
    for (std::uint32_t c : children_[d]) {
        double avail = 0.0, daily = 0.0;
        for (std::size_t i = 0; i < K; ++i) {
            double const need = std::floor(std::max(0.0, need_units(c, i)));
            avail += std::min(need, static_cast<double>(stock_[d * K + i])) * kg[i];
            daily += rate_[c * K + i] * kg[i];
        }
        if (!(avail > 0.0)) {
            continue;
        }
        double score = 0.0;
        if (kind_[d] == kHub || cfg_.policy == Policy::Proportional) {
            score = avail / std::max(daily, 1e-9);
        } else if (cfg_.policy == Policy::VulnerableFirst) {
            score = (*vulnerable)[fac_[c]];
        } else {
            score = -tree.cost[road_[c]];
        }
        if (score > best_score || (score == best_score && avail > best_kg)) {
            best_score = score;
            best_kg = avail;
            best = c;
        }
    }
    if (best == ~std::size_t{0}) {
        return false;
    }
    std::array<std::int64_t, K> take{};
    double total = 0.0;
    for (std::size_t i = 0; i < K; ++i) {
        double const need = std::floor(std::max(0.0, need_units(best, i)));
        take[i] = std::min(static_cast<std::int64_t>(need), stock_[d * K + i]);
        total += static_cast<double>(take[i]) * kg[i];
    }
    if (total > cap) {
        double const f = cap / total;
        for (auto& t : take) {
            t = static_cast<std::int64_t>(std::floor(static_cast<double>(t) * f));
        }
    }
    bool any = false;
    for (std::size_t i = 0; i < K; ++i) {
        any = any || take[i] > 0;
        stock_[d * K + i] -= take[i];
        load_[k * K + i] = take[i];
        in_transit_[best * K + i] += take[i];
    }
    if (!any) {
        return false;
    }
    // Outbound: the destination's route to its depot on the tree, driven the other way.
    auto path = path_to_target(world_->roads, tree, road_[best]);
    std::reverse(path.begin(), path.end());
    if (path.empty()) {
        path.push_back(road_[d]);
    }
    path_[k] = std::move(path);
    tr.dest = static_cast<std::uint32_t>(best);
    tr.state = kLoading;
    tr.until_s = now + cfg_.trucks.load_time_s;
    tr.pos = 0;
    tr.edge_left_s = 0.0;
    tr.failed_version = ~0ull;
    ++trips_;
    return true;
}

} // namespace tsunagi::logistics
