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

// EPSG code of the projected CRS the synthetic world uses at (lon, lat): JGD2011 / UTM in Japan,
// WGS 84 / UTM elsewhere.
int utm_epsg_for(double lon, double lat);

} // namespace tsunagi
