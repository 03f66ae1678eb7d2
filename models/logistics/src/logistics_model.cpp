#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/logistics/logistics_model.hpp>
#include <tsunagi/routing/route_tree_io.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi::logistics {

namespace {
constexpr double kDay = 86400.0;
std::size_t phase_of(double t) {
    return t < 3 * kDay ? 0 : t < 7 * kDay ? 1 : 2;
}
std::size_t zone_or_root(ZoneIndex z) {
    return z == kNoZone ? 0 : z;
}
} // namespace

void LogisticsModel::configure(ConfigNode const& section) {
    cfg_ = LogisticsConfig::from(section);
    section_ = section;
}

void LogisticsModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    active_ = cfg_.enabled;
    if (!active_) {
        return;
    }
    if (world_->facility_layers.count(relief::demand_layer(relief::kMeals)) == 0) {
        section_->fail("enabled", "needs the shelter model, which posts the demand",
                       "set shelters.enabled: true (or logistics.enabled: false)");
    }
    end_s_ = b.duration_s();
    world_->facility_layers[std::string(relief::kSuppliedShare)].assign(world_->facilities.size(),
                                                                        1.0);
    auto const ticks = std::max<Tick>(1, std::llround(cfg_.period_s / b.tick_s()));
    b.every(Period::ticks(1), Phase::Decide, "step", [this, ticks](TickContext const& t) {
        Tick const b0 = t.clock.base_of(t.tick), b1 = t.clock.base_of(t.tick + 1);
        if ((b0 + ticks - 1) / ticks * ticks < b1) {
            step(t);
        }
    });
    auto& rec = b.recorder();
    auto item_series = [&](std::size_t item) {
        rec.add_series(fmt::format("{}_unmet", relief::kItemNames[item]),
                       std::string(relief::kItemUnits[item]),
                       fmt::format("{} demanded at shelters and not met so far, by the shelter's "
                                   "zone",
                                   relief::kItemNames[item]),
                       [this, item](std::span<double> out) {
                           for (std::size_t z = 0; z < out.size(); ++z) {
                               out[z] = static_cast<double>(zone_unmet_[z * K + item]);
                           }
                       });
    };
    item_series(relief::kMeals);
    item_series(relief::kWaterL);
    rec.add_series("shelters_isolated", "facilities",
                   "shelters no warehouse can reach over open roads",
                   [this](std::span<double> out) {
                       for (std::size_t s = 0; s < ns_; ++s) {
                           if (parent_[s] == ~0u) {
                               out[zone_[s]] += 1.0;
                           }
                       }
                   });
    // Events (/events): loads unloaded at each shelter; shelters cut off and reconnected.
    std::size_t const nf = world_->facilities.size();
    rec.add_event_counts("relief_deliveries", EventSubject::Facility, nf,
                         "relief truck loads unloaded at the shelter",
                         [this](std::span<std::int64_t> out) {
                             for (std::size_t s = 0; s < ns_; ++s) {
                                 out[fac_[s]] = deliveries_[s];
                             }
                         });
    rec.add_state_events("shelter_isolated", "no warehouse can reach the shelter over open roads",
                         "shelter_reconnected", "a warehouse can reach the shelter again",
                         EventSubject::Facility, nf, [this](std::span<std::uint8_t> state) {
                             for (std::size_t s = 0; s < ns_; ++s) {
                                 state[fac_[s]] = parent_[s] == ~0u ? 1 : 0;
                             }
                         });
    rec.add_series("trucks_on_road", "vehicles", "relief trucks loading, driving or unloading",
                   [this](std::span<double> out) {
                       for (auto const& k : trucks_) {
                           if (k.state != kIdle) {
                               out[zone_[k.home]] += 1.0;
                           }
                       }
                   });
}

