#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/shelters/shelters_model.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/world.hpp>

namespace tsunagi::shelters {

namespace {
constexpr std::size_t K = relief::kItemCount;

Raster<float> const* find_layer(World const& w, std::string_view name) {
    auto it = w.layers.find(std::string(name));
    return it == w.layers.end() ? nullptr : &it->second;
}

std::size_t zone_or_root(ZoneIndex z) {
    return z == kNoZone ? 0 : z;
}
} // namespace

void SheltersModel::configure(ConfigNode const& section) {
    cfg_ = SheltersConfig::from(section);
}

void SheltersModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    comm_ = &b.comm();
    if (!cfg_.enabled) {
        return;
    }
    std::size_t const nf = world_->facilities.size();
    auto& fl = world_->facility_layers;
    fl[std::string(relief::kShelterPersons)].assign(nf, 0.0);
    fl[std::string(relief::kShelterVulnerable)].assign(nf, 0.0);
    for (std::size_t i = 0; i < K; ++i) {
        fl[relief::demand_layer(i)].assign(nf, 0.0);
        fl[relief::rate_layer(i)].assign(nf, 0.0);
        auto& norm = fl[relief::norm_layer(i)];
        norm.assign(nf, 0.0);
        for (FacilityId f = 0; f < nf; ++f) {
            if (world_->facilities[f].kind == FacilityKind::Shelter) {
                norm[f] = i == relief::kBlankets ? cfg_.norms.blankets_per_person
                                                 : cfg_.per_person_day(i);
            }
        }
    }
    auto const ticks = std::max<Tick>(1, std::llround(cfg_.period_s / b.tick_s()));
    b.every(Period::ticks(1), Phase::Decide, "update", [this, ticks](TickContext const& t) {
        Tick const b0 = t.clock.base_of(t.tick), b1 = t.clock.base_of(t.tick + 1);
        if ((b0 + ticks - 1) / ticks * ticks < b1) {
            update(t);
        }
    });
    auto fill = [](std::vector<double> const& v) {
        return [&v](std::span<double> out) {
            for (std::size_t z = 0; z < v.size(); ++z) {
                out[z] = v[z];
            }
        };
    };
    auto& rec = b.recorder();
    rec.add_series("shelter_population", "persons",
                   "people living in or around designated shelters, by the shelter's zone",
                   fill(zone_persons_));
    rec.add_series("shelter_overflow", "persons",
                   "people beyond the shelters' capacity (tents, cars, corridors)",
                   fill(zone_overflow_));
}

