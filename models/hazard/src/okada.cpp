// Okada (1985), surface displacements: equations (24)-(30). See okada.hpp.

#include <tsunagi/hazard/okada.hpp>

#include <cmath>
#include <numbers>

namespace tsunagi::hazard {

namespace {

constexpr double kEps = 1.0e-12;

struct Terms {
    double ux_s, uy_s, uz_s; // strike slip, without the factor -U1/2π
    double ux_d, uy_d, uz_d; // dip slip, without -U2/2π
    double ux_t, uy_t, uz_t; // tensile, without U3/2π
};

// The integrand f(ξ, η) of eq. (24), for all three dislocation types at once.
Terms corner(double xi, double eta, double q, double sd, double cd, double mu_ratio) {
    double const yt = eta * cd + q * sd;  // ỹ
    double const dt = eta * sd - q * cd;  // d̃
    double const r = std::sqrt(xi * xi + eta * eta + q * q);
    double const x = std::sqrt(xi * xi + q * q);
    // ln(R + η) is singular where R + η = 0 (points on the negative η axis of the fault plane
    // extension); Okada's remedy is −ln(R − η) there.
    double const ln_re = r + eta > kEps ? std::log(r + eta) : -std::log(r - eta);
    double const ln_rd = std::log(r + dt);
    // atan(ξη / (qR)) -> 0 as q -> 0 (eq. 24 remark).
    double const theta = std::abs(q) > kEps ? std::atan(xi * eta / (q * r)) : 0.0;
    double const re = r + eta;
    double const rx = r + xi;
    double const inv_r_re = std::abs(re) > kEps ? 1.0 / (r * re) : 0.0;
    double const inv_r_rx = std::abs(rx) > kEps ? 1.0 / (r * rx) : 0.0;
    double const inv_re = std::abs(re) > kEps ? 1.0 / re : 0.0;

    double i1, i2, i3, i4, i5;
    if (std::abs(cd) > kEps) {
        i5 = std::abs(xi) < kEps
                 ? 0.0
                 : mu_ratio * 2.0 / cd *
                       std::atan((eta * (x + q * cd) + x * (r + x) * sd) / (xi * (r + x) * cd));
        i4 = mu_ratio / cd * (ln_rd - sd * ln_re);
        i3 = mu_ratio * (1.0 / cd * yt / (r + dt) - ln_re) + sd / cd * i4;
        i2 = mu_ratio * (-ln_re) - i3;
        i1 = mu_ratio * (-1.0 / cd * xi / (r + dt)) - sd / cd * i5;
    } else {
        double const rd = r + dt;
        i1 = -mu_ratio / 2.0 * xi * q / (rd * rd);
        i3 = mu_ratio / 2.0 * (eta / rd + yt * q / (rd * rd) - ln_re);
        i2 = mu_ratio * (-ln_re) - i3;
        i4 = -mu_ratio * q / rd;
        i5 = -mu_ratio * xi * sd / rd;
    }

    Terms t{};
    // Strike slip, eq. (25).
    t.ux_s = xi * q * inv_r_re + theta + i1 * sd;
    t.uy_s = yt * q * inv_r_re + q * cd * inv_re + i2 * sd;
    t.uz_s = dt * q * inv_r_re + q * sd * inv_re + i4 * sd;
    // Dip slip, eq. (26).
    t.ux_d = q / r - i3 * sd * cd;
    t.uy_d = yt * q * inv_r_rx + cd * theta - i1 * sd * cd;
    t.uz_d = dt * q * inv_r_rx + sd * theta - i5 * sd * cd;
    // Tensile, eq. (27).
    t.ux_t = q * q * inv_r_re - i3 * sd * sd;
    t.uy_t = -dt * q * inv_r_rx - sd * (xi * q * inv_r_re - theta) - i1 * sd * sd;
    t.uz_t = yt * q * inv_r_rx + cd * (xi * q * inv_r_re - theta) - i5 * sd * sd;
    return t;
}

} // namespace

Displacement okada85(double x, double y, double depth, double dip_deg, double length,
                     double width, double u1, double u2, double u3, double nu) {
    double const dip = dip_deg * std::numbers::pi / 180.0;
    double sd = std::sin(dip);
    double cd = std::cos(dip);
    if (std::abs(cd) < kEps) { // exactly vertical: avoid cos δ ~ 1e-17 selecting the wrong branch
        cd = 0.0;
        sd = sd > 0.0 ? 1.0 : -1.0;
    }
    double const mu_ratio = 1.0 - 2.0 * nu; // μ / (λ + μ)
    double const p = y * cd + depth * sd;
    double const q = y * sd - depth * cd;

    // Chinnery: f(ξ, η)‖ = f(x, p) − f(x, p − W) − f(x − L, p) + f(x − L, p − W).
    double sx = 0, sy = 0, sz = 0, dx = 0, dy = 0, dz = 0, tx = 0, ty = 0, tz = 0;
    struct Corner {
        double xi, eta, sign;
    };
    Corner const corners[4] = {
        {x, p, 1.0}, {x, p - width, -1.0}, {x - length, p, -1.0}, {x - length, p - width, 1.0}};
    for (auto const& c : corners) {
        Terms const t = corner(c.xi, c.eta, q, sd, cd, mu_ratio);
        sx += c.sign * t.ux_s;
        sy += c.sign * t.uy_s;
        sz += c.sign * t.uz_s;
        dx += c.sign * t.ux_d;
        dy += c.sign * t.uy_d;
        dz += c.sign * t.uz_d;
        tx += c.sign * t.ux_t;
        ty += c.sign * t.uy_t;
        tz += c.sign * t.uz_t;
    }
    double const k = 1.0 / (2.0 * std::numbers::pi);
    Displacement d;
    d.ux = -u1 * k * sx - u2 * k * dx + u3 * k * tx;
    d.uy = -u1 * k * sy - u2 * k * dy + u3 * k * ty;
    d.uz = -u1 * k * sz - u2 * k * dz + u3 * k * tz;
    return d;
}

Displacement okada_displacement(FaultPlane const& f, double slip_m, double rake_deg,
                                double opening_m, double x_m, double y_m, double nu) {
    double const phi = f.strike_deg * std::numbers::pi / 180.0;
    double const del = f.dip_deg * std::numbers::pi / 180.0;
    double const rake = rake_deg * std::numbers::pi / 180.0;
    // Along strike, and Okada's +y: horizontal, to the left of the strike direction.
    double const sx = std::sin(phi), sy = std::cos(phi);
    double const lx = -std::cos(phi), ly = std::sin(phi);
    // Okada's origin: the start of the lower edge, W·cos δ to the right of the upper edge.
    double const w_m = f.width_km * 1000.0;
    double const ox = f.x0_m - w_m * std::cos(del) * lx;
    double const oy = f.y0_m - w_m * std::cos(del) * ly;
    double const rx = x_m - ox, ry = y_m - oy;
    double const xo = rx * sx + ry * sy;
    double const yo = rx * lx + ry * ly;
    Displacement const u = okada85(xo, yo, f.bottom_depth_km() * 1000.0, f.dip_deg,
                                   f.length_km * 1000.0, w_m, slip_m * std::cos(rake),
                                   slip_m * std::sin(rake), opening_m, nu);
    Displacement out;
    out.ux = u.ux * sx + u.uy * lx; // east
    out.uy = u.ux * sy + u.uy * ly; // north
    out.uz = u.uz;
    return out;
}

} // namespace tsunagi::hazard
