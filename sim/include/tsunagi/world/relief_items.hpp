#pragma once
// The relief items and the per-facility layers (World::facility_layers) through which the shelter
// model posts demand and the logistics model answers it: the contract between the two layers, as
// layer_names.hpp is for raster layers. Quantities are whole units (meals, litres, pieces, uses)
// so stocks balance exactly. Norms and their sources: docs/models/shelters.md.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace tsunagi::relief {

enum Item : std::size_t {
    kMeals = 0,    // regular meals
    kAllergyMeals, // allergy-safe meals (a separate item: they cannot be substituted)
    kWaterL,       // drinking water, litres
    kBlankets,
    kInfantFormula, // feeds
    kNappiesInfant,
    kNappiesAdult,
    kToilets,  // portable-toilet uses (bags)
    kMedicine, // medicine / special-diet daily kits
    kItemCount
};

inline constexpr std::array<std::string_view, kItemCount> kItemNames{
    "meals",          "allergy_meals", "water_l", "blankets", "infant_formula",
    "nappies_infant", "nappies_adult", "toilets", "medicine"};
inline constexpr std::array<std::string_view, kItemCount> kItemUnits{
    "meals", "meals", "L", "blankets", "feeds", "nappies", "nappies", "uses", "kits"};

// Per-facility layers (one value per facility; zero for facilities that are not shelters).
// Written by the shelter model every period:
inline constexpr std::string_view kShelterPersons = "shelter_persons";       // in and around it
inline constexpr std::string_view kShelterVulnerable = "shelter_vulnerable"; // 75+, infants, care
// Whole units demanded since the logistics model last took them ("demand.<item>"); the
// logistics model zeroes them when it serves them. Absent logistics, they accumulate.
inline std::string demand_layer(std::size_t item) {
    return "demand." + std::string(kItemNames[item]);
}
// The current need per day ("rate.<item>"), for push estimates and dispatch.
inline std::string rate_layer(std::size_t item) {
    return "rate." + std::string(kItemNames[item]);
}
// Need per person-day of a shelter's population with every lifeline out ("norm.<item>"): the
// planning basis for stockpiles.
inline std::string norm_layer(std::size_t item) {
    return "norm." + std::string(kItemNames[item]);
}
// Written by the logistics model: share of the last period's meals and water demand that was met
// (1 where nothing was asked).
inline constexpr std::string_view kSuppliedShare = "supplied_share";

} // namespace tsunagi::relief