void SheltersModel::initialize(TickContext const& ctx) {
    if (!cfg_.enabled) {
        return;
    }
    World const& w = *world_;
    auto const& fac = w.facilities;
    shelters_ = fac.of_kind(FacilityKind::Shelter);
    std::size_t const ns = shelters_.size();
    zone_persons_.assign(w.zones.size(), 0.0);
    zone_overflow_.assign(w.zones.size(), 0.0);
    persons_.assign(ns, 0.0);
    peak_.assign(ns, 0.0);
    water_share_.assign(ns, 1.0);
    power_share_.assign(ns, 1.0);
    cum_.assign(ns * K, 0.0);
    last_s_ = ctx.time_s;
    auto nearest = [&](double x, double y) {
        std::uint32_t best = ~0u;
        double bd = std::numeric_limits<double>::infinity();
        for (std::uint32_t s = 0; s < ns; ++s) {
            Facility const& f = fac[shelters_[s]];
            double const d = (f.x - x) * (f.x - x) + (f.y - y) * (f.y - y);
            if (d < bd) { // ties: the lower index (facility order)
                bd = d;
                best = s;
            }
        }
        return best;
    };
    building_shelter_.assign(fac.size(), ~0u);
    for (FacilityId f = 0; f < fac.size(); ++f) {
        if (fac[f].kind == FacilityKind::EvacuationBuilding) {
            building_shelter_[f] = nearest(fac[f].x, fac[f].y);
        }
    }
    cell_.clear();
    cell_pop_.clear();
    cell_shelter_.clear();
    if (ns > 0) {
        // Bucket the shelters on a coarse grid so the nearest-shelter search stays cheap for
        // a million cells: search rings of buckets until the best found is closer than the ring.
        for (CellId c = 0; c < w.population.data.size(); ++c) {
            if (w.population[c] == 0) {
                continue;
            }
            cell_.push_back(c);
            cell_pop_.push_back(static_cast<double>(w.population[c]));
        }
        cell_shelter_.resize(cell_.size());
        double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
        for (FacilityId f : shelters_) {
            minx = std::min(minx, fac[f].x);
            miny = std::min(miny, fac[f].y);
            maxx = std::max(maxx, fac[f].x);
            maxy = std::max(maxy, fac[f].y);
        }
        double const span = std::max({maxx - minx, maxy - miny, 1.0});
        auto const nb =
            static_cast<std::int64_t>(std::clamp(std::sqrt(static_cast<double>(ns)), 1.0, 256.0));
        double const bs = span / static_cast<double>(nb) * (1.0 + 1e-9);
        std::vector<std::vector<std::uint32_t>> bucket(static_cast<std::size_t>(nb * nb));
        auto bx = [&](double x) {
            return std::clamp<std::int64_t>(static_cast<std::int64_t>((x - minx) / bs), 0, nb - 1);
        };
        auto by = [&](double y) {
            return std::clamp<std::int64_t>(static_cast<std::int64_t>((y - miny) / bs), 0, nb - 1);
        };
        for (std::uint32_t s = 0; s < ns; ++s) {
            Facility const& f = fac[shelters_[s]];
            bucket[static_cast<std::size_t>(by(f.y) * nb + bx(f.x))].push_back(s);
        }
        for (std::size_t i = 0; i < cell_.size(); ++i) {
            double const x = w.grid.centre_x(w.grid.col_of(cell_[i]));
            double const y = w.grid.centre_y(w.grid.row_of(cell_[i]));
            std::int64_t const cx = bx(x), cy = by(y);
            std::uint32_t best = ~0u;
            double bd = std::numeric_limits<double>::infinity();
            for (std::int64_t r = 0; r < nb; ++r) {
                for (std::int64_t yy = cy - r; yy <= cy + r; ++yy) {
                    for (std::int64_t xx = cx - r; xx <= cx + r; ++xx) {
                        if (yy < 0 || xx < 0 || yy >= nb || xx >= nb ||
                            (std::abs(yy - cy) != r && std::abs(xx - cx) != r)) {
                            continue;
                        }
                        for (std::uint32_t s : bucket[static_cast<std::size_t>(yy * nb + xx)]) {
                            Facility const& f = fac[shelters_[s]];
                            double const d = (f.x - x) * (f.x - x) + (f.y - y) * (f.y - y);
                            if (d < bd || (d == bd && s < best)) {
                                bd = d;
                                best = s;
                            }
                        }
                    }
                }
                // Every bucket outside ring r is at least r·bs away from the cell's bucket edge.
                double const reach = static_cast<double>(r) * bs;
                if (best != ~0u && bd <= reach * reach) {
                    break;
                }
            }
            cell_shelter_[i] = best;
        }
    }
    auto const& o = cfg_.occupants;
    share65_.assign(ns, o.aged_65_share);
    share75_.assign(ns, o.aged_75_share);
    auto const* a65 = find_layer(w, "age_65plus_share");
    auto const* a75 = find_layer(w, "age_75plus_share");
    if (a65 != nullptr || a75 != nullptr) {
        std::vector<double> pop(ns, 0.0), p65(ns, 0.0), p75(ns, 0.0);
        for (std::size_t i = 0; i < cell_.size(); ++i) {
            std::uint32_t const s = cell_shelter_[i];
            double const p = cell_pop_[i];
            pop[s] += p;
            p65[s] +=
                p * (a65 != nullptr ? static_cast<double>((*a65)[cell_[i]]) : o.aged_65_share);
            p75[s] +=
                p * (a75 != nullptr ? static_cast<double>((*a75)[cell_[i]]) : o.aged_75_share);
        }
        for (std::size_t s = 0; s < ns; ++s) {
            if (pop[s] > 0.0) {
                share65_[s] = std::clamp(p65[s] / pop[s], 0.0, 1.0);
                share75_[s] = std::clamp(p75[s] / pop[s], 0.0, share65_[s]);
            }
        }
    }
    rule_inputs_ = find_layer(w, layer::kWaterService) != nullptr ||
                   find_layer(w, layer::kCollapsedBuildings) != nullptr ||
                   find_layer(w, layer::kTsunamiDestroyed) != nullptr;
    update(ctx);
}

