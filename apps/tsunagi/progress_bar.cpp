#include "progress_bar.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tsunagi::cli {

std::string format_hms(double seconds) {
    auto const s = static_cast<long long>(std::max(0.0, std::round(seconds)));
    return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

ProgressBar::ProgressBar(std::int64_t total, std::function<double(std::int64_t)> time_of,
                         std::FILE* out, bool enabled)
    : total_(std::max<std::int64_t>(total, 1))
    , time_of_(std::move(time_of))
    , out_(out)
    , enabled_(enabled)
    , tty_(isatty(fileno(out)) != 0)
    , start_(std::chrono::steady_clock::now())
    , last_draw_(start_) {}

void ProgressBar::update(std::int64_t done) {
    if (!enabled_) {
        return;
    }
    auto const now = std::chrono::steady_clock::now();
    if (tty_) {
        if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) {
            return;
        }
        last_draw_ = now;
        draw(done, false);
        return;
    }
    int const decile = static_cast<int>(10 * done / total_);
    if (decile != last_decile_) {
        last_decile_ = decile;
        draw(done, false);
    }
}

void ProgressBar::draw(std::int64_t done, bool final) {
    double const frac = std::clamp(static_cast<double>(done) / static_cast<double>(total_), 0.0, 1.0);
    double const elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double const eta = frac > 0.0 ? elapsed * (1.0 - frac) / frac : 0.0;
    std::string const sim = format_hms(time_of_(done));
    std::string const end = format_hms(time_of_(total_));
    if (tty_) {
        constexpr int kWidth = 30;
        int const filled = static_cast<int>(frac * kWidth);
        std::string bar;
        for (int i = 0; i < kWidth; ++i) {
            bar += i < filled ? "█" : "░";
        }
        fmt::print(out_, "\r  {} {:3.0f}%  sim {} / {}  elapsed {}  ETA {}\033[K", bar, frac * 100.0,
                   sim, end, format_hms(elapsed), final ? "0:00:00" : format_hms(eta));
        if (final) {
            fmt::print(out_, "\n");
        }
    } else {
        fmt::print(out_, "progress: {:3.0f}%  sim {} / {}  elapsed {:.1f} s\n", frac * 100.0, sim,
                   end, elapsed);
    }
    std::fflush(out_);
}

void ProgressBar::finish() {
    if (!enabled_ || finished_) {
        return;
    }
    finished_ = true;
    if (tty_) {
        draw(total_, true);
    } else if (last_decile_ < 10) {
        draw(total_, true);
    }
}

} // namespace tsunagi::cli
