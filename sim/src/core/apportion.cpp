#include <tsunagi/core/apportion.hpp>
#include <tsunagi/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tsunagi {

std::vector<std::uint64_t> apportion(std::span<double const> weights, std::uint64_t total) {
    std::vector<std::uint64_t> out(weights.size(), 0);
    if (total == 0) {
        return out;
    }
    double sum = 0.0;
    for (double w : weights) {
        if (!(w >= 0.0) || !std::isfinite(w)) {
            throw ModelError("apportion: weights must be finite and non-negative");
        }
        sum += w;
    }
    if (!(sum > 0.0)) {
        throw ModelError("apportion: all weights are zero but the total is positive");
    }
    std::vector<double> rem(weights.size());
    std::uint64_t given = 0;
    long double const scale = static_cast<long double>(total) / sum;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        long double const exact = weights[i] * scale;
        auto const floor = static_cast<std::uint64_t>(std::floor(exact));
        out[i] = floor;
        rem[i] = static_cast<double>(exact - static_cast<long double>(floor));
        given += floor;
    }
    if (given > total) { // rounding of huge totals: take back from the smallest remainders
        throw ModelError("apportion: rounding overflow");
    }
    std::uint64_t left = total - given;
    if (left > 0) {
        std::vector<std::size_t> idx(weights.size());
        std::iota(idx.begin(), idx.end(), std::size_t{0});
        std::size_t const k = std::min<std::size_t>(left, idx.size());
        std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                          [&](std::size_t a, std::size_t b) {
                              return rem[a] != rem[b] ? rem[a] > rem[b] : a < b;
                          });
        // `left` never exceeds the number of entries with weight > 0 (each remainder < 1).
        for (std::size_t j = 0; j < k && left > 0; ++j) {
            if (weights[idx[j]] > 0.0) {
                ++out[idx[j]];
                --left;
            }
        }
        for (std::size_t i = 0; left > 0; i = (i + 1) % out.size()) {
            if (weights[i] > 0.0) { // floating slack: spread what is left in index order
                ++out[i];
                --left;
            }
        }
    }
    return out;
}

} // namespace tsunagi
