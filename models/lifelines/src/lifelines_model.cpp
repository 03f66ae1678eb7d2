#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/lifelines/lifelines_model.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <tuple>

namespace tsunagi::lifelines {

namespace {
double normal_cdf(double z) noexcept { return 0.5 * std::erfc(-z / 1.4142135623730951); }

double fails(IntensityFragility const& f, double intensity) noexcept {
    return intensity > 0.0 ? normal_cdf((intensity - f.mu) / f.sigma) : 0.0;
}

// Poisson draw by inversion (λ is small here; capped for safety).
std::int32_t poisson(Rng& r, double lambda) {
    if (!(lambda > 0.0)) {
        return 0;
    }
    if (lambda > 500.0) {
        return static_cast<std::int32_t>(std::llround(lambda));
    }
    double const u = r.uniform();
    double p = std::exp(-lambda);
    double cdf = p;
    std::int32_t k = 0;
    while (u > cdf && k < 10000) {
        ++k;
        p *= lambda / k;
        cdf += p;
    }
    return k;
}

Raster<float> const* find_layer(World const& w, std::string_view name) {
    auto it = w.layers.find(std::string(name));
    return it == w.layers.end() ? nullptr : &it->second;
}
} // namespace

void LifelinesModel::configure(ConfigNode const& section) { cfg_ = LifelinesConfig::from(section); }

void LifelinesModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    seed_ = b.seed();
    auto const ticks = std::max<Tick>(1, std::llround(cfg_.period_s / b.tick_s()));
    // Decide: after the tsunami depth of this tick is written. Every period; and at once in any
    // tick where a lifeline facility was failed from outside (an event), so the cascade it starts
    // is in the state of that very tick.
    b.every(Period::ticks(1), Phase::Decide, "update", [this, ticks](TickContext const& t) {
        // Due when a multiple of the period (in base ticks) falls in this tick, which may be
        // longer than the base tick (scenario.coarse_tick_s).
        Tick const b0 = t.clock.base_of(t.tick), b1 = t.clock.base_of(t.tick + 1);
        if ((b0 + ticks - 1) / ticks * ticks < b1 || external_change()) {
            update(t);
        }
    });

    auto per_zone = [](std::vector<double> const& v) {
        return [&v](std::span<double> out) {
            for (std::size_t z = 0; z < v.size(); ++z) {
                out[z] = v[z];
            }
        };
    };
    auto& rec = b.recorder();
    rec.add_share_series("power_served", "share of households with power",
                         per_zone(zone_power_), per_zone(zone_persons_));
    rec.add_share_series("water_served", "share of residents with running water",
                         per_zone(zone_water_), per_zone(zone_persons_));
    rec.add_share_series("telecom_served", "share of residents with mobile service",
                         per_zone(zone_telecom_), per_zone(zone_persons_));
    rec.add_series("power_outage_households", "households", "households without power",
                   [this](std::span<double> out) {
                       for (std::size_t z = 0; z < zone_persons_.size(); ++z) {
                           out[z] = (zone_persons_[z] - zone_power_[z]) /
                                    cfg_.persons_per_household;
                       }
                   });
    rec.add_series("water_outage_people", "persons", "residents without running water",
                   [this](std::span<double> out) {
                       for (std::size_t z = 0; z < zone_persons_.size(); ++z) {
                           out[z] = zone_persons_[z] - zone_water_[z];
                       }
                   });
}

void LifelinesModel::initialize(TickContext const& ctx) {
    std::size_t const nz = world_->zones.size();
    for (auto* v : {&zone_persons_, &zone_power_, &zone_water_, &zone_telecom_}) {
        v->assign(nz, 0.0);
    }
    build_network();
    assess_shaking(ctx);
    for (std::size_t l = 0; l < 3; ++l) {
        CrewConfig const& c = l == kPower   ? cfg_.power.crews
                              : l == kWater ? cfg_.water.crews
                                            : cfg_.telecom.crews;
        crews_[l].assign(static_cast<std::size_t>(c.count), Crew{c.start_s, -1, 0, 0.0, 0.0, 0.0});
    }
    // Published for the shelter model (layer_names.hpp).
    std::size_t const cells = world_->grid.cells();
    world_->layers[std::string(layer::kWaterService)] =
        Raster<float>(std::string(layer::kWaterService), "1", cells, 1.0f);
    world_->layers[std::string(layer::kPowerService)] =
        Raster<float>(std::string(layer::kPowerService), "1", cells, 1.0f);
    sync_external_failures();
    check_floods();
    evaluate(ctx.time_s);
}

