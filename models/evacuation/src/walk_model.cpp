#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/evacuation/walk_model.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <utility>
#include <cmath>

namespace tsunagi::evacuation {

namespace {
constexpr std::uint8_t kWaiting = static_cast<std::uint8_t>(ResidentState::Waiting);
constexpr std::uint8_t kWalking = static_cast<std::uint8_t>(ResidentState::Walking);
constexpr std::uint8_t kSafe = static_cast<std::uint8_t>(ResidentState::Safe);
constexpr std::uint8_t kDead = static_cast<std::uint8_t>(ResidentState::Dead);
constexpr std::uint8_t kNotExposed = static_cast<std::uint8_t>(ResidentState::NotExposed);

template <class T>
void atomic_add(T& x, T v) noexcept {
    std::atomic_ref<T>(x).fetch_add(v, std::memory_order_relaxed);
}
} // namespace

WalkConfig WalkConfig::from(ConfigNode const& n) {
    WalkConfig c;
    c.walk_speed_mps = n.number("walk_speed_mps", c.walk_speed_mps, Bounds::between(0.05, 10.0));
    c.walk_speed_spread =
        n.number("walk_speed_spread", c.walk_speed_spread, Bounds{0.0, 1.0, false, true});
    auto d = n.child("departure_delay_s");
    c.delay_min_s = d.number("min", c.delay_min_s, Bounds::non_negative());
    c.delay_mean_s = d.number("mean", c.delay_mean_s, Bounds::non_negative());
    if (c.delay_mean_s < c.delay_min_s) {
        d.fail("mean",
               fmt::format("the mean delay ({} s) is below the minimum ({} s)", c.delay_mean_s,
                           c.delay_min_s),
               "make departure_delay_s.mean ≥ departure_delay_s.min");
    }
    c.lethal_depth_m = n.number("lethal_depth_m", c.lethal_depth_m, Bounds::positive());
    c.safe_depth_m = n.number("safe_depth_m", c.safe_depth_m, Bounds::positive());
    c.use_shelters = n.boolean("use_shelters", c.use_shelters);
    if (c.safe_depth_m > c.lethal_depth_m) {
        // Homes flooded between the two depths would be "not exposed" yet deadly.
        n.fail("safe_depth_m",
               fmt::format("{} m is deeper than lethal_depth_m = {} m", c.safe_depth_m,
                           c.lethal_depth_m),
               "make safe_depth_m ≤ lethal_depth_m");
    }
    return c;
}

void WalkModel::configure(ConfigNode const& section) { cfg_ = WalkConfig::from(section); }

void WalkModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    comm_ = &b.comm();
    residents_ = &b.agents("resident");
    auto& r = *residents_;
    state_ = r.add_field<std::uint8_t>("state", kWaiting);
    zone_ = r.add_field<std::uint16_t>("zone", kNoZone);
    home_cell_ = r.add_field<std::uint32_t>("home_cell", kNoCell);
    node_ = r.add_field<std::uint32_t>("node", kNoNode);
    edge_ = r.add_field<std::uint32_t>("edge", kNoEdge);
    pos_m_ = r.add_field<float>("pos_m", 0.0f);
    depart_tick_ = r.add_field<std::uint32_t>("depart_tick", 0);
    speed_mps_ = r.add_field<float>("speed_mps", 0.0f);

    std::size_t const nz = world_->zones.size();
    for (auto* v : {&at_risk_, &safe_, &dead_, &walking_, &not_exposed_, &population_}) {
        v->assign(nz, 0);
    }
    arrival_minute_.assign(static_cast<std::size_t>(b.total_ticks() * b.tick_s() / 60.0) + 2, 0);

    b.every(Period::ticks(1), Phase::Move, "walk", r,
            [this](Chunk const& c, TickContext const& t) { walk(c, t); });

    auto fill = [](std::vector<std::int64_t> const& v) {
        return [&v](std::span<double> out) {
            for (std::size_t z = 0; z < v.size(); ++z) {
                out[z] = static_cast<double>(v[z]);
            }
        };
    };
    auto& rec = b.recorder();
    rec.add_series("evacuated_safe", "persons", "residents who have reached a safe place",
                   fill(safe_));
    rec.add_series("deaths_direct", "persons", "residents killed by the tsunami", fill(dead_));
    rec.add_series("walking", "persons", "residents on their way", fill(walking_));
    rec.add_series("still_exposed", "persons",
                   "residents in the hazard zone, alive and not yet safe",
                   [this](std::span<double> out) {
                       for (std::size_t z = 0; z < at_risk_.size(); ++z) {
                           out[z] = static_cast<double>(at_risk_[z] - safe_[z] - dead_[z]);
                       }
                   });
}

