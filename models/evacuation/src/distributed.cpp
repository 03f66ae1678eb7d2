// The evacuation model on several ranks (see sim/include/tsunagi/world/partition.hpp).
// A resident lives on the rank that owns the node it waits at, or the target node of the link it
// is on; a car's passengers live with their driver. Each tick, agents that entered a link owned by
// another rank are sent there (one packed message per neighbour), and every rank sends the counts
// of the links it owns to the ranks that feed them (the halo), so node transfers see the same
// start-of-tick counts as on one rank. Rows that left are marked Gone and compacted away now and
// then, keeping the order of the others.

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/routing/route_tree_io.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>

namespace tsunagi::evacuation {

namespace {
constexpr auto kWalking = static_cast<std::uint8_t>(ResidentState::Walking);
constexpr auto kDriving = static_cast<std::uint8_t>(ResidentState::Driving);
constexpr auto kPassenger = static_cast<std::uint8_t>(ResidentState::Passenger);
constexpr auto kSafe = static_cast<std::uint8_t>(ResidentState::Safe);
constexpr auto kGone = static_cast<std::uint8_t>(ResidentState::Gone);
// Passengers sit next to their driver: a household's rows are contiguous when spawned, drivers
// migrate with their passengers right behind them, and compaction keeps the order.
constexpr std::size_t kPassengerWindow = 16;
} // namespace

std::size_t EvacuationModel::neighbour_index(int rank) const {
    auto it = std::lower_bound(neighbours_.begin(), neighbours_.end(), rank);
    if (it == neighbours_.end() || *it != rank) {
        throw ModelError(fmt::format("rank {} is not a neighbour of rank {}", rank,
                                     world_->partition.rank));
    }
    return static_cast<std::size_t>(it - neighbours_.begin());
}

void EvacuationModel::setup_neighbours() {
    auto const& p = world_->partition;
    auto const& g = world_->roads;
    std::map<int, std::vector<EdgeId>> send, recv;
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        int const from = p.owner(g.source()[e]);
        int const to = p.owner(g.target()[e]);
        if (from == to) {
            continue;
        }
        if (to == p.rank) {
            send[from].push_back(e); // we own e; its source's rank needs our counts
        } else if (from == p.rank) {
            recv[to].push_back(e);   // we feed e; its owner tells us its counts
        }
    }
    neighbours_.clear();
    for (auto const& [r, edges] : send) {
        neighbours_.push_back(r);
    }
    for (auto const& [r, edges] : recv) {
        neighbours_.push_back(r);
    }
    std::sort(neighbours_.begin(), neighbours_.end());
    neighbours_.erase(std::unique(neighbours_.begin(), neighbours_.end()), neighbours_.end());
    halo_send_.assign(neighbours_.size(), {});
    halo_recv_.assign(neighbours_.size(), {});
    for (auto& [r, edges] : send) {
        halo_send_[neighbour_index(r)] = std::move(edges); // ascending edge id on both sides
    }
    for (auto& [r, edges] : recv) {
        halo_recv_[neighbour_index(r)] = std::move(edges);
    }
    comm_stats_.neighbours = neighbours_.size();
    comm_stats_.halo_links = 0;
    for (auto const& e : halo_send_) {
        comm_stats_.halo_links += e.size();
    }
}

