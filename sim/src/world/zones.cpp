#include <tsunagi/core/error.hpp>
#include <tsunagi/world/zones.hpp>

#include <fmt/format.h>

namespace tsunagi {

std::string_view to_string(ZoneLevel l) noexcept {
    switch (l) {
    case ZoneLevel::Country:
        return "country";
    case ZoneLevel::Prefecture:
        return "prefecture";
    case ZoneLevel::Municipality:
        return "municipality";
    }
    return "?";
}

ZoneIndex Zones::add(Zone z) {
    if (z.parent >= static_cast<std::int32_t>(zones_.size())) {
        throw DataError(fmt::format("zone '{}' ({}) names parent {}, which does not exist yet; "
                                    "add parents before children",
                                    z.code, z.name, z.parent));
    }
    if (z.parent >= 0 && zones_[static_cast<std::size_t>(z.parent)].level >= z.level) {
        throw DataError(fmt::format("zone '{}' ({}) is a {} but its parent '{}' is not above it",
                                    z.code, z.name, to_string(z.level),
                                    zones_[static_cast<std::size_t>(z.parent)].code));
    }
    if (find(z.code)) {
        throw DataError(fmt::format("zone code '{}' appears twice", z.code));
    }
    if (zones_.size() + 1 >= kNoZone) {
        throw DataError("too many zones (limit 65534)");
    }
    zones_.push_back(std::move(z));
    return static_cast<ZoneIndex>(zones_.size() - 1);
}

std::optional<ZoneIndex> Zones::find(std::string_view code) const {
    for (std::size_t i = 0; i < zones_.size(); ++i) {
        if (zones_[i].code == code) {
            return static_cast<ZoneIndex>(i);
        }
    }
    return std::nullopt;
}

std::vector<ZoneIndex> Zones::at_level(ZoneLevel l) const {
    std::vector<ZoneIndex> out;
    for (std::size_t i = 0; i < zones_.size(); ++i) {
        if (zones_[i].level == l) {
            out.push_back(static_cast<ZoneIndex>(i));
        }
    }
    return out;
}

} // namespace tsunagi
