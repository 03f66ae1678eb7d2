#include <tsunagi/lifelines/lifelines_config.hpp>
#include <tsunagi/world/liquefaction.hpp>

#include <cmath>

namespace tsunagi::lifelines {

namespace {
void read_fragility(ConfigNode const& n, IntensityFragility& f) {
    f.mu = n.number("mu", f.mu, Bounds::between(0.0, 10.0));
    f.sigma = n.number("sigma", f.sigma, Bounds{0.0, 5.0, true, false});
}
void read_crews(ConfigNode const& n, CrewConfig& c) {
    c.count = n.integer("count", c.count, Bounds::between(0, 1.0e6));
    c.start_s = n.number("start_s", c.start_s, Bounds::non_negative());
    c.speed_mps = n.number("speed_mps", c.speed_mps, Bounds::positive());
}
} // namespace

LifelinesConfig LifelinesConfig::from(ConfigNode const& n) {
    LifelinesConfig c;
    c.period_s = n.number("period_s", c.period_s, Bounds{0.0, 86400.0, true, false});
    c.persons_per_household =
        n.number("persons_per_household", c.persons_per_household, Bounds{0.5, 20.0});
    c.default_plant_backup_hours = n.number("default_plant_backup_hours",
                                            c.default_plant_backup_hours, Bounds::between(0, 1e4));
    c.crews_need_roads = n.boolean("crews_need_roads", c.crews_need_roads);

    auto p = n.child("power");
    auto& pc = c.power;
    read_fragility(p.child("substation_fragility"), pc.substation);
    pc.substation_flood_depth_m =
        p.number("substation_flood_depth_m", pc.substation_flood_depth_m, Bounds::positive());
    pc.substation_repair_h =
        p.number("substation_repair_h", pc.substation_repair_h, Bounds::positive());
    pc.feeders_per_substation = p.integer("feeders_per_substation", pc.feeders_per_substation,
                                          Bounds::between(1, 64));
    pc.feeder_reach_m = p.number("feeder_reach_m", pc.feeder_reach_m, Bounds::non_negative());
    pc.pole_break_rate = p.number("pole_break_rate", pc.pole_break_rate, Bounds::non_negative());
    pc.households_per_pole =
        p.number("households_per_pole", pc.households_per_pole, Bounds::positive());
    pc.pole_spacing_m = p.number("pole_spacing_m", pc.pole_spacing_m, Bounds::positive());
    pc.pole_repair_h = p.number("pole_repair_h", pc.pole_repair_h, Bounds::positive());
    pc.flood_depth_m = p.number("flood_depth_m", pc.flood_depth_m, Bounds::positive());
    pc.flood_repair_h = p.number("flood_repair_h", pc.flood_repair_h, Bounds::positive());
    read_crews(p.child("crews"), pc.crews);

    auto w = n.child("water");
    auto& wc = c.water;
    read_fragility(w.child("plant_fragility"), wc.plant);
    wc.plant_flood_depth_m =
        w.number("plant_flood_depth_m", wc.plant_flood_depth_m, Bounds::positive());
    wc.plant_repair_h = w.number("plant_repair_h", wc.plant_repair_h, Bounds::positive());
    wc.mains_per_plant =
        w.integer("mains_per_plant", wc.mains_per_plant, Bounds::between(1, 64));
    wc.main_reach_m = w.number("main_reach_m", wc.main_reach_m, Bounds::non_negative());
    auto pd = w.child("pipe_damage");
    wc.damage_a = pd.number("a", wc.damage_a, Bounds::non_negative());
    wc.damage_v0 = pd.number("v0_cm_s", wc.damage_v0, Bounds::non_negative());
    wc.damage_b = pd.number("b", wc.damage_b, Bounds::between(0.1, 5.0));
    wc.pipe_factor = w.number("pipe_factor", wc.pipe_factor, Bounds::non_negative());
    wc.main_factor = w.number("main_factor", wc.main_factor, Bounds::non_negative());
    wc.pipe_km_per_household =
        w.number("pipe_km_per_household", wc.pipe_km_per_household, Bounds::positive());
    wc.main_repairs_per_crew_day =
        w.number("main_repairs_per_crew_day", wc.main_repairs_per_crew_day, Bounds::positive());
    wc.pipe_repairs_per_crew_day =
        w.number("pipe_repairs_per_crew_day", wc.pipe_repairs_per_crew_day, Bounds::positive());
    read_crews(w.child("crews"), wc.crews);

    auto t = n.child("telecom");
    auto& tc = c.telecom;
    read_fragility(t.child("station_fragility"), tc.station);
    tc.station_flood_depth_m =
        t.number("station_flood_depth_m", tc.station_flood_depth_m, Bounds::positive());
    tc.station_repair_h = t.number("station_repair_h", tc.station_repair_h, Bounds::positive());
    tc.default_battery_hours =
        t.number("default_battery_hours", tc.default_battery_hours, Bounds::between(0, 1e4));
    read_crews(t.child("crews"), tc.crews);
    return c;
}

double liquefaction_multiplier(double pl) noexcept {
    constexpr double kByClass[4] = {1.0, 1.8, 3.2, 8.8}; // none, low, high, very high
    return kByClass[liquefaction_class(pl)];
}

double pipe_damage_rate(WaterConfig const& c, double pgv_cm_s, double pl) {
    if (!(pgv_cm_s > c.damage_v0)) {
        return 0.0;
    }
    return c.damage_a * std::pow(pgv_cm_s - c.damage_v0, c.damage_b) *
           liquefaction_multiplier(pl) * c.pipe_factor;
}

double kawakami_outage_share(double r) noexcept {
    if (!(r > 0.0)) {
        return 0.0;
    }
    return 1.0 / (1.0 + 0.307 * std::pow(r, -1.17));
}

} // namespace tsunagi::lifelines