void LogisticsModel::initialize(TickContext const& ctx) {
    if (!active_) {
        return;
    }
    World const& w = *world_;
    auto const& fac = w.facilities;
    auto add = [&](std::uint8_t kind, NodeId road, FacilityId f, std::size_t zone,
                   std::int32_t bays) {
        kind_.push_back(kind);
        road_.push_back(road);
        fac_.push_back(f);
        zone_.push_back(zone);
        bays_.push_back(bays);
    };
    auto const wbays = static_cast<std::int32_t>(
        std::max<std::int64_t>(1, cfg_.depots.warehouse_staff / cfg_.depots.staff_per_bay));
    auto const hbays = static_cast<std::int32_t>(
        std::max<std::int64_t>(1, cfg_.depots.hub_staff / cfg_.depots.staff_per_bay));
    auto const shelters = fac.of_kind(FacilityKind::Shelter);
    for (FacilityId f : shelters) {
        add(kShelter, fac[f].node, f, zone_or_root(fac[f].zone), 0);
    }
    ns_ = shelters.size();
    std::vector<std::uint8_t> zone_has_depot(w.zones.size() + 1, 0);
    for (FacilityId f : fac.of_kind(FacilityKind::Depot)) {
        if (fac[f].node != kNoNode) {
            add(kWarehouse, fac[f].node, f, zone_or_root(fac[f].zone), wbays);
            zone_has_depot[zone_or_root(fac[f].zone)] = 1;
        }
    }
    if (cfg_.depots.warehouse_per_municipality) {
        // A warehouse at the shelter nearest the centre of its municipality's shelters.
        std::map<std::size_t, std::vector<std::uint32_t>> by_zone;
        for (std::uint32_t s = 0; s < ns_; ++s) {
            if (road_[s] != kNoNode && zone_has_depot[zone_[s]] == 0) {
                by_zone[zone_[s]].push_back(s);
            }
        }
        for (auto const& [z, list] : by_zone) {
            double cx = 0.0, cy = 0.0;
            for (auto s : list) {
                cx += fac[fac_[s]].x;
                cy += fac[fac_[s]].y;
            }
            cx /= static_cast<double>(list.size());
            cy /= static_cast<double>(list.size());
            std::uint32_t best = list.front();
            double bd = std::numeric_limits<double>::infinity();
            for (auto s : list) {
                double const d = std::hypot(fac[fac_[s]].x - cx, fac[fac_[s]].y - cy);
                if (d < bd) {
                    bd = d;
                    best = s;
                }
            }
            add(kWarehouse, road_[best], kNoFacility, z, wbays);
        }
    }
    nw_ = kind_.size() - ns_;
    for (FacilityId f : fac.of_kind(FacilityKind::Hub)) {
        if (fac[f].node != kNoNode) {
            add(kHub, fac[f].node, f, zone_or_root(fac[f].zone), hbays);
        }
    }
    nh_ = kind_.size() - ns_ - nw_;
    std::size_t const nn = kind_.size();
    stock_.assign(nn * K, 0);
    in_transit_.assign(nn * K, 0);
    rate_.assign(nn * K, 0.0);
    supply_cum_.assign(nn * K, 0.0);
    parent_.assign(nn, ~0u);
    children_.assign(nn, {});
    remote_.assign(ns_, 0);
    first_delivery_s_.assign(ns_, std::numeric_limits<double>::quiet_NaN());
    isolated_s_.assign(ns_, 0.0);
    ever_isolated_.assign(ns_, 0);
    blanket_backlog_.assign(ns_, 0);
    asked_.assign(ns_, 0);
    deliveries_.assign(ns_, 0);
    zone_unmet_.assign(w.zones.size() * K, 0);
    zone_demand_.assign(w.zones.size() * K, 0);
    node_warehouse_.assign(w.roads.node_count(), ~0u);
    node_hub_.assign(w.roads.node_count(), ~0u);
    for (std::size_t n = ns_; n < nn; ++n) {
        auto& map = kind_[n] == kWarehouse ? node_warehouse_ : node_hub_;
        if (map[road_[n]] == ~0u) {
            map[road_[n]] = static_cast<std::uint32_t>(n);
        }
    }
    cost_ = edge_travel_time(w.roads, cfg_.trucks.speed_mps);
    version_seen_ = ~0ull;
    refresh_routes();

    // Stockpiles before the event (the strategy), from each shelter's planning population.
    auto const& st = cfg_.strategy;
    auto const& fl = w.facility_layers;
    std::array<double, K> norm{};
    for (std::size_t i = 0; i < K; ++i) {
        auto const& v = fl.at(relief::norm_layer(i));
        norm[i] = ns_ > 0 ? v[fac_[0]] : 0.0;
    }
    std::vector<double> plan(nn * K, 0.0); // need of a day (blankets: the one-off need)
    for (std::size_t s = 0; s < ns_; ++s) {
        double const persons = std::max(0, fac[fac_[s]].capacity) * st.plan_fill;
        for (std::size_t i = 0; i < K; ++i) {
            plan[s * K + i] = persons * norm[i];
        }
        remote_[s] = parent_[s] == ~0u || wtree_.cost[road_[s]] > st.remote_travel_s ? 1 : 0;
    }
    auto put = [&](std::size_t n, std::array<double, K> const& need, double days) {
        if (!(days > 0.0)) {
            return;
        }
        // Meals: the stocked share of allergy-safe meals is the strategy's, not the need's.
        double const meals = (need[relief::kMeals] + need[relief::kAllergyMeals]) * days;
        auto const allergy =
            static_cast<std::int64_t>(std::llround(meals * st.allergy_stock_share));
        stock_[n * K + relief::kAllergyMeals] += allergy;
        stock_[n * K + relief::kMeals] += std::llround(meals) - allergy;
        for (std::size_t i = 0; i < K; ++i) {
            if (i == relief::kMeals || i == relief::kAllergyMeals) {
                continue;
            }
            double const d = i == relief::kBlankets ? std::min(days, 1.0) : days;
            stock_[n * K + i] += std::llround(need[i] * d);
        }
    };
    std::vector<std::array<double, K>> sum(nn);
    for (std::size_t s = 0; s < ns_; ++s) {
        std::array<double, K> need{};
        for (std::size_t i = 0; i < K; ++i) {
            need[i] = plan[s * K + i];
        }
        put(s, need, st.shelter_stock_days + (remote_[s] != 0 ? st.remote_extra_days : 0.0));
        // Warehouse and hub stocks cover the shelters they serve on the intact network.
        std::uint32_t const wh = parent_[s];
        if (wh != ~0u) {
            for (std::size_t i = 0; i < K; ++i) {
                sum[wh][i] += need[i];
                if (parent_[wh] != ~0u) {
                    sum[parent_[wh]][i] += need[i];
                }
            }
        }
    }
    for (std::size_t n = ns_; n < nn; ++n) {
        put(n, sum[n], kind_[n] == kWarehouse ? st.warehouse_stock_days : st.hub_stock_days);
    }
    for (std::size_t n = 0; n < nn; ++n) {
        for (std::size_t i = 0; i < K; ++i) {
            initial_[i] += stock_[n * K + i];
        }
    }
    // The fleets.
    for (std::size_t n = ns_; n < nn; ++n) {
        std::int64_t const count =
            kind_[n] == kWarehouse ? cfg_.trucks.per_warehouse : cfg_.trucks.per_hub;
        for (std::int64_t k = 0; k < count; ++k) {
            Truck t;
            t.home = static_cast<std::uint32_t>(n);
            trucks_.push_back(t);
        }
    }
    load_.assign(trucks_.size() * K, 0);
    path_.assign(trucks_.size(), {});
    last_s_ = ctx.time_s;
}

