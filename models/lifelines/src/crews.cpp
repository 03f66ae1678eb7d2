// Repair crews of the three lifelines. Each crew works on one job at a time - a facility, one
// break of a trunk (so several crews can mend one feeder or main), or the distribution of one
// service point; jobs are taken in priority order - facilities first, then trunks, then
// distribution -
// and, within a tier, the most customers restored per crew-hour first (ties by index). A job
// starts only when the crews' start time has come, the place is not under water, and (with
// crews_need_roads) a depot can reach it over open roads; travel time is the road distance from
// the nearest depot at the crew speed. Water distribution repairs restore service gradually over
// the job (the damages fall linearly), the others at its end.

#include <tsunagi/lifelines/lifelines_model.hpp>
#include <tsunagi/world/world.hpp>

#include <algorithm>
#include <cmath>

namespace tsunagi::lifelines {

void LifelinesModel::refresh_depot_costs() {
    auto const& g = world_->roads;
    if (depots_.empty() || depot_tree_version_ == g.state().version) {
        return;
    }
    depot_tree_ = build_route_tree(g, depots_, g.length_m(), g.state().open);
    depot_tree_version_ = g.state().version;
}

std::vector<LifelinesModel::Job> LifelinesModel::jobs(Lifeline l) const {
    auto const& depth = world_->tsunami_depth_m.data;
    std::vector<Job> out;
    std::uint8_t const bit = static_cast<std::uint8_t>(1u << l);
    auto facilities = [&](std::vector<Source> const& list, std::vector<double> const& persons,
                          double repair_h, double flood_depth) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto const& s = list[i];
            if (s.damage == kIntact || s.in_repair ||
                static_cast<double>(depth[s.cell]) >= flood_depth) {
                continue;
            }
            out.push_back(Job{0, static_cast<std::uint32_t>(i), persons[i] / repair_h, repair_h,
                              s.node});
        }
    };
    if (l == kPower) {
        auto const& pc = cfg_.power;
        facilities(subs_, sub_persons_, pc.substation_repair_h, pc.substation_flood_depth_m);
        // One job per broken pole, so several crews can work on one feeder.
        for (std::size_t f = 0; f < feeder_source_.size(); ++f) {
            double const h = pc.pole_repair_h;
            for (std::int32_t k = feeder_in_repair_[f]; k < feeder_breaks_[f]; ++k) {
                out.push_back(Job{1, static_cast<std::uint32_t>(f),
                                  feeder_persons_[f] / (feeder_breaks_[f] * h), h,
                                  feeder_node_[f]});
            }
        }
        for (std::size_t p = 0; p < pt_cell_.size(); ++p) {
            bool const wet = static_cast<double>(depth[pt_cell_[p]]) >= pc.flood_depth_m;
            if ((pt_breaks_[p] == 0 && pt_flooded_[p] == 0) || (pt_in_repair_[p] & bit) != 0 ||
                (pt_flooded_[p] != 0 && wet)) {
                continue;
            }
            double const h =
                pt_breaks_[p] * pc.pole_repair_h + (pt_flooded_[p] != 0 ? pc.flood_repair_h : 0.0);
            out.push_back(
                Job{2, static_cast<std::uint32_t>(p), pt_persons_[p] / h, h, pt_node_[p]});
        }
    } else if (l == kWater) {
        auto const& wc = cfg_.water;
        facilities(plants_, plant_persons_, wc.plant_repair_h, wc.plant_flood_depth_m);
        double const main_h = 24.0 / wc.main_repairs_per_crew_day;
        for (std::size_t m = 0; m < main_source_.size(); ++m) {
            for (std::int32_t k = main_in_repair_[m]; k < main_breaks_[m]; ++k) {
                out.push_back(Job{1, static_cast<std::uint32_t>(m),
                                  main_persons_[m] / (main_breaks_[m] * main_h), main_h,
                                  main_node_[m]});
            }
        }
        double const pipe_h = 24.0 / wc.pipe_repairs_per_crew_day;
        for (std::size_t p = 0; p < pt_cell_.size(); ++p) {
            if (!(pt_wdamage_[p] > 0.0f) || (pt_in_repair_[p] & bit) != 0) {
                continue;
            }
            double const h = static_cast<double>(pt_wdamage_[p]) * pipe_h;
            double const restored = pt_persons_[p] * pt_wshare0_[p] * pt_wdamage_[p] /
                                    std::max(1e-12f, pt_wdamage0_[p]);
            out.push_back(Job{2, static_cast<std::uint32_t>(p), restored / h, h, pt_node_[p]});
        }
    } else {
        auto const& tc = cfg_.telecom;
        facilities(stations_, station_persons_, tc.station_repair_h, tc.station_flood_depth_m);
    }
    std::sort(out.begin(), out.end(), [](Job const& a, Job const& b) {
        if (a.tier != b.tier) {
            return a.tier < b.tier;
        }
        if (a.weight != b.weight) {
            return a.weight > b.weight;
        }
        return a.index < b.index;
    });
    return out;
}

