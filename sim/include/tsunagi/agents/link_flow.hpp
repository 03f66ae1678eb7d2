#pragma once
// Mesoscopic movement on the road graph, shared by every agent kind that travels (evacuees on
// foot and by car now, trucks and crews later).
//
// Each link is a spatial queue (Gawron 1998; MATSim's QSim): agents travel along the moving part
// of the link and join a queue at its downstream end; the queue discharges at the link's outflow
// capacity, and agents enter the next link only if it has storage left, so queues spill back.
//
// Pedestrians walk at their own free speed, capped by Weidmann's speed–density relation
// (Weidmann 1993, "Transporttechnik der Fussgänger", ETH Zürich, Schriftenreihe IVT 90, the Kladek
// formula): v(ρ) = v0 [1 − exp(−γ (1/ρ − 1/ρmax))], v0 = 1.34 m/s, γ = 1.913 m⁻²,
// ρmax = 5.4 m⁻² (../shared/REFERENCE.md "Pedestrian flow"). ρ is the density of the moving
// pedestrians on the part of the link not taken by the queue, which stands at ρmax. Outflow
// capacity is the maximum specific flow of the same relation (ρ·v(ρ) at its peak, ≈ 1.22 persons
// per metre width per second) times the walkable width; storage is ρmax × walkable area.
//
// Entry into a link is limited by its receiving rate, as in the cell-transmission model
// (Daganzo 1994): the outflow capacity while the link's density is at most critical (where ρ·v(ρ)
// peaks, ≈ 1.75 persons/m²), ρ·v(ρ)·width above it. So a crowd that cannot enter waits upstream,
// a bottleneck is crossed at capacity flow, and homogeneous flow moves at Weidmann's speed on
// both branches of the relation. Likewise, as the model's sending function, an over-critical
// crowd advances at J_max/ρ so its front discharges at capacity.
//
// Vehicles travel at the link's free speed; their queue takes `jam_spacing_m` per vehicle and
// lane; inflow and outflow capacity is the link's capacity (veh/h, scaled by
// EdgeState.capacity_factor); storage is lanes × length / jam spacing (whole vehicles).
//
// Pedestrians and vehicles share links (docs/models/evacuation.md):
//   - each vehicle on a link takes `vehicle_area_m2` of its walkable area (never below 20 %);
//   - vehicles' speed and outflow capacity are scaled by max(0.2, 1 − ρ_ped / ρ_half).
//
// One tick:
//   A. advance (parallel over agents): an agent moves along its link; one that reaches the end,
//      or one that departs from a node, becomes a *candidate* for a node transfer;
//   B. transfer: candidates are sorted by (node, tick they reached the end, link, id) and every
//      node processes its own candidates in that order (nodes in parallel). An agent leaves its
//      link if the link's outflow budget allows, and enters the next link if it has room (counts
//      at the start of the tick plus this tick's entries). Links are FIFO per mode: once an agent
//      is held, those behind it on the same link wait too;
//   C. apply (serial over touched links): counts, speed factors and peak densities are updated.
// Every quantity a thread writes in B belongs to the node it processes (its incoming links'
// outflow, its outgoing links' inflow), so the result does not depend on thread count.

#include <tsunagi/core/parallel.hpp>
#include <tsunagi/core/types.hpp>
#include <tsunagi/world/road_graph.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace tsunagi {

class CheckpointWriter;
class CheckpointReader;

enum class Mode : std::uint8_t { Pedestrian = 0, Vehicle = 1 };

struct PedestrianParams {
    double v0_mps = 1.34;
    double gamma = 1.913;   // 1/m²
    double rho_max = 5.4;   // persons/m²
    // Weidmann speed at density rho (persons/m²); v0 at rho → 0, 0 at rho ≥ rho_max.
    double speed(double rho) const noexcept;
    // Maximum of rho·v(rho) (persons per metre width per second), and where it is reached.
    double max_specific_flow() const noexcept;
    double critical_density() const noexcept;
};

