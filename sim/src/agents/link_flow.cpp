#include <tsunagi/agents/link_flow.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/io/checkpoint.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tsunagi {

double PedestrianParams::speed(double rho) const noexcept {
    if (rho <= 0.0) {
        return v0_mps;
    }
    if (rho >= rho_max) {
        return 0.0;
    }
    return v0_mps * (1.0 - std::exp(-gamma * (1.0 / rho - 1.0 / rho_max)));
}

double PedestrianParams::max_specific_flow() const noexcept {
    double const x = critical_density();
    return x * speed(x);
}

double PedestrianParams::critical_density() const noexcept {
    // rho·v(rho) is unimodal on (0, rho_max): golden-section search.
    double a = 1e-6;
    double b = rho_max;
    double const r = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - r * (b - a);
    double d = a + r * (b - a);
    for (int i = 0; i < 200; ++i) {
        if (c * speed(c) > d * speed(d)) {
            b = d;
        } else {
            a = c;
        }
        c = b - r * (b - a);
        d = a + r * (b - a);
    }
    return 0.5 * (a + b);
}

LinkFlow::LinkFlow(RoadGraph const& g, PedestrianParams ped, VehicleParams veh)
    : ped_(ped), veh_(veh), j_max_(ped.max_specific_flow()), rho_crit_(ped.critical_density()) {
    std::size_t const m = g.edge_count();
    area_.assign(m, 0.0f);
    ped_cap_.assign(m, 0.0f);
    car_cap_.assign(m, 0.0f);
    ped_storage_.assign(m, 0.0f);
    car_storage_.assign(m, 0.0f);
    for (std::size_t e = 0; e < m; ++e) {
        double const width = std::max(1.0, static_cast<double>(g.width_m()[e]));
        double const len = static_cast<double>(g.length_m()[e]);
        area_[e] = static_cast<float>(width * len);
        ped_cap_[e] = static_cast<float>(j_max_ * width);
        car_cap_[e] = g.capacity_vph()[e] / 3600.0f;
        // Whole vehicles: a 10 m link holds one car, not 1.33.
        car_storage_[e] = static_cast<float>(
            std::max(1.0, std::floor(len * std::max<double>(1, g.lanes()[e]) / veh.jam_spacing_m)));
        ped_storage_[e] = static_cast<float>(std::max(1.0, width * len * ped.rho_max));
    }
    n_ped_.assign(m, 0);
    n_car_.assign(m, 0);
    nq_ped_.assign(m, 0);
    nq_car_.assign(m, 0);
    tail_ped_.assign(g.length_m().begin(), g.length_m().end());
    tail_car_.assign(g.length_m().begin(), g.length_m().end());
    in_ped_.assign(m, 0);
    in_car_.assign(m, 0);
    out_ped_.assign(m, 0);
    out_car_.assign(m, 0);
    exit_ped_.assign(m, Budget{});
    exit_car_.assign(m, Budget{});
    entry_ped_.assign(m, Budget{});
    entry_car_.assign(m, Budget{});
    ped_receive_.assign(m, 0.0f);
    ped_cap_speed_.assign(m, static_cast<float>(ped.v0_mps));
    car_factor_.assign(m, 1.0f);
    car_speed_.assign(m, 0.0f);
    peak_density_.assign(m, 0.0f);
    peak_cars_.assign(m, 0);
    touched_.assign(m, 0);
    refresh_all(g);
}

double LinkFlow::walkable_area(EdgeId e) const noexcept {
    double const a = area_[e];
    return std::max(0.2 * a, a - veh_.vehicle_area_m2 * n_car_[e]);
}

double LinkFlow::vehicle_capacity(EdgeId e) const noexcept {
    return static_cast<double>(car_cap_[e]) * static_cast<double>(car_factor_[e]);
}

