#pragma once
// Administrative zones as a hierarchy 国 (country) → 都道府県 (prefecture) → 市町村 (municipality).
// Parents always come before their children, so a KPI given per municipality is summed up the
// hierarchy in one backward pass, and every KPI can be cut at any level.

#include <tsunagi/core/types.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagi {

enum class ZoneLevel : std::uint8_t { Country = 0, Prefecture = 1, Municipality = 2 };
std::string_view to_string(ZoneLevel l) noexcept;

struct Zone {
    std::string code; // "JP", 2-digit prefecture code, 5-digit municipality code (JIS X 0402)
    std::string name;
    ZoneLevel level = ZoneLevel::Municipality;
    std::int32_t parent = -1; // index of the parent zone, -1 for the root
};

class Zones {
public:
    // Adds a zone; its parent must already exist (or be -1 for the root). Returns its index.
    ZoneIndex add(Zone z);

    std::size_t size() const noexcept { return zones_.size(); }
    Zone const& operator[](std::size_t i) const noexcept { return zones_[i]; }
    std::span<Zone const> all() const noexcept { return zones_; }
    std::optional<ZoneIndex> find(std::string_view code) const;
    std::vector<ZoneIndex> at_level(ZoneLevel l) const;

    // Adds every zone's value to its parent's, children first: call on an array where only the
    // leaves were filled to get the totals of every level.
    template <class T>
    void aggregate_up(std::span<T> values) const {
        for (std::size_t i = zones_.size(); i-- > 0;) {
            if (zones_[i].parent >= 0) {
                values[static_cast<std::size_t>(zones_[i].parent)] += values[i];
            }
        }
    }

private:
    std::vector<Zone> zones_;
};

} // namespace tsunagi