bool LogisticsModel::isolated(std::size_t s) const {
    return parent_.at(s) == ~0u;
}

void LogisticsModel::refresh_routes() {
    auto const& g = world_->roads;
    auto const& open = g.state().open;
    if (g.state().version == version_seen_ && !open_seen_.empty()) {
        return;
    }
    std::vector<NodeId> wt, ht;
    for (std::size_t n = ns_; n < kind_.size(); ++n) {
        (kind_[n] == kWarehouse ? wt : ht).push_back(road_[n]);
    }
    std::sort(wt.begin(), wt.end());
    wt.erase(std::unique(wt.begin(), wt.end()), wt.end());
    std::sort(ht.begin(), ht.end());
    ht.erase(std::unique(ht.begin(), ht.end()), ht.end());
    if (open_seen_.empty()) {
        wtree_ = build_route_tree(g, wt, cost_, open);
        htree_ = build_route_tree(g, ht, cost_, open);
    } else {
        RouteChanges ch;
        for (EdgeId e = 0; e < open.size(); ++e) {
            if (open[e] != open_seen_[e]) {
                (open[e] != 0 ? ch.opened_edges : ch.closed_edges).push_back(e);
            }
        }
        if (!ch.empty()) {
            update_route_tree(wtree_, g, ch, cost_, open);
            update_route_tree(htree_, g, ch, cost_, open);
        }
    }
    open_seen_.assign(open.begin(), open.end());
    version_seen_ = g.state().version;
    link_parents();
}