void LifelinesModel::complete(Lifeline l, Crew& crew) {
    auto& open = world_->facilities.open();
    std::uint8_t const bit = static_cast<std::uint8_t>(1u << l);
    auto const i = crew.index;
    if (crew.tier == 0) {
        auto& list = l == kPower ? subs_ : l == kWater ? plants_ : stations_;
        list[i].damage = kIntact;
        list[i].in_repair = false;
        open[list[i].facility] = 1;
    } else if (crew.tier == 1) { // one break mended
        --(l == kPower ? feeder_breaks_ : main_breaks_)[i];
        --(l == kPower ? feeder_in_repair_ : main_in_repair_)[i];
    } else if (l == kPower) {
        pt_breaks_[i] = 0;
        pt_flooded_[i] = 0;
        pt_in_repair_[i] &= static_cast<std::uint8_t>(~bit);
    } else {
        pt_wdamage_[i] = 0.0f;
        pt_in_repair_[i] &= static_cast<std::uint8_t>(~bit);
    }
    ++repairs_[l];
    crew.tier = -1;
}

void LifelinesModel::run_crews(Lifeline l, double now) {
    auto& crews = crews_[l];
    if (crews.empty()) {
        return;
    }
    CrewConfig const& cc = l == kPower   ? cfg_.power.crews
                           : l == kWater ? cfg_.water.crews
                                         : cfg_.telecom.crews;
    if (now < cc.start_s) {
        return;
    }
    std::uint8_t const bit = static_cast<std::uint8_t>(1u << l);
    bool const roads = cfg_.crews_need_roads && !depots_.empty();
    for (bool progress = true; progress;) {
        progress = false;
        for (auto& crew : crews) {
            if (crew.tier >= 0 && crew.finish_s <= now) {
                complete(l, crew);
                progress = true;
            }
        }
        if (std::none_of(crews.begin(), crews.end(),
                         [&](Crew const& c) { return c.tier < 0 && c.free_at_s <= now; })) {
            break;
        }
        if (roads) {
            refresh_depot_costs();
        }
        auto const list = jobs(l);
        std::size_t next = 0;
        for (auto& crew : crews) {
            if (crew.tier >= 0 || crew.free_at_s > now) {
                continue;
            }
            // The first job in priority order that the crew can reach.
            double travel_m = 0.0;
            for (; next < list.size(); ++next) {
                NodeId const n = list[next].node;
                if (!roads) {
                    break;
                }
                if (n != kNoNode && std::isfinite(depot_tree_.cost[n])) {
                    travel_m = depot_tree_.cost[n];
                    break;
                }
            }
            if (next >= list.size()) {
                break;
            }
            Job const& j = list[next++];
            double const start = std::max(crew.free_at_s, cc.start_s);
            crew.tier = j.tier;
            crew.index = j.index;
            crew.start_s = start + travel_m / cc.speed_mps;
            crew.finish_s = crew.start_s + j.work_h * 3600.0;
            crew.free_at_s = crew.finish_s;
            if (j.tier == 0) {
                (l == kPower ? subs_ : l == kWater ? plants_ : stations_)[j.index].in_repair = true;
            } else if (j.tier == 1) {
                ++(l == kPower ? feeder_in_repair_ : main_in_repair_)[j.index];
            } else {
                pt_in_repair_[j.index] |= bit;
                crew.work_units = l == kWater ? static_cast<double>(pt_wdamage_[j.index]) : 0.0;
            }
            progress = progress || crew.finish_s <= now;
        }
    }
    // Water distribution repairs restore service as they go; idle crews wait for this tick's end.
    for (auto& crew : crews) {
        if (crew.tier == 2 && l == kWater && now > crew.start_s) {
            double const f = std::clamp((crew.finish_s - now) / (crew.finish_s - crew.start_s), 0.0,
                                        1.0);
            pt_wdamage_[crew.index] = static_cast<float>(crew.work_units * f);
        }
        if (crew.tier < 0) {
            crew.free_at_s = std::max(crew.free_at_s, now);
        }
    }
}

} // namespace tsunagi::lifelines
