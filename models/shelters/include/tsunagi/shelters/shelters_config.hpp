#pragma once
// The `shelters:` section. Defaults and their sources are in docs/models/shelters.md; ⚠ marks
// figures that are assumptions to sweep, not published values.

#include <array>

#include <tsunagi/core/config.hpp>
#include <tsunagi/world/relief_items.hpp>

namespace tsunagi::shelters {

// Needs per person and day (per person for blankets), by item.
struct Norms {
    double meal_factor = 1.2;         // CO method: shelter evacuees × 1.2 (people outside eat too)
    double meals_per_day = 3.0;       // CO method
    double water_l_per_day = 3.0;     // CO method: people without water × 3 L/day
    double blankets_per_person = 2.0; // CO method: shelter evacuees × 2 (once, on arrival)
    double formula_feeds_per_day = 7.0;  // per infant (< 1 year) ⚠
    double infant_nappies_per_day = 8.0; // per child under 3 ⚠
    double adult_nappies_per_day = 5.0;  // per incontinent adult ⚠
    double toilet_uses_per_day = 5.0;    // per person where the shelter has no water ⚠
    double medicine_kits_per_day = 1.0;  // per person on medicine or a special diet ⚠
};

// Who is in a shelter: shares of its population.
struct Occupants {
    double aged_65_share = 0.286;      // 2020 census: 28.6 % aged 65+
    double aged_75_share = 0.149;      // 2020 census: 14.9 % aged 75+
    double infant_share = 0.0066;      // under 1 year (≈ 840k births / 126 M) ⚠
    double under3_share = 0.021;       // under 3 years, in nappies ⚠
    double incontinent_75_share = 0.1; // of the 75+, needing adult nappies ⚠
    double allergy_share = 0.02;       // needing allergy-safe meals ⚠
    double special_needs_share = 0.03; // on medicine or a special diet ⚠
    double care_share = 0.04;          // needing care (counted as vulnerable) ⚠
};

struct SheltersConfig {
    bool enabled = false;
    double period_s = 3600.0;
    // Residents of a destroyed home who go to a shelter, and of an intact home without water or
    // power; the rest stay with relatives, in cars or at home. ⚠ (the CO's 2025 figures give
    // 6.5 M of 12.3 M evacuees in shelters at one week: 0.53)
    double homeless_to_shelter = 0.6;
    double lifeline_loss_to_shelter = 0.15;
    // Tsunami evacuees stay where they arrived until then; afterwards only the rule above counts.
    double return_after_s = 86400.0; // ⚠
    // Without the lifelines model: the share of residents assumed without water and power.
    double default_outage_share = 0.0;
    // Residents at home without water live on their own stock this long, then draw drinking water
    // at their nearest shelter (Cabinet Office: stock at least 3 days, a week asked).
    double household_stock_days = 3.0;
    Norms norms;
    Occupants occupants;

    static SheltersConfig from(ConfigNode const& node);
    // Need per person-day of `item` for a shelter population with no water (the planning basis).
    double per_person_day(std::size_t item) const;
};

} // namespace tsunagi::shelters
