#include <string>

#include <tsunagi/logistics/logistics_config.hpp>

namespace tsunagi::logistics {

LogisticsConfig LogisticsConfig::from(ConfigNode const& n) {
    LogisticsConfig c;
    c.enabled = n.boolean("enabled", c.enabled);
    c.period_s = n.number("period_s", c.period_s, Bounds{0.0, 86400.0, true, false});
    auto const p =
        n.choice("policy", {"proportional", "vulnerable_first", "nearest_first"}, "proportional");
    c.policy = p == "vulnerable_first" ? Policy::VulnerableFirst
               : p == "nearest_first"  ? Policy::NearestFirst
                                       : Policy::Proportional;
    c.horizon_days = n.number("horizon_days", c.horizon_days, Bounds{0.0, 30.0, true, false});
    auto w = n.child("unit_kg");
    for (std::size_t i = 0; i < relief::kItemCount; ++i) {
        c.unit_kg[i] = w.number(relief::kItemNames[i], c.unit_kg[i], Bounds{0.0, 1000.0, true});
    }

    auto s = n.child("strategy");
    auto& st = c.strategy;
    st.shelter_stock_days =
        s.number("shelter_stock_days", st.shelter_stock_days, Bounds::between(0.0, 60.0));
    st.warehouse_stock_days =
        s.number("warehouse_stock_days", st.warehouse_stock_days, Bounds::between(0.0, 60.0));
    st.hub_stock_days = s.number("hub_stock_days", st.hub_stock_days, Bounds::between(0.0, 60.0));
    st.plan_fill = s.number("plan_fill", st.plan_fill, Bounds::between(0.0, 5.0));
    st.remote_extra_days =
        s.number("remote_extra_days", st.remote_extra_days, Bounds::between(0.0, 60.0));
    st.remote_travel_s = s.number("remote_travel_s", st.remote_travel_s, Bounds::non_negative());
    st.allergy_stock_share =
        s.number("allergy_stock_share", st.allergy_stock_share, Bounds::fraction());

    auto t = n.child("trucks");
    auto& f = c.trucks;
    f.per_warehouse = t.integer("per_warehouse", f.per_warehouse, Bounds::between(0, 1e5));
    f.per_hub = t.integer("per_hub", f.per_hub, Bounds::between(0, 1e5));
    f.capacity_kg = t.number("capacity_kg", f.capacity_kg, Bounds::positive());
    f.hub_capacity_kg = t.number("hub_capacity_kg", f.hub_capacity_kg, Bounds::positive());
    f.speed_mps = t.number("speed_mps", f.speed_mps, Bounds{0.0, 50.0, true, false});
    f.load_time_s = t.number("load_time_s", f.load_time_s, Bounds::non_negative());
    f.unload_time_s = t.number("unload_time_s", f.unload_time_s, Bounds::non_negative());

    auto d = n.child("depots");
    auto& dp = c.depots;
    dp.warehouse_per_municipality =
        d.boolean("warehouse_per_municipality", dp.warehouse_per_municipality);
    dp.warehouse_staff = d.integer("warehouse_staff", dp.warehouse_staff, Bounds::between(1, 1e6));
    dp.hub_staff = d.integer("hub_staff", dp.hub_staff, Bounds::between(1, 1e6));
    dp.staff_per_bay = d.integer("staff_per_bay", dp.staff_per_bay, Bounds::between(1, 1e6));
    dp.warehouse_target_days =
        d.number("warehouse_target_days", dp.warehouse_target_days, Bounds{0.0, 60.0, true});

    auto u = n.child("supply");
    auto& su = c.supply;
    su.push_start_s = u.number("push_start_s", su.push_start_s, Bounds::non_negative());
    su.pull_start_s = u.number("pull_start_s", su.pull_start_s, Bounds::non_negative());
    if (su.pull_start_s < su.push_start_s) {
        u.fail("pull_start_s", "is before push_start_s (requests follow the push)",
               "set pull_start_s >= push_start_s");
    }
    su.push_factor = u.number("push_factor", su.push_factor, Bounds::between(0.0, 100.0));
    su.stop_s = u.number("stop_s", su.stop_s, Bounds::any());
    auto cap = u.child("capacity_per_day");
    for (std::size_t i = 0; i < relief::kItemCount; ++i) {
        su.capacity_per_day[i] =
            cap.number(relief::kItemNames[i], su.capacity_per_day[i], Bounds::at_least(-1.0));
    }
    return c;
}

} // namespace tsunagi::logistics
