#pragma once
// Surface deformation of an elastic half-space by a rectangular dislocation.
//
// Source: Okada, Y. (1985) "Surface deformation due to shear and tensile faults in a half-space",
// Bull. Seismol. Soc. Am. 75(4), 1135–1154: displacements eqs. (25)–(30) (p. 1144–1145), with
// the terms I1–I5 of eq. (28) and their cos δ = 0 limits of eq. (29), combined over the four
// fault corners by Chinnery's notation, eq. (24). Verified against the check list of Table 2
// (p. 1149; values in ../shared/REFERENCE.md) to 4 significant figures
// (tests/unit/test_hazard.cpp).
//
// Okada's frame: x along strike, y horizontal and perpendicular to it (to the left of the strike
// direction), z up; the fault's lower edge runs from (0, 0, −d) to (L, 0, −d) and the fault rises
// by W up its dip towards +y. U1 > 0 is left-lateral strike slip, U2 > 0 reverse (thrust) dip
// slip, U3 > 0 opening. This is the building block of a later built-in long-wave tsunami solver
// (the coseismic uplift of the sea floor is its initial condition).

#include <tsunagi/hazard/gmpe.hpp>

namespace tsunagi::hazard {

struct Displacement {
    double ux = 0.0, uy = 0.0, uz = 0.0;
};

// Displacement at the surface point (x, y) in Okada's frame. Lengths in any one unit; d > 0 is
// the depth of the lower edge; dip in degrees (0 < dip ≤ 90); nu is Poisson's ratio.
Displacement okada85(double x, double y, double depth, double dip_deg, double length,
                     double width, double u1_strike, double u2_dip, double u3_tensile,
                     double nu = 0.25);

// The same for a FaultPlane in projected coordinates (metres, depths in km): slip (m) with rake
// (degrees, Aki & Richards: 90 = thrust, 0 = left-lateral) and opening (m). Returns the east,
// north and upward displacement (m) at the surface point (x, y) (metres).
Displacement okada_displacement(FaultPlane const& f, double slip_m, double rake_deg,
                                double opening_m, double x_m, double y_m, double nu = 0.25);

} // namespace tsunagi::hazard
