#include <tsunagi/core/error.hpp>
#include <tsunagi/core/event_queue.hpp>

#include <fmt/format.h>

namespace tsunagi {

void EventQueue::schedule(Tick tick, std::string name, Action action, int priority) {
    if (tick < current_) {
        throw ModelError(fmt::format("event '{}' scheduled for tick {}, which has already passed "
                                     "(current tick {})",
                                     name, tick, current_));
    }
    heap_.push(Entry{tick, priority, seq_++, std::move(name), std::move(action)});
}

std::size_t EventQueue::run_due(Tick now, double time_s) {
    current_ = now;
    std::size_t n = 0;
    while (!heap_.empty() && heap_.top().tick <= now) {
        // priority_queue::top is const; move out through a copy of the small fields first.
        Entry e = std::move(const_cast<Entry&>(heap_.top())); // NOLINT: moved-from then popped
        heap_.pop();
        EventContext const ctx{now, time_s};
        if (e.action) {
            e.action(ctx);
        }
        log_.push_back(std::move(e.name));
        ++n;
    }
    return n;
}

void EventQueue::discard_before(Tick t) {
    while (!heap_.empty() && heap_.top().tick < t) {
        heap_.pop();
    }
    current_ = t;
}

Tick EventQueue::next_tick() const {
    if (heap_.empty()) {
        throw ModelError("EventQueue::next_tick called on an empty queue");
    }
    return heap_.top().tick;
}

} // namespace tsunagi
