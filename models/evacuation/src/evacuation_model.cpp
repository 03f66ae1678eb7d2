#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstring>
#include <utility>

namespace tsunagi::evacuation {

namespace {
constexpr auto kHome = static_cast<std::uint8_t>(ResidentState::Home);
constexpr auto kWalking = static_cast<std::uint8_t>(ResidentState::Walking);
constexpr auto kDriving = static_cast<std::uint8_t>(ResidentState::Driving);
constexpr auto kPassenger = static_cast<std::uint8_t>(ResidentState::Passenger);
constexpr auto kStranded = static_cast<std::uint8_t>(ResidentState::Stranded);
constexpr auto kSafe = static_cast<std::uint8_t>(ResidentState::Safe);
constexpr auto kDead = static_cast<std::uint8_t>(ResidentState::Dead);
constexpr auto kNotExposed = static_cast<std::uint8_t>(ResidentState::NotExposed);
constexpr std::uint8_t kCarBit = 1u << 2;

template <class T>
void atomic_add(T& x, T v) noexcept {
    std::atomic_ref<T>(x).fetch_add(v, std::memory_order_relaxed);
}

std::size_t zone_or_root(std::uint16_t z) noexcept { return z == kNoZone ? 0 : z; }
} // namespace

void EvacuationModel::configure(ConfigNode const& section) { cfg_ = EvacuationConfig::from(section); }

void EvacuationModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    comm_ = &b.comm();
    seed_ = b.seed();
    chunk_size_ = b.chunk_size();
    time_of_day_ = b.event().time_of_day;
    residents_ = &b.agents("resident");
    auto& r = *residents_;
    state_ = r.add_field<std::uint8_t>("state", kHome);
    profile_ = r.add_field<std::uint8_t>("profile", 0);
    needs_ = r.add_field<std::uint8_t>("needs", 0);
    age_ = r.add_field<std::uint8_t>("age_band", kUnder65);
    at_end_ = r.add_field<std::uint8_t>("at_link_end", 0);
    casualty_ = r.add_field<std::uint8_t>("casualty", kUnhurt);
    zone_ = r.add_field<std::uint16_t>("zone", kNoZone);
    household_ = r.add_field<std::uint32_t>("household", 0);
    home_cell_ = r.add_field<std::uint32_t>("home_cell", kNoCell);
    cell_ = r.add_field<std::uint32_t>("cell", kNoCell);
    node_ = r.add_field<std::uint32_t>("node", kNoNode);
    edge_ = r.add_field<std::uint32_t>("edge", kNoEdge);
    end_tick_ = r.add_field<std::uint32_t>("end_tick", 0);
    depart_ = r.add_field<std::uint32_t>("depart_tick", 0);
    vehicle_ = r.add_field<std::uint32_t>("vehicle", 0xffffffffu);
    pos_m_ = r.add_field<float>("pos_m", 0.0f);
    speed_ = r.add_field<float>("speed_mps", 0.0f);

    std::size_t const nz = world_->zones.size();
    for (auto* v : {&population_, &at_risk_, &not_exposed_, &safe_, &dead_, &walking_, &driving_,
                    &stranded_, &collapse_dead_, &trapped_}) {
        v->assign(nz, 0);
    }
    arrival_minute_.assign(static_cast<std::size_t>(b.duration_s() / 60.0) + 2, 0);