void EvacuationModel::migrate(std::vector<std::vector<std::size_t>>& rows_by_neighbour) {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    std::vector<Bytes> send(neighbours_.size());
    for (std::size_t k = 0; k < neighbours_.size(); ++k) {
        r.pack(rows_by_neighbour[k], send[k]);
        for (std::size_t row : rows_by_neighbour[k]) {
            state[row] = kGone;
        }
        gone_ += rows_by_neighbour[k].size();
    }
    auto const t0 = std::chrono::steady_clock::now();
    std::vector<Bytes> const recv = comm_->exchange(neighbours_, send);
    comm_stats_.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (std::size_t k = 0; k < send.size(); ++k) {
        comm_stats_.migration_bytes += send[k].size();
        comm_stats_.migrants += rows_by_neighbour[k].size();
    }
    auto const& g = world_->roads;
    for (auto const& buf : recv) {
        if (buf.empty()) {
            continue;
        }
        std::size_t const first = r.unpack_append(buf);
        // New rows go at the end of the store, so the active list stays ascending; rows sent
        // away are Gone, which the list skips and filters.
        for (std::size_t row = first; row < r.size(); ++row) {
            std::uint8_t const s = r.column(state_)[row];
            if (s < kSafe) {
                (s == kPassenger ? riders_ : movers_).add(static_cast<std::uint32_t>(row));
            }
        }
        auto st = r.column(state_);
        auto edge = r.column(edge_);
        auto vehicle = r.column(vehicle_);
        std::size_t driver = first;
        for (std::size_t row = first; row < r.size(); ++row) {
            if (st[row] == kPassenger) {
                vehicle[row] = static_cast<std::uint32_t>(driver); // packed right behind it
                continue;
            }
            driver = row;
            if (st[row] == kWalking || st[row] == kDriving) {
                flow_.add_arrival(edge[row], st[row] == kWalking ? Mode::Pedestrian : Mode::Vehicle,
                                  g);
            }
        }
    }
    if (gone_ > r.size() / 4) {
        compact();
        active_dirty_ = true; // rows moved
    }
    size_chunk_buffers();
}

void EvacuationModel::migrate_entering_remote_links() {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    auto vehicle = r.column(vehicle_);
    auto const& p = world_->partition;
    auto const& g = world_->roads;
    std::vector<std::vector<std::size_t>> out(neighbours_.size());
    for (auto const& c : candidates_) {
        if (c.entered == kNoEdge) {
            continue;
        }
        int const owner = p.owner(g.target()[c.entered]);
        if (owner == p.rank) {
            continue;
        }
        auto& list = out[neighbour_index(owner)];
        list.push_back(c.row);
        if (c.mode == Mode::Vehicle) { // its passengers travel with it
            std::size_t const lo = c.row > kPassengerWindow ? c.row - kPassengerWindow : 0;
            std::size_t const hi = std::min(r.size(), c.row + kPassengerWindow + 1);
            for (std::size_t row = lo; row < hi; ++row) {
                if (state[row] == kPassenger && vehicle[row] == c.row) {
                    list.push_back(row);
                }
            }
        }
    }
    migrate(out);
}

void EvacuationModel::exchange_halo() {
    std::vector<Bytes> send(neighbours_.size());
    for (std::size_t k = 0; k < neighbours_.size(); ++k) {
        auto const& edges = halo_send_[k];
        send[k].resize(edges.size() * 2 * sizeof(std::int32_t));
        std::size_t pos = 0;
        for (EdgeId e : edges) {
            std::int32_t const v[2] = {flow_.pedestrians_on(e), flow_.vehicles_on(e)};
            std::memcpy(send[k].data() + pos, v, sizeof v);
            pos += sizeof v;
        }
    }
    auto const t0 = std::chrono::steady_clock::now();
    std::vector<Bytes> const recv = comm_->exchange(neighbours_, send);
    comm_stats_.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (auto const& b : send) {
        comm_stats_.halo_bytes += b.size();
    }
    auto const& g = world_->roads;
    for (std::size_t k = 0; k < neighbours_.size(); ++k) {
        auto const& edges = halo_recv_[k];
        if (recv[k].size() != edges.size() * 2 * sizeof(std::int32_t)) {
            throw ModelError(fmt::format("halo from rank {}: {} bytes for {} links",
                                         neighbours_[k], recv[k].size(), edges.size()));
        }
        std::size_t pos = 0;
        for (EdgeId e : edges) {
            std::int32_t v[2];
            std::memcpy(v, recv[k].data() + pos, sizeof v);
            pos += sizeof v;
            flow_.set_counts(e, v[0], v[1], g);
        }
    }
}

