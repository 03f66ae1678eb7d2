#pragma once
// Tsunami inundation over time, from the static fields the world carries: the time water first
// reaches each cell (tsunami_arrival_s) and the maximum depth there (tsunami_max_depth_m).
//
//   depth(c, t) = D_max(c) · clamp((t − t_arr(c)) / T_rise, 0, 1)
//
// A linear rise to the maximum over T_rise (default 600 s) and no recession: the Cabinet Office
// 2012/2025 inundation data give only the maximum depth and the arrival time per cell (内閣府
// 南海トラフの巨大地震モデル検討会, 津波浸水想定 — see docs/models/tsunami.md), so the shape of the rise
// is a modelling choice, documented and exposed as hazard.tsunami.rise_time_s.
// The field is rewritten every hazard.tsunami.period_s for the end of the current tick and read by
// every layer (evacuation exposure, later road closures).

#include <tsunagi/core/model.hpp>

namespace tsunagi::hazard {

struct TsunamiConfig {
    double rise_time_s = 600.0;
    double period_s = 10.0;
    static TsunamiConfig from(ConfigNode const& node);
};

// depth(t) for one cell (exposed for tests and other models).
inline float tsunami_depth(float max_depth_m, float arrival_s, double t, double rise_time_s) {
    if (!(max_depth_m > 0.0f) || !(t > static_cast<double>(arrival_s))) {
        return 0.0f;
    }
    double const f = rise_time_s > 0.0 ? (t - static_cast<double>(arrival_s)) / rise_time_s : 1.0;
    return static_cast<float>(static_cast<double>(max_depth_m) * (f < 1.0 ? f : 1.0));
}

class TsunamiModel final : public Model {
public:
    std::string_view name() const override { return "hazard.tsunami"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void report(Report& r) const override;
    bool checkpointable() const override { return true; } // its state is the world's depth field

private:
    void update(Chunk const& c, double time_s);
    TsunamiConfig cfg_;
    World* world_ = nullptr;
};

} // namespace tsunagi::hazard