    b.every(Period::ticks(1), Phase::Move, "active_rows",
            [this](TickContext const&) { refresh_active(); });
    b.every(
        Period::ticks(1), Phase::Move, "advance", [this] { return movers_.rows.size(); },
        [this](Chunk const& c, TickContext const& t) { advance(c, t); });
    b.every(Period::ticks(1), Phase::Move, "transfer",
            [this](TickContext const& t) { transfer(t); });

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
    rec.add_series("deaths_direct", "persons",
                   "residents killed by the tsunami or by a building collapse", fill(dead_));
    rec.add_series("walking", "persons", "residents on their way on foot", fill(walking_));
    rec.add_series("driving", "vehicles", "cars on their way", fill(driving_));
    rec.add_series("in_shelters", "persons",
                   "evacuees in designated shelters and evacuation buildings, by the facility's zone",
                   [this](std::span<double> out) {
                       auto const& fac = world_->facilities;
                       for (FacilityId f = 0; f < fac.size(); ++f) {
                           out[zone_or_root(fac[f].zone)] += fac.occupancy()[f];
                       }
                   });
    // Events: arrivals per shelter, sites that filled, deaths by cause per municipality.
    std::size_t const nf = world_->facilities.size();
    rec.add_event_counts("shelter_arrivals", EventSubject::Facility, nf,
                         "evacuees who entered the designated site",
                         [this](std::span<std::int64_t> out) {
                             std::copy(shelter_arrivals_.begin(), shelter_arrivals_.end(),
                                       out.begin());
                         });
    rec.add_event_counts(
        "shelter_full", EventSubject::Facility, nf,
        "the site reached its capacity; later arrivals are sent to the next nearest",
        [this](std::span<std::int64_t> out) {
            std::copy(facility_full_seen_.begin(), facility_full_seen_.end(), out.begin());
        },
        /*same_on_every_rank=*/true); // announced to every rank
    rec.add_event_counts("deaths_tsunami", EventSubject::Zone, nz,
                         "residents killed by the tsunami, by their zone",
                         [this](std::span<std::int64_t> out) {
                             for (std::size_t z = 0; z < out.size(); ++z) {
                                 out[z] = dead_[z] - collapse_dead_[z];
                             }
                         });
    rec.add_event_counts("deaths_collapse", EventSubject::Zone, nz,
                         "residents killed by a building collapse at the main shock, by zone",
                         [this](std::span<std::int64_t> out) {
                             std::copy(collapse_dead_.begin(), collapse_dead_.end(), out.begin());
                         });
    rec.add_series("still_exposed", "persons",
                   "residents in the hazard zone, alive and not yet safe",
                   [this](std::span<double> out) {
                       for (std::size_t z = 0; z < at_risk_.size(); ++z) {
                           out[z] = static_cast<double>(at_risk_[z] - safe_[z] -
                                                        (dead_[z] - collapse_dead_[z]));
                       }
                   });
}

Movers EvacuationModel::movers() {
    AgentStore& r = *residents_;
    return Movers{r.column(edge_), r.column(pos_m_), r.column(node_), r.column(at_end_),
                  r.column(end_tick_)};
}

void EvacuationModel::initialize(TickContext const& ctx) {
    World& w = *world_;
    flow_ = LinkFlow(w.roads, cfg_.pedestrians, cfg_.vehicles);
    flow_.publish_occupancy(w.roads.state().occupancy);
    // Nobody dies below μ − 6σ (P < 1e-9); nothing to check before the first water anywhere.
    depth_floor_ = static_cast<float>(
        std::max(0.0, cfg_.mortality_mu_m - 6.0 * cfg_.mortality_sigma_m));
    first_arrival_s_ = std::numeric_limits<double>::infinity();
    for (CellId c : w.inundated_cells) {
        first_arrival_s_ = std::min(first_arrival_s_, static_cast<double>(w.tsunami_arrival_s[c]));
    }
    distributed_ = w.partition.distributed();
    build_routes();
    if (distributed_) {
        setup_neighbours();
    }
    spawn(ctx);
    active_dirty_ = true;
    if (distributed_) {
        exchange_halo();
    }
}

void EvacuationModel::build_routes() {
    World& w = *world_;
    auto const& g = w.roads;
    std::size_t const nn = g.node_count();
    auto const& fac = w.facilities;
    node_facility_.assign(nn, kNoFacility);
    facility_full_.assign(fac.size(), 0);
    facility_full_seen_.assign(fac.size(), 0);
    shelter_arrivals_.assign(fac.size(), 0);
    std::vector<NodeId> ped_targets, car_targets;
    std::size_t sites = 0;
    for (FacilityId f = 0; f < fac.size(); ++f) {
        auto const& it = fac[f];
        bool const site = (it.kind == FacilityKind::Shelter && cfg_.use_shelters &&
                           (it.hazard_flags & kTsunami) != 0) ||
                          (it.kind == FacilityKind::EvacuationBuilding &&
                           cfg_.use_evacuation_buildings);
        if (site && it.node != kNoNode && fac.open()[f] != 0 && it.capacity > fac.occupancy()[f] &&
            node_facility_[it.node] == kNoFacility) {
            node_facility_[it.node] = f;
            ped_targets.push_back(it.node);
            ++sites;
        }
    }
    for (NodeId n = 0; n < nn; ++n) {
        CellId const c = w.node_cell[n];
        if (c != kNoCell && static_cast<double>(w.tsunami_max_depth_m[c]) < cfg_.safe_depth_m &&
            static_cast<double>(w.elevation_m[c]) >= cfg_.safe_elevation_m) {
            if (node_facility_[n] == kNoFacility) {
                ped_targets.push_back(n);
            }
            car_targets.push_back(n);
        }
    }
    if (ped_targets.empty()) {
        throw DataError(fmt::format(
            "{}: no safe place for evacuees: no open tsunami shelter or evacuation building and "
            "no road node on ground whose maximum tsunami depth is below evacuation.safe_depth_m "
            "= {} m (and at least evacuation.safe_elevation_m = {} m high). Fix: add shelters "
            "(world.synthetic.shelters) or dry ground (a lower tsunami, a larger region), or "
            "relax safe_elevation_m",
            w.name, cfg_.safe_depth_m, cfg_.safe_elevation_m));
    }
    auto const open = g.state().open;
    ped_tree_ = build_route_tree(g, ped_targets, g.length_m(), open);
    car_cost_ = edge_travel_time(g);
    car_tree_ = build_route_tree(g, car_targets, car_cost_, open);
    open_seen_.assign(open.begin(), open.end());
    edge_version_ = g.state().version;
    spdlog::debug("evacuation: {} safe places for pedestrians ({} shelters/buildings), {} for cars",
                  ped_targets.size(), sites, car_targets.size());
}

