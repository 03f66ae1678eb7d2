#pragma once
// First evacuation model (foundation): residents spawn from the population cells, wait a
// departure delay, walk at their own free-flow speed along the shortest path to the nearest safe
// place - a designated shelter, or a road node on ground the tsunami never floods deeper than
// safe_depth_m - and die if the water at their position exceeds lethal_depth_m before they
// arrive. No congestion, no behaviour classes: the people-flow issue replaces this model with
// the Cabinet Office behaviour model on a congested network, behind the same seams (resident
// store, route tree, world depth field, KPIs).
//
// Parameters and sources (docs/models/walk.md):
//  - walking speed 0.74 m/s = 2.65 km/h, the mean evacuation walking speed observed in the 2011
//    Great East Japan tsunami, used by the Cabinet Office method (内閣府 2012, 南海トラフ巨大地震の
//    被害想定 津波避難; ../shared/REFERENCE.md "Tsunami evacuation");
//  - departure delay: at least 5 min (the CO method's "immediate" evacuees start after 5 min),
//    exponentially distributed beyond it with a mean of 15 min ("after errands");
//  - a cell needs evacuation if its maximum depth ≥ 0.30 m (CO method); the foundation's death
//    rule is a threshold, depth > 1.0 m (the CO depth-mortality points reach 100 % at 1 m).

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/core/model.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <cstdint>
#include <vector>

namespace tsunagi::evacuation {

enum class ResidentState : std::uint8_t {
    Waiting = 0,    // in the hazard zone, not yet departed (or no route)
    Walking = 1,    // on an edge
    Safe = 2,       // reached a safe place
    Dead = 3,       // reached by water deeper than the lethal depth
    NotExposed = 4, // home outside the hazard zone: never needed to evacuate
};

struct WalkConfig {
    double walk_speed_mps = 0.74;
    double walk_speed_spread = 0.2; // speeds uniform in v·(1 ± spread)
    double delay_min_s = 300.0;
    double delay_mean_s = 900.0;
    double lethal_depth_m = 1.0;
    double safe_depth_m = 0.3;
    bool use_shelters = true;
    static WalkConfig from(ConfigNode const& node);
};

class WalkModel final : public Model {
public:
    std::string_view name() const override { return "evacuation"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void check_invariants(TickContext const& ctx) const override;
    void report(Report& r) const override;

    WalkConfig const& config() const noexcept { return cfg_; }
    RouteTree const& route_tree() const noexcept { return tree_; }
    // Residents processed while waiting or walking, summed over ticks (benchmark work count).
    std::int64_t active_updates() const noexcept { return active_updates_; }

private:
    void walk(Chunk const& c, TickContext const& t);
    void die(std::size_t i, TickContext const& t);
    void arrive(std::size_t i, NodeId at, TickContext const& t);

    WalkConfig cfg_;
    World* world_ = nullptr;
    Communicator* comm_ = nullptr;
    AgentStore* residents_ = nullptr;
    FieldHandle<std::uint8_t> state_;
    FieldHandle<std::uint16_t> zone_;
    FieldHandle<std::uint32_t> home_cell_;
    FieldHandle<std::uint32_t> node_;
    FieldHandle<std::uint32_t> edge_;
    FieldHandle<float> pos_m_;
    FieldHandle<std::uint32_t> depart_tick_;
    FieldHandle<float> speed_mps_;

    RouteTree tree_;
    std::vector<std::uint8_t> is_target_;          // per node
    std::vector<FacilityId> node_facility_;        // per node: the shelter there, if any
    // Per-zone counters, updated atomically on transitions (rare compared with ticks).
    std::vector<std::int64_t> at_risk_, safe_, dead_, walking_, not_exposed_, population_;
    std::int64_t unreachable_ = 0;
    std::int64_t active_updates_ = 0;
    std::vector<std::int64_t> arrival_minute_;     // evacuation-time histogram (1 min bins)
};

} // namespace tsunagi::evacuation
