// Residents from the population raster: households, age bands, needs, where everyone is at the
// event, and how each household will evacuate. Everything random is drawn with the counter-based
// RNG keyed on the cell (household sizes) or on the resident's id, so the population is the same
// for any number of threads or ranks.

#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/node_locator.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tsunagi::evacuation {

namespace {
constexpr auto kHome = static_cast<std::uint8_t>(ResidentState::Home);
constexpr auto kPassenger = static_cast<std::uint8_t>(ResidentState::Passenger);
constexpr auto kStranded = static_cast<std::uint8_t>(ResidentState::Stranded);
constexpr auto kDead = static_cast<std::uint8_t>(ResidentState::Dead);
constexpr auto kNotExposed = static_cast<std::uint8_t>(ResidentState::NotExposed);
// profile bits: 0-1 behaviour class, 2 car, 3 away from home, 4 slowed by children/elderly,
// 5 slowed by an impaired companion, 6 no route to safety, 7 dependent with no helper
constexpr std::uint8_t kCarBit = 1u << 2;
constexpr std::uint8_t kAwayBit = 1u << 3;
constexpr std::uint8_t kCompanionBit = 1u << 4;
constexpr std::uint8_t kImpairedBit = 1u << 5;
constexpr std::uint8_t kUnreachableBit = 1u << 6;
constexpr std::uint8_t kDependentBit = 1u << 7;

// Cells of one municipality weighted for daytime presence (work, school): population^1.5 puts
// more people in the dense centres.
struct DaytimeCells {
    std::vector<CellId> cells;
    std::vector<double> cumulative;
    CellId draw(double u) const {
        auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u * cumulative.back());
        return cells[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                           cells.size() - 1)];
    }
};
} // namespace