float EvacuationModel::depth_at(std::size_t row) const noexcept {
    AgentStore const& r = *residents_;
    auto const& w = *world_;
    std::uint8_t const s = r.column(state_)[row];
    if (s == kHome || s == kStranded) {
        return w.tsunami_depth_m[r.column(cell_)[row]];
    }
    EdgeId const e = r.column(edge_)[row];
    NodeId const u = r.column(node_)[row];
    if (e == kNoEdge) {
        CellId const c = u == kNoNode ? r.column(cell_)[row] : w.node_cell[u];
        return c == kNoCell ? 0.0f : w.tsunami_depth_m[c];
    }
    auto const& g = w.roads;
    NodeId const v = g.target()[e];
    float const f = std::min(1.0f, r.column(pos_m_)[row] / g.length_m()[e]);
    double const x = g.node_x()[u] + static_cast<double>(f) * (g.node_x()[v] - g.node_x()[u]);
    double const y = g.node_y()[u] + static_cast<double>(f) * (g.node_y()[v] - g.node_y()[u]);
    CellId const c = w.grid.cell_at(x, y);
    return c == kNoCell ? 0.0f : w.tsunami_depth_m[c];
}

bool EvacuationModel::drowns(RowList& list, std::size_t k, float depth) noexcept {
    // A personal depth threshold, drawn once: P(threshold < d) = Φ((d − μ)/σ), the fitted CO
    // depth–mortality curve applied to the deepest water the resident meets. The draw depends
    // only on the resident's id, so keeping it with the list entry changes nothing.
    double& threshold = list.threshold[k];
    if (std::isnan(threshold)) {
        Rng r(seed_, Stream::Mortality, residents_->ids()[list.rows[k]], 0);
        threshold = cfg_.mortality_mu_m + cfg_.mortality_sigma_m * r.normal();
    }
    return static_cast<double>(depth) > threshold;
}

void EvacuationModel::die(std::size_t row) {
    AgentStore& r = *residents_;
    auto const z = zone_or_root(r.column(zone_)[row]);
    std::uint8_t& s = r.column(state_)[row];
    if (s == kWalking) {
        atomic_add(walking_[z], std::int64_t{-1});
    } else if (s == kDriving) {
        atomic_add(driving_[z], std::int64_t{-1});
    } else if (s == kStranded) {
        atomic_add(stranded_[z], std::int64_t{-1});
    }
    s = kDead;
    r.column(edge_)[row] = kNoEdge;
    r.column(at_end_)[row] = 0;
    atomic_add(dead_[z], std::int64_t{1});
    atomic_add(dead_age_[r.column(age_)[row]], std::int64_t{1});
    if (r.column(casualty_)[row] == kTrapped) {
        atomic_add(trapped_drowned_, std::int64_t{1});
    }
}

void EvacuationModel::arrive(std::size_t row, NodeId at, double time_s) {
    AgentStore& r = *residents_;
    auto const z = zone_or_root(r.column(zone_)[row]);
    std::uint8_t& s = r.column(state_)[row];
    if (s == kWalking) {
        atomic_add(walking_[z], std::int64_t{-1});
    } else if (s == kDriving) {
        atomic_add(driving_[z], std::int64_t{-1});
    }
    s = kSafe;
    r.column(edge_)[row] = kNoEdge;
    r.column(node_)[row] = at;
    atomic_add(safe_[z], std::int64_t{1});
    atomic_add(safe_age_[r.column(age_)[row]], std::int64_t{1});
    auto const minute = static_cast<std::size_t>(time_s / 60.0);
    atomic_add(arrival_minute_[std::min(minute, arrival_minute_.size() - 1)], std::int64_t{1});
}

void EvacuationModel::RowList::add(std::uint32_t row) {
    rows.push_back(row);
    threshold.push_back(std::numeric_limits<double>::quiet_NaN());
}

