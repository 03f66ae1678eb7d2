#include <tsunagi/world/node_locator.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tsunagi {

NodeLocator::NodeLocator(RoadGraph const& g, double bucket_m) : g_(&g), bucket_(bucket_m) {
    auto xs = g.node_x();
    auto ys = g.node_y();
    if (xs.empty()) {
        offset_.assign(1, 0);
        return;
    }
    auto [xmin, xmax] = std::minmax_element(xs.begin(), xs.end());
    auto [ymin, ymax] = std::minmax_element(ys.begin(), ys.end());
    x0_ = *xmin;
    y0_ = *ymin;
    nx_ = static_cast<std::int64_t>((*xmax - x0_) / bucket_) + 1;
    ny_ = static_cast<std::int64_t>((*ymax - y0_) / bucket_) + 1;
    // Cap the bucket count for sparse, wide graphs.
    while (nx_ * ny_ > 4 * static_cast<std::int64_t>(xs.size()) + 1024) {
        bucket_ *= 2.0;
        nx_ = static_cast<std::int64_t>((*xmax - x0_) / bucket_) + 1;
        ny_ = static_cast<std::int64_t>((*ymax - y0_) / bucket_) + 1;
    }
    std::vector<std::uint32_t> count(static_cast<std::size_t>(nx_ * ny_) + 1, 0);
    auto bucket_of = [&](std::size_t n) {
        auto bx = static_cast<std::int64_t>((xs[n] - x0_) / bucket_);
        auto by = static_cast<std::int64_t>((ys[n] - y0_) / bucket_);
        return static_cast<std::size_t>(by * nx_ + bx);
    };
    for (std::size_t n = 0; n < xs.size(); ++n) {
        ++count[bucket_of(n) + 1];
    }
    for (std::size_t i = 1; i < count.size(); ++i) {
        count[i] += count[i - 1];
    }
    offset_ = count;
    nodes_.resize(xs.size());
    for (std::size_t n = 0; n < xs.size(); ++n) { // ascending node id within each bucket
        nodes_[count[bucket_of(n)]++] = static_cast<NodeId>(n);
    }
}

NodeLocator::Hit NodeLocator::nearest(double x, double y, double max_m,
                                      std::function<bool(NodeId)> const& accept) const {
    Hit best{kNoNode, std::numeric_limits<double>::infinity()};
    if (nodes_.empty()) {
        return best;
    }
    auto xs = g_->node_x();
    auto ys = g_->node_y();
    auto cx = static_cast<std::int64_t>(std::floor((x - x0_) / bucket_));
    auto cy = static_cast<std::int64_t>(std::floor((y - y0_) / bucket_));
    std::int64_t const max_ring = std::max(nx_, ny_) + std::max<std::int64_t>(std::abs(cx), std::abs(cy)) + 1;
    for (std::int64_t r = 0; r <= max_ring; ++r) {
        // Every point in ring r is at least (r - 1) buckets away.
        double const ring_min = (static_cast<double>(r) - 1.0) * bucket_;
        if (ring_min > best.distance_m || ring_min > max_m) {
            break;
        }
        for (std::int64_t by = cy - r; by <= cy + r; ++by) {
            if (by < 0 || by >= ny_) {
                continue;
            }
            bool const edge_row = (by == cy - r || by == cy + r);
            for (std::int64_t bx = cx - r; bx <= cx + r; bx += (edge_row ? 1 : 2 * r)) {
                if (bx >= 0 && bx < nx_) {
                    auto const b = static_cast<std::size_t>(by * nx_ + bx);
                    for (std::uint32_t i = offset_[b]; i < offset_[b + 1]; ++i) {
                        NodeId const n = nodes_[i];
                        double const d = std::hypot(xs[n] - x, ys[n] - y);
                        if ((d < best.distance_m || (d == best.distance_m && n < best.node)) &&
                            d <= max_m && (!accept || accept(n))) {
                            best = {n, d};
                        }
                    }
                }
                if (r == 0) {
                    break;
                }
            }
        }
    }
    if (best.node == kNoNode) {
        best.distance_m = 0.0;
    }
    return best;
}

} // namespace tsunagi
