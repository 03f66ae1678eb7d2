#include <tsunagi/damage/damage_config.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace tsunagi::damage {

DamageConfig DamageConfig::from(ConfigNode const& n) {
    DamageConfig c;
    auto b = n.child("buildings");
    auto fr = b.child("fragility");
    for (std::size_t k = 0; k < kBuildingClasses; ++k) {
        auto cls = fr.child(kBuildingClassNames[k]);
        c.collapse[k].mu = cls.number("mu", c.collapse[k].mu, Bounds::between(0.0, 10.0));
        c.collapse[k].sigma =
            cls.number("sigma", c.collapse[k].sigma, Bounds{0.0, 5.0, true, false});
    }
    c.tsunami_destroyed_state =
        static_cast<int>(b.integer("tsunami_destroyed_state", c.tsunami_destroyed_state,
                                   Bounds::between(1, 6)));
    auto st = b.child("stock");
    c.persons_per_building =
        st.number("persons_per_building", c.persons_per_building, Bounds{0.1, 1000.0});
    c.wood_share = st.number("wood_share", c.wood_share, Bounds::fraction());
    c.share_wood_pre1962 =
        st.number("share_wood_pre1962", c.share_wood_pre1962, Bounds::fraction());
    c.share_wood_1962_1981 =
        st.number("share_wood_1962_1981", c.share_wood_1962_1981, Bounds::fraction());
    c.share_nonwood_pre1982 =
        st.number("share_nonwood_pre1982", c.share_nonwood_pre1982, Bounds::fraction());
    if (c.share_wood_pre1962 + c.share_wood_1962_1981 > 1.0 + 1e-9) {
        st.fail("share_wood_1962_1981",
                fmt::format("the wooden era shares add up to {} (> 1)",
                            c.share_wood_pre1962 + c.share_wood_1962_1981),
                "lower share_wood_pre1962 or share_wood_1962_1981; the rest is built 1982 or "
                "later");
    }

    auto lq = b.child("liquefaction");
    auto& L = c.liquefaction;
    L.enabled = lq.boolean("enabled", L.enabled);
    L.min_intensity = lq.number("min_intensity", L.min_intensity, Bounds::between(0.0, 7.5));
    auto three = [&](char const* key, std::array<double, 3>& v, Bounds bounds) {
        auto const x = lq.numbers(key, {v[0], v[1], v[2]}, bounds);
        if (x.size() != 3) {
            lq.fail(key, fmt::format("has {} values", x.size()),
                    "give three, for the PL classes low (0-5], high (5-15) and very high (>= 15)");
        }
        std::copy(x.begin(), x.end(), v.begin());
    };
    three("area_share", L.area_share, Bounds::fraction());
    three("settlement_m", L.settlement_m, Bounds::between(0.0, 10.0));
    L.shallow_median_m =
        lq.number("shallow_median_m", L.shallow_median_m, Bounds{0.0, 100.0, true, false});
    L.shallow_beta = lq.number("shallow_beta", L.shallow_beta, Bounds{0.0, 10.0, true, false});
    L.deep_median_m = lq.number("deep_median_m", L.deep_median_m, Bounds{0.0, 1000.0, true, false});
    L.deep_beta = lq.number("deep_beta", L.deep_beta, Bounds{0.0, 10.0, true, false});
    L.complete_share = lq.number("complete_share", L.complete_share, Bounds::fraction());
    L.nonwood_deep_share =
        lq.number("nonwood_deep_share", L.nonwood_deep_share, Bounds::fraction());

    auto ca = n.child("casualties");
    c.casualties = ca.boolean("enabled", c.casualties);
    c.death_rate_wood = ca.number("death_rate_wood", c.death_rate_wood, Bounds::fraction());
    c.death_rate_nonwood =
        ca.number("death_rate_nonwood", c.death_rate_nonwood, Bounds::fraction());
    c.trapped_rate = ca.number("trapped_rate", c.trapped_rate, Bounds::fraction());
    auto in = ca.child("indoor_share");
    c.indoor_night = in.number("night", c.indoor_night, Bounds::fraction());
    c.indoor_day = in.number("day", c.indoor_day, Bounds::fraction());
    c.indoor_evening = in.number("evening", c.indoor_evening, Bounds::fraction());

    auto r = n.child("roads");
    c.debris = r.boolean("debris", c.debris);
    c.debris_ramp_percent =
        r.number("debris_ramp_percent", c.debris_ramp_percent, Bounds::between(0.0, 100.0));
    c.bridges = r.boolean("bridges", c.bridges);
    auto bf = r.child("bridge_fragility");
    c.bridge_failure.mu = bf.number("mu", c.bridge_failure.mu, Bounds::between(0.0, 10.0));
    c.bridge_failure.sigma =
        bf.number("sigma", c.bridge_failure.sigma, Bounds{0.0, 5.0, true, false});
    c.flood_closure = r.boolean("flood_closure", c.flood_closure);
    c.flood_closure_depth_m =
        r.number("flood_closure_depth_m", c.flood_closure_depth_m, Bounds::positive());
    c.flood_period_s = r.number("flood_period_s", c.flood_period_s, Bounds{0.0, 86400.0, true});
    auto cr = r.child("crews");
    c.crews = cr.integer("count", c.crews, Bounds::between(0, 1.0e6));
    c.crew_start_s = cr.number("start_s", c.crew_start_s, Bounds::non_negative());
    c.clear_time_s = cr.number("clear_time_s", c.clear_time_s, Bounds::positive());
    c.bridge_repair_s = cr.number("bridge_repair_s", c.bridge_repair_s, Bounds::positive());
    c.crew_speed_mps = cr.number("speed_mps", c.crew_speed_mps, Bounds::positive());
    c.crew_period_s = cr.number("period_s", c.crew_period_s, Bounds{0.0, 86400.0, true});
    return c;
}

} // namespace tsunagi::damage
