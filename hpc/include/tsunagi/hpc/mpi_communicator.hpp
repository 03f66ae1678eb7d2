#pragma once
// The engine's Communicator over MPI (the only MPI-specific code the engine talks to).
// Floating-point sums are deterministic: every rank gathers all contributions and adds them in
// rank order, so a sum does not depend on MPI's reduction tree.

#include <tsunagi/comm/communicator.hpp>

#include <cstdint>
#include <memory>

namespace tsunagi::hpc {

class MpiCommunicator final : public Communicator {
public:
    // Wraps a duplicate of `comm` (an MPI_Comm passed as its integer/pointer handle via
    // from_world()/split()).
    static std::shared_ptr<MpiCommunicator> world();
    ~MpiCommunicator() override;

    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return size_; }
    void barrier() override;
    void allreduce_sum(std::span<std::int64_t> values) override;
    void allreduce_sum(std::span<double> values) override;
    void allreduce_max(std::span<double> values) override;
    void allreduce_min(std::span<double> values) override;
    void broadcast(Bytes& data, int root) override;
    std::vector<Bytes> allgather(Bytes const& mine) override;
    std::vector<Bytes> exchange(std::span<int const> ranks, std::vector<Bytes> const& send) override;

    // Splits into groups (ensembles): ranks with the same colour form one communicator.
    std::shared_ptr<MpiCommunicator> split(int colour, int key) const;

    // Bytes this communicator has sent since construction (for the scaling measurements).
    std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }
    // The underlying MPI_Comm, for parallel HDF5 (hpc/ only).
    void* native() const noexcept;

private:
    struct Impl;
    explicit MpiCommunicator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    int rank_ = 0;
    int size_ = 1;
    std::uint64_t bytes_sent_ = 0;
};

} // namespace tsunagi::hpc
