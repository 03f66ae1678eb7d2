#include <tsunagi/evacuation/evacuation_config.hpp>

#include <fmt/format.h>

#include <cmath>
#include <numeric>

namespace tsunagi::evacuation {

double death_probability(double depth_m, double mu_m, double sigma_m) noexcept {
    return 0.5 * std::erfc(-(depth_m - mu_m) / (sigma_m * std::sqrt(2.0)));
}

EvacuationConfig EvacuationConfig::from(ConfigNode const& n) {
    EvacuationConfig c;
    if (n.is_map("awareness")) {
        auto a = n.child("awareness");
        c.awareness = "explicit";
        c.shares = {a.number("immediate", 0.0, Bounds::fraction()),
                    a.number("errands", 0.0, Bounds::fraction()),
                    a.number("imminent", 0.0, Bounds::fraction())};
        double const sum = c.shares[0] + c.shares[1] + c.shares[2];
        if (std::abs(sum - 1.0) > 1e-6) {
            n.fail("awareness",
                   fmt::format("the shares immediate + errands + imminent add up to {}", sum),
                   "make the three shares add up to 1, e.g. {immediate: 0.5, errands: 0.4, "
                   "imminent: 0.1}");
        }
    } else {
        c.awareness = n.choice("awareness", {"low", "high", "immediate"}, "low");
        if (c.awareness == "high") {
            c.shares = {0.7, 0.3, 0.0};
        } else if (c.awareness == "immediate") {
            c.shares = {1.0, 0.0, 0.0};
        }
    }
    auto d = n.child("departure_delay_s");
    c.delay_immediate_s = d.number("immediate", c.delay_immediate_s, Bounds::non_negative());
    c.delay_errands_s = d.number("errands", c.delay_errands_s, Bounds::non_negative());
    c.night_extra_s = d.number("night_extra", c.night_extra_s, Bounds::non_negative());
    c.jitter_s = d.number("jitter", c.jitter_s, Bounds::non_negative());
    c.walk_speed_mps = n.number("walk_speed_mps", c.walk_speed_mps, Bounds::between(0.05, 5.0));
    c.walk_speed_spread =
        n.number("walk_speed_spread", c.walk_speed_spread, Bounds{0.0, 1.0, false, true});
    c.night_speed_factor =
        n.number("night_speed_factor", c.night_speed_factor, Bounds{0.0, 1.0, true, false});
    auto cs = n.child("companion_speed_mps");
    c.companion_speed_mps =
        cs.number("children_elderly", c.companion_speed_mps, Bounds::between(0.05, 5.0));
    c.impaired_speed_mps = cs.number("impaired", c.impaired_speed_mps, Bounds::between(0.05, 5.0));
    c.car_share = n.number("car_share", c.car_share, Bounds::fraction());
    c.car_min_distance_m =
        n.number("car_min_distance_m", c.car_min_distance_m, Bounds::non_negative());
    c.dependents_stay =
        n.choice("dependents_without_helper", {"stay", "walk"}, "stay") == "stay";
    c.safe_depth_m = n.number("safe_depth_m", c.safe_depth_m, Bounds::positive());
    c.safe_elevation_m = n.number("safe_elevation_m", c.safe_elevation_m, Bounds::any());
    auto m = n.child("mortality");
    c.mortality_mu_m = m.number("mu_m", c.mortality_mu_m, Bounds::positive());
    c.mortality_sigma_m = m.number("sigma_m", c.mortality_sigma_m, Bounds::positive());
    auto dst = n.child("destinations");
    c.use_shelters = dst.boolean("shelters", c.use_shelters);
    c.use_evacuation_buildings = dst.boolean("evacuation_buildings", c.use_evacuation_buildings);

    auto p = n.child("population");
    c.share_65_74 = p.number("share_65_74", c.share_65_74, Bounds::fraction());
    c.share_75_plus = p.number("share_75_plus", c.share_75_plus, Bounds::fraction());
    if (c.share_65_74 + c.share_75_plus > 1.0) {
        p.fail("share_75_plus", "share_65_74 + share_75_plus exceeds 1",
               "give shares of the whole population that add up to at most 1");
    }
    c.household_sizes = p.numbers("household_sizes", c.household_sizes, Bounds::fraction());
    double const hs = std::accumulate(c.household_sizes.begin(), c.household_sizes.end(), 0.0);
    if (c.household_sizes.empty() || std::abs(hs - 1.0) > 1e-3) {
        p.fail("household_sizes",
               fmt::format("the shares of households of 1, 2, ... persons add up to {}", hs),
               "list shares that add up to 1, e.g. [0.38, 0.281, 0.163, 0.125, 0.051]");
    }
    c.p_care_65_74 = p.number("p_needs_care_65_74", c.p_care_65_74, Bounds::fraction());
    c.p_care_75_plus = p.number("p_needs_care_75_plus", c.p_care_75_plus, Bounds::fraction());
    c.p_dialysis = p.number("p_dialysis", c.p_dialysis, Bounds::fraction());
    c.p_home_oxygen = p.number("p_home_oxygen", c.p_home_oxygen, Bounds::fraction());
    c.p_infant = p.number("p_infant_under_65", c.p_infant, Bounds::fraction());
    c.away_share_day = p.number("away_share_day", c.away_share_day, Bounds::fraction());
    c.away_share_evening = p.number("away_share_evening", c.away_share_evening, Bounds::fraction());

    auto pd = n.child("pedestrians");
    c.pedestrians.v0_mps = pd.number("v0_mps", c.pedestrians.v0_mps, Bounds::between(0.1, 5.0));
    c.pedestrians.gamma = pd.number("gamma", c.pedestrians.gamma, Bounds::positive());
    c.pedestrians.rho_max = pd.number("rho_max", c.pedestrians.rho_max, Bounds::between(0.5, 20.0));
    auto vh = n.child("vehicles");
    c.vehicles.jam_spacing_m =
        vh.number("jam_spacing_m", c.vehicles.jam_spacing_m, Bounds::between(2.0, 50.0));
    c.vehicles.vehicle_area_m2 =
        vh.number("vehicle_area_m2", c.vehicles.vehicle_area_m2, Bounds::non_negative());
    c.vehicles.ped_density_half =
        vh.number("ped_density_half", c.vehicles.ped_density_half, Bounds::positive());
    return c;
}

} // namespace tsunagi::evacuation