void LinkFlow::refresh(EdgeId e, RoadGraph const& g) {
    double const len = static_cast<double>(g.length_m()[e]);
    double const a_eff = walkable_area(e);
    double const w_eff = a_eff / len;
    // Pedestrians: the queue stands at jam density at the downstream end; the rest of the link
    // holds the moving pedestrians, whose density sets their speed cap.
    double const queue_len = std::min(len, nq_ped_[e] / (ped_.rho_max * w_eff));
    tail_ped_[e] = static_cast<float>(len - queue_len);
    std::int32_t const moving = n_ped_[e] - nq_ped_[e];
    double const moving_area = std::max((len - queue_len) * w_eff, 1e-3);
    double const rho_moving = std::min(ped_.rho_max, moving / moving_area);
    // Cell-transmission sending function: below critical density the moving pedestrians walk at
    // Weidmann's speed; above it a crowd still discharges at capacity from its front, so it
    // advances at J_max / ρ. (Homogeneous congested flow still averages Weidmann's speed: the
    // next link only receives ρ·v(ρ)·width.)
    double cap_speed = ped_.v0_mps;
    if (moving > 0) {
        cap_speed = rho_moving <= rho_crit_ ? ped_.speed(rho_moving) : j_max_ / rho_moving;
    }
    ped_cap_speed_[e] = static_cast<float>(cap_speed);
    // Vehicles: the queue takes jam_spacing per vehicle and lane.
    double const lanes = std::max<double>(1, g.lanes()[e]);
    tail_car_[e] = static_cast<float>(std::max(0.0, len - nq_car_[e] * veh_.jam_spacing_m / lanes));
    double const rho = n_ped_[e] / a_eff; // pedestrians slow vehicles down
    // Receiving rate (cell-transmission supply): capacity up to critical density, then the flow of
    // the congested branch, ρ·v(ρ)·width.
    double const j = rho <= rho_crit_ ? j_max_ : rho * ped_.speed(rho);
    ped_receive_[e] = static_cast<float>(j * w_eff);
    double const cf = std::max(0.2, 1.0 - rho / veh_.ped_density_half);
    double const damage = static_cast<double>(g.state().capacity_factor[e]);
    car_factor_[e] = static_cast<float>(cf * damage);
    car_speed_[e] = static_cast<float>(static_cast<double>(g.free_speed_mps()[e]) * cf);
    peak_density_[e] = std::max(peak_density_[e], static_cast<float>(rho));
    peak_cars_[e] = std::max(peak_cars_[e], n_car_[e]);
    if (!occupancy_out_.empty()) {
        occupancy_out_[e] = n_ped_[e] + n_car_[e];
    }
}

void LinkFlow::publish_occupancy(std::span<std::int32_t> out) {
    if (out.size() != n_ped_.size()) {
        throw ModelError(fmt::format("link flow: an occupancy array of {} for {} links",
                                     out.size(), n_ped_.size()));
    }
    occupancy_out_ = out;
    for (EdgeId e = 0; e < n_ped_.size(); ++e) {
        out[e] = n_ped_[e] + n_car_[e];
    }
}

void LinkFlow::refresh_all(RoadGraph const& g) {
    auto const cap = g.state().capacity_factor;
    capacity_seen_.assign(cap.begin(), cap.end());
    for (EdgeId e = 0; e < n_ped_.size(); ++e) {
        refresh(e, g);
    }
}

void LinkFlow::refresh_capacity_changes(RoadGraph const& g) {
    auto const cap = g.state().capacity_factor;
    if (capacity_seen_.size() != cap.size()) {
        refresh_all(g);
        return;
    }
    for (EdgeId e = 0; e < cap.size(); ++e) {
        if (cap[e] != capacity_seen_[e]) {
            capacity_seen_[e] = cap[e];
            refresh(e, g);
        }
    }
}

void LinkFlow::place(EdgeId e, Mode mode, RoadGraph const& g) {
    (mode == Mode::Pedestrian ? n_ped_ : n_car_)[e] += 1;
    refresh(e, g);
}

void LinkFlow::add_arrival(EdgeId e, Mode mode, RoadGraph const& g) { place(e, mode, g); }

void LinkFlow::set_counts(EdgeId e, std::int32_t pedestrians, std::int32_t vehicles,
                          RoadGraph const& g) {
    n_ped_[e] = pedestrians;
    n_car_[e] = vehicles;
    refresh(e, g);
}

bool LinkFlow::advance(Movers const& m, std::size_t row, AgentId id, Mode mode, float speed,
                       float dt, std::uint32_t tick, RoadGraph const& g,
                       Candidate& out) const noexcept {
    EdgeId const e = m.edge[row];
    if (m.at_end[row] == 0) {
        float const p = m.pos_m[row] + speed * dt;
        m.pos_m[row] = p;
        float const tail = mode == Mode::Pedestrian ? tail_ped_[e] : tail_car_[e];
        if (p < tail) {
            return false;
        }
        m.at_end[row] = 1; // joined the queue (at the very end if there is none)
        m.end_tick[row] = tick;
    }
    out = Candidate{g.target()[e], m.end_tick[row], e, static_cast<std::uint32_t>(row), id, mode};
    return true;
}

void LinkFlow::prepare_chunks(std::size_t chunks) {
    if (removals_.size() < chunks) {
        removals_.resize(chunks);
    }
}

void LinkFlow::remove(std::size_t chunk, EdgeId e, Mode mode) {
    removals_[chunk].items.emplace_back(e, mode);
}

