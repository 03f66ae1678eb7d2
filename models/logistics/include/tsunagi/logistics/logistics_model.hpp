#pragma once
// Relief logistics over days: stock at shelters, municipal warehouses (local hubs, 地域内輸送拠点)
// and wide-area hubs (広域物資輸送拠点); national push support, then pull requests, from
// suppliers whose production can be capped or stop; trucks as agents on the damaged road network;
// the shortfall at each shelter, item by item.
//
// Sources (all parameters in docs/models/logistics.md):
//  - supply chain and timing: Cabinet Office (内閣府) 南海トラフ地震における具体的な応急対策活動に
//    関する計画 - days 1–3 on household and local-government stock, national push support for
//    days 4–7 reaching each prefecture's wide-area hub by day 3, prefectures forward to local
//    hubs and shelters, requests (pull) afterwards; the 8 push items (REFERENCE.md);
//  - stockpile figures: all local governments held 92.8 M meals and 29.7 M L of water
//    (2024-11); Kyoto/Shiga stock ≈ 2 days of expected shelter population (warehouse default);
//  - truck capacities, speeds, handling times, staff and item weights: assumptions ⚠.
//
// The model takes the demand the shelter model posts (World::facility_layers, relief_items.hpp)
// every period, serves it from the shelter's stock and counts the rest as unmet (lost: people go
// without). Trucks (a plain structure-of-arrays, the same on every rank) carry stock
// hub → warehouse → shelter over open roads: each warehouse serves the shelters whose nearest
// reachable warehouse it is (a multi-source shortest-path tree on the reversed graph from all
// warehouses, updated incrementally as damage closes and crews reopen roads), each hub the
// warehouses nearest to it. A shelter no warehouse can reach is isolated. Loading needs a bay
// (handling staff ÷ staff_per_bay); a truck whose next road closes re-routes (a single-target
// tree) or turns back. Mass balance: for every item, stock + on trucks + consumed = initial +
// produced, checked after every tick with --check-invariants.
// Replicated: no randomness, no distributed input; every rank computes the same state.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <tsunagi/core/model.hpp>
#include <tsunagi/logistics/logistics_config.hpp>
#include <tsunagi/routing/route_tree.hpp>

namespace tsunagi::logistics {

class LogisticsModel final : public Model {
public:
    static constexpr std::size_t K = relief::kItemCount;
    enum NodeKind : std::uint8_t { kShelter = 0, kWarehouse = 1, kHub = 2 };
    enum TruckState : std::uint8_t { kIdle = 0, kLoading, kOutbound, kUnloading, kReturning };

