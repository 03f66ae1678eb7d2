#pragma once
// The `logistics:` section. Defaults and their sources are in docs/models/logistics.md; ⚠ marks
// figures that are assumptions to sweep, not published values.

#include <array>
#include <cstdint>

#include <tsunagi/core/config.hpp>
#include <tsunagi/world/relief_items.hpp>

namespace tsunagi::logistics {

enum class Policy : std::uint8_t {
    Proportional,    // the destination with the largest shortfall relative to its daily need
    VulnerableFirst, // the destination with most vulnerable occupants (75+, infants, care)
    NearestFirst     // the nearest destination with a shortfall
};

// Where stock is held before the event (the stockpile strategy).
struct Strategy {
    double shelter_stock_days = 1.0;   // at each shelter, of its planning population's need ⚠
    double warehouse_stock_days = 2.0; // at municipal warehouses, of their shelters' need ⚠
                                       // (Kyoto/Shiga hold ≈ 2 days of expected shelter population)
    double hub_stock_days = 0.0;       // at wide-area hubs
    double plan_fill = 0.25;           // planning population = capacity × plan_fill ⚠
    double remote_extra_days = 0.0;    // extra days at remote shelters (pre-positioning)
    double remote_travel_s = 1200.0;   // a shelter is remote beyond this drive from a warehouse
    double allergy_stock_share = 0.02; // share of stocked meals that are allergy-safe
};

struct Fleet {
    std::int64_t per_warehouse = 4;   // trucks at each municipal warehouse (local delivery) ⚠
    std::int64_t per_hub = 6;         // trucks at each wide-area hub (trunk to warehouses) ⚠
    double capacity_kg = 2000.0;      // 2-t truck ⚠
    double hub_capacity_kg = 10000.0; // 10-t truck ⚠
    double speed_mps = 8.33;          // 30 km/h on damaged roads ⚠
    double load_time_s = 1800.0;      // ⚠
    double unload_time_s = 1200.0;    // ⚠
};

struct Depots {
    bool warehouse_per_municipality = true; // add a warehouse where a municipality has none
    std::int64_t warehouse_staff = 10;      // handling staff ⚠
    std::int64_t hub_staff = 20;            // ⚠
    std::int64_t staff_per_bay = 5;         // staff needed to load one truck at a time ⚠
    double warehouse_target_days = 2.0;     // hub trucks top warehouses up to this ⚠
};

struct Supply {
    double push_start_s = 259200.0; // national push reaches the wide-area hubs by day 3 (CO plan)
    double pull_start_s = 604800.0; // push covers days 4–7, requests (pull) after
    double push_factor = 1.2;       // push estimated from the current need × this ⚠
    double stop_s = -1.0;           // suppliers stop producing (< 0: never)
    // Production capacity per item and day, all hubs together (< 0: unlimited).
    std::array<double, relief::kItemCount> capacity_per_day{-1, -1, -1, -1, -1, -1, -1, -1, -1};
};

struct LogisticsConfig {
    bool enabled = false;
    double period_s = 600.0;
    Policy policy = Policy::Proportional;
    double horizon_days = 1.0; // deliveries top shelters up to this many days of need
    // Item weights (kg per unit) ⚠
    std::array<double, relief::kItemCount> unit_kg{0.35, 0.35, 1.0, 1.5, 0.03,
                                                   0.04, 0.15, 0.1, 0.2};
    Strategy strategy;
    Fleet trucks;
    Depots depots;
    Supply supply;

    static LogisticsConfig from(ConfigNode const& node);
};

} // namespace tsunagi::logistics
