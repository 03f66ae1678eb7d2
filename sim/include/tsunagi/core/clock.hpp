#pragma once
// Simulation time: a base tick of fixed length, counted from the main shock (t = 0 s).
// Models run every `Period` ticks, at an offset, in one of the tick's phases.

#include <tsunagi/core/types.hpp>

#include <array>
#include <string_view>

namespace tsunagi {

// The phases of one tick, in execution order (ARCHITECTURE.md §3).
enum class Phase : std::uint8_t { Sense, Decide, Move, Commit, Exchange, Record };
inline constexpr std::array<Phase, 6> kPhases{Phase::Sense,  Phase::Decide,   Phase::Move,
                                              Phase::Commit, Phase::Exchange, Phase::Record};
std::string_view to_string(Phase p) noexcept;

// How often a task runs: a number of base ticks, or seconds that must be a whole number of ticks.
class Period {
public:
    static Period ticks(Tick n) { return Period(n, 0.0); }
    static Period seconds(double s) { return Period(0, s); }
    // Number of base ticks for a tick length; throws ScenarioError if not a positive whole number.
    Tick in_ticks(double tick_s) const;

private:
    Period(Tick t, double s) : ticks_(t), seconds_(s) {}
    Tick ticks_;
    double seconds_;
};

class Clock {
public:
    Clock(double tick_s, Tick total_ticks);

    Tick tick() const noexcept { return tick_; }                // the tick about to run / running
    Tick total_ticks() const noexcept { return total_; }
    double tick_s() const noexcept { return tick_s_; }
    double time_s() const noexcept { return time_of(tick_); }   // start of the current tick
    double time_of(Tick t) const noexcept { return static_cast<double>(t) * tick_s_; }
    bool done() const noexcept { return tick_ >= total_; }
    void advance() noexcept { ++tick_; }
    void reset(Tick t) noexcept { tick_ = t; }

    // Whole ticks in `seconds`, rounded up (a deadline of 1.5 ticks needs 2).
    Tick ticks_ceil(double seconds) const noexcept;

private:
    double tick_s_;
    Tick total_;
    Tick tick_ = 0;
};

} // namespace tsunagi
