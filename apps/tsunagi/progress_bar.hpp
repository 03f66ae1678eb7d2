#pragma once
// A small progress bar for the CLI (no progress-bar library is packaged in Debian 12): a redrawn
// bar with ETA on a terminal, a plain line every 10 % otherwise (logs, CI).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace tsunagi::cli {

class ProgressBar {
public:
    // total: ticks; time_of: simulated seconds when a tick starts (for the simulated-time
    // display; ticks may get longer during a run, see Clock).
    ProgressBar(std::int64_t total, std::function<double(std::int64_t)> time_of, std::FILE* out,
                bool enabled);
    void update(std::int64_t done);
    void finish();

private:
    void draw(std::int64_t done, bool final);
    std::int64_t total_;
    std::function<double(std::int64_t)> time_of_;
    std::FILE* out_;
    bool enabled_;
    bool tty_;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    bool finished_ = false;
};

// "1:02:03" for seconds.
std::string format_hms(double seconds);

} // namespace tsunagi::cli
