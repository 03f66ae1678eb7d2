#pragma once
// Counter-based random numbers (Random123 Philox4x32-10, Salmon et al., SC'11).
// A draw is a pure function of (seed, stream, entity id, tick, draw index): no engine state is
// shared between agents or threads, so results do not depend on thread or rank counts, nor on
// the order agents are visited in.

#include <tsunagi/core/types.hpp>

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace tsunagi {

// Stream ids keep independent uses of the RNG apart. Ranges per layer so models never collide:
// engine/world 1-99, hazard 100-199, damage 200-299, evacuation 300-399, rescue 400-499,
// lifelines 500-599, shelters 600-699, logistics 700-799, coordination 800-899.
enum class Stream : std::uint32_t {
    SyntheticTerrain = 1,
    SyntheticTowns = 2,
    SyntheticRoads = 3,
    SyntheticFacilities = 4,
    SyntheticBuildings = 5,  // building stock of a cell (keyed by cell)
    SyntheticLifelines = 6,  // substations, water plants, base stations (keyed by index)
    Spawn = 10,          // households of a cell (keyed by cell)
    Attributes = 11,     // a resident's age band and needs (keyed by resident)
    Location = 12,       // where a resident is at the event (keyed by resident)
    HazardVariability = 100, // ground-motion variability (keyed by cell; the event term by 2^40)
    RoadDebris = 200,        // debris blocking a road link (keyed by the link's lower edge id)
    BridgeFailure = 201,     // a bridge failing (keyed by the link's lower edge id)
    CollapseCasualty = 202,  // killed or trapped by a collapse (keyed by resident)
    Departure = 300,
    WalkSpeed = 301,
    Mortality = 302,
    Behaviour = 303,
    Mode = 304,
    PowerDamage = 500,       // substations, feeders, distribution (keyed by component)
    WaterDamage = 501,       // plants and mains (keyed by component)
    TelecomDamage = 502,     // base stations (keyed by facility)
};

class Rng {
public:
    Rng(std::uint64_t seed, Stream stream, std::uint64_t id, Tick tick) noexcept
        : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}}
        , ctr_{{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(tick),
                static_cast<std::uint32_t>(stream),
                // The high halves of id and tick share the last word with the block counter
                // (low 16 bits), so 64-bit ids and ticks stay distinct up to 2^16 each.
                (static_cast<std::uint32_t>(id >> 32) << 24) ^
                    (static_cast<std::uint32_t>(static_cast<std::uint64_t>(tick) >> 32) << 16)}} {}

    // Next 32 random bits.
    std::uint32_t next_u32() noexcept {
        if (used_ == 4) {
            refill();
        }
        return block_.v[used_++];
    }

    // Uniform in [0, 1) with 24 bits (float) or 53 bits (double) of resolution.
    float uniform_float() noexcept { return static_cast<float>(next_u32() >> 8) * 0x1.0p-24f; }
    double uniform() noexcept {
        std::uint64_t const hi = next_u32() >> 5; // 27 bits
        std::uint64_t const lo = next_u32() >> 6; // 26 bits
        return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
    }
    // Uniform in (0, 1]: safe to take the logarithm of.
    double uniform_pos() noexcept { return 1.0 - uniform(); }

    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

    // Integer in [0, n) by Lemire's multiply-shift (bias < n / 2^32, irrelevant for our n).
    std::uint32_t below(std::uint32_t n) noexcept {
        return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next_u32()) * n) >> 32);
    }

    bool bernoulli(double p) noexcept { return uniform() < p; }

    double exponential(double mean) noexcept { return -mean * std::log(uniform_pos()); }

    // Standard normal by Box-Muller on two uniforms (one value per call; deterministic).
    double normal() noexcept {
        double const u1 = uniform_pos();
        double const u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double normal(double mean, double sd) noexcept { return mean + sd * normal(); }
    double lognormal(double mu, double sigma) noexcept { return std::exp(normal(mu, sigma)); }

private:
    void refill() noexcept {
        auto c = ctr_;
        c.v[3] += block_index_++;
        block_ = r123::Philox4x32{}(c, key_);
        used_ = 0;
    }

    r123::Philox4x32::key_type key_;
    r123::Philox4x32::ctr_type ctr_;
    r123::Philox4x32::ctr_type block_{};
    std::uint32_t block_index_ = 0;
    unsigned used_ = 4;
};

} // namespace tsunagi
