#include <tsunagi/core/clock.hpp>
#include <tsunagi/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tsunagi {

std::string_view to_string(Phase p) noexcept {
    switch (p) {
    case Phase::Sense:
        return "sense";
    case Phase::Decide:
        return "decide";
    case Phase::Move:
        return "move";
    case Phase::Commit:
        return "commit";
    case Phase::Exchange:
        return "exchange";
    case Phase::Record:
        return "record";
    }
    return "?";
}

Tick Period::in_ticks(double tick_s) const {
    if (ticks_ > 0) {
        return ticks_;
    }
    if (!(seconds_ > 0.0) || !(tick_s > 0.0)) {
        throw ScenarioError(fmt::format(
            "a model period of {} s with a base tick of {} s: both must be positive", seconds_,
            tick_s));
    }
    double const n = seconds_ / tick_s;
    double const r = std::round(n);
    if (r < 1.0 || std::abs(n - r) > 1e-9 * r) {
        throw ScenarioError(fmt::format(
            "a model period of {} s is not a whole number of base ticks of {} s; choose a period "
            "that is a multiple of scenario.tick_s",
            seconds_, tick_s));
    }
    return static_cast<Tick>(r);
}

Clock::Clock(double tick_s, Tick total_ticks, double coarse_tick_s, Tick coarse_from)
    : tick_s_(tick_s)
    , total_(total_ticks)
    , coarse_tick_s_(coarse_tick_s > 0.0 ? coarse_tick_s : tick_s)
    , coarse_from_(coarse_tick_s > 0.0 ? coarse_from : std::numeric_limits<Tick>::max()) {
    ratio_ = std::max<Tick>(1, static_cast<Tick>(std::llround(coarse_tick_s_ / tick_s_)));
}

Tick Clock::ticks_ceil(double seconds) const noexcept {
    if (seconds <= 0.0) {
        return 0;
    }
    // Tolerate floating error so that exactly 300 s / 1 s is 300, not 301.
    return static_cast<Tick>(std::ceil(seconds / tick_s_ - 1e-9));
}

Tick Clock::tick_at(double seconds) const noexcept {
    Tick const base = ticks_ceil(seconds);
    if (base <= coarse_from_) {
        return base;
    }
    return coarse_from_ + (base - coarse_from_ + ratio_ - 1) / ratio_;
}

} // namespace tsunagi
