#pragma once
// Threading inside a rank: oneTBB, always inside the engine's task arena so `--threads N` is
// honoured. Work is cut into chunks whose boundaries depend only on the problem size and the chunk
// size, never on the number of threads: anything computed per chunk and combined in chunk order is
// therefore identical for any thread count.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace tsunagi {

struct Chunk {
    std::size_t index; // chunk number, 0..n_chunks-1
    std::size_t begin; // first row
    std::size_t end;   // one past the last row
};

inline std::size_t chunk_count(std::size_t n, std::size_t chunk_size) noexcept {
    return (n + chunk_size - 1) / chunk_size;
}

// A fixed-size pool of worker threads (a oneTBB task arena).
class ThreadPool {
public:
    explicit ThreadPool(int threads); // threads <= 0: all hardware threads
    ~ThreadPool();
    ThreadPool(ThreadPool const&) = delete;
    ThreadPool& operator=(ThreadPool const&) = delete;

    int threads() const noexcept { return threads_; }

    // Calls fn(chunk) for every chunk of [0, n), in parallel, chunk boundaries fixed by chunk_size.
    void for_chunks(std::size_t n, std::size_t chunk_size,
                    std::function<void(Chunk const&)> const& fn) const;

    // Sum of fn(chunk) over the chunks, added in chunk order (bit-identical for any thread count).
    double sum_chunks(std::size_t n, std::size_t chunk_size,
                      std::function<double(Chunk const&)> const& fn) const;
    std::int64_t sum_chunks_i64(std::size_t n, std::size_t chunk_size,
                                std::function<std::int64_t(Chunk const&)> const& fn) const;

    // Runs fn inside the arena (so nested TBB algorithms use this pool).
    void execute(std::function<void()> const& fn) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int threads_;
};

int hardware_threads() noexcept;

} // namespace tsunagi
