#include <tsunagi/core/error.hpp>
#include <tsunagi/hpc/mpi_communicator.hpp>

#include <fmt/format.h>
#include <mpi.h>

#include <cmath>
#include <cstring>

namespace tsunagi::hpc {

struct MpiCommunicator::Impl {
    MPI_Comm comm = MPI_COMM_NULL;
    ~Impl() {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized && comm != MPI_COMM_NULL) {
            MPI_Comm_free(&comm);
        }
    }
};

namespace {
void check(int rc, char const* what) {
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len = 0;
        MPI_Error_string(rc, msg, &len);
        throw IoError(fmt::format("MPI: {} failed: {}", what, std::string(msg, static_cast<std::size_t>(len))));
    }
}
} // namespace

MpiCommunicator::MpiCommunicator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
    MPI_Comm_rank(impl_->comm, &rank_);
    MPI_Comm_size(impl_->comm, &size_);
}

MpiCommunicator::~MpiCommunicator() = default;

std::shared_ptr<MpiCommunicator> MpiCommunicator::world() {
    auto impl = std::make_unique<Impl>();
    check(MPI_Comm_dup(MPI_COMM_WORLD, &impl->comm), "MPI_Comm_dup");
    return std::shared_ptr<MpiCommunicator>(new MpiCommunicator(std::move(impl)));
}

std::shared_ptr<MpiCommunicator> MpiCommunicator::split(int colour, int key) const {
    auto impl = std::make_unique<Impl>();
    check(MPI_Comm_split(impl_->comm, colour, key, &impl->comm), "MPI_Comm_split");
    return std::shared_ptr<MpiCommunicator>(new MpiCommunicator(std::move(impl)));
}

void* MpiCommunicator::native() const noexcept { return &impl_->comm; }

void MpiCommunicator::barrier() { check(MPI_Barrier(impl_->comm), "MPI_Barrier"); }

void MpiCommunicator::allreduce_sum(std::span<std::int64_t> v) {
    check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_INT64_T, MPI_SUM,
                        impl_->comm),
          "MPI_Allreduce");
    bytes_sent_ += v.size_bytes();
}

void MpiCommunicator::allreduce_sum(std::span<double> v) {
    // Counts held as doubles (the usual case: time series of persons) are summed exactly as
    // 64-bit integers, in O(n log P); a sum of integers is the same bits in any order.
    constexpr double kExact = 9007199254740992.0; // 2^53
    int integral = 1;
    for (double x : v) {
        if (!(std::abs(x) < kExact) || std::trunc(x) != x) {
            integral = 0;
            break;
        }
    }
    check(MPI_Allreduce(MPI_IN_PLACE, &integral, 1, MPI_INT, MPI_MIN, impl_->comm),
          "MPI_Allreduce");
    bytes_sent_ += sizeof(int);
    if (integral != 0) {
        std::vector<std::int64_t> n(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            n[i] = static_cast<std::int64_t>(v[i]);
        }
        allreduce_sum(std::span<std::int64_t>(n));
        for (std::size_t i = 0; i < v.size(); ++i) {
            v[i] = static_cast<double>(n[i]); // exact while sums stay below 2^53, as counts do
        }
        return;
    }
    // Otherwise gather everything and add in rank order: the result does not depend on MPI's
    // reduction tree (O(n P) bytes; no model sums fractional values over ranks every tick).
    std::vector<double> all(v.size() * static_cast<std::size_t>(size_));
    check(MPI_Allgather(v.data(), static_cast<int>(v.size()), MPI_DOUBLE, all.data(),
                        static_cast<int>(v.size()), MPI_DOUBLE, impl_->comm),
          "MPI_Allgather");
    bytes_sent_ += v.size_bytes();
    for (std::size_t i = 0; i < v.size(); ++i) {
        double s = 0.0;
        for (int r = 0; r < size_; ++r) {
            s += all[static_cast<std::size_t>(r) * v.size() + i];
        }
        v[i] = s;
    }
}

void MpiCommunicator::allreduce_max(std::span<double> v) {
    check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MAX,
                        impl_->comm),
          "MPI_Allreduce");
    bytes_sent_ += v.size_bytes();
}

void MpiCommunicator::allreduce_min(std::span<double> v) {
    check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MIN,
                        impl_->comm),
          "MPI_Allreduce");
    bytes_sent_ += v.size_bytes();
}

void MpiCommunicator::broadcast(Bytes& data, int root) {
    std::uint64_t n = data.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, impl_->comm), "MPI_Bcast");
    data.resize(n);
    check(MPI_Bcast(data.data(), static_cast<int>(n), MPI_BYTE, root, impl_->comm), "MPI_Bcast");
    if (rank_ == root) {
        bytes_sent_ += n;
    }
}

std::vector<Bytes> MpiCommunicator::allgather(Bytes const& mine) {
    std::int64_t n = static_cast<std::int64_t>(mine.size());
    std::vector<std::int64_t> sizes(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&n, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, impl_->comm),
          "MPI_Allgather");
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
    int total = 0;
    for (int r = 0; r < size_; ++r) {
        counts[static_cast<std::size_t>(r)] = static_cast<int>(sizes[static_cast<std::size_t>(r)]);
        displs[static_cast<std::size_t>(r)] = total;
        total += counts[static_cast<std::size_t>(r)];
    }
    Bytes all(static_cast<std::size_t>(total));
    check(MPI_Allgatherv(mine.data(), static_cast<int>(n), MPI_BYTE, all.data(), counts.data(),
                         displs.data(), MPI_BYTE, impl_->comm),
          "MPI_Allgatherv");
    bytes_sent_ += mine.size();
    std::vector<Bytes> out(static_cast<std::size_t>(size_));
    for (int r = 0; r < size_; ++r) {
        auto const b = all.begin() + displs[static_cast<std::size_t>(r)];
        out[static_cast<std::size_t>(r)].assign(b, b + counts[static_cast<std::size_t>(r)]);
    }
    return out;
}

std::vector<Bytes> MpiCommunicator::exchange(std::span<int const> ranks,
                                             std::vector<Bytes> const& send) {
    if (send.size() != ranks.size()) {
        throw ModelError("exchange: one send buffer per neighbour rank is needed");
    }
    std::size_t const k = ranks.size();
    std::vector<std::uint64_t> out_size(k), in_size(k);
    std::vector<MPI_Request> req(2 * k);
    for (std::size_t i = 0; i < k; ++i) {
        out_size[i] = send[i].size();
        check(MPI_Irecv(&in_size[i], 1, MPI_UINT64_T, ranks[i], 101, impl_->comm, &req[i]),
              "MPI_Irecv");
        check(MPI_Isend(&out_size[i], 1, MPI_UINT64_T, ranks[i], 101, impl_->comm, &req[k + i]),
              "MPI_Isend");
    }
    check(MPI_Waitall(static_cast<int>(2 * k), req.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
    std::vector<Bytes> recv(k);
    for (std::size_t i = 0; i < k; ++i) {
        recv[i].resize(in_size[i]);
        check(MPI_Irecv(recv[i].data(), static_cast<int>(in_size[i]), MPI_BYTE, ranks[i], 102,
                        impl_->comm, &req[i]),
              "MPI_Irecv");
        check(MPI_Isend(send[i].data(), static_cast<int>(out_size[i]), MPI_BYTE, ranks[i], 102,
                        impl_->comm, &req[k + i]),
              "MPI_Isend");
        bytes_sent_ += out_size[i] + 8;
    }
    check(MPI_Waitall(static_cast<int>(2 * k), req.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
    return recv;
}

} // namespace tsunagi::hpc