void LifelinesModel::assess_shaking(TickContext const& ctx) {
    World& w = *world_;
    auto const* intensity = find_layer(w, layer::kJmaIntensity);
    if (intensity == nullptr) {
        return; // no earthquake
    }
    auto const* pgv = find_layer(w, layer::kPgv);
    auto const* pl = find_layer(w, layer::kLiquefactionPL);
    auto const* wood = find_layer(w, layer::kWoodCollapseRate);
    auto& open = w.facilities.open();
    auto damage_sources = [&](std::vector<Source>& list, IntensityFragility const& f,
                              Stream stream, std::int64_t& failed) {
        for (auto& s : list) {
            double const p = fails(f, (*intensity)[s.cell]);
            if (p > 0.0 && ctx.rng(stream, s.facility).uniform() < p) {
                s.damage = kShaking;
                open[s.facility] = 0;
                ++failed;
            }
        }
    };
    damage_sources(subs_, cfg_.power.substation, Stream::PowerDamage, subs_failed_);
    damage_sources(plants_, cfg_.water.plant, Stream::WaterDamage, plants_failed_);
    damage_sources(stations_, cfg_.telecom.station, Stream::TelecomDamage, stations_failed_);

    std::size_t const np = pt_cell_.size();
    auto const& pc = cfg_.power;
    auto const& wc = cfg_.water;
    // Pipe damages per km in a cell: PGV (else from the intensity, JMA's definition inverted) and
    // the cell's liquefaction class.
    auto const pipe_rate_at = [&](CellId c) {
        double const v = pgv != nullptr ? static_cast<double>((*pgv)[c])
                                        : std::pow(10.0, ((*intensity)[c] - 2.68) / 1.72);
        return pipe_damage_rate(wc, v, pl != nullptr ? (*pl)[c] : 0.0);
    };
    // Distribution: outage-causing pole breaks (TMG: 0.17155 × wooden collapse rate per pole),
    // pipe damages per km (expected values) and the Kawakami outage share.
    std::vector<double> pt_rate(np, 0.0), pt_wood(np, 0.0);
    for (std::size_t p = 0; p < np; ++p) {
        CellId const c = pt_cell_[p];
        double const households = pt_persons_[p] / cfg_.persons_per_household;
        double const rw = wood != nullptr ? static_cast<double>((*wood)[c]) : 0.0;
        pt_wood[p] = rw;
        double const lambda = households / pc.households_per_pole * pc.pole_break_rate * rw;
        Rng r = ctx.rng(Stream::PowerDamage, (2ull << 32) + c);
        pt_breaks_[p] = poisson(r, lambda);
        poles_broken_ += pt_breaks_[p];
        double const rate = pipe_rate_at(c);
        pt_rate[p] = rate;
        double const km = households * wc.pipe_km_per_household;
        pt_wdamage0_[p] = pt_wdamage_[p] = static_cast<float>(rate * km);
        pt_wshare0_[p] = static_cast<float>(kawakami_outage_share(rate));
        pipe_damages_ += rate * km;
    }
    // Trunks: feeder poles along its length at the mean wooden collapse rate of its customers;
    // mains at the mean pipe damage rate of theirs, × main_factor.
    auto trunk = [&](std::vector<std::int32_t> const& pt_line, std::size_t lines,
                     std::vector<double> const& pt_value, std::vector<double>& mean) {
        mean.assign(lines, 0.0);
        std::vector<double> weight(lines, 0.0);
        for (std::size_t p = 0; p < np; ++p) {
            if (pt_line[p] >= 0) {
                mean[static_cast<std::size_t>(pt_line[p])] += pt_persons_[p] * pt_value[p];
                weight[static_cast<std::size_t>(pt_line[p])] += pt_persons_[p];
            }
        }
        for (std::size_t l = 0; l < lines; ++l) {
            mean[l] = weight[l] > 0.0 ? mean[l] / weight[l] : 0.0;
        }
    };
    // Lines from data: the same relations cell by cell along the line, over its real length.
    auto along = [&](std::int32_t data_line, auto&& per_km) {
        auto const& l = w.lifeline_lines[static_cast<std::size_t>(data_line)];
        double sum = 0.0;
        for (std::size_t i = 0; i < l.cells.size(); ++i) {
            sum += per_km(l.cells[i]) * static_cast<double>(l.metres[i]) / 1000.0;
        }
        return sum;
    };
    std::vector<double> mean;
    trunk(pt_feeder_, feeder_source_.size(), pt_wood, mean);
    for (std::size_t f = 0; f < feeder_source_.size(); ++f) {
        double const poles_per_km = 1000.0 / pc.pole_spacing_m;
        double const lambda =
            feeder_data_[f] >= 0
                ? along(feeder_data_[f],
                        [&](CellId c) {
                            double const rw =
                                wood != nullptr ? static_cast<double>((*wood)[c]) : 0.0;
                            return poles_per_km * pc.pole_break_rate * rw;
                        })
                : feeder_km_[f] * poles_per_km * pc.pole_break_rate * mean[f];
        Rng r = ctx.rng(Stream::PowerDamage, (1ull << 32) + f);
        feeder_breaks_[f] = poisson(r, lambda);
        feeders_failed_ += feeder_breaks_[f] > 0 ? 1 : 0;
        poles_broken_ += feeder_breaks_[f];
    }
    trunk(pt_main_, main_source_.size(), pt_rate, mean);
    for (std::size_t m = 0; m < main_source_.size(); ++m) {
        double const per_main = main_data_[m] >= 0 ? along(main_data_[m], pipe_rate_at)
                                                   : mean[m] * main_km_[m];
        double const lambda = per_main * wc.main_factor;
        Rng r = ctx.rng(Stream::WaterDamage, (1ull << 32) + m);
        main_breaks_[m] = poisson(r, lambda);
        mains_failed_ += main_breaks_[m] > 0 ? 1 : 0;
    }
}

