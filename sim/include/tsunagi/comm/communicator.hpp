#pragma once
// How the engine talks to other ranks. The serial implementation lives here; the MPI one lives in
// hpc/ (the only place that includes <mpi.h>). Reductions of floating-point values are defined to
// add the ranks' contributions in rank order, so results are identical for any rank count
// whenever each rank's contribution is.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace tsunagi {

using Bytes = std::vector<std::byte>;

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const noexcept = 0;
    virtual int size() const noexcept = 0;
    virtual void barrier() = 0;

    // In-place element-wise reductions over all ranks.
    virtual void allreduce_sum(std::span<std::int64_t> values) = 0;
    virtual void allreduce_sum(std::span<double> values) = 0; // rank order
    virtual void allreduce_max(std::span<double> values) = 0;
    virtual void allreduce_min(std::span<double> values) = 0;

    // Root's bytes to every rank.
    virtual void broadcast(Bytes& data, int root) = 0;
    // Every rank's bytes, indexed by rank, on every rank.
    virtual std::vector<Bytes> allgather(Bytes const& mine) = 0;
    // Sparse neighbour exchange: send[i] goes to ranks[i]; returns what each of `ranks` sent us,
    // in the same order. Every pair must list each other.
    virtual std::vector<Bytes> exchange(std::span<int const> ranks, std::vector<Bytes> const& send) = 0;

    bool is_root() const noexcept { return rank() == 0; }
};

class SerialCommunicator final : public Communicator {
public:
    int rank() const noexcept override { return 0; }
    int size() const noexcept override { return 1; }
    void barrier() override {}
    void allreduce_sum(std::span<std::int64_t>) override {}
    void allreduce_sum(std::span<double>) override {}
    void allreduce_max(std::span<double>) override {}
    void allreduce_min(std::span<double>) override {}
    void broadcast(Bytes&, int) override {}
    std::vector<Bytes> allgather(Bytes const& mine) override { return {mine}; }
    std::vector<Bytes> exchange(std::span<int const> ranks, std::vector<Bytes> const& send) override;
};

} // namespace tsunagi
