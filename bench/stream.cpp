// STREAM-style sustainable memory bandwidth (McCalpin, "Memory Bandwidth and Machine Balance in
// Current High Performance Computers", IEEE TCCA Newsletter, 1995; https://www.cs.virginia.edu/stream/).
//
//   tsunagi_stream [--threads T] [--elements N] [--repeats R] [--json F]
//
// The four kernels on three arrays of doubles far larger than the last-level cache:
//   copy  c = a          16 B per element      scale  b = s·c        16 B per element
//   add   c = a + b      24 B per element      triad  a = b + s·c    24 B per element
// Bytes are counted as STREAM counts them: every array element read or written once, no
// write-allocate traffic. The best of R repetitions (after a first, untimed one) is reported, as
// STREAM does. OpenMP with a static schedule, and the arrays are first touched by the same static
// schedule, so each thread streams through memory it placed itself.
// The evacuation kernel's bandwidth fraction (bench/run) divides its bytes per agent-update ×
// updates per second by the triad figure measured here with the same number of threads.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <string>

namespace {

struct Kernel {
    char const* name;
    double bytes_per_element;
    double best_s = std::numeric_limits<double>::infinity();
};

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"STREAM-style memory bandwidth (copy, scale, add, triad)"};
    int threads = 0;
    std::int64_t elements = std::int64_t{1} << 25; // 256 MiB per array
    int repeats = 10;
    std::string json;
    app.add_option("--threads", threads, "OpenMP threads (default: all cores)");
    app.add_option("--elements", elements, "doubles per array (default 2^25: 256 MiB each)")
        ->check(CLI::Range(std::int64_t{1} << 16, std::int64_t{1} << 33));
    app.add_option("--repeats", repeats, "timed repetitions; the best is reported")
        ->check(CLI::Range(1, 1000));
    app.add_option("--json", json, "append the results as a JSON line to this file");
    CLI11_PARSE(app, argc, argv);
    if (threads > 0) {
        omp_set_num_threads(threads);
    }
    int const nthreads = omp_get_max_threads();
    auto const n = static_cast<std::size_t>(elements);
    // No value-initialisation: the first touch below places the pages.
    std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
    double* const pa = a.get();
    double* const pb = b.get();
    double* const pc = c.get();
    auto const sn = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < sn; ++i) {
        pa[i] = 1.0;
        pb[i] = 2.0;
        pc[i] = 0.0;
    }
    double const s = 3.0;
    Kernel k[4] = {{"copy", 16}, {"scale", 16}, {"add", 24}, {"triad", 24}};
    for (int rep = 0; rep <= repeats; ++rep) {
        double t = now_s();
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < sn; ++i) {
            pc[i] = pa[i];
        }
        double t1 = now_s();
        double times[4];
        times[0] = t1 - t;
        t = t1;
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < sn; ++i) {
            pb[i] = s * pc[i];
        }
        t1 = now_s();
        times[1] = t1 - t;
        t = t1;
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < sn; ++i) {
            pc[i] = pa[i] + pb[i];
        }
        t1 = now_s();
        times[2] = t1 - t;
        t = t1;
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < sn; ++i) {
            pa[i] = pb[i] + s * pc[i];
        }
        t1 = now_s();
        times[3] = t1 - t;
        if (rep > 0) { // the first pass warms up (page faults, frequency)
            for (int j = 0; j < 4; ++j) {
                k[j].best_s = std::min(k[j].best_s, times[j]);
            }
        }
    }
    // Check the result, as STREAM does, so the compiler cannot drop the loops.
    double ea = 1.0, eb = 2.0, ec = 0.0;
    for (int rep = 0; rep <= repeats; ++rep) {
        ec = ea;
        eb = s * ec;
        ec = ea + eb;
        ea = eb + s * ec;
    }
    double err = 0.0;
    for (std::size_t i = 0; i < n; i += 4099) {
        err = std::max({err, std::abs(pa[i] - ea) / ea, std::abs(pb[i] - eb) / eb,
                        std::abs(pc[i] - ec) / ec});
    }
    if (err > 1e-12) {
        fmt::print(stderr, "tsunagi_stream: validation failed (relative error {:.3e})\n", err);
        return 1;
    }
    double const mib = static_cast<double>(n) * sizeof(double) / (1024.0 * 1024.0);
    fmt::print("STREAM: {} threads, 3 arrays of {} doubles ({:.0f} MiB each), best of {}\n",
               nthreads, n, mib, repeats);
    fmt::print("{:>8} {:>12} {:>12}\n", "kernel", "GB/s", "best_s");
    std::string fields;
    for (auto const& kk : k) {
        double const gbs = kk.bytes_per_element * static_cast<double>(n) / kk.best_s / 1e9;
        fmt::print("{:>8} {:>12.2f} {:>12.5f}\n", kk.name, gbs, kk.best_s);
        fields += fmt::format(", \"{}_gbs\": {:.3f}", kk.name, gbs);
    }
    if (!json.empty()) {
        std::ofstream(json, std::ios::app)
            << fmt::format("{{\"bench\": \"stream\", \"threads\": {}, \"elements\": {}, "
                           "\"repeats\": {}{}}}\n",
                           nthreads, n, repeats, fields);
    }
    return 0;
}