bool LinkFlow::Budget::available(double rate, std::uint32_t now, float dt) noexcept {
    if (tick != now) {
        double const per_tick = rate * static_cast<double>(dt);
        double const add = per_tick * static_cast<double>(now - tick);
        value = static_cast<float>(std::min(static_cast<double>(value) + add, per_tick + 1.0));
        tick = now;
    }
    return value >= 1.0f;
}

bool LinkFlow::exit_available(EdgeId e, Mode mode, std::uint32_t tick, float dt) {
    if (mode == Mode::Pedestrian) {
        double const cap = static_cast<double>(ped_cap_[e]) * walkable_area(e) / area_[e];
        return exit_ped_[e].available(cap, tick, dt);
    }
    return exit_car_[e].available(vehicle_capacity(e), tick, dt);
}

bool LinkFlow::entry_available(EdgeId e, Mode mode, std::uint32_t tick, float dt,
                               RoadGraph const& g) {
    if (g.state().open[e] == 0) {
        return false;
    }
    if (mode == Mode::Pedestrian) {
        double const storage = walkable_area(e) * ped_.rho_max;
        return static_cast<double>(n_ped_[e] + in_ped_[e]) < std::max(1.0, storage) &&
               entry_ped_[e].available(ped_receive_[e], tick, dt);
    }
    return static_cast<float>(n_car_[e] + in_car_[e]) < car_storage_[e] &&
           entry_car_[e].available(vehicle_capacity(e), tick, dt);
}

void LinkFlow::take_exit(EdgeId e, Mode mode) {
    if (mode == Mode::Pedestrian) {
        exit_ped_[e].value -= 1.0f;
        ++out_ped_[e];
    } else {
        exit_car_[e].value -= 1.0f;
        ++out_car_[e];
    }
}

void LinkFlow::take_entry(EdgeId e, Mode mode) {
    if (mode == Mode::Pedestrian) {
        entry_ped_[e].value -= 1.0f;
        ++in_ped_[e];
    } else {
        entry_car_[e].value -= 1.0f;
        ++in_car_[e];
    }
}

void LinkFlow::transfer(std::vector<Candidate>& cands, Movers const& m, RoadGraph const& g,
                        std::uint32_t tick, float dt, ThreadPool const& pool,
                        std::function<Decision(std::uint32_t, NodeId, Mode)> const& decide,
                        std::function<void(std::uint32_t, NodeId, Mode)> const& on_arrive) {
    // Order: node, then end_tick, edge, id (a total order: ids are unique). Sorted as two
    // packed 64-bit keys and an index, then permuted: integer compares on 24-byte elements
    // instead of four-field compares on whole candidates (in congested car evacuations, where
    // every queued car is a candidate every tick, this sort was a third of the run).
    sort_keys_.resize(cands.size());
    for (std::size_t i = 0; i < cands.size(); ++i) {
        Candidate const& c = cands[i];
        sort_keys_[i] = SortKey{(static_cast<std::uint64_t>(c.node) << 32) | c.end_tick,
                                (static_cast<std::uint64_t>(c.edge) << 32) | c.id,
                                static_cast<std::uint32_t>(i)};
    }
    std::sort(sort_keys_.begin(), sort_keys_.end(), [](SortKey const& a, SortKey const& b) {
        return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
    });
    sorted_.resize(cands.size());
    for (std::size_t i = 0; i < cands.size(); ++i) {
        sorted_[i] = cands[sort_keys_[i].index];
    }
    cands.swap(sorted_);
    std::vector<std::size_t> seg;
    for (std::size_t i = 0; i < cands.size(); ++i) {
        if (i == 0 || cands[i].node != cands[i - 1].node) {
            seg.push_back(i);
        }
    }
    seg.push_back(cands.size());
    auto const len = g.length_m();
    auto const src = g.source();
    std::size_t const nseg = seg.size() - 1;
    pool.for_chunks(nseg, 32, [&](Chunk const& ch) {
        std::vector<std::pair<EdgeId, Mode>> blocked;
        for (std::size_t s = ch.begin; s < ch.end; ++s) {
            blocked.clear();
            for (std::size_t i = seg[s]; i < seg[s + 1]; ++i) {
                Candidate& c = cands[i];
                bool const from_link = c.edge != kNoEdge;
                if (from_link) {
                    if (std::find(blocked.begin(), blocked.end(), std::pair{c.edge, c.mode}) !=
                        blocked.end()) {
                        continue; // FIFO: someone ahead on this link is held
                    }
                    if (!exit_available(c.edge, c.mode, tick, dt)) {
                        blocked.emplace_back(c.edge, c.mode);
                        continue;
                    }
                }
                Decision const d = decide(c.row, c.node, c.mode);
                if (d.kind == Decision::Wait ||
                    (d.kind == Decision::Enter && !entry_available(d.next, c.mode, tick, dt, g))) {
                    if (from_link) {
                        blocked.emplace_back(c.edge, c.mode);
                    }
                    continue;
                }
                c.moved = 1;
                float leftover = 0.0f;
                if (from_link) {
                    take_exit(c.edge, c.mode);
                    if (c.end_tick == tick) { // reached the end this tick: keep the overshoot
                        leftover = std::max(0.0f, m.pos_m[c.row] - len[c.edge]);
                    }
                }
                m.node[c.row] = c.node;
                m.at_end[c.row] = 0;
                if (d.kind == Decision::Arrive) {
                    m.edge[c.row] = kNoEdge;
                    m.pos_m[c.row] = 0.0f;
                    on_arrive(c.row, c.node, c.mode);
                    continue;
                }
                if (src[d.next] != c.node) {
                    throw ModelError(fmt::format("link flow: agent {} at node {} told to enter "
                                                 "edge {}, which starts at node {}",
                                                 c.row, c.node, d.next, src[d.next]));
                }
                take_entry(d.next, c.mode);
                m.edge[c.row] = d.next;
                m.pos_m[c.row] = std::min(leftover, 0.999f * len[d.next]);
                c.entered = d.next;
            }
        }
    });
}