void LogisticsModel::link_parents() {
    // Shelters to their nearest reachable warehouse, warehouses to their nearest hub.
    bool has_warehouse = false, has_hub = false;
    for (std::size_t n = ns_; n < kind_.size(); ++n) {
        (kind_[n] == kWarehouse ? has_warehouse : has_hub) = true;
    }
    for (auto& c : children_) {
        c.clear();
    }
    for (std::size_t n = 0; n < kind_.size(); ++n) {
        std::uint32_t p = ~0u;
        NodeId const r = road_[n];
        if (r != kNoNode && kind_[n] == kShelter && has_warehouse && wtree_.reachable(r)) {
            p = node_warehouse_[wtree_.target[r]];
        } else if (r != kNoNode && kind_[n] == kWarehouse && has_hub && htree_.reachable(r)) {
            p = node_hub_[htree_.target[r]];
        }
        parent_[n] = p;
        if (p != ~0u) {
            children_[p].push_back(static_cast<std::uint32_t>(n));
        }
    }
}

void LogisticsModel::step(TickContext const& t) {
    double const now = t.end_time_s;
    double const dt = std::max(0.0, now - last_s_);
    last_s_ = now;
    refresh_routes();
    for (std::size_t s = 0; s < ns_; ++s) {
        if (parent_[s] == ~0u) {
            isolated_s_[s] += dt;
            ever_isolated_[s] = 1;
        }
    }
    take_demand(now, dt);
    supply(now, dt);
    move_trucks(now, dt);
    dispatch(now);
}

