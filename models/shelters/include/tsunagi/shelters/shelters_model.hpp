#pragma once
// Shelters over days: who is in each designated shelter (and camps around it), in what
// conditions, and what they need, item by item - posted as demand for the logistics model.
//
// Sources (every parameter and its source in docs/models/shelters.md):
//  - demand norms, Cabinet Office (内閣府) Nankai Trough damage estimate method (2012/2019/2025),
//    物資需要量: food = shelter evacuees × 1.2 × 3 meals/day; drinking water = people without
//    water × 3 L/day; blankets = shelter evacuees × 2; portable toilets ≈ 5 uses/person/day ⚠;
//  - shares of the 65+ and 75+: the catchment residents' (the world's age_65plus_share /
//    age_75plus_share layers, e.g. from census mesh data), else 2020 census (28.6 %, 14.9 %);
//    infants from births ÷ population;
//    the other occupant shares and per-item norms (formula, nappies, medicine) are assumptions ⚠;
//  - household stock of 3 days (Cabinet Office guidance: at least 3 days, a week asked).
//
// Population of shelter s at time t (a documented rule, not a published model):
//   E_s = evacuees who reached s in the evacuation model (summed over ranks), plus those in
//         tsunami evacuation buildings, who move to the nearest shelter;
//   H_s = Σ over the cells c whose nearest shelter is s of residents_c ×
//         (homeless_to_shelter × d_c + lifeline_loss_to_shelter × (1 − d_c) × o_c),
//         d_c = share of the cell's buildings destroyed (collapse and tsunami, damage model),
//         o_c = share without water or power (lifelines model; default_outage_share without it);
//   P_s = max(E_s, H_s) until return_after_s, H_s afterwards - people go home as their lifelines
//         return. Without damage and lifelines layers P_s = E_s throughout.
// Demand per day: meals P·1.2·3·(1 − a), allergy-safe meals P·1.2·3·a, water 3·(P·(1 − w_s) +
// residents at home without water once their household stock is spent), blankets 2 × each rise
// of the shelter's peak population, toilets 5·P·(1 − w_s), formula / nappies / medicine by
// occupant shares; accumulated per shelter in floating point and posted in whole units (the
// whole part of the running total), so posted totals equal norm × person-days exactly.
//
// Replicated: every rank computes the same shelters from replicated inputs (the world's layers)
// and one integer all-reduce of the facilities' occupancy per period (the evacuees, which are
// distributed over ranks).

#include <array>
#include <cstdint>
#include <vector>

#include <tsunagi/core/model.hpp>
#include <tsunagi/shelters/shelters_config.hpp>

namespace tsunagi::shelters {

class SheltersModel final : public Model {
public:
    std::string_view name() const override { return "shelters"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void check_invariants(TickContext const& ctx) const override;
    void report(Report& r) const override;
    bool replicated() const override { return true; }
    bool checkpointable() const override { return true; }
    void save(CheckpointWriter& w) const override;
    void load(CheckpointReader const& r) override;

    SheltersConfig const& config() const noexcept { return cfg_; }
    std::vector<FacilityId> const& shelters() const noexcept { return shelters_; }
    // Population of each shelter (index into shelters()) now.
    std::vector<double> const& population() const noexcept { return persons_; }
    // Whole units of `item` posted so far, all shelters.
    std::int64_t posted(std::size_t item) const noexcept { return posted_[item]; }
    double person_days() const noexcept { return person_days_; }

private:
    void update(TickContext const& t);

    SheltersConfig cfg_;
    World* world_ = nullptr;
    Communicator* comm_ = nullptr;

    std::vector<FacilityId> shelters_;
    std::vector<std::uint32_t> building_shelter_; // per facility: shelter index for evacuation
                                                  // buildings, else ~0u
    std::vector<CellId> cell_;                    // populated cells
    std::vector<double> cell_pop_;
    std::vector<std::uint32_t> cell_shelter_; // nearest shelter
    bool rule_inputs_ = false;                // damage or lifelines layers present
    // Shares of the 65+ and 75+ among each shelter's catchment residents (the world's
    // age_65plus_share / age_75plus_share layers; the occupants' defaults without them).
    std::vector<double> share65_, share75_;

    // State.
    double last_s_ = 0.0;
    std::vector<double> persons_, peak_, water_share_, power_share_;
    std::vector<double> cum_; // running demand, shelters × items
    std::array<std::int64_t, relief::kItemCount> posted_{};
    double person_days_ = 0.0, no_water_days_ = 0.0, no_power_days_ = 0.0, no_supplies_days_ = 0.0;
    double total_peak_ = 0.0, overflow_peak_ = 0.0, total_now_ = 0.0, overflow_now_ = 0.0;
    double aged65_now_ = 0.0, aged75_now_ = 0.0, aged65_at_peak_ = 0.0, aged75_at_peak_ = 0.0;
    std::int64_t over_capacity_peak_ = 0;
    std::vector<double> zone_persons_, zone_overflow_;
};

} // namespace tsunagi::shelters