void SheltersModel::update(TickContext const& t) {
    World& w = *world_;
    auto const& fac = w.facilities;
    std::size_t const ns = shelters_.size();
    double const now = t.end_time_s;
    double const dt_days = std::max(0.0, now - last_s_) / 86400.0;
    last_s_ = now;

    // Evacuees at the sites: each site's rank holds its count (integers: an exact reduction).
    std::vector<std::int64_t> occ(fac.occupancy().begin(), fac.occupancy().end());
    comm_->allreduce_sum(occ);
    std::vector<double> arrived(ns, 0.0);
    for (std::uint32_t s = 0; s < ns; ++s) {
        arrived[s] = static_cast<double>(occ[shelters_[s]]);
    }
    for (FacilityId f = 0; f < fac.size(); ++f) {
        if (building_shelter_[f] != ~0u) {
            arrived[building_shelter_[f]] += static_cast<double>(occ[f]);
        }
    }

    auto const* water = find_layer(w, layer::kWaterService);
    auto const* power = find_layer(w, layer::kPowerService);
    auto const* collapsed = find_layer(w, layer::kCollapsedBuildings);
    auto const* washed = find_layer(w, layer::kTsunamiDestroyed);
    std::array<Raster<float> const*, 5> stock{
        find_layer(w, layer::kWoodPre1962), find_layer(w, layer::kWood1962to1981),
        find_layer(w, layer::kWood1982on), find_layer(w, layer::kNonWoodPre1982),
        find_layer(w, layer::kNonWood1982on)};
    double const default_served = 1.0 - cfg_.default_outage_share;
    std::vector<double> rule(ns, 0.0), home_dry(ns, 0.0), pop(ns, 0.0), wet(ns, 0.0), lit(ns, 0.0);
    for (std::size_t i = 0; i < cell_.size(); ++i) {
        CellId const c = cell_[i];
        std::uint32_t const s = cell_shelter_[i];
        double destroyed = 0.0;
        if (collapsed != nullptr || washed != nullptr) {
            double total = 0.0;
            for (auto const* l : stock) {
                total += l != nullptr ? static_cast<double>((*l)[c]) : 0.0;
            }
            double const lost = (collapsed != nullptr ? (*collapsed)[c] : 0.0f) +
                                (washed != nullptr ? (*washed)[c] : 0.0f);
            destroyed = total > 0.0 ? std::clamp(lost / total, 0.0, 1.0) : 0.0;
        }
        double const ws = water != nullptr ? static_cast<double>((*water)[c]) : default_served;
        double const ps = power != nullptr ? static_cast<double>((*power)[c]) : default_served;
        double const outage = 1.0 - std::min(ws, ps);
        double const p = cell_pop_[i];
        double const moved = cfg_.homeless_to_shelter * destroyed +
                             cfg_.lifeline_loss_to_shelter * (1.0 - destroyed) * outage;
        rule[s] += p * moved;
        // Still at home: in an intact home and did not move to a shelter.
        double const home = p * (1.0 - destroyed) * (1.0 - cfg_.lifeline_loss_to_shelter * outage);
        home_dry[s] += home * (1.0 - ws);
        pop[s] += p;
        wet[s] += p * ws;
        lit[s] += p * ps;
    }

    auto const& n = cfg_.norms;
    bool const home_draws = now >= cfg_.household_stock_days * 86400.0;
    auto& fl = w.facility_layers;
    auto& persons_layer = fl.at(std::string(relief::kShelterPersons));
    auto& vulnerable_layer = fl.at(std::string(relief::kShelterVulnerable));
    std::array<std::vector<double>*, K> demand{}, rate{};
    for (std::size_t i = 0; i < K; ++i) {
        demand[i] = &fl.at(relief::demand_layer(i));
        rate[i] = &fl.at(relief::rate_layer(i));
    }
    auto const* supplied = fl.count(std::string(relief::kSuppliedShare)) != 0
                               ? &fl.at(std::string(relief::kSuppliedShare))
                               : nullptr;
    std::fill(zone_persons_.begin(), zone_persons_.end(), 0.0);
    std::fill(zone_overflow_.begin(), zone_overflow_.end(), 0.0);
    total_now_ = overflow_now_ = 0.0;
    std::int64_t over = 0;
    double aged65 = 0.0, aged75 = 0.0;
    auto const& o = cfg_.occupants;
    for (std::uint32_t s = 0; s < ns; ++s) {
        FacilityId const f = shelters_[s];
        // Person-days in the state of the period just ended.
        double const before = persons_[s];
        person_days_ += before * dt_days;
        no_water_days_ += before * (1.0 - water_share_[s]) * dt_days;
        no_power_days_ += before * (1.0 - power_share_[s]) * dt_days;
        if (supplied != nullptr) {
            no_supplies_days_ += before * (1.0 - (*supplied)[f]) * dt_days;
        }
        // Demand of the period just ended, at the rates set at its start.
        for (std::size_t i = 0; i < K; ++i) {
            if (i == relief::kBlankets) {
                continue;
            }
            double& c = cum_[s * K + i];
            double const prev = std::floor(c);
            c += (*rate[i])[f] * dt_days;
            auto const units = static_cast<std::int64_t>(std::floor(c) - prev);
            (*demand[i])[f] += static_cast<double>(units);
            posted_[i] += units;
        }

        double const P = rule_inputs_
                             ? (now < cfg_.return_after_s ? std::max(arrived[s], rule[s]) : rule[s])
                             : arrived[s];
        persons_[s] = P;
        water_share_[s] =
            pop[s] > 0.0 ? wet[s] / pop[s] : (water != nullptr ? 1.0 : default_served);
        power_share_[s] =
            pop[s] > 0.0 ? lit[s] / pop[s] : (power != nullptr ? 1.0 : default_served);
        double const dry = 1.0 - water_share_[s];
        // Blankets: once per person, as the shelter's peak rises.
        if (P > peak_[s]) {
            double& c = cum_[s * K + relief::kBlankets];
            double const prev = std::floor(c);
            c += (P - peak_[s]) * n.blankets_per_person;
            auto const units = static_cast<std::int64_t>(std::floor(c) - prev);
            (*demand[relief::kBlankets])[f] += static_cast<double>(units);
            posted_[relief::kBlankets] += units;
            peak_[s] = P;
        }
        for (std::size_t i = 0; i < K; ++i) {
            double r = 0.0;
            if (i == relief::kWaterL) {
                r = n.water_l_per_day * (P * dry + (home_draws ? home_dry[s] : 0.0));
            } else if (i == relief::kToilets) {
                r = n.toilet_uses_per_day * P * dry;
            } else if (i == relief::kNappiesAdult) {
                r = P * share75_[s] * o.incontinent_75_share * n.adult_nappies_per_day;
            } else if (i != relief::kBlankets) {
                r = P * cfg_.per_person_day(i);
            }
            (*rate[i])[f] = r;
        }
        persons_layer[f] = P;
        vulnerable_layer[f] = P * (share75_[s] + o.infant_share + o.care_share);
        aged65 += P * share65_[s];
        aged75 += P * share75_[s];
        double const cap = std::max(0, fac[f].capacity);
        double const overflow = std::max(0.0, P - cap);
        over += overflow > 0.0 ? 1 : 0;
        std::size_t const z = zone_or_root(fac[f].zone);
        zone_persons_[z] += P;
        zone_overflow_[z] += overflow;
        total_now_ += P;
        overflow_now_ += overflow;
    }
    aged65_now_ = aged65;
    aged75_now_ = aged75;
    if (total_now_ > total_peak_) {
        total_peak_ = total_now_;
        aged65_at_peak_ = aged65;
        aged75_at_peak_ = aged75;
    }
    overflow_peak_ = std::max(overflow_peak_, overflow_now_);
    over_capacity_peak_ = std::max(over_capacity_peak_, over);
}