void EvacuationModel::refresh_active() {
    constexpr std::uint32_t kActiveFilterTicks = 16;
    AgentStore const& r = *residents_;
    auto const state = r.column(state_);
    if (active_dirty_) {
        // Sized exactly (a list is 12 B per entry; growth by doubling would waste up to half).
        std::size_t n_movers = 0, n_riders = 0;
        for (std::size_t i = 0; i < r.size(); ++i) {
            n_movers += state[i] < kSafe && state[i] != kPassenger ? 1 : 0;
            n_riders += state[i] == kPassenger ? 1 : 0;
        }
        movers_ = RowList{};
        riders_ = RowList{};
        movers_.rows.reserve(n_movers);
        movers_.threshold.reserve(n_movers);
        riders_.rows.reserve(n_riders);
        riders_.threshold.reserve(n_riders);
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (state[i] < kSafe) {
                (state[i] == kPassenger ? riders_ : movers_).add(static_cast<std::uint32_t>(i));
            }
        }
        active_dirty_ = false;
        active_since_filter_ = 0;
    } else if (++active_since_filter_ >= kActiveFilterTicks) {
        for (RowList* list : {&movers_, &riders_}) {
            std::size_t n = 0;
            for (std::size_t k = 0; k < list->rows.size(); ++k) {
                if (state[list->rows[k]] < kSafe) {
                    list->rows[n] = list->rows[k];
                    list->threshold[n] = list->threshold[k];
                    ++n;
                }
            }
            list->rows.resize(n);
            list->threshold.resize(n);
        }
        active_since_filter_ = 0;
    }
}

void EvacuationModel::advance(Chunk const& c, TickContext const& t) {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    auto profile = r.column(profile_);
    auto node = r.column(node_);
    auto edge = r.column(edge_);
    auto depart = r.column(depart_);
    auto speed = r.column(speed_);
    auto const ids = r.ids();
    auto const& g = world_->roads;
    Movers const mv = movers();
    auto& out = chunk_candidates_[c.index].items;
    out.clear();
    bool const water = t.end_time_s >= first_arrival_s_;
    auto const tick = static_cast<std::uint32_t>(t.tick);
    auto const dt = static_cast<float>(t.dt);
    std::int64_t active = 0;
    for (std::size_t k = c.begin; k < c.end; ++k) {
        std::size_t const i = movers_.rows[k];
        std::uint8_t const s = state[i];
        if (s >= kSafe) {
            continue; // finished since the list was last filtered
        }
        ++active;
        if (water) {
            float const d = depth_at(i);
            if (d > depth_floor_ && drowns(movers_, k, d)) {
                if (s == kWalking || s == kDriving) {
                    flow_.remove(c.index, edge[i], s == kWalking ? Mode::Pedestrian : Mode::Vehicle);
                }
                die(i);
                continue;
            }
        }
        if (s == kHome) {
            if (tick >= depart[i]) {
                Mode const m = (profile[i] & kCarBit) != 0 ? Mode::Vehicle : Mode::Pedestrian;
                out.push_back(Candidate{node[i], tick, kNoEdge, static_cast<std::uint32_t>(i),
                                        ids[i], m});
            }
            continue;
        }
        if (s == kStranded) {
            continue;
        }
        Mode const m = s == kWalking ? Mode::Pedestrian : Mode::Vehicle;
        float const v = m == Mode::Pedestrian ? flow_.pedestrian_speed(edge[i], speed[i])
                                              : flow_.vehicle_speed(edge[i]);
        Candidate cand{};
        if (flow_.advance(mv, i, ids[i], m, v, dt, tick, g, cand)) {
            out.push_back(cand);
        }
    }
    atomic_add(active_updates_, active);
}

Decision EvacuationModel::decide(std::uint32_t row, NodeId node, Mode mode) {
    (void)row;
    RouteTree const& tree = mode == Mode::Pedestrian ? ped_tree_ : car_tree_;
    if (tree.is_target[node]) {
        FacilityId const f = node_facility_[node];
        if (mode == Mode::Pedestrian && f != kNoFacility) {
            auto& fac = world_->facilities;
            std::int32_t& occ = fac.occupancy()[f];
            if (occ >= fac[f].capacity) {
                facility_full_[f] = 1; // the route trees drop it at the end of the tick
                return Decision{Decision::Wait, kNoEdge};
            }
            ++occ; // only this node's thread touches its facility
            ++shelter_arrivals_[f];
        }
        return Decision{Decision::Arrive, kNoEdge};
    }
    EdgeId const e = tree.next_edge[node];
    if (e == kNoEdge) {
        return Decision{Decision::Wait, kNoEdge};
    }
    return Decision{Decision::Enter, e};
}