void WalkModel::initialize(TickContext const& ctx) {
    World& w = *world_;
    auto const& g = w.roads;
    std::size_t const nn = g.node_count();

    // Safe places: shelters, and road nodes on ground that stays shallower than safe_depth_m.
    is_target_.assign(nn, 0);
    node_facility_.assign(nn, kNoFacility);
    std::vector<NodeId> targets;
    std::size_t shelter_targets = 0;
    if (cfg_.use_shelters) {
        for (FacilityId f = 0; f < w.facilities.size(); ++f) {
            auto const& fac = w.facilities[f];
            bool const shelter = fac.kind == FacilityKind::Shelter ||
                                 fac.kind == FacilityKind::EvacuationBuilding;
            if (shelter && fac.node != kNoNode && w.facilities.open()[f] != 0 &&
                node_facility_[fac.node] == kNoFacility) {
                node_facility_[fac.node] = f;
                is_target_[fac.node] = 1;
                targets.push_back(fac.node);
                ++shelter_targets;
            }
        }
    }
    for (NodeId n = 0; n < nn; ++n) {
        CellId const c = w.node_cell[n];
        if (!is_target_[n] && c != kNoCell &&
            static_cast<double>(w.tsunami_max_depth_m[c]) < cfg_.safe_depth_m) {
            is_target_[n] = 1;
            targets.push_back(n);
        }
    }
    if (targets.empty()) {
        throw DataError(fmt::format(
            "{}: no safe place for evacuees: no open shelter and no road node on ground whose "
            "maximum tsunami depth is below evacuation.safe_depth_m = {} m. Fix: add shelters "
            "(world.synthetic.shelters) or dry ground (world.synthetic.tsunami.height_m lower, "
            "inland_km larger)",
            w.name, cfg_.safe_depth_m));
    }
    tree_ = build_route_tree(g, targets, g.length_m(), g.state().open);

    // Spawn residents from the population cells: ids in cell order, so they are the same for any
    // number of threads or ranks.
    std::vector<CellId> cells;
    std::vector<std::uint64_t> first;
    std::uint64_t total = 0;
    for (CellId c = 0; c < w.population.data.size(); ++c) {
        if (w.population[c] > 0) {
            cells.push_back(c);
            first.push_back(total);
            total += w.population[c];
        }
    }
    if (total >= kNoNode) {
        throw DataError(fmt::format("{} residents exceed the per-kind limit of 2^32 - 1", total));
    }
    AgentStore& r = *residents_;
    std::size_t const base = r.append_range(0, total);
    auto state = r.column(state_);
    auto zone = r.column(zone_);
    auto home = r.column(home_cell_);
    auto node = r.column(node_);
    auto depart = r.column(depart_tick_);
    auto speed = r.column(speed_mps_);
    auto ids = r.ids();
    NodeLocator locate(g, 200.0);
    std::vector<std::int64_t> unreachable_by_chunk(chunk_count(cells.size(), 512), 0);
    ctx.pool.for_chunks(cells.size(), 512, [&](Chunk const& ch) {
        for (std::size_t k = ch.begin; k < ch.end; ++k) {
            CellId const c = cells[k];
            double const cx = w.grid.centre_x(w.grid.col_of(c));
            double const cy = w.grid.centre_y(w.grid.row_of(c));
            auto const hit = locate.nearest(cx, cy);
            bool const at_risk = static_cast<double>(w.tsunami_max_depth_m[c]) >= cfg_.safe_depth_m;
            // Residents outside every municipality count at the root zone only.
            auto const z = w.zone[c] >= 0 ? static_cast<std::uint16_t>(w.zone[c]) : std::uint16_t{0};
            if (at_risk && !tree_.reachable(hit.node)) {
                unreachable_by_chunk[ch.index] += w.population[c];
            }
            for (std::uint64_t j = 0; j < w.population[c]; ++j) {
                std::size_t const i = base + first[k] + j;
                zone[i] = z;
                home[i] = c;
                node[i] = hit.node;
                Rng rs = ctx.rng(Stream::WalkSpeed, ids[i]);
                double const v =
                    cfg_.walk_speed_mps * (1.0 + cfg_.walk_speed_spread * (2.0 * rs.uniform() - 1.0));
                speed[i] = static_cast<float>(v);
                if (!at_risk) {
                    state[i] = kNotExposed;
                    continue;
                }
                state[i] = kWaiting;
                Rng rd = ctx.rng(Stream::Departure, ids[i]);
                // Delay, plus the walk from the cell centre to the road network.
                double const delay = cfg_.delay_min_s +
                                     rd.exponential(cfg_.delay_mean_s - cfg_.delay_min_s) +
                                     hit.distance_m / v;
                double const ticks = std::ceil(delay / ctx.dt - 1e-9);
                depart[i] = static_cast<std::uint32_t>(std::min(ticks, 4.0e9));
            }
        }
    });
    for (auto u : unreachable_by_chunk) {
        unreachable_ += u;
    }
    for (std::size_t i = 0; i < total; ++i) {
        std::uint16_t const z = zone[i];
        if (z == kNoZone) {
            continue;
        }
        ++population_[z];
        if (state[i] == kNotExposed) {
            ++not_exposed_[z];
        } else {
            ++at_risk_[z];
        }
    }
    std::int64_t risk = 0;
    for (auto v : at_risk_) {
        risk += v;
    }
    if (risk > 0 && unreachable_ == risk) {
        throw DataError(fmt::format(
            "{}: none of the {} residents in the hazard zone can reach a safe place over the road "
            "network ({} safe places, {} of them shelters, none connected to their homes). Fix: "
            "check the road data and the shelter locations",
            w.name, risk, targets.size(), shelter_targets));
    }
    if (unreachable_ > 0) {
        spdlog::warn("evacuation: {} of {} residents in the hazard zone have no route to a safe "
                     "place; they stay where they are",
                     unreachable_, risk);
    }
    spdlog::debug("evacuation: {} residents, {} in the hazard zone, {} safe places ({} shelters)",
                  total, risk, targets.size(), shelter_targets);
}

