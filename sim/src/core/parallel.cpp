#include <tsunagi/core/parallel.hpp>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>

namespace tsunagi {

struct ThreadPool::Impl {
    // Allow more threads than cores when asked (oversubscription is the user's call; tests use it
    // to show results do not depend on the thread count).
    explicit Impl(int n)
        : control(tbb::global_control::max_allowed_parallelism,
                  static_cast<std::size_t>(std::max(n, tbb::info::default_concurrency())))
        , arena(n) {}
    tbb::global_control control;
    mutable tbb::task_arena arena;
};

int hardware_threads() noexcept { return std::max(1, tbb::info::default_concurrency()); }

ThreadPool::ThreadPool(int threads)
    : threads_(threads > 0 ? threads : hardware_threads()) {
    impl_ = std::make_unique<Impl>(threads_);
}

ThreadPool::~ThreadPool() = default;

void ThreadPool::execute(std::function<void()> const& fn) const { impl_->arena.execute(fn); }

void ThreadPool::for_chunks(std::size_t n, std::size_t chunk_size,
                            std::function<void(Chunk const&)> const& fn) const {
    std::size_t const nc = chunk_count(n, chunk_size);
    if (nc == 0) {
        return;
    }
    auto body = [&](tbb::blocked_range<std::size_t> const& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
            std::size_t const b = c * chunk_size;
            fn(Chunk{c, b, std::min(n, b + chunk_size)});
        }
    };
    if (nc == 1 || threads_ == 1) {
        body(tbb::blocked_range<std::size_t>(0, nc));
        return;
    }
    impl_->arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nc, 1), body,
                          tbb::simple_partitioner{});
    });
}

double ThreadPool::sum_chunks(std::size_t n, std::size_t chunk_size,
                              std::function<double(Chunk const&)> const& fn) const {
    std::vector<double> part(chunk_count(n, chunk_size), 0.0);
    for_chunks(n, chunk_size, [&](Chunk const& c) { part[c.index] = fn(c); });
    double s = 0.0;
    for (double v : part) {
        s += v;
    }
    return s;
}

std::int64_t ThreadPool::sum_chunks_i64(std::size_t n, std::size_t chunk_size,
                                        std::function<std::int64_t(Chunk const&)> const& fn) const {
    std::vector<std::int64_t> part(chunk_count(n, chunk_size), 0);
    for_chunks(n, chunk_size, [&](Chunk const& c) { part[c.index] = fn(c); });
    std::int64_t s = 0;
    for (auto v : part) {
        s += v;
    }
    return s;
}

} // namespace tsunagi
