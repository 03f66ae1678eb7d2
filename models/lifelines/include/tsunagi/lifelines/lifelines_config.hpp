#pragma once
// The `lifelines:` section. Defaults and their sources are in docs/models/lifelines.md; ⚠ marks
// figures that are assumptions to sweep, not published values.

#include <tsunagi/core/config.hpp>

#include <cstdint>

namespace tsunagi::lifelines {

// A probability of failure as a normal CDF in JMA intensity.
struct IntensityFragility {
    double mu = 6.5;
    double sigma = 0.5;
};

// Repair crews of one lifeline.
struct CrewConfig {
    std::int64_t count = 10;
    double start_s = 21600.0;   // when repairs begin after the main shock
    double speed_mps = 5.0;     // travel from a depot over open roads
};

struct PowerConfig {
    IntensityFragility substation{6.5, 0.5};    // ⚠
    double substation_flood_depth_m = 1.0;      // ⚠
    double substation_repair_h = 48.0;          // ⚠
    std::int64_t feeders_per_substation = 6;    // derived feeders (no feeder lines in data)
    double feeder_reach_m = 0.0;                // feeder lines from data serve points this near
                                                // (0: at any distance)
    double pole_break_rate = 0.17155;           // outage-causing breaks per pole × wood collapse
                                                // rate (TMG 2022 p. 6-60, Hanshin)
    double households_per_pole = 5.0;           // ⚠ distribution poles
    double pole_spacing_m = 30.0;               // ⚠ along feeder trunks
    double pole_repair_h = 4.0;                 // crew-hours per broken pole ⚠
    double flood_depth_m = 0.5;                 // distribution lost where at least this deep ⚠
    double flood_repair_h = 8.0;                // crew-hours per flooded cell, once drained ⚠
    CrewConfig crews{20, 10800.0, 5.0};
};

struct WaterConfig {
    IntensityFragility plant{6.7, 0.5};         // ⚠
    double plant_flood_depth_m = 1.0;           // ⚠
    double plant_repair_h = 72.0;               // ⚠
    std::int64_t mains_per_plant = 6;           // derived mains (no main lines in data)
    double main_reach_m = 0.0;                  // main lines from data serve points this near
                                                // (0: at any distance)
    // Standard pipe damage rate (per km) R(v) = a (v − v0)^b for PGV v > v0 (cm/s)
    // (Isoyama et al. 2000, ⚠ as recalled), × the liquefaction multiplier by PL (TMG 2022
    // p. 6-66: 1.0 / 1.8 / 3.2 / 8.8) × pipe_factor.
    double damage_a = 3.11e-3;
    double damage_v0 = 15.0;
    double damage_b = 1.30;
    double pipe_factor = 1.0;                   // pipe type and diameter correction
    double main_factor = 0.3;                   // trunk mains (large ductile pipes) ⚠
    double pipe_km_per_household = 0.012;       // distribution pipes ⚠
    double main_repairs_per_crew_day = 0.5;     // REFERENCE.md (TMG 2022)
    double pipe_repairs_per_crew_day = 2.0;
    CrewConfig crews{30, 259200.0, 5.0};        // repairs start on day 4 (TMG 2022)
};

struct TelecomConfig {
    IntensityFragility station{6.8, 0.5};       // ⚠
    double station_flood_depth_m = 1.0;         // ⚠
    double station_repair_h = 24.0;             // ⚠
    double default_battery_hours = 3.0;         // where the world has no base stations
    CrewConfig crews{10, 10800.0, 5.0};
};

struct LifelinesConfig {
    double period_s = 300.0;
    double persons_per_household = 2.21;        // 2020 census mean
    double default_plant_backup_hours = 12.0;   // where the world has no water plants
    bool crews_need_roads = true;               // a job starts only where a depot can reach it
    PowerConfig power;
    WaterConfig water;
    TelecomConfig telecom;

    static LifelinesConfig from(ConfigNode const& node);
};

// Pipe damages per km for PGV v (cm/s) and liquefaction index PL.
double pipe_damage_rate(WaterConfig const& c, double pgv_cm_s, double pl);
// Liquefaction multiplier by PL (TMG 2022, after the CO method).
double liquefaction_multiplier(double pl) noexcept;
// Kawakami (1996, via TMG 2022 p. 6-65): share of customers without water on day 1 for R pipe
// damages per km: 1 / (1 + 0.307 R^−1.17).
double kawakami_outage_share(double damages_per_km) noexcept;

} // namespace tsunagi::lifelines
