#pragma once
// Lifelines: power, water and telecom networks, their damage by shaking and flooding, the
// dependencies between them (cascades within the tick), and repair crews over days.
//
// Sources (full description and every parameter in docs/models/lifelines.md):
//  - power: outage-causing pole breaks = 0.17155 × wooden collapse rate per pole, and outage of
//    inundated areas (東京都 2022, 首都直下地震等による東京の被害想定, p. 6-60, after the CO method
//    and Hanshin data);
//  - water: pipe damages per km from PGV (Isoyama et al. 2000, 12WCEE paper 1762, ⚠ coefficients
//    as recalled) × liquefaction multiplier by PL (1.0 / 1.8 / 3.2 / 8.8, TMG 2022 p. 6-66);
//    share of customers without water on day 1 = 1 / (1 + 0.307 R^−1.17) (Kawakami 1996, via
//    TMG 2022 p. 6-65); repairs from day 4 at 0.5 repairs per crew-day on mains and 2.0 on
//    distribution pipes (TMG 2022 p. 6-66);
//  - telecom: base stations on the local grid with batteries (3 h ⚠);
//  - facility fragilities, repair times and crew numbers: assumptions (⚠), exposed as keys.
//
// Networks (derived from the world's facilities, so real point data works as well): every
// populated cell (a "service point") is fed by the nearest substation (grid-distance Voronoi),
// through one of its feeders (angular sectors around it); likewise by the nearest water plant
// through one of its mains, and covered by the nearest base station. Where the world has feeder or
// main lines from data (World::lifeline_lines), those replace the derived ones: a point is fed by
// the nearest line (within feeder_reach_m / main_reach_m), each line by its own source, and a
// line is damaged by the shaking along the cells it crosses, over its real length. Where the
// world has no facilities of a kind, the points stand alone: power from their local
// distribution, water pumping and telecom on the point's power with default backup hours.
//
// Dependencies, evaluated in this order every period so a failure cascades within the tick:
// substation → feeder → point (distribution) → power at plants and base stations → plant
// (backup hours of generator fuel / gravity storage) → main → water at the points; base station
// (battery hours) → telecom at the points. The Facilities::open flag of a lifeline facility
// means "undamaged": this model clears it on damage and sets it on repair, and treats a flag
// cleared by anyone else (an event) as a failure to repair.

#include <tsunagi/core/model.hpp>
#include <tsunagi/lifelines/lifelines_config.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace tsunagi::lifelines {

class LifelinesModel final : public Model {
public:
    std::string_view name() const override { return "lifelines"; }
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

    LifelinesConfig const& config() const noexcept { return cfg_; }
    // Shares of the region's households / people served now (for tests and diagnostics).
    double power_served() const noexcept;
    double water_served() const noexcept;
    double telecom_served() const noexcept;
    // The same for one zone (any level).
    double power_served(std::size_t zone) const;
    double water_served(std::size_t zone) const;
    double telecom_served(std::size_t zone) const;

private:
    static constexpr double kNever = std::numeric_limits<double>::quiet_NaN();
    enum Damage : std::uint8_t { kIntact = 0, kShaking = 1, kFlood = 2, kExternal = 3 };
    enum Lifeline : std::uint8_t { kPower = 0, kWater = 1, kTelecom = 2 };

    struct Source { // a substation, water plant or base station
        FacilityId facility;
        CellId cell;
        NodeId node;
        std::uint32_t point;  // its service point (for its own power)
        double backup_h;
        std::uint8_t damage = kIntact;
        bool in_repair = false;
    };
    struct Job {
        std::uint8_t tier;    // 0 facility, 1 feeder/main, 2 service point
        std::uint32_t index;
        double weight;        // customers restored per crew-hour (higher first)
        double work_h;
        NodeId node;
    };
    struct Crew {
        double free_at_s = 0.0;
        std::int64_t tier = -1; // -1: idle
        std::uint32_t index = 0;
        double start_s = 0.0;
        double finish_s = 0.0;
        double work_units = 0.0; // water point jobs: damages being repaired
    };

    // network.cpp
    void build_network();
    // lifelines_model.cpp
    void assess_shaking(TickContext const& ctx);
    void update(TickContext const& t);
    void check_floods();
    void sync_external_failures();
    bool external_change() const;
    void evaluate(double now);
    // crews.cpp
    void run_crews(Lifeline l, double now);
    void complete(Lifeline l, Crew& crew);
    std::vector<Job> jobs(Lifeline l) const;
    void refresh_depot_costs();

    LifelinesConfig cfg_;
    World* world_ = nullptr;
    std::uint64_t seed_ = 0;

    // Service points: populated cells and the cells of lifeline facilities.
    std::vector<CellId> pt_cell_;
    std::vector<double> pt_persons_;
    std::vector<std::uint32_t> pt_zone_;
    std::vector<NodeId> pt_node_;
    std::vector<std::int32_t> pt_feeder_, pt_main_, pt_station_;
    std::vector<std::int32_t> pt_breaks_;       // broken poles in its distribution
    std::vector<std::uint8_t> pt_flooded_;      // distribution destroyed by water, to repair
    std::vector<float> pt_wdamage0_, pt_wdamage_, pt_wshare0_; // pipe damages, outage share
    std::vector<std::uint8_t> pt_in_repair_;    // bit per lifeline
    std::vector<double> pt_unpowered_since_;    // NaN while powered

    std::vector<Source> subs_, plants_, stations_;
    std::vector<std::uint32_t> feeder_source_, main_source_;
    std::vector<double> feeder_km_, main_km_, feeder_persons_, main_persons_;
    std::vector<std::int32_t> feeder_breaks_, main_breaks_;
    std::vector<std::int32_t> feeder_in_repair_, main_in_repair_; // crews at work on them
    std::vector<std::int32_t> feeder_data_,
        main_data_;                               // index in World::lifeline_lines, -1 derived
    std::vector<NodeId> feeder_node_, main_node_; // where crews go to mend them
    std::array<double, 2> off_network_{};         // residents beyond every line's reach
    std::vector<double> station_persons_, plant_persons_, sub_persons_;

    // Evaluated state.
    std::vector<std::uint8_t> pt_power_, pt_telecom_;
    std::vector<float> pt_water_;
    std::vector<double> zone_persons_, zone_power_, zone_water_, zone_telecom_;
    double total_persons_ = 0.0, power_persons_ = 0.0, water_persons_ = 0.0,
           telecom_persons_ = 0.0;
    double power_out_peak_hh_ = 0.0, water_out_peak_ = 0.0, telecom_out_peak_ = 0.0;

    // Damage counts at the shock (and by flooding).
    std::int64_t subs_failed_ = 0, plants_failed_ = 0, stations_failed_ = 0;
    std::int64_t flooded_facilities_ = 0;
    std::int64_t feeders_failed_ = 0, poles_broken_ = 0, mains_failed_ = 0, points_flooded_ = 0;
    double pipe_damages_ = 0.0;
    std::array<std::int64_t, 3> repairs_{};

    // Crews.
    std::array<std::vector<Crew>, 3> crews_;
    std::vector<NodeId> depots_;
    RouteTree depot_tree_;
    std::uint64_t depot_tree_version_ = ~0ull;
};

} // namespace tsunagi::lifelines