void WalkModel::die(std::size_t i, TickContext const&) {
    auto state = residents_->column(state_);
    auto edge = residents_->column(edge_);
    std::uint16_t const z = residents_->column(zone_)[i];
    if (state[i] == kWalking) {
        atomic_add(world_->roads.state().occupancy[edge[i]], -1);
        atomic_add(walking_[z], std::int64_t{-1});
    }
    state[i] = kDead;
    edge[i] = kNoEdge;
    atomic_add(dead_[z], std::int64_t{1});
}

void WalkModel::arrive(std::size_t i, NodeId at, TickContext const& t) {
    auto state = residents_->column(state_);
    std::uint16_t const z = residents_->column(zone_)[i];
    if (state[i] == kWalking) {
        atomic_add(walking_[z], std::int64_t{-1});
    }
    state[i] = kSafe;
    residents_->column(edge_)[i] = kNoEdge;
    residents_->column(node_)[i] = at;
    atomic_add(safe_[z], std::int64_t{1});
    FacilityId const f = node_facility_[at];
    if (f != kNoFacility) {
        atomic_add(world_->facilities.occupancy()[f], 1);
    }
    auto const minute = static_cast<std::size_t>(t.end_time_s / 60.0);
    atomic_add(arrival_minute_[std::min(minute, arrival_minute_.size() - 1)], std::int64_t{1});
}