void LogisticsModel::take_demand(double now, double /*dt*/) {
    auto& fl = world_->facility_layers;
    std::size_t const ph = phase_of(now - 1e-9);
    std::array<std::vector<double>*, K> demand{};
    std::array<std::vector<double> const*, K> rate{};
    for (std::size_t i = 0; i < K; ++i) {
        demand[i] = &fl.at(relief::demand_layer(i));
        rate[i] = &fl.at(relief::rate_layer(i));
    }
    auto& supplied = fl.at(std::string(relief::kSuppliedShare));
    double const per_person_meals =
        fac_.empty() ? 0.0
                     : fl.at(relief::norm_layer(relief::kMeals))[fac_[0]] +
                           fl.at(relief::norm_layer(relief::kAllergyMeals))[fac_[0]];
    std::fill(rate_.begin(), rate_.end(), 0.0);
    for (std::size_t s = 0; s < ns_; ++s) {
        FacilityId const f = fac_[s];
        std::int64_t asked = 0, met = 0, meals_unmet = 0;
        for (std::size_t i = 0; i < K; ++i) {
            auto const d = static_cast<std::int64_t>(std::llround((*demand[i])[f]));
            (*demand[i])[f] = 0.0;
            rate_[s * K + i] = (*rate[i])[f];
            if (d == 0) {
                continue;
            }
            std::int64_t& st = stock_[s * K + i];
            std::int64_t const served = std::min(st, d);
            st -= served;
            consumed_[i] += served;
            std::int64_t const un = d - served;
            demand_[i] += d;
            unmet_[i] += un;
            phase_demand_[ph][i] += d;
            phase_unmet_[ph][i] += un;
            zone_demand_[zone_[s] * K + i] += d;
            zone_unmet_[zone_[s] * K + i] += un;
            if (i == relief::kBlankets) {
                blanket_backlog_[s] += un;
            }
            if (i == relief::kMeals || i == relief::kAllergyMeals || i == relief::kWaterL) {
                asked += d;
                met += served;
            }
            if (i == relief::kMeals || i == relief::kAllergyMeals) {
                meals_unmet += un;
            }
            asked_[s] = 1;
        }
        if (asked > 0) { // kept between postings: the shelters read it at their next update
            supplied[f] = static_cast<double>(met) / static_cast<double>(asked);
        }
        if (per_person_meals > 0.0 && meals_unmet > 0) {
            double const pd = static_cast<double>(meals_unmet) / per_person_meals;
            unmet_person_days_ += pd;
            phase_unmet_person_days_[ph] += pd;
        }
    }
    // Needs of warehouses and hubs: those of the shelters they serve.
    for (std::size_t s = 0; s < ns_; ++s) {
        std::uint32_t const wh = parent_[s];
        if (wh == ~0u) {
            continue;
        }
        for (std::size_t i = 0; i < K; ++i) {
            rate_[wh * K + i] += rate_[s * K + i];
        }
    }
    for (std::size_t n = ns_; n < ns_ + nw_; ++n) {
        if (parent_[n] == ~0u) {
            continue;
        }
        for (std::size_t i = 0; i < K; ++i) {
            rate_[parent_[n] * K + i] += rate_[n * K + i];
        }
    }
}

void LogisticsModel::supply(double now, double dt) {
    auto const& su = cfg_.supply;
    // The supply of the period just ended, [now - dt, now): counted when the period starts at
    // or after the push starts and before the suppliers stop.
    double const start = now - dt;
    if (start < su.push_start_s || (su.stop_s >= 0.0 && start >= su.stop_s) || dt <= 0.0) {
        return;
    }
    // National supply arrives at the wide-area hubs (at the warehouses where there are none),
    // estimated from the need during the push, requested as consumed during the pull.
    std::size_t const first = nh_ > 0 ? ns_ + nw_ : ns_;
    std::size_t const last = nh_ > 0 ? kind_.size() : ns_ + nw_;
    double const factor = start < su.pull_start_s ? su.push_factor : 1.0;
    double const days = dt / kDay;
    for (std::size_t i = 0; i < K; ++i) {
        double want = 0.0;
        for (std::size_t n = first; n < last; ++n) {
            want += rate_[n * K + i] * factor * days;
        }
        double scale = 1.0;
        if (su.capacity_per_day[i] >= 0.0 && want > su.capacity_per_day[i] * days) {
            scale = want > 0.0 ? su.capacity_per_day[i] * days / want : 0.0;
        }
        for (std::size_t n = first; n < last; ++n) {
            double& c = supply_cum_[n * K + i];
            double const prev = std::floor(c);
            c += rate_[n * K + i] * factor * days * scale;
            auto const units = static_cast<std::int64_t>(std::floor(c) - prev);
            stock_[n * K + i] += units;
            produced_[i] += units;
        }
    }
}

std::int64_t LogisticsModel::balance(std::size_t i) const {
    std::int64_t held = 0;
    for (std::size_t n = 0; n < kind_.size(); ++n) {
        held += stock_[n * K + i];
    }
    for (std::size_t k = 0; k < trucks_.size(); ++k) {
        held += load_[k * K + i];
    }
    return held + consumed_[i] - initial_[i] - produced_[i];
}

