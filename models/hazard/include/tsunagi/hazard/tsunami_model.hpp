#pragma once
// Tsunami inundation over time, from the static fields the world carries: the time water first
// reaches each cell (tsunami_arrival_s) and the maximum depth there (tsunami_max_depth_m).
//
//   depth(c, t) = D_max(c) · rise((t − t_arr(c)) / T_rise)     while t − t_arr ≤ T_rise + T_hold
//              = D_max(c) · exp(−(t − t_arr − T_rise − T_hold) / T_rec)    afterwards
//
// rise(f) = clamp(f, 0, 1) (linear, the default) or (1 − cos(π·clamp(f, 0, 1))) / 2 (cosine: a
// smooth start and crest). With T_hold = ∞ (the default) the maximum is held for the rest of the
// run. The Cabinet Office 2012/2025 inundation data give only the maximum depth and the arrival
// time per cell (内閣府 南海トラフの巨大地震モデル検討会, 津波浸水想定 — see docs/models/tsunami.md), so
// the shape of the rise and of the recession is a modelling choice, documented and exposed as
// hazard.tsunami.{rise, rise_time_s, hold_s, recession_time_s}. The field is rewritten every
// hazard.tsunami.period_s for the end of the current tick and read by every layer (evacuation
// exposure, road closures while flooded, lifeline flooding).

#include <tsunagi/core/model.hpp>

#include <cmath>
#include <limits>

namespace tsunagi::hazard {

enum class RiseShape : std::uint8_t { Linear, Cosine };

// The depth curve of one cell, relative to its arrival time and maximum depth.
struct TsunamiCurve {
    RiseShape shape = RiseShape::Linear;
    double rise_time_s = 600.0;
    double hold_s = std::numeric_limits<double>::infinity();  // at the maximum, then recession
    double recession_time_s = 3600.0;                           // e-folding time of the fall
};

struct TsunamiConfig {
    TsunamiCurve curve;
    double period_s = 10.0;
    static TsunamiConfig from(ConfigNode const& node);
};

// depth(t) for one cell (exposed for tests and other models).
inline float tsunami_depth(float max_depth_m, float arrival_s, double t, TsunamiCurve const& c) {
    if (!(max_depth_m > 0.0f) || !(t > static_cast<double>(arrival_s))) {
        return 0.0f;
    }
    double const since = t - static_cast<double>(arrival_s);
    double f = c.rise_time_s > 0.0 ? since / c.rise_time_s : 1.0;
    f = f < 1.0 ? f : 1.0;
    if (c.shape == RiseShape::Cosine) {
        f = 0.5 * (1.0 - std::cos(3.141592653589793 * f));
    }
    double const fall_start = std::max(c.rise_time_s, 0.0) + c.hold_s;
    if (since > fall_start) {
        f = c.recession_time_s > 0.0 ? std::exp(-(since - fall_start) / c.recession_time_s) : 0.0;
    }
    return static_cast<float>(static_cast<double>(max_depth_m) * f);
}

// The linear rise with the maximum held (the original curve).
inline float tsunami_depth(float max_depth_m, float arrival_s, double t, double rise_time_s) {
    TsunamiCurve c;
    c.rise_time_s = rise_time_s;
    return tsunami_depth(max_depth_m, arrival_s, t, c);
}

class TsunamiModel final : public Model {
public:
    std::string_view name() const override { return "hazard.tsunami"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void report(Report& r) const override;
    bool checkpointable() const override { return true; } // its state is the world's depth field
    bool replicated() const override { return true; } // world-level state, the same on every rank

private:
    void update(Chunk const& c, double time_s);
    TsunamiConfig cfg_;
    World* world_ = nullptr;
    // After this time the field no longer changes (every cell at its maximum for good, or drained
    // below 1 mm): once an update was made for a later time, updates stop.
    double steady_after_s_ = std::numeric_limits<double>::infinity();
};

} // namespace tsunagi::hazard