void LifelinesModel::sync_external_failures() {
    auto const& open = world_->facilities.open();
    for (auto* list : {&subs_, &plants_, &stations_}) {
        for (auto& s : *list) {
            if (open[s.facility] == 0 && s.damage == kIntact) {
                s.damage = kExternal;
            }
        }
    }
}

bool LifelinesModel::external_change() const {
    auto const& open = world_->facilities.open();
    for (auto const* list : {&subs_, &plants_, &stations_}) {
        for (auto const& s : *list) {
            if (open[s.facility] == 0 && s.damage == kIntact) {
                return true;
            }
        }
    }
    return false;
}

void LifelinesModel::check_floods() {
    World& w = *world_;
    auto const& depth = w.tsunami_depth_m.data;
    auto& open = w.facilities.open();
    auto flood = [&](std::vector<Source>& list, double threshold) {
        for (auto& s : list) {
            if (s.damage == kIntact && static_cast<double>(depth[s.cell]) >= threshold) {
                s.damage = kFlood;
                open[s.facility] = 0;
                ++flooded_facilities_;
            }
        }
    };
    flood(subs_, cfg_.power.substation_flood_depth_m);
    flood(plants_, cfg_.water.plant_flood_depth_m);
    flood(stations_, cfg_.telecom.station_flood_depth_m);
    for (std::size_t p = 0; p < pt_cell_.size(); ++p) {
        if (pt_flooded_[p] == 0 &&
            static_cast<double>(depth[pt_cell_[p]]) >= cfg_.power.flood_depth_m) {
            pt_flooded_[p] = 1;
            ++points_flooded_;
        }
    }
}