void EvacuationModel::compact() {
    AgentStore& r = *residents_;
    auto state = r.column(state_);
    std::vector<std::uint8_t> remove(r.size());
    for (std::size_t row = 0; row < r.size(); ++row) {
        remove[row] = state[row] == kGone ? 1 : 0;
    }
    auto const to = r.remove_stable(remove);
    auto st = r.column(state_);
    auto vehicle = r.column(vehicle_);
    for (std::size_t row = 0; row < r.size(); ++row) {
        if (st[row] == kPassenger) {
            std::size_t const d = to[vehicle[row]];
            if (d == AgentStore::kRemoved) {
                throw ModelError(fmt::format("resident {} lost its driver when rows were compacted",
                                             r.ids()[row]));
            }
            vehicle[row] = static_cast<std::uint32_t>(d);
        }
    }
    gone_ = 0;
    ++comm_stats_.compactions;
}

void EvacuationModel::size_chunk_buffers() {
    std::size_t const chunks = chunk_count(residents_->size(), chunk_size_) + 1;
    if (chunk_candidates_.size() < chunks) {
        chunk_candidates_.resize(chunks);
    }
    flow_.prepare_chunks(chunks);
}

// ---- checkpoints (kept here with the other bookkeeping of rows and ranks) -------------------

template <class Self>
auto EvacuationModel::counter_vectors(Self& m) {
    return std::array{std::pair{"population", &m.population_},
                      std::pair{"at_risk", &m.at_risk_},
                      std::pair{"not_exposed", &m.not_exposed_},
                      std::pair{"safe", &m.safe_},
                      std::pair{"dead", &m.dead_},
                      std::pair{"walking", &m.walking_},
                      std::pair{"driving", &m.driving_},
                      std::pair{"stranded", &m.stranded_},
                      std::pair{"collapse_dead", &m.collapse_dead_},
                      std::pair{"trapped", &m.trapped_},
                      std::pair{"arrival_minute", &m.arrival_minute_},
                      std::pair{"shelter_arrivals", &m.shelter_arrivals_}};
}

void EvacuationModel::save(CheckpointWriter& w) const {
    auto f = w.child("flow");
    flow_.save(f);
    save_route_tree(w, "ped_tree", ped_tree_);
    save_route_tree(w, "car_tree", car_tree_);
    w.put("open_seen", open_seen_);
    w.put_value("edge_version", edge_version_);
    w.put("node_facility", node_facility_);
    w.put("facility_full", facility_full_);
    w.put("facility_full_seen", facility_full_seen_);
    for (auto const& [name, v] : counter_vectors(*this)) {
        w.put(name, *v);
    }
    w.put_value("pop_age", pop_age_);
    w.put_value("risk_age", risk_age_);
    w.put_value("safe_age", safe_age_);
    w.put_value("dead_age", dead_age_);
    w.put_value("collapse_dead_age", collapse_dead_age_);
    w.put_value("trapped_drowned", trapped_drowned_);
    w.put_value("unreachable", unreachable_);
    w.put_value("dependents_stranded", dependents_stranded_);
    w.put_value("cars", cars_);
    w.put_value("active_updates", active_updates_);
    w.put_value("gone", gone_);
}

void EvacuationModel::load(CheckpointReader const& r) {
    flow_.load(r.child("flow"));
    load_route_tree(r, "ped_tree", ped_tree_);
    load_route_tree(r, "car_tree", car_tree_);
    r.get("open_seen", open_seen_);
    r.get_value("edge_version", edge_version_);
    r.get("node_facility", node_facility_);
    r.get("facility_full", facility_full_);
    r.get("facility_full_seen", facility_full_seen_);
    for (auto const& [name, v] : counter_vectors(*this)) {
        r.get(name, *v);
    }
    r.get_value("pop_age", pop_age_);
    r.get_value("risk_age", risk_age_);
    r.get_value("safe_age", safe_age_);
    r.get_value("dead_age", dead_age_);
    r.get_value("collapse_dead_age", collapse_dead_age_);
    r.get_value("trapped_drowned", trapped_drowned_);
    r.get_value("unreachable", unreachable_);
    r.get_value("dependents_stranded", dependents_stranded_);
    r.get_value("cars", cars_);
    r.get_value("active_updates", active_updates_);
    r.get_value("gone", gone_);
    active_dirty_ = true;
    size_chunk_buffers();
}

} // namespace tsunagi::evacuation