void SheltersModel::check_invariants(TickContext const& t) const {
    if (!cfg_.enabled) {
        return;
    }
    for (std::size_t s = 0; s < shelters_.size(); ++s) {
        if (!(persons_[s] >= 0.0) || !std::isfinite(persons_[s]) || persons_[s] > peak_[s]) {
            throw ModelError(fmt::format("tick {}: shelter {} has population {} (peak {})", t.tick,
                                         world_->facilities[shelters_[s]].external_id, persons_[s],
                                         peak_[s]));
        }
    }
}

void SheltersModel::report(Report& r) const {
    if (!cfg_.enabled) {
        return;
    }
    auto whole = [](double v) { return static_cast<std::int64_t>(std::llround(v)); };
    auto const& o = cfg_.occupants;
    r.count("shelters", static_cast<std::int64_t>(shelters_.size()), "designated shelters",
            "facilities");
    r.count("shelter_population_peak", whole(total_peak_),
            "most people living in or around shelters at one time");
    r.count("shelter_population_end", whole(total_now_), "people in or around shelters at the end");
    r.count("shelter_overflow_peak", whole(overflow_peak_),
            "most people beyond the shelters' capacity at one time");
    r.count("shelters_over_capacity_peak", over_capacity_peak_,
            "most shelters over capacity at one time", "facilities");
    r.count("shelter_aged_65_peak", whole(aged65_at_peak_),
            "people aged 65+ in shelters at the peak (their catchments' share)");
    r.count("shelter_aged_75_peak", whole(aged75_at_peak_),
            "people aged 75+ in shelters at the peak (their catchments' share)");
    r.count("shelter_infants_peak", whole(total_peak_ * o.infant_share),
            "infants under 1 in shelters at the peak (assumed share)");
    r.value("shelter_person_days", person_days_, "person-days", "time lived in shelters");
    r.value("shelter_person_days_without_water", no_water_days_, "person-days",
            "time lived in shelters without running water");
    r.value("shelter_person_days_without_power", no_power_days_, "person-days",
            "time lived in shelters without grid power");
    r.value("shelter_person_days_without_supplies", no_supplies_days_, "person-days",
            "time lived in shelters whose meals and water demand went partly unmet, weighted by "
            "the unmet share");
    std::vector<double> peak(world_->facilities.size(), 0.0);
    for (std::size_t s = 0; s < shelters_.size(); ++s) {
        peak[shelters_[s]] = peak_[s];
    }
    r.per_facility("shelter_population_peak", std::move(peak), "persons",
                   "most people in or around the shelter at one time");
}

