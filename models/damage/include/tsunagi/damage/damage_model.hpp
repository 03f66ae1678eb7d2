#pragma once
// Surface damage: buildings (shaking collapse by fragility, tsunami damage states), casualties of
// collapse, and roads (debris from collapsed buildings, failed bridges, flooding), with clearing
// crews reopening roads over days. Road state goes to the RoadGraph's EdgeState, so routing and
// movement see it in the same tick.
//
// Sources: fragility.hpp (Cabinet Office 2012 / MEXT collapse rates, Suppasri et al. 2013, TMG
// 2022 / CO casualty method, Ieda et al. 1997 road blocking); docs/models/damage.md.
//
// At the main shock (initialize, t = 0): expected collapses per cell and class from the JMA
// intensity layer; the probability for a person present in a cell to be killed or trapped (world
// layers collapse_death_probability / collapse_trapped_probability, time of day applied) - the
// evacuation model, which owns the residents, draws who; expected tsunami damage states from the
// maximum depth; debris blocking and bridge failures drawn per road link. During the run
// (Decide phase): links close while their water is at least flood_closure_depth_m deep, and
// crews clear debris and repair bridges in priority order (emergency routes first, nearest a depot
// first) - a job can start only where the crew can drive from a depot over open roads.

#include <tsunagi/core/model.hpp>
#include <tsunagi/damage/damage_config.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace tsunagi::damage {

// Why a road link is closed (bits; the link is open when none is set).
enum LinkClosure : std::uint8_t { kDebris = 1, kBridgeDown = 2, kFlooded = 4 };

class DamageModel final : public Model {
public:
    std::string_view name() const override { return "damage"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void check_invariants(TickContext const& ctx) const override;
    void report(Report& r) const override;
    bool replicated() const override { return true; } // world-level state, the same on every rank
    // The static part (stock, links, networks) is rebuilt by initialize(); save/load carry the rest.
    bool checkpointable() const override { return true; }
    void save(CheckpointWriter& w) const override;
    void load(CheckpointReader const& r) override;

    DamageConfig const& config() const noexcept { return cfg_; }
    // A road link: one two-way road segment (its edges in both directions) or a one-way edge.
    std::size_t link_count() const noexcept { return link_edge_.size(); }
    std::uint8_t link_closure(std::size_t link) const { return closure_.at(link); }
    double collapsed_buildings() const noexcept { return collapsed_total_; }
    // Of those, collapsed by liquefaction; and those brought to extensive damage by it.
    double liquefaction_collapsed() const noexcept { return liq_collapsed_; }
    double liquefaction_extensive() const noexcept { return liq_extensive_; }

private:
    // buildings.cpp
    void assess_buildings(TickContext const& ctx);
    // roads.cpp
    void build_links();
    void assess_roads(TickContext const& ctx);
    void check_floods(TickContext const& t);
    void run_crews(TickContext const& t);
    void set_closure(std::size_t link, std::uint8_t bits, bool on);
    void publish_changes();
    void refresh_depot_costs();

    DamageConfig cfg_;
    TimeOfDay time_of_day_ = TimeOfDay::Night;
    World* world_ = nullptr;
    std::uint64_t seed_ = 0;

    // Buildings: per cell and class (float expected counts), and totals per zone.
    std::array<std::vector<float>, kBuildingClasses> stock_;
    std::vector<float> collapse_rate_;              // collapsed / buildings, per cell
    double buildings_total_ = 0.0, collapsed_total_ = 0.0, collapsed_wood_ = 0.0;
    double tsunami_destroyed_ = 0.0, tsunami_washed_ = 0.0;
    double liq_collapsed_ = 0.0, liq_extensive_ = 0.0; // by liquefaction (included in collapsed)
    std::vector<double> zone_collapsed_, zone_tsunami_, zone_liq_;

    // Roads.
    std::vector<EdgeId> link_edge_, link_reverse_; // reverse = kNoEdge for one-way edges
    std::vector<std::uint8_t> closure_;
    std::vector<std::uint8_t> emergency_, bridge_;
    std::vector<std::uint8_t> initial_damage_;     // kDebris / kBridgeDown at the main shock
    std::vector<float> reopened_s_;                // when a damaged link was cleared/repaired
    std::vector<std::uint32_t> flood_offset_;      // CSR: sample cells of floodable links
    std::vector<CellId> flood_cells_;
    std::vector<std::uint32_t> flood_links_;
    std::vector<std::uint32_t> changed_;           // links whose state changed since publishing
    std::int64_t flooded_now_ = 0, flooded_peak_ = 0;

    // Crews.
    struct Crew {
        double free_at_s = 0.0;
        std::int64_t job = -1; // link being worked on
    };
    std::vector<Crew> crews_;
    std::vector<std::uint8_t> job_taken_;
    std::vector<std::uint32_t> pending_;           // damaged links no crew has taken yet
    std::vector<NodeId> depots_;
    RouteTree depot_tree_;
    std::uint64_t depot_tree_version_ = ~0ull;
    std::int64_t cleared_ = 0, repaired_ = 0;
};

} // namespace tsunagi::damage
