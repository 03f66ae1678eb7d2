#include <tsunagi/shelters/shelters_config.hpp>

namespace tsunagi::shelters {

SheltersConfig SheltersConfig::from(ConfigNode const& n) {
    SheltersConfig c;
    c.enabled = n.boolean("enabled", c.enabled);
    c.period_s = n.number("period_s", c.period_s, Bounds{0.0, 86400.0, true, false});
    c.homeless_to_shelter =
        n.number("homeless_to_shelter", c.homeless_to_shelter, Bounds::fraction());
    c.lifeline_loss_to_shelter =
        n.number("lifeline_loss_to_shelter", c.lifeline_loss_to_shelter, Bounds::fraction());
    c.return_after_s = n.number("return_after_s", c.return_after_s, Bounds::non_negative());
    c.default_outage_share =
        n.number("default_outage_share", c.default_outage_share, Bounds::fraction());
    c.household_stock_days =
        n.number("household_stock_days", c.household_stock_days, Bounds::between(0.0, 365.0));

    auto nn = n.child("norms");
    auto& m = c.norms;
    m.meal_factor = nn.number("meal_factor", m.meal_factor, Bounds::between(0.0, 10.0));
    m.meals_per_day = nn.number("meals_per_day", m.meals_per_day, Bounds::between(0.0, 10.0));
    m.water_l_per_day =
        nn.number("water_l_per_day", m.water_l_per_day, Bounds::between(0.0, 100.0));
    m.blankets_per_person =
        nn.number("blankets_per_person", m.blankets_per_person, Bounds::between(0.0, 10.0));
    m.formula_feeds_per_day =
        nn.number("formula_feeds_per_day", m.formula_feeds_per_day, Bounds::between(0.0, 20.0));
    m.infant_nappies_per_day =
        nn.number("infant_nappies_per_day", m.infant_nappies_per_day, Bounds::between(0.0, 20.0));
    m.adult_nappies_per_day =
        nn.number("adult_nappies_per_day", m.adult_nappies_per_day, Bounds::between(0.0, 20.0));
    m.toilet_uses_per_day =
        nn.number("toilet_uses_per_day", m.toilet_uses_per_day, Bounds::between(0.0, 20.0));
    m.medicine_kits_per_day =
        nn.number("medicine_kits_per_day", m.medicine_kits_per_day, Bounds::between(0.0, 10.0));

    auto o = n.child("occupants");
    auto& p = c.occupants;
    p.aged_65_share = o.number("aged_65_share", p.aged_65_share, Bounds::fraction());
    p.aged_75_share = o.number("aged_75_share", p.aged_75_share, Bounds::fraction());
    if (p.aged_75_share > p.aged_65_share) {
        o.fail("aged_75_share", "is larger than aged_65_share (the 75+ are part of the 65+)",
               "set aged_75_share <= aged_65_share");
    }
    p.infant_share = o.number("infant_share", p.infant_share, Bounds::fraction());
    p.under3_share = o.number("under3_share", p.under3_share, Bounds::fraction());
    p.incontinent_75_share =
        o.number("incontinent_75_share", p.incontinent_75_share, Bounds::fraction());
    p.allergy_share = o.number("allergy_share", p.allergy_share, Bounds::fraction());
    p.special_needs_share =
        o.number("special_needs_share", p.special_needs_share, Bounds::fraction());
    p.care_share = o.number("care_share", p.care_share, Bounds::fraction());
    return c;
}

double SheltersConfig::per_person_day(std::size_t item) const {
    auto const& m = norms;
    auto const& o = occupants;
    switch (item) {
    case relief::kMeals:
        return m.meal_factor * m.meals_per_day * (1.0 - o.allergy_share);
    case relief::kAllergyMeals:
        return m.meal_factor * m.meals_per_day * o.allergy_share;
    case relief::kWaterL:
        return m.water_l_per_day;
    case relief::kBlankets:
        return 0.0; // once per person (blankets_per_person), not per day
    case relief::kInfantFormula:
        return o.infant_share * m.formula_feeds_per_day;
    case relief::kNappiesInfant:
        return o.under3_share * m.infant_nappies_per_day;
    case relief::kNappiesAdult:
        return o.aged_75_share * o.incontinent_75_share * m.adult_nappies_per_day;
    case relief::kToilets:
        return m.toilet_uses_per_day;
    case relief::kMedicine:
        return o.special_needs_share * m.medicine_kits_per_day;
    default:
        return 0.0;
    }
}

} // namespace tsunagi::shelters
