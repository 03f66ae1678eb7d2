#pragma once
// The MPI runtime of a tsunagi process: initialisation (MPI_THREAD_FUNNELED: only the main
// thread calls MPI; oneTBB workers never do), the world communicator, and fast failure - a rank
// that throws calls abort(), which prints which rank failed and why and ends every rank of the
// job (MPI_Abort), so a failure never leaves the others waiting in a collective.

#include <tsunagi/comm/communicator.hpp>

#include <memory>
#include <string>

namespace tsunagi::hpc {

// True when this process was started by mpiexec/srun with more than one rank, or when
// TSUNAGI_FORCE_MPI=1 (a single-rank MPI run, for tests).
bool launched_under_mpi() noexcept;

class MpiRuntime {
public:
    MpiRuntime(int& argc, char**& argv);
    ~MpiRuntime();
    MpiRuntime(MpiRuntime const&) = delete;
    MpiRuntime& operator=(MpiRuntime const&) = delete;

    std::shared_ptr<Communicator> world() const { return world_; }
    int rank() const noexcept;
    int size() const noexcept;

    // Prints "tsunagi: rank R of N: <message>" to stderr and aborts the whole job with `code`.
    [[noreturn]] void abort(int code, std::string const& message) const;

private:
    std::shared_ptr<Communicator> world_;
    bool finalize_ = false;
};

} // namespace tsunagi::hpc