void LifelinesModel::update(TickContext const& t) {
    double const now = t.end_time_s;
    sync_external_failures();
    check_floods();
    // Power first: what it repairs this period counts for the plants and stations it feeds.
    run_crews(kPower, now);
    run_crews(kWater, now);
    run_crews(kTelecom, now);
    evaluate(now);
}

void LifelinesModel::evaluate(double now) {
    std::size_t const np = pt_cell_.size();
    // 1. Power: substation → feeder → distribution at the point.
    std::vector<std::uint8_t> feeder_up(feeder_source_.size(), 0);
    for (std::size_t f = 0; f < feeder_source_.size(); ++f) {
        feeder_up[f] = subs_[feeder_source_[f]].damage == kIntact && feeder_breaks_[f] == 0 ? 1 : 0;
    }
    for (std::size_t p = 0; p < np; ++p) {
        bool const up = (pt_feeder_[p] < 0 || feeder_up[static_cast<std::size_t>(pt_feeder_[p])]) &&
                        pt_breaks_[p] == 0 && pt_flooded_[p] == 0;
        pt_power_[p] = up ? 1 : 0;
        if (up) {
            pt_unpowered_since_[p] = kNever;
        } else if (std::isnan(pt_unpowered_since_[p])) {
            pt_unpowered_since_[p] = now;
        }
    }
    // On backup: grid power at the point, or still within the backup hours since it was lost.
    auto on_power = [&](std::uint32_t p, double backup_h) {
        return pt_power_[p] != 0 || now - pt_unpowered_since_[p] < backup_h * 3600.0;
    };
    // 2. Water: plant (needs power or its backup) → main → distribution pipes.
    std::vector<std::uint8_t> main_up(main_source_.size(), 0);
    for (std::size_t m = 0; m < main_source_.size(); ++m) {
        Source const& s = plants_[main_source_[m]];
        main_up[m] = s.damage == kIntact && on_power(s.point, s.backup_h) && main_breaks_[m] == 0;
    }
    // 3. Telecom: base station (needs power or its battery).
    std::vector<std::uint8_t> station_up(stations_.size(), 0);
    for (std::size_t b = 0; b < stations_.size(); ++b) {
        Source const& s = stations_[b];
        station_up[b] = s.damage == kIntact && on_power(s.point, s.backup_h);
    }
    std::fill(zone_persons_.begin(), zone_persons_.end(), 0.0);
    std::fill(zone_power_.begin(), zone_power_.end(), 0.0);
    std::fill(zone_water_.begin(), zone_water_.end(), 0.0);
    std::fill(zone_telecom_.begin(), zone_telecom_.end(), 0.0);
    total_persons_ = power_persons_ = water_persons_ = telecom_persons_ = 0.0;
    auto* water_layer = &world_->layers.at(std::string(layer::kWaterService));
    auto* power_layer = &world_->layers.at(std::string(layer::kPowerService));
    for (std::size_t p = 0; p < np; ++p) {
        auto const pi = static_cast<std::uint32_t>(p);
        bool const pumped = pt_main_[p] >= 0
                                ? main_up[static_cast<std::size_t>(pt_main_[p])] != 0
                                : on_power(pi, cfg_.default_plant_backup_hours);
        double water = 0.0;
        if (pumped) {
            double const d0 = pt_wdamage0_[p];
            water = d0 > 0.0 ? 1.0 - pt_wshare0_[p] * pt_wdamage_[p] / d0 : 1.0;
        }
        pt_water_[p] = static_cast<float>(water);
        bool const tel = pt_station_[p] >= 0
                             ? station_up[static_cast<std::size_t>(pt_station_[p])] != 0
                             : on_power(pi, cfg_.telecom.default_battery_hours);
        pt_telecom_[p] = tel ? 1 : 0;
        (*water_layer)[pt_cell_[p]] = static_cast<float>(water);
        (*power_layer)[pt_cell_[p]] = pt_power_[p] != 0 ? 1.0f : 0.0f;
        double const persons = pt_persons_[p];
        std::size_t const z = pt_zone_[p];
        zone_persons_[z] += persons;
        zone_power_[z] += pt_power_[p] != 0 ? persons : 0.0;
        zone_water_[z] += persons * water;
        zone_telecom_[z] += tel ? persons : 0.0;
    }
    // Totals in zone order (fixed), and the peaks of the outages.
    for (std::size_t z = 0; z < zone_persons_.size(); ++z) {
        total_persons_ += zone_persons_[z];
        power_persons_ += zone_power_[z];
        water_persons_ += zone_water_[z];
        telecom_persons_ += zone_telecom_[z];
    }
    power_out_peak_hh_ = std::max(power_out_peak_hh_,
                                  (total_persons_ - power_persons_) / cfg_.persons_per_household);
    water_out_peak_ = std::max(water_out_peak_, total_persons_ - water_persons_);
    telecom_out_peak_ = std::max(telecom_out_peak_, total_persons_ - telecom_persons_);
}

