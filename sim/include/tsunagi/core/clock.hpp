#pragma once
// Simulation time: a base tick of fixed length, counted from the main shock (t = 0 s).
// Models run every `Period` ticks, at an offset, in one of the tick's phases.

#include <tsunagi/core/types.hpp>

#include <array>
#include <limits>
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

// Ticks are `tick_s` long until `coarse_from` ticks have run, then `coarse_tick_s` (a whole
// multiple of tick_s) long: fine steps for the hours people move, coarse ones for the days of
// sheltering, supply and repair. Internally time is counted in base ticks ("base time").
class Clock {
public:
    Clock(double tick_s, Tick total_ticks, double coarse_tick_s = 0.0,
          Tick coarse_from = std::numeric_limits<Tick>::max());

    Tick tick() const noexcept { return tick_; }                // the tick about to run / running
    Tick total_ticks() const noexcept { return total_; }
    double tick_s() const noexcept { return tick_s_; }          // the base tick
    double time_s() const noexcept { return time_of(tick_); }   // start of the current tick
    double time_of(Tick t) const noexcept { return static_cast<double>(base_of(t)) * tick_s_; }
    double length_of(Tick t) const noexcept { return t < coarse_from_ ? tick_s_ : coarse_tick_s_; }
    // Base ticks elapsed when tick t starts.
    Tick base_of(Tick t) const noexcept {
        return t <= coarse_from_ ? t : coarse_from_ + (t - coarse_from_) * ratio_;
    }
    bool done() const noexcept { return tick_ >= total_; }
    void advance() noexcept { ++tick_; }
    void reset(Tick t) noexcept { tick_ = t; }

    // The first tick that starts at or after `seconds` (a deadline of 1.5 base ticks is tick 2).
    Tick tick_at(double seconds) const noexcept;
    // Whole base ticks in `seconds`, rounded up.
    Tick ticks_ceil(double seconds) const noexcept;

private:
    double tick_s_;
    Tick total_;
    double coarse_tick_s_;
    Tick coarse_from_;
    Tick ratio_ = 1;
    Tick tick_ = 0;
};

} // namespace tsunagi