void WalkModel::walk(Chunk const& c, TickContext const& t) {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    auto home = r.column(home_cell_);
    auto node = r.column(node_);
    auto edge = r.column(edge_);
    auto pos = r.column(pos_m_);
    auto depart = r.column(depart_tick_);
    auto speed = r.column(speed_mps_);
    auto zone = r.column(zone_);
    auto const& g = world_->roads;
    auto const len = g.length_m();
    auto const dst = g.target();
    auto const nx = g.node_x();
    auto const ny = g.node_y();
    auto& occ = world_->roads.state().occupancy;
    float const* depth = world_->tsunami_depth_m.data.data();
    auto const& grid = world_->grid;
    auto const lethal = static_cast<float>(cfg_.lethal_depth_m);
    auto const dt = static_cast<float>(t.dt);
    auto const tick = static_cast<std::uint64_t>(t.tick);

    std::int64_t active = 0;
    for (std::size_t i = c.begin; i < c.end; ++i) {
        std::uint8_t const st = state[i];
        if (st >= kSafe) {
            continue;
        }
        ++active;
        if (st == kWaiting) {
            NodeId const n = node[i]; // always a node: the graph is never empty here
            EdgeId const first = tree_.next_edge[n];
            if (tick < depart[i] || (first == kNoEdge && !is_target_[n])) {
                if (depth[home[i]] > lethal) { // at home, or stuck without a route
                    die(i, t);
                }
                continue;
            }
            if (is_target_[n]) {
                arrive(i, n, t);
                continue;
            }
            state[i] = kWalking;
            edge[i] = first;
            pos[i] = 0.0f;
            atomic_add(occ[first], 1);
            atomic_add(walking_[zone[i]], std::int64_t{1});
        }
        // Walking: advance, crossing as many nodes as the step covers.
        EdgeId e = edge[i];
        float p = pos[i] + speed[i] * dt;
        bool arrived = false;
        while (p >= len[e]) {
            p -= len[e];
            NodeId const v = dst[e];
            atomic_add(occ[e], -1);
            node[i] = v;
            if (is_target_[v]) {
                arrive(i, v, t);
                arrived = true;
                break;
            }
            e = tree_.next_edge[v]; // a tree never leads to a node without a next hop
            atomic_add(occ[e], 1);
        }
        if (arrived) {
            continue;
        }
        edge[i] = e;
        pos[i] = p;
        NodeId const u = node[i];
        NodeId const v = dst[e];
        float const f = p / len[e];
        double const x = nx[u] + static_cast<double>(f) * (nx[v] - nx[u]);
        double const y = ny[u] + static_cast<double>(f) * (ny[v] - ny[u]);
        CellId const cell = grid.cell_at(x, y);
        if (cell != kNoCell && depth[cell] > lethal) {
            die(i, t);
        }
    }
    atomic_add(active_updates_, active);
}