void EvacuationModel::transfer(TickContext const& t) {
    // Roads closed or reopened this tick (events, damage) and sites that filled last tick are
    // routed around before anyone moves on.
    update_routes(t);
    candidates_.clear();
    // The chunks advance() ran this tick (the lists past them hold older ticks' candidates).
    std::size_t const chunks = chunk_count(movers_.rows.size(), chunk_size_);
    for (std::size_t k = 0; k < chunks; ++k) {
        auto const& part = chunk_candidates_[k].items;
        candidates_.insert(candidates_.end(), part.begin(), part.end());
    }
    auto const& g = world_->roads;
    double const now = t.end_time_s;
    flow_.transfer(
        candidates_, movers(), g, static_cast<std::uint32_t>(t.tick), static_cast<float>(t.dt),
        t.pool, [this](std::uint32_t row, NodeId n, Mode m) { return decide(row, n, m); },
        [this, now](std::uint32_t row, NodeId n, Mode) { arrive(row, n, now); });
    flow_.apply(candidates_, g);
    // Residents who left home this tick are now on their way.
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    auto zone = r.column(zone_);
    for (auto const& c : candidates_) {
        if (c.edge == kNoEdge && c.entered != kNoEdge) {
            bool const walk = c.mode == Mode::Pedestrian;
            state[c.row] = walk ? kWalking : kDriving;
            ++(walk ? walking_ : driving_)[zone_or_root(zone[c.row])];
        }
    }
    passengers(t);
    if (distributed_) {
        migrate_entering_remote_links();
        exchange_halo();
    }
}

void EvacuationModel::passengers(TickContext const& t) {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    auto vehicle = r.column(vehicle_);
    auto node = r.column(node_);
    bool const water = t.end_time_s >= first_arrival_s_;
    std::vector<std::int64_t> active(chunk_count(riders_.rows.size(), chunk_size_), 0);
    t.pool.for_chunks(riders_.rows.size(), chunk_size_, [&](Chunk const& c) {
        for (std::size_t k = c.begin; k < c.end; ++k) {
            std::size_t const p = riders_.rows[k];
            if (state[p] != kPassenger) {
                continue;
            }
            ++active[c.index];
            std::uint32_t const d = vehicle[p];
            if (state[d] == kSafe) {
                arrive(p, node[d], t.end_time_s);
                continue;
            }
            if (water) {
                // In the car: the driver's position (its home while it has not left).
                float const depth = state[d] == kDead && node[d] != kNoNode
                                        ? world_->tsunami_depth_m[world_->node_cell[node[d]]]
                                        : depth_at(d);
                if (depth > depth_floor_ && drowns(riders_, k, depth)) {
                    die(p);
                }
            }
        }
    });
    for (auto a : active) {
        active_updates_ += a;
    }
}

