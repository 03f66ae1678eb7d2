// Lifeline lines: tracing polylines through the grid (see lifeline_lines.hpp).

#include <algorithm>
#include <cmath>

#include <tsunagi/world/lifeline_lines.hpp>

namespace tsunagi {

std::string_view to_string(LineKind k) noexcept {
    return k == LineKind::PowerFeeder ? "power_feeder" : "water_main";
}

FacilityKind source_kind(LineKind k) noexcept {
    return k == LineKind::PowerFeeder ? FacilityKind::Substation : FacilityKind::WaterPlant;
}

double LifelineLine::length_m() const noexcept {
    double s = 0.0;
    for (float m : metres) {
        s += m;
    }
    return s;
}

void trace_cells(GridSpec const& g, std::span<double const> x, std::span<double const> y,
                 std::vector<CellId>& cells, std::vector<float>& metres) {
    auto const& t = g.transform();
    std::vector<double> cuts;
    for (std::size_t i = 0; i + 1 < x.size() && i + 1 < y.size(); ++i) {
        double const x0 = x[i], y0 = y[i], x1 = x[i + 1], y1 = y[i + 1];
        double const len = std::hypot(x1 - x0, y1 - y0);
        if (!(len > 0.0)) {
            continue;
        }
        // Parameters where the segment crosses a column or row edge.
        cuts.assign({0.0, 1.0});
        auto add_crossings = [&](double a, double b, double origin, double step) {
            if (a == b) {
                return;
            }
            double const fa = (a - origin) / step, fb = (b - origin) / step;
            double const lo = std::ceil(std::min(fa, fb)), hi = std::floor(std::max(fa, fb));
            for (double k = lo; k <= hi; k += 1.0) {
                double const s = (origin + k * step - a) / (b - a);
                if (s > 0.0 && s < 1.0) {
                    cuts.push_back(s);
                }
            }
        };
        add_crossings(x0, x1, t.x0, t.dx);
        add_crossings(y0, y1, t.y0, t.dy);
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            double const piece = (cuts[k + 1] - cuts[k]) * len;
            if (!(piece > 0.0)) {
                continue;
            }
            double const mid = 0.5 * (cuts[k] + cuts[k + 1]);
            CellId const c = g.cell_at(x0 + mid * (x1 - x0), y0 + mid * (y1 - y0));
            if (c == kNoCell) {
                continue;
            }
            if (!cells.empty() && cells.back() == c) {
                metres.back() += static_cast<float>(piece);
            } else {
                cells.push_back(c);
                metres.push_back(static_cast<float>(piece));
            }
        }
    }
}

std::pair<double, double> point_along(std::span<double const> x, std::span<double const> y,
                                      double fraction) {
    std::size_t const n = std::min(x.size(), y.size());
    if (n == 0) {
        return {0.0, 0.0};
    }
    double total = 0.0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        total += std::hypot(x[i + 1] - x[i], y[i + 1] - y[i]);
    }
    double left = std::clamp(fraction, 0.0, 1.0) * total;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        double const s = std::hypot(x[i + 1] - x[i], y[i + 1] - y[i]);
        if (s > 0.0 && left <= s) {
            double const f = left / s;
            return {x[i] + f * (x[i + 1] - x[i]), y[i] + f * (y[i + 1] - y[i])};
        }
        left -= s;
    }
    return {x[n - 1], y[n - 1]};
}

} // namespace tsunagi