double LifelinesModel::power_served() const noexcept {
    return total_persons_ > 0.0 ? power_persons_ / total_persons_ : 1.0;
}
double LifelinesModel::water_served() const noexcept {
    return total_persons_ > 0.0 ? water_persons_ / total_persons_ : 1.0;
}
double LifelinesModel::telecom_served() const noexcept {
    return total_persons_ > 0.0 ? telecom_persons_ / total_persons_ : 1.0;
}

namespace {
// A zone's share, its descendants included.
double zone_share(Zones const& zones, std::vector<double> const& num,
                  std::vector<double> const& den, std::size_t zone) {
    std::vector<double> n(num), d(den);
    zones.aggregate_up(std::span<double>(n));
    zones.aggregate_up(std::span<double>(d));
    return d.at(zone) > 0.0 ? n[zone] / d[zone] : 1.0;
}
} // namespace

double LifelinesModel::power_served(std::size_t zone) const {
    return zone_share(world_->zones, zone_power_, zone_persons_, zone);
}
double LifelinesModel::water_served(std::size_t zone) const {
    return zone_share(world_->zones, zone_water_, zone_persons_, zone);
}
double LifelinesModel::telecom_served(std::size_t zone) const {
    return zone_share(world_->zones, zone_telecom_, zone_persons_, zone);
}

void LifelinesModel::check_invariants(TickContext const& t) const {
    auto const& open = world_->facilities.open();
    for (auto const* list : {&subs_, &plants_, &stations_}) {
        for (auto const& s : *list) {
            if ((s.damage != kIntact) != (open[s.facility] == 0)) {
                throw ModelError(fmt::format("tick {}: lifeline facility {} is {} but its open "
                                             "flag is {}",
                                             t.tick, world_->facilities[s.facility].external_id,
                                             s.damage != kIntact ? "damaged" : "intact",
                                             open[s.facility]));
            }
        }
    }
    for (std::size_t p = 0; p < pt_cell_.size(); ++p) {
        if (!(pt_water_[p] >= 0.0f && pt_water_[p] <= 1.0f) ||
            pt_wdamage_[p] > pt_wdamage0_[p] + 1e-6f || pt_wdamage_[p] < 0.0f) {
            throw ModelError(fmt::format("tick {}: service point {} has water share {} and pipe "
                                         "damage {} of {}",
                                         t.tick, p, pt_water_[p], pt_wdamage_[p], pt_wdamage0_[p]));
        }
    }
    for (double v : {power_persons_, water_persons_, telecom_persons_}) {
        if (v > total_persons_ * (1.0 + 1e-12) + 1e-9 || v < 0.0) {
            throw ModelError(fmt::format("tick {}: {} residents served of {}", t.tick, v,
                                         total_persons_));
        }
    }
}