void EvacuationModel::update_routes(TickContext const&) {
    auto& g = world_->roads;
    auto const& fac = world_->facilities;
    RouteChanges ped, car;
    // Sites that filled (on whichever rank owns them) stop being destinations everywhere.
    Bytes mine;
    for (FacilityId f = 0; f < facility_full_.size(); ++f) {
        if (facility_full_[f] && !facility_full_seen_[f]) {
            auto const* b = reinterpret_cast<std::byte const*>(&f);
            mine.insert(mine.end(), b, b + sizeof f);
        }
    }
    std::vector<FacilityId> full;
    auto const t0 = std::chrono::steady_clock::now();
    auto const gathered = comm_->allgather(mine);
    if (distributed_) {
        comm_stats_.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    for (auto const& part : gathered) {
        for (std::size_t pos = 0; pos + sizeof(FacilityId) <= part.size(); pos += sizeof(FacilityId)) {
            FacilityId f = 0;
            std::memcpy(&f, part.data() + pos, sizeof f);
            full.push_back(f);
        }
    }
    std::sort(full.begin(), full.end());
    for (FacilityId f : full) {
        facility_full_seen_[f] = 1;
        NodeId const n = fac[f].node;
        if (n != kNoNode && node_facility_[n] == f) {
            ped.removed_targets.push_back(n);
        }
    }
    if (g.state().version != edge_version_) {
        edge_version_ = g.state().version;
        auto const open = g.state().open;
        for (EdgeId e = 0; e < open.size(); ++e) {
            if (open[e] != open_seen_[e]) {
                (open[e] != 0 ? ped.opened_edges : ped.closed_edges).push_back(e);
                open_seen_[e] = open[e];
            }
        }
        car.closed_edges = ped.closed_edges;
        car.opened_edges = ped.opened_edges;
        flow_.refresh_capacity_changes(g);
    }
    auto const open = g.state().open;
    if (!ped.empty()) {
        update_route_tree(ped_tree_, g, ped, g.length_m(), open);
    }
    if (!car.empty()) {
        update_route_tree(car_tree_, g, car, car_cost_, open);
    }
}

void EvacuationModel::check_invariants(TickContext const& t) const {
    AgentStore const& r = *residents_;
    auto state = r.column(state_);
    auto edge = r.column(edge_);
    auto node = r.column(node_);
    auto pos = r.column(pos_m_);
    auto zone = r.column(zone_);
    auto vehicle = r.column(vehicle_);
    auto const& g = world_->roads;
    auto const& part = world_->partition;
    std::size_t const nz = world_->zones.size();
    std::vector<std::int64_t> n(8 * nz, 0);
    std::vector<std::int64_t> killed(nz, 0);
    auto casualty = r.column(casualty_);
    std::vector<std::int32_t> ped(g.edge_count(), 0), car(g.edge_count(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
        std::uint8_t const s = state[i];
        if (s == static_cast<std::uint8_t>(ResidentState::Gone)) {
            continue;
        }
        if (s > kNotExposed) {
            throw ModelError(fmt::format("resident {}: invalid state {}", r.ids()[i], s));
        }
        if (casualty[i] == kKilledByCollapse) {
            if (s != kDead) {
                throw ModelError(fmt::format("tick {}: resident {} was killed by a collapse but "
                                             "is in state {}",
                                             t.tick, r.ids()[i], s));
            }
            ++killed[zone_or_root(zone[i])];
        }
        ++n[s * nz + zone_or_root(zone[i])];
        bool const on_link = s == kWalking || s == kDriving;
        if (on_link != (edge[i] != kNoEdge)) {
            throw ModelError(fmt::format("tick {}: resident {} in state {} is {} a link", t.tick,
                                         r.ids()[i], s, edge[i] != kNoEdge ? "on" : "not on"));
        }
        if (on_link) {
            if (edge[i] >= g.edge_count() || g.source()[edge[i]] != node[i] || !(pos[i] >= 0.0f) ||
                !part.owns(g.target()[edge[i]])) {
                throw ModelError(fmt::format("tick {}: resident {} has an inconsistent position "
                                             "(edge {}, node {}, {} m) on rank {}",
                                             t.tick, r.ids()[i], edge[i], node[i], pos[i],
                                             part.rank));
            }
            ++(s == kWalking ? ped : car)[edge[i]];
        } else if ((s == kHome || s == kStranded || s == kSafe) && !part.owns(node[i])) {
            throw ModelError(fmt::format("tick {}: resident {} waits at node {}, owned by rank {} "
                                         "not {}",
                                         t.tick, r.ids()[i], node[i], part.owner(node[i]),
                                         part.rank));
        }
        if (s == kPassenger) {
            std::uint32_t const d = vehicle[i];
            if (d >= r.size() || d == i || state[d] == kPassenger || state[d] == kNotExposed ||
                state[d] == static_cast<std::uint8_t>(ResidentState::Gone)) {
                throw ModelError(fmt::format("tick {}: passenger {} has no car (driver row {})",
                                             t.tick, r.ids()[i], d));
            }
        }
    }
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        if (!part.owns(g.target()[e])) {
            continue; // another rank's link (ours only as a ghost)
        }
        if (ped[e] != flow_.pedestrians_on(e) || car[e] != flow_.vehicles_on(e) ||
            g.state().occupancy[e] != ped[e] + car[e]) {
            throw ModelError(fmt::format("tick {}: edge {} holds {} pedestrians and {} cars, but "
                                         "the link flow counts {} and {}",
                                         t.tick, e, ped[e], car[e], flow_.pedestrians_on(e),
                                         flow_.vehicles_on(e)));
        }
    }
    // Conservation over all ranks: scan counts against the transition counters.
    std::vector<std::int64_t> counters;
    counters.reserve(7 * nz);
    for (auto const* v :
         {&population_, &dead_, &safe_, &walking_, &driving_, &not_exposed_, &collapse_dead_}) {
        counters.insert(counters.end(), v->begin(), v->end());
    }
    auto const& fac = world_->facilities;
    std::int64_t sheltered = 0;
    for (FacilityId f = 0; f < fac.size(); ++f) {
        if (fac.occupancy()[f] > std::max(fac[f].capacity, 0)) {
            throw ModelError(fmt::format("tick {}: facility {} holds {} over its capacity {}",
                                         t.tick, fac[f].external_id, fac.occupancy()[f],
                                         fac[f].capacity));
        }
        sheltered += fac.occupancy()[f];
    }
    n.insert(n.end(), killed.begin(), killed.end()); // n[8 nz + z]
    n.push_back(sheltered);
    comm_->allreduce_sum(n);
    comm_->allreduce_sum(counters);
    for (std::size_t z = 0; z < nz; ++z) {
        std::int64_t total = 0;
        for (std::size_t s = 0; s < 8; ++s) {
            total += n[s * nz + z];
        }
        auto const counter = [&](std::size_t k) { return counters[k * nz + z]; };
        if (total != counter(0) || n[kDead * nz + z] != counter(1) ||
            n[kSafe * nz + z] != counter(2) || n[kWalking * nz + z] != counter(3) ||
            n[kDriving * nz + z] != counter(4) || n[kNotExposed * nz + z] != counter(5)) {
            throw ModelError(fmt::format(
                "tick {}: conservation broken in zone {}: {} residents counted vs population {}; "
                "dead {} vs {}, safe {} vs {}, walking {} vs {}, driving {} vs {}",
                t.tick, world_->zones[z].code, total, counter(0), n[kDead * nz + z], counter(1),
                n[kSafe * nz + z], counter(2), n[kWalking * nz + z], counter(3),
                n[kDriving * nz + z], counter(4)));
        }
        if (n[8 * nz + z] != counter(6)) {
            throw ModelError(fmt::format("tick {}: zone {} counts {} collapse deaths but {} "
                                         "residents were killed by a collapse",
                                         t.tick, world_->zones[z].code, counter(6),
                                         n[8 * nz + z]));
        }
    }
    std::int64_t safe = 0;
    for (std::size_t z = 0; z < nz; ++z) {
        safe += counters[2 * nz + z];
    }
    if (n.back() > safe) {
        throw ModelError(fmt::format("tick {}: {} in shelters but only {} safe", t.tick, n.back(),
                                     safe));
    }
    // The active lists: ascending, and every row still to process is on the right one (a row
    // left off would silently stop moving). Skipped while a rebuild is pending.
    if (!active_dirty_) {
        std::vector<std::uint8_t> listed(r.size(), 0);
        for (auto const* list : {&movers_, &riders_}) {
            std::uint8_t const mark = list == &movers_ ? 1 : 2;
            if (list->threshold.size() != list->rows.size()) {
                throw ModelError(fmt::format("tick {}: an active list has {} rows and {} "
                                             "thresholds",
                                             t.tick, list->rows.size(), list->threshold.size()));
            }
            for (std::size_t k = 0; k < list->rows.size(); ++k) {
                std::uint32_t const row = list->rows[k];
                if (row >= r.size() || (k > 0 && row <= list->rows[k - 1])) {
                    throw ModelError(fmt::format("tick {}: active list entry {} (row {}) is out "
                                                 "of order or range",
                                                 t.tick, k, row));
                }
                listed[row] = mark;
            }
        }
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (state[i] < kSafe && listed[i] != (state[i] == kPassenger ? 2 : 1)) {
                throw ModelError(fmt::format("tick {}: resident {} (state {}) is not on the {} "
                                             "list",
                                             t.tick, r.ids()[i], state[i],
                                             state[i] == kPassenger ? "passenger" : "mover"));
            }
        }
    }
}