void SheltersModel::save(CheckpointWriter& w) const {
    if (!cfg_.enabled) {
        return;
    }
    w.put("persons", persons_);
    w.put("peak", peak_);
    w.put("water_share", water_share_);
    w.put("power_share", power_share_);
    w.put("cum", cum_);
    w.put_value("posted", posted_);
    w.put_value("acc",
                std::array{last_s_, person_days_, no_water_days_, no_power_days_, no_supplies_days_,
                           total_peak_, overflow_peak_, total_now_, overflow_now_});
    w.put_value("over_capacity_peak", over_capacity_peak_);
    w.put_value("aged", std::array{aged65_now_, aged75_now_, aged65_at_peak_, aged75_at_peak_});
    w.put("zone_persons", zone_persons_);
    w.put("zone_overflow", zone_overflow_);
    for (auto const& [name, v] : world_->facility_layers) {
        if (name.rfind("demand.", 0) == 0 || name.rfind("rate.", 0) == 0 ||
            name == relief::kShelterPersons || name == relief::kShelterVulnerable) {
            w.put("layer." + name, v);
        }
    }
}

void SheltersModel::load(CheckpointReader const& r) {
    if (!cfg_.enabled) {
        return;
    }
    std::size_t const ns = shelters_.size();
    r.get("persons", persons_);
    r.get("peak", peak_);
    r.get("water_share", water_share_);
    r.get("power_share", power_share_);
    r.get("cum", cum_);
    if (persons_.size() != ns || cum_.size() != ns * K) {
        throw DataError(fmt::format("checkpoint: shelter state for {} shelters, this world has {}",
                                    persons_.size(), ns));
    }
    r.get_value("posted", posted_);
    std::array<double, 9> acc{};
    r.get_value("acc", acc);
    last_s_ = acc[0];
    person_days_ = acc[1];
    no_water_days_ = acc[2];
    no_power_days_ = acc[3];
    no_supplies_days_ = acc[4];
    total_peak_ = acc[5];
    overflow_peak_ = acc[6];
    total_now_ = acc[7];
    overflow_now_ = acc[8];
    r.get_value("over_capacity_peak", over_capacity_peak_);
    std::array<double, 4> aged{};
    r.get_value("aged", aged);
    aged65_now_ = aged[0];
    aged75_now_ = aged[1];
    aged65_at_peak_ = aged[2];
    aged75_at_peak_ = aged[3];
    r.get("zone_persons", zone_persons_);
    r.get("zone_overflow", zone_overflow_);
    for (auto& [name, v] : world_->facility_layers) {
        if (name.rfind("demand.", 0) == 0 || name.rfind("rate.", 0) == 0 ||
            name == relief::kShelterPersons || name == relief::kShelterVulnerable) {
            r.get("layer." + name, v);
        }
    }
}

} // namespace tsunagi::shelters
