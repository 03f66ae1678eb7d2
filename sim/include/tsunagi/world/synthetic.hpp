#pragma once
// The embedded synthetic digital twin: a coastal region made from a seed and a few parameters,
// needing no external data. Land lies north of a wavy coastline; towns sit on the coastal plain
// with hills behind them; a lattice of local streets with arterials every few blocks; shelters on
// high ground near each town; supply hubs inland; one prefecture of several municipalities; and a
// simple tsunami field whose water level decays inland and arrives later further from the coast.
// The region grows with the population so density stays realistic: 10^3 to 10^7 residents by one
// parameter (world.synthetic.population). The model is described in docs/models/synthetic.md.

#include <tsunagi/core/config.hpp>
#include <tsunagi/world/world.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace tsunagi {

// What the damage and lifeline layers need from the synthetic region, built on top of the terrain,
// population and roads (docs/models/synthetic.md, "Buildings, ground, bridges and lifelines").
struct SyntheticInfrastructureConfig {
    // Building stock per cell, from the population.
    double persons_per_building = 2.5;      // residents per building (all structures)
    double wood_share_rural = 0.85;         // share of wooden buildings in sparse cells
    double wood_share_dense = 0.35;         //   and at town_density_per_km2
    double share_wood_pre1962 = 0.08;       // era shares within wooden buildings
    double share_wood_1962_1981 = 0.22;
    double share_nonwood_pre1982 = 0.30;    // and within non-wooden ones
    // Ground: Vs30 rises with elevation (lowland alluvium → upland rock); liquefaction-prone
    // lowland near sea level.
    double vs30_lowland_mps = 180.0;
    double vs30_upland_mps = 760.0;
    double vs30_scale_m = 40.0;             // elevation over which Vs30 approaches the upland value
    double liquefaction_pl_max = 20.0;      // PL index at sea level
    double liquefaction_max_elevation_m = 2.0; // no liquefaction above this
    // Rivers (not carved into the terrain): road segments crossing them are bridges.
    std::int64_t rivers = -1;               // -1: one at each boundary between municipalities
    // Lifeline facilities.
    std::int64_t substations = 0;           // 0: one per 15,000 residents, at least one per town
    std::int64_t water_plants = 0;          // 0: one per 60,000 residents, at least one
    std::int64_t base_stations = 0;         // 0: one per 2,000 residents, at least one per town
    double base_station_battery_hours = 3.0;
    double water_plant_backup_hours = 12.0; // generator fuel / gravity storage
    double substation_backup_hours = 0.0;

    static SyntheticInfrastructureConfig from(ConfigNode const& synthetic_node);
};

struct SyntheticConfig {
    std::uint64_t seed = 1;                 // geography seed (independent of the run seed)
    std::int64_t population = 100000;
    double density_per_km2 = 1000.0;        // sets the land area when the extent is automatic
    std::optional<double> coast_length_km;  // automatic from population and density if unset
    std::optional<double> inland_km;
    double cell_size_m = 100.0;
    std::int64_t towns = 0;                 // 0: one per 20,000 residents (at least 1)
    double urban_share = 0.8;               // share of residents in towns, the rest rural
    double town_density_per_km2 = 8000.0;   // peak density in a town centre
    std::int64_t hills = 0;                 // extra hills anywhere inland (besides one behind
                                            // each town and a headland between towns)
    double hill_height_m = 60.0;
    double plain_km = 1.5;                  // mean width of the flat coastal plain
    double plain_slope_m_per_km = 2.5;
    double mountain_slope_m_per_km = 40.0;  // beyond the plain
    double road_spacing_m = 200.0;
    std::int64_t arterial_every = 5;        // every n-th lattice row/column is an arterial
    double street_keep = 0.9;               // probability a local street segment exists
    double street_width_m = 5.0;            // local streets: width (pedestrians use all of it),
    double street_capacity_vph = 600.0;     //   vehicle capacity per direction
    double arterial_width_m = 12.0;
    double arterial_capacity_vph = 1800.0;
    std::int64_t shelters = 0;              // 0: one per 2,500 residents (at least 2)
    double shelter_capacity_ratio = 1.2;    // total shelter capacity ÷ population
    double shelter_min_elevation_m = 12.0;
    std::int64_t evacuation_buildings = -1; // tsunami evacuation buildings in the towns' flooded
                                            // areas; -1: one per 10,000 residents, 0: none
    std::int64_t evacuation_building_capacity = 500;
    double evacuation_building_safe_depth_m = 10.0; // buildings only where the water stays lower
    std::int64_t hubs = 0;                  // 0: one per 10 towns (at least 1)
    double origin_lon = 133.0;              // south-west corner, for the projected CRS
    double origin_lat = 33.2;
    std::string prefecture_code = "99";
    std::string prefecture_name = "Synthetic prefecture";
    // Tsunami field
    double tsunami_height_m = 10.0;         // water level at the coast (mean along the coast)
    double tsunami_decay_km = 1.5;          // e-folding distance of the water level inland
    double tsunami_arrival_s = 900.0;       // earliest arrival at the coast
    double tsunami_arrival_spread_s = 600.0;
    double tsunami_inland_speed_mps = 4.0;
    SyntheticInfrastructureConfig infrastructure;

    // Reads world.synthetic (all keys optional).
    static SyntheticConfig from(ConfigNode const& node);
    // The coast length and inland depth actually used (km).
    double coast_km() const;
    double depth_km() const;
    std::int64_t town_count() const;
    std::int64_t shelter_count() const;
    std::int64_t evacuation_building_count() const;
    std::int64_t hub_count() const;
};

struct SyntheticReport {
    std::size_t dropped_nodes = 0; // road nodes outside the largest connected component
    std::size_t dropped_edges = 0;
};

World make_synthetic_world(SyntheticConfig const& cfg, SyntheticReport* report = nullptr);

// Adds building stock, ground (Vs30, liquefaction), bridges and emergency routes, and lifeline
// facilities to a synthetic world whose terrain, population, zones, roads and shelters exist.
// Called by make_synthetic_world; draws only from the streams SyntheticBuildings and
// SyntheticLifelines, so the rest of the world is unchanged by it.
void add_synthetic_infrastructure(World& w, SyntheticConfig const& cfg);

// EPSG code of the projected CRS the synthetic world uses at (lon, lat): JGD2011 / UTM in Japan,
// WGS 84 / UTM elsewhere.
int utm_epsg_for(double lon, double lat);

} // namespace tsunagi