    std::string_view name() const override { return "logistics"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void check_invariants(TickContext const& ctx) const override;
    void report(Report& r) const override;
    bool replicated() const override { return true; }
    bool checkpointable() const override { return true; }
    void save(CheckpointWriter& w) const override;
    void load(CheckpointReader const& r) override;

    LogisticsConfig const& config() const noexcept { return cfg_; }
    // Totals so far, all shelters, by item.
    std::int64_t demand(std::size_t item) const noexcept { return demand_[item]; }
    std::int64_t delivered(std::size_t item) const noexcept { return consumed_[item]; }
    std::int64_t unmet(std::size_t item) const noexcept { return unmet_[item]; }
    // Units that reached the hubs from the national supply so far.
    std::int64_t produced(std::size_t item) const noexcept { return produced_[item]; }
    // Unmet units of `item` in phase 0 (days 1–3), 1 (4–7), 2 (8+).
    std::int64_t unmet_in_phase(std::size_t item, std::size_t phase) const {
        return phase_unmet_[phase][item];
    }
    std::size_t shelter_count() const noexcept { return ns_; }
    std::size_t warehouse_count() const noexcept { return nw_; }
    std::size_t hub_count() const noexcept { return nh_; }
    std::size_t truck_count() const noexcept { return trucks_.size(); }
    // Seconds shelter s (in facility order) has been cut off from every warehouse.
    double isolated_s(std::size_t s) const { return isolated_s_.at(s); }
    bool isolated(std::size_t s) const;
    std::int64_t stock(std::size_t node, std::size_t item) const {
        return stock_.at(node * K + item);
    }
    // Mass balance residual of an item (0 when it holds).
    std::int64_t balance(std::size_t item) const;

private:
    struct Truck {
        std::uint32_t home = 0; // node index (warehouse or hub)
        std::uint32_t dest = 0; // node index of the current trip's destination
        std::uint8_t state = kIdle;
        double until_s = 0.0;                 // loading / unloading ends
        double edge_left_s = 0.0;             // time left on the current edge
        std::uint32_t pos = 0;                // index into its path of the node it last passed
        std::uint64_t failed_version = ~0ull; // road state when its last re-route failed
        double km = 0.0;
    };

    void step(TickContext const& t);
    void refresh_routes();
    void link_parents(); // parent_/children_ from the route trees
    void take_demand(double now, double dt);
    void supply(double now, double dt);
    // trucks.cpp
    void move_trucks(double now, double dt);
    void dispatch(double now);
    void arrive(std::size_t k, double at);
    void unload(std::size_t k, double now);
    bool reroute(std::size_t k, NodeId to);
    bool dispatch_one(std::size_t k, double now);
    double need_units(std::size_t node, std::size_t item) const;

    LogisticsConfig cfg_;
    std::optional<ConfigNode> section_;
    World* world_ = nullptr;
    bool active_ = false;

    // Nodes: shelters [0, ns), warehouses [ns, ns + nw), hubs [ns + nw, ...).
    std::size_t ns_ = 0, nw_ = 0, nh_ = 0;
    std::vector<std::uint8_t> kind_;
    std::vector<NodeId> road_;
    std::vector<FacilityId> fac_; // kNoFacility for added warehouses
    std::vector<std::size_t> zone_;
    std::vector<std::int32_t> bays_;
    std::vector<std::uint32_t> parent_; // shelter → warehouse, warehouse → hub (~0u: none)
    std::vector<std::vector<std::uint32_t>> children_; // the reverse of parent_
    std::vector<std::uint8_t> remote_;
    std::vector<std::int64_t> stock_, in_transit_; // nodes × items
    std::vector<double> rate_;                     // nodes × items: need per day (shelters)
    std::vector<double> supply_cum_;               // hubs × items: fractional production

    // Routing.
    std::vector<float> cost_;
    std::vector<std::uint8_t> open_seen_;
    std::uint64_t version_seen_ = ~0ull;
    RouteTree wtree_, htree_;
    std::vector<std::uint32_t> node_warehouse_, node_hub_; // road node → node index (~0u)

    // Trucks.
    std::vector<Truck> trucks_;
    std::vector<std::int64_t> load_; // trucks × items
    std::vector<std::vector<NodeId>> path_;
    std::int64_t trips_ = 0, reroutes_ = 0, turned_back_ = 0;

    // Accounting.
    std::array<std::int64_t, K> initial_{}, produced_{}, consumed_{}, demand_{}, unmet_{};
    std::array<std::array<std::int64_t, K>, 3> phase_demand_{}, phase_unmet_{};
    std::array<double, 3> phase_unmet_person_days_{};
    double unmet_person_days_ = 0.0;
    std::vector<std::int64_t> zone_unmet_, zone_demand_; // zones × items
    std::vector<double> first_delivery_s_;               // shelters; NaN until the first
    std::vector<double> isolated_s_;                     // shelters
    std::vector<std::uint8_t> ever_isolated_;
    std::vector<std::int64_t> blanket_backlog_; // shelters: blankets owed
    std::vector<std::uint8_t> asked_;           // shelters that posted any demand
    std::vector<std::int64_t> deliveries_;      // shelters: loads unloaded
    std::int64_t blankets_late_ = 0;
    double last_s_ = 0.0, end_s_ = 0.0;
};

} // namespace tsunagi::logistics
