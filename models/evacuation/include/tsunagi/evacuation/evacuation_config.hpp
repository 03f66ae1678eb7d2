#pragma once
// The `evacuation:` section. Defaults and their sources are in docs/models/evacuation.md; the
// Cabinet Office (CO) figures come from ../shared/REFERENCE.md "Tsunami evacuation".

#include <tsunagi/agents/link_flow.hpp>
#include <tsunagi/core/config.hpp>

#include <array>
#include <string>
#include <vector>

namespace tsunagi::evacuation {

// Behaviour classes of the CO method: leave at once, leave after errands, leave only when the
// water arrives (or never).
enum class Behaviour : std::uint8_t { Immediate = 0, Errands = 1, Imminent = 2 };

struct EvacuationConfig {
    // Shares of the three behaviour classes; from `awareness` (low 20/50/30, high 70/30/0,
    // immediate 100/0/0) or given explicitly.
    std::array<double, 3> shares{0.2, 0.5, 0.3};
    std::string awareness = "low";
    double delay_immediate_s = 300.0; // CO: 5 min
    double delay_errands_s = 900.0;   // CO: 15 min
    double night_extra_s = 300.0;     // CO: +5 min at night
    double jitter_s = 120.0;          // uniform ± around the class delay (spreads departures)
    double walk_speed_mps = 0.74;     // CO: 2.65 km/h
    double walk_speed_spread = 0.1;   // household speeds uniform in v·(1 ± spread)
    double night_speed_factor = 0.8;  // CO
    double companion_speed_mps = 0.544; // CO: 1.96 km/h with children or elderly
    double impaired_speed_mps = 0.522;  // CO: 1.88 km/h with a mobility-impaired companion
    double car_share = 0.2;           // share of households that drive, beyond car_min_distance_m
    double car_min_distance_m = 500.0;
    bool dependents_stay = true;      // dependents with no helper stay (else walk slowly)
    double safe_depth_m = 0.3;        // CO: cells needing evacuation; dry enough to be safe
    double safe_elevation_m = 0.0;    // safe ground must also be at least this high
    double mortality_mu_m = 0.651;    // probit fit of the CO depth–mortality points
    double mortality_sigma_m = 0.094;
    bool use_shelters = true;
    bool use_evacuation_buildings = true;
    // Residents (used where the world gives no per-cell figures).
    double share_65_74 = 0.139;       // 2020 census: 65+ 28.6 %, 75+ 14.7 %
    double share_75_plus = 0.147;
    std::vector<double> household_sizes{0.380, 0.281, 0.163, 0.125, 0.051}; // 1..5+ persons
    double p_care_65_74 = 0.03;       // needs care to move (⚠ approximate, see docs)
    double p_care_75_plus = 0.15;
    double p_dialysis = 0.0027;
    double p_home_oxygen = 0.0013;
    double p_infant = 0.03;           // infants among the under-65s
    double away_share_day = 0.45;     // under-65s at work or school at midday
    double away_share_evening = 0.15;
    PedestrianParams pedestrians;
    VehicleParams vehicles;

    static EvacuationConfig from(ConfigNode const& node);
};

// Probit fit of the CO depth–mortality points (0.3 m → 0.01 %, 0.5 m → 4.8 %, 0.7 m → 71.1 %,
// ≥ 1 m → 100 %): P(death | depth d) = Φ((d − μ) / σ), μ = 0.651 m, σ = 0.094 m (least squares on
// Φ⁻¹(p); it gives 0.009 %, 5.4 %, 70.1 %, 99.99 % at those depths).
double death_probability(double depth_m, double mu_m, double sigma_m) noexcept;

} // namespace tsunagi::evacuation
