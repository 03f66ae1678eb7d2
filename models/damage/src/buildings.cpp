// Buildings at the main shock: stock, expected collapses by liquefaction then shaking, expected
// tsunami damage states, and the casualty probabilities the evacuation model draws from
// (fragility.hpp has the sources).

#include <tsunagi/damage/damage_model.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/liquefaction.hpp>
#include <tsunagi/world/world.hpp>

#include <algorithm>
#include <cmath>

namespace tsunagi::damage {

namespace {
constexpr std::array<std::string_view, kBuildingClasses> kStockLayers{
    layer::kWoodPre1962, layer::kWood1962to1981, layer::kWood1982on, layer::kNonWoodPre1982,
    layer::kNonWood1982on};
} // namespace

void DamageModel::assess_buildings(TickContext const& ctx) {
    World& w = *world_;
    std::size_t const n = w.grid.cells();

    // Stock: the world's layers where it has any, else derived from the population.
    bool any_layer = false;
    for (auto name : kStockLayers) {
        any_layer = any_layer || w.layers.contains(std::string(name));
    }
    for (std::size_t k = 0; k < kBuildingClasses; ++k) {
        stock_[k].assign(n, 0.0f);
        if (any_layer) {
            if (auto it = w.layers.find(std::string(kStockLayers[k])); it != w.layers.end()) {
                for (std::size_t c = 0; c < n; ++c) {
                    stock_[k][c] = std::max(0.0f, it->second.data[c]);
                }
            }
        }
    }
    if (!any_layer) {
        double const old_w = cfg_.share_wood_pre1962;
        double const mid_w = cfg_.share_wood_1962_1981;
        double const shares[kBuildingClasses] = {
            cfg_.wood_share * old_w, cfg_.wood_share * mid_w,
            cfg_.wood_share * (1.0 - old_w - mid_w),
            (1.0 - cfg_.wood_share) * cfg_.share_nonwood_pre1982,
            (1.0 - cfg_.wood_share) * (1.0 - cfg_.share_nonwood_pre1982)};
        for (std::size_t c = 0; c < n; ++c) {
            double const total = w.population[static_cast<CellId>(c)] / cfg_.persons_per_building;
            for (std::size_t k = 0; k < kBuildingClasses; ++k) {
                stock_[k][c] = static_cast<float>(total * shares[k]);
            }
        }
    }

    // Intensity: the earthquake layer (or one the data gave); no layer, no shaking damage.
    Raster<float> const* intensity = nullptr;
    if (auto it = w.layers.find(std::string(layer::kJmaIntensity)); it != w.layers.end()) {
        intensity = &it->second;
    }
    // Liquefaction (fragility.hpp): with a PL layer, before the shaking.
    Raster<float> const* pl_layer = nullptr;
    if (auto it = w.layers.find(std::string(layer::kLiquefactionPL));
        cfg_.liquefaction.enabled && it != w.layers.end()) {
        pl_layer = &it->second;
    }
    auto const& L = cfg_.liquefaction;
    // Per PL class (0 none, 1 low, 2 high, 3 very high) and foundation: the share of buildings
    // brought to "extensive or complete" damage (area share × P(≥ extensive | settlement)).
    std::array<double, 4> liq_shallow{}, liq_deep{};
    for (std::size_t k = 1; k < 4; ++k) {
        double const s = L.settlement_m[k - 1];
        double const a = L.area_share[k - 1];
        liq_shallow[k] = a * LognormalCurve{std::log(L.shallow_median_m), L.shallow_beta}(s);
        liq_deep[k] = a * LognormalCurve{std::log(L.deep_median_m), L.deep_beta}(s);
    }
    double const indoor = time_of_day_ == TimeOfDay::Day       ? cfg_.indoor_day
                          : time_of_day_ == TimeOfDay::Evening ? cfg_.indoor_evening
                                                               : cfg_.indoor_night;
    collapse_rate_.assign(n, 0.0f);
    Raster<float> collapsed(std::string(layer::kCollapsedBuildings), "buildings", n, 0.0f);
    Raster<float> wood_rate(std::string(layer::kWoodCollapseRate), "share", n, 0.0f);
    Raster<float> destroyed(std::string(layer::kTsunamiDestroyed), "buildings", n, 0.0f);
    Raster<float> p_death(std::string(layer::kCollapseDeathP), "probability", n, 0.0f);
    Raster<float> p_trapped(std::string(layer::kCollapseTrappedP), "probability", n, 0.0f);
    Raster<float> liq_collapsed(std::string(layer::kLiquefactionCollapsed), "buildings", n, 0.0f);
    std::size_t const nz = w.zones.size();
    zone_collapsed_.assign(nz, 0.0);
    zone_tsunami_.assign(nz, 0.0);
    zone_liq_.assign(nz, 0.0);

    // Per cell, independent: parallel; the totals are added afterwards in cell order.
    std::vector<double> cell_wood(n, 0.0), cell_nonwood(n, 0.0), cell_washed(n, 0.0),
        cell_liq_ext(n, 0.0);
    ctx.pool.for_chunks(n, 4096, [&](Chunk const& ch) {
        for (std::size_t c = ch.begin; c < ch.end; ++c) {
            double total = 0.0, wood_total = 0.0, wood_c = 0.0, non_c = 0.0, tsu = 0.0,
                   washed = 0.0, liq_c = 0.0, liq_x = 0.0;
            double const in = intensity != nullptr ? (*intensity)[static_cast<CellId>(c)] : 0.0;
            int const plc = pl_layer != nullptr ? liquefaction_class((*pl_layer)[static_cast<CellId>(c)]) : 0;
            double const depth = w.tsunami_max_depth_m.data[c];
            for (std::size_t k = 0; k < kBuildingClasses; ++k) {
                double const b = stock_[k][c];
                if (!(b > 0.0)) {
                    continue;
                }
                total += b;
                wood_total += is_wood(k) ? b : 0.0;
                // Liquefaction first; the shaking acts on the buildings it left (CO order).
                double const deep = is_wood(k) ? 0.0 : L.nonwood_deep_share;
                double const px = in >= L.min_intensity
                                      ? deep * liq_deep[plc] + (1.0 - deep) * liq_shallow[plc]
                                      : 0.0;
                double const pl = L.complete_share * px;
                liq_c += b * pl;
                liq_x += b * (px - pl);
                double const pc = in > 0.0 ? (1.0 - pl) * cfg_.collapse[k](in) : 0.0;
                (is_wood(k) ? wood_c : non_c) += b * pc;
                if (depth > 0.0 && w.zone.data[c] >= 0) {
                    // Tsunami damage to the buildings still standing.
                    double const standing = b * (1.0 - pl - pc);
                    tsu += standing *
                           tsunami_exceedance(is_wood(k), cfg_.tsunami_destroyed_state, depth);
                    washed += standing * tsunami_exceedance(is_wood(k), 6, depth);
                }
            }
            cell_wood[c] = wood_c;
            cell_nonwood[c] = non_c;
            cell_washed[c] = washed;
            cell_liq_ext[c] = liq_x;
            liq_collapsed.data[c] = static_cast<float>(liq_c);
            collapsed.data[c] = static_cast<float>(wood_c + non_c + liq_c);
            wood_rate.data[c] = wood_total > 0.0 ? static_cast<float>(wood_c / wood_total) : 0.0f;
            destroyed.data[c] = static_cast<float>(tsu);
            collapse_rate_[c] = total > 0.0 ? static_cast<float>((wood_c + non_c) / total) : 0.0f;
            if (cfg_.casualties && total > 0.0 && wood_c + non_c > 0.0) {
                // Per person present: deaths per collapse (CO, at 5 a.m.) over the people there
                // at 5 a.m. (the residents; with none, the buildings' nominal occupants), times the
                // share indoors now. Trapped: 0.117 × collapse rate per person indoors.
                double pop = w.population.data[c];
                if (!(pop > 0.0)) {
                    pop = total * cfg_.persons_per_building;
                }
                double const deaths =
                    cfg_.death_rate_wood * wood_c + cfg_.death_rate_nonwood * non_c;
                double const d = std::min(1.0, indoor * deaths / pop);
                double const t =
                    std::min(1.0 - d, indoor * cfg_.trapped_rate * (wood_c + non_c) / total);
                p_death.data[c] = static_cast<float>(d);
                p_trapped.data[c] = static_cast<float>(t);
            }
        }
    });
    buildings_total_ = collapsed_total_ = collapsed_wood_ = tsunami_destroyed_ = tsunami_washed_ =
        liq_collapsed_ = liq_extensive_ = 0.0;
    for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t k = 0; k < kBuildingClasses; ++k) {
            buildings_total_ += stock_[k][c];
        }
        double const all = cell_wood[c] + cell_nonwood[c] + liq_collapsed.data[c];
        collapsed_total_ += all;
        collapsed_wood_ += cell_wood[c];
        liq_collapsed_ += liq_collapsed.data[c];
        liq_extensive_ += cell_liq_ext[c];
        tsunami_destroyed_ += destroyed.data[c];
        tsunami_washed_ += cell_washed[c];
        std::int32_t const z = w.zone.data[c];
        if (z >= 0) {
            zone_collapsed_[static_cast<std::size_t>(z)] += all;
            zone_liq_[static_cast<std::size_t>(z)] += liq_collapsed.data[c];
            zone_tsunami_[static_cast<std::size_t>(z)] += destroyed.data[c];
        }
    }
    if (intensity != nullptr) {
        w.layers[collapsed.name] = std::move(collapsed);
        w.layers[wood_rate.name] = std::move(wood_rate);
        if (pl_layer != nullptr) {
            w.layers[liq_collapsed.name] = std::move(liq_collapsed);
        }
        if (cfg_.casualties) {
            w.layers[p_death.name] = std::move(p_death);
            w.layers[p_trapped.name] = std::move(p_trapped);
        }
    }
    w.layers[destroyed.name] = std::move(destroyed);
}

} // namespace tsunagi::damage