struct VehicleParams {
    double jam_spacing_m = 7.5;     // storage per lane
    double vehicle_area_m2 = 15.0;  // walkable area a vehicle takes from pedestrians
    double ped_density_half = 2.0;  // pedestrian density that halves vehicle speed and capacity
};

// The per-agent data the flow works on (views of an agent store's columns).
struct Movers {
    std::span<EdgeId> edge;          // kNoEdge when not on a link
    std::span<float> pos_m;          // along the link; may exceed its length by the overshoot
    std::span<NodeId> node;          // last node passed (the link's source while on it)
    std::span<std::uint8_t> at_end;  // 1 = waiting at the end of its link
    std::span<std::uint32_t> end_tick;
};

struct Candidate {
    NodeId node;
    std::uint32_t end_tick; // tick it reached the node (departures: the current tick)
    EdgeId edge;            // link it is leaving; kNoEdge for an agent departing from the node
    std::uint32_t row;      // in this rank's store
    AgentId id;             // global: ties are broken by id, so the order is the same on any rank
    Mode mode;
    EdgeId entered = kNoEdge; // set by transfer(): the link it moved onto
    std::uint8_t moved = 0;   // set by transfer(): 1 if it left its link or node
};

// What an agent at a node does next.
struct Decision {
    enum Kind : std::uint8_t { Wait, Enter, Arrive };
    Kind kind = Wait;
    EdgeId next = kNoEdge; // for Enter
};

class LinkFlow {
public:
    LinkFlow() = default;
    LinkFlow(RoadGraph const& g, PedestrianParams ped, VehicleParams veh);

    std::size_t edge_count() const noexcept { return n_ped_.size(); }
    PedestrianParams const& pedestrians() const noexcept { return ped_; }

    // Speed of a pedestrian with free speed v_free on e - Weidmann's speed at the link's density
    // caps it - and of a vehicle on e (m/s), from the counts at the start of the tick.
    float pedestrian_speed(EdgeId e, float v_free) const noexcept {
        return v_free < ped_cap_speed_[e] ? v_free : ped_cap_speed_[e];
    }
    float vehicle_speed(EdgeId e) const noexcept { return car_speed_[e]; }

    // A. Moves agent `row` along its link by `speed * dt`; true if it is (now or still) at the
    // link's end, and then `out` is its candidate. Thread-safe for distinct rows.
    bool advance(Movers const& m, std::size_t row, AgentId id, Mode mode, float speed, float dt,
                 std::uint32_t tick, RoadGraph const& g, Candidate& out) const noexcept;

    // Registers an agent leaving the network from its link (death, removal); applied in apply().
    // Thread-safe: each chunk of rows writes its own list.
    void remove(std::size_t chunk, EdgeId e, Mode mode);
    void prepare_chunks(std::size_t chunks);

    // B. Sorts candidates and lets every node move its agents. `decide(row, node, mode)` is called
    // for each candidate in order, from the thread that owns `node`; it must only touch state of
    // that node or that row. `on_arrive(row, node, mode)` is called after an agent left the
    // network at `node` (its link's outflow was granted).
    void transfer(std::vector<Candidate>& candidates, Movers const& m, RoadGraph const& g,
                  std::uint32_t tick, float dt, ThreadPool const& pool,
                  std::function<Decision(std::uint32_t, NodeId, Mode)> const& decide,
                  std::function<void(std::uint32_t, NodeId, Mode)> const& on_arrive);

    // C. Commits this tick's entries, exits and removals, and refreshes speed factors.
    void apply(std::span<Candidate const> candidates, RoadGraph const& g);

    // Places an agent on a link directly (set-up and tests), counted at once.
    void place(EdgeId e, Mode mode, RoadGraph const& g);

    // Several ranks. An agent that entered a link owned by another rank arrives there with
    // add_arrival() (counted at once, speed factors refreshed); a rank keeps the counts of the
    // links it feeds but does not own ("ghosts") up to date with set_counts() from their owner.
    void add_arrival(EdgeId e, Mode mode, RoadGraph const& g);
    void set_counts(EdgeId e, std::int32_t pedestrians, std::int32_t vehicles, RoadGraph const& g);