void LogisticsModel::check_invariants(TickContext const& t) const {
    if (!active_) {
        return;
    }
    for (std::size_t i = 0; i < K; ++i) {
        if (std::int64_t const b = balance(i); b != 0) {
            throw ModelError(fmt::format("tick {}: {} do not balance: stock + on trucks + consumed "
                                         "- initial - produced = {}",
                                         t.tick, relief::kItemNames[i], b));
        }
        if (demand_[i] !=
            consumed_[i] - blankets_late_ * (i == relief::kBlankets ? 1 : 0) + unmet_[i]) {
            throw ModelError(fmt::format("tick {}: {} demand {} != delivered + unmet", t.tick,
                                         relief::kItemNames[i], demand_[i]));
        }
    }
    for (std::size_t n = 0; n < kind_.size() * K; ++n) {
        if (stock_[n] < 0 || in_transit_[n] < 0) {
            throw ModelError(
                fmt::format("tick {}: negative stock or transit at node {}", t.tick, n / K));
        }
    }
}

void LogisticsModel::report(Report& r) const {
    if (!active_) {
        return;
    }
    std::vector<std::string> const phases{"days_1_3", "days_4_7", "days_8_plus"};
    std::size_t const nz = world_->zones.size();
    for (std::size_t i = 0; i < K; ++i) {
        std::string const n(relief::kItemNames[i]);
        std::string const u(relief::kItemUnits[i]);
        std::int64_t const delivered = consumed_[i] - (i == relief::kBlankets ? blankets_late_ : 0);
        r.count(n + "_demand", demand_[i], n + " demanded at shelters", u);
        r.count(n + "_delivered", delivered, n + " handed out when demanded", u);
        r.count(n + "_unmet", unmet_[i], n + " demanded and not available at the shelter", u);
        std::vector<std::int64_t> d(3), un(3), zd(nz), zu(nz);
        for (std::size_t p = 0; p < 3; ++p) {
            d[p] = phase_demand_[p][i];
            un[p] = phase_unmet_[p][i];
        }
        r.count_by("phase", phases, n + "_demand", d, n + " demanded, by phase");
        r.count_by("phase", phases, n + "_unmet", un, n + " unmet, by phase");
        for (std::size_t z = 0; z < nz; ++z) {
            zd[z] = zone_demand_[z * K + i];
            zu[z] = zone_unmet_[z * K + i];
        }
        r.count_by_zone(n + "_demand", std::move(zd), n + " demanded, by the shelter's zone");
        r.count_by_zone(n + "_unmet", std::move(zu), n + " unmet, by the shelter's zone");
    }
    r.count("blankets_late", blankets_late_, "blankets handed out after the need arose",
            "blankets");
    r.value("unmet_person_days", unmet_person_days_, "person-days",
            "person-days without food: unmet meals ÷ meals per person-day");
    std::vector<std::int64_t> pd(3);
    for (std::size_t p = 0; p < 3; ++p) {
        pd[p] = std::llround(phase_unmet_person_days_[p]);
    }
    r.count_by("phase", phases, "unmet_person_days", pd, "person-days without food, by phase");
    // The same by phase as scalars too, for batch comparison tables.
    std::array<char const*, 3> const tag{"d1_3", "d4_7", "d8_plus"};
    for (std::size_t p = 0; p < 3; ++p) {
        r.value(fmt::format("unmet_person_days_{}", tag[p]), phase_unmet_person_days_[p],
                "person-days", fmt::format("person-days without food, {}", phases[p]));
        for (std::size_t i : {std::size_t{relief::kMeals}, std::size_t{relief::kWaterL}}) {
            r.count(fmt::format("{}_unmet_{}", relief::kItemNames[i], tag[p]), phase_unmet_[p][i],
                    fmt::format("{} unmet, {}", relief::kItemNames[i], phases[p]),
                    std::string(relief::kItemUnits[i]));
        }
    }
    // Time to the first delivery, over the shelters that asked for anything; never supplied
    // counts as the run's end (censored).
    std::vector<double> first;
    std::int64_t never = 0;
    for (std::size_t s = 0; s < ns_; ++s) {
        if (asked_[s] == 0) {
            continue;
        }
        if (std::isnan(first_delivery_s_[s])) {
            ++never;
            first.push_back(end_s_);
        } else {
            first.push_back(first_delivery_s_[s]);
        }
    }
    std::sort(first.begin(), first.end());
    auto quantile = [&](double q) {
        if (first.empty()) {
            return 0.0;
        }
        auto const idx =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(first.size()))) - 1;
        return first[std::min(idx, first.size() - 1)] / 3600.0;
    };
    r.value("first_delivery_median_h", quantile(0.5), "h",
            "median time to a shelter's first truck delivery (never = the run's end)");
    r.value("first_delivery_p90_h", quantile(0.9), "h",
            "90th percentile of the time to a shelter's first truck delivery");
    r.count("shelters_never_supplied", never, "shelters with demand that no truck reached",
            "facilities");
    double total_iso = 0.0, max_iso = 0.0;
    std::int64_t ever = 0;
    for (std::size_t s = 0; s < ns_; ++s) {
        total_iso += isolated_s_[s] / kDay;
        max_iso = std::max(max_iso, isolated_s_[s] / kDay);
        ever += ever_isolated_[s];
    }
    r.count("shelters_isolated", ever, "shelters cut off from every warehouse at some time",
            "facilities");
    r.value("shelter_days_isolated", total_iso, "days", "days isolated, summed over shelters");
    r.value("shelter_days_isolated_max", max_iso, "days", "longest isolation of one shelter");
    r.count("warehouses", static_cast<std::int64_t>(nw_), "municipal warehouses (local hubs)",
            "facilities");
    r.count("hubs", static_cast<std::int64_t>(nh_), "wide-area hubs", "facilities");
    r.count("trucks", static_cast<std::int64_t>(trucks_.size()), "relief trucks", "vehicles");
    r.count("truck_trips", trips_, "truck trips dispatched", "trips");
    r.count("truck_reroutes", reroutes_, "re-routes of trucks around closed roads", "re-routes");
    r.count("truck_turned_back", turned_back_, "trips abandoned: destination cut off", "trips");
    double km = 0.0;
    for (auto const& k : trucks_) {
        km += k.km;
    }
    r.value("truck_km", km, "km", "distance driven by relief trucks");
    std::size_t const nf = world_->facilities.size();
    // -1 rather than NaN where no truck came: NaN never compares equal, which would make
    // identical outputs look different to anyone comparing arrays.
    std::vector<double> iso(nf, 0.0), fd(nf, -1.0);
    for (std::size_t s = 0; s < ns_; ++s) {
        iso[fac_[s]] = isolated_s_[s] / kDay;
        fd[fac_[s]] = std::isnan(first_delivery_s_[s]) ? -1.0 : first_delivery_s_[s] / 3600.0;
    }
    r.per_facility("days_isolated", std::move(iso), "days", "time cut off from every warehouse");
    r.per_facility("first_delivery_h", std::move(fd), "h",
                   "time of the first truck delivery (-1: none)");
}

