#pragma once
// The `event:` section: facts about the disaster itself that every layer may need (when it
// strikes), read once by the Simulation and handed to every model.

#include <cstdint>
#include <string_view>

namespace tsunagi {

class ConfigNode;

// The Cabinet Office method's three cases: winter deep night (everyone at home, asleep), summer
// midday (many at work or school), winter evening (most at home, some out).
enum class TimeOfDay : std::uint8_t { Night, Day, Evening };
std::string_view to_string(TimeOfDay t) noexcept;

struct EventConfig {
    TimeOfDay time_of_day = TimeOfDay::Night;
    static EventConfig from(ConfigNode const& node);
};

} // namespace tsunagi