void EvacuationModel::report(Report& r) const {
    auto sum = [](std::vector<std::int64_t> const& v) {
        std::int64_t s = 0;
        for (auto x : v) {
            s += x;
        }
        return s;
    };
    std::int64_t const pop = sum(population_);
    std::int64_t const risk = sum(at_risk_);
    std::int64_t const safe = sum(safe_);
    std::int64_t const dead = sum(dead_);
    std::int64_t const collapse_dead = sum(collapse_dead_);
    std::vector<std::int64_t> exposed(at_risk_.size());
    for (std::size_t z = 0; z < exposed.size(); ++z) {
        exposed[z] = at_risk_[z] - safe_[z] - (dead_[z] - collapse_dead_[z]);
    }
    auto const& fac = world_->facilities;
    std::int64_t in_shelters = 0, in_buildings = 0;
    for (FacilityId f = 0; f < fac.size(); ++f) {
        (fac[f].kind == FacilityKind::EvacuationBuilding ? in_buildings : in_shelters) +=
            fac.occupancy()[f];
    }
    r.count("population", pop, "residents at the time of the event");
    r.count("at_risk", risk,
            "residents alive after the shock whose location at the event floods ≥ "
            "evacuation.safe_depth_m");
    r.count("deaths_direct", dead,
            "residents killed directly: by the tsunami or by a building collapse");
    r.count("deaths_tsunami", dead - collapse_dead, "residents killed by the tsunami");
    r.count("deaths_collapse", collapse_dead,
            "residents killed by a building collapse at the shock (damage layer's probabilities)");
    r.count("trapped", sum(trapped_),
            "residents trapped in a collapsed building at the shock (自力脱出困難者)");
    r.count("trapped_drowned", trapped_drowned_,
            "trapped residents whom the tsunami then killed (counted in deaths_tsunami)");
    r.count("evacuated_safe", safe, "residents who reached a safe place");
    r.count("still_exposed", risk - safe - (dead - collapse_dead),
            "residents in the hazard zone, alive and not safe at the end");
    r.count("not_exposed", sum(not_exposed_), "residents outside the hazard zone at the event");
    r.count("in_shelters", in_shelters, "evacuees in designated shelters at the end");
    r.count("in_evacuation_buildings", in_buildings, "evacuees in tsunami evacuation buildings");
    r.count("on_safe_ground", safe - in_shelters - in_buildings,
            "evacuees who reached safe ground outside shelters");
    r.count("stranded", sum(stranded_),
            "residents in the hazard zone unable to leave at the end: no route, dependents with "
            "no helper, or trapped");
    r.count("dependents_without_helper", dependents_stranded_,
            "residents needing care, alone or with nobody able to help, who could not leave");
    r.count("unreachable", unreachable_, "residents at risk with no route to any safe place");
    r.count("cars", cars_, "households that evacuated by car", "vehicles");

    std::vector<std::int64_t> hist = arrival_minute_;
    comm_->allreduce_sum(hist);
    std::int64_t n = 0;
    double total = 0.0;
    std::size_t last = 0;
    for (std::size_t m = 0; m < hist.size(); ++m) {
        n += hist[m];
        total += static_cast<double>(hist[m]) * (static_cast<double>(m) + 0.5) * 60.0;
        if (hist[m] > 0) {
            last = m;
        }
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
    r.value("evacuation_time_mean_s", n > 0 ? total / static_cast<double>(n) : 0.0, "s",
            "mean time from the earthquake to reaching safety (1-minute bins)");
    r.value("evacuation_time_p50_s", quantile(0.5), "s", "median time to reach safety");
    r.value("evacuation_time_p90_s", quantile(0.9), "s",
            "90th percentile of the time to reach safety (upper edge of its 1-minute bin)");
    r.value("clearance_time_s", n > 0 ? (static_cast<double>(last) + 1.0) * 60.0 : 0.0, "s",
            "time the last evacuee reached safety (upper edge of its 1-minute bin)");

    r.count_by_zone("population", population_, "residents at the time of the event");
    r.count_by_zone("at_risk", at_risk_, "residents in the hazard zone at the event");
    r.count_by_zone("deaths_direct", dead_, "residents killed by the tsunami or a collapse");
    r.count_by_zone("deaths_collapse", collapse_dead_, "residents killed by a building collapse");
    r.count_by_zone("trapped", trapped_, "residents trapped in a collapsed building");
    r.count_by_zone("evacuated_safe", safe_, "residents who reached a safe place");
    r.count_by_zone("still_exposed", exposed, "in the hazard zone, alive and not safe at the end");
    r.count_by_zone("not_exposed", not_exposed_, "outside the hazard zone at the event");

    std::vector<std::string> const bands{"under_65", "65_74", "75_plus"};
    auto vec = [](std::array<std::int64_t, 3> const& a) {
        return std::vector<std::int64_t>(a.begin(), a.end());
    };
    std::array<std::int64_t, 3> exposed_age{};
    for (std::size_t b = 0; b < 3; ++b) {
        exposed_age[b] = risk_age_[b] - safe_age_[b] - (dead_age_[b] - collapse_dead_age_[b]);
    }
    r.count_by("age", bands, "population", vec(pop_age_), "residents by age band");
    r.count_by("age", bands, "at_risk", vec(risk_age_), "residents in the hazard zone");
    r.count_by("age", bands, "deaths_direct", vec(dead_age_), "killed by the tsunami or a collapse");
    r.count_by("age", bands, "deaths_collapse", vec(collapse_dead_age_),
               "killed by a building collapse");
    r.count_by("age", bands, "evacuated_safe", vec(safe_age_), "reached a safe place");
    r.count_by("age", bands, "still_exposed", vec(exposed_age), "alive and not safe at the end");

    // Each link's peaks are kept by the rank that owns it (others hold lower or zero values).
    auto const peak_d = flow_.peak_pedestrian_density();
    auto const peak_c = flow_.peak_vehicles();
    std::vector<double> density(peak_d.begin(), peak_d.end());
    std::vector<double> vehicles(peak_c.begin(), peak_c.end());
    auto const& part = world_->partition;
    auto const& g = world_->roads;
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        if (!part.owns(g.target()[e])) { // a ghost's counts are partial between halo exchanges
            density[e] = 0.0;
            vehicles[e] = 0.0;
        }
    }
    comm_->allreduce_max(density);
    comm_->allreduce_max(vehicles);
    r.per_edge("peak_pedestrian_density", std::move(density), "persons/m2",
               "highest pedestrian density on the edge during the run");
    r.per_edge("peak_vehicles", std::move(vehicles), "vehicles",
               "most vehicles on the edge at once during the run");
    std::vector<double> occ(fac.occupancy().begin(), fac.occupancy().end());
    comm_->allreduce_sum(occ); // each site's rank holds its occupancy, the others zero
    r.per_facility("occupancy", std::move(occ), "persons", "evacuees at the facility at the end");
}

} // namespace tsunagi::evacuation
