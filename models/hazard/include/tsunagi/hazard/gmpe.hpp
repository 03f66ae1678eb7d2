#pragma once
// Ground motion from a finite fault: fault distance, peak ground velocity and JMA intensity.
//
// Sources:
//  - Si, H. & Midorikawa, S. (1999) "New attenuation relationships for peak ground acceleration
//    and velocity considering effects of fault type and site condition", J. Struct. Constr. Eng.
//    (AIJ) 523, 63–70, eq. (5), PGV on a site with Vs30 ≈ 600 m/s (cm/s):
//      log10 PGV = 0.58 Mw + 0.0038 D + d − 1.29 − log10(X + 0.0028 · 10^(0.5 Mw)) − 0.002 X
//    D: focal depth (km), X: shortest distance to the fault plane (km), d: 0 crustal, −0.02
//    plate interface, +0.12 intraslab; σ(log10) 0.15–0.23. Its data end near Mw 8.3; OpenQuake's
//    SiMidorikawa1999 caps Mw at 8.3, and so does this model (hazard.earthquake.mw_cap): the size
//    of a larger rupture enters through the finite-fault distance X instead.
//  - Midorikawa, S., Matsuoka, M. & Sakugawa, K. (1994) "Site effects on strong-motion records
//    observed during the 1987 Chiba-ken-toho-oki, Japan earthquake", Proc. 9th Japan Earthquake
//    Engineering Symposium, E085–E090: log10 ARV = 1.83 − 0.66 log10 Vs30, i.e. the PGV
//    amplification relative to Vs30 = 600 m/s is (600 / Vs30)^0.66 (× 1.31 at 400 m/s).
//  - JMA instrumental intensity from PGV: I = 2.68 + 1.72 log10 PGV (cm/s), valid for about
//    4 < I < 7 (Midorikawa, Fujimoto & Muramatsu 1999, J. Inst. Social Safety Science 1, 51–56;
//    attribution ⚠ as in ../shared/REFERENCE.md).

#include <cmath>

namespace tsunagi::hazard {

enum class FaultType { Crustal, Interface, Intraslab };

// The fault-type term d of Si & Midorikawa (1999).
inline double si_midorikawa_type_term(FaultType t) noexcept {
    switch (t) {
    case FaultType::Crustal:
        return 0.0;
    case FaultType::Interface:
        return -0.02;
    case FaultType::Intraslab:
        return 0.12;
    }
    return 0.0;
}

// log10 of PGV (cm/s) on Vs30 = 600 m/s. mw is used as given (cap it before calling).
inline double si_midorikawa_log10_pgv(double mw, double depth_km, double distance_km,
                                      FaultType type) noexcept {
    return 0.58 * mw + 0.0038 * depth_km + si_midorikawa_type_term(type) - 1.29 -
           std::log10(distance_km + 0.0028 * std::pow(10.0, 0.5 * mw)) - 0.002 * distance_km;
}

// PGV amplification of a site relative to Vs30 = 600 m/s (Midorikawa et al. 1994).
inline double pgv_amplification(double vs30_mps) noexcept {
    return std::pow(600.0 / vs30_mps, 0.66);
}

// JMA instrumental intensity from PGV (cm/s); 0 for no motion.
inline double jma_intensity_from_pgv(double pgv_cm_s) noexcept {
    if (!(pgv_cm_s > 0.0)) {
        return 0.0;
    }
    return 2.68 + 1.72 * std::log10(pgv_cm_s);
}

// The inverse (for worlds that carry intensity but not PGV).
inline double pgv_from_jma_intensity(double intensity) noexcept {
    if (!(intensity > 0.0)) {
        return 0.0;
    }
    return std::pow(10.0, (intensity - 2.68) / 1.72);
}

// One rectangular fault segment in projected metres (x east, y north, depth positive down, km).
// (x0, y0) is the start of its upper edge; it runs `length_km` along `strike_deg` (clockwise from
// north) and dips by `dip_deg` to the right of the strike direction (Aki & Richards convention),
// from `top_depth_km` down to top_depth_km + width_km · sin(dip).
struct FaultPlane {
    double x0_m = 0.0, y0_m = 0.0;
    double strike_deg = 0.0, dip_deg = 45.0;
    double length_km = 10.0, width_km = 10.0, top_depth_km = 0.0;

    double bottom_depth_km() const noexcept {
        return top_depth_km + width_km * std::sin(dip_deg * 0.017453292519943295);
    }
    double centre_depth_km() const noexcept {
        return top_depth_km + 0.5 * width_km * std::sin(dip_deg * 0.017453292519943295);
    }
    double area_km2() const noexcept { return length_km * width_km; }

    // Shortest distance (km) from a point on the surface (x, y in metres) to the rectangle: the
    // in-plane coordinates of the point are clamped to the rectangle (exact, as the plane's two
    // axes are orthogonal).
    double distance_km(double x_m, double y_m) const noexcept {
        double const phi = strike_deg * 0.017453292519943295;
        double const del = dip_deg * 0.017453292519943295;
        double const sx = std::sin(phi), sy = std::cos(phi);           // along strike
        double const dx = std::cos(del) * std::cos(phi);               // down dip
        double const dy = -std::cos(del) * std::sin(phi);
        double const dz = std::sin(del);
        double const rx = (x_m - x0_m) / 1000.0, ry = (y_m - y0_m) / 1000.0, rz = -top_depth_km;
        double a = rx * sx + ry * sy;
        double b = rx * dx + ry * dy + rz * dz;
        a = a < 0.0 ? 0.0 : (a > length_km ? length_km : a);
        b = b < 0.0 ? 0.0 : (b > width_km ? width_km : b);
        double const qx = a * sx + b * dx - rx;
        double const qy = a * sy + b * dy - ry;
        double const qz = b * dz - rz;
        return std::sqrt(qx * qx + qy * qy + qz * qz);
    }
};

} // namespace tsunagi::hazard