void LifelinesModel::report(Report& r) const {
    auto whole = [](double v) { return static_cast<std::int64_t>(std::llround(v)); };
    r.count("power_outage_households_peak", whole(power_out_peak_hh_),
            "most households without power at one time", "households");
    r.count("power_outage_households_end",
            whole((total_persons_ - power_persons_) / cfg_.persons_per_household),
            "households without power at the end", "households");
    r.count("water_outage_people_peak", whole(water_out_peak_),
            "most residents without running water at one time");
    r.count("water_outage_people_end", whole(total_persons_ - water_persons_),
            "residents without running water at the end");
    r.count("telecom_outage_people_peak", whole(telecom_out_peak_),
            "most residents without mobile service at one time");
    r.count("telecom_outage_people_end", whole(total_persons_ - telecom_persons_),
            "residents without mobile service at the end");
    r.count("substations", static_cast<std::int64_t>(subs_.size()), "substations", "facilities");
    r.count("substations_failed", subs_failed_, "substations failed by shaking", "facilities");
    r.count("water_plants", static_cast<std::int64_t>(plants_.size()), "water plants",
            "facilities");
    r.count("water_plants_failed", plants_failed_, "water plants failed by shaking", "facilities");
    r.count("base_stations", static_cast<std::int64_t>(stations_.size()), "base stations",
            "facilities");
    r.count("base_stations_failed", stations_failed_, "base stations failed by shaking",
            "facilities");
    r.count("lifeline_facilities_flooded", flooded_facilities_,
            "substations, water plants and base stations put out of service by the tsunami",
            "facilities");
    auto from_data = [](std::vector<std::int32_t> const& v) {
        return std::any_of(v.begin(), v.end(), [](std::int32_t i) { return i >= 0; });
    };
    r.count("power_feeders", static_cast<std::int64_t>(feeder_source_.size()),
            from_data(feeder_data_) ? "power feeders (lines from data)"
                                    : "power feeders (derived: sectors around the substations)",
            "feeders");
    r.count("water_mains", static_cast<std::int64_t>(main_source_.size()),
            from_data(main_data_) ? "water mains (lines from data)"
                                  : "water mains (derived: sectors around the plants)",
            "mains");
    r.count("power_off_network_people", whole(off_network_[0]),
            "residents beyond feeder_reach_m of every feeder line (fed locally)", "persons");
    r.count("water_off_network_people", whole(off_network_[1]),
            "residents beyond main_reach_m of every main line (supplied locally)", "persons");
    r.count("feeders_failed", feeders_failed_, "power feeders cut by broken poles", "feeders");
    r.count("poles_broken", poles_broken_, "outage-causing broken poles (feeders and "
                                           "distribution)",
            "poles");
    r.count("service_areas_flooded", points_flooded_,
            "cells whose power distribution the tsunami destroyed", "cells");
    r.count("water_mains_failed", mains_failed_, "water mains broken", "mains");
    r.value("pipe_damages", pipe_damages_, "repairs",
            "expected damages to distribution pipes (repair points)");
    r.count("power_repairs", repairs_[kPower], "power repair jobs completed", "jobs");
    r.count("water_repairs", repairs_[kWater], "water repair jobs completed", "jobs");
    r.count("telecom_repairs", repairs_[kTelecom], "base station repairs completed", "jobs");
}

void LifelinesModel::save(CheckpointWriter& w) const {
    w.put("pt_breaks", pt_breaks_);
    w.put("pt_flooded", pt_flooded_);
    w.put("pt_wdamage", pt_wdamage_);
    w.put("pt_in_repair", pt_in_repair_);
    w.put("pt_unpowered_since", pt_unpowered_since_);
    w.put("subs", subs_);
    w.put("plants", plants_);
    w.put("stations", stations_);
    w.put("feeder_breaks", feeder_breaks_);
    w.put("main_breaks", main_breaks_);
    w.put("feeder_in_repair", feeder_in_repair_);
    w.put("main_in_repair", main_in_repair_);
    w.put("pt_power", pt_power_);
    w.put("pt_telecom", pt_telecom_);
    w.put("pt_water", pt_water_);
    w.put("zone_power", zone_power_);
    w.put("zone_water", zone_water_);
    w.put("zone_telecom", zone_telecom_);
    w.put_value("served", std::array{power_persons_, water_persons_, telecom_persons_});
    w.put_value("peaks", std::array{power_out_peak_hh_, water_out_peak_, telecom_out_peak_});
    w.put_value("failed", std::array{subs_failed_, plants_failed_, stations_failed_,
                                     flooded_facilities_, feeders_failed_, poles_broken_,
                                     mains_failed_, points_flooded_});
    w.put_value("pipe_damages", pipe_damages_);
    w.put_value("repairs", repairs_);
    for (std::size_t l = 0; l < crews_.size(); ++l) {
        w.put("crews." + std::to_string(l), crews_[l]);
    }
}

