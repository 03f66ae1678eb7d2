#include <tsunagi/core/config.hpp>
#include <tsunagi/core/event_config.hpp>

namespace tsunagi {

std::string_view to_string(TimeOfDay t) noexcept {
    switch (t) {
    case TimeOfDay::Night:
        return "night";
    case TimeOfDay::Day:
        return "day";
    case TimeOfDay::Evening:
        return "evening";
    }
    return "night";
}

EventConfig EventConfig::from(ConfigNode const& node) {
    EventConfig c;
    auto const t = node.choice("time_of_day", {"night", "day", "evening"}, "night");
    c.time_of_day = t == "day" ? TimeOfDay::Day : t == "evening" ? TimeOfDay::Evening : TimeOfDay::Night;
    return c;
}

} // namespace tsunagi