void LogisticsModel::save(CheckpointWriter& w) const {
    if (!active_) {
        return;
    }
    w.put("stock", stock_);
    w.put("in_transit", in_transit_);
    w.put("rate", rate_);
    w.put("supply_cum", supply_cum_);
    w.put("trucks", trucks_);
    w.put("load", load_);
    std::vector<std::uint64_t> offsets{0};
    std::vector<NodeId> nodes;
    for (auto const& p : path_) {
        nodes.insert(nodes.end(), p.begin(), p.end());
        offsets.push_back(nodes.size());
    }
    w.put("path_offsets", offsets);
    w.put("path_nodes", nodes);
    w.put_value("counts", std::array{trips_, reroutes_, turned_back_, blankets_late_});
    w.put_value("initial", initial_);
    w.put_value("produced", produced_);
    w.put_value("consumed", consumed_);
    w.put_value("demand", demand_);
    w.put_value("unmet", unmet_);
    w.put_value("phase_demand", phase_demand_);
    w.put_value("phase_unmet", phase_unmet_);
    w.put_value("phase_pd", phase_unmet_person_days_);
    w.put_value("times", std::array{unmet_person_days_, last_s_});
    w.put("zone_unmet", zone_unmet_);
    w.put("zone_demand", zone_demand_);
    w.put("first_delivery", first_delivery_s_);
    w.put("isolated_s", isolated_s_);
    w.put("ever_isolated", ever_isolated_);
    w.put("blanket_backlog", blanket_backlog_);
    w.put("asked", asked_);
    w.put("deliveries", deliveries_);
    w.put("supplied_share", world_->facility_layers.at(std::string(relief::kSuppliedShare)));
    // The route trees as they are (a tree repaired incrementally can break ties differently
    // from one built from scratch: a resumed run must go on with the same trees).
    save_route_tree(w, "wtree", wtree_);
    save_route_tree(w, "htree", htree_);
    w.put("open_seen", open_seen_);
    w.put_value("version_seen", version_seen_);
}

