#pragma once
// Earthquake ground motion per grid cell at the main shock (t = 0) from one or more rectangular
// fault segments (a Nankai-style multi-segment rupture): fault distance, PGV, JMA intensity, and
// the coseismic surface deformation.
//
// Sources (equations in gmpe.hpp and okada.hpp; full description in docs/models/earthquake.md):
//  - PGV on Vs30 = 600 m/s: Si & Midorikawa (1999), eq. (5), with the plate-interface term
//    d = −0.02 (or crustal 0 / intraslab +0.12), X the shortest distance to any segment, Mw
//    capped at 8.3 (the equation's data range; OpenQuake does the same) — an M9 rupture keeps its
//    size through the finite-fault distance, not the magnitude term;
//  - site amplification (600 / Vs30)^0.66 (Midorikawa et al. 1994) from a Vs30 raster, or a
//    site_amplification raster, or a default Vs30 (400 m/s ⚠: × 1.31);
//  - JMA intensity I = 2.68 + 1.72 log10 PGV (⚠ attribution, see gmpe.hpp);
//  - optional aleatory variability: ε_between + ε_within in log10 PGV, normal, drawn with the
//    counter-based RNG (stream HazardVariability, keyed by cell; the event term by 2^32);
//  - surface deformation: Okada (1985) for each segment, slip given or from the moment
//    M0 = 10^(1.5 Mw + 9.1) N·m = μ · Σ(L W) · slip.
// Writes the world layers fault_distance_km, pgv_cm_s, jma_intensity and okada_uplift_m; without
// faults it does nothing (and a world that already carries jma_intensity, e.g. the Cabinet
// Office's published intensity mesh, keeps it).

#include <tsunagi/core/model.hpp>
#include <tsunagi/hazard/gmpe.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tsunagi::hazard {

struct FaultSegment {
    std::string name;
    FaultPlane plane;                 // x0_m / y0_m resolved in declare()
    std::optional<double> x_km, y_km; // upper-edge start, from the grid's south-west corner
    std::optional<double> lon, lat;   // or in WGS84 degrees
    std::optional<double> slip_m;     // absent: from Mw and the total area
    double rake_deg = 90.0;
};

struct EarthquakeConfig {
    std::vector<FaultSegment> faults;
    double mw = 0.0;
    double mw_cap = 8.3;
    std::optional<double> depth_km;   // focal depth D; absent: area-weighted mean centre depth
    FaultType type = FaultType::Interface;
    double default_vs30_mps = 400.0;  // where the world has neither vs30 nor site_amplification
    double sigma_within_log10 = 0.0;
    double sigma_between_log10 = 0.0;
    bool okada = true;
    double poisson = 0.25;
    double rigidity_pa = 4.0e10;

    static EarthquakeConfig from(ConfigNode const& node);
};

class EarthquakeModel final : public Model {
public:
    std::string_view name() const override { return "hazard.earthquake"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void report(Report& r) const override;
    bool replicated() const override { return true; } // world-level state, the same on every rank
    // Its state is the world's layers (saved by the engine) and the slip, recomputed.
    bool checkpointable() const override { return true; }

    EarthquakeConfig const& config() const noexcept { return cfg_; }
    bool active() const noexcept { return !cfg_.faults.empty(); }
    double focal_depth_km() const noexcept { return depth_km_; }
    double slip_m(std::size_t segment) const { return slip_m_.at(segment); }

private:
    EarthquakeConfig cfg_;
    World* world_ = nullptr;
    std::uint64_t seed_ = 0;
    double depth_km_ = 0.0;
    std::vector<double> slip_m_;
};

} // namespace tsunagi::hazard