void WalkModel::check_invariants(TickContext const& t) const {
    AgentStore const& r = *residents_;
    auto state = r.column(state_);
    auto edge = r.column(edge_);
    auto node = r.column(node_);
    auto pos = r.column(pos_m_);
    auto zone = r.column(zone_);
    auto const& g = world_->roads;
    std::size_t const nz = world_->zones.size();
    std::vector<std::int64_t> n_state(5 * nz, 0);
    std::vector<std::int32_t> occ(g.edge_count(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
        std::uint8_t const st = state[i];
        if (st > kNotExposed) {
            throw ModelError(fmt::format("resident {}: invalid state {}", r.ids()[i], st));
        }
        if (zone[i] != kNoZone) {
            ++n_state[st * nz + zone[i]];
        }
        bool const on_edge = edge[i] != kNoEdge;
        if ((st == kWalking) != on_edge) {
            throw ModelError(fmt::format("tick {}: resident {} is {} but {} an edge", t.tick,
                                         r.ids()[i], st == kWalking ? "walking" : "not walking",
                                         on_edge ? "on" : "not on"));
        }
        if (on_edge) {
            if (edge[i] >= g.edge_count() || g.source()[edge[i]] != node[i] || pos[i] < 0.0f ||
                pos[i] >= g.length_m()[edge[i]]) {
                throw ModelError(fmt::format("tick {}: resident {} has an inconsistent position "
                                             "(edge {}, node {}, {} m)",
                                             t.tick, r.ids()[i], edge[i], node[i], pos[i]));
            }
            ++occ[edge[i]];
        } else if (st != kNotExposed && st != kDead && node[i] >= g.node_count()) {
            throw ModelError(fmt::format("tick {}: resident {} is at no node", t.tick, r.ids()[i]));
        }
    }
    for (std::size_t e = 0; e < occ.size(); ++e) {
        if (occ[e] != g.state().occupancy[e]) {
            throw ModelError(fmt::format("tick {}: edge {} holds {} residents but its occupancy "
                                         "counter says {}",
                                         t.tick, e, occ[e], g.state().occupancy[e]));
        }
    }
    for (std::size_t z = 0; z < nz; ++z) {
        std::int64_t const alive = n_state[kWaiting * nz + z] + n_state[kWalking * nz + z] +
                                   n_state[kSafe * nz + z] + n_state[kNotExposed * nz + z];
        std::int64_t const dead = n_state[kDead * nz + z];
        if (alive + dead != population_[z] || dead != dead_[z] ||
            n_state[kSafe * nz + z] != safe_[z] || n_state[kWalking * nz + z] != walking_[z]) {
            throw ModelError(fmt::format(
                "tick {}: conservation broken in zone {}: alive {} + dead {} vs population {}; "
                "safe {} vs counter {}; walking {} vs counter {}",
                t.tick, world_->zones[z].code, alive, dead, population_[z],
                n_state[kSafe * nz + z], safe_[z], n_state[kWalking * nz + z], walking_[z]));
        }
    }
    std::int64_t in_shelters = 0;
    for (auto o : world_->facilities.occupancy()) {
        in_shelters += o;
    }
    std::int64_t safe = 0;
    for (auto s : safe_) {
        safe += s;
    }
    if (in_shelters > safe) {
        throw ModelError(fmt::format("tick {}: {} residents in shelters but only {} safe", t.tick,
                                     in_shelters, safe));
    }
}

void WalkModel::report(Report& r) const {
    std::int64_t pop = 0, safe = 0, dead = 0, risk = 0, notexp = 0;
    for (std::size_t z = 0; z < population_.size(); ++z) {
        pop += population_[z];
        safe += safe_[z];
        dead += dead_[z];
        risk += at_risk_[z];
        notexp += not_exposed_[z];
    }
    std::vector<std::int64_t> exposed(at_risk_.size());
    for (std::size_t z = 0; z < exposed.size(); ++z) {
        exposed[z] = at_risk_[z] - safe_[z] - dead_[z];
    }
    std::int64_t in_shelters = 0;
    for (auto o : world_->facilities.occupancy()) {
        in_shelters += o;
    }
    r.count("population", pop, "residents at the time of the event");
    r.count("at_risk", risk, "residents whose home cell floods ≥ evacuation.safe_depth_m");
    r.count("deaths_direct", dead, "residents killed directly by the tsunami");
    r.count("evacuated_safe", safe, "residents who reached a safe place");
    r.count("still_exposed", risk - safe - dead,
            "residents in the hazard zone, alive and not safe at the end");
    r.count("not_exposed", notexp, "residents whose home is outside the hazard zone");
    r.count("in_shelters", in_shelters, "evacuees in designated shelters at the end");
    r.count("unreachable", unreachable_, "residents in the hazard zone with no route to safety");

    // Evacuation time of those who reached safety, from the 1-minute histogram.
    std::vector<std::int64_t> hist = arrival_minute_;
    comm_->allreduce_sum(hist);
    std::int64_t n = 0;
    double sum = 0.0;
    for (std::size_t m = 0; m < hist.size(); ++m) {
        n += hist[m];
        sum += static_cast<double>(hist[m]) * (static_cast<double>(m) + 0.5) * 60.0;
    }
    auto quantile = [&](double q) {
        if (n == 0) {
            return 0.0;
        }
        auto const want = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n)));
        std::int64_t acc = 0;
        for (std::size_t m = 0; m < hist.size(); ++m) {
            acc += hist[m];
            if (acc >= want) {
                return (static_cast<double>(m) + 1.0) * 60.0;
            }
        }
        return static_cast<double>(hist.size()) * 60.0;
    };
    r.value("evacuation_time_mean_s", n > 0 ? sum / static_cast<double>(n) : 0.0, "s",
            "mean time from the earthquake to reaching safety (1-minute bins)");
    r.value("evacuation_time_p90_s", quantile(0.9), "s",
            "90th percentile of the time to reach safety (upper edge of its 1-minute bin)");

    r.count_by_zone("population", population_, "residents at the time of the event");
    r.count_by_zone("deaths_direct", dead_, "residents killed directly by the tsunami");
    r.count_by_zone("evacuated_safe", safe_, "residents who reached a safe place");
    r.count_by_zone("still_exposed", exposed, "in the hazard zone, alive and not safe at the end");
    r.count_by_zone("not_exposed", not_exposed_, "home outside the hazard zone");
}

} // namespace tsunagi::evacuation
