#include <tsunagi/core/recorder.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/world/world.hpp>

#include <algorithm>
#include <cmath>

namespace tsunagi::hazard {

TsunamiConfig TsunamiConfig::from(ConfigNode const& n) {
    TsunamiConfig c;
    c.rise_time_s = n.number("rise_time_s", c.rise_time_s, Bounds::non_negative());
    c.period_s = n.number("period_s", c.period_s, Bounds{0.0, 86400.0, true, false});
    return c;
}

void TsunamiModel::configure(ConfigNode const& section) { cfg_ = TsunamiConfig::from(section); }

void TsunamiModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    // The nearest whole number of base ticks, at least one.
    auto const ticks = std::max<Tick>(1, std::llround(cfg_.period_s / b.tick_s()));
    b.every(
        Period::ticks(ticks), Phase::Decide, "depth",
        [this] { return world_->inundated_cells.size(); },
        [this](Chunk const& c, TickContext const& t) { update(c, t.end_time_s); });
}

void TsunamiModel::update(Chunk const& c, double time_s) {
    auto const& cells = world_->inundated_cells;
    auto const& dmax = world_->tsunami_max_depth_m.data;
    auto const& arr = world_->tsunami_arrival_s.data;
    auto& depth = world_->tsunami_depth_m.data;
    for (std::size_t i = c.begin; i < c.end; ++i) {
        CellId const cell = cells[i];
        depth[cell] = tsunami_depth(dmax[cell], arr[cell], time_s, cfg_.rise_time_s);
    }
}

void TsunamiModel::initialize(TickContext const& ctx) {
    std::size_t const n = world_->inundated_cells.size();
    ctx.pool.for_chunks(n, 16384, [&](Chunk const& c) { update(c, ctx.time_s); });
}

void TsunamiModel::report(Report& r) const {
    std::size_t land = 0;
    for (CellId c : world_->inundated_cells) {
        land += world_->zone.data[c] >= 0 ? 1 : 0;
    }
    double const area_km2 = static_cast<double>(land) * world_->grid.cell_area_m2() / 1.0e6;
    r.value("inundated_area_km2", area_km2, "km2",
            "land area (cells inside a zone) reached by the tsunami (maximum depth > 0)");
}

} // namespace tsunagi::hazard
