#pragma once
// Integer apportioning: split a whole number in proportion to weights so the parts add up to it
// exactly (largest-remainder / Hamilton method). Ties in the remainders go to the lower index, so
// the result is deterministic.

#include <cstdint>
#include <span>
#include <vector>

namespace tsunagi {

// Throws ModelError if weights are negative/non-finite or all zero while total > 0.
std::vector<std::uint64_t> apportion(std::span<double const> weights, std::uint64_t total);

} // namespace tsunagi