void LogisticsModel::load(CheckpointReader const& r) {
    if (!active_) {
        return;
    }
    std::size_t const nn = kind_.size(), nt = trucks_.size();
    r.get("stock", stock_);
    r.get("in_transit", in_transit_);
    r.get("rate", rate_);
    r.get("supply_cum", supply_cum_);
    r.get("trucks", trucks_);
    r.get("load", load_);
    if (stock_.size() != nn * K || trucks_.size() != nt) {
        throw DataError(fmt::format("checkpoint: logistics state for {} nodes and {} trucks, this "
                                    "scenario has {} and {}",
                                    stock_.size() / K, trucks_.size(), nn, nt));
    }
    std::vector<std::uint64_t> offsets;
    std::vector<NodeId> nodes;
    r.get("path_offsets", offsets);
    r.get("path_nodes", nodes);
    bool paths_ok = offsets.size() == nt + 1 && !offsets.empty() && offsets.front() == 0 &&
                    offsets.back() == nodes.size();
    for (std::size_t k = 0; paths_ok && k < nt; ++k) {
        paths_ok = offsets[k] <= offsets[k + 1];
    }
    if (!paths_ok) {
        throw DataError("checkpoint: logistics truck paths are inconsistent (path_offsets vs "
                        "path_nodes). Fix: restart from an intact checkpoint");
    }
    for (std::size_t k = 0; k < nt && k + 1 < offsets.size(); ++k) {
        path_[k].assign(nodes.begin() + static_cast<std::ptrdiff_t>(offsets[k]),
                        nodes.begin() + static_cast<std::ptrdiff_t>(offsets[k + 1]));
    }
    std::array<std::int64_t, 4> counts{};
    r.get_value("counts", counts);
    trips_ = counts[0];
    reroutes_ = counts[1];
    turned_back_ = counts[2];
    blankets_late_ = counts[3];
    r.get_value("initial", initial_);
    r.get_value("produced", produced_);
    r.get_value("consumed", consumed_);
    r.get_value("demand", demand_);
    r.get_value("unmet", unmet_);
    r.get_value("phase_demand", phase_demand_);
    r.get_value("phase_unmet", phase_unmet_);
    r.get_value("phase_pd", phase_unmet_person_days_);
    std::array<double, 2> times{};
    r.get_value("times", times);
    unmet_person_days_ = times[0];
    last_s_ = times[1];
    r.get("zone_unmet", zone_unmet_);
    r.get("zone_demand", zone_demand_);
    r.get("first_delivery", first_delivery_s_);
    r.get("isolated_s", isolated_s_);
    r.get("ever_isolated", ever_isolated_);
    r.get("blanket_backlog", blanket_backlog_);
    r.get("asked", asked_);
    r.get("deliveries", deliveries_);
    r.get("supplied_share", world_->facility_layers.at(std::string(relief::kSuppliedShare)));
    load_route_tree(r, "wtree", wtree_);
    load_route_tree(r, "htree", htree_);
    r.get("open_seen", open_seen_);
    r.get_value("version_seen", version_seen_);
    link_parents();
}

} // namespace tsunagi::logistics
