#pragma once
// The `damage:` section. Defaults and their sources are in docs/models/damage.md and
// fragility.hpp.

#include <tsunagi/core/config.hpp>
#include <tsunagi/damage/fragility.hpp>

#include <array>

namespace tsunagi::damage {

struct DamageConfig {
    // Buildings.
    std::array<NormalCurve, kBuildingClasses> collapse = kCollapseCurves;
    int tsunami_destroyed_state = 4;     // DS ≥ this counts as destroyed (4: complete damage, 全壊)
    // Stock where the world has no building layers: buildings = population / persons_per_building.
    double persons_per_building = 2.5;
    double wood_share = 0.6;
    double share_wood_pre1962 = 0.08;
    double share_wood_1962_1981 = 0.22;
    double share_nonwood_pre1982 = 0.30;

    // Liquefaction (fragility.hpp): by PL class low / high / very high.
    struct Liquefaction {
        bool enabled = true;
        double min_intensity = 5.0;       // no liquefaction under weaker shaking ⚠
        std::array<double, 3> area_share{0.05, 0.20, 0.25};         // HAZUS P_ml ⚠ crosswalk
        std::array<double, 3> settlement_m{0.0254, 0.1524, 0.3048}; // HAZUS 1 / 6 / 12 in
        double shallow_median_m = 0.254;                            // HAZUS GF.V.S: 10 in
        double shallow_beta = 1.256;
        double deep_median_m = 12.3444; // HAZUS GF.V.D: 486 in
        double deep_beta = 2.362;
        double complete_share = 0.2;     // of "extensive or complete": complete → 全壊
        double nonwood_deep_share = 1.0; // non-wooden buildings on piles ⚠
    } liquefaction;

    // Casualties of collapse (CO / TMG 2022).
    bool casualties = true;
    double death_rate_wood = 0.0676;     // deaths per collapsed wooden building (at 5 a.m.)
    double death_rate_nonwood = 0.00840; // per collapsed non-wooden building
    double trapped_rate = 0.117;         // trapped per person indoors × collapse rate
    double indoor_night = 1.0;           // share of people indoors at the event
    double indoor_day = 0.95;
    double indoor_evening = 0.90;

    // Roads.
    bool debris = true;
    double debris_ramp_percent = 10.0;
    bool bridges = true;
    NormalCurve bridge_failure{7.0, 0.4}; // in JMA intensity ⚠ (placeholder to sweep)
    bool flood_closure = true;
    double flood_closure_depth_m = 0.5;   // impassable while at least this deep (MLIT: cars stall
                                          // from 0.3 m, adults cannot walk from ~0.5 m ⚠)
    double flood_period_s = 10.0;
    // Clearing crews (道路啓開): from the depots (else the hubs) outwards, emergency routes first.
    std::int64_t crews = 10;
    double crew_start_s = 3600.0;         // mobilisation after the main shock
    double clear_time_s = 7200.0;         // to clear one blocked link
    double bridge_repair_s = 259200.0;    // to make a failed bridge passable (temporary repair)
    double crew_speed_mps = 5.0;          // travel from the depot over open roads
    double crew_period_s = 60.0;

    static DamageConfig from(ConfigNode const& node);
};

} // namespace tsunagi::damage
