#pragma once
// Names of the optional World layers that models read or write: the contract between data
// loaders (synthetic generator, GIS loaders) and the models. A model that needs a layer which
// the world does not have falls back to a documented default (see each model's page).

#include <string_view>

namespace tsunagi::layer {

// Building stock: number of buildings per cell by structure and construction era (float counts).
inline constexpr std::string_view kWoodPre1962 = "buildings_wood_pre1962";
inline constexpr std::string_view kWood1962to1981 = "buildings_wood_1962_1981";
inline constexpr std::string_view kWood1982on = "buildings_wood_1982_on";
inline constexpr std::string_view kNonWoodPre1982 = "buildings_nonwood_pre1982";
inline constexpr std::string_view kNonWood1982on = "buildings_nonwood_1982_on";

// Ground.
inline constexpr std::string_view kVs30 = "vs30_mps";                        // m/s
// PGV factor relative to Vs30 = 600 m/s.
inline constexpr std::string_view kSiteAmplification = "site_amplification";
inline constexpr std::string_view kLiquefactionPL = "liquefaction_pl";       // PL index

// Written by the earthquake model (hazard.earthquake).
inline constexpr std::string_view kFaultDistance = "fault_distance_km";
inline constexpr std::string_view kPgv = "pgv_cm_s";            // at the surface
inline constexpr std::string_view kJmaIntensity = "jma_intensity";
inline constexpr std::string_view kOkadaUplift = "okada_uplift_m"; // coseismic vertical motion

// Written by the damage model at the main shock, read by the evacuation model at spawn:
// probabilities for a person present in the cell at the event to be killed / trapped by a
// building collapse (time of day already applied).
inline constexpr std::string_view kCollapseDeathP = "collapse_death_probability";
inline constexpr std::string_view kCollapseTrappedP = "collapse_trapped_probability";
// Collapses by shaking and liquefaction; of those, by liquefaction.
inline constexpr std::string_view kCollapsedBuildings = "buildings_collapsed";
inline constexpr std::string_view kLiquefactionCollapsed = "buildings_collapsed_liquefaction";
inline constexpr std::string_view kWoodCollapseRate = "collapse_rate_wood"; // 0..1, shaking
inline constexpr std::string_view kTsunamiDestroyed = "buildings_destroyed_tsunami";

// Written by the lifelines model every period, read by the shelter model: share of the cell's
// residents with running water / with grid power (1 where the cell has no residents).
inline constexpr std::string_view kWaterService = "water_service";
inline constexpr std::string_view kPowerService = "power_service";

// Per-edge layers (World::edge_layers).
inline constexpr std::string_view kBridge = "bridge";                   // 1 = bridge
inline constexpr std::string_view kEmergencyRoute = "emergency_route";  // 1 = 緊急輸送道路

} // namespace tsunagi::layer