void LifelinesModel::load(CheckpointReader const& r) {
    std::size_t const points = pt_cell_.size();
    std::size_t const sources = subs_.size() + plants_.size() + stations_.size();
    r.get("pt_breaks", pt_breaks_);
    r.get("pt_flooded", pt_flooded_);
    r.get("pt_wdamage", pt_wdamage_);
    r.get("pt_in_repair", pt_in_repair_);
    r.get("pt_unpowered_since", pt_unpowered_since_);
    r.get("subs", subs_);
    r.get("plants", plants_);
    r.get("stations", stations_);
    r.get("feeder_breaks", feeder_breaks_);
    r.get("main_breaks", main_breaks_);
    r.get("feeder_in_repair", feeder_in_repair_);
    r.get("main_in_repair", main_in_repair_);
    r.get("pt_power", pt_power_);
    r.get("pt_telecom", pt_telecom_);
    r.get("pt_water", pt_water_);
    r.get("zone_power", zone_power_);
    r.get("zone_water", zone_water_);
    r.get("zone_telecom", zone_telecom_);
    std::array<double, 3> served{}, peaks{};
    std::array<std::int64_t, 8> failed{};
    r.get_value("served", served);
    r.get_value("peaks", peaks);
    r.get_value("failed", failed);
    std::tie(power_persons_, water_persons_, telecom_persons_) =
        std::tuple{served[0], served[1], served[2]};
    std::tie(power_out_peak_hh_, water_out_peak_, telecom_out_peak_) =
        std::tuple{peaks[0], peaks[1], peaks[2]};
    subs_failed_ = failed[0];
    plants_failed_ = failed[1];
    stations_failed_ = failed[2];
    flooded_facilities_ = failed[3];
    feeders_failed_ = failed[4];
    poles_broken_ = failed[5];
    mains_failed_ = failed[6];
    points_flooded_ = failed[7];
    r.get_value("pipe_damages", pipe_damages_);
    r.get_value("repairs", repairs_);
    for (std::size_t l = 0; l < crews_.size(); ++l) {
        r.get("crews." + std::to_string(l), crews_[l]);
    }
    if (pt_power_.size() != points || pt_breaks_.size() != points ||
        subs_.size() + plants_.size() + stations_.size() != sources) {
        throw DataError(fmt::format("checkpoint: lifeline state for {} service points, this world "
                                    "has {}",
                                    pt_power_.size(), points));
    }
    // Feeders and mains from data come from the line files, which may have changed since.
    if (feeder_breaks_.size() != feeder_source_.size() ||
        feeder_in_repair_.size() != feeder_source_.size() ||
        main_breaks_.size() != main_source_.size() ||
        main_in_repair_.size() != main_source_.size()) {
        throw DataError(fmt::format(
            "checkpoint: lifeline state for {} feeders and {} mains, this world has {} and {}. "
            "Fix: restart with the lifeline line files (world.data.lifeline_lines) the run began "
            "with, or start the run again",
            feeder_breaks_.size(), main_breaks_.size(), feeder_source_.size(),
            main_source_.size()));
    }
    depot_tree_version_ = ~0ull; // crews' routes are recomputed from the restored roads
    auto& water_layer = world_->layers.at(std::string(layer::kWaterService));
    auto& power_layer = world_->layers.at(std::string(layer::kPowerService));
    for (std::size_t p = 0; p < points; ++p) {
        water_layer[pt_cell_[p]] = pt_water_[p];
        power_layer[pt_cell_[p]] = pt_power_[p] != 0 ? 1.0f : 0.0f;
    }
}

} // namespace tsunagi::lifelines