    // State, for checks and output.
    std::int32_t pedestrians_on(EdgeId e) const noexcept { return n_ped_[e]; }
    std::int32_t vehicles_on(EdgeId e) const noexcept { return n_car_[e]; }
    std::int32_t pedestrians_queued(EdgeId e) const noexcept { return nq_ped_[e]; }
    std::span<float const> peak_pedestrian_density() const noexcept { return peak_density_; }
    std::span<std::int32_t const> peak_vehicles() const noexcept { return peak_cars_; }
    double pedestrian_capacity(EdgeId e) const noexcept { return ped_cap_[e]; } // persons/s
    double vehicle_capacity(EdgeId e) const noexcept;                           // veh/s now
    double walkable_area(EdgeId e) const noexcept;                              // m² now

    // Recomputes capacities after EdgeState.capacity_factor changed.
    void refresh_all(RoadGraph const& g);
    // The same for only the links whose capacity_factor differs from when it was last seen here
    // (the speed factors depend on nothing else of the road state, and every other change to a
    // link - entries, exits, removals, arrivals - refreshes it at once).
    void refresh_capacity_changes(RoadGraph const& g);

    // Keeps `out[e]` (e.g. the world's EdgeState.occupancy) equal to this flow's pedestrians and
    // vehicles on each link, for the layers that read the road state.
    void publish_occupancy(std::span<std::int32_t> out);

    // Checkpoints: every dynamic array.
    void save(CheckpointWriter& w) const;
    void load(CheckpointReader const& r);

private:
    // A flow budget: capacity accrues every tick, the fraction left over carries on, and an idle
    // link banks at most one tick's worth plus one agent.
    struct Budget {
        float value = 0.0f;
        std::uint32_t tick = 0;
        bool available(double rate, std::uint32_t now, float dt) noexcept;
    };
    void refresh(EdgeId e, RoadGraph const& g);
    std::vector<float> capacity_seen_; // EdgeState.capacity_factor at the last refresh
    bool exit_available(EdgeId e, Mode mode, std::uint32_t tick, float dt);
    bool entry_available(EdgeId e, Mode mode, std::uint32_t tick, float dt, RoadGraph const& g);
    void take_exit(EdgeId e, Mode mode);
    void take_entry(EdgeId e, Mode mode);

    PedestrianParams ped_;
    VehicleParams veh_;
    double j_max_ = 1.0;
    double rho_crit_ = 1.75;
    // static per edge
    std::vector<float> area_, ped_cap_, car_cap_, ped_storage_, car_storage_;
    // dynamic per edge
    std::vector<std::int32_t> n_ped_, n_car_;    // on the link, queue included
    std::vector<std::int32_t> nq_ped_, nq_car_;  // in the queue at its end
    std::vector<float> tail_ped_, tail_car_;     // where the queue starts (m from the source)
    std::vector<std::int32_t> in_ped_, in_car_, out_ped_, out_car_;
    std::vector<Budget> exit_ped_, exit_car_;   // written by the link's target node
    std::vector<Budget> entry_ped_, entry_car_; // written by the link's source node
    std::vector<float> ped_cap_speed_, car_speed_, car_factor_;
    std::vector<float> ped_receive_;            // persons/s the link accepts now
    std::vector<float> peak_density_;
    std::vector<std::int32_t> peak_cars_;
    struct alignas(64) Removals { // per chunk, on its own cache lines (see EvacuationModel)
        std::vector<std::pair<EdgeId, Mode>> items;
    };
    std::vector<Removals> removals_;
    // transfer(): the candidates' sort keys and the sorted copy (kept to reuse their memory).
    struct SortKey {
        std::uint64_t hi, lo; // (node, end_tick), (edge, id)
        std::uint32_t index;
    };
    std::vector<SortKey> sort_keys_;
    std::vector<Candidate> sorted_;
    std::vector<std::uint8_t> touched_;
    std::vector<EdgeId> touched_list_;
    std::span<std::int32_t> occupancy_out_;
};

} // namespace tsunagi