void LinkFlow::apply(std::span<Candidate const> cands, RoadGraph const& g) {
    auto touch = [&](EdgeId e) {
        if (!touched_[e]) {
            touched_[e] = 1;
            touched_list_.push_back(e);
        }
    };
    for (auto& list : removals_) {
        for (auto [e, mode] : list.items) {
            --(mode == Mode::Pedestrian ? n_ped_ : n_car_)[e];
            touch(e);
        }
        list.items.clear();
    }
    for (auto const& c : cands) {
        if (c.edge != kNoEdge) {
            touch(c.edge);
        }
        if (c.entered != kNoEdge) {
            touch(c.entered);
        }
    }
    for (EdgeId e : touched_list_) {
        n_ped_[e] += in_ped_[e] - out_ped_[e];
        n_car_[e] += in_car_[e] - out_car_[e];
        in_ped_[e] = in_car_[e] = out_ped_[e] = out_car_[e] = 0;
        nq_ped_[e] = nq_car_[e] = 0;
        if (n_ped_[e] < 0 || n_car_[e] < 0) {
            throw ModelError(fmt::format("link flow: edge {} holds {} pedestrians and {} vehicles",
                                         e, n_ped_[e], n_car_[e]));
        }
    }
    // Everyone waiting at a link's end is a candidate every tick, so the queues are exactly the
    // candidates that did not move.
    for (auto const& c : cands) {
        if (c.edge != kNoEdge && !c.moved) {
            ++(c.mode == Mode::Pedestrian ? nq_ped_ : nq_car_)[c.edge];
        }
    }
    for (EdgeId e : touched_list_) {
        refresh(e, g);
        touched_[e] = 0;
    }
    touched_list_.clear();
}

void LinkFlow::save(CheckpointWriter& w) const {
    w.put("n_ped", n_ped_);
    w.put("n_car", n_car_);
    w.put("nq_ped", nq_ped_);
    w.put("nq_car", nq_car_);
    w.put("tail_ped", tail_ped_);
    w.put("tail_car", tail_car_);
    w.put("exit_ped", exit_ped_);
    w.put("exit_car", exit_car_);
    w.put("entry_ped", entry_ped_);
    w.put("entry_car", entry_car_);
    w.put("ped_cap_speed", ped_cap_speed_);
    w.put("car_speed", car_speed_);
    w.put("car_factor", car_factor_);
    w.put("ped_receive", ped_receive_);
    w.put("peak_density", peak_density_);
    w.put("peak_cars", peak_cars_);
}

void LinkFlow::load(CheckpointReader const& r) {
    r.get("n_ped", n_ped_);
    r.get("n_car", n_car_);
    r.get("nq_ped", nq_ped_);
    r.get("nq_car", nq_car_);
    r.get("tail_ped", tail_ped_);
    r.get("tail_car", tail_car_);
    r.get("exit_ped", exit_ped_);
    r.get("exit_car", exit_car_);
    r.get("entry_ped", entry_ped_);
    r.get("entry_car", entry_car_);
    r.get("ped_cap_speed", ped_cap_speed_);
    r.get("car_speed", car_speed_);
    r.get("car_factor", car_factor_);
    r.get("ped_receive", ped_receive_);
    r.get("peak_density", peak_density_);
    r.get("peak_cars", peak_cars_);
}

} // namespace tsunagi
