#pragma once
// One deterministic queue of scheduled events (a bridge fails at t, push support starts on day 3).
// Events run at the start of their tick, before the Sense phase, ordered by (tick, priority,
// insertion order). Events may only be scheduled from serial code (initialisation, global tasks,
// other events) so that insertion order is itself deterministic.

#include <tsunagi/core/types.hpp>

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

namespace tsunagi {

struct EventContext {
    Tick tick;
    double time_s;
};

class EventQueue {
public:
    using Action = std::function<void(EventContext const&)>;

    // Schedule `action` at `tick`; lower priority values run first within a tick.
    void schedule(Tick tick, std::string name, Action action, int priority = 0);

    // Run every event due at or before `now` (events scheduled by them for `now` run too).
    // Returns how many ran. Throws ModelError for an event scheduled in the past.
    std::size_t run_due(Tick now, double time_s);

    std::size_t size() const noexcept { return heap_.size(); }
    bool empty() const noexcept { return heap_.empty(); }
    Tick next_tick() const; // requires !empty()
    std::vector<std::string> const& log() const noexcept { return log_; } // names of events run

    void set_current_tick(Tick t) noexcept { current_ = t; }
    // Drops events before `t` (on restart, the events models scheduled again in initialize()
    // that already ran before the checkpoint).
    void discard_before(Tick t);

private:
    struct Entry {
        Tick tick;
        int priority;
        std::uint64_t seq;
        std::string name;
        Action action;
    };
    struct Later {
        bool operator()(Entry const& a, Entry const& b) const noexcept {
            if (a.tick != b.tick) {
                return a.tick > b.tick;
            }
            if (a.priority != b.priority) {
                return a.priority > b.priority;
            }
            return a.seq > b.seq;
        }
    };
    std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
    std::uint64_t seq_ = 0;
    Tick current_ = 0;
    std::vector<std::string> log_;
};

} // namespace tsunagi
