#include <tsunagi/core/recorder.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/world/world.hpp>

#include <algorithm>
#include <cmath>

namespace tsunagi::hazard {

TsunamiConfig TsunamiConfig::from(ConfigNode const& n) {
    TsunamiConfig c;
    std::string const shape = n.choice("rise", {"linear", "cosine"}, "linear");
    c.curve.shape = shape == "cosine" ? RiseShape::Cosine : RiseShape::Linear;
    c.curve.rise_time_s = n.number("rise_time_s", c.curve.rise_time_s, Bounds::non_negative());
    // Absent: the maximum is held to the end of the run (no recession).
    if (auto hold = n.optional_number("hold_s", Bounds::non_negative())) {
        c.curve.hold_s = *hold;
    }
    c.curve.recession_time_s =
        n.number("recession_time_s", c.curve.recession_time_s, Bounds::positive());
    c.period_s = n.number("period_s", c.period_s, Bounds{0.0, 86400.0, true, false});
    return c;
}

void TsunamiModel::configure(ConfigNode const& section) { cfg_ = TsunamiConfig::from(section); }

void TsunamiModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    // The nearest whole number of base ticks, at least one.
    auto const ticks = std::max<Tick>(1, std::llround(cfg_.period_s / b.tick_s()));
    double const period_s = static_cast<double>(ticks) * b.tick_s();
    b.every(
        Period::ticks(ticks), Phase::Decide, "depth",
        [this] { return world_->inundated_cells.size(); },
        [this, period_s](Chunk const& c, TickContext const& t) {
            // Once the previous update was for a time after the field became steady, it holds.
            // (The previous update was a period ago, or a tick ago where ticks are longer.)
            if (t.end_time_s - std::max(period_s, t.dt) <= steady_after_s_) {
                update(c, t.end_time_s);
            }
        });
}

void TsunamiModel::update(Chunk const& c, double time_s) {
    auto const& cells = world_->inundated_cells;
    auto const& dmax = world_->tsunami_max_depth_m.data;
    auto const& arr = world_->tsunami_arrival_s.data;
    auto& depth = world_->tsunami_depth_m.data;
    for (std::size_t i = c.begin; i < c.end; ++i) {
        CellId const cell = cells[i];
        float d = tsunami_depth(dmax[cell], arr[cell], time_s, cfg_.curve);
        depth[cell] = d < 0.001f && time_s > static_cast<double>(arr[cell]) + cfg_.curve.rise_time_s
                          ? 0.0f
                          : d;
    }
}

void TsunamiModel::initialize(TickContext const& ctx) {
    std::size_t const n = world_->inundated_cells.size();
    // When does the field stop changing? Every cell at its maximum (no recession), or below 1 mm.
    double steady = 0.0;
    auto const& c = cfg_.curve;
    for (CellId cell : world_->inundated_cells) {
        double const arr = world_->tsunami_arrival_s[cell];
        if (!std::isfinite(arr)) {
            continue;
        }
        double end = arr + c.rise_time_s;
        if (std::isfinite(c.hold_s)) {
            double const dmax = world_->tsunami_max_depth_m[cell];
            end += c.hold_s + c.recession_time_s * std::log(std::max(1.0, dmax / 0.001));
        }
        steady = std::max(steady, end);
    }
    steady_after_s_ = steady;
    ctx.pool.for_chunks(n, 16384, [&](Chunk const& ch) { update(ch, ctx.time_s); });
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