void EvacuationModel::spawn(TickContext const& ctx) {
    World& w = *world_;
    auto const& g = w.roads;
    // Ids are numbered over all populated cells in order (the same on every rank); this rank
    // spawns the cells whose nearest road node it owns.
    NodeLocator const locate(g, 200.0);
    std::vector<CellId> all_cells;
    std::vector<std::uint64_t> all_first;
    std::uint64_t total_all = 0;
    for (CellId c = 0; c < w.population.data.size(); ++c) {
        if (w.population[c] > 0) {
            all_cells.push_back(c);
            all_first.push_back(total_all);
            total_all += w.population[c];
        }
    }
    if (total_all >= 0xffffffffull) {
        throw DataError(fmt::format("{} residents exceed the per-kind limit of 2^32 - 1",
                                    total_all));
    }
    std::vector<NodeLocator::Hit> all_home(all_cells.size());
    ctx.pool.for_chunks(all_cells.size(), 1024, [&](Chunk const& ch) {
        for (std::size_t k = ch.begin; k < ch.end; ++k) {
            CellId const c = all_cells[k];
            all_home[k] = locate.nearest(w.grid.centre_x(w.grid.col_of(c)),
                                         w.grid.centre_y(w.grid.row_of(c)));
        }
    });
    std::vector<CellId> cells;
    std::vector<std::uint64_t> first;       // first row of the cell in this rank's store
    std::vector<std::uint64_t> first_id;    // first id of the cell
    std::vector<NodeLocator::Hit> home_of;  // the cell's home node
    std::vector<AgentId> new_ids;
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < all_cells.size(); ++k) {
        if (!w.partition.owns(all_home[k].node)) {
            continue;
        }
        cells.push_back(all_cells[k]);
        first.push_back(total);
        first_id.push_back(all_first[k]);
        home_of.push_back(all_home[k]);
        total += w.population[all_cells[k]];
        for (std::uint32_t j = 0; j < w.population[all_cells[k]]; ++j) {
            new_ids.push_back(static_cast<AgentId>(all_first[k] + j));
        }
    }
    double const away_share = time_of_day_ == TimeOfDay::Day       ? cfg_.away_share_day
                              : time_of_day_ == TimeOfDay::Evening ? cfg_.away_share_evening
                                                                   : 0.0;
    std::vector<DaytimeCells> daytime(w.zones.size());
    if (away_share > 0.0) {
        for (CellId c : all_cells) { // every rank draws from the same table
            auto& d = daytime[w.zone[c] >= 0 ? static_cast<std::size_t>(w.zone[c]) : 0];
            d.cells.push_back(c);
            double const prev = d.cumulative.empty() ? 0.0 : d.cumulative.back();
            d.cumulative.push_back(prev + std::pow(static_cast<double>(w.population[c]), 1.5));
        }
    }
    auto const* share65 = w.layers.contains("age_65plus_share") ? &w.layers.at("age_65plus_share")
                                                                 : nullptr;
    auto const* share75 = w.layers.contains("age_75plus_share") ? &w.layers.at("age_75plus_share")
                                                                 : nullptr;
    // Collapse casualties, where the damage layer published their probabilities.
    auto const* p_killed = w.layers.contains(std::string(layer::kCollapseDeathP))
                               ? &w.layers.at(std::string(layer::kCollapseDeathP))
                               : nullptr;
    auto const* p_trapped = w.layers.contains(std::string(layer::kCollapseTrappedP))
                                ? &w.layers.at(std::string(layer::kCollapseTrappedP))
                                : nullptr;

    AgentStore& r = *residents_;
    std::size_t const base = r.append(new_ids);
    auto ids = r.ids();
    auto state = r.column(state_);
    auto profile = r.column(profile_);
    auto needs = r.column(needs_);
    auto age = r.column(age_);
    auto zone = r.column(zone_);
    auto household = r.column(household_);
    auto home_cell = r.column(home_cell_);
    auto cell = r.column(cell_);
    auto node = r.column(node_);
    auto depart = r.column(depart_);
    auto vehicle = r.column(vehicle_);
    auto speed = r.column(speed_);
    auto casualty = r.column(casualty_);

    // What a collapse did to a resident at their location at the event: one draw per resident.
    auto collapse_outcome = [&](std::size_t row, CellId at) -> std::uint8_t {
        double const pk = p_killed != nullptr ? static_cast<double>((*p_killed)[at]) : 0.0;
        double const pt = p_trapped != nullptr ? static_cast<double>((*p_trapped)[at]) : 0.0;
        if (!(pk + pt > 0.0)) {
            return kUnhurt;
        }
        double const u = Rng(seed_, Stream::CollapseCasualty, ids[row], 0).uniform();
        return u < pk ? kKilledByCollapse : u < pk + pt ? kTrapped : kUnhurt;
    };
    // A trapped resident cannot leave: stranded where the water comes, else not exposed (waiting
    // for rescue).
    auto setup_trapped = [&](std::size_t row, CellId at, NodeId at_node) {
        cell[row] = at;
        node[row] = at_node;
        casualty[row] = kTrapped;
        state[row] = static_cast<double>(w.tsunami_max_depth_m[at]) >= cfg_.safe_depth_m
                         ? kStranded
                         : kNotExposed;
    };

    double const night = time_of_day_ == TimeOfDay::Night ? 1.0 : 0.0;
    double const speed_factor = night > 0.0 ? cfg_.night_speed_factor : 1.0;

    // One evacuating group: a household's members at home, or one resident away from home.
    auto setup_group = [&](std::span<std::size_t const> rows, CellId start, NodeId start_node,
                           double snap_m) {
        std::size_t const leader = rows[0];
        bool const at_risk =
            static_cast<double>(w.tsunami_max_depth_m[start]) >= cfg_.safe_depth_m;
        bool care = false, capable = false, slow = false;
        for (std::size_t row : rows) {
            cell[row] = start;
            node[row] = start_node;
            care = care || (needs[row] & kNeedsCare) != 0;
            capable = capable || (age[row] < k75plus && (needs[row] & kNeedsCare) == 0);
            slow = slow || age[row] == k75plus || (needs[row] & kInfant) != 0;
        }
        if (!at_risk) {
            for (std::size_t row : rows) {
                state[row] = kNotExposed;
            }
            return;
        }
        std::uint8_t bits = 0;
        Rng rs(seed_, Stream::WalkSpeed, ids[leader], 0);
        double v = cfg_.walk_speed_mps * speed_factor *
                   (1.0 + cfg_.walk_speed_spread * (2.0 * rs.uniform() - 1.0));
        if (care) {
            v = std::min(v, cfg_.impaired_speed_mps * speed_factor);
            bits |= kImpairedBit;
        } else if (slow) {
            v = std::min(v, cfg_.companion_speed_mps * speed_factor);
            bits |= kCompanionBit;
        }
        bool stranded = false;
        if (!ped_tree_.reachable(start_node) && !car_tree_.reachable(start_node)) {
            bits |= kUnreachableBit;
            stranded = true;
        } else if (care && !capable && cfg_.dependents_stay) {
            bits |= kDependentBit;
            stranded = true;
        }
        Rng rb(seed_, Stream::Behaviour, ids[leader], 0);
        double const u = rb.uniform();
        auto const cls = u < cfg_.shares[0]                   ? Behaviour::Immediate
                         : u < cfg_.shares[0] + cfg_.shares[1] ? Behaviour::Errands
                                                                : Behaviour::Imminent;
        bits |= static_cast<std::uint8_t>(cls);
        Rng rm(seed_, Stream::Mode, ids[leader], 0);
        bool const car = !stranded && capable && car_tree_.reachable(start_node) &&
                         ped_tree_.cost[start_node] >= cfg_.car_min_distance_m &&
                         rm.uniform() < cfg_.car_share;
        if (!car && !ped_tree_.reachable(start_node)) { // only drivers could get out; nobody can
            bits |= kUnreachableBit;
            stranded = true;
        }
        double delay = 0.0;
        switch (cls) {
        case Behaviour::Immediate:
            delay = cfg_.delay_immediate_s + night * cfg_.night_extra_s;
            break;
        case Behaviour::Errands:
            delay = cfg_.delay_errands_s + night * cfg_.night_extra_s;
            break;
        case Behaviour::Imminent: // leaves when the water reaches its cell
            delay = static_cast<double>(w.tsunami_arrival_s[start]);
            break;
        }
        Rng rd(seed_, Stream::Departure, ids[leader], 0);
        delay = std::max(0.0, delay + cfg_.jitter_s * (2.0 * rd.uniform() - 1.0)) + snap_m / v;
        auto const tick = static_cast<std::uint32_t>(
            std::min<Tick>(ctx.clock.tick_at(delay), std::numeric_limits<std::uint32_t>::max()));
        std::size_t driver = leader; // the first member able to drive
        for (std::size_t row : rows) {
            if (age[row] < k75plus && (needs[row] & kNeedsCare) == 0) {
                driver = row;
                break;
            }
        }
        for (std::size_t row : rows) {
            state[row] = stranded ? kStranded : kHome;
            profile[row] = static_cast<std::uint8_t>(profile[row] | bits | (car ? kCarBit : 0));
            speed[row] = static_cast<float>(v);
            depart[row] = tick;
            if (car && row != driver) {
                state[row] = kPassenger;
                vehicle[row] = static_cast<std::uint32_t>(driver);
            }
        }
    };

    ctx.pool.for_chunks(cells.size(), 256, [&](Chunk const& ch) {
        std::vector<std::size_t> home, one(1);
        for (std::size_t k = ch.begin; k < ch.end; ++k) {
            CellId const c = cells[k];
            auto const n = static_cast<std::size_t>(w.population[c]);
            double const s75 =
                share75 ? std::clamp(static_cast<double>((*share75)[c]), 0.0, 1.0) : cfg_.share_75_plus;
            double const s65 = share65 ? std::clamp(static_cast<double>((*share65)[c]), s75, 1.0)
                                       : cfg_.share_65_74 + s75;
            auto const z = static_cast<std::uint16_t>(w.zone[c] >= 0 ? w.zone[c] : 0);
            auto const home_hit = home_of[k];
            Rng hh(seed_, Stream::Spawn, c, 0);
            for (std::size_t i = 0; i < n;) {
                // Household size from the census shares (the last class is "5 or more": 5).
                double u = hh.uniform();
                std::size_t size = cfg_.household_sizes.size();
                for (std::size_t s = 0; s < cfg_.household_sizes.size(); ++s) {
                    if (u < cfg_.household_sizes[s]) {
                        size = s + 1;
                        break;
                    }
                    u -= cfg_.household_sizes[s];
                }
                size = std::min(size, n - i);
                std::size_t const row0 = base + first[k] + i;
                home.clear();
                for (std::size_t j = 0; j < size; ++j) {
                    std::size_t const row = row0 + j;
                    zone[row] = z;
                    household[row] = ids[row0];
                    home_cell[row] = c;
                    Rng a(seed_, Stream::Attributes, ids[row], 0);
                    double const ua = a.uniform();
                    std::uint8_t const band = ua < s75 ? k75plus : ua < s65 ? k65to74 : kUnder65;
                    age[row] = band;
                    std::uint8_t nd = 0;
                    double const p_care = band == k75plus   ? cfg_.p_care_75_plus
                                          : band == k65to74 ? cfg_.p_care_65_74
                                                            : 0.0;
                    nd |= a.uniform() < p_care ? kNeedsCare : 0;
                    nd |= a.uniform() < cfg_.p_dialysis ? kDialysis : 0;
                    nd |= a.uniform() < cfg_.p_home_oxygen ? kHomeOxygen : 0;
                    nd |= band == kUnder65 && a.uniform() < cfg_.p_infant ? kInfant : 0;
                    needs[row] = nd;
                    // Away from home at the event (work, school): under-65s who are not infants
                    // or in care, and some 65-74s.
                    Rng l(seed_, Stream::Location, ids[row], 0);
                    double const p_away = (nd & (kInfant | kNeedsCare)) != 0 ? 0.0
                                          : band == kUnder65                 ? away_share
                                          : band == k65to74                  ? 0.3 * away_share
                                                                             : 0.0;
                    if (p_away > 0.0 && l.uniform() < p_away) {
                        profile[row] = kAwayBit;
                        CellId const at = daytime[z].draw(l.uniform());
                        auto const hit = locate.nearest(w.grid.centre_x(w.grid.col_of(at)),
                                                        w.grid.centre_y(w.grid.row_of(at)));
                        std::uint8_t const hurt = collapse_outcome(row, at);
                        if (hurt == kKilledByCollapse) {
                            cell[row] = at;
                            node[row] = hit.node;
                            casualty[row] = kKilledByCollapse;
                            state[row] = kDead;
                        } else if (hurt == kTrapped) {
                            setup_trapped(row, at, hit.node);
                        } else {
                            one[0] = row;
                            setup_group(one, at, hit.node, hit.distance_m);
                        }
                    } else {
                        // At home: the killed and the trapped stay out of their household's group
                        // (the others leave without them).
                        std::uint8_t const hurt = collapse_outcome(row, c);
                        if (hurt == kKilledByCollapse) {
                            cell[row] = c;
                            node[row] = home_hit.node;
                            casualty[row] = kKilledByCollapse;
                            state[row] = kDead;
                        } else if (hurt == kTrapped) {
                            setup_trapped(row, c, home_hit.node);
                        } else {
                            home.push_back(row);
                        }
                    }
                }
                if (!home.empty()) {
                    setup_group(home, c, home_hit.node, home_hit.distance_m);
                }
                i += size;
            }
        }
    });

    // Counts and checks.
    std::int64_t risk = 0, unreachable_risk = 0;
    for (std::size_t i = base; i < base + total; ++i) {
        std::size_t const z = zone[i];
        ++population_[z];
        ++pop_age_[age[i]];
        if (casualty[i] == kKilledByCollapse) { // dead at t = 0: neither at risk nor unexposed
            ++dead_[z];
            ++collapse_dead_[z];
            ++dead_age_[age[i]];
            ++collapse_dead_age_[age[i]];
            continue;
        }
        trapped_[z] += casualty[i] == kTrapped ? 1 : 0;
        if (state[i] == kNotExposed) {
            ++not_exposed_[z];
            continue;
        }
        ++at_risk_[z];
        ++risk_age_[age[i]];
        ++risk;
        if (state[i] == kStranded) {
            ++stranded_[z];
            if (casualty[i] == kTrapped) {
                // trapped: counted in `trapped`, not as unreachable or a dependent
            } else if ((profile[i] & kUnreachableBit) != 0) {
                ++unreachable_;
            } else {
                ++dependents_stranded_;
            }
        }
        if (state[i] != kPassenger && (profile[i] & kCarBit) != 0 && state[i] == kHome) {
            ++cars_;
        }
        unreachable_risk += (profile[i] & kUnreachableBit) != 0 ? 1 : 0;
    }
    std::int64_t sums[3] = {risk, unreachable_risk, unreachable_};
    comm_->allreduce_sum(sums);
    if (sums[0] > 0 && sums[1] == sums[0]) {
        throw DataError(fmt::format(
            "{}: none of the {} residents in the hazard zone can reach a safe place over the road "
            "network. Fix: check the road data and the locations of shelters and safe ground",
            w.name, sums[0]));
    }
    if (sums[2] > 0 && comm_->is_root()) {
        spdlog::warn("evacuation: {} of {} residents in the hazard zone have no route to a safe "
                     "place; they stay where they are",
                     sums[2], sums[0]);
    }
    size_chunk_buffers();
    if (distributed_) {
        // People away from home at the event (always alone: no passengers) start where they are,
        // possibly far from home: hand them to that node's rank with one all-ranks exchange.
        std::vector<int> everyone;
        for (int q = 0; q < w.partition.ranks; ++q) {
            if (q != w.partition.rank) {
                everyone.push_back(q);
            }
        }
        std::vector<std::vector<std::size_t>> rows(everyone.size());
        for (std::size_t i = base; i < base + total; ++i) {
            int const owner = w.partition.owner(node[i]);
            if (owner != w.partition.rank) {
                auto const k = static_cast<std::size_t>(
                    std::lower_bound(everyone.begin(), everyone.end(), owner) - everyone.begin());
                rows[k].push_back(i);
            }
        }
        std::swap(neighbours_, everyone); // migrate() exchanges with neighbours_
        migrate(rows);
        std::swap(neighbours_, everyone);
    }
    spdlog::debug("evacuation: {} residents spawned here, {} at risk, {} cars", total, risk, cars_);
}

} // namespace tsunagi::evacuation
