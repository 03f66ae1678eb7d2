#include <tsunagi/hpc/mpi_communicator.hpp>
#include <tsunagi/hpc/mpi_runtime.hpp>

#include <fmt/format.h>
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tsunagi::hpc {

namespace {
int env_int(char const* name) {
    char const* v = std::getenv(name);
    return v != nullptr ? std::atoi(v) : 0;
}
} // namespace

bool launched_under_mpi() noexcept {
    return env_int("OMPI_COMM_WORLD_SIZE") > 1 || env_int("PMI_SIZE") > 1 ||
           env_int("PMIX_SIZE") > 1 || env_int("TSUNAGI_FORCE_MPI") == 1;
}

MpiRuntime::MpiRuntime(int& argc, char**& argv) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        int provided = 0;
        // Only the main thread calls MPI; oneTBB's workers never do.
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        finalize_ = true;
    }
    // Errors come back as codes we turn into exceptions (and then abort() with a message).
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    world_ = MpiCommunicator::world();
}

MpiRuntime::~MpiRuntime() {
    world_.reset();
    if (finalize_) {
        MPI_Finalize();
    }
}

int MpiRuntime::rank() const noexcept { return world_->rank(); }
int MpiRuntime::size() const noexcept { return world_->size(); }

void MpiRuntime::abort(int code, std::string const& message) const {
    std::fprintf(stderr, "\ntsunagi: rank %d of %d: %s\n", world_->rank(), world_->size(),
                 message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code); // not reached
}

} // namespace tsunagi::hpc
